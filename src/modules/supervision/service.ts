// Supervision by first-line managers: each officer's caseload (open cases, overdue tasks, cases past
// their review date, cases with rising risk), moving a case or a task to another officer with a
// reason, and supervision notes on a case. Managers only: the routes' guard and every function here
// check the role, and row-level security limits what is counted and changed to what the manager's
// organisation can see. Every view, list and change is audited in its transaction.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import { accessTo } from '../../platform/access/shares.ts';
import * as repo from './repository.ts';

export const SCOPES = ['mine', 'organisation'] as const;
export type Scope = (typeof SCOPES)[number];
export const SHOWS = ['open', 'past_review', 'rising_risk', 'overdue_tasks', 'open_tasks'] as const;
export type Show = (typeof SHOWS)[number];

export const isManager = (actor: Actor) => actor.roles.includes('manager');

export type Result<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'not_found' }
  | { kind: 'forbidden'; message: string }
  | { kind: 'invalid'; field: string; message: string };

const FORBIDDEN = { kind: 'forbidden' as const, message: 'Only managers can supervise caseloads.' };

// --- the supervision page ------------------------------------------------------------------------

export interface OfficerRow extends repo.Officer, repo.CaseCounts {
  open_tasks: number;
  overdue_tasks: number;
}

export async function overview(db: Kysely<DB>, actor: Actor, scope: Scope) {
  if (!isManager(actor)) return FORBIDDEN;
  return withUser(db, actor.userId, async (tx) => {
    const people = await repo.officers(tx, actor.organisationId, scope === 'mine' ? actor.userId : null);
    const cases = await repo.caseCounts(tx, people.map((p) => p.id));
    const tasks = await repo.taskCounts(tx);
    const rows: OfficerRow[] = people.map((p) => ({
      ...p,
      open_cases: cases.get(p.id)?.open_cases ?? 0,
      past_review: cases.get(p.id)?.past_review ?? 0,
      rising_risk: cases.get(p.id)?.rising_risk ?? 0,
      open_tasks: tasks.get(p.id)?.open ?? 0,
      overdue_tasks: tasks.get(p.id)?.overdue ?? 0,
    }));
    await auditBy(tx, actor, 'list', 'supervision', null, { scope, shown: rows.length });
    return { kind: 'ok' as const, value: { rows } };
  });
}

/** One officer's open cases (all, past review, or rising risk) or open tasks (all or overdue). */
export async function officerPage(db: Kysely<DB>, actor: Actor, officerId: string, show: Show) {
  if (!isManager(actor)) return FORBIDDEN;
  return withUser(db, actor.userId, async (tx) => {
    const officer = await repo.organisationOfficer(tx, actor.organisationId, officerId);
    if (!officer) return { kind: 'not_found' as const };
    const counts = (await repo.caseCounts(tx, [officerId])).get(officerId) ?? {
      open_cases: 0,
      past_review: 0,
      rising_risk: 0,
    };
    const taskCounts = (await repo.taskCounts(tx)).get(officerId) ?? { open: 0, overdue: 0 };
    const showsTasks = show === 'overdue_tasks' || show === 'open_tasks';
    const cases = showsTasks ? [] : await repo.officerCases(tx, officerId, show);
    const tasks = showsTasks ? await repo.officerTasks(tx, officerId, show === 'overdue_tasks') : [];
    // Tasks other organisations set the officer are counted but not shown: the manager cannot see them.
    const hiddenTasks = showsTasks
      ? Math.max(0, (show === 'overdue_tasks' ? taskCounts.overdue : taskCounts.open) - tasks.length)
      : 0;
    await auditBy(tx, actor, 'list', 'caseload', officerId, { show, cases: cases.length, tasks: tasks.length });
    return {
      kind: 'ok' as const,
      value: { officer, counts: { ...counts, open_tasks: taskCounts.open, overdue_tasks: taskCounts.overdue }, cases, tasks, hiddenTasks },
    };
  });
}

// --- reassigning a case --------------------------------------------------------------------------

/** The manager may move a case their organisation holds and that is not closed. */
async function loadCaseToMove(tx: Tx, actor: Actor, id: string) {
  const found = await repo.findCase(tx, id);
  if (!found) return { kind: 'not_found' as const };
  if (found.owner_organisation_id !== actor.organisationId)
    return { kind: 'forbidden' as const, message: 'Only a manager of the organisation that holds this case can reassign it.' };
  if (found.status === 'closed')
    return { kind: 'forbidden' as const, message: 'This case is closed. Reopen it before reassigning it.' };
  return { kind: 'ok' as const, value: found };
}

