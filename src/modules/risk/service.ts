// Risk assessments: a person answered against a stored questionnaire in an incident or case, scored
// by scoring.ts from the questionnaire's own definition. Every assessment is a new row, so history
// is kept; PostgreSQL decides who may see each one and this service audits every view and change.
import type { Kysely } from 'kysely';
import type { DB, RiskBand } from '../../platform/db/schema.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import { accessTo, createShare, listShares } from '../../platform/access/shares.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { parseDefinition, type Definition } from './definition.ts';
import { scoreAssessment, type Answers, type Problem } from './scoring.ts';
import { refreshCasePriority } from '../cases/service.ts';
import * as repo from './repository.ts';

export const RECORD_TYPE = 'risk_assessment';

export interface Target {
  personId: string;
  caseId: string | null;
  incidentId: string | null;
}

type Context =
  | { kind: 'not_found' }
  | { kind: 'forbidden'; what: 'case' | 'incident' }
  | {
      kind: 'ok';
      person: NonNullable<Awaited<ReturnType<typeof repo.findPerson>>>;
      caseRow: Awaited<ReturnType<typeof repo.findCase>> | null;
      incident: Awaited<ReturnType<typeof repo.findIncident>> | null;
    };

/** The person and the case or incident the assessment is made in: all visible, the container changeable. */
async function context(tx: Tx, actor: Actor, target: Target): Promise<Context> {
  const person = await repo.findPerson(tx, target.personId);
  if (!person) return { kind: 'not_found' };
  const caseRow = target.caseId ? await repo.findCase(tx, target.caseId) : null;
  const incident = target.incidentId ? await repo.findIncident(tx, target.incidentId) : null;
  if ((target.caseId && !caseRow) || (target.incidentId && !incident)) return { kind: 'not_found' };
  if (caseRow && !(await accessTo(tx, 'case', caseRow.id, caseRow.owner_organisation_id, actor.organisationId)).edit) return { kind: 'forbidden', what: 'case' };
  if (incident && !(await accessTo(tx, 'incident', incident.id, incident.owner_organisation_id, actor.organisationId)).edit) return { kind: 'forbidden', what: 'incident' };
  return { kind: 'ok', person, caseRow, incident };
}

export type FormContext =
  | Exclude<Context, { kind: 'ok' }>
  | {
      kind: 'ok';
      person: { id: string; first_name: string; last_name: string };
      caseRow: { id: string; reference: string; title: string } | null;
      incident: { id: string; reference: string } | null;
      questionnaires: Awaited<ReturnType<typeof repo.activeQuestionnaires>>;
      questionnaire: { id: string; key: string; name: string; version: number; definition: Definition } | null;
    };

/** What the new-assessment page needs; `questionnaire` is a key (from the choice page) or an id (from a posted form). */
export async function formContext(db: Kysely<DB>, actor: Actor, target: Target, questionnaire: string | null): Promise<FormContext> {
  return withUser(db, actor.userId, async (tx) => {
    const ctx = await context(tx, actor, target);
    if (ctx.kind !== 'ok') return ctx;
    const questionnaires = await repo.activeQuestionnaires(tx);
    // A posted form names the exact version it showed, which may since have been superseded.
    const id = isUuid(questionnaire) ? questionnaire : questionnaires.find((q) => q.key === questionnaire)?.id;
    const row = id ? await repo.findQuestionnaire(tx, id) : undefined;
    const selected = row?.active ? { id: row.id, key: row.key, name: row.name, version: row.version, definition: parseDefinition(row.definition) } : null;
    return { kind: 'ok', person: ctx.person, caseRow: ctx.caseRow ?? null, incident: ctx.incident ?? null, questionnaires, questionnaire: selected };
  });
}

export interface NewAssessment extends Target {
  questionnaireId: string;
  answers: Answers;
  overrideBand: RiskBand | null;
  overrideRationale: string | null;
}

export type CreateResult = { kind: 'ok'; id: string } | { kind: 'invalid'; problems: Problem[] } | Exclude<Context, { kind: 'ok' }>;

