// The daily review: the queue of incidents nobody has decided on yet (most pressing first), a decision
// on each in the National Decision Model's five stages, tasks set out of a decision (priority, due time,
// acknowledgement, escalation when overdue, disputes resolved by managers of both agencies), and the
// day's log. Every view, list, change and export is audited in its transaction. Other capabilities
// call refreshReviewItem (after an incident changes) and escalateOverdueTasks (from the job runner).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, ReviewOutcome } from '../../platform/db/schema.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { audit, auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import type { Mailer } from '../../platform/mail/mailer.ts';
import { createShare, shareTargets, type ShareTarget } from '../../platform/access/shares.ts';
import { createTask } from '../tasks/service.ts';
import { notify as tell, usersReached } from '../notifications/service.ts';
import type { TaskPriority } from '../tasks/labels.ts';
import { OUTCOME_NAMES, type DisputeResolution, type NdmField } from './labels.ts';
import * as repo from './repository.ts';

export const DECISION_RECORD = 'review_decision';
export const QUEUE_RECORD = 'review_queue';
export const LOG_RECORD = 'review_log';
export const DISPUTE_RECORD = 'task_dispute';

export interface Notify {
  mailer: Mailer;
  baseUrl: string;
}

/**
 * Works an incident's place in the queue out again from everything now known about it (people's risk,
 * repeat flags, Case Review alerts, links to other agencies' reports). Call inside the transaction that
 * changed the incident; an incident already decided is left alone.
 */
export async function refreshReviewItem(tx: Tx, incidentId: string): Promise<void> {
  await sql`SELECT review_item_refresh(${incidentId}::uuid)`.execute(tx);
}

export async function listQueue(db: Kysely<DB>, actor: Actor, filters: repo.QueueFilters) {
  return withUser(db, actor.userId, async (tx) => {
    const [items, total, areas, organisations] = await Promise.all([
      repo.queue(tx, actor.partnershipId, filters),
      repo.queueCount(tx, actor.partnershipId, filters),
      repo.queueAreas(tx, actor.partnershipId),
      repo.partnershipOrganisations(tx, actor.partnershipId),
    ]);
    await auditBy(tx, actor, 'list', QUEUE_RECORD, null, { shown: items.length, total, filters: Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) });
    return { items, total, areas, organisations };
  });
}

/** One incident as the full decision form shows it, with who it can go to; null when not visible. */
export async function decisionForm(db: Kysely<DB>, actor: Actor, incidentId: string) {
  return withUser(db, actor.userId, async (tx) => {
    const item = await repo.queueItem(tx, incidentId);
    if (!item) return null;
    const decided = await repo.decisionFor(tx, incidentId);
    const targets = await shareTargets(tx, actor.partnershipId);
    await auditBy(tx, actor, 'view', 'incident', incidentId, { from: 'review' });
    return { item, decided: decided ?? null, targets, canShare: item.owner_organisation_id === actor.organisationId };
  });
}

export interface TaskOut {
  assignee: ShareTarget;
  priority: TaskPriority;
  dueAt: Date;
  /** Share the incident (view) with whoever receives the task, so they see exactly that record. */
  shareIncident: boolean;
}

export interface DecisionInput {
  outcome: ReviewOutcome;
  note: string | null;
  nfaReason: string | null;
  ndm: Partial<Record<NdmField, string | null>>;
  shareWith: ShareTarget | null;
  task: TaskOut | null;
}

export type DecideResult =
  | { kind: 'ok'; decisionId: string; taskId: string | null; shareId: string | null }
  | { kind: 'not_found' }
  | { kind: 'already_decided' }
  | { kind: 'not_holder' }
  | { kind: 'bad_assignee' };

/**
 * Records a decision on an incident in the queue and does what it says: shares the incident, sets a
 * task for a lead officer, or tasks it out. Only the organisation that holds an incident may share it.
 */
