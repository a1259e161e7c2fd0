// The person form's fields and their validation, shared by the add and edit pages.
import { z } from 'zod';
import { checkbox, choices, dateInput, optionalChoice, optionalText, requiredText } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValues, zodToFormErrors, type FormErrors } from '../../platform/http/forms.ts';
import type { PersonFields } from './repository.ts';
import { CONTACT_METHODS, keysOf, VULNERABILITIES, WARNING_MARKERS } from './labels.ts';
import { parseNhsNumber, parseNiNumber, parsePncId } from './identifiers.ts';

export const GENDERS = ['Female', 'Male', 'Non-binary', 'Other', 'Not known'] as const;

/** Form fields that carry several values (checkboxes). */
export const LIST_FIELDS = ['vulnerabilities', 'warning_markers'] as const;

const identifier = (parse: (s: string) => string | null, message: string) =>
  optionalText(30, message).transform((v, ctx) => {
    if (v === null) return null;
    const parsed = parse(v);
    if (!parsed) ctx.addIssue({ code: 'custom', message });
    return parsed;
  });

const schema = z.object({
  first_name: requiredText('Enter a first name', 100, 'First name must be 100 characters or fewer'),
  middle_names: optionalText(200, 'Middle names must be 200 characters or fewer'),
  last_name: requiredText('Enter a last name', 100, 'Last name must be 100 characters or fewer'),
  estimated_age: optionalText(3, 'Estimated age must be a whole number between 0 and 130').refine((v) => v === null || (/^\d{1,3}$/.test(v) && Number(v) <= 130), {
    message: 'Estimated age must be a whole number between 0 and 130',
  }),
  gender: optionalChoice(GENDERS, 'Select a gender from the list'),
  phone: optionalText(40, 'Phone number must be 40 characters or fewer').refine((v) => v === null || /^[+\d][\d\s()-]{5,}$/.test(v), {
    message: 'Enter a phone number, like 07700 900 982 or +44 116 496 0000',
  }),
  email: optionalText(254, 'Email address must be 254 characters or fewer').refine((v) => v === null || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), {
    message: 'Enter an email address in the correct format, like name@example.com',
  }),
  contact_preference: optionalChoice(keysOf(CONTACT_METHODS), 'Select how they prefer to be contacted from the list'),
  contact_safe_times: optionalText(200, 'Safe times to contact must be 200 characters or fewer'),
  do_not_leave_messages: checkbox(),
  communication_needs: optionalText(1000, 'Communication needs must be 1,000 characters or fewer'),
  preferred_language: optionalText(60, 'Preferred language must be 60 characters or fewer'),
  interpreter_needed: checkbox(),
  vulnerabilities: choices(keysOf(VULNERABILITIES), 'Select vulnerabilities from the list'),
  vulnerability_notes: optionalText(1000, 'Details of vulnerabilities must be 1,000 characters or fewer'),
  warning_markers: choices(keysOf(WARNING_MARKERS), 'Select warning markers from the list'),
  pnc_id: identifier(parsePncId, 'Enter a PNC ID with a correct check letter, like 98/1234567L'),
  nhs_number: identifier(parseNhsNumber, 'Enter a real NHS number: 10 digits, like 943 476 5919'),
  ni_number: identifier(parseNiNumber, 'Enter a real National Insurance number: 2 letters, 6 numbers, then A, B, C or D, like AB 12 34 56 C'),
  notes: optionalText(4000, 'Notes must be 4,000 characters or fewer'),
});

