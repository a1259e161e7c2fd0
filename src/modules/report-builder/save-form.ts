// The form that names a report and says who else may use its definition.
import { z } from 'zod';
import { choice, optionalText, requiredText } from '../../platform/http/fields.ts';
import { addError, formValue, zodToFormErrors, emptyErrors, type FormErrors } from '../../platform/http/forms.ts';
import type { SaveInput, Sharing } from './service.ts';

export const SHARINGS = ['private', 'team', 'organisation', 'partnership'] as const satisfies readonly Sharing[];
export const SHARING_NAMES: Record<Sharing, string> = {
  private: 'Only you',
  team: 'Your team',
  organisation: 'Your organisation',
  partnership: 'Everyone in the partnership',
};

export interface SaveFormValues {
  name: string;
  description: string;
  sharing: string;
  team: string;
}

const schema = z.object({
  name: requiredText('Enter a name for the report', 120, 'The name must be 120 characters or fewer'),
  description: optionalText(1000, 'The description must be 1,000 characters or fewer'),
  sharing: choice(SHARINGS, 'Select who else can use this report'),
});

/** The sharing radio for a team is "team:<id>", so one choice names both the scope and the team. */
export function parseSaveForm(body: unknown, teams: { id: string }[]): { input: SaveInput | null; values: SaveFormValues; errors: FormErrors } {
  const rawSharing = formValue(body, 'sharing').trim();
  const [scope, teamId] = rawSharing.startsWith('team:') ? ['team', rawSharing.slice(5)] : [rawSharing, ''];
  const values: SaveFormValues = { name: formValue(body, 'name'), description: formValue(body, 'description'), sharing: scope, team: teamId };
  const parsed = schema.safeParse({ name: formValue(body, 'name'), description: formValue(body, 'description'), sharing: scope });
  const errors = parsed.success ? emptyErrors() : zodToFormErrors(parsed.error);
  if (scope === 'team' && !teams.some((t) => t.id === teamId)) addError(errors, 'sharing', 'Select a team you belong to');
  if (!parsed.success || errors.list.length) return { input: null, values, errors };
  return {
    input: { name: parsed.data.name, description: parsed.data.description, sharing: parsed.data.sharing, teamId: scope === 'team' ? teamId : null },
    values,
    errors,
  };
}
