// Typed queries on Case Review alerts, case reviews and their incidents and recommendations. Every
// function runs inside withUser, so row-level security has already narrowed what it sees: an alert
// only with its person, a review only for its owner or a share, and a linked person or incident the
// viewer may not see comes back with its details empty.
import { sql, type Insertable, type Kysely, type Updateable } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';
import type { CaseReviewRule, CaseReviewsTable, DB } from '../../platform/db/schema.ts';
import type { AlertFilter, ReviewFilter } from './labels.ts';

export const PAGE_SIZE = 50;

// --- alerts ---------------------------------------------------------------------------------------

/** Runs the partnership-wide threshold check for one incident; returns the alerts it raised. */
export async function evaluate(tx: Tx, incidentId: string) {
  const r = await sql<{ alert_id: string; alert_rules: CaseReviewRule[] }>`
    SELECT alert_id, alert_rules FROM case_review_evaluate(${incidentId}::uuid)`.execute(tx);
  return r.rows;
}

/** The same check for everyone with a complaint in a partnership (set-up only, not through withUser). */
export async function recheckPartnership(db: Kysely<DB> | Tx, partnershipId: string) {
  const r = await sql<{ alert_id: string; alert_rules: CaseReviewRule[] }>`
    SELECT alert_id, alert_rules FROM case_review_recheck_partnership(${partnershipId}::uuid)`.execute(db);
  return r.rows;
}

/** A visible person's complaints in the last `months` across the partnership (a count, nothing more). */
export async function complaintCount(tx: Tx, personId: string, months: number) {
  const r = await sql<{ n: number | null }>`SELECT case_review_complaint_count(${personId}::uuid, ${months}::integer) AS n`.execute(tx);
  return r.rows[0]?.n ?? null;
}

function alertQuery(tx: Tx) {
  return tx
    .selectFrom('case_review_alerts as a')
    .innerJoin('people as p', 'p.id', 'a.person_id')
    .innerJoin('organisations as po', 'po.id', 'p.owner_organisation_id')
    .leftJoin('incidents as i', 'i.id', 'a.incident_id')
    .leftJoin('users as d', 'd.id', 'a.dismissed_by')
    .leftJoin('case_reviews as r', 'r.id', 'a.case_review_id')
    .select([
      'a.id',
      'a.person_id',
      'a.incident_id',
      'a.rules',
      'a.complaints',
      'a.window_months',
      'a.first_complaint_at',
      'a.last_complaint_at',
      'a.raised_at',
      'a.status',
      'a.dismissed_reason',
      'a.dismissed_at',
      'a.case_review_id',
      'a.version',
      'p.first_name',
      'p.last_name',
      'po.name as person_holder',
      'i.reference as incident_reference',
      'd.display_name as dismissed_by_name',
      'r.reference as case_review_reference',
    ]);
}
export type AlertRow = NonNullable<Awaited<ReturnType<typeof findAlert>>>;

export function findAlert(tx: Tx, id: string) {
  return alertQuery(tx).where('a.id', '=', id).executeTakeFirst();
}

export function alertsForPerson(tx: Tx, personId: string) {
  return alertQuery(tx).where('a.person_id', '=', personId).orderBy('a.raised_at', 'desc').limit(20).execute();
}

/** Alerts about the people on an incident (the victims and reporting parties the viewer can see). */
export function alertsForIncident(tx: Tx, incidentId: string) {
  return alertQuery(tx)
    .where('a.person_id', 'in', (eb) =>
      eb
        .selectFrom('incident_people as ip')
        .select('ip.person_id')
        .where('ip.incident_id', '=', incidentId)
        .where('ip.role', 'in', ['victim', 'reporting_party']),
    )
    .where('a.status', '=', 'open')
    .orderBy('a.raised_at', 'desc')
    .limit(20)
    .execute();
}

export function listAlerts(tx: Tx, partnershipId: string, filter: AlertFilter, page: number) {
  let q = alertQuery(tx).where('a.partnership_id', '=', partnershipId);
  if (filter !== 'all') q = q.where('a.status', '=', filter);
  return q
    .orderBy('a.raised_at', 'desc')
    .orderBy('a.id')
    .limit(PAGE_SIZE + 1)
    .offset((page - 1) * PAGE_SIZE)
    .execute();
}