export async function caseReassignForm(db: Kysely<DB>, actor: Actor, id: string) {
  if (!isManager(actor)) return FORBIDDEN;
  return withUser(db, actor.userId, async (tx) => {
    const loaded = await loadCaseToMove(tx, actor, id);
    if (loaded.kind !== 'ok') return loaded;
    const officers = await repo.assignableOfficers(tx, actor.organisationId);
    const history = await repo.reassignmentsOf(tx, { caseId: id });
    const tasks = loaded.value.lead_officer_id
      ? await repo.openTasksOnCase(tx, id, loaded.value.lead_officer_id, actor.organisationId)
      : [];
    await auditBy(tx, actor, 'view', 'case', id, { purpose: 'reassign' });
    return { kind: 'ok' as const, value: { case: loaded.value, officers, history, tasks } };
  });
}

export type ChangeResult<T> = Result<undefined> | { kind: 'conflict'; current: T };

export async function reassignCase(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  version: number,
  change: { to: string; reason: string; moveTasks: boolean },
): Promise<ChangeResult<repo.CaseRow>> {
  if (!isManager(actor)) return FORBIDDEN;
  return withUser(db, actor.userId, async (tx): Promise<ChangeResult<repo.CaseRow>> => {
    const loaded = await loadCaseToMove(tx, actor, id);
    if (loaded.kind !== 'ok') return loaded;
    const before = loaded.value;
    if (before.version !== version) return { kind: 'conflict', current: before };
    const officers = await repo.assignableOfficers(tx, actor.organisationId);
    if (!officers.some((o) => o.id === change.to))
      return { kind: 'invalid', field: 'to', message: 'Select an officer from the list' };
    if (change.to === before.lead_officer_id)
      return { kind: 'invalid', field: 'to', message: 'Select a different officer: this one already leads the case' };
    if (!(await repo.setLeadOfficer(tx, id, version, change.to, actor.userId)))
      return { kind: 'conflict', current: (await repo.findCase(tx, id)) ?? before };
    const row = await repo.insertReassignment(tx, {
      partnership_id: actor.partnershipId,
      owner_organisation_id: actor.organisationId,
      case_id: id,
      task_id: null,
      from_user_id: before.lead_officer_id,
      to_user_id: change.to,
      reason: change.reason,
      reassigned_by: actor.userId,
    });
    await auditBy(tx, actor, 'update', 'case', id, {
      fields: ['lead_officer_id'],
      from: before.lead_officer_id,
      to: change.to,
      reassignment_id: row.id,
      version: version + 1,
    });
    // The old lead's unfinished tasks on the case, set by this organisation, go with it if asked; each
    // as it stands now (the case's version check covers the case, not its tasks).
    if (change.moveTasks && before.lead_officer_id) {
      for (const t of await repo.openTasksOnCase(tx, id, before.lead_officer_id, actor.organisationId)) {
        if (!(await repo.setTaskAssignee(tx, t.id, t.version, change.to, actor.userId))) continue;
        const moved = await repo.insertReassignment(tx, {
          partnership_id: actor.partnershipId,
          owner_organisation_id: actor.organisationId,
          case_id: null,
          task_id: t.id,
          from_user_id: before.lead_officer_id,
          to_user_id: change.to,
          reason: change.reason,
          reassigned_by: actor.userId,
        });
        await auditBy(tx, actor, 'update', 'task', t.id, {
          fields: ['assigned_user_id', 'assigned_team_id', 'assigned_organisation_id'],
          from: before.lead_officer_id,
          to: change.to,
          reassignment_id: moved.id,
          with_case_id: id,
          version: t.version + 1,
        });
      }
    }
    return { kind: 'ok', value: undefined };
  });
}

// --- reassigning a task --------------------------------------------------------------------------

/** The manager may move an unfinished task their organisation set. */
async function loadTaskToMove(tx: Tx, actor: Actor, id: string) {
  const found = await repo.findTask(tx, id);
  if (!found) return { kind: 'not_found' as const };
  if (found.owner_organisation_id !== actor.organisationId)
    return { kind: 'forbidden' as const, message: 'Only a manager of the organisation that set this task can reassign it.' };
  if (found.status !== 'open' && found.status !== 'in_progress')
    return { kind: 'forbidden' as const, message: 'This task is finished. Reopen it before reassigning it.' };
  return { kind: 'ok' as const, value: found };
}

export async function taskReassignForm(db: Kysely<DB>, actor: Actor, id: string) {
  if (!isManager(actor)) return FORBIDDEN;
  return withUser(db, actor.userId, async (tx) => {
    const loaded = await loadTaskToMove(tx, actor, id);
    if (loaded.kind !== 'ok') return loaded;
    const officers = await repo.assignableOfficers(tx, actor.organisationId);
    const history = await repo.reassignmentsOf(tx, { taskId: id });
    await auditBy(tx, actor, 'view', 'task', id, { purpose: 'reassign' });
    return { kind: 'ok' as const, value: { task: loaded.value, officers, history } };
  });
}

