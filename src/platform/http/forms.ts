// Turns validation failures into what GOV.UK pages show: an error summary linking to each field,
// and a message beside the field, in the user's terms.
import type { z } from 'zod';

export interface FormErrors {
  list: { text: string; href: string }[];
  byField: Record<string, { text: string }>;
}

export function emptyErrors(): FormErrors {
  return { list: [], byField: {} };
}

export function addError(errors: FormErrors, field: string, text: string): FormErrors {
  if (!errors.byField[field]) {
    errors.byField[field] = { text };
    errors.list.push({ text, href: `#${field}` });
  }
  return errors;
}

export function zodToFormErrors(error: z.ZodError): FormErrors {
  const errors = emptyErrors();
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('-') || 'form';
    addError(errors, field, issue.message);
  }
  return errors;
}

export function hasErrors(errors: FormErrors): boolean {
  return errors.list.length > 0;
}

/** Form bodies arrive as strings or arrays of strings; anything else is treated as absent. */
export function formValue(body: unknown, key: string): string {
  if (!body || typeof body !== 'object') return '';
  const v = (body as Record<string, unknown>)[key];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return '';
}

export function formValues(body: unknown, key: string): string[] {
  if (!body || typeof body !== 'object') return [];
  const v = (body as Record<string, unknown>)[key];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}
