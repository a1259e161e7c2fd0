// The Case Review forms' fields and their validation. Every parser accepts any body (strings, arrays,
// nothing) and returns clean values, or GOV.UK errors in page order with what was typed.
import { z } from 'zod';
import { checkbox, choice, dateInput, isUuid, optionalText, requiredText } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, formValues, type FormErrors } from '../../platform/http/forms.ts';
import {
  APPLICANT_KINDS,
  DECISIONS,
  HOW_RECEIVED,
  RECOMMENDATION_STATUSES,
  RELATIONSHIPS,
  RESPONSE_METHODS,
  type ApplicantKind,
  type ApplicantRelationship,
  type Decision,
  type HowReceived,
  type RecommendationStatus,
  type ResponseMethod,
} from './labels.ts';
import type { CaseReviewSettings } from './settings.ts';

/** What the user typed, to show again beside the errors (lists stay lists). */
export function echo(body: unknown, lists: string[] = []): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!body || typeof body !== 'object') return out;
  for (const k of Object.keys(body as Record<string, unknown>)) {
    if (k === '_csrf') continue;
    out[k] = lists.includes(k) ? formValues(body, k).slice(0, 100).map((v) => v.slice(0, 100)) : formValue(body, k).slice(0, 5000);
  }
  return out;
}

/** Well-formed ids from a list field, each once. */
export function idsOf(body: unknown, key: string, max = 100): string[] {
  return [
    ...new Set(
      formValues(body, key)
        .filter(isUuid)
        .map((v) => v.toLowerCase()),
    ),
  ].slice(0, max);
}

function sortErrors(errors: FormErrors, order: string[]) {
  const pos = (href: string) => {
    const i = order.indexOf(href.slice(1));
    return i === -1 ? order.length : i;
  };
  errors.list.sort((a, b) => pos(a.href) - pos(b.href));
  return errors;
}

/** Each field on its own, so one mistake never hides another. */
function fieldReader(body: unknown, errors: FormErrors) {
  const input = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return <T>(key: string, schema: z.ZodType<T>): T | null => {
    const r = schema.safeParse(input[key]);
    if (r.success) return r.data;
    addError(errors, key, r.error.issues[0]?.message ?? 'Check this answer');
    return null;
  };
}

const capital = (s: string) => `${s[0]!.toUpperCase()}${s.slice(1)}`;

/**
 * A GOV.UK date input that must be a real date, not in the future, and (when given) not before
 * another date of the review.
 */
function pastDate(
  body: unknown,
  errors: FormErrors,
  prefix: string,
  label: string,
  opts: { today: string; required?: boolean; notBefore?: { date: string | null; what: string } },
): string | null {
  const r = dateInput(body, prefix, label, { required: opts.required ?? true });
  if ('error' in r && r.error) {
    addError(errors, prefix, r.error);
    return null;
  }
  const v = ('value' in r && r.value) || null;
  if (!v) return null;
  if (v > opts.today) addError(errors, prefix, `${capital(label)} must be today or in the past`);
  else if (opts.notBefore?.date && v < opts.notBefore.date) addError(errors, prefix, `${capital(label)} must be on or after ${opts.notBefore.what}`);
  return v;
}

const version = (body: unknown) => {
  const v = formValue(body, 'version');
  return /^\d{1,9}$/.test(v) ? Number(v) : -1;
};
export { version as versionOf };

// --- application ----------------------------------------------------------------------------------

export interface ApplicationFields {
  applicant_kind: ApplicantKind;
  applicant_name: string | null;
  applicant_relationship: ApplicantRelationship | null;
  consent_confirmed: boolean;
  received_on: string;
  how_received: HowReceived;
  application_summary: string | null;
  incident_ids: string[];
}

const APPLICATION_ORDER = ['applicant_kind', 'applicant_name', 'applicant_relationship', 'consent_confirmed', 'received', 'how_received', 'application_summary', 'incident_ids'];

