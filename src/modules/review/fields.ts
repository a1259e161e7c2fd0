// Reading the daily review's forms: the queue's filters, a decision (quick or in full) and the task
// forms. Each returns the typed input or the GOV.UK errors to show with what was typed.
import { z } from 'zod';
import { choice, dateInput, isUuid, optionalText, requiredText } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, zodToFormErrors, type FormErrors } from '../../platform/http/forms.ts';
import type { ShareTarget } from '../../platform/access/shares.ts';
import { CATEGORIES, HOW_REPORTED } from '../incidents/labels.ts';
import { fromLondon, parseTime } from '../incidents/london-time.ts';
import { DISPUTE_RESOLUTIONS, NDM_FIELDS, NFA_REASONS, OUTCOMES, REASON_KEYS, type NfaReasonKey } from './labels.ts';
import type { DecisionInput, Resolution } from './service.ts';
import type { QueueFilters } from './repository.ts';

const pick = <T extends string>(v: unknown, allowed: readonly T[]): T | null => (typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : null);

export function parseFilters(query: unknown): QueueFilters {
  const q = (query ?? {}) as Record<string, unknown>;
  return {
    areaId: isUuid(q.area) ? q.area : null,
    source: pick(q.source, HOW_REPORTED),
    category: pick(q.category, CATEGORIES),
    flag: pick(q.flag, REASON_KEYS),
  };
}

export const DECISION_KEYS = [
  'outcome', 'nfa_reason', 'nfa_reason_other', 'note', ...NDM_FIELDS, 'share_kind', 'share_organisation', 'share_team', 'share_user',
  'assignee_kind', 'assignee_organisation', 'assignee_team', 'assignee_user', 'priority', 'due-day', 'due-month', 'due-year', 'due_time', 'share_incident',
] as const;

export function echo(body: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  for (const k of DECISION_KEYS) values[k] = formValue(body, k).slice(0, 4000);
  return values;
}

const base = z.object({
  outcome: choice(OUTCOMES, 'Select a decision'),
  note: optionalText(2000, 'The note must be 2,000 characters or fewer'),
});

const NDM_LIMIT = 4000;

export interface Known {
  organisationIds: string[];
  teamIds: string[];
  userIds: string[];
}

function target(body: unknown, prefix: 'share' | 'assignee', known: Known, errors: FormErrors, only?: 'user'): ShareTarget | null {
  const kind = only ?? formValue(body, `${prefix}_kind`);
  const message = prefix === 'share' ? 'Select who to share the incident with' : only ? 'Select the lead officer' : 'Select who the task is for';
  const id = formValue(body, `${prefix}_${kind}`);
  if (kind === 'organisation' && known.organisationIds.includes(id)) return { kind, id };
  if (kind === 'team' && known.teamIds.includes(id)) return { kind, id };
  if (kind === 'user' && known.userIds.includes(id)) return { kind, id };
  addError(errors, kind === 'organisation' || kind === 'team' || kind === 'user' ? `${prefix}_${kind}` : `${prefix}_kind`, message);
  return null;
}

/** A decision from the full form, or from the queue's quick form (no further action with a standard reason). */
export function parseDecision(body: unknown, known: Known, now: Date): { input: DecisionInput } | { errors: FormErrors } {
  const parsed = base.safeParse(body ?? {});
  const errors = parsed.success ? emptyErrors() : zodToFormErrors(parsed.error);
  const ndm: DecisionInput['ndm'] = {};
  for (const f of NDM_FIELDS) {
    const v = formValue(body, f).trim();
    if (v.length > NDM_LIMIT) addError(errors, f, 'Each stage must be 4,000 characters or fewer');
    ndm[f] = v || null;
  }
  if (!parsed.success) return { errors };
  const { outcome, note } = parsed.data;
  let nfaReason: string | null = null;
  let shareWith: ShareTarget | null = null;
  let task: DecisionInput['task'] = null;
  if (outcome === 'no_further_action') {
    const key = formValue(body, 'nfa_reason');
    if (key === 'other') {
      const other = requiredText('Enter the reason for no further action', 500, 'The reason must be 500 characters or fewer').safeParse(formValue(body, 'nfa_reason_other'));
      if (other.success) nfaReason = other.data;
      else addError(errors, 'nfa_reason_other', other.error.issues[0]!.message);
    } else if (key in NFA_REASONS) nfaReason = NFA_REASONS[key as NfaReasonKey];
    else addError(errors, 'nfa_reason', 'Select the reason for no further action');
  }
  if (outcome === 'share') shareWith = target(body, 'share', known, errors);
  if (outcome === 'task_out') {
    for (const s of NDM_FIELDS) if (!ndm[s]) addError(errors, s, 'Complete every stage of the National Decision Model to task out as high risk');
  }
  if (outcome === 'direct' || outcome === 'task_out') {
    const assignee = target(body, 'assignee', known, errors, outcome === 'direct' ? 'user' : undefined);
    const priority = outcome === 'task_out' ? pick(formValue(body, 'priority'), ['high', 'urgent'] as const) : 'normal';
    if (!priority) addError(errors, 'priority', 'Select how urgent the task is');
    const due = dateInput(body, 'due', 'the date the task is due', { required: true });
    const time = formValue(body, 'due_time').trim() ? parseTime(formValue(body, 'due_time').slice(0, 20)) : '17:00';
    let dueAt: Date | null = null;
    if ('error' in due && due.error) addError(errors, 'due', due.error);
    else if (!time) addError(errors, 'due_time', 'Enter the time as, for example, 09:30 or 5pm');
    else if ('value' in due && due.value) {
      dueAt = fromLondon(due.value, time);
      if (dueAt.getTime() <= now.getTime()) addError(errors, 'due', 'The time the task is due must be in the future');
    }
    if (assignee && priority && dueAt) task = { assignee, priority, dueAt, shareIncident: formValue(body, 'share_incident') === 'yes' };
  }
  if (errors.list.length) return { errors };
  return { input: { outcome, note, nfaReason, ndm, shareWith, task } };
}

export const disputeForm = z.object({
  reason: requiredText('Enter why your organisation disputes this task', 2000, 'The reason must be 2,000 characters or fewer'),
});

const resolveForm = z.object({
  resolution: choice(DISPUTE_RESOLUTIONS, 'Select how the dispute is resolved'),
  resolution_note: requiredText('Enter what the managers agreed', 2000, 'The note must be 2,000 characters or fewer'),
});

export function parseResolution(body: unknown, organisationIds: string[]): { input: Resolution } | { errors: FormErrors } {
  const parsed = resolveForm.safeParse(body ?? {});
  const errors = parsed.success ? emptyErrors() : zodToFormErrors(parsed.error);
  const to = formValue(body, 'reassign_to');
  if (parsed.success && parsed.data.resolution === 'reassigned' && !organisationIds.includes(to)) addError(errors, 'reassign_to', 'Select the organisation the task goes to');
  if (!parsed.success || errors.list.length) return { errors };
  return { input: { status: parsed.data.resolution, note: parsed.data.resolution_note, reassignTo: parsed.data.resolution === 'reassigned' ? to : null } };
}
