// Case Review pages: the list of reviews (overdue first), the coordinator's list of alerts and
// dismissing one, recording an application, a review's own page and sharing it. Each stage's form is
// in stage-routes.ts; the partnership's threshold and timescales in admin-routes.ts.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../app.ts';
import { addNavigation, setFlash } from '../../platform/http/render.ts';
import { notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, type FormErrors } from '../../platform/http/forms.ts';
import { parseShareForm } from '../incidents/share-form.ts';
import { ALERT_FILTERS, REVIEW_FILTERS, type AlertFilter, type ReviewFilter } from './labels.ts';
import { parseApplication, parseDismissal, versionOf } from './fields.ts';
import { WRITERS, canWrite, dateFields, idParam, labels, pageOf, pick } from './http.ts';
import { caseReviewStageRoutes } from './stage-routes.ts';
import { caseReviewAdminRoutes } from './admin-routes.ts';
import { todayInLondon } from './working-days.ts';
import * as service from './service.ts';

export async function caseReviewRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  addNavigation({ text: 'Case Reviews', href: '/case-reviews', roles: ['coordinator', 'manager', 'case_officer', 'partner_user'] });

  // --- the list of reviews ------------------------------------------------------------------------

  app.get('/case-reviews', async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const filter = pick<ReviewFilter>(q.status, REVIEW_FILTERS, 'open');
    const page = pageOf(q);
    const result = await service.listReviews(db, request.actor!, filter, page);
    const href = (extra: Record<string, string>) => `/case-reviews?${new URLSearchParams({ status: filter, ...extra })}`;
    return reply.render('case-reviews/views/list.njk', {
      pageTitle: 'Case Reviews',
      labels,
      filter,
      ...result,
      tabs: REVIEW_FILTERS.map((f) => ({ text: labels.reviewFilter[f], href: `/case-reviews?status=${f}`, active: f === filter })),
      previousHref: page > 1 ? href({ page: String(page - 1) }) : null,
      nextHref: result.hasMore ? href({ page: String(page + 1) }) : null,
    });
  });

  // --- alerts -------------------------------------------------------------------------------------

  app.get('/case-reviews/alerts', async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const filter = pick<AlertFilter>(q.status, ALERT_FILTERS, 'open');
    const page = pageOf(q);
    const result = await service.listAlerts(db, request.actor!, filter, page);
    const href = (extra: Record<string, string>) => `/case-reviews/alerts?${new URLSearchParams({ status: filter, ...extra })}`;
    return reply.render('case-reviews/views/alerts.njk', {
      pageTitle: 'Case Review alerts',
      labels,
      filter,
      ...result,
      canWrite: canWrite(request.actor!.roles),
      tabs: ALERT_FILTERS.map((f) => ({ text: labels.alertFilter[f], href: `/case-reviews/alerts?status=${f}`, active: f === filter })),
      previousHref: page > 1 ? href({ page: String(page - 1) }) : null,
      nextHref: result.hasMore ? href({ page: String(page + 1) }) : null,
    });
  });

  const dismissPage = (reply: FastifyReply, alert: NonNullable<Awaited<ReturnType<typeof service.alertForDismissal>>>, context: Record<string, unknown>, status = 200) =>
    reply.code(status).render('case-reviews/views/dismiss.njk', {
      pageTitle: 'Dismiss a Case Review alert',
      labels,
      alert,
      version: alert.version,
      values: {},
      backLink: '/case-reviews/alerts',
      ...context,
    });

  app.get('/case-reviews/alerts/:id/dismiss', WRITERS, async (request, reply) => {
    const alert = await service.alertForDismissal(db, request.actor!, idParam(request.params, 'id', 'alert'));
    if (!alert) throw notFound('alert');
    return dismissPage(reply, alert, { closed: alert.status !== 'open' });
  });

  app.post('/case-reviews/alerts/:id/dismiss', WRITERS, async (request, reply) => {
    const id = idParam(request.params, 'id', 'alert');
    const { reason, errors, values } = parseDismissal(request.body);
    if (!reason) {
      const alert = await service.alertForDismissal(db, request.actor!, id);
      if (!alert) throw notFound('alert');
      return dismissPage(reply, alert, { errors, values, version: versionOf(request.body), closed: alert.status !== 'open' }, 400);
    }
    const result = await service.dismissAlert(db, request.actor!, id, versionOf(request.body), reason);
    if (result.kind === 'not_found') throw notFound('alert');
    if (result.kind === 'not_open' || result.kind === 'conflict') {
      const message =
        result.kind === 'not_open'
          ? 'Someone has already dealt with this alert: it is no longer open. Nothing has been changed.'
          : 'Someone else changed this alert while you were working on it. Your reason is still below: check it, then dismiss again.';
      return dismissPage(reply, result.alert, { errors: addError(emptyErrors(), 'reason', message), values, closed: result.alert.status !== 'open' }, 409);
    }
    setFlash(reply, 'The alert has been dismissed');
    return reply.redirect('/case-reviews/alerts');
  });

  // --- recording an application -------------------------------------------------------------------

  const applicationPage = (
    reply: FastifyReply,
    form: NonNullable<Awaited<ReturnType<typeof service.applicationForm>>>,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) =>
    reply.code(errors ? 400 : 200).render('case-reviews/views/application.njk', {
      pageTitle: 'Record a Case Review application',
      labels,
      creating: true,
      action: '/case-reviews',
      person: form.person,
      alert: form.alert,
      incidents: form.incidents,
      settings: form.settings,
      hidden: 0,
      values,
      errors,
      backLink: form.alert ? '/case-reviews/alerts' : `/people/${form.person.id}`,
    });

  app.get('/case-reviews/new', WRITERS, async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const form = await service.applicationForm(db, request.actor!, {
      personId: isUuid(q.person) ? q.person.toLowerCase() : null,
      alertId: isUuid(q.alert) ? q.alert.toLowerCase() : null,
    });
    if (!form) throw notFound('person');
    return applicationPage(reply, form, {
      applicant_kind: 'victim',
      incident_ids: form.preselected,
      ...dateFields('received', todayInLondon()),
    });
  });

  app.post('/case-reviews', WRITERS, async (request, reply) => {
    const personRaw = formValue(request.body, 'person_id');
    const alertRaw = formValue(request.body, 'alert_id');
    const personId = isUuid(personRaw) ? personRaw.toLowerCase() : null;
    const alertId = isUuid(alertRaw) ? alertRaw.toLowerCase() : null;
    const form = personId ? await service.applicationForm(db, request.actor!, { personId, alertId }) : null;
    if (!form || !personId) throw notFound('person');
    const { fields, errors, values } = parseApplication(request.body, { today: todayInLondon(), incidentIds: form.incidents.map((i) => i.id) });
    if (!fields) return applicationPage(reply, form, values, errors);
    const created = await service.createReview(db, request.actor!, personId, form.alert?.id ?? null, fields);
    if (created.kind === 'not_found') throw notFound('person');
    setFlash(reply, `Case Review ${created.reference} has been recorded`);
    return reply.redirect(`/case-reviews/${created.id}`);
  });

  // --- a review's page ----------------------------------------------------------------------------

  app.get('/case-reviews/:id', async (request, reply) => {
    const found = await service.viewReview(db, request.actor!, idParam(request.params));
    if (!found) throw notFound('Case Review');
    const r = found.review;
    return reply.render('case-reviews/views/show.njk', {
      pageTitle: `Case Review ${r.reference}`,
      labels,
      ...found,
      canChange: found.access.edit && canWrite(request.actor!.roles),
      backLink: '/case-reviews',
    });
  });

  // --- sharing ------------------------------------------------------------------------------------

  const shareCtx = (r: { id: string; reference: string }) => ({
    pageTitle: 'Share this Case Review',
    recordCaption: `Case Review ${r.reference}`,
    action: `/case-reviews/${r.id}/share`,
    backLink: `/case-reviews/${r.id}#sharing`,
  });

  app.get('/case-reviews/:id/share', WRITERS, async (request, reply) => {
    const options = await service.sharingOptions(db, request.actor!, idParam(request.params));
    if (!options) throw notFound('Case Review');
    return reply.render('incidents/views/share.njk', { ...shareCtx(options.review), targets: options.targets, values: {} });
  });

  app.post('/case-reviews/:id/share', WRITERS, async (request, reply) => {
    const id = idParam(request.params);
    const options = await service.sharingOptions(db, request.actor!, id);
    if (!options) throw notFound('Case Review');
    const { share, errors, values } = parseShareForm(request.body, options.targets, todayInLondon());
    if (!share) return reply.code(400).render('incidents/views/share.njk', { ...shareCtx(options.review), targets: options.targets, values, errors });
    await service.shareReview(db, request.actor!, { ...share, recordId: id });
    setFlash(reply, 'The Case Review has been shared');
    return reply.redirect(`/case-reviews/${id}#sharing`);
  });

  app.post('/case-reviews/:id/shares/:shareId/revoke', WRITERS, async (request, reply) => {
    const id = idParam(request.params);
    const shareId = idParam(request.params, 'shareId', 'share');
    const ok = await service.unshareReview(db, request.actor!, id, shareId);
    if (!ok) throw notFound('share');
    setFlash(reply, 'Sharing has been stopped');
    return reply.redirect(`/case-reviews/${id}#sharing`);
  });

  await caseReviewStageRoutes(app, deps);
  await caseReviewAdminRoutes(app, deps);
}
