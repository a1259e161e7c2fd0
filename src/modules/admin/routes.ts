// Partnership administration pages: the overview, the partnership's settings, the audit log and the
// email outbox here; areas, organisations, teams and users in their own files. Every page is for
// partnership administrators only and works inside their own partnership.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';
import { addNavigation, setFlash } from '../../platform/http/render.ts';
import { notFound } from '../../platform/http/errors.ts';
import { dateInput, isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue } from '../../platform/http/forms.ts';
import { AUDIT_ACTION_NAMES, AUDIT_ACTIONS, parsePartnershipForm } from './fields.ts';
import { ADMIN, conflictErrors, idParam, page, pageOf, versionOf, yesNo } from './http.ts';
import type { AuditFilters } from './repository.ts';
import * as service from './service.ts';
import { areaRoutes } from './area-routes.ts';
import { organisationRoutes } from './organisation-routes.ts';
import { teamRoutes } from './team-routes.ts';
import { userRoutes } from './user-routes.ts';

/** Where a record in the audit log can be seen, when Endeavour has a page for it. */
const RECORD_PAGES: Record<string, (id: string) => string> = {
  person: (id) => `/people/${id}`,
  incident: (id) => `/incidents/${id}`,
  case: (id) => `/cases/${id}`,
  task: (id) => `/tasks/${id}`,
  vehicle: (id) => `/vehicles/${id}`,
  business: (id) => `/businesses/${id}`,
  risk_assessment: (id) => `/risk/${id}`,
  intervention: (id) => `/interventions/${id}`,
  document: (id) => `/documents/${id}`,
  user: (id) => `/admin/users/${id}`,
  organisation: (id) => `/admin/organisations/${id}`,
  area: (id) => `/admin/areas/${id}`,
  team: (id) => `/admin/teams/${id}`,
  outbox_message: (id) => `/admin/outbox/${id}`,
  partnership: () => '/admin/partnership',
  repeat_rules: () => '/admin/repeat-rules',
  incident_link: (id) => `/incidents/${id}`,
};

// Audit entries need the second, not just the minute, and always UK time.
const auditTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZone: 'Europe/London',
});

function describeDetails(details: unknown): string {
  if (!details || typeof details !== 'object') return '';
  return Object.entries(details as Record<string, unknown>)
    .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('; ');
}