export function parseApplication(body: unknown, opts: { today: string; incidentIds: string[] }) {
  const errors = emptyErrors();
  const field = fieldReader(body, errors);
  const kind = field('applicant_kind', choice(APPLICANT_KINDS, 'Select who is applying'));
  let name: string | null = null;
  let relationship: ApplicantRelationship | null = null;
  let consent = false;
  if (kind === 'on_behalf') {
    name = field('applicant_name', requiredText('Enter the name of the person applying on the victim’s behalf', 200, 'Name must be 200 characters or fewer'));
    relationship = field('applicant_relationship', choice(RELATIONSHIPS, 'Select who the applicant is to the victim'));
    consent = field('consent_confirmed', checkbox()) ?? false;
    if (!consent) addError(errors, 'consent_confirmed', 'Confirm the victim has agreed to someone applying on their behalf');
  }
  const received = pastDate(body, errors, 'received', 'the date the application was received', { today: opts.today });
  const how = field('how_received', choice(HOW_RECEIVED, 'Select how the application was received'));
  const summary = field('application_summary', optionalText(4000, 'What the applicant says must be 4,000 characters or fewer'));
  const chosen = idsOf(body, 'incident_ids');
  if (chosen.some((id) => !opts.incidentIds.includes(id))) addError(errors, 'incident_ids', 'Select incidents from the list');
  const values = echo(body, ['incident_ids']);
  if (errors.list.length || !kind || !received || !how) return { fields: null, errors: sortErrors(errors, APPLICATION_ORDER), values };
  const fields: ApplicationFields = {
    applicant_kind: kind,
    applicant_name: kind === 'on_behalf' ? name : null,
    applicant_relationship: kind === 'on_behalf' ? relationship : null,
    consent_confirmed: kind === 'on_behalf' ? consent : false,
    received_on: received,
    how_received: how,
    application_summary: summary,
    incident_ids: chosen,
  };
  return { fields, errors, values };
}

// --- threshold decision ---------------------------------------------------------------------------

export interface DecisionFields {
  decision: Decision;
  decision_reasons: string;
  decided_on: string;
}

export function parseDecision(body: unknown, opts: { today: string; receivedOn: string }) {
  const errors = emptyErrors();
  const field = fieldReader(body, errors);
  const decision = field('decision', choice(DECISIONS, 'Select whether the threshold is met'));
  const reasons = field('decision_reasons', requiredText('Enter the reasons for the decision', 4000, 'Reasons must be 4,000 characters or fewer'));
  const decided = pastDate(body, errors, 'decided', 'the date of the decision', {
    today: opts.today,
    notBefore: { date: opts.receivedOn, what: 'the date the application was received' },
  });
  const values = echo(body);
  if (errors.list.length || !decision || !reasons || !decided)
    return { fields: null, errors: sortErrors(errors, ['decision', 'decision_reasons', 'decided']), values };
  return { fields: { decision, decision_reasons: reasons, decided_on: decided } satisfies DecisionFields, errors, values };
}

// --- review meeting -------------------------------------------------------------------------------

export interface MeetingFields {
  meeting_on: string;
  meeting_organisation_ids: string[];
  meeting_other_agencies: string | null;
  meeting_summary: string;
}

export function parseMeeting(body: unknown, opts: { today: string; decidedOn: string | null; organisationIds: string[] }) {
  const errors = emptyErrors();
  const field = fieldReader(body, errors);
  const on = pastDate(body, errors, 'meeting', 'the date of the meeting', {
    today: opts.today,
    notBefore: { date: opts.decidedOn, what: 'the date of the threshold decision' },
  });
  const orgs = idsOf(body, 'organisation_ids');
  if (orgs.some((id) => !opts.organisationIds.includes(id))) addError(errors, 'organisation_ids', 'Select agencies from the list');
  const other = field('meeting_other_agencies', optionalText(500, 'Other agencies must be 500 characters or fewer'));
  if (!errors.byField.organisation_ids && !orgs.length && !other)
    addError(errors, 'organisation_ids', 'Select the agencies that attended, or enter them under other agencies');
  const summary = field('meeting_summary', requiredText('Enter a summary of the meeting', 10000, 'The summary must be 10,000 characters or fewer'));
  const values = echo(body, ['organisation_ids']);
  if (errors.list.length || !on || !summary)
    return { fields: null, errors: sortErrors(errors, ['meeting', 'organisation_ids', 'meeting_other_agencies', 'meeting_summary']), values };
  return {
    fields: { meeting_on: on, meeting_organisation_ids: orgs, meeting_other_agencies: other, meeting_summary: summary } satisfies MeetingFields,
    errors,
    values,
  };
}

