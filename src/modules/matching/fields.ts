// What a lookup accepts, from the JSON API (as the officer types) or from a form being submitted.
// Identifiers that are not (yet) valid are left out rather than refused: they are often half typed.
import { z } from 'zod';
import { optionalText, requiredText } from '../../platform/http/fields.ts';
import { parseNhsNumber, parseNiNumber, parsePncId } from '../people/identifiers.ts';
import type { PersonLookup } from './service.ts';

const isoDate = optionalText(10, 'Enter the date of birth as YYYY-MM-DD').refine(
  (v) => {
    if (v === null) return true;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v && d.getTime() <= Date.now() && v >= '1900-01-01';
  },
  { message: 'Enter a real date of birth in the past, as YYYY-MM-DD' },
);

const personSchema = z.object({
  first_name: optionalText(100, 'First name must be 100 characters or fewer'),
  middle_names: optionalText(200, 'Middle names must be 200 characters or fewer'),
  last_name: requiredText('Enter a last name', 100, 'Last name must be 100 characters or fewer'),
  date_of_birth: isoDate,
  estimated_age: optionalText(3, 'Estimated age must be a whole number between 0 and 130').refine((v) => v === null || (/^\d{1,3}$/.test(v) && Number(v) <= 130), {
    message: 'Estimated age must be a whole number between 0 and 130',
  }),
  gender: optionalText(40, 'Gender must be 40 characters or fewer'),
  phone: optionalText(40, 'Phone number must be 40 characters or fewer'),
  email: optionalText(254, 'Email address must be 254 characters or fewer'),
  postcode: optionalText(12, 'Postcode must be 12 characters or fewer'),
  uprn: optionalText(12, 'UPRN must be a number of up to 12 digits').refine((v) => v === null || /^\d{1,12}$/.test(v), { message: 'UPRN must be a number of up to 12 digits' }),
  pnc_id: optionalText(30, 'PNC ID must be 30 characters or fewer'),
  nhs_number: optionalText(30, 'NHS number must be 30 characters or fewer'),
  ni_number: optionalText(30, 'National Insurance number must be 30 characters or fewer'),
});

export type ParsedLookup = { lookup: PersonLookup; problems: null } | { lookup: null; problems: string[] };

export function parsePersonLookup(body: unknown): ParsedLookup {
  const parsed = personSchema.safeParse(body && typeof body === 'object' ? body : {});
  if (!parsed.success) return { lookup: null, problems: [...new Set(parsed.error.issues.map((i) => i.message))] };
  const d = parsed.data;
  return {
    lookup: {
      firstName: d.first_name,
      middleNames: d.middle_names,
      lastName: d.last_name,
      dateOfBirth: d.date_of_birth,
      estimatedAge: d.estimated_age === null ? null : Number(d.estimated_age),
      gender: d.gender,
      phone: d.phone,
      email: d.email,
      postcode: d.postcode,
      uprn: d.uprn === null ? null : Number(d.uprn),
      identifiers: identifiersOf({ pnc_id: d.pnc_id, nhs_number: d.nhs_number, ni_number: d.ni_number }),
    },
    problems: null,
  };
}

/** The identifiers in their stored forms, leaving out any that are not valid. */
export function identifiersOf(p: { pnc_id?: string | null; nhs_number?: string | null; ni_number?: string | null }): string[] {
  return [p.pnc_id ? parsePncId(p.pnc_id) : null, p.nhs_number ? parseNhsNumber(p.nhs_number) : null, p.ni_number ? parseNiNumber(p.ni_number) : null].filter(
    (x): x is string => !!x,
  );
}

export const vrmSchema = z.object({ vrm: requiredText('Enter a registration number', 20, 'Registration number must be 20 characters or fewer') });
export const addressSchema = z.object({ q: requiredText('Enter a postcode or part of an address', 200, 'Address must be 200 characters or fewer') });

/** A lookup from a person form's validated fields (the people form, or an incident's new person). */
export function lookupFromPersonFields(f: {
  first_name: string;
  middle_names?: string | null;
  last_name: string;
  date_of_birth: string | null;
  estimated_age?: number | null;
  gender?: string | null;
  phone?: string | null;
  email?: string | null;
  pnc_id?: string | null;
  nhs_number?: string | null;
  ni_number?: string | null;
}): PersonLookup {
  return {
    firstName: f.first_name,
    middleNames: f.middle_names ?? null,
    lastName: f.last_name,
    dateOfBirth: f.date_of_birth,
    estimatedAge: f.estimated_age ?? null,
    gender: f.gender ?? null,
    phone: f.phone ?? null,
    email: f.email ?? null,
    postcode: null,
    uprn: null,
    identifiers: [f.pnc_id, f.nhs_number, f.ni_number].filter((x): x is string => !!x),
  };
}
