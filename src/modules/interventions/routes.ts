// Intervention pages: choose a tier or power and give it to a person, household or business; see,
// change (with conflict detection) and share it; record breaches; and the incremental-approach
// ladder for a person, business or case.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../app.ts';
import type { Role } from '../../platform/db/schema.ts';
import { addNavigation, setFlash } from '../../platform/http/render.ts';
import { forbidden, HttpError, notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { formValue, type FormErrors } from '../../platform/http/forms.ts';
import { registerShareRoutes } from '../documents/share-routes.ts';
import { describeDuration, INSPECTOR_OR_ABOVE, kindByKey, KINDS, STAGES, STATUS_LABELS, STATUSES, SUBJECT_LABELS, type InterventionKind } from './kinds.ts';
import { addProblems, echo, parseBreachForm, parseInterventionForm, valuesFromIntervention } from './fields.ts';
import type { InterventionRow } from './repository.ts';
import * as service from './service.ts';

const WRITERS: Role[] = ['case_officer', 'coordinator', 'manager', 'partner_user', 'partnership_admin'];

const STATUS_TAGS: Record<string, string> = {
  issued: 'govuk-tag--blue',
  complied: 'govuk-tag--green',
  breached: 'govuk-tag--red',
  varied: 'govuk-tag--yellow',
  discharged: 'govuk-tag--grey',
  expired: 'govuk-tag--grey',
};

const today = () => new Date().toISOString().slice(0, 10);

/** The case and subject from a query string or form: a person, a business, or a household. */
function targetOf(source: unknown): service.Target {
  const get = (k: string) => formValue(source, k);
  const t: service.Target = { caseId: get('case') || null, personId: get('person') || null, businessId: get('business') || null, household: get('household') === '1' };
  const ids = [t.caseId, t.personId, t.businessId].filter((x): x is string => x !== null);
  if (ids.some((x) => !isUuid(x)) || (!t.personId && !t.businessId && !t.household) || (t.businessId && (t.personId || t.household))) {
    throw new HttpError(404, 'not_found', 'Give an intervention from the person, business or case it is for.');
  }
  return t;
}

const targetQuery = (t: service.Target) =>
  new URLSearchParams(Object.entries({ case: t.caseId, person: t.personId, business: t.businessId, household: t.household ? '1' : null }).filter((e): e is [string, string] => !!e[1])).toString();

/** How the form explains this kind's length and defaults. */
function hints(kind: InterventionKind) {
  return {
    expires: kind.defaultDuration ? `Leave blank for the usual length: ${describeDuration(kind.defaultDuration)}.` : kind.maxDuration ? `At most ${describeDuration(kind.maxDuration)}.` : 'Leave blank if it has no end date.',
    review: kind.defaultReview ? `Leave blank to review it after ${describeDuration(kind.defaultReview)}. You will get a reminder task.` : 'You will get a reminder task on this date.',
    indefinite: !!(kind.indefinite || kind.adult?.indefinite),
  };
}

function subjectName(s: { person: { first_name: string; last_name: string } | null; business: { name: string } | null; subjectType: string }, householdAddress?: string | null) {
  if (s.subjectType === 'person' && s.person) return `${s.person.first_name} ${s.person.last_name}`;
  if (s.subjectType === 'business' && s.business) return s.business.name;
  return householdAddress || (s.person ? `The household of ${s.person.first_name} ${s.person.last_name}` : 'A household or place');
}

export async function interventionRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  addNavigation({ text: 'Interventions', href: '/interventions' });
  const writers = { config: { roles: WRITERS } };
  const base = { kinds: KINDS, stages: STAGES, statusLabels: STATUS_LABELS, statusTags: STATUS_TAGS, statuses: STATUSES, subjectLabels: SUBJECT_LABELS, ranks: INSPECTOR_OR_ABOVE };

  const idOf = (params: unknown) => {
    const id = (params as { id?: string }).id;
    if (!isUuid(id)) throw notFound('intervention');
    return id;
  };
  const loadNew = async (actor: Parameters<typeof service.newContext>[1], t: service.Target) => {
    const ctx = await service.newContext(db, actor, t);
    if (ctx.kind === 'not_found') throw notFound('person, business or case');
    if (ctx.kind === 'forbidden') throw forbidden('You can view this case but not change it, so you cannot add an intervention to it. Ask the organisation that holds it for edit access.');
    return ctx;
  };
  const renderForm = (reply: FastifyReply, ctx: Awaited<ReturnType<typeof loadNew>>, t: service.Target, kind: InterventionKind, values: Record<string, string>, errors?: FormErrors, status = 200) =>
    reply.code(status).render('interventions/views/form.njk', {
      ...base,
      pageTitle: kind.label,
      kind,
      hint: hints(kind),
      subject: subjectName(ctx),
      caseRow: ctx.caseRow,
      target: t,
      household: ctx.subjectType === 'household',
      action: '/interventions',
      values: { household_address: ctx.subjectType === 'household' ? (ctx.person?.current_address ?? '') : '', ...values },
      errors,
      backLink: `/interventions/new?${targetQuery(t)}`,
    });

  app.get('/interventions/new', writers, async (request, reply) => {
    const t = targetOf(request.query);
    const ctx = await loadNew(request.actor!, t);
    const kind = kindByKey(formValue(request.query, 'kind'));
    const usable = KINDS.filter((k) => k.subjects.includes(ctx.subjectType));
    if (!kind || !usable.includes(kind)) {
      const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
      const usedHint = (key: string) => {
        const used = ctx.existing.filter((e) => e.kind === key).map((e) => `${dateFormat.format(new Date(`${e.issued_on}T00:00:00Z`))} (${STATUS_LABELS[e.status].toLowerCase()})`);
        return used.length ? ` Used ${used.join(', ')}.` : '';
      };
      const groups = STAGES.map((s) => ({ ...s, items: usable.filter((k) => k.stage === s.key).map((k) => ({ value: k.key, text: k.label, hint: { text: k.summary + usedHint(k.key) } })) }))
        .filter((g) => g.items.length)
        .map((g, i) => ({ ...g, idPrefix: i === 0 ? 'kind' : `kind-${g.key}` }));
      return reply.render('interventions/views/choose.njk', {
        ...base,
        pageTitle: 'Choose an intervention',
        groups,
        subject: subjectName(ctx),
        subjectType: ctx.subjectType,
        caseRow: ctx.caseRow,
        target: t,
        existing: ctx.existing,
        unknown: formValue(request.query, 'kind') !== '',
        backLink: t.caseId ? `/cases/${t.caseId}` : t.personId ? `/people/${t.personId}` : t.businessId ? `/businesses/${t.businessId}` : '/interventions',
      });
    }
    return renderForm(reply, ctx, t, kind, { 'issued_on-day': '', 'issued_on-month': '', 'issued_on-year': '' });
  });

  app.post('/interventions', writers, async (request, reply) => {
    const actor = request.actor!;
    const t = targetOf(request.body);
    const kind = kindByKey(formValue(request.body, 'kind'));
    if (!kind) throw notFound('kind of intervention');
    const ctx = await loadNew(actor, t);
    const form = parseInterventionForm(request.body, kind, { withStatus: false, household: ctx.subjectType === 'household' });
    if (!form.input) return renderForm(reply, ctx, t, kind, form.values, addProblems(form.errors, []), 400);
    const result = await service.createIntervention(db, actor, t, kind.key, form.input, form.text, today());
    if (result.kind === 'not_found') throw notFound('person, business or case');
    if (result.kind === 'forbidden') throw forbidden();
    if (result.kind === 'invalid') return renderForm(reply, ctx, t, kind, form.values, addProblems(form.errors, result.problems), 400);
    setFlash(reply, `${kind.label} has been recorded`);
    return reply.redirect(`/interventions/${result.id}`);
  });

  app.get('/interventions', async (request, reply) => {
    const q = request.query;
    const filter: { personId?: string; caseId?: string; businessId?: string } = {};
    for (const [param, key] of [['person', 'personId'], ['case', 'caseId'], ['business', 'businessId']] as const) {
      const v = formValue(q, param);
      if (v && !isUuid(v)) throw notFound('person, business or case');
      if (v) filter[key] = v;
    }
    const found = await service.ladder(db, request.actor!, filter);
    if (!found) throw notFound('person, business or case');
    const about = found.person ? `${found.person.first_name} ${found.person.last_name}` : found.business?.name ?? (found.caseRow ? `Case ${found.caseRow.reference}` : null);
    const used = new Map<string, typeof found.rows>();
    for (const r of found.rows) used.set(r.kind, [...(used.get(r.kind) ?? []), r]);
    const highest = Math.max(0, ...found.rows.map((r) => kindByKey(r.kind)?.tier ?? 0));
    const ladder = STAGES.map((s) => ({ ...s, kinds: KINDS.filter((k) => k.stage === s.key).map((k) => ({ ...k, used: (used.get(k.key) ?? []).slice().reverse(), highest: k.tier === highest })) }));
    const newLink = found.person ? `/interventions/new?person=${found.person.id}` : found.business ? `/interventions/new?business=${found.business.id}` : null;
    return reply.render('interventions/views/ladder.njk', {
      ...base,
      pageTitle: about ? `Incremental approach: ${about}` : 'Interventions',
      about,
      ladder,
      rows: found.rows,
      kindLabel: Object.fromEntries(KINDS.map((k) => [k.key, k.label])),
      newLink,
      filtered: Object.keys(filter).length > 0,
    });
  });

  app.get('/interventions/:id', async (request, reply) => {
    const id = idOf(request.params);
    const found = await service.viewIntervention(db, request.actor!, id);
    if (!found) throw notFound('intervention');
    const v = found.intervention;
    const kind = kindByKey(v.kind);
    return reply.render('interventions/views/show.njk', {
      ...base,
      ...found,
      pageTitle: kind?.label ?? v.kind,
      kind,
      subject: v.subject_type === 'person' ? (v.first_name ? `${v.first_name} ${v.last_name}` : 'A person you cannot see') : v.subject_type === 'business' ? (v.business_name ?? 'A business you cannot see') : v.household_address,
      shareBase: `/interventions/${id}`,
      what: 'intervention',
      ownerName: v.owner_name,
      backLink: v.case_id ? `/cases/${v.case_id}` : v.person_id ? `/interventions?person=${v.person_id}` : '/interventions',
    });
  });

  const editPage = (reply: FastifyReply, found: { intervention: InterventionRow }, values: Record<string, string>, errors?: FormErrors, status = 200) => {
    const iv = found.intervention;
    const kind = kindByKey(iv.kind)!;
    return reply.code(status).render('interventions/views/form.njk', {
      ...base,
      pageTitle: `Change ${kind.label}`,
      kind,
      hint: hints(kind),
      subject: iv.subject_type === 'person' ? `${iv.first_name ?? ''} ${iv.last_name ?? ''}`.trim() : (iv.business_name ?? iv.household_address),
      caseRow: iv.case_id ? { reference: iv.case_reference } : null,
      household: iv.subject_type === 'household',
      editing: true,
      version: iv.version,
      action: `/interventions/${iv.id}/edit`,
      values,
      errors,
      backLink: `/interventions/${iv.id}`,
    });
  };

  app.get('/interventions/:id/edit', writers, async (request, reply) => {
    const id = idOf(request.params);
    const found = await service.interventionForEdit(db, request.actor!, id);
    if (!found) throw notFound('intervention');
    if (!found.canEdit) throw forbidden('You can view this intervention but not change it. Ask the organisation that holds it for edit access.');
    if (!kindByKey(found.intervention.kind)) throw notFound('kind of intervention');
    return editPage(reply, found, valuesFromIntervention(found.intervention));
  });

  app.post('/interventions/:id/edit', writers, async (request, reply) => {
    const id = idOf(request.params);
    const actor = request.actor!;
    const found = await service.interventionForEdit(db, actor, id);
    if (!found) throw notFound('intervention');
    if (!found.canEdit) throw forbidden('You can view this intervention but not change it. Ask the organisation that holds it for edit access.');
    const kind = kindByKey(found.intervention.kind);
    if (!kind) throw notFound('kind of intervention');
    const v = formValue(request.body, 'version');
    const version = /^\d{1,9}$/.test(v) ? Number(v) : -1;
    const form = parseInterventionForm(request.body, kind, { withStatus: true, household: found.intervention.subject_type === 'household' });
    const withVersion = { ...found, intervention: { ...found.intervention, version } };
    if (!form.input) return editPage(reply, withVersion, form.values, addProblems(form.errors, []), 400);
    const result = await service.updateIntervention(db, actor, id, version, form.input, form.text, today());
    if (result.kind === 'not_found') throw notFound('intervention');
    if (result.kind === 'forbidden') throw forbidden();
    if (result.kind === 'invalid') return editPage(reply, withVersion, form.values, addProblems(form.errors, result.problems), 400);
    if (result.kind === 'conflict') {
      // Show both versions: what is saved now and what this user typed, so nothing is lost.
      return reply.code(409).render('interventions/views/conflict.njk', {
        ...base,
        pageTitle: 'Someone else changed this intervention',
        kind,
        current: result.current,
        yours: { ...form.input, ...form.text },
        values: echo(request.body),
        version: result.current.version,
        action: `/interventions/${id}/edit`,
      });
    }
    setFlash(reply, 'The changes have been saved');
    return reply.redirect(`/interventions/${id}`);
  });

  const breachPage = (reply: FastifyReply, iv: { id: string; kind: string }, values: Record<string, string>, errors?: FormErrors, status = 200) =>
    reply.code(status).render('interventions/views/breach.njk', {
      pageTitle: 'Record a breach',
      kindLabel: kindByKey(iv.kind)?.label ?? iv.kind,
      action: `/interventions/${iv.id}/breaches`,
      values,
      errors,
      backLink: `/interventions/${iv.id}`,
    });

  const breachable = async (actor: Parameters<typeof service.breachContext>[1], id: string) => {
    const found = await service.breachContext(db, actor, id);
    if (!found) throw notFound('intervention');
    if (!found.canEdit) throw forbidden('You can view this intervention but not change it. Ask the organisation that holds it for edit access.');
    return found.intervention;
  };

  app.get('/interventions/:id/breaches/new', writers, async (request, reply) => breachPage(reply, await breachable(request.actor!, idOf(request.params)), {}));

  app.post('/interventions/:id/breaches', writers, async (request, reply) => {
    const id = idOf(request.params);
    const actor = request.actor!;
    const iv = await breachable(actor, id);
    const form = parseBreachForm(request.body, iv.issued_on, today());
    if (!form.breach) return breachPage(reply, iv, form.values, form.errors, 400);
    const result = await service.recordBreach(db, actor, id, form.breach);
    if (result.kind === 'not_found') throw notFound('intervention');
    if (result.kind === 'forbidden') throw forbidden();
    setFlash(reply, 'The breach has been recorded and the status is now Breached');
    return reply.redirect(`/interventions/${id}`);
  });

  registerShareRoutes(app, db, { recordType: service.RECORD_TYPE, base: '/interventions', what: 'intervention', roles: WRITERS, find: service.shareable });
}
