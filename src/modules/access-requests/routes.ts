// Access request pages: asking for access from a stub, the queue of requests ("Access requests" in
// the navigation, with the number waiting for this user's decision), one request, and deciding it.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../app.ts';
import { addNavigation, setFlash } from '../../platform/http/render.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import { choice, dateInput, isUuid, optionalText, requiredText } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, zodToFormErrors } from '../../platform/http/forms.ts';
import { WRITERS } from '../people/routes.ts';
import * as service from './service.ts';

const REQUEST_HREF = '/access-requests';

const requestForm = z.object({
  reason: requiredText(
    'Enter why you need to see the record',
    1000,
    'Reason must be 1,000 characters or fewer',
  ),
});

const decisionForm = z.object({
  decision: choice(['grant', 'decline'] as const, 'Select whether to share the record or decline the request'),
  decision_note: optionalText(1000, 'Your note must be 1,000 characters or fewer'),
});

const STATUS_TAGS: Record<string, string> = { pending: 'govuk-tag--yellow', granted: 'govuk-tag--green', declined: 'govuk-tag--red', withdrawn: 'govuk-tag--grey' };
const STATUS_TEXT: Record<string, string> = { pending: 'Waiting for a decision', granted: 'Shared', declined: 'Declined', withdrawn: 'Withdrawn' };
const labels = { statusTag: STATUS_TAGS, status: STATUS_TEXT, recordType: { person: 'Person', vehicle: 'Vehicle' } };

const SKIP_BADGE = ['/api/', '/javascripts/', '/stylesheets/', '/assets/', '/health', '/ready'];