export async function reassignTask(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  version: number,
  change: { to: string; reason: string },
): Promise<ChangeResult<repo.TaskRow>> {
  if (!isManager(actor)) return FORBIDDEN;
  return withUser(db, actor.userId, async (tx): Promise<ChangeResult<repo.TaskRow>> => {
    const loaded = await loadTaskToMove(tx, actor, id);
    if (loaded.kind !== 'ok') return loaded;
    const before = loaded.value;
    if (before.version !== version) return { kind: 'conflict', current: before };
    const officers = await repo.assignableOfficers(tx, actor.organisationId);
    if (!officers.some((o) => o.id === change.to))
      return { kind: 'invalid', field: 'to', message: 'Select an officer from the list' };
    if (change.to === before.assigned_user_id && !before.assigned_team_id && !before.assigned_organisation_id)
      return { kind: 'invalid', field: 'to', message: 'Select a different officer: the task is already theirs' };
    if (!(await repo.setTaskAssignee(tx, id, version, change.to, actor.userId)))
      return { kind: 'conflict', current: (await repo.findTask(tx, id)) ?? before };
    const row = await repo.insertReassignment(tx, {
      partnership_id: actor.partnershipId,
      owner_organisation_id: actor.organisationId,
      case_id: null,
      task_id: id,
      from_user_id: before.assigned_user_id,
      to_user_id: change.to,
      reason: change.reason,
      reassigned_by: actor.userId,
    });
    await auditBy(tx, actor, 'update', 'task', id, {
      fields: ['assigned_user_id', 'assigned_team_id', 'assigned_organisation_id'],
      from: before.assigned_user_id,
      to: change.to,
      reassignment_id: row.id,
      version: version + 1,
    });
    return { kind: 'ok', value: undefined };
  });
}

// --- supervision notes ---------------------------------------------------------------------------

/** A case's supervision notes, for the case's own pages (inside their transaction; RLS as the case's). */
export function supervisionNotesFor(tx: Tx, caseId: string) {
  return repo.notesOf(tx, caseId);
}

/** Supervision notes on a case, for a manager who can see it; `canWrite` when they may add one. */
export async function caseNotes(db: Kysely<DB>, actor: Actor, id: string) {
  if (!isManager(actor)) return FORBIDDEN;
  return withUser(db, actor.userId, async (tx) => {
    const found = await repo.findCase(tx, id);
    if (!found) return { kind: 'not_found' as const };
    const access = await accessTo(tx, 'case', id, found.owner_organisation_id, actor.organisationId);
    const notes = await repo.notesOf(tx, id);
    await auditBy(tx, actor, 'view', 'case', id, { purpose: 'supervision' });
    return { kind: 'ok' as const, value: { case: found, notes, canWrite: access.edit } };
  });
}

export async function addNote(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  version: number,
  fields: { note: string; next_review_date: string | null },
): Promise<ChangeResult<repo.CaseRow> | { kind: 'created'; id: string }> {
  if (!isManager(actor)) return FORBIDDEN;
  return withUser(db, actor.userId, async (tx) => {
    const found = await repo.findCase(tx, id);
    if (!found) return { kind: 'not_found' as const };
    const access = await accessTo(tx, 'case', id, found.owner_organisation_id, actor.organisationId);
    if (!access.edit)
      return { kind: 'forbidden' as const, message: 'You can see this case but not supervise it: its organisation holds it.' };
    // A new review date changes the case, so it needs the case as the manager saw it.
    if (fields.next_review_date) {
      if (found.version !== version) return { kind: 'conflict' as const, current: found };
      if (!(await repo.setReviewDate(tx, id, version, fields.next_review_date, actor.userId)))
        return { kind: 'conflict' as const, current: (await repo.findCase(tx, id)) ?? found };
    }
    const note = await repo.insertNote(tx, {
      case_id: id,
      author_id: actor.userId,
      note: fields.note,
      next_review_date: fields.next_review_date,
    });
    await auditBy(tx, actor, 'create', 'case_supervision_note', note.id, {
      case_id: id,
      next_review_date: !!fields.next_review_date,
    });
    if (fields.next_review_date)
      await auditBy(tx, actor, 'update', 'case', id, {
        fields: ['review_date'],
        supervision_note_id: note.id,
        version: version + 1,
      });
    return { kind: 'created' as const, id: note.id };
  });
}
