// Field validators for HTML form bodies. Browsers send strings, but attackers and odd clients can
// send arrays, objects or nothing: every builder accepts any input and either yields a clean value
// or a message written for the person filling in the form.
import { z } from 'zod';

const asText = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');
// Control characters other than tab and newlines never belong in a form value.
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const clean = (v: unknown) => asText(v).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();

export const requiredText = (message: string, max = 200, tooLong?: string) =>
  z.preprocess(clean, z.string().min(1, message).max(max, tooLong ?? `Must be ${max} characters or fewer`));

export const optionalText = (max = 2000, tooLong?: string) =>
  z.preprocess(clean, z.string().max(max, tooLong ?? `Must be ${max} characters or fewer`).transform((v) => (v === '' ? null : v)));

export const email = (message: string) =>
  z.preprocess(
    clean,
    z
      .string()
      .min(1, message)
      .max(254, 'Email address must be 254 characters or fewer')
      .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'Enter an email address in the correct format, like name@example.gov.uk')
      .transform((v) => v.toLowerCase()),
  );

export const choice = <T extends string>(values: readonly T[], message: string) =>
  z.preprocess(clean, z.string().refine((v): v is T => (values as readonly string[]).includes(v), { message })) as unknown as z.ZodType<T>;

export const optionalChoice = <T extends string>(values: readonly T[], message: string) =>
  z.preprocess(
    clean,
    z
      .string()
      .refine((v) => v === '' || (values as readonly string[]).includes(v), { message })
      .transform((v) => (v === '' ? null : (v as T))),
  );

export const choices = <T extends string>(values: readonly T[], message: string) =>
  z.preprocess(
    (v) => (Array.isArray(v) ? v : v === undefined || v === '' ? [] : [v]).map(clean).filter((x) => x !== ''),
    z.array(z.string()).refine((arr): arr is T[] => arr.every((x) => (values as readonly string[]).includes(x)), { message }),
  ) as unknown as z.ZodType<T[]>;

export const checkbox = () => z.preprocess((v) => clean(v) !== '', z.boolean());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const uuid = (message: string) => z.preprocess(clean, z.string().regex(UUID, message));
export const optionalUuid = (message: string) =>
  z.preprocess(clean, z.string().refine((v) => v === '' || UUID.test(v), { message }).transform((v) => (v === '' ? null : v)));
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

export const wholeNumber = (message: string, min: number, max: number) =>
  z.preprocess(clean, z.string().regex(/^\d+$/, message).transform(Number).refine((n) => n >= min && n <= max, { message }));

/**
 * A GOV.UK date input: three fields (day, month, year) named prefix-day, prefix-month, prefix-year.
 * Returns an ISO date string, or null when all three are blank and the date is optional.
 */
export function dateInput(body: unknown, prefix: string, label: string, opts: { required?: boolean; past?: boolean } = {}) {
  const get = (k: string) => clean((body as Record<string, unknown> | undefined)?.[`${prefix}-${k}`]);
  const d = get('day');
  const m = get('month');
  const y = get('year');
  if (!d && !m && !y) return opts.required ? { error: `Enter ${label}` } : { value: null };
  const missing = [!d && 'day', !m && 'month', !y && 'year'].filter(Boolean);
  if (missing.length) return { error: `${label[0]!.toUpperCase()}${label.slice(1)} must include a ${missing.join(' and ')}` };
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return { error: `${label[0]!.toUpperCase()}${label.slice(1)} must be a real date` };
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d) || Number(y) < 1900) {
    return { error: `${label[0]!.toUpperCase()}${label.slice(1)} must be a real date` };
  }
  if (opts.past && date.getTime() > Date.now()) return { error: `${label[0]!.toUpperCase()}${label.slice(1)} must be in the past` };
  return { value: date.toISOString().slice(0, 10) };
}