export async function dismissAlert(tx: Tx, id: string, version: number, userId: string, reason: string) {
  const r = await tx
    .updateTable('case_review_alerts')
    .set((eb) => ({
      status: 'dismissed' as const,
      dismissed_reason: reason,
      dismissed_by: userId,
      dismissed_at: new Date(),
      version: eb('version', '+', 1),
    }))
    .where('id', '=', id)
    .where('version', '=', version)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function markAlertApplication(tx: Tx, id: string, caseReviewId: string) {
  const r = await tx
    .updateTable('case_review_alerts')
    .set((eb) => ({ status: 'application' as const, case_review_id: caseReviewId, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('status', 'in', ['open', 'dismissed'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// --- people and incidents the user can pick from -------------------------------------------------

export function visiblePerson(tx: Tx, id: string) {
  return tx
    .selectFrom('people as p')
    .innerJoin('organisations as o', 'o.id', 'p.owner_organisation_id')
    .select(['p.id', 'p.first_name', 'p.last_name', 'p.date_of_birth', 'o.name as holder'])
    .where('p.id', '=', id)
    .executeTakeFirst();
}

/** Incidents the viewer can see where the person is the victim or the reporting party, newest first. */
export function complaintsOf(tx: Tx, personId: string) {
  return tx
    .selectFrom('incidents as i')
    .innerJoin('organisations as o', 'o.id', 'i.owner_organisation_id')
    .leftJoin('asb_types as t', 't.id', 'i.asb_type_id')
    .select(['i.id', 'i.reference', 'i.occurred_from', 'i.reported_at', 'i.created_at', 'i.category', 'i.hate', 'i.location_text', 't.name as type_name', 'o.name as holder'])
    .where('i.id', 'in', (eb) =>
      eb.selectFrom('incident_people as ip').select('ip.incident_id').where('ip.person_id', '=', personId).where('ip.role', 'in', ['victim', 'reporting_party']),
    )
    .orderBy('i.reported_at', 'desc')
    .limit(100)
    .execute();
}

export function visibleIncidentIds(tx: Tx, ids: string[]) {
  if (!ids.length) return Promise.resolve([] as string[]);
  return tx
    .selectFrom('incidents')
    .select('id')
    .where('id', 'in', ids)
    .execute()
    .then((rows) => rows.map((r) => r.id));
}

export function partnershipOrganisations(tx: Tx, partnershipId: string) {
  return tx.selectFrom('organisations').select(['id', 'name', 'active']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

// --- case reviews ---------------------------------------------------------------------------------

export type ReviewInsert = Insertable<CaseReviewsTable>;
export type ReviewUpdate = Updateable<CaseReviewsTable>;

export async function insertReview(tx: Tx, values: ReviewInsert) {
  return tx.insertInto('case_reviews').values(values).returning(['id', 'reference']).executeTakeFirstOrThrow();
}

export function findReview(tx: Tx, id: string) {
  return tx
    .selectFrom('case_reviews as r')
    .innerJoin('organisations as o', 'o.id', 'r.owner_organisation_id')
    .leftJoin('people as p', 'p.id', 'r.person_id')
    .leftJoin('organisations as po', 'po.id', 'p.owner_organisation_id')
    .innerJoin('users as c', 'c.id', 'r.created_by')
    .leftJoin('users as u', 'u.id', 'r.updated_by')
    .leftJoin('users as d', 'd.id', 'r.decided_by')
    .selectAll('r')
    .select([
      'o.name as owner_name',
      'p.first_name as person_first_name',
      'p.last_name as person_last_name',
      'po.name as person_holder',
      'c.display_name as created_by_name',
      'u.display_name as updated_by_name',
      'd.display_name as decided_by_name',
    ])
    .where('r.id', '=', id)
    .executeTakeFirst();
}
export type ReviewRow = NonNullable<Awaited<ReturnType<typeof findReview>>>;

/** Changes a review if it is still at `version`; false when someone saved first (or it cannot be changed). */
export async function updateReview(tx: Tx, id: string, version: number, userId: string, fields: ReviewUpdate) {
  const r = await tx
    .updateTable('case_reviews')
    .set((eb) => ({ ...fields, updated_by: userId, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Keeps the review's "what is due next" in step without counting as a change by the user. */
export async function setNextDue(tx: Tx, id: string, on: string | null, stage: string | null) {
  await tx.updateTable('case_reviews').set({ next_due_on: on, next_due_stage: stage }).where('id', '=', id).execute();
}

export function listReviews(tx: Tx, filter: ReviewFilter, page: number) {
  let q = tx
    .selectFrom('case_reviews as r')
    .innerJoin('organisations as o', 'o.id', 'r.owner_organisation_id')
    .leftJoin('people as p', 'p.id', 'r.person_id')
    .select([
      'r.id',
      'r.reference',
      'r.status',
      'r.received_on',
      'r.decision',
      'r.next_due_on',
      'r.next_due_stage',
      'r.closed_on',
      'r.owner_organisation_id',
      'o.name as owner_name',
      'p.first_name as person_first_name',
      'p.last_name as person_last_name',
    ]);
  if (filter !== 'all') q = q.where('r.status', '=', filter);
  // Overdue and soonest due first; then work with nothing due (ready to close), then closed reviews.
  return q
    .orderBy(sql`r.status = 'closed'`)
    .orderBy(sql`r.next_due_on IS NULL`)
    .orderBy('r.next_due_on')
    .orderBy('r.received_on', 'desc')
    .orderBy('r.id')
    .limit(PAGE_SIZE + 1)
    .offset((page - 1) * PAGE_SIZE)
    .execute();
}

export function reviewsForPerson(tx: Tx, personId: string) {
  return tx
    .selectFrom('case_reviews as r')
    .innerJoin('organisations as o', 'o.id', 'r.owner_organisation_id')
    .select(['r.id', 'r.reference', 'r.status', 'r.received_on', 'r.decision', 'r.next_due_on', 'r.next_due_stage', 'o.name as owner_name'])
    .where('r.person_id', '=', personId)
    .orderBy('r.received_on', 'desc')
    .limit(20)
    .execute();
}

/** The incidents complained about, as far as the viewer can see them, and how many they cannot. */
export async function reviewIncidents(tx: Tx, id: string) {
  const rows = await tx
    .selectFrom('case_review_incidents as ri')
    .leftJoin('incidents as i', 'i.id', 'ri.incident_id')
    .leftJoin('organisations as o', 'o.id', 'i.owner_organisation_id')
    .leftJoin('asb_types as t', 't.id', 'i.asb_type_id')
    .select(['ri.incident_id', 'i.reference', 'i.occurred_from', 'i.reported_at', 'i.category', 'i.hate', 't.name as type_name', 'o.name as holder'])
    .where('ri.case_review_id', '=', id)
    .orderBy('i.reported_at', 'desc')
    .execute();
  const seen = rows.filter((r) => r.reference !== null);
  return { incidents: seen, hidden: rows.length - seen.length };
}

export async function setReviewIncidents(tx: Tx, id: string, incidentIds: string[], userId: string) {
  const current = (await tx.selectFrom('case_review_incidents').select('incident_id').where('case_review_id', '=', id).execute()).map(
    (r) => r.incident_id,
  );
  const visible = new Set(await visibleIncidentIds(tx, current));
  // Only incidents the user can see are theirs to take off; others stay as someone else chose them.
  const remove = current.filter((x) => visible.has(x) && !incidentIds.includes(x));
  const add = incidentIds.filter((x) => !current.includes(x));
  if (remove.length) await tx.deleteFrom('case_review_incidents').where('case_review_id', '=', id).where('incident_id', 'in', remove).execute();
  if (add.length)
    await tx
      .insertInto('case_review_incidents')
      .values(add.map((incident_id) => ({ case_review_id: id, incident_id, added_by: userId })))
      .execute();
  return { added: add, removed: remove };
}

// --- recommendations ------------------------------------------------------------------------------

export function recommendations(tx: Tx, id: string) {
  return tx
    .selectFrom('case_review_recommendations as x')
    .innerJoin('organisations as o', 'o.id', 'x.responsible_organisation_id')
    .select(['x.id', 'x.body', 'x.responsible_organisation_id', 'x.due_on', 'x.status', 'x.progress_notes', 'x.version', 'o.name as organisation_name'])
    .where('x.case_review_id', '=', id)
    .orderBy('x.created_at')
    .orderBy('x.id')
    .execute();
}
export type RecommendationRow = Awaited<ReturnType<typeof recommendations>>[number];

export function insertRecommendation(
  tx: Tx,
  values: { case_review_id: string; body: string; responsible_organisation_id: string; due_on: string; created_by: string },
) {
  return tx
    .insertInto('case_review_recommendations')
    .values({ ...values, updated_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function updateRecommendation(
  tx: Tx,
  reviewId: string,
  id: string,
  version: number,
  userId: string,
  fields: { body: string; responsible_organisation_id: string; due_on: string; status: RecommendationRow['status']; progress_notes: string | null },
) {
  const r = await tx
    .updateTable('case_review_recommendations')
    .set((eb) => ({ ...fields, updated_by: userId, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('case_review_id', '=', reviewId)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
