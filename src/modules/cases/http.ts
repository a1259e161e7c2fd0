// What the case routes share: role gates, reading ids, versions and pages from requests, the case
// page's section navigation, and the words templates show for stored codes.
import type { Role } from '../../platform/db/schema.ts';
import { notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { formValue } from '../../platform/http/forms.ts';
import * as L from './labels.ts';

export const WRITER_ROLES: Role[] = ['case_officer', 'coordinator', 'manager', 'partner_user'];
export const WRITERS = { config: { roles: WRITER_ROLES } };

export function idParam(params: unknown, key = 'id', what = 'case'): string {
  const v = (params as Record<string, unknown> | undefined)?.[key];
  if (!isUuid(v)) throw notFound(what);
  return v.toLowerCase();
}

/** The version a form was opened at; anything unusable can never match, so it shows as a conflict. */
export function versionOf(body: unknown): number {
  const v = formValue(body, 'version');
  return /^\d{1,9}$/.test(v) ? Number(v) : -1;
}

export function pageOf(query: unknown): number {
  const n = Number.parseInt(formValue(query, 'page'), 10);
  return Number.isInteger(n) ? Math.min(Math.max(n, 1), 10_000) : 1;
}

export const labels = {
  status: L.STATUS_NAMES,
  statusTag: L.STATUS_TAGS,
  priority: L.PRIORITY_NAMES,
  priorityTag: L.PRIORITY_TAGS,
  outcome: L.OUTCOME_NAMES,
  noteKind: L.NOTE_KIND_NAMES,
  category: L.CATEGORY_NAMES,
  role: L.ROLE_NAMES,
  scope: L.SCOPE_NAMES,
  statusFilter: L.STATUS_FILTER_NAMES,
  reviewDays: { high: 14, medium: 28, standard: 56 },
  taskStatus: { open: 'Open', in_progress: 'In progress', done: 'Done', cancelled: 'Cancelled' },
};

export function caseNav(id: string, section: string, canShare: boolean) {
  const items = [
    { key: 'overview', href: `/cases/${id}`, text: 'Overview and timeline' },
    { key: 'incidents', href: `/cases/${id}/incidents`, text: 'Incidents' },
    { key: 'notes', href: `/cases/${id}/notes`, text: 'Notes' },
    { key: 'tasks', href: `/cases/${id}/tasks`, text: 'Tasks' },
    { key: 'links', href: `/cases/${id}/links`, text: 'Linked cases' },
  ];
  if (canShare) items.push({ key: 'sharing', href: `/cases/${id}/sharing`, text: 'Sharing' });
  return items.map((i) => ({ href: i.href, text: i.text, active: i.key === section }));
}
