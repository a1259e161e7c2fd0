// Minimum standards: which of a form's optional fields the partnership has made mandatory. The
// incident form enforces its own list; other forms (the person form) call requiredFields() and
// enforce theirs the same way, with a GOV.UK error beside each missing field.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';

export type RequiredForm = 'incident' | 'person';
export const REQUIRED_FORMS: RequiredForm[] = ['incident', 'person'];

export interface OptionalField {
  field: string;
  label: string;
  /** The message shown when the field is mandatory and left empty. */
  message: string;
}

export const OPTIONAL_FIELDS: Record<RequiredForm, OptionalField[]> = {
  incident: [
    { field: 'occurred_time', label: 'The time it happened, not just the date', message: 'Enter the time it happened' },
    { field: 'police_log_number', label: 'Police incident log number', message: 'Enter the police incident log number' },
    { field: 'crime_number', label: 'Crime number', message: 'Enter the crime number' },
    { field: 'mo', label: 'How it was done (MO)', message: 'Enter how it was done (the MO)' },
    { field: 'location_postcode', label: 'A postcode, when the place is described rather than chosen from the gazetteer', message: 'Enter a postcode for the place' },
    { field: 'location_point', label: 'A map point (grid reference or latitude and longitude), when the place is described', message: 'Enter a grid reference or a latitude and longitude for the place' },
    { field: 'people', label: 'At least one person involved', message: 'Add at least one person involved' },
    { field: 'victim', label: 'At least one victim', message: 'Add at least one victim' },
    { field: 'consent_to_share', label: 'Consent to share (yes or no, not "not asked")', message: 'Select whether they consented to their information being shared' },
    { field: 'consent_to_refer', label: 'Consent to refer (yes or no, not "not asked")', message: 'Select whether they consented to being referred' },
  ],
  person: [
    { field: 'date_of_birth', label: 'Date of birth', message: 'Enter a date of birth' },
    { field: 'gender', label: 'Gender', message: 'Select a gender' },
    { field: 'phone', label: 'Phone number', message: 'Enter a phone number' },
    { field: 'email', label: 'Email address', message: 'Enter an email address' },
    { field: 'contact_preference', label: 'How they prefer to be contacted', message: 'Enter how they prefer to be contacted' },
    { field: 'communication_needs', label: 'Communication needs', message: 'Enter their communication needs, or "none"' },
    { field: 'preferred_language', label: 'Preferred language', message: 'Enter their preferred language' },
    { field: 'pnc_id', label: 'PNC ID', message: 'Enter the PNC ID' },
    { field: 'nhs_number', label: 'NHS number', message: 'Enter the NHS number' },
    { field: 'ni_number', label: 'National Insurance number', message: 'Enter the National Insurance number' },
  ],
};

export const FORM_NAMES: Record<RequiredForm, string> = { incident: 'Incident form', person: 'Person form' };

export function isRequiredForm(v: unknown): v is RequiredForm {
  return typeof v === 'string' && (REQUIRED_FORMS as string[]).includes(v);
}

/** The fields of `form` that the partnership has made mandatory (only ones the form knows about). */
export async function requiredFields(tx: Kysely<DB>, partnershipId: string, form: RequiredForm): Promise<Set<string>> {
  const known = new Set(OPTIONAL_FIELDS[form].map((f) => f.field));
  const rows = await tx.selectFrom('required_fields').select('field').where('partnership_id', '=', partnershipId).where('form', '=', form).execute();
  return new Set(rows.map((r) => r.field).filter((f) => known.has(f)));
}

/** The message for a mandatory field left empty. */
export function requiredMessage(form: RequiredForm, field: string): string {
  return OPTIONAL_FIELDS[form].find((f) => f.field === field)?.message ?? 'This field is required';
}
