// Reading supervision's forms: reassigning a case or task (who takes it on, and why) and a supervision
// note (with an optional next review date). Each returns the typed input, or GOV.UK errors and what
// was typed so nothing is lost.
import { z } from 'zod';
import { dateInput, requiredText, uuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, zodToFormErrors, type FormErrors } from '../../platform/http/forms.ts';
import { londonDate } from '../incidents/london-time.ts';

const echoOf = (body: unknown, keys: readonly string[]) =>
  Object.fromEntries(keys.map((k) => [k, formValue(body, k).slice(0, 6000)]));

const reassignSchema = z.object({
  to: uuid('Select the officer to take it on'),
  reason: requiredText('Enter why you are reassigning it', 2000, 'The reason must be 2,000 characters or fewer'),
});
export type ReassignFields = { to: string; reason: string; moveTasks: boolean };
const REASSIGN_KEYS = ['to', 'reason', 'move_tasks'] as const;

export function parseReassign(body: unknown): { fields: ReassignFields | null; errors: FormErrors; values: Record<string, string> } {
  const values = echoOf(body, REASSIGN_KEYS);
  const parsed = reassignSchema.safeParse({ to: formValue(body, 'to'), reason: formValue(body, 'reason') });
  if (!parsed.success) return { fields: null, errors: zodToFormErrors(parsed.error), values };
  return {
    fields: { to: parsed.data.to.toLowerCase(), reason: parsed.data.reason, moveTasks: formValue(body, 'move_tasks') === 'yes' },
    errors: emptyErrors(),
    values,
  };
}

const noteSchema = z.object({
  note: requiredText('Enter the supervision note', 5000, 'The note must be 5,000 characters or fewer'),
});
export type NoteFields = { note: string; next_review_date: string | null };
const NOTE_KEYS = ['note', 'next_review-day', 'next_review-month', 'next_review-year'] as const;

export function parseNote(body: unknown, now = new Date()): { fields: NoteFields | null; errors: FormErrors; values: Record<string, string> } {
  const values = echoOf(body, NOTE_KEYS);
  const parsed = noteSchema.safeParse({ note: formValue(body, 'note') });
  const errors = parsed.success ? emptyErrors() : zodToFormErrors(parsed.error);
  const date = dateInput(body, 'next_review', 'the next review date');
  let next: string | null = null;
  if ('error' in date && date.error) addError(errors, 'next_review', date.error);
  else if ('value' in date && date.value) {
    if (date.value < londonDate(now)) addError(errors, 'next_review', 'The next review date must be today or in the future');
    else next = date.value;
  }
  if (!parsed.success || errors.list.length) return { fields: null, errors, values };
  return { fields: { note: parsed.data.note, next_review_date: next }, errors, values };
}
