// Tasks: work set on a case or an incident for a user, a team or an organisation of the
// partnership. The organisation that set a task owns it and may change all of it; whoever it is
// assigned to sees it (row-level security) and may move it on (in progress, done) even when they
// cannot see the case it is on. Every view, list and change is audited in its transaction.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { auditBy, type AuditActor } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import { createShare, shareTargets } from '../../platform/access/shares.ts';
import type { TaskList, TaskPriority, TaskShow, TaskStatus } from './labels.ts';
import { notify, usersReached } from '../notifications/service.ts';
import * as repo from './repository.ts';

export const RECORD_TYPE = 'task';

/** What another capability passes to set a task (column names as in the tasks table). */
export interface NewTask {
  title: string;
  details?: string | null;
  case_id?: string | null;
  incident_id?: string | null;
  intervention_id?: string | null;
  /** One of these three; with none, the task is for the acting user. */
  assigned_user_id?: string | null;
  assigned_team_id?: string | null;
  assigned_organisation_id?: string | null;
  due_date?: string | null;
  priority?: TaskPriority;
}

/**
 * Sets a task inside the caller's transaction and audits it. The case or incident must be one the
 * acting user can see; when another organisation holds it, that organisation is given sight of the
 * task, so work set on its records is never hidden from it. Returns the new task's id.
 */
export async function createTask(tx: Tx, actor: AuditActor, fields: NewTask): Promise<string> {
  const noAssignee = !fields.assigned_user_id && !fields.assigned_team_id && !fields.assigned_organisation_id;
  const assignee = {
    userId: noAssignee ? actor.userId : (fields.assigned_user_id ?? null),
    teamId: fields.assigned_team_id ?? null,
    organisationId: fields.assigned_organisation_id ?? null,
  };
  if (!(await repo.assigneeInPartnership(tx, actor.partnershipId, assignee)))
    throw new Error(
      'A task can only be assigned to an active user, team or organisation of the partnership.',
    );
  const holders = new Set<string>();
  if (fields.case_id) {
    const c = await tx
      .selectFrom('cases')
      .select('owner_organisation_id')
      .where('id', '=', fields.case_id)
      .executeTakeFirst();
    if (!c) throw new Error('The case for this task could not be found.');
    holders.add(c.owner_organisation_id);
  }
  if (fields.incident_id) {
    const i = await tx
      .selectFrom('incidents')
      .select('owner_organisation_id')
      .where('id', '=', fields.incident_id)
      .executeTakeFirst();
    if (!i) throw new Error('The incident for this task could not be found.');
    holders.add(i.owner_organisation_id);
  }
  const { id } = await repo.insertTask(tx, {
    title: fields.title,
    details: fields.details ?? null,
    case_id: fields.case_id ?? null,
    incident_id: fields.incident_id ?? null,
    intervention_id: fields.intervention_id ?? null,
    assigned_user_id: assignee.userId,
    assigned_team_id: assignee.teamId,
    assigned_organisation_id: assignee.organisationId,
    due_date: fields.due_date ?? null,
    priority: fields.priority ?? 'normal',
    partnership_id: actor.partnershipId,
    owner_organisation_id: actor.organisationId,
    created_by: actor.userId,
  });
  await auditBy(tx, actor, 'create', RECORD_TYPE, id, {
    case_id: fields.case_id ?? null,
    incident_id: fields.incident_id ?? null,
    intervention_id: fields.intervention_id ?? null,
    assigned_to: assignee.userId ? 'user' : assignee.teamId ? 'team' : 'organisation',
    assigned_id: assignee.userId ?? assignee.teamId ?? assignee.organisationId,
  });
  await tellAssignees(tx, id, assignee);
  holders.delete(actor.organisationId);
  for (const holder of holders) {
    await createShare(tx, actor, {
      recordType: RECORD_TYPE,
      recordId: id,
      target: { kind: 'organisation', id: holder },
      access: 'view',
      reason: 'A task on a record your organisation holds',
      expiresAt: null,
    });
  }
  return id;
}

/** Notifies whoever a task now reaches: its user, its team's members, or its organisation's managers and coordinators. */
async function tellAssignees(tx: Tx, taskId: string, to: { userId: string | null; teamId: string | null; organisationId: string | null }) {
  const title = to.userId ? 'You have a new task' : to.teamId ? 'Your team has a new task' : 'Your organisation has a new task';
  await notify(tx, await usersReached(tx, to), { kind: 'task_assigned', title, href: `/tasks/${taskId}`, recordType: RECORD_TYPE, recordId: taskId });
}

// --- setting a task from the form -----------------------------------------------------------------

