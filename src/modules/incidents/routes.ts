// Incident pages: the list with its filters, an incident's own page and sharing. The recording and
// change forms, the link pages and the administration pages register from their own files.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';
import { addNavigation, setFlash } from '../../platform/http/render.ts';
import { notFound } from '../../platform/http/errors.ts';
import { dateInput, isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue } from '../../platform/http/forms.ts';
import { isWholeDay } from './fields.ts';
import { CATEGORIES, FLAGS, LABELS, type Flag } from './labels.ts';
import { fromLondon } from './london-time.ts';
import { parseShareForm } from './share-form.ts';
import { incidentAdminRoutes } from './admin-routes.ts';
import { incidentFormRoutes, WRITERS } from './form-routes.ts';
import { incidentLinkRoutes } from './link-routes.ts';
import type { AsbCategory } from '../../platform/db/schema.ts';
import * as service from './service.ts';
import { incidentPanelFor as caseReviewPanelFor } from '../case-reviews/service.ts';

const FILTER_KEYS = ['from-day', 'from-month', 'from-year', 'to-day', 'to-month', 'to-year', 'category', 'type', 'area', 'flag', 'status', 'holder'];

const nextDay = (iso: string) => new Date(Date.parse(`${iso}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export async function incidentRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  addNavigation({ text: 'Incidents', href: '/incidents' });
  const writers = { config: { roles: [...WRITERS] } };

  const idParam = (params: unknown) => {
    const id = (params as { id?: string }).id;
    if (!isUuid(id)) throw notFound('incident');
    return id;
  };

  app.get('/incidents', async (request, reply) => {
    const actor = request.actor!;
    const query = request.query as Record<string, unknown>;
    const values: Record<string, string> = {};
    for (const k of FILTER_KEYS) values[k] = formValue(query, k).trim().slice(0, 100);
    const options = await service.filterOptions(db, actor);
    const errors = emptyErrors();
    const from = dateInput(query, 'from', 'the from date');
    const to = dateInput(query, 'to', 'the to date');
    if ('error' in from && from.error) addError(errors, 'from', from.error);
    if ('error' in to && to.error) addError(errors, 'to', to.error);
    const fromDate = ('value' in from && from.value) || null;
    const toDate = ('value' in to && to.value) || null;
    if (fromDate && toDate && toDate < fromDate) addError(errors, 'to', 'The to date must be the same as or after the from date');
    const pick = <T extends string>(key: string, allowed: readonly T[], message: string): T | null => {
      const v = values[key]!;
      if (!v) return null;
      if ((allowed as readonly string[]).includes(v)) return v as T;
      addError(errors, key, message);
      return null;
    };
    const filters: service.IncidentFilters = {
      from: fromDate,
      to: toDate,
      category: pick<AsbCategory>('category', CATEGORIES, 'Select a category from the list'),
      asbTypeId: pick('type', options.asbTypes.map((t) => t.id), 'Select a type from the list'),
      areaId: pick('area', options.areas.map((a) => a.id), 'Select an area from the list'),
      flag: pick<Flag>('flag', FLAGS, 'Select a flag from the list'),
      status: pick('status', ['open', 'closed'] as const, 'Select open or closed'),
      holder: pick('holder', ['mine', 'shared'] as const, 'Select whose incidents to show'),
    };
    const page = Math.min(Math.max(Number.parseInt(formValue(query, 'page') || '1', 10) || 1, 1), 10_000);
    const active = new URLSearchParams(Object.entries(values).filter(([, v]) => v !== ''));
    const without = (keys: string[]) => {
      const p = new URLSearchParams([...active].filter(([k]) => !keys.includes(k)));
      return `/incidents${p.size ? `?${p}` : ''}`;
    };
    const ctx = { pageTitle: 'Incidents', values, options, labels: LABELS, flags: FLAGS, categories: CATEGORIES };
    if (errors.list.length) return reply.code(400).render('incidents/views/list.njk', { ...ctx, errors, incidents: [], page, hasMore: false, selected: [] });
    const result = await service.listIncidents(
      db,
      actor,
      { ...filters, fromInstant: fromDate ? fromLondon(fromDate, '00:00') : null, toInstant: toDate ? fromLondon(nextDay(toDate), '00:00') : null },
      page,
    );
    const selected = [
      fromDate && { heading: 'Happened from', text: fromDate, href: without(['from-day', 'from-month', 'from-year']) },
      toDate && { heading: 'Happened up to', text: toDate, href: without(['to-day', 'to-month', 'to-year']) },
      filters.category && { heading: 'Category', text: LABELS.category[filters.category], href: without(['category']) },
      filters.asbTypeId && { heading: 'Type', text: options.asbTypes.find((t) => t.id === filters.asbTypeId)?.name ?? '', href: without(['type']) },
      filters.areaId && { heading: 'Area', text: options.areas.find((a) => a.id === filters.areaId)?.name ?? '', href: without(['area']) },
      filters.flag && { heading: 'Flag', text: LABELS.flag[filters.flag], href: without(['flag']) },
      filters.status && { heading: 'Status', text: LABELS.status[filters.status], href: without(['status']) },
      filters.holder && { heading: 'Held by', text: filters.holder === 'mine' ? actor.organisationName : 'Other organisations (shared with you)', href: without(['holder']) },
    ].filter((x): x is { heading: string; text: string; href: string } => !!x);
    const pageHref = (n: number) => `/incidents?${new URLSearchParams([...active, ['page', String(n)]])}`;
    return reply.render('incidents/views/list.njk', {
      ...ctx,
      ...result,
      page,
      selected,
      previousHref: page > 1 ? pageHref(page - 1) : null,
      nextHref: result.hasMore ? pageHref(page + 1) : null,
    });
  });

  await incidentFormRoutes(app, deps);

  app.get('/incidents/:id', async (request, reply) => {
    const found = await service.viewIncident(db, request.actor!, idParam(request.params));
    if (!found) throw notFound('incident');
    const i = found.incident;
    const canWrite = WRITERS.some((r) => request.actor!.roles.includes(r));
    const caseReviewPanel = await caseReviewPanelFor(db, request.actor!, i.id);
    return reply.render('incidents/views/show.njk', {
      pageTitle: `Incident ${i.reference}`,
      ...found,
      caseReviewPanel,
      wholeDay: isWholeDay(new Date(i.occurred_from), i.occurred_to ? new Date(i.occurred_to) : null),
      flags: FLAGS.filter((f) => i[f]),
      canChange: found.access.edit && canWrite,
      canWrite,
      labels: LABELS,
      backLink: '/incidents',
    });
  });

  const shareCtx = (i: { id: string; reference: string }) => ({
    pageTitle: 'Share this incident',
    recordCaption: `Incident ${i.reference}`,
    action: `/incidents/${i.id}/share`,
    backLink: `/incidents/${i.id}`,
  });

  app.get('/incidents/:id/share', writers, async (request, reply) => {
    const options = await service.sharingOptions(db, request.actor!, idParam(request.params));
    if (!options) throw notFound('incident');
    return reply.render('incidents/views/share.njk', { ...shareCtx(options.incident), targets: options.targets, values: {} });
  });

  app.post('/incidents/:id/share', writers, async (request, reply) => {
    const id = idParam(request.params);
    const options = await service.sharingOptions(db, request.actor!, id);
    if (!options) throw notFound('incident');
    const { share, errors, values } = parseShareForm(request.body, options.targets, new Date().toISOString().slice(0, 10));
    if (!share) return reply.code(400).render('incidents/views/share.njk', { ...shareCtx(options.incident), targets: options.targets, values, errors });
    await service.shareIncident(db, request.actor!, { ...share, recordId: id });
    setFlash(reply, 'The incident has been shared');
    return reply.redirect(`/incidents/${id}`);
  });

  app.post('/incidents/:id/shares/:shareId/revoke', writers, async (request, reply) => {
    const id = idParam(request.params);
    const shareId = (request.params as { shareId?: string }).shareId;
    if (!isUuid(shareId)) throw notFound('share');
    const ok = await service.unshareIncident(db, request.actor!, id, shareId);
    if (!ok) throw notFound('share');
    setFlash(reply, 'Sharing has been stopped');
    return reply.redirect(`/incidents/${id}`);
  });

  await incidentLinkRoutes(app, deps);
  await incidentAdminRoutes(app, deps);
}
