// The case forms' fields and their validation. Every parser accepts any body (strings, arrays,
// nothing) and returns clean values or GOV.UK errors in page order, plus what was typed.
import { z } from 'zod';
import {
  choice,
  dateInput,
  isUuid,
  optionalChoice,
  optionalText,
  requiredText,
} from '../../platform/http/fields.ts';
import {
  addError,
  emptyErrors,
  formValue,
  formValues,
  zodToFormErrors,
  type FormErrors,
} from '../../platform/http/forms.ts';
import type { RiskBand } from '../../platform/db/schema.ts';
import type { CaseFields } from './repository.ts';
import { OUTCOMES, PRIORITIES, STATUSES, type CaseOutcome, type CaseStatus } from './labels.ts';
import { today } from './priority.ts';

/** What the user typed, to show again beside the errors; incident ids stay a list. */
export function echo(body: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!body || typeof body !== 'object') return out;
  for (const k of Object.keys(body as Record<string, unknown>)) {
    if (k === '_csrf') continue;
    if (k === 'incident_ids') out[k] = incidentIdsOf(body);
    else out[k] = formValue(body, k).slice(0, 5000);
  }
  return out;
}

/** The incidents chosen on the form so far: well-formed ids only, each once, at most 50. */
export function incidentIdsOf(body: unknown): string[] {
  return [
    ...new Set(
      formValues(body, 'incident_ids')
        .filter(isUuid)
        .map((v) => v.toLowerCase()),
    ),
  ].slice(0, 50);
}

function sortErrors(errors: FormErrors, order: string[]) {
  const pos = (href: string) => {
    const i = order.indexOf(href.slice(1));
    return i === -1 ? order.length : i;
  };
  errors.list.sort((a, b) => pos(a.href) - pos(b.href));
  return errors;
}

export interface CaseFormOptions {
  typeIds: string[];
  officerIds: string[];
  managerIds: string[];
}

const caseSchema = z.object({
  title: requiredText('Enter a title for the case', 200, 'Title must be 200 characters or fewer'),
  summary: optionalText(4000, 'Summary must be 4,000 characters or fewer'),
  priority: choice(PRIORITIES, 'Select the case’s priority'),
});

const CASE_ORDER = [
  'incident_reference',
  'case_type_id',
  'title',
  'summary',
  'lead_officer_id',
  'supervisor_id',
  'priority',
  'review_date',
];

/**
 * The case details form (open and change). `currentReviewDate` is the saved date when changing: an
 * overdue date the user left alone is not an error, only a newly entered past date is.
 */
export function parseCaseForm(
  body: unknown,
  options: CaseFormOptions,
  currentReviewDate: string | null = null,
) {
  const parsed = caseSchema.safeParse(body ?? {});
  const errors = parsed.success ? emptyErrors() : zodToFormErrors(parsed.error);
  const typeId = formValue(body, 'case_type_id').trim().toLowerCase();
  if (!options.typeIds.includes(typeId)) addError(errors, 'case_type_id', 'Select the type of case');
  const leadId = formValue(body, 'lead_officer_id').trim().toLowerCase();
  if (!options.officerIds.includes(leadId)) addError(errors, 'lead_officer_id', 'Select the lead officer');
  const supervisorRaw = formValue(body, 'supervisor_id').trim().toLowerCase();
  const supervisorId = supervisorRaw === '' ? null : supervisorRaw;
  if (supervisorId !== null && !options.managerIds.includes(supervisorId))
    addError(errors, 'supervisor_id', 'Select a supervising manager from the list');
  const review = dateInput(body, 'review_date', 'the review date');
  let reviewDate: string | null = null;
  if ('error' in review && review.error) addError(errors, 'review_date', review.error);
  else if ('value' in review && review.value) {
    reviewDate = review.value;
    if (reviewDate !== currentReviewDate && reviewDate < today())
      addError(errors, 'review_date', 'The review date must be today or in the future');
  }
  const values = echo(body);
  if (!parsed.success || errors.list.length)
    return { fields: null, errors: sortErrors(errors, CASE_ORDER), values };
  const fields: CaseFields = {
    case_type_id: typeId,
    title: parsed.data.title,
    summary: parsed.data.summary,
    lead_officer_id: leadId,
    supervisor_id: supervisorId,
    priority: parsed.data.priority as RiskBand,
    review_date: reviewDate,
  };
  return { fields, errors, values };
}