export function parsePersonForm(body: unknown, today = new Date().toISOString().slice(0, 10)): { fields: PersonFields | null; errors: FormErrors; values: Record<string, string>; lists: Record<string, string[]> } {
  const parsed = schema.safeParse(body ?? {});
  const dob = dateInput(body, 'date_of_birth', 'date of birth', { past: true });
  const estimatedOn = dateInput(body, 'estimated_age_on', 'the date the age was estimated', { past: true });
  const errors = parsed.success ? emptyErrors() : zodToFormErrors(parsed.error);
  if ('error' in dob && dob.error) addError(errors, 'date_of_birth', dob.error);
  if ('error' in estimatedOn && estimatedOn.error) addError(errors, 'estimated_age_on', estimatedOn.error);
  const values = echo(body);
  const lists = echoLists(body);
  if (parsed.success) {
    const d = parsed.data;
    if (d.estimated_age !== null && 'value' in dob && dob.value) addError(errors, 'estimated_age', 'Enter a date of birth or an estimated age, not both');
    if (d.estimated_age === null && 'value' in estimatedOn && estimatedOn.value) addError(errors, 'estimated_age', 'Enter the estimated age, or clear the date it was estimated');
    if (d.vulnerabilities.includes('other') && !d.vulnerability_notes) addError(errors, 'vulnerability_notes', 'Describe the other vulnerability');
  }
  if (!parsed.success || errors.list.length) return { fields: null, errors: reorder(errors), values, lists };
  const d = parsed.data;
  const age = d.estimated_age === null ? null : Number(d.estimated_age);
  return {
    fields: {
      ...d,
      estimated_age: age,
      // An age is only meaningful with the day it was estimated: today unless told otherwise.
      estimated_age_on: age === null ? null : ('value' in estimatedOn && estimatedOn.value) || today,
      date_of_birth: 'value' in dob ? (dob.value ?? null) : null,
    },
    errors,
    values,
    lists,
  };
}

const ORDER = [
  'first_name', 'middle_names', 'last_name', 'date_of_birth', 'estimated_age', 'estimated_age_on', 'gender', 'phone', 'email',
  'contact_preference', 'contact_safe_times', 'communication_needs', 'preferred_language', 'vulnerabilities', 'vulnerability_notes',
  'warning_markers', 'pnc_id', 'nhs_number', 'ni_number', 'notes',
];
function reorder(errors: FormErrors): FormErrors {
  errors.list.sort((a, b) => ORDER.indexOf(a.href.slice(1)) - ORDER.indexOf(b.href.slice(1)));
  return errors;
}

/** What the user typed, to show again beside the errors so nothing typed is lost. */
function echo(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === '_csrf' || k === 'version' || (LIST_FIELDS as readonly string[]).includes(k)) continue;
    const s = typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';
    out[k] = s.slice(0, 5000);
  }
  return out;
}

function echoLists(body: unknown): Record<string, string[]> {
  return Object.fromEntries(LIST_FIELDS.map((k) => [k, formValues(body, k).slice(0, 20).map((v) => v.slice(0, 50))]));
}

type Stored = Required<PersonFields>;

export function valuesFromPerson(p: Stored): { values: Record<string, string>; lists: Record<string, string[]> } {
  const split = (d: string | null) => {
    const [y, m, day] = (d ?? '').split('-');
    return { d: day ? String(Number(day)) : '', m: m ? String(Number(m)) : '', y: y ?? '' };
  };
  const dob = split(p.date_of_birth);
  const est = split(p.estimated_age_on);
  return {
    values: {
      first_name: p.first_name,
      middle_names: p.middle_names ?? '',
      last_name: p.last_name,
      'date_of_birth-day': dob.d,
      'date_of_birth-month': dob.m,
      'date_of_birth-year': dob.y,
      estimated_age: p.estimated_age === null ? '' : String(p.estimated_age),
      'estimated_age_on-day': est.d,
      'estimated_age_on-month': est.m,
      'estimated_age_on-year': est.y,
      gender: p.gender ?? '',
      phone: p.phone ?? '',
      email: p.email ?? '',
      contact_preference: p.contact_preference ?? '',
      contact_safe_times: p.contact_safe_times ?? '',
      do_not_leave_messages: p.do_not_leave_messages ? 'yes' : '',
      communication_needs: p.communication_needs ?? '',
      preferred_language: p.preferred_language ?? '',
      interpreter_needed: p.interpreter_needed ? 'yes' : '',
      vulnerability_notes: p.vulnerability_notes ?? '',
      pnc_id: p.pnc_id ?? '',
      nhs_number: p.nhs_number ?? '',
      ni_number: p.ni_number ?? '',
      notes: p.notes ?? '',
    },
    lists: { vulnerabilities: [...p.vulnerabilities], warning_markers: [...p.warning_markers] },
  };
}