export async function decide(db: Kysely<DB>, actor: Actor, incidentId: string, input: DecisionInput): Promise<DecideResult> {
  return withUser(db, actor.userId, async (tx): Promise<DecideResult> => {
    const item = await repo.queueItem(tx, incidentId);
    if (!item) return { kind: 'not_found' };
    const holder = item.owner_organisation_id === actor.organisationId;
    if ((input.shareWith || input.task?.shareIncident) && !holder) return { kind: 'not_holder' };
    const row = await repo.insertDecision(tx, {
      partnershipId: actor.partnershipId,
      organisationId: actor.organisationId,
      incidentId,
      outcome: input.outcome,
      priority: item.priority ?? 0,
      reasons: item.reasons ?? [],
      nfaReason: input.nfaReason,
      ndm: input.ndm,
      note: input.note,
      decidedBy: actor.userId,
    });
    if (!row) return { kind: 'already_decided' };
    let shareId: string | null = null;
    let taskId: string | null = null;
    const shareTo = input.shareWith ?? (input.task?.shareIncident ? input.task.assignee : null);
    if (shareTo) {
      shareId = await createShare(tx, actor, {
        recordType: 'incident',
        recordId: incidentId,
        target: shareTo,
        access: 'view',
        reason: `Daily review: ${OUTCOME_NAMES[input.outcome].toLowerCase()}`,
        expiresAt: null,
      });
    }
    if (input.task) {
      const a = input.task.assignee;
      try {
        taskId = await createTask(tx, actor, {
          title: `${input.outcome === 'task_out' ? 'High risk' : 'Lead officer'}: ${item.reference}`,
          details: input.note ?? input.ndm.ndm_action_review ?? null,
          incident_id: incidentId,
          assigned_user_id: a.kind === 'user' ? a.id : null,
          assigned_team_id: a.kind === 'team' ? a.id : null,
          assigned_organisation_id: a.kind === 'organisation' ? a.id : null,
          due_date: input.task.dueAt.toISOString().slice(0, 10),
          priority: input.task.priority,
        });
      } catch {
        // createTask refuses an assignee outside the partnership; nothing of the decision is kept.
        throw new BadAssignee();
      }
      await tx.updateTable('tasks').set({ due_at: input.task.dueAt, review_decision_id: row.id }).where('id', '=', taskId).execute();
    }
    if (shareId || taskId) await repo.linkDecision(tx, row.id, { shareId, taskId });
    await auditBy(tx, actor, 'create', DECISION_RECORD, row.id, {
      incident_id: incidentId,
      outcome: input.outcome,
      ndm_stages: Object.entries(input.ndm).filter(([, v]) => v).map(([k]) => k),
      ...(shareId ? { share_id: shareId } : {}),
      ...(taskId ? { task_id: taskId } : {}),
    });
    return { kind: 'ok', decisionId: row.id, taskId, shareId };
  }).catch((e: unknown) => {
    if (e instanceof BadAssignee) return { kind: 'bad_assignee' } as const;
    throw e;
  });
}

class BadAssignee extends Error {}

// ---- The daily log ----

export async function dailyLog(db: Kysely<DB>, actor: Actor, date: string, as: 'html' | 'csv') {
  return withUser(db, actor.userId, async (tx) => {
    const rows = await repo.decisionsOn(tx, actor.partnershipId, date);
    await auditBy(tx, actor, as === 'csv' ? 'export' : 'view', LOG_RECORD, null, { date, rows: rows.length, ...(as === 'csv' ? { format: 'csv' } : {}) });
    return rows;
  });
}

// ---- Tasks set out of a review: acknowledgement and disputes ----

/** Whether the actor is on the receiving side of a task: its user, a member of its team, or its organisation. */
async function receives(tx: Tx, actor: Actor, t: repo.TaskingRow) {
  if (t.assigned_user_id === actor.userId || t.assigned_organisation_id === actor.organisationId) return true;
  if (!t.assigned_team_id) return false;
  const m = await tx.selectFrom('team_members').select('user_id').where('team_id', '=', t.assigned_team_id).where('user_id', '=', actor.userId).executeTakeFirst();
  return !!m;
}

export async function taskingView(db: Kysely<DB>, actor: Actor, taskId: string) {
  return withUser(db, actor.userId, async (tx) => {
    const task = await repo.taskForTasking(tx, taskId);
    if (!task) return null;
    const open = await repo.openDispute(tx, taskId);
    const receiver = await receives(tx, actor, task);
    return { task, receiver, openDisputeId: open?.id ?? null };
  });
}

export type TaskingResult = { kind: 'ok' } | { kind: 'not_found' } | { kind: 'forbidden' } | { kind: 'already' };

