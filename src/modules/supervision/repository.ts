// Typed queries for supervision. Every function runs inside withUser, so row-level security has
// already narrowed what it can see: a manager counts and lists the cases and tasks their organisation
// can see. Cases and tasks belong to their own capabilities; supervision changes only who leads a
// case or holds a task, under the same policies and version checks as their own pages.
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';
import type { RiskBand } from '../../platform/db/schema.ts';

export const LIST_LIMIT = 200;
const WORKER_ROLES = ['case_officer', 'coordinator', 'manager', 'partner_user'];

// --- who a manager supervises ------------------------------------------------------------------

export interface Officer {
  id: string;
  display_name: string;
  job_title: string | null;
  line_manager_id: string | null;
}

/** Active users of the organisation: those the manager line-manages, or everyone. */
export function officers(tx: Tx, organisationId: string, managerId: string | null) {
  let q = tx
    .selectFrom('users')
    .select(['id', 'display_name', 'job_title', 'line_manager_id'])
    .where('organisation_id', '=', organisationId)
    .where('active', '=', true);
  if (managerId) q = q.where('line_manager_id', '=', managerId);
  return q.orderBy('display_name').orderBy('id').execute();
}

export function organisationOfficer(tx: Tx, organisationId: string, userId: string) {
  return tx
    .selectFrom('users as u')
    .leftJoin('users as m', 'm.id', 'u.line_manager_id')
    .select(['u.id', 'u.display_name', 'u.job_title', 'u.line_manager_id', 'm.display_name as line_manager_name'])
    .where('u.id', '=', userId)
    .where('u.organisation_id', '=', organisationId)
    .where('u.active', '=', true)
    .executeTakeFirst();
}

/** Who can lead a case or hold a task in the organisation: its active users with a working role. */
export function assignableOfficers(tx: Tx, organisationId: string) {
  return tx
    .selectFrom('users')
    .select(['id', 'display_name', 'job_title'])
    .where('organisation_id', '=', organisationId)
    .where('active', '=', true)
    .where(sql<SqlBool>`roles && ${WORKER_ROLES}::text[]`)
    .orderBy('display_name')
    .orderBy('id')
    .execute();
}

// --- rising risk ---------------------------------------------------------------------------------

const BAND_RANK = (col: string) =>
  sql<number>`CASE ${sql.ref(col)} WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END`;

/**
 * The ids of open cases (of `cases`, a subquery of case ids) on which someone's risk is rising: a
 * person on the case (in one of its incidents, or assessed on the case itself) whose latest risk
 * assessment has a higher band than the one before it. Only assessments the viewer can see count.
 */
function risingCases(cases: Expression<unknown>) {
  return sql<{ case_id: string }>`
    SELECT DISTINCT x.case_id FROM (
      SELECT ci.case_id, ip.person_id FROM case_incidents ci
        JOIN incident_people ip ON ip.incident_id = ci.incident_id
        WHERE ci.case_id IN (${cases})
      UNION
      SELECT ra.case_id, ra.person_id FROM risk_assessments ra WHERE ra.case_id IN (${cases})
    ) x
    CROSS JOIN LATERAL (
      SELECT array_agg(${BAND_RANK('r.final_band')} ORDER BY r.assessed_at DESC, r.id) AS ranks
      FROM (SELECT final_band, assessed_at, id FROM risk_assessments
        WHERE person_id = x.person_id ORDER BY assessed_at DESC, id LIMIT 2) r
    ) z
    WHERE z.ranks[1] > z.ranks[2]`;
}

// --- counts per officer ----------------------------------------------------------------------------

export interface CaseCounts {
  open_cases: number;
  past_review: number;
  rising_risk: number;
}

/** Per lead officer: open cases, those past their review date, those with rising risk. */
export async function caseCounts(tx: Tx, officerIds: string[]): Promise<Map<string, CaseCounts>> {
  if (!officerIds.length) return new Map();
  const open = sql`SELECT c.id FROM cases c WHERE c.status <> 'closed' AND c.lead_officer_id IN (${sql.join(officerIds)})`;
  const r = await sql<{ user_id: string } & CaseCounts>`
    WITH rising AS (${risingCases(open)})
    SELECT c.lead_officer_id AS user_id,
      count(*)::integer AS open_cases,
      (count(*) FILTER (WHERE c.review_date < current_date))::integer AS past_review,
      (count(*) FILTER (WHERE c.id IN (SELECT case_id FROM rising)))::integer AS rising_risk
    FROM cases c
    WHERE c.status <> 'closed' AND c.lead_officer_id IN (${sql.join(officerIds)})
    GROUP BY c.lead_officer_id`.execute(tx);
  return new Map(
    r.rows.map((x) => [
      x.user_id,
      { open_cases: Number(x.open_cases), past_review: Number(x.past_review), rising_risk: Number(x.rising_risk) },
    ]),
  );
}

