// Referral pages: the queues (received and sent, filtered by status, with the number waiting in the
// navigation), making a referral from a person, incident or case page (choose a type; the type's form,
// consent and records to share; check answers; send), one referral with its steps, and the timings
// report with its CSV. The referral types' administration is in admin-routes.ts.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../app.ts';
import type { Actor } from '../../platform/http/context.ts';
import type { ReferralRecordType, ReferralStatus, Role } from '../../platform/db/schema.ts';
import { addNavigation, setFlash } from '../../platform/http/render.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import { dateInput, isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, formValues, type FormErrors } from '../../platform/http/forms.ts';
import { WRITERS } from '../people/routes.ts';
import { answerName, answerText } from './form.ts';
import { CONSENTS, LAWFUL_BASES, STATUSES, STATUS_NAMES, labels } from './labels.ts';
import { adminReferralTypeRoutes } from './admin-routes.ts';
import * as service from './service.ts';

const HREF = '/referrals';
const SKIP_BADGE = ['/api/', '/javascripts/', '/stylesheets/', '/assets/', '/health', '/ready'];
export const TIMING_ROLES: Role[] = [...WRITERS, 'analyst'];

const FROM_PATH: Record<ReferralRecordType, string> = { person: '/people/', incident: '/incidents/', case: '/cases/' };

function subjectOf(source: unknown): { from: ReferralRecordType; id: string } {
  const from = formValue(source, 'from');
  const id = formValue(source, 'id');
  if (!(service.RECORD_TYPES as readonly string[]).includes(from) || !isUuid(id)) throw notFound('record');
  return { from: from as ReferralRecordType, id };
}

const londonToday = () => new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/London' });

