// The vehicle form's fields and their validation, shared by the add and change pages.
import { z } from 'zod';
import { optionalText } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, zodToFormErrors, type FormErrors } from '../../platform/http/forms.ts';
import type { VehicleFields } from './repository.ts';
import { displayVrm, isVrmKey, vrmKey } from './vrm.ts';

const schema = z.object({
  make: optionalText(40, 'Make must be 40 characters or fewer'),
  model: optionalText(40, 'Model must be 40 characters or fewer'),
  colour: optionalText(40, 'Colour must be 40 characters or fewer'),
  notes: optionalText(4000, 'Notes must be 4,000 characters or fewer'),
});

const FIELDS = ['vrm', 'make', 'model', 'colour', 'notes'];

export function parseVehicleForm(body: unknown): { fields: VehicleFields | null; errors: FormErrors; values: Record<string, string> } {
  const parsed = schema.safeParse(body ?? {});
  const errors = emptyErrors();
  const typed = formValue(body, 'vrm').slice(0, 40);
  const key = vrmKey(typed);
  if (!typed.trim()) addError(errors, 'vrm', 'Enter the registration number (VRM)');
  else if (!isVrmKey(key)) addError(errors, 'vrm', 'Enter a registration number using letters and numbers, like AB12 CDE');
  if (!parsed.success) for (const e of zodToFormErrors(parsed.error).list) addError(errors, e.href.slice(1), e.text);
  const values: Record<string, string> = {};
  for (const k of FIELDS) values[k] = formValue(body, k).slice(0, 5000);
  if (errors.list.length || !parsed.success) return { fields: null, errors, values };
  return { fields: { vrm: displayVrm(typed), vrm_key: key, ...parsed.data }, errors, values };
}

export function valuesFromVehicle(v: { vrm: string; make: string | null; model: string | null; colour: string | null; notes: string | null }) {
  return { vrm: v.vrm, make: v.make ?? '', model: v.model ?? '', colour: v.colour ?? '', notes: v.notes ?? '' };
}