export async function assigneeOptions(tx: Tx, partnershipId: string) {
  const targets = await shareTargets(tx, partnershipId);
  return {
    targets,
    ids: {
      userIds: targets.users.map((u) => u.id),
      teamIds: targets.teams.map((t) => t.id),
      organisationIds: targets.organisations.map((o) => o.id),
    },
  };
}

/** What the new-task form needs: who tasks can go to, and the case or incident (if the user can see it). */
export async function newTaskForm(
  db: Kysely<DB>,
  actor: Actor,
  on: { caseId: string | null; incidentId: string | null },
) {
  return withUser(db, actor.userId, async (tx) => {
    const on_case = on.caseId
      ? await tx
          .selectFrom('cases')
          .select(['id', 'reference', 'title'])
          .where('id', '=', on.caseId)
          .executeTakeFirst()
      : null;
    const on_incident = on.incidentId
      ? await tx
          .selectFrom('incidents')
          .select(['id', 'reference'])
          .where('id', '=', on.incidentId)
          .executeTakeFirst()
      : null;
    if ((on.caseId && !on_case) || (on.incidentId && !on_incident)) return null;
    return {
      options: await assigneeOptions(tx, actor.partnershipId),
      case: on_case ?? null,
      incident: on_incident ?? null,
    };
  });
}

export async function createTaskFromForm(
  db: Kysely<DB>,
  actor: Actor,
  on: { caseId: string | null; incidentId: string | null },
  fields: repo.TaskFields,
) {
  return withUser(db, actor.userId, (tx) =>
    createTask(tx, actor, { ...fields, case_id: on.caseId, incident_id: on.incidentId }),
  );
}

// --- lists --------------------------------------------------------------------------------------

export async function listTasks(db: Kysely<DB>, actor: Actor, list: TaskList, show: TaskShow, page: number) {
  return withUser(db, actor.userId, async (tx) => {
    const rows = await repo.listTasks(tx, actor, list, show, page);
    await auditBy(tx, actor, 'list', RECORD_TYPE, null, {
      list,
      show,
      page,
      shown: Math.min(rows.length, repo.PAGE_SIZE),
    });
    return { tasks: rows.slice(0, repo.PAGE_SIZE), hasMore: rows.length > repo.PAGE_SIZE };
  });
}

/** How many open tasks are assigned to the user, and how many of those are overdue. */
export async function myOpenTaskCount(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, async (tx) => {
    const r = await repo.countOpenForUser(tx, actor.userId);
    return { open: Number(r.open), overdue: Number(r.overdue) };
  });
}

// --- one task -----------------------------------------------------------------------------------

interface TaskAccess {
  /** Change everything: the owner organisation, or an edit share. */
  edit: boolean;
  /** Move the status on: the above, or whoever it is assigned to. */
  status: boolean;
}

async function access(tx: Tx, actor: Actor, task: repo.TaskRow): Promise<TaskAccess> {
  if (task.owner_organisation_id === actor.organisationId) return { edit: true, status: true };
  const r = await sql<{
    edit: boolean;
  }>`SELECT app_has_share('task', ${task.id}::uuid, 'edit') AS edit`.execute(tx);
  const edit = !!r.rows[0]?.edit;
  if (edit) return { edit: true, status: true };
  const teams = task.assigned_team_id ? await repo.myTeamIds(tx) : [];
  const assigned =
    task.assigned_user_id === actor.userId ||
    task.assigned_organisation_id === actor.organisationId ||
    (!!task.assigned_team_id && teams.includes(task.assigned_team_id));
  return { edit: false, status: assigned };
}

/** The statuses a task may move to, given where it is and what the user may do. */
export function nextStatuses(current: TaskStatus, can: TaskAccess): TaskStatus[] {
  if (current === 'done' || current === 'cancelled') return can.edit ? ['open'] : [];
  const forward: TaskStatus[] = current === 'open' ? ['in_progress', 'done'] : ['open', 'done'];
  return can.edit ? [...forward, 'cancelled'] : forward;
}

async function load(tx: Tx, actor: Actor, id: string) {
  const task = await repo.findTask(tx, id);
  if (!task) return null;
  return { task, access: await access(tx, actor, task) };
}

export async function viewTask(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  purpose: 'view' | 'edit' | 'status' = 'view',
) {
  return withUser(db, actor.userId, async (tx) => {
    const loaded = await load(tx, actor, id);
    if (!loaded) return null;
    const context = await repo.taskContext(tx, loaded.task);
    const options =
      purpose === 'edit' && loaded.access.edit ? await assigneeOptions(tx, actor.partnershipId) : null;
    await auditBy(tx, actor, 'view', RECORD_TYPE, id, purpose === 'view' ? undefined : { purpose });
    return { ...loaded, context, options, next: nextStatuses(loaded.task.status, loaded.access) };
  });
}

