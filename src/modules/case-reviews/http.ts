// What the Case Review routes share: role gates, reading ids and pages from requests, and the words
// templates show for stored codes.
import type { Role } from '../../platform/db/schema.ts';
import { notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { formValue } from '../../platform/http/forms.ts';
import { LABELS, WRITER_ROLES } from './labels.ts';
import { BANK_HOLIDAYS } from './working-days.ts';

export { canWrite } from './labels.ts';
export const WRITERS = { config: { roles: WRITER_ROLES } };
export const ADMIN = { config: { roles: ['partnership_admin'] as Role[] } };

export function idParam(params: unknown, key = 'id', what = 'Case Review'): string {
  const v = (params as Record<string, unknown> | undefined)?.[key];
  if (!isUuid(v)) throw notFound(what);
  return v.toLowerCase();
}

export function pageOf(query: unknown): number {
  const n = Number.parseInt(formValue(query, 'page'), 10);
  return Number.isInteger(n) ? Math.min(Math.max(n, 1), 10_000) : 1;
}

export function pick<T extends string>(v: unknown, allowed: readonly T[], fallback: T): T {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
}

/** Day, month and year fields of a GOV.UK date input, from an ISO date. */
export function dateFields(prefix: string, iso: string | null | undefined): Record<string, string> {
  const [y, m, d] = (iso ?? '').split('-');
  return {
    [`${prefix}-day`]: d ? String(Number(d)) : '',
    [`${prefix}-month`]: m ? String(Number(m)) : '',
    [`${prefix}-year`]: y ?? '',
  };
}

export const labels = { ...LABELS, holidayYears: Object.keys(BANK_HOLIDAYS) };
