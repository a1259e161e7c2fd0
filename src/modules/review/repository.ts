// Queries of the daily review: the queue (review_items, materialised and indexed), decisions, the day's
// log, and the tasking-out extensions of tasks (acknowledgement, disputes). Every query runs inside the
// caller's withUser transaction, so row-level security decides what is seen.
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';
import type { ReviewOutcome } from '../../platform/db/schema.ts';

export const QUEUE_PAGE = 100;

export interface QueueFilters {
  areaId: string | null;
  source: string | null;
  category: string | null;
  flag: string | null;
}

function filtered(tx: Tx, partnershipId: string, f: QueueFilters) {
  let q = tx.selectFrom('review_items as r').where('r.partnership_id', '=', partnershipId);
  if (f.areaId) q = q.where('r.area_id', '=', f.areaId);
  if (f.source) q = q.where('r.how_reported', '=', f.source);
  if (f.category) q = q.where('r.category', '=', f.category);
  if (f.flag) q = q.where(sql<boolean>`r.reasons @> ARRAY[${f.flag}]::text[]`);
  return q;
}

/** The queue, most pressing first; the index on (partnership, priority, reported) serves the order. */
export function queue(tx: Tx, partnershipId: string, f: QueueFilters, limit = QUEUE_PAGE) {
  return filtered(tx, partnershipId, f)
    .innerJoin('incidents as i', 'i.id', 'r.incident_id')
    .innerJoin('organisations as o', 'o.id', 'r.owner_organisation_id')
    .leftJoin('organisations as so', 'so.id', 'r.source_organisation_id')
    .leftJoin('areas as a', 'a.id', 'r.area_id')
    .select([
      'r.incident_id',
      'r.priority',
      'r.reasons',
      'r.reported_at',
      'r.how_reported',
      'r.category',
      'i.reference',
      'i.description',
      'i.location_text',
      'i.owner_organisation_id',
      'o.name as owner_name',
      'so.name as source_name',
      'a.name as area_name',
    ])
    .orderBy('r.priority', 'desc')
    .orderBy('r.reported_at', 'desc')
    .orderBy('r.incident_id')
    .limit(limit)
    .execute();
}
export type QueueRow = Awaited<ReturnType<typeof queue>>[number];

