// Case pages: the list, opening a case (from incidents or none), the case's sections, changing its
// details and status. Notes, incidents, links and sharing are in child-routes.ts; the case types
// admin pages in case-types-routes.ts.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../app.ts';
import { addNavigation, setFlash } from '../../platform/http/render.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, formValues } from '../../platform/http/forms.ts';
import {
  NEXT_STATUSES,
  echo,
  incidentIdsOf,
  parseCaseForm,
  parseStatusForm,
  valuesFromCase,
} from './fields.ts';
import { OUTCOMES, SCOPES, STATUS_FILTERS, type CaseScope, type StatusFilter } from './labels.ts';
import { WRITERS, caseNav, idParam, labels, pageOf, versionOf } from './http.ts';
import { caseTypeRoutes } from './case-types-routes.ts';
import { caseChildRoutes } from './child-routes.ts';
import * as service from './service.ts';

export async function caseRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  addNavigation({ text: 'Cases', href: '/cases' });

  /** Renders one section of the case page with the case's header and section navigation. */
  const section = (
    reply: FastifyReply,
    template: string,
    found: { case: { id: string; title: string; reference: string }; access: { share: boolean } },
    key: string,
    context: Record<string, unknown>,
    status = 200,
  ) =>
    reply.code(status).render(`cases/views/${template}`, {
      pageTitle: `${found.case.reference}: ${found.case.title}`,
      labels,
      caseNav: caseNav(found.case.id, key, found.access.share),
      backLink: '/cases',
      ...found,
      ...context,
    });

  // --- list ---------------------------------------------------------------------------------------

  app.get('/cases', async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const pick = <T extends string>(v: unknown, allowed: readonly T[], fallback: T): T =>
      typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
    const filters = {
      scope: pick<CaseScope>(q.scope, SCOPES, 'mine'),
      status: pick<StatusFilter>(q.status, STATUS_FILTERS, 'active'),
      typeId: isUuid(q.type) ? q.type.toLowerCase() : null,
      leadId: isUuid(q.lead) ? q.lead.toLowerCase() : null,
      overdue: q.overdue === 'yes',
      page: pageOf(q),
    };
    const result = await service.listCases(db, request.actor!, filters);
    const base = new URLSearchParams();
    if (filters.status !== 'active') base.set('status', filters.status);
    if (filters.typeId) base.set('type', filters.typeId);
    if (filters.leadId) base.set('lead', filters.leadId);
    if (filters.overdue) base.set('overdue', 'yes');
    const withParams = (extra: Record<string, string>) => {
      const p = new URLSearchParams(base);
      for (const [k, v] of Object.entries(extra)) p.set(k, v);
      return `/cases?${p.toString()}`;
    };
    return reply.render('cases/views/list.njk', {
      pageTitle: labels.scope[filters.scope],
      labels,
      filters,
      ...result,
      scopes: SCOPES.map((s) => ({
        text: labels.scope[s],
        href: withParams({ scope: s }),
        active: s === filters.scope,
      })),
      previousHref:
        filters.page > 1 ? withParams({ scope: filters.scope, page: String(filters.page - 1) }) : null,
      nextHref: result.hasMore ? withParams({ scope: filters.scope, page: String(filters.page + 1) }) : null,
      statusFilters: STATUS_FILTERS,
      canOpen: request.actor!.roles.some((r) => WRITERS.config.roles.includes(r)),
    });
  });

  // --- open a case --------------------------------------------------------------------------------

  const newForm = async (
    reply: FastifyReply,
    values: Record<string, unknown>,
    incidentIds: string[],
    errors = emptyErrors(),
    status = 200,
  ) => {
    const actor = reply.request.actor!;
    const { options, incidents } = await service.newCaseForm(db, actor, incidentIds);
    return reply.code(status).render('cases/views/form.njk', {
      pageTitle: 'Open a case',
      action: '/cases',
      creating: true,
      labels,
      options,
      incidents,
      values: { lead_officer_id: actor.userId, priority: 'standard', ...values },
      errors,
      backLink: '/cases',
    });
  };

  app.get('/cases/new', WRITERS, async (request, reply) => {
    const ids = formValues(request.query, 'incident')
      .filter(isUuid)
      .map((v) => v.toLowerCase())
      .slice(0, 50);
    return newForm(reply, {}, ids);
  });

  app.post('/cases', WRITERS, async (request, reply) => {
    const actor = request.actor!;
    let incidentIds = incidentIdsOf(request.body);
    // A reference typed but not yet added is added first (Enter in that field, or "Open case" pressed
    // before "Add incident"), so it is never silently left out of the case.
    if (formValue(request.body, 'add_incident') || formValue(request.body, 'incident_reference').trim()) {
      // "Add incident": find the incident by reference and show the form again with it chosen.
      const values = echo(request.body);
      const reference = formValue(request.body, 'incident_reference').trim().slice(0, 40);
      const errors = emptyErrors();
      if (!reference)
        addError(errors, 'incident_reference', 'Enter the reference of an incident to add, like INC-0000123');
      else {
        const incident = await service.incidentByReference(db, actor, reference);
        if (!incident)
          addError(
            errors,
            'incident_reference',
            'There is no incident you can see with that reference. Check it and try again',
          );
        else if (incidentIds.includes(incident.id))
          addError(errors, 'incident_reference', `${incident.reference} is already chosen`);
        else {
          incidentIds = [...incidentIds, incident.id];
          values.incident_reference = '';
        }
      }
      return newForm(
        reply,
        { ...values, incident_ids: incidentIds },
        incidentIds,
        errors,
        errors.list.length ? 400 : 200,
      );
    }
    const { options } = await service.newCaseForm(db, actor, []);
    const { fields, errors, values } = parseCaseForm(request.body, options.ids);
    if (!fields) return newForm(reply, values, incidentIds, errors, 400);
    const created = await service.createCase(db, actor, fields, incidentIds);
    setFlash(reply, `Case ${created.reference} has been opened`);
    return reply.redirect(`/cases/${created.id}`);
  });

  // --- the case page ------------------------------------------------------------------------------

  for (const [path, key, template] of [
    ['', 'overview', 'show.njk'],
    ['/incidents', 'incidents', 'incidents.njk'],
    ['/notes', 'notes', 'notes.njk'],
    ['/tasks', 'tasks', 'tasks.njk'],
    ['/links', 'links', 'links.njk'],
    ['/sharing', 'sharing', 'sharing.njk'],
  ] as const) {
    app.get(`/cases/:id${path}`, async (request, reply) => {
      const found = await service.viewCase(db, request.actor!, idParam(request.params), key);
      if (!found) throw notFound('case');
      if (found.forbidden)
        throw forbidden(
          'Only the organisation that holds this case can see and change who it is shared with.',
        );
      const timeline = found.timeline.map((e) => ({ ...e, iso: e.at.toISOString() }));
      return section(reply, template, found, key, {
        timeline,
        canWrite: request.actor!.roles.some((r) => WRITERS.config.roles.includes(r)),
        canSupervise: request.actor!.roles.includes('manager'),
        values: {},
      });
    });
  }

  // --- change details -----------------------------------------------------------------------------

  app.get('/cases/:id/edit', WRITERS, async (request, reply) => {
    const id = idParam(request.params);
    const found = await service.caseForEdit(db, request.actor!, id);
    if (!found) throw notFound('case');
    if (!found.canEdit)
      throw forbidden(
        'You can view this case but not change it. Ask the organisation that holds it for edit access.',
      );
    return reply.render('cases/views/form.njk', {
      pageTitle: 'Change case details',
      action: `/cases/${id}/edit`,
      labels,
      case: found.case,
      options: found.options,
      values: valuesFromCase(found.case),
      version: found.case.version,
      backLink: `/cases/${id}`,
    });
  });

  app.post('/cases/:id/edit', WRITERS, async (request, reply) => {
    const id = idParam(request.params);
    const actor = request.actor!;
    const version = versionOf(request.body);
    const found = await service.caseForEdit(db, actor, id);
    if (!found) throw notFound('case');
    if (!found.canEdit)
      throw forbidden(
        'You can view this case but not change it. Ask the organisation that holds it for edit access.',
      );
    const { fields, errors, values } = parseCaseForm(request.body, found.options.ids, found.case.review_date);
    const formCtx = {
      pageTitle: 'Change case details',
      action: `/cases/${id}/edit`,
      labels,
      case: found.case,
      options: found.options,
      values,
      version,
      backLink: `/cases/${id}`,
    };
    if (!fields) return reply.code(400).render('cases/views/form.njk', { ...formCtx, errors });
    const result = await service.updateCase(db, actor, id, version, fields);
    if (result.kind === 'not_found') throw notFound('case');
    if (result.kind === 'forbidden') throw forbidden();
    if (result.kind === 'conflict') {
      const name = (list: { id: string; display_name?: string; name?: string }[], v: string | null) =>
        list.find((x) => x.id === v)?.display_name ?? list.find((x) => x.id === v)?.name ?? null;
      return reply.code(409).render('cases/views/conflict.njk', {
        ...formCtx,
        pageTitle: 'Someone else changed this case',
        current: result.current,
        yours: {
          ...fields,
          type_name: name(found.options.types, fields.case_type_id),
          lead_name: name(found.options.officers, fields.lead_officer_id),
          supervisor_name: name(found.options.managers, fields.supervisor_id),
        },
        version: result.current.version,
      });
    }
    setFlash(reply, 'The case details have been saved');
    return reply.redirect(`/cases/${id}`);
  });

  // --- change status ------------------------------------------------------------------------------

  const statusPage = (
    reply: FastifyReply,
    found: NonNullable<Awaited<ReturnType<typeof service.statusForm>>>,
    context: Record<string, unknown>,
    status = 200,
  ) =>
    reply.code(status).render('cases/views/status.njk', {
      pageTitle: 'Change case status',
      labels,
      case: found.case,
      nextStatuses: NEXT_STATUSES[found.case.status],
      outcomes: OUTCOMES,
      version: found.case.version,
      values: {},
      backLink: `/cases/${found.case.id}`,
      ...context,
    });

  app.get('/cases/:id/status', WRITERS, async (request, reply) => {
    const found = await service.statusForm(db, request.actor!, idParam(request.params));
    if (!found) throw notFound('case');
    if (!found.access.edit) throw forbidden('You can view this case but not change it.');
    return statusPage(reply, found, {});
  });

  app.post('/cases/:id/status', WRITERS, async (request, reply) => {
    const id = idParam(request.params);
    const actor = request.actor!;
    const version = versionOf(request.body);
    const found = await service.statusForm(db, actor, id);
    if (!found) throw notFound('case');
    if (!found.access.edit) throw forbidden('You can view this case but not change it.');
    const conflict = (current: typeof found.case, values: Record<string, unknown>) =>
      statusPage(
        reply,
        { ...found, case: current },
        {
          values,
          conflict: true,
          errors: addError(
            emptyErrors(),
            'conflict',
            'Someone else changed this case while you were working on it. Your choices are still below: check what is saved now, then save again.',
          ),
        },
        409,
      );
    // A stale form's choices were judged against a status the case may no longer have.
    if (found.case.version !== version) return conflict(found.case, echo(request.body));
    const { fields, errors, values } = parseStatusForm(request.body, found.case.status);
    if (!fields) return statusPage(reply, found, { values, errors }, 400);
    const result = await service.changeStatus(db, actor, id, version, fields);
    if (result.kind === 'not_found') throw notFound('case');
    if (result.kind === 'forbidden') throw forbidden();
    if (result.kind === 'conflict') return conflict(result.current, values);
    setFlash(
      reply,
      fields.status === 'closed'
        ? 'The case has been closed'
        : fields.status === 'on_hold'
          ? 'The case is on hold'
          : 'The case is open',
    );
    return reply.redirect(`/cases/${id}`);
  });

  await caseChildRoutes(app, deps, section);
  await caseTypeRoutes(app, deps);
}