export async function accessRequestRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const notify = { mailer: deps.mailer, baseUrl: deps.config.baseUrl };
  const writers = { config: { roles: [...WRITERS] } };
  addNavigation({ text: 'Access requests', href: REQUEST_HREF, roles: [...WRITERS] });

  // The navigation's count of requests waiting for this user: only for pages, only for those who may decide.
  app.addHook('preHandler', async (request) => {
    const actor = request.actor;
    const route = request.routeOptions.url;
    if (request.method !== 'GET' || !actor || !route || SKIP_BADGE.some((p) => route.startsWith(p))) return;
    if (!actor.roles.some((r) => (WRITERS as readonly string[]).includes(r))) return;
    const count = await service.waitingCount(db, actor);
    request.navBadges = { ...request.navBadges, [REQUEST_HREF]: { count, label: count === 1 ? 'request waiting for your decision' : 'requests waiting for your decision' } };
  });

  const idParam = (params: unknown) => {
    const id = (params as { id?: string }).id;
    if (!isUuid(id)) throw notFound('access request');
    return id;
  };
  const tokenOf = (v: unknown) => (typeof v === 'string' ? v.slice(0, 400) : '');

  app.get('/access-requests/new', writers, async (request, reply) => {
    const token = tokenOf((request.query as Record<string, unknown>).token);
    const found = await service.prepareRequest(db, request.actor!, token);
    if (!found) throw notFound('record');
    return reply.render('access-requests/views/new.njk', { pageTitle: `Ask ${found.heldBy} for access`, ...found, token, values: {} });
  });

  app.post('/access-requests', writers, async (request, reply) => {
    const token = tokenOf(formValue(request.body, 'token'));
    const parsed = requestForm.safeParse(request.body ?? {});
    if (!parsed.success) {
      const found = await service.prepareRequest(db, request.actor!, token);
      if (!found) throw notFound('record');
      return reply.code(400).render('access-requests/views/new.njk', {
        pageTitle: `Ask ${found.heldBy} for access`,
        ...found,
        token,
        values: { reason: formValue(request.body, 'reason').slice(0, 2000) },
        errors: zodToFormErrors(parsed.error),
      });
    }
    const result = await service.requestAccess(db, notify, request.actor!, { token, reason: parsed.data.reason });
    if (result.kind === 'invalid') throw notFound('record');
    setFlash(reply, result.kind === 'created' ? 'Your request has been sent' : 'You have already asked for access to this record');
    return reply.redirect(`/access-requests/${result.id}`);
  });

  app.get('/access-requests', writers, async (request, reply) => {
    const lists = await service.listRequests(db, request.actor!);
    return reply.render('access-requests/views/list.njk', { pageTitle: 'Access requests', ...lists, decidesEvery: service.decidesEveryRequest(request.actor!), labels });
  });

  const showPage = async (id: string, actorReq: Parameters<typeof service.viewRequest>[1]) => {
    const found = await service.viewRequest(db, actorReq, id);
    if (!found) throw notFound('access request');
    return found;
  };

  app.get('/access-requests/:id', writers, async (request, reply) => {
    const found = await showPage(idParam(request.params), request.actor!);
    return reply.render('access-requests/views/show.njk', { pageTitle: 'Access request', ...found, values: {}, labels, backLink: REQUEST_HREF });
  });

  app.post('/access-requests/:id/decide', writers, async (request, reply) => {
    const id = idParam(request.params);
    const actor = request.actor!;
    const found = await showPage(id, actor);
    if (!found.canDecide) {
      if (found.request.status !== 'pending') {
        setFlash(reply, 'This request has already been decided');
        return reply.redirect(`/access-requests/${id}`);
      }
      throw forbidden('Only the officer who recorded this, or a manager of the organisation that holds it, can decide this request.');
    }
    const body = request.body;
    const parsed = decisionForm.safeParse(body ?? {});
    const errors = parsed.success ? emptyErrors() : zodToFormErrors(parsed.error);
    const shareWith = formValue(body, 'share_with');
    const expiry = dateInput(body, 'expires', 'the date sharing ends');
    if (parsed.success && parsed.data.decision === 'grant') {
      if (shareWith !== 'user' && shareWith !== 'organisation') addError(errors, 'share_with', 'Select who to share the record with');
      if ('error' in expiry && expiry.error) addError(errors, 'expires', expiry.error);
      else if (expiry.value && expiry.value < new Date().toISOString().slice(0, 10)) addError(errors, 'expires', 'The date sharing ends must be today or in the future');
    }
    if (parsed.success && parsed.data.decision === 'decline' && !parsed.data.decision_note) addError(errors, 'decision_note', 'Enter why you are declining, so the requester knows what to do next');
    const version = Number(formValue(body, 'version'));
    if (errors.list.length || !parsed.success) {
      const values: Record<string, string> = {};
      for (const k of ['decision', 'share_with', 'decision_note', 'expires-day', 'expires-month', 'expires-year']) values[k] = formValue(body, k).slice(0, 1000);
      return reply.code(400).render('access-requests/views/show.njk', { pageTitle: 'Access request', ...found, values, errors, labels, backLink: REQUEST_HREF });
    }
    const decision: service.Decision =
      parsed.data.decision === 'grant'
        ? { decision: 'grant', to: shareWith === 'user' ? 'user' : 'organisation', expiresAt: ('value' in expiry && expiry.value) || null, note: parsed.data.decision_note }
        : { decision: 'decline', note: parsed.data.decision_note! };
    const result = await service.decide(db, notify, actor, id, Number.isInteger(version) ? version : -1, decision);
    if (result.kind === 'not_found') throw notFound('access request');
    if (result.kind === 'forbidden') throw forbidden();
    setFlash(reply, result.kind === 'already_decided' ? 'Someone else decided this request first' : decision.decision === 'grant' ? 'The record has been shared' : 'The request has been declined');
    return reply.redirect(`/access-requests/${id}`);
  });

  app.post('/access-requests/:id/withdraw', writers, async (request, reply) => {
    const id = idParam(request.params);
    const version = Number(formValue(request.body, 'version'));
    const result = await service.withdraw(db, request.actor!, id, Number.isInteger(version) ? version : -1);
    if (result.kind === 'not_found') throw notFound('access request');
    if (result.kind === 'forbidden') throw forbidden('Only the person who asked can withdraw this request.');
    setFlash(reply, result.kind === 'ok' ? 'Your request has been withdrawn' : 'This request has already been decided');
    return reply.redirect(`/access-requests/${id}`);
  });
}
