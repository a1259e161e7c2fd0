// Typed queries for interventions, their breaches and reminders. Every function runs inside withUser,
// so row-level security has already narrowed what it can see or change.
import type { Insertable, Updateable } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';
import type { InterventionsTable } from '../../platform/db/schema.ts';

export function findPerson(tx: Tx, id: string) {
  return tx
    .selectFrom('people as p')
    .select((eb) => [
      'p.id',
      'p.first_name',
      'p.last_name',
      'p.date_of_birth',
      'p.estimated_age',
      'p.estimated_age_on',
      'p.owner_organisation_id',
      // The address they live at now, to suggest for a household intervention.
      eb
        .selectFrom('person_addresses as a')
        .select('a.address')
        .whereRef('a.person_id', '=', 'p.id')
        .where('a.to_date', 'is', null)
        .orderBy('a.from_date', 'desc')
        .orderBy('a.created_at', 'desc')
        .limit(1)
        .as('current_address'),
    ])
    .where('p.id', '=', id)
    .executeTakeFirst();
}

export function findBusiness(tx: Tx, id: string) {
  return tx.selectFrom('businesses').select(['id', 'name', 'address', 'owner_organisation_id']).where('id', '=', id).executeTakeFirst();
}

export function findCase(tx: Tx, id: string) {
  return tx
    .selectFrom('cases as c')
    .innerJoin('organisations as o', 'o.id', 'c.owner_organisation_id')
    .select(['c.id', 'c.reference', 'c.title', 'c.owner_organisation_id', 'o.name as owner_name'])
    .where('c.id', '=', id)
    .executeTakeFirst();
}

export function insertIntervention(tx: Tx, row: Insertable<InterventionsTable>) {
  return tx.insertInto('interventions').values(row).returning('id').executeTakeFirstOrThrow();
}

export function findIntervention(tx: Tx, id: string) {
  return tx
    .selectFrom('interventions as v')
    .innerJoin('organisations as o', 'o.id', 'v.owner_organisation_id')
    .innerJoin('users as cb', 'cb.id', 'v.created_by')
    .leftJoin('users as ub', 'ub.id', 'v.updated_by')
    .leftJoin('people as p', 'p.id', 'v.person_id')
    .leftJoin('businesses as b', 'b.id', 'v.business_id')
    .leftJoin('cases as c', 'c.id', 'v.case_id')
    .selectAll('v')
    .select([
      'o.name as owner_name',
      'cb.display_name as created_by_name',
      'ub.display_name as updated_by_name',
      'p.first_name',
      'p.last_name',
      'p.date_of_birth',
      'p.estimated_age',
      'p.estimated_age_on',
      'b.name as business_name',
      'c.reference as case_reference',
      'c.title as case_title',
    ])
    .where('v.id', '=', id)
    .executeTakeFirst();
}

export type InterventionRow = NonNullable<Awaited<ReturnType<typeof findIntervention>>>;

/** Optimistic concurrency: applies only if nobody changed the intervention since `version`. */
export async function updateIntervention(tx: Tx, id: string, version: number, userId: string, fields: Updateable<InterventionsTable>) {
  const result = await tx
    .updateTable('interventions')
    .set((eb) => ({ ...fields, updated_by: userId, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Sets the status to breached and moves the version on; returns the new version. */
export async function markBreached(tx: Tx, id: string, userId: string) {
  const r = await tx
    .updateTable('interventions')
    .set((eb) => ({ status: 'breached' as const, updated_by: userId, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .returning('version')
    .executeTakeFirstOrThrow();
  return r.version;
}

export function insertBreach(tx: Tx, row: { intervention_id: string; occurred_on: string; details: string; action_taken: string | null; recorded_by: string }) {
  return tx.insertInto('intervention_breaches').values(row).returning('id').executeTakeFirstOrThrow();
}

export function listBreaches(tx: Tx, interventionId: string) {
  return tx
    .selectFrom('intervention_breaches as b')
    .innerJoin('users as u', 'u.id', 'b.recorded_by')
    .select(['b.id', 'b.occurred_on', 'b.details', 'b.action_taken', 'b.recorded_at', 'u.display_name as recorded_by_name'])
    .where('b.intervention_id', '=', interventionId)
    .orderBy('b.occurred_on', 'desc')
    .orderBy('b.recorded_at', 'desc')
    .execute();
}

export interface InterventionFilter {
  personId?: string;
  caseId?: string;
  businessId?: string;
}

/** Interventions the user may see, in ladder order then newest first. */
export function listInterventions(tx: Tx, filter: InterventionFilter) {
  let q = tx
    .selectFrom('interventions as v')
    .innerJoin('organisations as o', 'o.id', 'v.owner_organisation_id')
    .leftJoin('people as p', 'p.id', 'v.person_id')
    .leftJoin('businesses as b', 'b.id', 'v.business_id')
    .leftJoin('cases as c', 'c.id', 'v.case_id')
    .select([
      'v.id',
      'v.kind',
      'v.subject_type',
      'v.person_id',
      'v.business_id',
      'v.household_address',
      'v.case_id',
      'v.issued_on',
      'v.expires_on',
      'v.review_on',
      'v.status',
      'v.indefinite',
      'v.owner_organisation_id',
      'o.name as owner_name',
      'p.first_name',
      'p.last_name',
      'b.name as business_name',
      'c.reference as case_reference',
    ]);
  if (filter.personId) q = q.where('v.person_id', '=', filter.personId);
  if (filter.caseId) q = q.where('v.case_id', '=', filter.caseId);
  if (filter.businessId) q = q.where('v.business_id', '=', filter.businessId);
  return q.orderBy('v.issued_on', 'desc').orderBy('v.created_at', 'desc').limit(500).execute();
}

/** The reminders set for an intervention that the user may see. */
export function listReminders(tx: Tx, interventionId: string) {
  return tx
    .selectFrom('tasks as t')
    .leftJoin('users as u', 'u.id', 't.assigned_user_id')
    .select(['t.id', 't.title', 't.due_date', 't.status', 'u.display_name as assigned_to'])
    .where('t.intervention_id', '=', interventionId)
    .orderBy('t.due_date')
    .execute();
}

/** Cancels the open reminders with one of these titles (their date has moved); returns how many. */
export async function cancelReminders(tx: Tx, interventionId: string, titles: string[], userId: string) {
  if (!titles.length) return [];
  return tx
    .updateTable('tasks')
    .set((eb) => ({ status: 'cancelled' as const, completion_notes: 'The intervention’s date changed: a new reminder replaces this one.', updated_by: userId, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('intervention_id', '=', interventionId)
    .where('title', 'in', titles)
    .where('status', 'in', ['open', 'in_progress'])
    .returning('id')
    .execute();
}