export async function queueCount(tx: Tx, partnershipId: string, f: QueueFilters) {
  const r = await filtered(tx, partnershipId, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The areas that items waiting in the queue are in, for the area filter. */
export function queueAreas(tx: Tx, partnershipId: string) {
  return tx
    .selectFrom('areas as a')
    .select(['a.id', 'a.name'])
    .where('a.partnership_id', '=', partnershipId)
    .where('a.id', 'in', (eb) => eb.selectFrom('review_items as r').select('r.area_id').where('r.partnership_id', '=', partnershipId).where('r.area_id', 'is not', null).$narrowType<{ area_id: string }>())
    .orderBy('a.name')
    .execute();
}

export function queueItem(tx: Tx, incidentId: string) {
  return tx
    .selectFrom('incidents as i')
    .innerJoin('organisations as o', 'o.id', 'i.owner_organisation_id')
    .leftJoin('review_items as r', 'r.incident_id', 'i.id')
    .leftJoin('areas as a', 'a.id', 'i.area_id')
    .select([
      'i.id',
      'i.reference',
      'i.description',
      'i.location_text',
      'i.reported_at',
      'i.how_reported',
      'i.category',
      'i.partnership_id',
      'i.owner_organisation_id',
      'o.name as owner_name',
      'a.name as area_name',
      'r.priority',
      'r.reasons',
    ])
    .where('i.id', '=', incidentId)
    .executeTakeFirst();
}

export function decisionFor(tx: Tx, incidentId: string) {
  return tx
    .selectFrom('review_decisions as d')
    .innerJoin('users as u', 'u.id', 'd.decided_by')
    .select(['d.id', 'd.outcome', 'd.decided_at', 'u.display_name as decided_by_name'])
    .where('d.incident_id', '=', incidentId)
    .executeTakeFirst();
}

export interface DecisionRow {
  partnershipId: string;
  organisationId: string;
  incidentId: string;
  outcome: ReviewOutcome;
  priority: number;
  reasons: string[];
  nfaReason: string | null;
  ndm: Partial<Record<'ndm_information' | 'ndm_threat_risk' | 'ndm_powers_policy' | 'ndm_options' | 'ndm_action_review', string | null>>;
  note: string | null;
  decidedBy: string;
}

export function insertDecision(tx: Tx, d: DecisionRow) {
  return tx
    .insertInto('review_decisions')
    .values({
      partnership_id: d.partnershipId,
      owner_organisation_id: d.organisationId,
      incident_id: d.incidentId,
      outcome: d.outcome,
      priority_at_decision: d.priority,
      reasons_at_decision: d.reasons,
      nfa_reason: d.nfaReason,
      ndm_information: d.ndm.ndm_information ?? null,
      ndm_threat_risk: d.ndm.ndm_threat_risk ?? null,
      ndm_powers_policy: d.ndm.ndm_powers_policy ?? null,
      ndm_options: d.ndm.ndm_options ?? null,
      ndm_action_review: d.ndm.ndm_action_review ?? null,
      note: d.note,
      decided_by: d.decidedBy,
    })
    .onConflict((oc) => oc.column('incident_id').doNothing())
    .returning('id')
    .executeTakeFirst();
}

export async function linkDecision(tx: Tx, id: string, links: { shareId?: string | null; taskId?: string | null }) {
  await tx
    .updateTable('review_decisions')
    .set({ ...(links.shareId ? { share_id: links.shareId } : {}), ...(links.taskId ? { task_id: links.taskId } : {}) })
    .where('id', '=', id)
    .execute();
}

/** Decisions made on one day (London time) in the partnership, as the log shows them. */
export function decisionsOn(tx: Tx, partnershipId: string, date: string) {
  return tx
    .selectFrom('review_decisions as d')
    .innerJoin('incidents as i', 'i.id', 'd.incident_id')
    .innerJoin('users as u', 'u.id', 'd.decided_by')
    .innerJoin('organisations as o', 'o.id', 'd.owner_organisation_id')
    .leftJoin('tasks as t', 't.id', 'd.task_id')
    .leftJoin('users as tu', 'tu.id', 't.assigned_user_id')
    .leftJoin('teams as tt', 'tt.id', 't.assigned_team_id')
    .leftJoin('organisations as torg', 'torg.id', 't.assigned_organisation_id')
    .leftJoin('record_shares as s', 's.id', 'd.share_id')
    .leftJoin('organisations as so', 'so.id', 's.to_organisation_id')
    .leftJoin('teams as st', 'st.id', 's.to_team_id')
    .leftJoin('users as su', 'su.id', 's.to_user_id')
    .select([
      'd.id',
      'd.decided_at',
      'd.outcome',
      'd.reasons_at_decision as reasons',
      'd.priority_at_decision as priority',
      'd.nfa_reason',
      'd.note',
      'i.id as incident_id',
      'i.reference',
      'u.display_name as decided_by_name',
      'o.name as organisation_name',
      't.id as task_id',
      't.priority as task_priority',
      't.status as task_status',
      't.due_at as task_due_at',
      't.acknowledged_at as task_acknowledged_at',
      'tu.display_name as task_user',
      'tt.name as task_team',
      'torg.name as task_organisation',
      'so.name as share_organisation',
      'st.name as share_team',
      'su.display_name as share_user',
    ])
    .where('d.partnership_id', '=', partnershipId)
    .where(sql<boolean>`d.decided_at >= (${date}::date::timestamp AT TIME ZONE 'Europe/London')`)
    .where(sql<boolean>`d.decided_at < ((${date}::date + 1)::timestamp AT TIME ZONE 'Europe/London')`)
    .orderBy('d.decided_at')
    .execute();
}
export type LogRow = Awaited<ReturnType<typeof decisionsOn>>[number];

// ---- Tasks set out of a review ----

export function taskForTasking(tx: Tx, taskId: string) {
  return tx
    .selectFrom('tasks as t')
    .innerJoin('organisations as so', 'so.id', 't.owner_organisation_id')
    .leftJoin('users as au', 'au.id', 't.assigned_user_id')
    .leftJoin('teams as at', 'at.id', 't.assigned_team_id')
    .leftJoin('organisations as ao', 'ao.id', 't.assigned_organisation_id')
    .leftJoin('users as ack', 'ack.id', 't.acknowledged_by')
    .select([
      't.id',
      't.title',
      't.details',
      't.partnership_id',
      't.owner_organisation_id',
      'so.name as setting_organisation_name',
      't.assigned_user_id',
      't.assigned_team_id',
      't.assigned_organisation_id',
      'au.display_name as assigned_user_name',
      'au.organisation_id as assigned_user_organisation_id',
      'at.name as assigned_team_name',
      'at.organisation_id as assigned_team_organisation_id',
      'ao.name as assigned_organisation_name',
      't.priority',
      't.status',
      't.due_at',
      't.incident_id',
      't.review_decision_id',
      't.acknowledged_at',
      'ack.display_name as acknowledged_by_name',
      't.escalation_level',
      't.version',
    ])
    .where('t.id', '=', taskId)
    .executeTakeFirst();
}
export type TaskingRow = NonNullable<Awaited<ReturnType<typeof taskForTasking>>>;

/** The organisation that receives a task: the one assigned, or the assigned user's or team's. */
export function receivingOrganisation(t: TaskingRow) {
  return t.assigned_organisation_id ?? t.assigned_user_organisation_id ?? t.assigned_team_organisation_id ?? null;
}

export async function acknowledge(tx: Tx, taskId: string, userId: string) {
  const r = await tx
    .updateTable('tasks')
    .set({ acknowledged_by: userId, acknowledged_at: new Date(), updated_by: userId, updated_at: new Date(), version: sql`version + 1` })
    .where('id', '=', taskId)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export function openDispute(tx: Tx, taskId: string) {
  return tx.selectFrom('task_disputes').select(['id']).where('task_id', '=', taskId).where('status', '=', 'open').executeTakeFirst();
}

export function insertDispute(tx: Tx, row: { partnershipId: string; taskId: string; organisationId: string; settingOrganisationId: string; reason: string; userId: string }) {
  return tx
    .insertInto('task_disputes')
    .values({
      partnership_id: row.partnershipId,
      task_id: row.taskId,
      owner_organisation_id: row.organisationId,
      setting_organisation_id: row.settingOrganisationId,
      reason: row.reason,
      raised_by: row.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

function disputeQuery(tx: Tx) {
  return tx
    .selectFrom('task_disputes as d')
    // The disputing organisation may no longer see a task reassigned elsewhere; the dispute stays theirs.
    .leftJoin('tasks as t', 't.id', 'd.task_id')
    .innerJoin('organisations as ro', 'ro.id', 'd.owner_organisation_id')
    .innerJoin('organisations as so', 'so.id', 'd.setting_organisation_id')
    .innerJoin('users as rb', 'rb.id', 'd.raised_by')
    .leftJoin('users as rv', 'rv.id', 'd.resolved_by')
    .leftJoin('organisations as nw', 'nw.id', 'd.reassigned_organisation_id')
    .select([
      'd.id',
      'd.task_id',
      'd.reason',
      'd.status',
      'd.raised_at',
      'd.resolution_note',
      'd.resolved_at',
      'd.version',
      'd.owner_organisation_id',
      'd.setting_organisation_id',
      't.title as task_title',
      't.priority as task_priority',
      'ro.name as disputing_organisation_name',
      'so.name as setting_organisation_name',
      'rb.display_name as raised_by_name',
      'rv.display_name as resolved_by_name',
      'nw.name as reassigned_organisation_name',
    ]);
}

export function disputes(tx: Tx, partnershipId: string, status: 'open' | 'resolved') {
  let q = disputeQuery(tx).where('d.partnership_id', '=', partnershipId);
  q = status === 'open' ? q.where('d.status', '=', 'open') : q.where('d.status', '<>', 'open');
  return q.orderBy('d.raised_at', status === 'open' ? 'asc' : 'desc').limit(100).execute();
}

export function findDispute(tx: Tx, id: string) {
  return disputeQuery(tx).where('d.id', '=', id).executeTakeFirst();
}
export type DisputeRow = NonNullable<Awaited<ReturnType<typeof findDispute>>>;

export async function resolveDispute(tx: Tx, id: string, version: number, r: { status: 'upheld' | 'withdrawn' | 'reassigned'; note: string; userId: string; reassignedTo: string | null }) {
  const res = await tx
    .updateTable('task_disputes')
    .set({ status: r.status, resolution_note: r.note, resolved_by: r.userId, resolved_at: new Date(), reassigned_organisation_id: r.reassignedTo, version: sql`version + 1` })
    .where('id', '=', id)
    .where('version', '=', version)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function changeTaskAfterDispute(tx: Tx, taskId: string, userId: string, change: { status: 'cancelled' } | { organisationId: string }) {
  const set =
    'status' in change
      ? { status: 'cancelled' as const }
      : { assigned_organisation_id: change.organisationId, assigned_user_id: null, assigned_team_id: null, acknowledged_at: null, acknowledged_by: null, escalation_level: 0, escalated_at: null };
  await tx
    .updateTable('tasks')
    .set({ ...set, updated_by: userId, updated_at: new Date(), version: sql`version + 1` })
    .where('id', '=', taskId)
    .execute();
}

/** Active managers of the given organisations, to be told of an escalation or a dispute. */
export function managersOf(tx: Tx, organisationIds: string[]) {
  if (organisationIds.length === 0) return Promise.resolve([]);
  return tx
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'organisation_id'])
    .where('organisation_id', 'in', organisationIds)
    .where('active', '=', true)
    .where(sql<boolean>`'manager' = ANY (roles)`)
    .execute();
}

export function partnershipOrganisations(tx: Tx, partnershipId: string) {
  return tx.selectFrom('organisations').select(['id', 'name']).where('partnership_id', '=', partnershipId).where('active', '=', true).orderBy('name').execute();
}
