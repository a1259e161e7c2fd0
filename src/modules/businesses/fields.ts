// The business or place form's fields and their validation, shared by the add and change pages.
import { z } from 'zod';
import { optionalChoice, optionalText, requiredText } from '../../platform/http/fields.ts';
import { addError, formValue, zodToFormErrors, emptyErrors, type FormErrors } from '../../platform/http/forms.ts';
import { parsePostcode } from '../../platform/geo/postcode.ts';

export const BUSINESS_KINDS = {
  shop: 'Shop or retail',
  licensed: 'Pub, bar or club',
  food: 'Takeaway, café or restaurant',
  accommodation: 'Hotel, hostel or guest house',
  park: 'Park or open space',
  car_park: 'Car park',
  education: 'School or college',
  community: 'Community building or place of worship',
  transport: 'Bus or railway station',
  industrial: 'Industrial or commercial premises',
  other: 'Other',
} as const;
export type BusinessKind = keyof typeof BUSINESS_KINDS;
const KINDS = Object.keys(BUSINESS_KINDS) as BusinessKind[];

export interface BusinessInput {
  name: string;
  kind: BusinessKind | null;
  phone: string | null;
  notes: string | null;
  address: { kind: 'gazetteer'; uprn: number } | { kind: 'typed'; text: string | null; postcode: string | null; postcode_key: string | null };
}

const schema = z.object({
  name: requiredText('Enter the name of the business or place', 200, 'Name must be 200 characters or fewer'),
  kind: optionalChoice(KINDS, 'Select what kind of business or place it is'),
  phone: optionalText(40, 'Phone number must be 40 characters or fewer').refine((v) => v === null || /^[+\d][\d\s()-]{5,}$/.test(v), {
    message: 'Enter a phone number, like 01509 634 560 or +44 116 496 0000',
  }),
  notes: optionalText(4000, 'Notes must be 4,000 characters or fewer'),
  address: optionalText(500, 'Address must be 500 characters or fewer'),
});

const FIELDS = ['name', 'kind', 'phone', 'notes', 'address', 'postcode', 'address_query', 'uprn'];
const ORDER = ['name', 'kind', 'address_query', 'uprn', 'address', 'postcode', 'phone', 'notes'];

export function echoBusiness(body: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  for (const k of FIELDS) values[k] = formValue(body, k).slice(0, 5000);
  return values;
}

export function parseBusinessForm(body: unknown): { input: BusinessInput | null; errors: FormErrors } {
  const parsed = schema.safeParse(body ?? {});
  const errors = parsed.success ? emptyErrors() : zodToFormErrors(parsed.error);
  const uprnRaw = formValue(body, 'uprn').trim();
  const postcodeRaw = formValue(body, 'postcode').trim();
  const typed = formValue(body, 'address').trim();
  let address: BusinessInput['address'] | null = null;
  if (uprnRaw) {
    if (!/^\d{1,12}$/.test(uprnRaw)) addError(errors, 'uprn', 'Select an address from the list');
    else if (typed || postcodeRaw) addError(errors, 'address', 'Choose an address from the list or type one, not both. To type one, choose “The address is not listed”');
    else address = { kind: 'gazetteer', uprn: Number(uprnRaw) };
  } else {
    const pc = postcodeRaw ? parsePostcode(postcodeRaw) : null;
    if (postcodeRaw && !pc) addError(errors, 'postcode', 'Enter a real postcode, like LE11 3AB');
    else address = { kind: 'typed', text: typed || null, postcode: pc?.display ?? null, postcode_key: pc?.key ?? null };
  }
  errors.list.sort((a, b) => ORDER.indexOf(a.href.slice(1)) - ORDER.indexOf(b.href.slice(1)));
  if (errors.list.length || !parsed.success || !address) return { input: null, errors };
  const { name, kind, phone, notes } = parsed.data;
  return { input: { name, kind, phone, notes, address }, errors };
}

export function valuesFromBusiness(b: { name: string; kind: string | null; uprn: number | null; address: string | null; postcode: string | null; phone: string | null; notes: string | null }) {
  return {
    name: b.name,
    kind: b.kind ?? '',
    uprn: b.uprn === null ? '' : String(b.uprn),
    address: b.uprn === null ? (b.address ?? '') : '',
    postcode: b.uprn === null ? (b.postcode ?? '') : '',
    phone: b.phone ?? '',
    notes: b.notes ?? '',
  };
}