// --- recommendations ------------------------------------------------------------------------------

export interface RecommendationFields {
  body: string;
  responsible_organisation_id: string;
  due_on: string;
  status: RecommendationStatus;
  progress_notes: string | null;
}

export function parseRecommendation(body: unknown, opts: { organisationIds: string[]; notBefore: string | null; editing: boolean }) {
  const errors = emptyErrors();
  const field = fieldReader(body, errors);
  const text = field('body', requiredText('Enter the recommendation', 2000, 'The recommendation must be 2,000 characters or fewer'));
  const org = formValue(body, 'responsible_organisation_id').trim().toLowerCase();
  if (!opts.organisationIds.includes(org)) addError(errors, 'responsible_organisation_id', 'Select the agency responsible');
  const due = dateInput(body, 'due', 'the due date', { required: true });
  let dueOn: string | null = null;
  if ('error' in due && due.error) addError(errors, 'due', due.error);
  else if ('value' in due && due.value) {
    dueOn = due.value;
    if (opts.notBefore && dueOn < opts.notBefore) addError(errors, 'due', 'The due date must be on or after the date of the review meeting');
  }
  const status = opts.editing ? field('status', choice(RECOMMENDATION_STATUSES, 'Select the recommendation’s progress')) : 'open';
  const notes = opts.editing ? field('progress_notes', optionalText(4000, 'Progress notes must be 4,000 characters or fewer')) : null;
  const values = echo(body);
  if (errors.list.length || !text || !dueOn || !status)
    return { fields: null, errors: sortErrors(errors, ['body', 'responsible_organisation_id', 'due', 'status', 'progress_notes']), values };
  return { fields: { body: text, responsible_organisation_id: org, due_on: dueOn, status, progress_notes: notes } satisfies RecommendationFields, errors, values };
}

// --- response to the applicant --------------------------------------------------------------------

export interface ResponseFields {
  response_on: string;
  response_method: ResponseMethod;
  response_summary: string;
}

export function parseResponse(body: unknown, opts: { today: string; notBefore: { date: string | null; what: string } }) {
  const errors = emptyErrors();
  const field = fieldReader(body, errors);
  const on = pastDate(body, errors, 'response', 'the date the applicant was told', { today: opts.today, notBefore: opts.notBefore });
  const method = field('response_method', choice(RESPONSE_METHODS, 'Select how the applicant was told'));
  const summary = field('response_summary', requiredText('Enter what the applicant was told', 10000, 'The summary must be 10,000 characters or fewer'));
  const values = echo(body);
  if (errors.list.length || !on || !method || !summary)
    return { fields: null, errors: sortErrors(errors, ['response', 'response_method', 'response_summary']), values };
  return { fields: { response_on: on, response_method: method, response_summary: summary } satisfies ResponseFields, errors, values };
}

// --- escalation -----------------------------------------------------------------------------------

export interface EscalationFields {
  escalation_requested_on: string;
  escalation_outcome: string | null;
  escalation_outcome_on: string | null;
}

