// The person form's fields and their validation, shared by the add and edit pages.
import { z } from 'zod';
import { dateInput, optionalChoice, optionalText, requiredText } from '../../platform/http/fields.ts';
import { addError, emptyErrors, zodToFormErrors, type FormErrors } from '../../platform/http/forms.ts';
import type { PersonFields } from './repository.ts';

export const GENDERS = ['Female', 'Male', 'Non-binary', 'Other', 'Not known'] as const;

const schema = z.object({
  first_name: requiredText('Enter a first name', 100, 'First name must be 100 characters or fewer'),
  middle_names: optionalText(200, 'Middle names must be 200 characters or fewer'),
  last_name: requiredText('Enter a last name', 100, 'Last name must be 100 characters or fewer'),
  gender: optionalChoice(GENDERS, 'Select a gender from the list'),
  phone: optionalText(40, 'Phone number must be 40 characters or fewer').refine((v) => v === null || /^[+\d][\d\s()-]{5,}$/.test(v), {
    message: 'Enter a phone number, like 07700 900 982 or +44 116 496 0000',
  }),
  email: optionalText(254, 'Email address must be 254 characters or fewer').refine((v) => v === null || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), {
    message: 'Enter an email address in the correct format, like name@example.com',
  }),
  notes: optionalText(4000, 'Notes must be 4,000 characters or fewer'),
});

export function parsePersonForm(body: unknown): { fields: PersonFields | null; errors: FormErrors; values: Record<string, unknown> } {
  const parsed = schema.safeParse(body ?? {});
  const dob = dateInput(body, 'date_of_birth', 'date of birth', { past: true });
  const errors = parsed.success ? emptyErrors() : zodToFormErrors(parsed.error);
  if ('error' in dob && dob.error) addError(errors, 'date_of_birth', dob.error);
  const values = echo(body);
  if (!parsed.success || errors.list.length) return { fields: null, errors: reorder(errors), values };
  return { fields: { ...parsed.data, date_of_birth: 'value' in dob ? (dob.value ?? null) : null }, errors, values };
}

const ORDER = ['first_name', 'middle_names', 'last_name', 'date_of_birth', 'gender', 'phone', 'email', 'notes'];
function reorder(errors: FormErrors): FormErrors {
  errors.list.sort((a, b) => ORDER.indexOf(a.href.slice(1)) - ORDER.indexOf(b.href.slice(1)));
  return errors;
}

/** What the user typed, to show again beside the errors so nothing typed is lost. */
function echo(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === '_csrf') continue;
    const s = typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';
    out[k] = s.slice(0, 5000);
  }
  return out;
}

export function valuesFromPerson(p: { first_name: string; middle_names: string | null; last_name: string; date_of_birth: string | null; gender: string | null; phone: string | null; email: string | null; notes: string | null }) {
  const [y, m, d] = (p.date_of_birth ?? '').split('-');
  return {
    first_name: p.first_name,
    middle_names: p.middle_names ?? '',
    last_name: p.last_name,
    'date_of_birth-day': d ? String(Number(d)) : '',
    'date_of_birth-month': m ? String(Number(m)) : '',
    'date_of_birth-year': y ?? '',
    gender: p.gender ?? '',
    phone: p.phone ?? '',
    email: p.email ?? '',
    notes: p.notes ?? '',
  };
}