export type ChangeResult =
  | { kind: 'ok' }
  | { kind: 'not_found' }
  | { kind: 'forbidden' }
  | { kind: 'conflict'; current: repo.TaskRow };

const FIELDS: (keyof repo.TaskFields)[] = [
  'title',
  'details',
  'assigned_user_id',
  'assigned_team_id',
  'assigned_organisation_id',
  'due_date',
  'priority',
];

export async function updateTask(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  version: number,
  fields: repo.TaskFields,
): Promise<ChangeResult> {
  return withUser(db, actor.userId, async (tx) => {
    const loaded = await load(tx, actor, id);
    if (!loaded) return { kind: 'not_found' };
    if (!loaded.access.edit) return { kind: 'forbidden' };
    const before = loaded.task;
    if (before.version !== version) return { kind: 'conflict', current: before };
    const ok = await repo.updateTask(tx, id, version, actor.userId, fields);
    if (!ok) return { kind: 'conflict', current: (await repo.findTask(tx, id)) ?? before };
    const changed = FIELDS.filter((k) => (before[k] ?? null) !== (fields[k] ?? null));
    await auditBy(tx, actor, 'update', RECORD_TYPE, id, { fields: changed, version: version + 1 });
    if (changed.some((k) => k.startsWith('assigned_')))
      await tellAssignees(tx, id, { userId: fields.assigned_user_id ?? null, teamId: fields.assigned_team_id ?? null, organisationId: fields.assigned_organisation_id ?? null });
    return { kind: 'ok' };
  });
}

export async function changeStatus(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  version: number,
  change: { status: TaskStatus; completion_notes: string | null },
): Promise<ChangeResult> {
  return withUser(db, actor.userId, async (tx) => {
    const loaded = await load(tx, actor, id);
    if (!loaded) return { kind: 'not_found' };
    if (!loaded.access.status || !nextStatuses(loaded.task.status, loaded.access).includes(change.status))
      return { kind: 'forbidden' };
    const before = loaded.task;
    if (before.version !== version) return { kind: 'conflict', current: before };
    const finishing = change.status === 'done' || change.status === 'cancelled';
    const ok = await repo.updateTask(tx, id, version, actor.userId, {
      status: change.status,
      completion_notes: finishing ? change.completion_notes : before.completion_notes,
      completed_by: finishing ? actor.userId : null,
      completed_at: finishing ? new Date() : null,
    });
    if (!ok) return { kind: 'conflict', current: (await repo.findTask(tx, id)) ?? before };
    await auditBy(tx, actor, 'update', RECORD_TYPE, id, {
      fields: ['status', ...(finishing ? ['completion_notes'] : [])],
      from: before.status,
      to: change.status,
      version: version + 1,
    });
    return { kind: 'ok' };
  });
}

// --- a manager's view of caseloads ----------------------------------------------------------------

export async function caseloads(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, async (tx) => {
    const people = await repo.caseCounts(tx, actor.organisationId);
    const tasks = await repo.taskCountsForOrganisationStaff(tx);
    const queue = await repo.sharedQueueCounts(tx, actor.organisationId);
    await auditBy(tx, actor, 'list', 'caseload', null, {
      organisation_id: actor.organisationId,
      shown: people.length,
    });
    const rows = people.map((p) => ({
      ...p,
      open_cases: Number(p.open_cases),
      overdue_reviews: Number(p.overdue_reviews),
      open_tasks: tasks.get(p.id)?.open ?? 0,
      overdue_tasks: tasks.get(p.id)?.overdue ?? 0,
    }));
    return { rows, queue: { open: Number(queue.open), overdue: Number(queue.overdue) } };
  });
}

/** One officer's open cases and the open tasks assigned to them that the manager can see. */
export async function caseload(db: Kysely<DB>, actor: Actor, userId: string) {
  return withUser(db, actor.userId, async (tx) => {
    const officer = await repo.organisationUser(tx, actor.organisationId, userId);
    if (!officer) return null;
    const cases = await repo.openCasesLedBy(tx, userId);
    const tasks = await repo.openTasksAssignedTo(tx, userId);
    const counts = (await repo.taskCountsForOrganisationStaff(tx)).get(userId) ?? { open: 0, overdue: 0 };
    await auditBy(tx, actor, 'list', 'caseload', userId, { cases: cases.length, tasks: tasks.length });
    return { officer, cases, tasks, hiddenTasks: Math.max(0, counts.open - tasks.length), counts };
  });
}
