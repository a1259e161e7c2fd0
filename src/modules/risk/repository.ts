// Typed queries for risk assessments and the questionnaires they answer. Every function runs inside
// withUser, so row-level security has already narrowed what it can see or change.
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';
import type { Insertable } from 'kysely';
import type { RiskAssessmentsTable } from '../../platform/db/schema.ts';

/** The questionnaires on offer: per key, the partnership's own newest active version, else the built-in one. */
export async function activeQuestionnaires(tx: Tx) {
  const r = await sql<{ id: string; key: string; version: number; name: string; partnership_id: string | null }>`
    SELECT DISTINCT ON (key) id, key, version, name, partnership_id
    FROM risk_questionnaires
    WHERE active
    ORDER BY key, (partnership_id IS NULL), version DESC`.execute(tx);
  return r.rows.sort((a, b) => a.name.localeCompare(b.name));
}

export function findQuestionnaire(tx: Tx, id: string) {
  return tx.selectFrom('risk_questionnaires').select(['id', 'key', 'version', 'name', 'definition', 'active']).where('id', '=', id).executeTakeFirst();
}

export function findPerson(tx: Tx, id: string) {
  return tx
    .selectFrom('people')
    .select(['id', 'first_name', 'last_name', 'date_of_birth', 'owner_organisation_id'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export function findCase(tx: Tx, id: string) {
  return tx
    .selectFrom('cases as c')
    .innerJoin('organisations as o', 'o.id', 'c.owner_organisation_id')
    .select(['c.id', 'c.reference', 'c.title', 'c.owner_organisation_id', 'o.name as owner_name'])
    .where('c.id', '=', id)
    .executeTakeFirst();
}

export function findIncident(tx: Tx, id: string) {
  return tx
    .selectFrom('incidents as i')
    .innerJoin('organisations as o', 'o.id', 'i.owner_organisation_id')
    .select(['i.id', 'i.reference', 'i.owner_organisation_id', 'o.name as owner_name'])
    .where('i.id', '=', id)
    .executeTakeFirst();
}

export function insertAssessment(tx: Tx, row: Insertable<RiskAssessmentsTable>) {
  return tx.insertInto('risk_assessments').values(row).returning(['id', 'assessed_at']).executeTakeFirstOrThrow();
}

export function findAssessment(tx: Tx, id: string) {
  return tx
    .selectFrom('risk_assessments as a')
    .innerJoin('risk_questionnaires as q', 'q.id', 'a.questionnaire_id')
    .innerJoin('organisations as o', 'o.id', 'a.owner_organisation_id')
    .innerJoin('users as u', 'u.id', 'a.assessed_by')
    .leftJoin('people as p', 'p.id', 'a.person_id')
    .leftJoin('cases as c', 'c.id', 'a.case_id')
    .leftJoin('incidents as i', 'i.id', 'a.incident_id')
    .selectAll('a')
    .select([
      'q.key as questionnaire_key',
      'q.name as questionnaire_name',
      'q.version as questionnaire_version',
      'q.definition',
      'o.name as owner_name',
      'u.display_name as assessed_by_name',
      'u.job_title as assessed_by_job_title',
      'p.first_name',
      'p.last_name',
      'c.reference as case_reference',
      'i.reference as incident_reference',
    ])
    .where('a.id', '=', id)
    .executeTakeFirst();
}

export interface AssessmentFilter {
  personId?: string;
  caseId?: string;
  incidentId?: string;
}

/** Assessments the user may see, newest first, without their answers. */
export function listAssessments(tx: Tx, filter: AssessmentFilter, limit = 200) {
  let q = tx
    .selectFrom('risk_assessments as a')
    .innerJoin('risk_questionnaires as q', 'q.id', 'a.questionnaire_id')
    .innerJoin('organisations as o', 'o.id', 'a.owner_organisation_id')
    .innerJoin('users as u', 'u.id', 'a.assessed_by')
    .leftJoin('people as p', 'p.id', 'a.person_id')
    .leftJoin('cases as c', 'c.id', 'a.case_id')
    .leftJoin('incidents as i', 'i.id', 'a.incident_id')
    .select([
      'a.id',
      'a.person_id',
      'a.case_id',
      'a.incident_id',
      'a.score',
      'a.yes_count',
      'a.computed_band',
      'a.override_band',
      'a.final_band',
      'a.marac_suggested',
      'a.assessed_at',
      'a.owner_organisation_id',
      'q.name as questionnaire_name',
      'q.key as questionnaire_key',
      'o.name as owner_name',
      'u.display_name as assessed_by_name',
      'p.first_name',
      'p.last_name',
      'c.reference as case_reference',
      'i.reference as incident_reference',
    ]);
  if (filter.personId) q = q.where('a.person_id', '=', filter.personId);
  if (filter.caseId) q = q.where('a.case_id', '=', filter.caseId);
  if (filter.incidentId) q = q.where('a.incident_id', '=', filter.incidentId);
  return q.orderBy('a.assessed_at', 'desc').orderBy('a.id').limit(limit).execute();
}