export function parseEscalation(body: unknown, opts: { today: string; responseOn: string | null }) {
  const errors = emptyErrors();
  const field = fieldReader(body, errors);
  const requested = pastDate(body, errors, 'requested', 'the date the applicant asked for escalation', {
    today: opts.today,
    notBefore: { date: opts.responseOn, what: 'the date the applicant was told the outcome' },
  });
  const outcome = field('escalation_outcome', optionalText(4000, 'The outcome must be 4,000 characters or fewer'));
  const outcomeOn = pastDate(body, errors, 'outcome', 'the date of the outcome', {
    today: opts.today,
    required: false,
    notBefore: requested ? { date: requested, what: 'the date escalation was asked for' } : undefined,
  });
  if (outcome && !outcomeOn && !errors.byField.outcome) addError(errors, 'outcome', 'Enter the date of the outcome');
  if (outcomeOn && !outcome && !errors.byField.escalation_outcome) addError(errors, 'escalation_outcome', 'Enter the outcome of the escalation');
  const values = echo(body);
  if (errors.list.length || !requested)
    return { fields: null, errors: sortErrors(errors, ['requested', 'escalation_outcome', 'outcome']), values };
  return {
    fields: { escalation_requested_on: requested, escalation_outcome: outcome, escalation_outcome_on: outcomeOn } satisfies EscalationFields,
    errors,
    values,
  };
}

// --- closure and alerts ---------------------------------------------------------------------------

export function parseClosure(body: unknown) {
  const errors = emptyErrors();
  const notes = fieldReader(body, errors)('closure_notes', optionalText(4000, 'Closing notes must be 4,000 characters or fewer'));
  return { fields: errors.list.length ? null : { closure_notes: notes }, errors, values: echo(body) };
}

export function parseDismissal(body: unknown) {
  const errors = emptyErrors();
  const reason = fieldReader(body, errors)(
    'reason',
    requiredText('Enter why the alert is being dismissed, for example that the victim was told of their right to a Case Review', 1000, 'The reason must be 1,000 characters or fewer'),
  );
  return { reason, errors, values: echo(body) };
}

// --- partnership settings -------------------------------------------------------------------------

const whole = (message: string, min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : Array.isArray(v) && typeof v[0] === 'string' ? v[0].trim() : ''),
    z.string().regex(/^\d{1,3}$/, message).transform(Number).refine((n) => n >= min && n <= max, { message }),
  );
const optionalWhole = (message: string, min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : Array.isArray(v) && typeof v[0] === 'string' ? v[0].trim() : ''),
    z.union([z.literal('').transform(() => null), z.string().regex(/^\d{1,3}$/, message).transform(Number).refine((n) => n >= min && n <= max, { message })]),
  );

export const SETTINGS_ORDER = [
  'complaints',
  'window_months',
  'hate_complaints',
  'community_people',
  'decision_working_days',
  'meeting_working_days',
  'response_working_days',
];

export function parseSettings(body: unknown) {
  const errors = emptyErrors();
  const field = fieldReader(body, errors);
  const fields = {
    complaints: field('complaints', whole('Enter a number of complaints from 1 to 3: the law does not allow a threshold above three complaints', 1, 3)),
    window_months: field('window_months', whole('Enter a number of months from 6 to 24: the law does not allow a window shorter than six months', 6, 24)),
    hate_complaints: field('hate_complaints', optionalWhole('Enter a number of hate-motivated complaints from 1 to 3, or leave it blank', 1, 3)),
    community_people: field('community_people', optionalWhole('Enter a number of people from 2 to 50, or leave it blank', 2, 50)),
    decision_working_days: field('decision_working_days', whole('Enter a number of working days from 1 to 60', 1, 60)),
    meeting_working_days: field('meeting_working_days', whole('Enter a number of working days from 1 to 60', 1, 60)),
    response_working_days: field('response_working_days', whole('Enter a number of working days from 1 to 60', 1, 60)),
  };
  const values = echo(body);
  if (errors.list.length) return { fields: null, errors: sortErrors(errors, SETTINGS_ORDER), values };
  return { fields: fields as CaseReviewSettings, errors, values };
}
