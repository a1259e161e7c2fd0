// Typed queries on tasks. Every function runs inside withUser: row-level security lets a user see a
// task their organisation set or that is assigned to them, their team or their organisation.
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';
import type { TaskList, TaskPriority, TaskShow, TaskStatus } from './labels.ts';

export const PAGE_SIZE = 50;

const OPEN = sql<boolean>`t.status IN ('open', 'in_progress')`;
const OVERDUE = sql<boolean>`t.status IN ('open', 'in_progress') AND t.due_date < current_date`;
const PRIORITY_RANK = sql<number>`CASE t.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END`;

function taskRows(tx: Tx) {
  return tx
    .selectFrom('tasks as t')
    .innerJoin('organisations as o', 'o.id', 't.owner_organisation_id')
    .leftJoin('users as au', 'au.id', 't.assigned_user_id')
    .leftJoin('teams as at', 'at.id', 't.assigned_team_id')
    .leftJoin('organisations as ato', 'ato.id', 'at.organisation_id')
    .leftJoin('organisations as ao', 'ao.id', 't.assigned_organisation_id')
    .leftJoin('cases as c', 'c.id', 't.case_id')
    .leftJoin('incidents as i', 'i.id', 't.incident_id')
    .select([
      't.id',
      't.title',
      't.status',
      't.priority',
      't.due_date',
      't.case_id',
      't.incident_id',
      't.owner_organisation_id',
      't.created_at',
      'o.name as owner_name',
      'au.display_name as assigned_user',
      'at.name as assigned_team',
      'ato.name as assigned_team_organisation',
      'ao.name as assigned_organisation',
      // Row-level security hides cases and incidents the viewer may not see; then only the reference shows.
      'c.id as visible_case_id',
      'c.reference as case_reference',
      'i.id as visible_incident_id',
      'i.reference as incident_reference',
      sql<
        string | null
      >`CASE WHEN c.id IS NULL AND t.case_id IS NOT NULL THEN (SELECT x.case_reference || ', held by ' || x.case_holder FROM app_task_context(t.id) x) END`.as(
        'hidden_case',
      ),
      sql<
        string | null
      >`CASE WHEN i.id IS NULL AND t.incident_id IS NOT NULL THEN (SELECT x.incident_reference || ', held by ' || x.incident_holder FROM app_task_context(t.id) x) END`.as(
        'hidden_incident',
      ),
      OVERDUE.as('overdue'),
    ]);
}
export type TaskListRow = Awaited<ReturnType<ReturnType<typeof taskRows>['execute']>>[number];

export function listTasks(
  tx: Tx,
  me: { userId: string; organisationId: string },
  list: TaskList,
  show: TaskShow,
  page: number,
) {
  let q = taskRows(tx);
  if (list === 'mine') q = q.where('t.assigned_user_id', '=', me.userId);
  else if (list === 'team')
    q = q.where((eb) =>
      eb.or([
        eb('t.assigned_organisation_id', '=', me.organisationId),
        sql<boolean>`t.assigned_team_id = ANY (app_team_ids())`,
      ]),
    );
  else q = q.where('t.owner_organisation_id', '=', me.organisationId);
  if (show === 'open') q = q.where(OPEN);
  else if (show !== 'all') q = q.where('t.status', '=', show);
  return q
    .orderBy(OPEN, 'desc')
    .orderBy(OVERDUE, 'desc')
    .orderBy('t.due_date', (ob) => ob.asc().nullsLast())
    .orderBy(PRIORITY_RANK)
    .orderBy('t.created_at', 'desc')
    .orderBy('t.id')
    .limit(PAGE_SIZE + 1)
    .offset((page - 1) * PAGE_SIZE)
    .execute();
}

/** Open tasks assigned to one user that the viewer can see, overdue first. */
export function openTasksAssignedTo(tx: Tx, userId: string) {
  return taskRows(tx)
    .where('t.assigned_user_id', '=', userId)
    .where(OPEN)
    .orderBy(OVERDUE, 'desc')
    .orderBy('t.due_date', (ob) => ob.asc().nullsLast())
    .orderBy(PRIORITY_RANK)
    .limit(200)
    .execute();
}

