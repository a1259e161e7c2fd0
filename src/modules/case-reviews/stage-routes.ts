// One form per stage of a Case Review (the application's details, the threshold decision, the review
// meeting, recommendations, the response to the applicant, escalation and closure). Every form works
// without JavaScript, shows GOV.UK errors with what was typed, and refuses to overwrite a change
// someone else saved since the form was opened.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../app.ts';
import type { Actor } from '../../platform/http/context.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { setFlash } from '../../platform/http/render.ts';
import { HttpError, forbidden, notFound } from '../../platform/http/errors.ts';
import { addError, emptyErrors, type FormErrors } from '../../platform/http/forms.ts';
import {
  parseApplication,
  parseClosure,
  parseDecision,
  parseEscalation,
  parseMeeting,
  parseRecommendation,
  parseResponse,
  versionOf,
} from './fields.ts';
import { WRITERS, dateFields, idParam, labels } from './http.ts';
import { APPLICANT_KINDS, DECISIONS, HOW_RECEIVED, RECOMMENDATION_STATUSES, RELATIONSHIPS, RESPONSE_METHODS } from './labels.ts';
import * as service from './service.ts';

type Found = Extract<Awaited<ReturnType<typeof service.stageForm>>, { kind: 'ok' }>;
type StageKey = Parameters<typeof service.stageForm>[3];
type Parsed<F> = { fields: F | null; errors: FormErrors; values: Record<string, unknown> };

const CANNOT_CHANGE = 'You can view this Case Review but not change it. Ask the organisation that holds it for edit access.';

const NOT_YET: Record<StageKey, string> = {
  application: 'This Case Review is closed, so its application can no longer be changed.',
  decision: 'The threshold decision can no longer be changed: the review has moved on from it, or is closed.',
  meeting: 'A review meeting is recorded only after a decision that the threshold is met, while the review is open.',
  recommendations: 'Recommendations are recorded after the review meeting, while the review is open.',
  response: 'The response to the applicant is recorded after the threshold decision (and the review meeting, when the threshold is met), while the review is open.',
  escalation: 'Escalation is recorded after the applicant has been told the outcome.',
  closure: 'A Case Review can be closed once the applicant has been told the outcome.',
};

const conflictErrors = () =>
  addError(
    emptyErrors(),
    'saved-now',
    'Someone else changed this Case Review while you were working on it. Your answers are still below: check what is saved now, then save again.',
  );

interface StageDef<F> {
  key: StageKey;
  path: string;
  template: string;
  title: string;
  /** The form's values from what is saved. */
  saved: (found: Found) => Record<string, unknown>;
  parse: (body: unknown, found: Found) => Parsed<F>;
  save: (db: Kysely<DB>, actor: Actor, id: string, version: number, fields: F) => Promise<service.ChangeResult>;
  flash: string;
}