export async function adminRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  addNavigation({ text: 'Admin', href: '/admin', roles: ['partnership_admin'] });

  app.get('/admin', ADMIN, async (request, reply) => {
    const counts = await service.overview(db, request.actor!);
    return page(reply, 'index.njk', { pageTitle: 'Partnership administration', counts });
  });

  // --- partnership settings ---------------------------------------------------------------------

  const settingsValues = (p: service.Partnership) => ({
    name: p.name,
    short_name: p.short_name,
    require_two_factor_for_all: p.require_two_factor_for_all ? 'yes' : '',
  });

  app.get('/admin/partnership', ADMIN, async (request, reply) => {
    const p = await service.partnershipSettings(db, request.actor!);
    return page(reply, 'partnership.njk', {
      pageTitle: 'Partnership settings',
      values: settingsValues(p),
      version: p.version,
      backLink: '/admin',
    });
  });

  app.post('/admin/partnership', ADMIN, async (request, reply) => {
    const values = {
      name: formValue(request.body, 'name').slice(0, 1000),
      short_name: formValue(request.body, 'short_name').slice(0, 1000),
      require_two_factor_for_all: formValue(request.body, 'require_two_factor_for_all') ? 'yes' : '',
    };
    const version = versionOf(request.body);
    const ctx = { pageTitle: 'Partnership settings', values, version, backLink: '/admin' };
    const { fields, errors } = parsePartnershipForm(request.body);
    if (!fields) return page(reply, 'partnership.njk', { ...ctx, errors }, 400);
    const result = await service.updatePartnership(db, request.actor!, version, fields);
    if (result.kind === 'not_found') throw notFound('partnership');
    if (result.kind === 'conflict') {
      const c = result.current;
      return page(
        reply,
        'partnership.njk',
        {
          ...ctx,
          version: c.version,
          errors: conflictErrors('these settings'),
          conflict: [
            { key: { text: 'Name' }, value: { text: c.name } },
            { key: { text: 'Short name' }, value: { text: c.short_name } },
            {
              key: { text: 'Two-factor authentication for every user' },
              value: { text: yesNo(c.require_two_factor_for_all) },
            },
          ],
        },
        409,
      );
    }
    setFlash(reply, 'The partnership settings have been saved');
    return reply.redirect('/admin/partnership');
  });

  await areaRoutes(app, deps);
  await organisationRoutes(app, deps);
  await teamRoutes(app, deps);
  await userRoutes(app, deps);

  // --- audit log --------------------------------------------------------------------------------

  app.get('/admin/audit', ADMIN, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const raw = (k: string) => formValue(query, k).trim().slice(0, 200);
    const values: Record<string, string> = {};
    for (const k of [
      'user',
      'organisation',
      'action',
      'record_type',
      'record_id',
      'from-day',
      'from-month',
      'from-year',
      'to-day',
      'to-month',
      'to-year',
    ])
      values[k] = raw(k);
    const errors = emptyErrors();
    if (values.user && !isUuid(values.user)) addError(errors, 'user', 'Select a user from the list');
    if (values.organisation && !isUuid(values.organisation))
      addError(errors, 'organisation', 'Select an organisation from the list');
    if (values.action && !(AUDIT_ACTIONS as string[]).includes(values.action))
      addError(errors, 'action', 'Select an action from the list');
    if (values.record_type && !/^[a-z][a-z_]{0,39}$/.test(values.record_type))
      addError(errors, 'record_type', 'Enter a record type in lower case, like person or user');
    if (values.record_id && values.record_id.length > 100)
      addError(errors, 'record_id', 'The record ID must be 100 characters or fewer');
    const from = dateInput(query, 'from', 'the from date');
    if ('error' in from && from.error) addError(errors, 'from', from.error);
    const to = dateInput(query, 'to', 'the to date');
    if ('error' in to && to.error) addError(errors, 'to', to.error);
    const fromDate = 'value' in from ? (from.value ?? null) : null;
    const toDate = 'value' in to ? (to.value ?? null) : null;
    if (fromDate && toDate && toDate < fromDate)
      addError(errors, 'to', 'The to date must be the same as or after the from date');
    const ctx = { pageTitle: 'Audit log', values, actionNames: AUDIT_ACTION_NAMES, backLink: '/admin' };
    if (errors.list.length) {
      const options = await service.auditFilterOptions(db, request.actor!);
      return page(reply, 'audit.njk', { ...ctx, ...options, errors, rows: [] }, 400);
    }
    const filters: AuditFilters = {
      userId: values.user || null,
      organisationId: values.organisation || null,
      action: values.action || null,
      recordType: values.record_type || null,
      recordId: values.record_id || null,
      from: fromDate,
      to: toDate,
    };
    const pageNo = pageOf(query);
    const result = await service.auditLog(db, request.actor!, filters, pageNo);
    const qs = new URLSearchParams(Object.entries(values).filter(([, v]) => v !== ''));
    const href = (n: number) =>
      `/admin/audit?${new URLSearchParams([...qs, ['page', String(n)]]).toString()}`;
    const rows = result.rows.map((r) => ({
      ...r,
      when: auditTime.format(new Date(r.occurred_at)),
      actionName: AUDIT_ACTION_NAMES[r.action as keyof typeof AUDIT_ACTION_NAMES] ?? r.action,
      recordHref:
        r.record_type && r.record_id && isUuid(r.record_id) && RECORD_PAGES[r.record_type]
          ? RECORD_PAGES[r.record_type]!(r.record_id)
          : null,
      detailsText: describeDetails(r.details),
    }));
    return page(reply, 'audit.njk', {
      ...ctx,
      users: result.users,
      organisations: result.organisations,
      rows,
      filtered: qs.size > 0,
      pageNo,
      previousHref: pageNo > 1 ? href(pageNo - 1) : null,
      nextHref: result.hasMore ? href(pageNo + 1) : null,
    });
  });

  // --- outbox -----------------------------------------------------------------------------------

  app.get('/admin/outbox', ADMIN, async (request, reply) => {
    const pageNo = pageOf(request.query);
    const result = await service.listOutbox(db, request.actor!, pageNo);
    return page(reply, 'outbox-list.njk', {
      pageTitle: 'Email outbox',
      ...result,
      pageNo,
      previousHref: pageNo > 1 ? `/admin/outbox?page=${pageNo - 1}` : null,
      nextHref: result.hasMore ? `/admin/outbox?page=${pageNo + 1}` : null,
      transport: deps.mailer.transport,
      backLink: '/admin',
    });
  });

  app.get('/admin/outbox/:id', ADMIN, async (request, reply) => {
    const message = await service.viewOutboxMessage(db, request.actor!, idParam(request.params, 'message'));
    if (!message) throw notFound('message');
    return page(reply, 'outbox-message.njk', {
      pageTitle: message.subject,
      message,
      backLink: '/admin/outbox',
    });
  });
}