export function valuesFromCase(c: { [K in keyof CaseFields]: CaseFields[K] | null }) {
  const [y, m, d] = (c.review_date ?? '').split('-');
  return {
    case_type_id: c.case_type_id ?? '',
    title: c.title,
    summary: c.summary ?? '',
    lead_officer_id: c.lead_officer_id ?? '',
    supervisor_id: c.supervisor_id ?? '',
    priority: c.priority,
    'review_date-day': d ? String(Number(d)) : '',
    'review_date-month': m ? String(Number(m)) : '',
    'review_date-year': y ?? '',
  };
}

// --- status ---------------------------------------------------------------------------------------

export interface StatusFields {
  status: CaseStatus;
  outcome: CaseOutcome | null;
  outcome_notes: string | null;
  note: string | null;
}

const statusSchema = z.object({
  status: choice(STATUSES, 'Select the case’s new status'),
  outcome: optionalChoice(OUTCOMES, 'Select the outcome from the list'),
  outcome_notes: optionalText(4000, 'Outcome notes must be 4,000 characters or fewer'),
  note: optionalText(4000, 'The reason must be 4,000 characters or fewer'),
});

/** Which statuses a case may move to from where it is. */
export const NEXT_STATUSES: Record<CaseStatus, CaseStatus[]> = {
  open: ['on_hold', 'closed'],
  on_hold: ['open', 'closed'],
  closed: ['open'],
};

export function parseStatusForm(body: unknown, current: CaseStatus) {
  const parsed = statusSchema.safeParse(body ?? {});
  const errors = parsed.success ? emptyErrors() : zodToFormErrors(parsed.error);
  const values = echo(body);
  if (parsed.success) {
    const d = parsed.data;
    if (!NEXT_STATUSES[current].includes(d.status)) {
      addError(
        errors,
        'status',
        d.status === current
          ? 'Select a different status from the one the case has now'
          : 'Select one of the statuses shown',
      );
    }
    if (d.status === 'closed' && !d.outcome)
      addError(errors, 'outcome', 'Select the outcome: a case cannot be closed without one');
    if (d.status === 'on_hold' && !d.note) addError(errors, 'note', 'Enter why the case is on hold');
    if (d.status === 'open' && current === 'closed' && !d.note)
      addError(errors, 'note', 'Enter why the case is being reopened');
  }
  if (!parsed.success || errors.list.length)
    return {
      fields: null,
      errors: sortErrors(errors, ['status', 'outcome', 'outcome_notes', 'note']),
      values,
    };
  const d = parsed.data;
  const closing = d.status === 'closed';
  const fields: StatusFields = {
    status: d.status,
    outcome: closing ? d.outcome : null,
    outcome_notes: closing ? d.outcome_notes : null,
    note: d.note,
  };
  return { fields, errors, values };
}

// --- notes and links ----------------------------------------------------------------------------

const noteSchema = z.object({
  body: requiredText('Enter the note', 10000, 'The note must be 10,000 characters or fewer'),
  kind: optionalChoice(['note', 'supervision'] as const, 'Select the kind of note'),
});

export function parseNoteForm(body: unknown, canSupervise: boolean) {
  const parsed = noteSchema.safeParse(body ?? {});
  const errors = parsed.success ? emptyErrors() : zodToFormErrors(parsed.error);
  if (parsed.success && parsed.data.kind === 'supervision' && !canSupervise)
    addError(errors, 'kind', 'Only managers can add supervision notes');
  if (!parsed.success || errors.list.length)
    return { fields: null, errors: sortErrors(errors, ['kind', 'body']), values: echo(body) };
  return {
    fields: { body: parsed.data.body, kind: parsed.data.kind ?? ('note' as const) },
    errors,
    values: echo(body),
  };
}

const linkSchema = z.object({
  reference: requiredText(
    'Enter the reference of the case to link, like CASE-000123',
    30,
    'Enter a case reference, like CASE-000123',
  ),
  reason: requiredText('Enter why the cases are linked', 500, 'The reason must be 500 characters or fewer'),
});

export function parseLinkForm(body: unknown) {
  const parsed = linkSchema.safeParse(body ?? {});
  const errors = parsed.success ? emptyErrors() : zodToFormErrors(parsed.error);
  return {
    fields: parsed.success ? parsed.data : null,
    errors: sortErrors(errors, ['reference', 'reason']),
    values: echo(body),
  };
}