export function countOpenForUser(tx: Tx, userId: string) {
  return tx
    .selectFrom('tasks as t')
    .select((eb) => [
      eb.fn.countAll<number>().as('open'),
      eb.fn.count<number>('t.id').filterWhere(OVERDUE).as('overdue'),
    ])
    .where('t.assigned_user_id', '=', userId)
    .where(OPEN)
    .executeTakeFirstOrThrow();
}

export function findTask(tx: Tx, id: string) {
  return tx
    .selectFrom('tasks as t')
    .innerJoin('organisations as o', 'o.id', 't.owner_organisation_id')
    .innerJoin('users as cb', 'cb.id', 't.created_by')
    .leftJoin('users as ub', 'ub.id', 't.updated_by')
    .leftJoin('users as done', 'done.id', 't.completed_by')
    .leftJoin('users as au', 'au.id', 't.assigned_user_id')
    .leftJoin('organisations as auo', 'auo.id', 'au.organisation_id')
    .leftJoin('teams as at', 'at.id', 't.assigned_team_id')
    .leftJoin('organisations as ato', 'ato.id', 'at.organisation_id')
    .leftJoin('organisations as ao', 'ao.id', 't.assigned_organisation_id')
    .selectAll('t')
    .select([
      'o.name as owner_name',
      'cb.display_name as created_by_name',
      'ub.display_name as updated_by_name',
      'done.display_name as completed_by_name',
      'au.display_name as assigned_user',
      'auo.name as assigned_user_organisation',
      'at.name as assigned_team',
      'ato.name as assigned_team_organisation',
      'ao.name as assigned_organisation',
      OVERDUE.as('overdue'),
    ])
    .where('t.id', '=', id)
    .executeTakeFirst();
}
export type TaskRow = NonNullable<Awaited<ReturnType<typeof findTask>>>;

/** The case and incident a task is on: with a link when the viewer can see them, else only the reference and holder. */
export async function taskContext(
  tx: Tx,
  task: { id: string; case_id: string | null; incident_id: string | null },
) {
  const visibleCase = task.case_id
    ? await tx
        .selectFrom('cases')
        .select(['id', 'reference', 'title'])
        .where('id', '=', task.case_id)
        .executeTakeFirst()
    : undefined;
  const visibleIncident = task.incident_id
    ? await tx
        .selectFrom('incidents')
        .select(['id', 'reference'])
        .where('id', '=', task.incident_id)
        .executeTakeFirst()
    : undefined;
  const needHidden = (task.case_id && !visibleCase) || (task.incident_id && !visibleIncident);
  const hidden = needHidden
    ? (
        await sql<{
          case_reference: string | null;
          case_holder: string | null;
          incident_reference: string | null;
          incident_holder: string | null;
        }>`
          SELECT * FROM app_task_context(${task.id}::uuid)`.execute(tx)
      ).rows[0]
    : undefined;
  return {
    case: visibleCase ?? null,
    hiddenCase:
      task.case_id && !visibleCase && hidden?.case_reference
        ? { reference: hidden.case_reference, holder: hidden.case_holder }
        : null,
    incident: visibleIncident ?? null,
    hiddenIncident:
      task.incident_id && !visibleIncident && hidden?.incident_reference
        ? { reference: hidden.incident_reference, holder: hidden.incident_holder }
        : null,
  };
}

export interface TaskFields {
  title: string;
  details: string | null;
  assigned_user_id: string | null;
  assigned_team_id: string | null;
  assigned_organisation_id: string | null;
  due_date: string | null;
  priority: TaskPriority;
}