/**
 * Open and overdue tasks assigned by name to each of the organisation's active users, including tasks
 * other organisations set them that the manager cannot see (counts only, from a definer function).
 */
export async function taskCounts(tx: Tx) {
  const r = await sql<{ user_id: string; open_tasks: number; overdue_tasks: number }>`
    SELECT * FROM app_caseload_task_counts()`.execute(tx);
  return new Map(r.rows.map((x) => [x.user_id, { open: Number(x.open_tasks), overdue: Number(x.overdue_tasks) }]));
}

// --- one officer's work --------------------------------------------------------------------------

export type CaseFilter = 'open' | 'past_review' | 'rising_risk';

export interface SupervisedCase {
  id: string;
  reference: string;
  title: string;
  status: 'open' | 'on_hold' | 'closed';
  priority: RiskBand;
  review_date: string | null;
  type_name: string | null;
  past_review: boolean;
  rising: boolean;
}

export async function officerCases(tx: Tx, officerId: string, filter: CaseFilter): Promise<SupervisedCase[]> {
  const open = sql`SELECT c.id FROM cases c WHERE c.status <> 'closed' AND c.lead_officer_id = ${officerId}`;
  const r = await sql<SupervisedCase>`
    WITH rising AS (${risingCases(open)})
    SELECT c.id, c.reference, c.title, c.status, c.priority, c.review_date, ct.name AS type_name,
      coalesce(c.review_date < current_date, false) AS past_review,
      (c.id IN (SELECT case_id FROM rising)) AS rising
    FROM cases c LEFT JOIN case_types ct ON ct.id = c.case_type_id
    WHERE c.status <> 'closed' AND c.lead_officer_id = ${officerId}
      AND (${filter}::text <> 'past_review' OR c.review_date < current_date)
      AND (${filter}::text <> 'rising_risk' OR c.id IN (SELECT case_id FROM rising))
    ORDER BY c.review_date < current_date DESC NULLS LAST, c.review_date ASC NULLS LAST, c.reference
    LIMIT ${LIST_LIMIT}`.execute(tx);
  return r.rows;
}

/** Open tasks assigned to the officer by name that the manager can see, overdue first. */
export function officerTasks(tx: Tx, officerId: string, overdueOnly: boolean) {
  let q = tx
    .selectFrom('tasks as t')
    .innerJoin('organisations as o', 'o.id', 't.owner_organisation_id')
    .leftJoin('cases as c', 'c.id', 't.case_id')
    .leftJoin('incidents as i', 'i.id', 't.incident_id')
    .select([
      't.id',
      't.title',
      't.status',
      't.priority',
      't.due_date',
      't.owner_organisation_id',
      'o.name as owner_name',
      'c.id as case_id',
      'c.reference as case_reference',
      'i.id as incident_id',
      'i.reference as incident_reference',
      sql<boolean>`coalesce(t.due_date < current_date, false)`.as('overdue'),
    ])
    .where('t.assigned_user_id', '=', officerId)
    .where('t.status', 'in', ['open', 'in_progress']);
  if (overdueOnly) q = q.where(sql<SqlBool>`t.due_date < current_date`);
  return q
    .orderBy(sql`t.due_date < current_date`, (ob) => ob.desc().nullsLast())
    .orderBy('t.due_date', (ob) => ob.asc().nullsLast())
    .orderBy('t.id')
    .limit(LIST_LIMIT)
    .execute();
}
export type SupervisedTask = Awaited<ReturnType<typeof officerTasks>>[number];

// --- reassigning ---------------------------------------------------------------------------------

export function findCase(tx: Tx, id: string) {
  return tx
    .selectFrom('cases as c')
    .leftJoin('users as l', 'l.id', 'c.lead_officer_id')
    .select([
      'c.id',
      'c.reference',
      'c.title',
      'c.status',
      'c.priority',
      'c.review_date',
      'c.lead_officer_id',
      'c.owner_organisation_id',
      'c.version',
      'l.display_name as lead_name',
      sql<boolean>`coalesce(c.status <> 'closed' AND c.review_date < current_date, false)`.as('past_review'),
    ])
    .where('c.id', '=', id)
    .executeTakeFirst();
}
export type CaseRow = NonNullable<Awaited<ReturnType<typeof findCase>>>;