export async function acknowledgeTask(db: Kysely<DB>, actor: Actor, taskId: string): Promise<TaskingResult> {
  return withUser(db, actor.userId, async (tx) => {
    const task = await repo.taskForTasking(tx, taskId);
    if (!task) return { kind: 'not_found' };
    if (!(await receives(tx, actor, task))) return { kind: 'forbidden' };
    if (!(await repo.acknowledge(tx, taskId, actor.userId))) return { kind: 'already' };
    await auditBy(tx, actor, 'update', 'task', taskId, { acknowledged: true });
    return { kind: 'ok' };
  });
}

export type DisputeResult = { kind: 'ok'; id: string } | { kind: 'not_found' } | { kind: 'forbidden' } | { kind: 'already' };

/** The receiving agency disputes a task; managers of both agencies are told and resolve it. */
export async function disputeTask(db: Kysely<DB>, notify: Notify | null, actor: Actor, taskId: string, reason: string): Promise<DisputeResult> {
  return withUser(db, actor.userId, async (tx): Promise<DisputeResult> => {
    const task = await repo.taskForTasking(tx, taskId);
    if (!task) return { kind: 'not_found' };
    const receiving = repo.receivingOrganisation(task);
    if (!(await receives(tx, actor, task)) || receiving !== actor.organisationId || task.owner_organisation_id === actor.organisationId) return { kind: 'forbidden' };
    if (task.status === 'done' || task.status === 'cancelled') return { kind: 'forbidden' };
    if (await repo.openDispute(tx, taskId)) return { kind: 'already' };
    const row = await repo.insertDispute(tx, { partnershipId: actor.partnershipId, taskId, organisationId: actor.organisationId, settingOrganisationId: task.owner_organisation_id, reason, userId: actor.userId });
    await auditBy(tx, actor, 'create', DISPUTE_RECORD, row.id, { task_id: taskId });
    const managers = await repo.managersOf(tx, [actor.organisationId, task.owner_organisation_id]);
    await tell(tx, managers.map((m) => m.id), { kind: 'task_disputed', title: 'A task has been disputed', href: `/review/disputes/${row.id}`, recordType: DISPUTE_RECORD, recordId: row.id }, notify ? { delivery: notify } : {});
    return { kind: 'ok', id: row.id };
  });
}

export function resolvesDisputes(actor: Actor) {
  return actor.roles.includes('manager');
}

export async function listDisputes(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, async (tx) => {
    const open = await repo.disputes(tx, actor.partnershipId, 'open');
    const resolved = await repo.disputes(tx, actor.partnershipId, 'resolved');
    await auditBy(tx, actor, 'list', DISPUTE_RECORD, null, { open: open.length, resolved: resolved.length });
    return { open, resolved };
  });
}

function mayResolve(actor: Actor, d: repo.DisputeRow) {
  return resolvesDisputes(actor) && (d.owner_organisation_id === actor.organisationId || d.setting_organisation_id === actor.organisationId);
}

export async function viewDispute(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const dispute = await repo.findDispute(tx, id);
    if (!dispute) return null;
    const organisations = await repo.partnershipOrganisations(tx, actor.partnershipId);
    await auditBy(tx, actor, 'view', DISPUTE_RECORD, id, { status: dispute.status });
    return { dispute, organisations, canResolve: mayResolve(actor, dispute) && dispute.status === 'open' };
  });
}

export interface Resolution {
  status: DisputeResolution;
  note: string;
  reassignTo: string | null;
}

export type ResolveResult = { kind: 'ok' } | { kind: 'not_found' } | { kind: 'forbidden' } | { kind: 'already' } | { kind: 'bad_organisation' };