export async function createAssessment(db: Kysely<DB>, actor: Actor, input: NewAssessment): Promise<CreateResult> {
  return withUser(db, actor.userId, async (tx) => {
    const ctx = await context(tx, actor, input);
    if (ctx.kind !== 'ok') return ctx;
    const q = await repo.findQuestionnaire(tx, input.questionnaireId);
    if (!q || !q.active) return { kind: 'not_found' };
    const result = scoreAssessment(parseDefinition(q.definition), input.answers, { band: input.overrideBand, rationale: input.overrideRationale });
    if (!result.ok) return { kind: 'invalid', problems: result.problems };
    const row = await repo.insertAssessment(tx, {
      partnership_id: actor.partnershipId,
      owner_organisation_id: actor.organisationId,
      questionnaire_id: q.id,
      person_id: ctx.person.id,
      case_id: ctx.caseRow?.id ?? null,
      incident_id: ctx.incident?.id ?? null,
      answers: JSON.stringify(result.answers),
      score: result.score,
      yes_count: result.yesCount,
      computed_band: result.computedBand,
      override_band: result.overrideBand,
      override_rationale: result.overrideBand ? input.overrideRationale!.trim() : null,
      final_band: result.finalBand,
      marac_suggested: result.referralSuggested,
      assessed_by: actor.userId,
    });
    await auditBy(tx, actor, 'create', RECORD_TYPE, row.id, {
      questionnaire_id: q.id,
      person_id: ctx.person.id,
      case_id: ctx.caseRow?.id ?? null,
      incident_id: ctx.incident?.id ?? null,
      override: !!result.overrideBand,
    });
    // Added to another organisation's case or incident through an edit share: its owner sees it too.
    const container = ctx.caseRow ?? ctx.incident;
    if (container && container.owner_organisation_id !== actor.organisationId) {
      await createShare(tx, actor, {
        recordType: RECORD_TYPE,
        recordId: row.id,
        target: { kind: 'organisation', id: container.owner_organisation_id },
        access: 'view',
        reason: `Made on ${container.reference}, held by ${container.owner_name}`,
        expiresAt: null,
      });
    }
    if (ctx.caseRow) await refreshCasePriority(tx, ctx.caseRow.id, actor);
    return { kind: 'ok', id: row.id };
  });
}

export async function viewAssessment(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const assessment = await repo.findAssessment(tx, id);
    if (!assessment) return null;
    const definition = parseDefinition(assessment.definition);
    const access = await accessTo(tx, RECORD_TYPE, id, assessment.owner_organisation_id, actor.organisationId);
    const shares = access.share ? await listShares(tx, RECORD_TYPE, id) : [];
    const history = await repo.listAssessments(tx, { personId: assessment.person_id }, 20);
    await auditBy(tx, actor, 'view', RECORD_TYPE, id);
    return { assessment, definition, access, shares, history };
  });
}

/** A person's, case's or incident's assessments, as a page of their own. */
export async function listAssessments(db: Kysely<DB>, actor: Actor, filter: repo.AssessmentFilter) {
  return withUser(db, actor.userId, async (tx) => {
    const rows = await repo.listAssessments(tx, filter);
    const person = filter.personId ? await repo.findPerson(tx, filter.personId) : null;
    const caseRow = filter.caseId ? await repo.findCase(tx, filter.caseId) : null;
    const incident = filter.incidentId ? await repo.findIncident(tx, filter.incidentId) : null;
    await auditBy(tx, actor, 'list', RECORD_TYPE, null, { person_id: filter.personId ?? null, case_id: filter.caseId ?? null, incident_id: filter.incidentId ?? null, shown: rows.length });
    return { rows, person, caseRow, incident };
  });
}

/** For a record share's page: the assessment's owner and how to name it. */
export async function shareable(tx: Tx, id: string) {
  const a = await repo.findAssessment(tx, id);
  if (!a) return undefined;
  const who = a.first_name ? `${a.first_name} ${a.last_name}` : 'a person';
  return { owner_organisation_id: a.owner_organisation_id, caption: `${a.questionnaire_name} for ${who}` };
}

/**
 * Risk history for other capabilities' pages (a person's page, a case's timeline), inside the
 * caller's own withUser transaction; the caller audits its own page view.
 */
export function assessmentsFor(tx: Tx, filter: repo.AssessmentFilter) {
  return repo.listAssessments(tx, filter);
}