export function insertTask(
  tx: Tx,
  row: TaskFields & {
    partnership_id: string;
    owner_organisation_id: string;
    created_by: string;
    case_id: string | null;
    incident_id: string | null;
    intervention_id: string | null;
  },
) {
  return tx
    .insertInto('tasks')
    .values({ ...row, updated_by: row.created_by, updated_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** Optimistic concurrency: applies only if nobody changed the task since `version`. */
export async function updateTask(
  tx: Tx,
  id: string,
  version: number,
  userId: string,
  set: Partial<TaskFields> & {
    status?: TaskStatus;
    completion_notes?: string | null;
    completed_by?: string | null;
    completed_at?: Date | null;
  },
) {
  const r = await tx
    .updateTable('tasks')
    .set((eb) => ({ ...set, updated_by: userId, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Whether a user, team or organisation can be given a task in this partnership. */
export async function assigneeInPartnership(
  tx: Tx,
  partnershipId: string,
  a: { userId: string | null; teamId: string | null; organisationId: string | null },
) {
  if (a.userId) {
    const r = await tx
      .selectFrom('users as u')
      .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
      .select('u.id')
      .where('u.id', '=', a.userId)
      .where('u.active', '=', true)
      .where('o.partnership_id', '=', partnershipId)
      .executeTakeFirst();
    if (!r) return false;
  }
  if (a.teamId) {
    const r = await tx
      .selectFrom('teams as t')
      .innerJoin('organisations as o', 'o.id', 't.organisation_id')
      .select('t.id')
      .where('t.id', '=', a.teamId)
      .where('o.partnership_id', '=', partnershipId)
      .executeTakeFirst();
    if (!r) return false;
  }
  if (a.organisationId) {
    const r = await tx
      .selectFrom('organisations')
      .select('id')
      .where('id', '=', a.organisationId)
      .where('partnership_id', '=', partnershipId)
      .where('active', '=', true)
      .executeTakeFirst();
    if (!r) return false;
  }
  return !!(a.userId || a.teamId || a.organisationId);
}

// --- caseloads ----------------------------------------------------------------------------------

/** Per active user of the organisation: open cases they lead and those past their review date. */
export function caseCounts(tx: Tx, organisationId: string) {
  return tx
    .selectFrom('users as u')
    .leftJoin('cases as c', (j) => j.onRef('c.lead_officer_id', '=', 'u.id').on('c.status', '<>', 'closed'))
    .select((eb) => [
      'u.id',
      'u.display_name',
      'u.job_title',
      'u.roles',
      eb.fn.count<number>('c.id').as('open_cases'),
      eb.fn
        .count<number>('c.id')
        .filterWhere(sql<boolean>`c.review_date < current_date`)
        .as('overdue_reviews'),
    ])
    .where('u.organisation_id', '=', organisationId)
    .where('u.active', '=', true)
    .groupBy(['u.id', 'u.display_name', 'u.job_title', 'u.roles'])
    .orderBy('u.display_name')
    .execute();
}

export async function taskCountsForOrganisationStaff(tx: Tx) {
  const r = await sql<{
    user_id: string;
    open_tasks: number;
    overdue_tasks: number;
  }>`SELECT * FROM app_caseload_task_counts()`.execute(tx);
  return new Map(
    r.rows.map((x) => [x.user_id, { open: Number(x.open_tasks), overdue: Number(x.overdue_tasks) }]),
  );
}

/** Open tasks given to the organisation as a whole or to one of its teams. */
export function sharedQueueCounts(tx: Tx, organisationId: string) {
  return tx
    .selectFrom('tasks as t')
    .select((eb) => [
      eb.fn.countAll<number>().as('open'),
      eb.fn.count<number>('t.id').filterWhere(OVERDUE).as('overdue'),
    ])
    .where(OPEN)
    .where((eb) =>
      eb.or([
        eb('t.assigned_organisation_id', '=', organisationId),
        eb(
          't.assigned_team_id',
          'in',
          eb.selectFrom('teams').select('id').where('organisation_id', '=', organisationId),
        ),
      ]),
    )
    .executeTakeFirstOrThrow();
}

export function openCasesLedBy(tx: Tx, userId: string) {
  return tx
    .selectFrom('cases as c')
    .leftJoin('case_types as ct', 'ct.id', 'c.case_type_id')
    .select([
      'c.id',
      'c.reference',
      'c.title',
      'c.status',
      'c.priority',
      'c.review_date',
      'ct.name as type_name',
      sql<boolean>`c.review_date < current_date`.as('overdue'),
    ])
    .where('c.lead_officer_id', '=', userId)
    .where('c.status', '<>', 'closed')
    .orderBy(sql`c.review_date < current_date`, 'desc')
    .orderBy('c.review_date', (ob) => ob.asc().nullsLast())
    .limit(200)
    .execute();
}

export function organisationUser(tx: Tx, organisationId: string, userId: string) {
  return tx
    .selectFrom('users')
    .select(['id', 'display_name', 'job_title'])
    .where('id', '=', userId)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
}

export async function myTeamIds(tx: Tx) {
  const r = await sql<{ ids: string[] }>`SELECT app_team_ids() AS ids`.execute(tx);
  return r.rows[0]?.ids ?? [];
}
