// The "share this record" form, the same for incidents, vehicles and businesses: who with
// (organisation, team or one user of the partnership), view or edit, why, and until when.
import { z } from 'zod';
import { choice, dateInput, isUuid, requiredText } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, type FormErrors } from '../../platform/http/forms.ts';
import type { NewShare, shareTargets } from '../../platform/access/shares.ts';

type Targets = Awaited<ReturnType<typeof shareTargets>>;

const shareSchema = z.object({
  target_kind: choice(['organisation', 'team', 'user'] as const, 'Select who to share with'),
  access: choice(['view', 'edit'] as const, 'Select whether they can view or also change it'),
  reason: requiredText('Enter the reason for sharing, for example the information sharing agreement it falls under', 500, 'Reason must be 500 characters or fewer'),
});

const FIELDS = ['target_kind', 'target_organisation', 'target_team', 'target_user', 'access', 'reason', 'expires-day', 'expires-month', 'expires-year'];

export function parseShareForm(
  body: unknown,
  targets: Targets,
  today: string,
): { share: Omit<NewShare, 'recordType' | 'recordId'> | null; errors: FormErrors; values: Record<string, string> } {
  const input = (body ?? {}) as Record<string, unknown>;
  const errors = emptyErrors();
  // Each field on its own, so one mistake never hides another.
  const field = <T>(key: string, schema: z.ZodType<T>): T | null => {
    const r = schema.safeParse(input[key]);
    if (r.success) return r.data;
    addError(errors, key, r.error.issues[0]?.message ?? 'Check this answer');
    return null;
  };
  const kind = field('target_kind', shareSchema.shape.target_kind);
  const access = field('access', shareSchema.shape.access);
  const reason = field('reason', shareSchema.shape.reason);
  const targetId = kind ? formValue(body, `target_${kind}`).trim() : '';
  const valid = kind === 'organisation' ? targets.organisations : kind === 'team' ? targets.teams : kind === 'user' ? targets.users : [];
  if (kind && (!isUuid(targetId) || !valid.some((t) => t.id === targetId))) addError(errors, `target_${kind}`, `Select the ${kind === 'user' ? 'person' : kind} to share with`);
  const expiry = dateInput(body, 'expires', 'the date sharing ends');
  if ('error' in expiry && expiry.error) addError(errors, 'expires', expiry.error);
  else if ('value' in expiry && expiry.value && expiry.value < today) addError(errors, 'expires', 'The date sharing ends must be today or in the future');
  const values: Record<string, string> = {};
  for (const k of FIELDS) values[k] = formValue(body, k).slice(0, 500);
  if (errors.list.length || !kind || !access || !reason) return { share: null, errors, values };
  return {
    share: { target: { kind, id: targetId }, access, reason, expiresAt: ('value' in expiry && expiry.value) || null },
    errors,
    values,
  };
}