/** A manager of either agency resolves a dispute: upheld (task cancelled), withdrawn (task stands) or reassigned. */
export async function resolveDispute(db: Kysely<DB>, actor: Actor, id: string, version: number, r: Resolution): Promise<ResolveResult> {
  return withUser(db, actor.userId, async (tx): Promise<ResolveResult> => {
    const dispute = await repo.findDispute(tx, id);
    if (!dispute) return { kind: 'not_found' };
    if (!mayResolve(actor, dispute)) return { kind: 'forbidden' };
    if (r.status === 'reassigned') {
      const orgs = await repo.partnershipOrganisations(tx, actor.partnershipId);
      if (!r.reassignTo || !orgs.some((o) => o.id === r.reassignTo) || r.reassignTo === dispute.owner_organisation_id) return { kind: 'bad_organisation' };
    }
    // Read before the task moves: once reassigned, the disputing organisation no longer sees it.
    const people = {
      raised_by: (await tx.selectFrom('task_disputes').select('raised_by').where('id', '=', id).executeTakeFirst())?.raised_by,
      created_by: (await tx.selectFrom('tasks').select('created_by').where('id', '=', dispute.task_id).executeTakeFirst())?.created_by,
    };
    if (!(await repo.resolveDispute(tx, id, version, { status: r.status, note: r.note, userId: actor.userId, reassignedTo: r.status === 'reassigned' ? r.reassignTo : null })))
      return { kind: 'already' };
    if (r.status === 'upheld') await repo.changeTaskAfterDispute(tx, dispute.task_id, actor.userId, { status: 'cancelled' });
    if (r.status === 'reassigned') await repo.changeTaskAfterDispute(tx, dispute.task_id, actor.userId, { organisationId: r.reassignTo! });
    await auditBy(tx, actor, 'update', DISPUTE_RECORD, id, { task_id: dispute.task_id, resolution: r.status, ...(r.status === 'reassigned' ? { reassigned_to: r.reassignTo } : {}) });
    if (r.status !== 'withdrawn') await auditBy(tx, actor, 'update', 'task', dispute.task_id, { dispute_id: id, resolution: r.status });
    // Who raised the dispute and who set the task hear how it ended; a new organisation hears of its task.
    await tell(tx, [people.raised_by, people.created_by], { kind: 'task_dispute_resolved', title: 'A dispute about a task has been resolved', href: `/review/disputes/${id}`, recordType: DISPUTE_RECORD, recordId: id });
    if (r.status === 'reassigned')
      await tell(tx, await usersReached(tx, { organisationId: r.reassignTo }), { kind: 'task_assigned', title: 'Your organisation has a new task', href: `/review/tasks/${dispute.task_id}`, recordType: 'task', recordId: dispute.task_id });
    return { kind: 'ok' };
  });
}

// ---- Escalation ----

export interface Escalation {
  taskId: string;
  level: number;
}

/**
 * Moves every overdue task set with a due time one level up and tells the managers: level 1 the
 * receiving organisation's managers (first line); level 2, a day later, the managers of both the
 * receiving and the setting organisation (second line), through notifications (emailed by default).
 * Runs with no user (the job runner calls it every few minutes); the definer function does the
 * update, and each step is audited.
 */
export async function escalateOverdueTasks(db: Kysely<DB> | Transaction<DB>, now: Date, notify: Notify | null = null): Promise<Escalation[]> {
  const run = async (tx: Transaction<DB>) => {
    const moved = await sql<{ task_id: string; partnership_id: string; level: number; title: string; owner_organisation_id: string; receiving_organisation_id: string | null }>`
      SELECT * FROM review_escalate_overdue(${now.toISOString()}::timestamptz)`.execute(tx);
    for (const m of moved.rows) {
      await audit(tx, { partnershipId: m.partnership_id, action: 'update', recordType: 'task', recordId: m.task_id, details: { escalated_to_level: m.level } });
      const orgs = m.level >= 2 ? [m.receiving_organisation_id, m.owner_organisation_id] : [m.receiving_organisation_id];
      const managers = await repo.managersOf(tx, orgs.filter((o): o is string => !!o));
      await tell(
        tx,
        managers.map((u) => u.id),
        { kind: 'task_escalated', title: m.level >= 2 ? 'A task is still overdue (second-line escalation)' : 'A task is overdue', href: `/review/tasks/${m.task_id}`, recordType: 'task', recordId: m.task_id },
        notify ? { delivery: notify } : {},
      );
    }
    return moved.rows.map((m) => ({ taskId: m.task_id, level: Number(m.level) }));
  };
  // The job runner calls this inside its own locked transaction; anyone else gets a transaction here.
  return db.isTransaction ? run(db as Transaction<DB>) : db.transaction().execute(run);
}

/** Who decisions and tasks can go to in the actor's partnership (users, teams, organisations). */
export async function knownTargets(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, async (tx) => {
    const t = await shareTargets(tx, actor.partnershipId);
    return { organisationIds: t.organisations.map((o) => o.id), teamIds: t.teams.map((x) => x.id), userIds: t.users.map((u) => u.id) };
  });
}
