// The people and vehicles an officer adds to a new incident, one at a time, before saving it. With
// no JavaScript each "add" is a round trip, so what has been added so far travels in hidden fields
// (one JSON value per entry) and every re-render shows it again.
import { z } from 'zod';
import type { IncidentRole } from '../../platform/db/schema.ts';
import { dateInput, isUuid, optionalText, requiredText } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, formValues, zodToFormErrors, type FormErrors } from '../../platform/http/forms.ts';
import { displayVrm, isVrmKey, vrmKey } from '../vehicles/vrm.ts';
import { ROLES } from './labels.ts';

export type PersonEntry =
  | { kind: 'existing'; id: string; role: IncidentRole }
  | { kind: 'new'; first_name: string; last_name: string; date_of_birth: string | null; role: IncidentRole };

export interface VehicleEntry {
  vrm: string;
  make: string | null;
  model: string | null;
  colour: string | null;
}

export const MAX_PEOPLE = 30;
export const MAX_VEHICLES = 20;

const role = z.enum(ROLES as [IncidentRole, ...IncidentRole[]]);
const personEntry = z.union([
  z.object({ kind: z.literal('existing'), id: z.string().refine(isUuid), role }),
  z.object({
    kind: z.literal('new'),
    first_name: z.string().min(1).max(100),
    last_name: z.string().min(1).max(100),
    date_of_birth: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
    role,
  }),
]);
const vehicleEntry = z.object({
  vrm: z.string().min(2).max(20),
  make: z.string().max(40).nullable(),
  model: z.string().max(40).nullable(),
  colour: z.string().max(40).nullable(),
});