export async function caseReviewStageRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;

  /** The review and what its forms need, or the reason the user cannot use this stage's form. */
  const open = async (actor: Actor, id: string, stage: StageKey): Promise<Found> => {
    const found = await service.stageForm(db, actor, id, stage);
    if (found.kind === 'not_found') throw notFound('Case Review');
    if (found.kind === 'forbidden') throw forbidden(CANNOT_CHANGE);
    if (found.kind === 'not_allowed') throw new HttpError(400, 'stage_not_ready', NOT_YET[stage]);
    return found;
  };

  const render = (reply: FastifyReply, template: string, title: string, found: Found, context: Record<string, unknown>, status = 200) =>
    reply.code(status).render(`case-reviews/views/${template}`, {
      pageTitle: title,
      labels,
      lists: { APPLICANT_KINDS, RELATIONSHIPS, HOW_RECEIVED, DECISIONS, RESPONSE_METHODS, RECOMMENDATION_STATUSES },
      review: found.review,
      recommendations: found.recommendations,
      organisations: found.organisations.filter((o) => o.active),
      settings: found.settings,
      incidents: found.incidents,
      hidden: found.linked.hidden,
      today: found.today,
      version: found.review.version,
      values: {},
      backLink: `/case-reviews/${found.review.id}`,
      ...context,
    });

  function stage<F>(def: StageDef<F>) {
    const url = `/case-reviews/:id/${def.path}`;
    app.get(url, WRITERS, async (request, reply) => {
      const found = await open(request.actor!, idParam(request.params), def.key);
      return render(reply, def.template, def.title, found, { values: def.saved(found) });
    });
    app.post(url, WRITERS, async (request, reply) => {
      const id = idParam(request.params);
      const actor = request.actor!;
      const version = versionOf(request.body);
      const found = await open(actor, id, def.key);
      // A stale form was filled in against a review that has since changed: show what is saved now.
      if (found.review.version !== version) {
        return render(reply, def.template, def.title, found, { values: def.parse(request.body, found).values, errors: conflictErrors(), conflict: true }, 409);
      }
      const { fields, errors, values } = def.parse(request.body, found);
      if (!fields) return render(reply, def.template, def.title, found, { values, errors, version }, 400);
      const result = await def.save(db, actor, id, version, fields);
      if (result.kind === 'not_found') throw notFound('Case Review');
      if (result.kind === 'forbidden') throw forbidden(CANNOT_CHANGE);
      if (result.kind === 'not_allowed') throw new HttpError(400, 'stage_not_ready', NOT_YET[def.key]);
      if (result.kind === 'conflict')
        return render(reply, def.template, def.title, { ...found, review: result.review }, { values, errors: conflictErrors(), conflict: true }, 409);
      setFlash(reply, def.flash);
      return reply.redirect(`/case-reviews/${id}`);
    });
  }

  stage({
    key: 'application',
    path: 'application',
    template: 'application.njk',
    title: 'Change the application',
    saved: ({ review: r, linked }) => ({
      applicant_kind: r.applicant_kind,
      applicant_name: r.applicant_name ?? '',
      applicant_relationship: r.applicant_relationship ?? '',
      consent_confirmed: r.consent_confirmed ? 'yes' : '',
      how_received: r.how_received,
      application_summary: r.application_summary ?? '',
      incident_ids: linked.incidents.map((i) => i.incident_id),
      ...dateFields('received', r.received_on),
    }),
    parse: (body, found) => parseApplication(body, { today: found.today, incidentIds: found.incidents.map((i) => i.id) }),
    save: service.updateApplication,
    flash: 'The application has been saved',
  });

  stage({
    key: 'decision',
    path: 'decision',
    template: 'decision.njk',
    title: 'Threshold decision',
    saved: ({ review: r, today }) => ({
      decision: r.decision ?? '',
      decision_reasons: r.decision_reasons ?? '',
      ...dateFields('decided', r.decided_on ?? today),
    }),
    parse: (body, found) => parseDecision(body, { today: found.today, receivedOn: found.review.received_on }),
    save: service.recordDecision,
    flash: 'The threshold decision has been saved',
  });

  stage({
    key: 'meeting',
    path: 'meeting',
    template: 'meeting.njk',
    title: 'Review meeting',
    saved: ({ review: r }) => ({
      organisation_ids: r.meeting_organisation_ids,
      meeting_other_agencies: r.meeting_other_agencies ?? '',
      meeting_summary: r.meeting_summary ?? '',
      ...dateFields('meeting', r.meeting_on),
    }),
    parse: (body, found) =>
      parseMeeting(body, { today: found.today, decidedOn: found.review.decided_on, organisationIds: found.organisations.map((o) => o.id) }),
    save: service.recordMeeting,
    flash: 'The review meeting has been saved',
  });

  stage({
    key: 'response',
    path: 'response',
    template: 'response.njk',
    title: 'Response to the applicant',
    saved: ({ review: r, today }) => ({
      response_method: r.response_method ?? '',
      response_summary: r.response_summary ?? '',
      ...dateFields('response', r.response_on ?? today),
    }),
    parse: (body, found) =>
      parseResponse(body, {
        today: found.today,
        notBefore:
          found.review.decision === 'met'
            ? { date: found.review.meeting_on, what: 'the date of the review meeting' }
            : { date: found.review.decided_on, what: 'the date of the threshold decision' },
      }),
    save: service.recordResponse,
    flash: 'The response to the applicant has been saved',
  });

  stage({
    key: 'escalation',
    path: 'escalation',
    template: 'escalation.njk',
    title: 'Escalation',
    saved: ({ review: r }) => ({
      escalation_outcome: r.escalation_outcome ?? '',
      ...dateFields('requested', r.escalation_requested_on),
      ...dateFields('outcome', r.escalation_outcome_on),
    }),
    parse: (body, found) => parseEscalation(body, { today: found.today, responseOn: found.review.response_on }),
    save: service.recordEscalation,
    flash: 'The escalation has been saved',
  });

  stage({
    key: 'closure',
    path: 'close',
    template: 'close.njk',
    title: 'Close the Case Review',
    saved: ({ review: r }) => ({ closure_notes: r.closure_notes ?? '' }),
    parse: (body) => parseClosure(body),
    save: (db2, actor, id, version, fields) => service.closeReview(db2, actor, id, version, fields.closure_notes),
    flash: 'The Case Review has been closed',
  });

  // --- recommendations ----------------------------------------------------------------------------

  const recommendationPage = (reply: FastifyReply, found: Found, context: { recommendation?: { responsible_organisation_id: string } } & Record<string, unknown>, status = 200) => {
    const rec = context.recommendation;
    // A retired organisation stays choosable for a recommendation already given to it.
    const organisations = found.organisations.filter((o) => o.active || o.id === rec?.responsible_organisation_id);
    return render(reply, 'recommendation.njk', rec ? 'Change a recommendation' : 'Add a recommendation', found, { organisations, ...context }, status);
  };

  app.get('/case-reviews/:id/recommendations/new', WRITERS, async (request, reply) => {
    const found = await open(request.actor!, idParam(request.params), 'recommendations');
    return recommendationPage(reply, found, {});
  });

  app.post('/case-reviews/:id/recommendations', WRITERS, async (request, reply) => {
    const id = idParam(request.params);
    const found = await open(request.actor!, id, 'recommendations');
    const { fields, errors, values } = parseRecommendation(request.body, {
      organisationIds: found.organisations.filter((o) => o.active).map((o) => o.id),
      notBefore: found.review.meeting_on,
      editing: false,
    });
    if (!fields) return recommendationPage(reply, found, { values, errors }, 400);
    const result = await service.addRecommendation(db, request.actor!, id, fields);
    if (result.kind !== 'ok') throw notFound('Case Review');
    setFlash(reply, 'The recommendation has been added');
    return reply.redirect(`/case-reviews/${id}#recommendations`);
  });

  const findRecommendation = (found: Found, params: unknown) => {
    const rid = idParam(params, 'recommendationId', 'recommendation');
    const rec = found.recommendations.find((x) => x.id === rid);
    if (!rec) throw notFound('recommendation');
    return rec;
  };

  app.get('/case-reviews/:id/recommendations/:recommendationId', WRITERS, async (request, reply) => {
    const found = await open(request.actor!, idParam(request.params), 'recommendations');
    const rec = findRecommendation(found, request.params);
    return recommendationPage(reply, found, {
      recommendation: rec,
      version: rec.version,
      values: { body: rec.body, responsible_organisation_id: rec.responsible_organisation_id, status: rec.status, progress_notes: rec.progress_notes ?? '', ...dateFields('due', rec.due_on) },
    });
  });

  app.post('/case-reviews/:id/recommendations/:recommendationId', WRITERS, async (request, reply) => {
    const id = idParam(request.params);
    const found = await open(request.actor!, id, 'recommendations');
    const rec = findRecommendation(found, request.params);
    const version = versionOf(request.body);
    const organisationIds = found.organisations.filter((o) => o.active || o.id === rec.responsible_organisation_id).map((o) => o.id);
    const { fields, errors, values } = parseRecommendation(request.body, { organisationIds, notBefore: null, editing: true });
    const ctx = { recommendation: rec, version };
    if (version !== rec.version) return recommendationPage(reply, found, { ...ctx, version: rec.version, values, errors: conflictErrors(), conflict: true }, 409);
    if (!fields) return recommendationPage(reply, found, { ...ctx, values, errors }, 400);
    const result = await service.updateRecommendation(db, request.actor!, id, rec.id, version, fields);
    if (result.kind === 'recommendation_conflict')
      return recommendationPage(reply, found, { recommendation: result.current, version: result.current.version, values, errors: conflictErrors(), conflict: true }, 409);
    if (result.kind !== 'ok') throw notFound('recommendation');
    setFlash(reply, 'The recommendation has been saved');
    return reply.redirect(`/case-reviews/${id}#recommendations`);
  });
}
