// Business and place pages: list and search, add and change (with a gazetteer lookup that needs no
// JavaScript, and conflict detection), view with the incidents it is linked to, and share.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../app.ts';
import type { Actor } from '../../platform/http/context.ts';
import { setFlash } from '../../platform/http/render.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, type FormErrors } from '../../platform/http/forms.ts';
import { LABELS } from '../incidents/labels.ts';
import { parseShareForm } from '../incidents/share-form.ts';
import { BUSINESS_KINDS, echoBusiness, parseBusinessForm, valuesFromBusiness } from './fields.ts';
import * as service from './service.ts';

const WRITERS = ['case_officer', 'coordinator', 'manager', 'partner_user', 'partnership_admin'] as const;

export async function businessRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const writers = { config: { roles: [...WRITERS] } };

  const idParam = (params: unknown) => {
    const id = (params as { id?: string }).id;
    if (!isUuid(id)) throw notFound('business');
    return id;
  };

  /** The gazetteer matches to offer again: the last search's, plus the address already chosen. */
  async function matchesFor(actor: Actor, values: Record<string, string>) {
    const query = values.address_query?.trim() ?? '';
    const matches = query ? await service.lookupAddresses(db, actor, query) : [];
    const uprn = /^\d{1,12}$/.test(values.uprn ?? '') ? Number(values.uprn) : null;
    if (uprn && !matches.some((m) => m.uprn === uprn)) {
      const chosen = await service.addressForDisplay(db, actor, uprn);
      if (chosen) matches.unshift(chosen);
    }
    return { matches, searched: !!query };
  }

  function renderForm(reply: FastifyReply, status: number, ctx: { pageTitle: string; action: string; backLink: string; values: Record<string, string>; version?: number; errors?: FormErrors; matches: unknown[]; searched: boolean }) {
    return reply.code(status).render('businesses/views/form.njk', { kinds: BUSINESS_KINDS, ...ctx });
  }

  /** One POST handler for the add and change forms: "Find address" re-renders, anything else saves. */
  async function handleForm(request: { body: unknown; actor: Actor | null }, reply: FastifyReply, page: { pageTitle: string; action: string; backLink: string; id: string | null }) {
    const actor = request.actor!;
    const values = echoBusiness(request.body);
    let version: number | undefined;
    if (page.id) {
      const access = await service.editAccess(db, actor, page.id);
      if (access === 'not_found') throw notFound('business');
      if (access === 'view') throw forbidden('You can view this business or place but not change it. Ask the organisation that holds the record for edit access.');
      const raw = formValue(request.body, 'version');
      if (!/^\d{1,9}$/.test(raw)) throw notFound('business');
      version = Number(raw);
    }
    const base = { pageTitle: page.pageTitle, action: page.action, backLink: page.backLink, version };
    if (formValue(request.body, 'action') === 'find_address') {
      const errors = emptyErrors();
      if (!values.address_query?.trim()) addError(errors, 'address_query', 'Enter a postcode or part of the address to find it');
      values.uprn = '';
      const found = await matchesFor(actor, values);
      return renderForm(reply, errors.list.length ? 400 : 200, { ...base, values, errors, ...found });
    }
    const { input, errors } = parseBusinessForm(request.body);
    if (!input) return renderForm(reply, 400, { ...base, values, errors, ...(await matchesFor(actor, values)) });
    const badAddress = async () =>
      renderForm(reply, 400, { ...base, values: { ...values, uprn: '' }, errors: addError(emptyErrors(), 'uprn', 'Select an address from the list'), ...(await matchesFor(actor, { ...values, uprn: '' })) });
    if (!page.id) {
      const result = await service.createBusiness(db, actor, input);
      if (result.kind === 'bad_address') return badAddress();
      setFlash(reply, `${input.name} has been added`);
      return reply.redirect(`/businesses/${result.id}`);
    }
    const result = await service.updateBusiness(db, actor, page.id, version!, input);
    if (result.kind === 'not_found') throw notFound('business');
    if (result.kind === 'bad_address') return badAddress();
    if (result.kind === 'conflict') {
      return reply.code(409).render('businesses/views/conflict.njk', {
        ...base,
        pageTitle: 'Someone else changed this business or place',
        current: result.current,
        yours: { name: input.name, kind: input.kind, phone: input.phone, notes: input.notes },
        values,
        version: result.current.version,
        kinds: BUSINESS_KINDS,
      });
    }
    setFlash(reply, 'The changes have been saved');
    return reply.redirect(`/businesses/${page.id}`);
  }

  app.get('/businesses', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const q = formValue(query, 'q').trim().slice(0, 100) || null;
    const page = Math.min(Math.max(Number.parseInt(formValue(query, 'page') || '1', 10) || 1, 1), 10_000);
    const result = await service.listBusinesses(db, request.actor!, q, page);
    return reply.render('businesses/views/list.njk', { pageTitle: 'Businesses and places', q, page, kinds: BUSINESS_KINDS, ...result });
  });

  app.get('/businesses/new', writers, async (_request, reply) =>
    renderForm(reply, 200, { pageTitle: 'Add a business or place', action: '/businesses', backLink: '/businesses', values: {}, matches: [], searched: false }),
  );

  app.post('/businesses', writers, async (request, reply) => handleForm(request, reply, { pageTitle: 'Add a business or place', action: '/businesses', backLink: '/businesses', id: null }));

  app.get('/businesses/:id', async (request, reply) => {
    const found = await service.viewBusiness(db, request.actor!, idParam(request.params));
    if (!found) throw notFound('business');
    return reply.render('businesses/views/show.njk', { pageTitle: found.business.name, ...found, kinds: BUSINESS_KINDS, labels: LABELS, backLink: '/businesses' });
  });

  app.get('/businesses/:id/edit', writers, async (request, reply) => {
    const id = idParam(request.params);
    const found = await service.businessForEdit(db, request.actor!, id);
    if (!found) throw notFound('business');
    if (!found.canEdit) throw forbidden('You can view this business or place but not change it. Ask the organisation that holds the record for edit access.');
    return renderForm(reply, 200, {
      pageTitle: 'Change business or place details',
      action: `/businesses/${id}/edit`,
      backLink: `/businesses/${id}`,
      values: valuesFromBusiness(found.business),
      version: found.business.version,
      matches: found.address ? [found.address] : [],
      searched: false,
    });
  });

  app.post('/businesses/:id/edit', writers, async (request, reply) => {
    const id = idParam(request.params);
    return handleForm(request, reply, { pageTitle: 'Change business or place details', action: `/businesses/${id}/edit`, backLink: `/businesses/${id}`, id });
  });

  const shareCtx = (b: { id: string; name: string }) => ({
    pageTitle: 'Share this business or place',
    recordCaption: b.name,
    action: `/businesses/${b.id}/share`,
    backLink: `/businesses/${b.id}`,
  });

  app.get('/businesses/:id/share', writers, async (request, reply) => {
    const options = await service.sharingOptions(db, request.actor!, idParam(request.params));
    if (!options) throw notFound('business');
    return reply.render('incidents/views/share.njk', { ...shareCtx(options.business), targets: options.targets, values: {} });
  });

  app.post('/businesses/:id/share', writers, async (request, reply) => {
    const id = idParam(request.params);
    const options = await service.sharingOptions(db, request.actor!, id);
    if (!options) throw notFound('business');
    const { share, errors, values } = parseShareForm(request.body, options.targets, new Date().toISOString().slice(0, 10));
    if (!share) return reply.code(400).render('incidents/views/share.njk', { ...shareCtx(options.business), targets: options.targets, values, errors });
    await service.shareBusiness(db, request.actor!, { ...share, recordId: id });
    setFlash(reply, 'The business or place has been shared');
    return reply.redirect(`/businesses/${id}`);
  });

  app.post('/businesses/:id/shares/:shareId/revoke', writers, async (request, reply) => {
    const id = idParam(request.params);
    const shareId = (request.params as { shareId?: string }).shareId;
    if (!isUuid(shareId)) throw notFound('share');
    const ok = await service.unshareBusiness(db, request.actor!, id, shareId);
    if (!ok) throw notFound('share');
    setFlash(reply, 'Sharing has been stopped');
    return reply.redirect(`/businesses/${id}`);
  });
}
