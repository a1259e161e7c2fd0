// Risk assessment pages: choose a questionnaire, answer it for a person in a case or incident, see the
// scored result and the person's history, and share an assessment.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';
import type { Role } from '../../platform/db/schema.ts';
import { setFlash } from '../../platform/http/render.ts';
import { forbidden, HttpError, notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { formValue } from '../../platform/http/forms.ts';
import { registerShareRoutes } from '../documents/share-routes.ts';
import { bandLabel, type Definition } from './definition.ts';
import { parseAssessmentForm, parseTarget, problemsToErrors } from './fields.ts';
import * as service from './service.ts';

const WRITERS: Role[] = ['case_officer', 'coordinator', 'manager', 'partner_user', 'partnership_admin'];

const TAGS = { high: 'govuk-tag--red', medium: 'govuk-tag--orange', standard: 'govuk-tag--green' };

const cannotChange = (what: 'case' | 'incident') =>
  forbidden(`You can view this ${what} but not change it, so you cannot add a risk assessment to it. Ask the organisation that holds it for edit access.`);

/** Where the user came from, for the back link: the case, the incident or the person. */
function backTo(target: { personId: string; caseId: string | null; incidentId: string | null }) {
  return target.caseId ? `/cases/${target.caseId}` : target.incidentId ? `/incidents/${target.incidentId}` : `/people/${target.personId}`;
}

/** The questionnaire's sections with its questions numbered straight through, as on a paper form. */
function numbered(def: Definition) {
  let n = 0;
  return def.sections.map((s) => ({ ...s, questions: s.questions.map((q) => ({ ...q, number: ++n })) }));
}

export async function riskRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const writers = { config: { roles: WRITERS } };

  app.get('/risk/new', writers, async (request, reply) => {
    const target = parseTarget(request.query);
    if (!target) throw new HttpError(404, 'not_found', 'Start a risk assessment from a person on a case or an incident.');
    const questionnaire = formValue(request.query, 'questionnaire').slice(0, 40) || null;
    const ctx = await service.formContext(db, request.actor!, target, questionnaire);
    if (ctx.kind === 'not_found') throw notFound('person, case or incident');
    if (ctx.kind === 'forbidden') throw cannotChange(ctx.what);
    const base = { target, ...ctx, backLink: backTo(target), tags: TAGS };
    if (!ctx.questionnaire) {
      return reply.render('risk/views/choose.njk', { ...base, pageTitle: 'Choose a risk assessment', unknown: !!questionnaire });
    }
    return reply.render('risk/views/form.njk', { ...base, pageTitle: ctx.questionnaire.name, sections: numbered(ctx.questionnaire.definition), values: {} });
  });

  app.post('/risk', writers, async (request, reply) => {
    const actor = request.actor!;
    const target = parseTarget(request.body);
    const questionnaireId = formValue(request.body, 'questionnaire');
    if (!target || !isUuid(questionnaireId)) throw notFound('risk assessment form');
    const ctx = await service.formContext(db, actor, target, questionnaireId);
    if (ctx.kind === 'not_found' || (ctx.kind === 'ok' && !ctx.questionnaire)) throw notFound('person, case or incident');
    if (ctx.kind === 'forbidden') throw cannotChange(ctx.what);
    const def = ctx.questionnaire!.definition;
    const form = parseAssessmentForm(request.body, def);
    const again = (errors: typeof form.errors) =>
      reply.code(400).render('risk/views/form.njk', { target, ...ctx, pageTitle: ctx.questionnaire!.name, sections: numbered(def), values: form.values, errors, backLink: backTo(target), tags: TAGS });
    if (form.errors.list.length) return again(form.errors);
    const result = await service.createAssessment(db, actor, {
      ...target,
      questionnaireId,
      answers: form.answers,
      overrideBand: form.overrideBand,
      overrideRationale: form.overrideRationale,
    });
    if (result.kind === 'not_found') throw notFound('person, case or incident');
    if (result.kind === 'forbidden') throw cannotChange(result.what);
    if (result.kind === 'invalid') return again(problemsToErrors(form.errors, result.problems, def));
    setFlash(reply, 'The risk assessment has been saved');
    return reply.redirect(`/risk/${result.id}`);
  });

  app.get('/risk', async (request, reply) => {
    const q = request.query;
    const filter: { personId?: string; caseId?: string; incidentId?: string } = {};
    for (const [param, key] of [['person', 'personId'], ['case', 'caseId'], ['incident', 'incidentId']] as const) {
      const v = formValue(q, param);
      if (v && !isUuid(v)) throw notFound('person, case or incident');
      if (v) filter[key] = v;
    }
    const result = await service.listAssessments(db, request.actor!, filter);
    const about = result.person ? `${result.person.first_name} ${result.person.last_name}` : result.caseRow?.reference ?? result.incident?.reference ?? null;
    return reply.render('risk/views/list.njk', { pageTitle: about ? `Risk history: ${about}` : 'Risk assessments', about, ...result, tags: TAGS });
  });

  app.get('/risk/:id', async (request, reply) => {
    const id = (request.params as { id?: string }).id;
    if (!isUuid(id)) throw notFound('risk assessment');
    const found = await service.viewAssessment(db, request.actor!, id);
    if (!found) throw notFound('risk assessment');
    const { assessment: a, definition } = found;
    const answers = (a.answers ?? {}) as Record<string, string>;
    const labels = Object.fromEntries(definition.answerOptions.map((o) => [o.value, o.label]));
    const sections = definition.sections.map((s) => ({ ...s, rows: s.questions.map((q) => ({ ...q, answer: answers[q.key] ? labels[answers[q.key]!] ?? answers[q.key] : 'Not asked' })) }));
    const band = (b: 'standard' | 'medium' | 'high' | null) => (b ? bandLabel(definition, b) : null);
    return reply.render('risk/views/show.njk', {
      pageTitle: a.questionnaire_name,
      ...found,
      sections,
      bandNames: { computed: band(a.computed_band), override: band(a.override_band), final: band(a.final_band) },
      guidance: definition.bands.find((b) => b.band === a.final_band)?.guidance ?? null,
      protectedBand: definition.judgement.protectedBands.includes(a.computed_band),
      screenedOut: definition.sections.some((s) => s.screening) && !definition.sections.filter((s) => !s.screening).some((s) => s.questions.some((q) => answers[q.key])),
      tags: TAGS,
      shareBase: `/risk/${id}`,
      what: 'risk assessment',
      ownerName: a.owner_name,
      backLink: a.case_id ? `/cases/${a.case_id}` : `/risk?person=${a.person_id}`,
    });
  });

  registerShareRoutes(app, db, { recordType: service.RECORD_TYPE, base: '/risk', what: 'risk assessment', roles: WRITERS, find: service.shareable });
}
