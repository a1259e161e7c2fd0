// The intervention and breach forms' fields and their validation. The kind-specific rules (ages,
// lengths, authorisation) are in rules.ts; this only turns the posted strings into typed values.
import { z } from 'zod';
import { checkbox, choice, dateInput, optionalText, requiredText } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, zodToFormErrors, type FormErrors } from '../../platform/http/forms.ts';
import { STATUSES, type InterventionKind, type Status } from './kinds.ts';
import type { InterventionInput, Problem } from './rules.ts';

const schema = z.object({
  conditions: optionalText(8000, 'Conditions must be 8,000 characters or fewer'),
  notes: optionalText(8000, 'Notes must be 8,000 characters or fewer'),
  household_address: optionalText(500, 'The address must be 500 characters or fewer'),
  authorised_by: optionalText(200, 'The authorising officer’s name must be 200 characters or fewer'),
  authoriser_rank: optionalText(60),
  yot_consulted: checkbox(),
  indefinite: checkbox(),
});

const statusSchema = z.object({ status: choice(STATUSES, 'Select the status from the list') });

export const FIELD_ORDER = ['kind', 'household_address', 'issued_on', 'duration_hours', 'expires_on', 'indefinite', 'review_on', 'conviction_on', 'yot_consulted', 'authorised_by', 'authoriser_rank', 'conditions', 'status', 'notes'];

export interface ParsedIntervention {
  input: InterventionInput | null;
  text: { conditions: string | null; notes: string | null; householdAddress: string | null };
  errors: FormErrors;
  values: Record<string, string>;
}

/** What the user typed, to show again beside the errors so nothing typed is lost. */
export function echo(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object') return out;
  for (const k of Object.keys(body as Record<string, unknown>)) if (k !== '_csrf') out[k] = formValue(body, k).slice(0, 8000);
  return out;
}

export function parseInterventionForm(body: unknown, kind: InterventionKind, opts: { withStatus: boolean; household: boolean }): ParsedIntervention {
  const values = echo(body);
  const parsed = schema.safeParse(body ?? {});
  const errors = parsed.success ? emptyErrors() : zodToFormErrors(parsed.error);
  const date = (prefix: string, label: string, required = false) => {
    const r = dateInput(body, prefix, label, { required });
    if ('error' in r && r.error) {
      addError(errors, prefix, r.error);
      return null;
    }
    return 'value' in r ? (r.value ?? null) : null;
  };
  const issuedOn = date('issued_on', 'the issue date', true);
  const expiresOn = kind.hourly ? null : date('expires_on', 'the expiry date');
  const reviewOn = date('review_on', 'the review date');
  const convictionOn = kind.requiresConviction ? date('conviction_on', 'the conviction date') : null;
  let durationHours: number | null = null;
  if (kind.hourly) {
    const raw = formValue(body, 'duration_hours').trim();
    if (raw && !/^\d{1,3}$/.test(raw)) addError(errors, 'duration_hours', 'Enter the duration as a whole number of hours, like 48');
    else if (raw) durationHours = Number(raw);
  }
  let status: Status = 'issued';
  if (opts.withStatus) {
    const s = statusSchema.safeParse(body ?? {});
    if (s.success) status = s.data.status;
    else addError(errors, 'status', 'Select the status from the list');
  }
  const data = parsed.success ? parsed.data : null;
  if (opts.household && data && !data.household_address) addError(errors, 'household_address', 'Enter the address of the household or place');
  const text = { conditions: data?.conditions ?? null, notes: data?.notes ?? null, householdAddress: data?.household_address ?? null };
  if (!data || !issuedOn || errors.list.length) return { input: null, text, errors, values };
  return {
    input: {
      issuedOn,
      expiresOn,
      reviewOn,
      durationHours,
      indefinite: data.indefinite,
      status,
      convictionOn,
      yotConsulted: data.yot_consulted,
      authorisedBy: data.authorised_by,
      authoriserRank: data.authoriser_rank,
    },
    text,
    errors,
    values,
  };
}

export function addProblems(errors: FormErrors, problems: Problem[]): FormErrors {
  for (const p of problems) addError(errors, p.field, p.message);
  errors.list.sort((a, b) => FIELD_ORDER.indexOf(a.href.slice(1)) - FIELD_ORDER.indexOf(b.href.slice(1)));
  return errors;
}

const breachSchema = z.object({
  details: requiredText('Describe the breach', 4000, 'Details must be 4,000 characters or fewer'),
  action_taken: optionalText(4000, 'Action taken must be 4,000 characters or fewer'),
});

export function parseBreachForm(body: unknown, issuedOn: string, today: string) {
  const values = echo(body);
  const parsed = breachSchema.safeParse(body ?? {});
  const errors = parsed.success ? emptyErrors() : zodToFormErrors(parsed.error);
  const d = dateInput(body, 'occurred_on', 'the date of the breach', { required: true });
  let occurredOn: string | null = null;
  if ('error' in d && d.error) addError(errors, 'occurred_on', d.error);
  else if ('value' in d && d.value) {
    if (d.value > today) addError(errors, 'occurred_on', 'The date of the breach must be today or in the past');
    else if (d.value < issuedOn) addError(errors, 'occurred_on', 'The date of the breach must be on or after the issue date');
    else occurredOn = d.value;
  }
  errors.list.sort((a, b) => ['occurred_on', 'details', 'action_taken'].indexOf(a.href.slice(1)) - ['occurred_on', 'details', 'action_taken'].indexOf(b.href.slice(1)));
  if (!parsed.success || !occurredOn || errors.list.length) return { breach: null, errors, values };
  return { breach: { occurredOn, details: parsed.data.details, actionTaken: parsed.data.action_taken }, errors, values };
}

/** The form values of a saved intervention, for the edit page. */
export function valuesFromIntervention(v: {
  issued_on: string;
  expires_on: string | null;
  review_on: string | null;
  conviction_on: string | null;
  duration_hours: number | null;
  indefinite: boolean;
  yot_consulted: boolean;
  authorised_by: string | null;
  authoriser_rank: string | null;
  conditions: string | null;
  notes: string | null;
  status: string;
  household_address: string | null;
}): Record<string, string> {
  const out: Record<string, string> = {};
  const date = (prefix: string, iso: string | null) => {
    const [y, m, d] = (iso ?? '').split('-');
    out[`${prefix}-day`] = d ? String(Number(d)) : '';
    out[`${prefix}-month`] = m ? String(Number(m)) : '';
    out[`${prefix}-year`] = y ?? '';
  };
  date('issued_on', v.issued_on);
  date('expires_on', v.expires_on);
  date('review_on', v.review_on);
  date('conviction_on', v.conviction_on);
  out.duration_hours = v.duration_hours === null ? '' : String(v.duration_hours);
  out.indefinite = v.indefinite ? 'yes' : '';
  out.yot_consulted = v.yot_consulted ? 'yes' : '';
  out.authorised_by = v.authorised_by ?? '';
  out.authoriser_rank = v.authoriser_rank ?? '';
  out.conditions = v.conditions ?? '';
  out.notes = v.notes ?? '';
  out.status = v.status;
  out.household_address = v.household_address ?? '';
  return out;
}