export function findTask(tx: Tx, id: string) {
  return tx
    .selectFrom('tasks as t')
    .leftJoin('users as au', 'au.id', 't.assigned_user_id')
    .leftJoin('cases as c', 'c.id', 't.case_id')
    .select([
      't.id',
      't.title',
      't.status',
      't.due_date',
      't.assigned_user_id',
      't.assigned_team_id',
      't.assigned_organisation_id',
      't.owner_organisation_id',
      't.version',
      'au.display_name as assigned_name',
      'c.id as case_id',
      'c.reference as case_reference',
    ])
    .where('t.id', '=', id)
    .executeTakeFirst();
}
export type TaskRow = NonNullable<Awaited<ReturnType<typeof findTask>>>;

/** Optimistic concurrency: moves the case only if nobody changed it since `version`. */
export async function setLeadOfficer(tx: Tx, id: string, version: number, toUserId: string, byUserId: string) {
  const r = await tx
    .updateTable('cases')
    .set((eb) => ({ lead_officer_id: toUserId, updated_by: byUserId, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Unfinished tasks on a case that the organisation set for one person by name (they move with the case). */
export function openTasksOnCase(tx: Tx, caseId: string, userId: string, organisationId: string) {
  return tx
    .selectFrom('tasks')
    .select(['id', 'title', 'version'])
    .where('case_id', '=', caseId)
    .where('assigned_user_id', '=', userId)
    .where('owner_organisation_id', '=', organisationId)
    .where('status', 'in', ['open', 'in_progress'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Optimistic concurrency: gives the task to one named person only if nobody changed it since `version`. */
export async function setTaskAssignee(tx: Tx, id: string, version: number, toUserId: string, byUserId: string) {
  const r = await tx
    .updateTable('tasks')
    .set((eb) => ({
      assigned_user_id: toUserId,
      assigned_team_id: null,
      assigned_organisation_id: null,
      updated_by: byUserId,
      updated_at: new Date(),
      version: eb('version', '+', 1),
    }))
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function insertReassignment(
  tx: Tx,
  row: {
    partnership_id: string;
    owner_organisation_id: string;
    case_id: string | null;
    task_id: string | null;
    from_user_id: string | null;
    to_user_id: string;
    reason: string;
    reassigned_by: string;
  },
) {
  return tx.insertInto('supervision_reassignments').values(row).returning('id').executeTakeFirstOrThrow();
}

export function reassignmentsOf(tx: Tx, on: { caseId?: string; taskId?: string }) {
  let q = tx
    .selectFrom('supervision_reassignments as r')
    .innerJoin('users as b', 'b.id', 'r.reassigned_by')
    .innerJoin('users as t', 't.id', 'r.to_user_id')
    .leftJoin('users as f', 'f.id', 'r.from_user_id')
    .select([
      'r.id',
      'r.reason',
      'r.reassigned_at',
      'b.display_name as by_name',
      't.display_name as to_name',
      'f.display_name as from_name',
    ]);
  q = on.caseId ? q.where('r.case_id', '=', on.caseId) : q.where('r.task_id', '=', on.taskId ?? null);
  return q.orderBy('r.reassigned_at', 'desc').orderBy('r.id').execute();
}

// --- supervision notes ---------------------------------------------------------------------------

export function notesOf(tx: Tx, caseId: string) {
  return tx
    .selectFrom('case_supervision_notes as n')
    .innerJoin('users as u', 'u.id', 'n.author_id')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .select(['n.id', 'n.note', 'n.next_review_date', 'n.created_at', 'u.display_name as author_name', 'o.name as author_organisation'])
    .where('n.case_id', '=', caseId)
    .orderBy('n.created_at', 'desc')
    .orderBy('n.id')
    .execute();
}

export function insertNote(tx: Tx, row: { case_id: string; author_id: string; note: string; next_review_date: string | null }) {
  return tx.insertInto('case_supervision_notes').values(row).returning('id').executeTakeFirstOrThrow();
}

/** Optimistic concurrency: sets the case's review date only if nobody changed the case since `version`. */
export async function setReviewDate(tx: Tx, id: string, version: number, date: string, byUserId: string) {
  const r = await tx
    .updateTable('cases')
    .set((eb) => ({ review_date: date, updated_by: byUserId, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