export async function referralRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const writers = { config: { roles: [...WRITERS] } };
  const timingReaders = { config: { roles: TIMING_ROLES } };
  addNavigation({ text: 'Referrals', href: HREF, roles: [...WRITERS] });
  await adminReferralTypeRoutes(app, deps);

  // The navigation's count of referrals waiting for the organisation's decision.
  app.addHook('preHandler', async (request) => {
    const actor = request.actor;
    const route = request.routeOptions.url;
    if (request.method !== 'GET' || !actor || !route || SKIP_BADGE.some((p) => route.startsWith(p))) return;
    if (!actor.roles.some((r) => (WRITERS as readonly string[]).includes(r))) return;
    const count = await service.waitingCount(db, actor);
    request.navBadges = { ...request.navBadges, [HREF]: { count, label: count === 1 ? 'referral waiting for a decision' : 'referrals waiting for a decision' } };
  });

  const idParam = (params: unknown) => {
    const id = (params as { id?: string }).id;
    if (!isUuid(id)) throw notFound('referral');
    return id;
  };

  // ---- Queues -----------------------------------------------------------------------------------

  app.get(HREF, writers, async (request, reply) => {
    const s = formValue(request.query, 'status');
    const status = (STATUSES as readonly string[]).includes(s) ? (s as ReferralStatus) : null;
    const lists = await service.queues(db, request.actor!, status);
    return reply.render('referrals/views/list.njk', {
      pageTitle: 'Referrals',
      ...lists,
      status,
      statusItems: [{ value: '', text: 'Any status' }, ...STATUSES.map((v) => ({ value: v, text: STATUS_NAMES[v], selected: v === status }))],
      labels,
    });
  });

  // ---- Making a referral ------------------------------------------------------------------------

  app.get(`${HREF}/new`, writers, async (request, reply) => {
    const { from, id } = subjectOf(request.query);
    const found = await service.start(db, request.actor!, from, id);
    if (!found) throw notFound('record');
    const chosen = formValue(request.query, 'type');
    const errors = formValue(request.query, 'chosen') && !found.types.some((t) => t.id === chosen) ? addError(emptyErrors(), 'type', 'Select the kind of referral') : undefined;
    return reply.code(errors ? 400 : 200).render('referrals/views/choose-type.njk', {
      pageTitle: 'Refer to another agency',
      ...found,
      from,
      id,
      errors,
      labels,
      backLink: FROM_PATH[from] + id,
    });
  });

  const renderForm = (reply: FastifyReply, ctx: service.SendContext, from: ReferralRecordType, id: string, values: Record<string, string | string[]>, errors?: FormErrors, status = 200) =>
    reply.code(status).render('referrals/views/form.njk', {
      pageTitle: ctx.type.name,
      ...ctx,
      from,
      id,
      values,
      errors,
      answerName,
      consents: CONSENTS,
      lawfulBases: LAWFUL_BASES,
      labels,
      backLink: `${HREF}/new?from=${from}&id=${id}`,
    });

  app.get(`${HREF}/new/details`, writers, async (request, reply) => {
    const { from, id } = subjectOf(request.query);
    const typeId = formValue(request.query, 'type');
    if (!isUuid(typeId)) return reply.redirect(`${HREF}/new?from=${from}&id=${id}&chosen=1`);
    const ctx = await service.sendContext(db, request.actor!, from, id, typeId);
    if (!ctx) throw notFound('referral type');
    // The record the referral starts from is offered ticked, if the organisation may share it.
    return renderForm(reply, ctx, from, id, { share: ctx.subject.owned ? [`${ctx.subject.type}:${ctx.subject.id}`] : [] });
  });

  /** What the check page carries forward in hidden fields: the form as posted, nothing else. */
  const carried = (body: unknown) => {
    const keys = Object.keys((body ?? {}) as Record<string, unknown>).filter((k) => /^(to_organisation|consent|lawful_basis|lawful_basis_reason|share|f_[a-z0-9_]{1,40}(-day|-month|-year)?)$/.test(k));
    return keys.flatMap((k) => formValues(body, k).slice(0, 100).map((v) => ({ name: k, value: v.slice(0, 4000) })));
  };

  app.post(`${HREF}/check`, writers, async (request, reply) => {
    const { from, id } = subjectOf(request.body);
    const typeId = formValue(request.body, 'type');
    if (!isUuid(typeId)) throw notFound('referral type');
    const ctx = await service.sendContext(db, request.actor!, from, id, typeId);
    if (!ctx) throw notFound('referral type');
    const { input, values, errors } = service.readSendForm(ctx, request.body);
    if (!input) return renderForm(reply, ctx, from, id, values, errors, 400);
    return reply.render('referrals/views/check.njk', {
      pageTitle: 'Check your referral before sending it',
      ...ctx,
      from,
      id,
      input,
      hidden: carried(request.body),
      answers: ctx.type.fields.map((f) => ({ field: f, text: answerText(f, input.answers[f.key]) })),
      destination: ctx.destinations.find((d) => d.id === input.toOrganisationId)!,
      shared: ctx.candidates.filter((c) => input.share.some((s) => s.type === c.type && s.id === c.id)),
      labels,
    });
  });

  app.post(HREF, writers, async (request, reply) => {
    const { from, id } = subjectOf(request.body);
    const typeId = formValue(request.body, 'type');
    if (!isUuid(typeId)) throw notFound('referral type');
    if (formValue(request.body, 'action') === 'change') {
      const ctx = await service.sendContext(db, request.actor!, from, id, typeId);
      if (!ctx) throw notFound('referral type');
      return renderForm(reply, ctx, from, id, service.readSendForm(ctx, request.body).values);
    }
    const result = await service.send(db, request.actor!, from, id, typeId, request.body);
    if (result.kind === 'not_found') throw notFound('referral type');
    if (result.kind === 'invalid') return renderForm(reply, result.ctx, from, id, result.values, result.errors, 400);
    setFlash(reply, `Referral ${result.reference} sent`);
    return reply.redirect(`${HREF}/${result.id}`);
  });

  // ---- Timings --------------------------------------------------------------------------------------

  const period = (query: unknown) => {
    const errors = emptyErrors();
    const today = londonToday();
    const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
    const f = dateInput(query, 'from', 'the start date');
    const t = dateInput(query, 'to', 'the end date');
    if ('error' in f && f.error) addError(errors, 'from', f.error);
    if ('error' in t && t.error) addError(errors, 'to', t.error);
    let from = ('value' in f && f.value) || yearAgo;
    let to = ('value' in t && t.value) || today;
    if (!errors.list.length && from > to) addError(errors, 'to', 'The end date must be the same as or after the start date');
    if (errors.list.length) {
      from = yearAgo;
      to = today;
    }
    const values: Record<string, string> = {};
    for (const k of ['from-day', 'from-month', 'from-year', 'to-day', 'to-month', 'to-year']) values[k] = formValue(query, k).slice(0, 4);
    if (!Object.values(values).some(Boolean)) {
      const [fy, fm, fd] = from.split('-');
      const [ty, tm, td] = to.split('-');
      Object.assign(values, { 'from-day': String(Number(fd)), 'from-month': String(Number(fm)), 'from-year': fy, 'to-day': String(Number(td)), 'to-month': String(Number(tm)), 'to-year': ty });
    }
    return { from, to, errors, values };
  };

  app.get(`${HREF}/timings`, timingReaders, async (request, reply) => {
    const p = period(request.query);
    const report = await service.timings(db, request.actor!, p.from, p.to, 'view');
    const qs = new URLSearchParams(Object.entries(p.values)).toString();
    return reply.code(p.errors.list.length ? 400 : 200).render('referrals/views/timings.njk', {
      pageTitle: 'Referral timings',
      report,
      period: p,
      errors: p.errors.list.length ? p.errors : undefined,
      statuses: STATUSES,
      csvHref: `${HREF}/timings.csv?${qs}`,
      labels,
      backLink: request.actor!.roles.some((r) => (WRITERS as readonly string[]).includes(r)) ? HREF : undefined,
    });
  });

  app.get(`${HREF}/timings.csv`, timingReaders, async (request, reply) => {
    const p = period(request.query);
    const report = await service.timings(db, request.actor!, p.from, p.to, 'export');
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="referral-timings-${p.from}-to-${p.to}.csv"`)
      .send(service.timingsCsv(report, STATUS_NAMES));
  });

  // ---- One referral ---------------------------------------------------------------------------------

  const show = async (reply: FastifyReply, actor: Actor, id: string, values: Record<string, string> = {}, errors?: FormErrors, status = 200) => {
    const found = await service.view(db, actor, id);
    if (!found) throw notFound('referral');
    const r = found.referral;
    return reply.code(status).render('referrals/views/show.njk', {
      pageTitle: `Referral ${r.reference}`,
      ...found,
      answers: r.form.map((f) => ({ field: f, text: answerText(f, r.answers[f.key]) })),
      values,
      errors,
      labels,
      recordPath: FROM_PATH,
      backLink: HREF,
    });
  };

  app.get(`${HREF}/:id`, writers, async (request, reply) => show(reply, request.actor!, idParam(request.params)));

  const stepRoute = (path: string, build: (body: unknown, actor: Actor, errors: FormErrors) => Parameters<typeof service.step>[4] | null, done: string) =>
    app.post(`${HREF}/:id/${path}`, writers, async (request, reply) => {
      const id = idParam(request.params);
      const actor = request.actor!;
      const errors = emptyErrors();
      const s = build(request.body, actor, errors);
      if (!s) {
        const values: Record<string, string> = {};
        for (const k of ['decision', 'decline_reason', 'outcome', 'withdraw_reason']) values[k] = formValue(request.body, k).slice(0, 4000);
        return show(reply, actor, id, values, errors, 400);
      }
      const v = formValue(request.body, 'version');
      const result = await service.step(db, actor, id, /^\d{1,9}$/.test(v) ? Number(v) : -1, s);
      if (result.kind === 'not_found') throw notFound('referral');
      if (result.kind === 'forbidden') throw forbidden(path === 'withdraw' ? 'Only the organisation that sent this referral can withdraw it.' : 'Only the organisation this referral was sent to can do that.');
      setFlash(reply, result.kind === 'ok' ? done.replace('%s', s.status) : 'Someone else changed this referral first: here it is as it is now');
      return reply.redirect(`${HREF}/${id}`);
    });

  const text = (body: unknown, key: string, errors: FormErrors, empty: string, max: number, tooLong: string) => {
    const v = formValue(body, key).trim();
    if (!v) addError(errors, key, empty);
    else if (v.length > max) addError(errors, key, tooLong);
    return v;
  };

  stepRoute(
    'decide',
    (body, actor, errors) => {
      const d = formValue(body, 'decision');
      if (d === 'accept') return { status: 'accepted', userId: actor.userId };
      if (d !== 'decline') {
        addError(errors, 'decision', 'Select whether you accept or decline this referral');
        return null;
      }
      const reason = text(body, 'decline_reason', errors, 'Enter why you are declining this referral', 2000, 'Why you are declining must be 2,000 characters or fewer');
      return errors.list.length ? null : { status: 'declined', userId: actor.userId, reason };
    },
    'Referral %s',
  );
  stepRoute(
    'complete',
    (body, actor, errors) => {
      const outcome = text(body, 'outcome', errors, 'Enter the outcome of this referral', 4000, 'The outcome must be 4,000 characters or fewer');
      return errors.list.length ? null : { status: 'completed', userId: actor.userId, outcome };
    },
    'Referral %s',
  );
  stepRoute(
    'withdraw',
    (body, actor, errors) => {
      const reason = formValue(body, 'withdraw_reason').trim();
      if (reason.length > 2000) {
        addError(errors, 'withdraw_reason', 'Why you are withdrawing must be 2,000 characters or fewer');
        return null;
      }
      return { status: 'withdrawn', userId: actor.userId, reason: reason || null };
    },
    'Referral %s',
  );
}
