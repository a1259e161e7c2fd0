// What every administration route shares: the role gate, reading ids and versions from requests,
// turning the service's problems into GOV.UK errors, and rendering with the section's navigation.
import type { FastifyReply } from 'fastify';
import type { Role } from '../../platform/db/schema.ts';
import { notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, type FormErrors } from '../../platform/http/forms.ts';
import { sortErrors } from './fields.ts';
import type { FieldProblem } from './service.ts';

/** Route options for every administration page: partnership administrators only. */
export const ADMIN = { config: { roles: ['partnership_admin'] as Role[] } };

const SECTIONS = [
  { href: '/admin', text: 'Overview' },
  { href: '/admin/partnership', text: 'Partnership' },
  { href: '/admin/areas', text: 'Areas' },
  { href: '/admin/organisations', text: 'Organisations' },
  { href: '/admin/teams', text: 'Teams' },
  { href: '/admin/users', text: 'Users' },
  { href: '/admin/asb-types', text: 'ASB types' },
  { href: '/admin/case-types', text: 'Case types' },
  { href: '/admin/referral-types', text: 'Referral types' },
  { href: '/admin/required-fields', text: 'Minimum standards' },
  { href: '/admin/repeat-rules', text: 'Repeats and links' },
  { href: '/admin/case-reviews', text: 'Case Review' },
  { href: '/admin/letter-templates', text: 'Letter templates' },
  { href: '/admin/indicators', text: 'Indicators' },
  { href: '/admin/audit', text: 'Audit log' },
  { href: '/admin/outbox', text: 'Email outbox' },
];

export function subNavigation(path: string) {
  return SECTIONS.map((s) => ({
    ...s,
    active: s.href === '/admin' ? path === '/admin' : path === s.href || path.startsWith(`${s.href}/`),
  }));
}

/** Renders an administration page, with the section's own navigation. */
export function page(reply: FastifyReply, template: string, context: Record<string, unknown>, status = 200) {
  const path = reply.request.url.split('?')[0] ?? '/admin';
  return reply.code(status).render(`admin/views/${template}`, { adminNav: subNavigation(path), ...context });
}

/** A UUID route parameter, or a 404 for anything else. */
export function idParam(params: unknown, what: string, key = 'id'): string {
  const v = (params as Record<string, unknown> | undefined)?.[key];
  if (!isUuid(v)) throw notFound(what);
  return v;
}

/** The version the form was opened at; an unusable one can never match, so it is shown as a conflict. */
export function versionOf(body: unknown): number {
  const v = formValue(body, 'version');
  return /^\d{1,9}$/.test(v) ? Number(v) : -1;
}

/** The page number from a query string: 1 to 10,000, 1 for anything unusable. */
export function pageOf(query: unknown): number {
  const n = Number.parseInt(formValue(query, 'page'), 10);
  return Number.isInteger(n) ? Math.min(Math.max(n, 1), 10_000) : 1;
}

/** Adds the service's problems to the form's errors, in the order the fields appear. */
export function withProblems(
  errors: FormErrors | null,
  problems: FieldProblem[],
  order: string[],
): FormErrors {
  const out = errors ?? emptyErrors();
  for (const p of problems) addError(out, p.field, p.message);
  return sortErrors(out, order);
}

/** Errors for a stale edit: the summary says what happened and links to what is saved now. */
export function conflictErrors(what: string): FormErrors {
  return addError(
    emptyErrors(),
    'conflict',
    `Someone else changed ${what} while you were editing. Your changes have not been saved yet: check what is saved now, then save again.`,
  );
}

export const yesNo = (v: boolean) => (v ? 'Yes' : 'No');

const numberFormat = new Intl.NumberFormat('en-GB');
export const formatNumber = (n: number) => numberFormat.format(n);