function decode<T>(raw: string, schema: z.ZodType<T>): T | null {
  try {
    const r = schema.safeParse(JSON.parse(raw));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

export const encode = (entry: PersonEntry | VehicleEntry) => JSON.stringify(entry);

const samePerson = (a: PersonEntry, b: PersonEntry) =>
  a.role === b.role &&
  (a.kind === 'existing' && b.kind === 'existing'
    ? a.id === b.id
    : a.kind === 'new' && b.kind === 'new' && a.first_name.toLowerCase() === b.first_name.toLowerCase() && a.last_name.toLowerCase() === b.last_name.toLowerCase() && a.date_of_birth === b.date_of_birth);

/** Adds an entry unless the same person in the same role is already there. */
export function addPerson(list: PersonEntry[], entry: PersonEntry): PersonEntry[] {
  return list.some((e) => samePerson(e, entry)) ? list : [...list, entry];
}

export function addVehicle(list: VehicleEntry[], entry: VehicleEntry): VehicleEntry[] {
  return list.some((e) => vrmKey(e.vrm) === vrmKey(entry.vrm)) ? list : [...list, entry];
}

/** The entries carried in the form; anything altered into nonsense is dropped. */
export function readPeople(body: unknown): PersonEntry[] {
  let list: PersonEntry[] = [];
  for (const raw of formValues(body, 'people_entry').slice(0, MAX_PEOPLE)) {
    const e = decode(raw, personEntry);
    if (e) list = addPerson(list, e);
  }
  return list;
}

export function readVehicles(body: unknown): VehicleEntry[] {
  let list: VehicleEntry[] = [];
  for (const raw of formValues(body, 'vehicle_entry').slice(0, MAX_VEHICLES)) {
    const e = decode(raw, vehicleEntry);
    if (e && isVrmKey(vrmKey(e.vrm))) list = addVehicle(list, e);
  }
  return list;
}

/** The index a "Remove" button names, if it names one in range. */
export function removeIndex(body: unknown, key: string, length: number): number | null {
  const raw = formValue(body, key);
  if (!/^\d{1,3}$/.test(raw)) return null;
  const n = Number(raw);
  return n < length ? n : null;
}

const newPersonSchema = z.object({
  new_first_name: requiredText('Enter their first name', 100, 'First name must be 100 characters or fewer'),
  new_last_name: requiredText('Enter their last name', 100, 'Last name must be 100 characters or fewer'),
  new_role: z.preprocess((v) => (typeof v === 'string' ? v : ''), role.or(z.literal(''))),
});

/** Whether the "add someone new" fields have anything in them. */
export function newPersonStarted(body: unknown): boolean {
  return ['new_first_name', 'new_last_name', 'new_dob-day', 'new_dob-month', 'new_dob-year'].some((k) => formValue(body, k).trim() !== '');
}

export function readNewPerson(body: unknown, opts: { dobRequired: boolean }): { entry: PersonEntry | null; errors: FormErrors } {
  const parsed = newPersonSchema.safeParse(body ?? {});
  const errors = parsed.success ? emptyErrors() : zodToFormErrors(parsed.error);
  if (parsed.success && !parsed.data.new_role) addError(errors, 'new_role', 'Select their role in the incident');
  const dob = dateInput(body, 'new_dob', 'date of birth', { past: true, required: opts.dobRequired });
  if ('error' in dob && dob.error) addError(errors, 'new_dob', dob.error);
  if (errors.list.length || !parsed.success || !parsed.data.new_role) return { entry: null, errors };
  return {
    entry: {
      kind: 'new',
      first_name: parsed.data.new_first_name,
      last_name: parsed.data.new_last_name,
      date_of_birth: ('value' in dob && dob.value) || null,
      role: parsed.data.new_role,
    },
    errors,
  };
}

/** The person chosen from the search results, with their role. */
export function readPick(body: unknown): { id: string | null; role: IncidentRole | null; errors: FormErrors } {
  const errors = emptyErrors();
  const id = formValue(body, 'person_pick').trim();
  const r = formValue(body, 'person_role').trim();
  if (!isUuid(id)) addError(errors, 'person_pick', 'Select the person to add');
  const chosenRole = (ROLES as string[]).includes(r) ? (r as IncidentRole) : null;
  if (!chosenRole) addError(errors, 'person_role', 'Select their role in the incident');
  return { id: isUuid(id) ? id : null, role: chosenRole, errors };
}

const vehicleSchema = z.object({
  vehicle_make: optionalText(40, 'Make must be 40 characters or fewer'),
  vehicle_model: optionalText(40, 'Model must be 40 characters or fewer'),
  vehicle_colour: optionalText(40, 'Colour must be 40 characters or fewer'),
});

export function vehicleStarted(body: unknown): boolean {
  return ['vehicle_vrm', 'vehicle_make', 'vehicle_model', 'vehicle_colour'].some((k) => formValue(body, k).trim() !== '');
}

export function readVehicle(body: unknown): { entry: VehicleEntry | null; errors: FormErrors } {
  const parsed = vehicleSchema.safeParse(body ?? {});
  const errors = parsed.success ? emptyErrors() : zodToFormErrors(parsed.error);
  const typed = formValue(body, 'vehicle_vrm').slice(0, 40);
  const key = vrmKey(typed);
  if (!typed.trim()) addError(errors, 'vehicle_vrm', 'Enter the registration number (VRM)');
  else if (!isVrmKey(key)) addError(errors, 'vehicle_vrm', 'Enter a registration number using letters and numbers, like AB12 CDE');
  if (errors.list.length || !parsed.success) return { entry: null, errors };
  return {
    entry: { vrm: displayVrm(typed), make: parsed.data.vehicle_make, model: parsed.data.vehicle_model, colour: parsed.data.vehicle_colour },
    errors,
  };
}

/** Clears a sub-form's fields once its entry has been added, so the next one starts empty. */
export function clearFields(values: Record<string, unknown>, keys: string[]) {
  for (const k of keys) delete values[k];
}

export const NEW_PERSON_FIELDS = ['new_first_name', 'new_last_name', 'new_dob-day', 'new_dob-month', 'new_dob-year', 'new_role'];
export const PICK_FIELDS = ['person_query', 'person_pick', 'person_role'];
export const VEHICLE_FIELDS = ['vehicle_vrm', 'vehicle_make', 'vehicle_model', 'vehicle_colour'];
