// Typed queries for documents (generated letters and uploads) and letter templates. Every function
// runs inside withUser, so row-level security has already narrowed what it can see or change.
import { sql, type Insertable } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';
import type { DocumentsTable } from '../../platform/db/schema.ts';

export function insertDocument(tx: Tx, row: Insertable<DocumentsTable>) {
  return tx.insertInto('documents').values(row).returning('id').executeTakeFirstOrThrow();
}

const META = [
  'd.id',
  'd.kind',
  'd.title',
  'd.filename',
  'd.content_type',
  'd.size_bytes',
  'd.sha256',
  'd.case_id',
  'd.incident_id',
  'd.person_id',
  'd.intervention_id',
  'd.owner_organisation_id',
  'd.created_at',
] as const;

/** A document's details without its content. */
export function findDocument(tx: Tx, id: string) {
  return tx
    .selectFrom('documents as d')
    .innerJoin('organisations as o', 'o.id', 'd.owner_organisation_id')
    .innerJoin('users as u', 'u.id', 'd.created_by')
    .leftJoin('cases as c', 'c.id', 'd.case_id')
    .leftJoin('incidents as i', 'i.id', 'd.incident_id')
    .leftJoin('people as p', 'p.id', 'd.person_id')
    .leftJoin('interventions as v', 'v.id', 'd.intervention_id')
    .select([...META, 'o.name as owner_name', 'u.display_name as created_by_name', 'c.reference as case_reference', 'i.reference as incident_reference', 'p.first_name', 'p.last_name', 'v.kind as intervention_kind'])
    .where('d.id', '=', id)
    .executeTakeFirst();
}

export function documentContent(tx: Tx, id: string) {
  return tx.selectFrom('documents').select(['id', 'filename', 'content_type', 'content', 'size_bytes']).where('id', '=', id).executeTakeFirst();
}

export interface DocumentFilter {
  caseId?: string;
  incidentId?: string;
  personId?: string;
  interventionId?: string;
}

/** Documents the user may see on a record, newest first, without their content. */
export function listDocuments(tx: Tx, filter: DocumentFilter) {
  let q = tx
    .selectFrom('documents as d')
    .innerJoin('organisations as o', 'o.id', 'd.owner_organisation_id')
    .innerJoin('users as u', 'u.id', 'd.created_by')
    .select([...META, 'o.name as owner_name', 'u.display_name as created_by_name']);
  if (filter.caseId) q = q.where('d.case_id', '=', filter.caseId);
  if (filter.incidentId) q = q.where('d.incident_id', '=', filter.incidentId);
  if (filter.personId) q = q.where('d.person_id', '=', filter.personId);
  if (filter.interventionId) q = q.where('d.intervention_id', '=', filter.interventionId);
  return q.orderBy('d.created_at', 'desc').orderBy('d.id').limit(500).execute();
}

// The records a document can be attached to, with their owner for the access check.

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

export function findPerson(tx: Tx, id: string) {
  return tx
    .selectFrom('people as p')
    .innerJoin('organisations as o', 'o.id', 'p.owner_organisation_id')
    .select((eb) => [
      'p.id',
      'p.first_name',
      'p.last_name',
      'p.owner_organisation_id',
      'o.name as owner_name',
      eb
        .selectFrom('person_addresses as a')
        .select('a.address')
        .whereRef('a.person_id', '=', 'p.id')
        .where('a.to_date', 'is', null)
        .orderBy('a.from_date', 'desc')
        .orderBy('a.created_at', 'desc')
        .limit(1)
        .as('address'),
      eb
        .selectFrom('person_addresses as a')
        .select('a.postcode')
        .whereRef('a.person_id', '=', 'p.id')
        .where('a.to_date', 'is', null)
        .orderBy('a.from_date', 'desc')
        .orderBy('a.created_at', 'desc')
        .limit(1)
        .as('postcode'),
    ])
    .where('p.id', '=', id)
    .executeTakeFirst();
}

export function findIntervention(tx: Tx, id: string) {
  return tx
    .selectFrom('interventions as v')
    .innerJoin('organisations as o', 'o.id', 'v.owner_organisation_id')
    .select(['v.id', 'v.kind', 'v.case_id', 'v.person_id', 'v.issued_on', 'v.expires_on', 'v.review_on', 'v.indefinite', 'v.conditions', 'v.owner_organisation_id', 'o.name as owner_name'])
    .where('v.id', '=', id)
    .executeTakeFirst();
}

/** People the user may see who are involved in the case's incidents: the letter's possible recipients. */
export function casePeople(tx: Tx, caseId: string) {
  return tx
    .selectFrom('case_incidents as ci')
    .innerJoin('incident_people as ip', 'ip.incident_id', 'ci.incident_id')
    .innerJoin('people as p', 'p.id', 'ip.person_id')
    .select(['p.id', 'p.first_name', 'p.last_name'])
    .select(sql<string[]>`array_agg(DISTINCT ip.role ORDER BY ip.role)`.as('roles'))
    .where('ci.case_id', '=', caseId)
    .groupBy(['p.id', 'p.first_name', 'p.last_name'])
    .orderBy('p.last_name')
    .orderBy('p.first_name')
    .execute();
}

export function caseInterventions(tx: Tx, caseId: string) {
  return tx.selectFrom('interventions').select(['id', 'kind', 'issued_on', 'person_id']).where('case_id', '=', caseId).orderBy('issued_on', 'desc').execute();
}

export function officer(tx: Tx, userId: string) {
  return tx
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .innerJoin('partnerships as pa', 'pa.id', 'o.partnership_id')
    .select(['u.display_name', 'u.job_title', 'u.email', 'o.name as organisation_name', 'pa.name as partnership_name'])
    .where('u.id', '=', userId)
    .executeTakeFirstOrThrow();
}

// Letter templates: the partnership's own, kept to its partnership by row-level security.

export function listTemplates(tx: Tx, opts: { activeOnly: boolean }) {
  let q = tx
    .selectFrom('letter_templates as t')
    .leftJoin('users as u', 'u.id', 't.uploaded_by')
    .select(['t.id', 't.name', 't.intervention_kind', 't.filename', 't.active', 't.uploaded_at', 't.version', 'u.display_name as uploaded_by_name']);
  if (opts.activeOnly) q = q.where('t.active', '=', true);
  return q.orderBy('t.name').execute();
}

export function findTemplate(tx: Tx, id: string) {
  return tx.selectFrom('letter_templates').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findTemplateByName(tx: Tx, partnershipId: string, name: string) {
  return tx.selectFrom('letter_templates').select(['id', 'version']).where('partnership_id', '=', partnershipId).where('name', '=', name).executeTakeFirst();
}

export function insertTemplate(tx: Tx, row: { partnership_id: string; name: string; intervention_kind: string | null; filename: string; content: Buffer; uploaded_by: string | null }) {
  return tx.insertInto('letter_templates').values(row).returning('id').executeTakeFirstOrThrow();
}

/** A new version of a template with the same name: new content, active again. */
export async function replaceTemplate(tx: Tx, id: string, row: { intervention_kind: string | null; filename: string; content: Buffer; uploaded_by: string }) {
  const r = await tx
    .updateTable('letter_templates')
    .set((eb) => ({ ...row, active: true, uploaded_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .returning('version')
    .executeTakeFirstOrThrow();
  return r.version;
}

/** Optimistic concurrency: applies only if nobody changed the template since `version`. */
export async function setTemplateActive(tx: Tx, id: string, version: number, active: boolean) {
  const r = await tx
    .updateTable('letter_templates')
    .set((eb) => ({ active, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
