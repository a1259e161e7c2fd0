// The daily review end to end: the queue puts the repeat victim's hate incident on top; decisions of
// each kind (with their validation errors) share, direct and task out; the receiving partner sees the
// task and exactly the incident shared with it; acknowledgement, escalation when overdue, and a dispute
// resolved by managers; the day's log as HTML and CSV. Row-level security by route and by a direct
// query through the app role, and the audit rows of each step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, signIn, userId, auditRows, type TestContext, type Browser } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';
import type { Actor } from '../../platform/http/context.ts';
import { londonDate } from '../incidents/london-time.ts';
import { actorFor, record } from '../repeats/test-support.ts';
import { createMailer } from '../../platform/mail/mailer.ts';
import { escalateOverdueTasks, refreshReviewItem } from './service.ts';

let ctx: TestContext;
let coordinator: Browser; // Hinckley and Bosworth Borough Council: reviews and decides
let fire: Browser; // fire and rescue (partner): receives tasks, disputes one
let fireManager: Browser; // a manager at fire and rescue
let hbbcManager: Browser; // a manager at HBBC: resolves the dispute
let housing: Browser; // a housing provider: nothing shared with it
let police: Browser;
let coord: Actor;
const ids = {} as Record<'hbbc' | 'fire' | 'police' | 'housing' | 'officer' | 'person' | 'top' | 'plain' | 'nfa' | 'shared' | 'directed' | 'tasked' | 'tasked2' | 'unshared' | 'old', string>;
const refs = {} as Record<'top' | 'plain' | 'tasked', string>;
const db = () => ctx.database.db;
const tomorrow = () => {
  const d = new Date(Date.now() + 2 * 86_400_000);
  return { 'due-day': String(d.getUTCDate()), 'due-month': String(d.getUTCMonth() + 1), 'due-year': String(d.getUTCFullYear()) };
};
const NDM = {
  ndm_information: 'Third report in a month from the same victim; neighbours confirm',
  ndm_threat_risk: 'Escalating threats to a vulnerable resident: high risk of harm',
  ndm_powers_policy: 'Community Protection Notice; partnership ISA',
  ndm_options: 'Fire home safety visit; police patrols; CPN warning',
  ndm_action_review: 'Home safety visit within 24 hours; review at tomorrow’s meeting',
};

async function addManager(email: string, like: string, name: string) {
  const model = await db().selectFrom('users').select(['organisation_id', 'password_hash']).where('email', '=', like).executeTakeFirstOrThrow();
  await db().insertInto('users').values({ organisation_id: model.organisation_id, email, display_name: name, roles: ['manager', 'case_officer'], password_hash: model.password_hash, password_changed_at: new Date() }).execute();
}

const queueRefs = (body: string) => [...body.matchAll(/data-qa="queue-item" data-reference="([^"]+)"/g)].map((m) => m[1]);
const decide = (b: Browser, incident: string, form: Record<string, string>) => b.post(`/review/incidents/${incident}`, form);
const reviewItem = (userEmailId: string, incident: string) =>
  withUser(db(), userEmailId, (tx) => tx.selectFrom('review_items').select(['incident_id', 'priority', 'reasons']).where('incident_id', '=', incident).execute());

before(async () => {
  ctx = await createTestApp();
  await addManager('fire-manager@endeavour.demo', 'fire@endeavour.demo', 'Fiona Brightwater');
  await addManager('hbbc-manager@endeavour.demo', 'coordinator@endeavour.demo', 'Harold Penberthy');
  coordinator = await signIn(ctx, 'coordinator@endeavour.demo');
  fire = await signIn(ctx, 'fire@endeavour.demo');
  fireManager = await signIn(ctx, 'fire-manager@endeavour.demo');
  hbbcManager = await signIn(ctx, 'hbbc-manager@endeavour.demo');
  housing = await signIn(ctx, 'housing@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
  coord = await actorFor(ctx, 'coordinator@endeavour.demo');
  ids.hbbc = coord.organisationId;
  ids.fire = (await userId(ctx, 'fire@endeavour.demo')).organisation_id;
  ids.police = (await userId(ctx, 'police@endeavour.demo')).organisation_id;
  ids.housing = (await userId(ctx, 'housing@endeavour.demo')).organisation_id;
  ids.officer = (await userId(ctx, 'officer@endeavour.demo')).id;

  await coordinator.get('/people/new');
  const p = await coordinator.post('/people', { first_name: 'Ottilie', last_name: 'Marchbanks' });
  assert.equal(p.statusCode, 302);
  ids.person = String(p.headers.location).split('/').pop()!;
  // Two earlier reports, then the one this morning: the third makes her a repeat victim.
  for (const ago of [40, 20]) {
    const r = await record(ctx, coord, { ago, people: [{ id: ids.person, role: 'victim' }] });
    if (ago === 20) ids.old = r.id;
  }
  const plain = await record(ctx, coord, { ago: 0 });
  ids.plain = plain.id;
  refs.plain = plain.reference;
  const top = await record(ctx, coord, { ago: 1, people: [{ id: ids.person, role: 'victim' }] });
  ids.top = top.id;
  refs.top = top.reference;
  // Recorded as a hate incident on a second look: the change is what moves it in the queue.
  await withUser(db(), coord.userId, async (tx) => {
    await tx.updateTable('incidents').set({ hate: true }).where('id', '=', ids.top).execute();
    await refreshReviewItem(tx, ids.top);
  });
  for (const key of ['nfa', 'shared', 'directed', 'tasked', 'tasked2', 'unshared'] as const) {
    const r = await record(ctx, coord, { ago: 0, howReported: key === 'shared' ? 'partner_referral' : 'council_phone' });
    ids[key] = r.id;
    if (key === 'tasked') refs.tasked = r.reference;
  }
});

after(() => ctx.close());

test('the queue puts the repeat victim’s hate incident on top, with its reasons in words', async () => {
  const res = await coordinator.get('/review');
  assert.equal(res.statusCode, 200);
  const order = queueRefs(res.body);
  assert.equal(order[0], refs.top);
  assert.ok(order.includes(refs.plain));
  assert.ok(order.indexOf(refs.plain) > 0);
  const first = res.body.slice(res.body.indexOf(`data-reference="${refs.top}"`)).split('data-qa="queue-item"')[0]!;
  assert.match(first, />Repeat victim</);
  assert.match(first, />Hate incident</);
  assert.equal((await reviewItem(coord.userId, ids.old)).length, 0, 'history is not news: reported 20 days ago, never queued');
  const [item] = await reviewItem(coord.userId, ids.top);
  // Her third complaint also meets the ASB Case Review threshold.
  assert.deepEqual([...item!.reasons].sort(), ['case_review', 'hate', 'repeat_victim']);
  assert.equal(item!.priority, 25 + 20 + 15);
  assert.match(first, />Case Review alert</);
  const list = await auditRows(ctx, { action: 'list' });
  assert.ok(list.some((a) => a.record_type === 'review_queue' && a.actor_user_id === coord.userId));
});

test('the queue filters by flag and source, and only reviewers may open it', async () => {
  const byFlag = await coordinator.get('/review?flag=repeat_victim');
  assert.deepEqual(queueRefs(byFlag.body), [refs.top]);
  const bySource = await coordinator.get('/review?source=partner_referral');
  assert.equal(queueRefs(bySource.body).length, 1);
  const nonsense = await coordinator.get('/review?flag=%3Cscript%3E&area=x&source=nope');
  assert.equal(nonsense.statusCode, 200);
  assert.equal((await fire.get('/review')).statusCode, 403);
  assert.equal((await police.get('/review')).statusCode, 403);
});

test('a decision is validated: reason for no further action, all five stages to task out, someone to share with', async () => {
  let res = await decide(coordinator, ids.nfa, { outcome: 'no_further_action' });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /Select the reason for no further action/);
  res = await decide(coordinator, ids.tasked, { outcome: 'task_out', assignee_kind: 'organisation', assignee_organisation: ids.fire, priority: 'urgent', ...tomorrow(), ndm_information: 'Known' });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /Complete every stage of the National Decision Model/);
  assert.match(res.body, /Known/, 'what was typed is shown again');
  res = await decide(coordinator, ids.shared, { outcome: 'share', share_kind: 'organisation', share_organisation: 'not-an-id' });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /Select who to share the incident with/);
  res = await decide(coordinator, ids.directed, { outcome: 'direct', assignee_user: ids.officer, 'due-day': '1', 'due-month': '1', 'due-year': '2020' });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /must be in the future/);
  res = await decide(coordinator, ids.nfa, { outcome: 'sideways' });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /Select a decision/);
  const [still] = await reviewItem(coord.userId, ids.nfa);
  assert.ok(still, 'nothing was decided');
});

test('no further action in one step takes the item off the queue, audited', async () => {
  const res = await decide(coordinator, ids.nfa, { outcome: 'no_further_action', nfa_reason: 'already_in_hand', note: 'Street Scene already booked', return: 'queue' });
  assert.equal(res.statusCode, 302);
  assert.equal(res.headers.location, '/review');
  assert.equal((await reviewItem(coord.userId, ids.nfa)).length, 0);
  const d = await withUser(db(), coord.userId, (tx) => tx.selectFrom('review_decisions').selectAll().where('incident_id', '=', ids.nfa).executeTakeFirstOrThrow());
  assert.equal(d.outcome, 'no_further_action');
  assert.equal(d.nfa_reason, 'Already being dealt with by the recording agency');
  const a = await auditRows(ctx, { recordId: d.id });
  assert.deepEqual(a.map((x) => x.action), ['create']);
  assert.equal(a[0]!.details.outcome, 'no_further_action');
  const again = await decide(coordinator, ids.nfa, { outcome: 'no_further_action', nfa_reason: 'no_risk' });
  assert.equal(again.statusCode, 302, 'a second decision is refused politely');
  assert.equal((await withUser(db(), coord.userId, (tx) => tx.selectFrom('review_decisions').select('id').where('incident_id', '=', ids.nfa).execute())).length, 1);
});

test('share for information creates a view share the police can then use', async () => {
  assert.equal((await police.get(`/incidents/${ids.shared}`)).statusCode, 404);
  const res = await decide(coordinator, ids.shared, { outcome: 'share', share_kind: 'organisation', share_organisation: ids.police, note: 'For the neighbourhood team' });
  assert.equal(res.statusCode, 302);
  assert.equal((await police.get(`/incidents/${ids.shared}`)).statusCode, 200);
  const d = await withUser(db(), coord.userId, (tx) => tx.selectFrom('review_decisions').select(['share_id', 'outcome']).where('incident_id', '=', ids.shared).executeTakeFirstOrThrow());
  assert.ok(d.share_id);
  assert.ok((await auditRows(ctx, { action: 'share', recordId: ids.shared })).length === 1);
});

test('directing to a lead officer sets a normal-priority task for them', async () => {
  const res = await decide(coordinator, ids.directed, { outcome: 'direct', assignee_user: ids.officer, ...tomorrow(), due_time: '10am' });
  assert.equal(res.statusCode, 302);
  const t = await withUser(db(), coord.userId, (tx) =>
    tx.selectFrom('review_decisions as d').innerJoin('tasks as t', 't.id', 'd.task_id').select(['t.assigned_user_id', 't.priority', 't.due_at', 't.review_decision_id', 'd.id']).where('d.incident_id', '=', ids.directed).executeTakeFirstOrThrow());
  assert.equal(t.assigned_user_id, ids.officer);
  assert.equal(t.priority, 'normal');
  assert.equal(t.review_decision_id, t.id);
  assert.ok(t.due_at);
});

let taskId = '';
let task2Id = '';
test('tasking out to a partner: the partner sees the task and exactly the incident shared with it', async () => {
  const res = await decide(coordinator, ids.tasked, { outcome: 'task_out', assignee_kind: 'organisation', assignee_organisation: ids.fire, priority: 'urgent', ...tomorrow(), due_time: '09:30', share_incident: 'yes', ...NDM });
  assert.equal(res.statusCode, 302);
  const res2 = await decide(coordinator, ids.tasked2, { outcome: 'task_out', assignee_kind: 'organisation', assignee_organisation: ids.fire, priority: 'high', ...tomorrow(), share_incident: 'yes', ...NDM });
  assert.equal(res2.statusCode, 302);
  const rows = await withUser(db(), coord.userId, (tx) => tx.selectFrom('review_decisions').select(['incident_id', 'task_id', 'ndm_threat_risk']).where('incident_id', 'in', [ids.tasked, ids.tasked2]).execute());
  taskId = rows.find((r) => r.incident_id === ids.tasked)!.task_id!;
  task2Id = rows.find((r) => r.incident_id === ids.tasked2)!.task_id!;
  assert.equal(rows[0]!.ndm_threat_risk, NDM.ndm_threat_risk);
  // Tasked to the organisation: its manager is told (not its partner users, not the coordinator who set it).
  const fm = await userId(ctx, 'fire-manager@endeavour.demo');
  const told = await withUser(db(), fm.id, (tx) => tx.selectFrom('notifications').select(['kind', 'title']).where('record_id', '=', taskId).execute());
  assert.deepEqual(told, [{ kind: 'task_assigned', title: 'Your organisation has a new task' }]);
  const fu = await userId(ctx, 'fire@endeavour.demo');
  assert.equal((await withUser(db(), fu.id, (tx) => tx.selectFrom('notifications').select('id').where('record_id', '=', taskId).execute())).length, 0);
  const page = await fire.get(`/review/tasks/${taskId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Acknowledge the task/);
  assert.equal((await fire.get(`/incidents/${ids.tasked}`)).statusCode, 200);
  for (const other of [ids.unshared, ids.top, ids.shared, ids.nfa]) assert.equal((await fire.get(`/incidents/${other}`)).statusCode, 404);
  assert.equal((await housing.get(`/review/tasks/${taskId}`)).statusCode, 404);
  assert.equal((await housing.get(`/incidents/${ids.tasked}`)).statusCode, 404);
});

test('the receiver acknowledges; nobody else can', async () => {
  assert.equal((await police.post(`/review/tasks/${taskId}/acknowledge`)).statusCode, 404);
  const res = await fire.post(`/review/tasks/${taskId}/acknowledge`);
  assert.equal(res.statusCode, 302);
  const t = await withUser(db(), coord.userId, (tx) => tx.selectFrom('tasks').select(['acknowledged_by', 'acknowledged_at']).where('id', '=', taskId).executeTakeFirstOrThrow());
  assert.equal(t.acknowledged_by, (await userId(ctx, 'fire@endeavour.demo')).id);
  assert.ok((await auditRows(ctx, { action: 'update', recordId: taskId })).some((a) => a.details.acknowledged === true));
});

test('an overdue task escalates to the receiving managers, then a day later to both organisations’ managers', async () => {
  const later = new Date(Date.now() + 3 * 86_400_000);
  const notify = { mailer: createMailer({ from: 'test@localhost' }), baseUrl: 'http://localhost' };
  const first = await escalateOverdueTasks(db(), later, notify);
  assert.deepEqual(first.filter((e) => e.taskId === taskId).map((e) => e.level), [1]);
  assert.deepEqual(await escalateOverdueTasks(db(), new Date(later.getTime() + 3_600_000)), [], 'not again within a day');
  const firstMail = await db().selectFrom('outbox_messages').select('to_address').where('subject', '=', 'A task is overdue').execute();
  assert.ok(firstMail.some((m) => m.to_address === 'fire-manager@endeavour.demo'));
  assert.ok(!firstMail.some((m) => m.to_address === 'hbbc-manager@endeavour.demo'), 'first line: the receiving organisation only');
  const second = await escalateOverdueTasks(db(), new Date(later.getTime() + 2 * 86_400_000), notify);
  const secondMail = await db().selectFrom('outbox_messages').select('to_address').where('subject', 'like', '%second-line%').execute();
  assert.ok(secondMail.some((m) => m.to_address === 'hbbc-manager@endeavour.demo'));
  assert.deepEqual(second.filter((e) => e.taskId === taskId).map((e) => e.level), [2]);
  const t = await withUser(db(), coord.userId, (tx) => tx.selectFrom('tasks').select(['escalation_level']).where('id', '=', taskId).executeTakeFirstOrThrow());
  assert.equal(t.escalation_level, 2);
  assert.ok((await auditRows(ctx, { action: 'update', recordId: taskId })).some((a) => a.details.escalated_to_level === 2 && a.actor_user_id === null));
});

test('the partner disputes a task; a manager of either agency resolves it by reassigning', async () => {
  let res = await fire.post(`/review/tasks/${task2Id}/dispute`, { reason: '' });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /Enter why your organisation disputes this task/);
  assert.equal((await coordinator.post(`/review/tasks/${task2Id}/dispute`, { reason: 'We set it' })).statusCode, 403);
  res = await fire.post(`/review/tasks/${task2Id}/dispute`, { reason: 'A housing matter, not fire safety' });
  assert.equal(res.statusCode, 302);
  const disputeId = String(res.headers.location).split('/').pop()!;
  const list = await hbbcManager.get('/review/disputes');
  assert.match(list.body, /data-qa="open-disputes"/);
  assert.match((await fireManager.get(`/review/disputes/${disputeId}`)).body, /Resolve the dispute/);
  assert.equal((await housing.get(`/review/disputes/${disputeId}`)).statusCode, 404);
  assert.equal((await fire.post(`/review/disputes/${disputeId}/resolve`, { resolution: 'withdrawn', resolution_note: 'x', version: '1' })).statusCode, 403, 'not a manager');
  res = await hbbcManager.post(`/review/disputes/${disputeId}/resolve`, { resolution: 'reassigned', resolution_note: 'Agreed by phone', version: '1' });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /Select the organisation the task goes to/);
  res = await hbbcManager.post(`/review/disputes/${disputeId}/resolve`, { resolution: 'reassigned', reassign_to: ids.housing, resolution_note: 'Agreed by phone: the landlord leads', version: '1' });
  assert.equal(res.statusCode, 302);
  const t = await withUser(db(), coord.userId, (tx) => tx.selectFrom('tasks').select(['assigned_organisation_id']).where('id', '=', task2Id).executeTakeFirstOrThrow());
  assert.equal(t.assigned_organisation_id, ids.housing);
  const shown = await fireManager.get(`/review/disputes/${disputeId}`);
  assert.match(shown.body, /data-qa="resolution"/);
  const a = await auditRows(ctx, { recordId: disputeId });
  assert.deepEqual(a.map((x) => x.action), ['create', 'notify', 'view', 'view', 'update', 'notify', 'view']);
  assert.equal(a[1]!.details.kind, 'task_disputed');
  assert.equal(a[4]!.details.resolution, 'reassigned');
  assert.equal(a[5]!.details.kind, 'task_dispute_resolved');
  // Managers of both organisations were told of the dispute, in Endeavour.
  for (const email of ['fire-manager@endeavour.demo', 'hbbc-manager@endeavour.demo']) {
    const u = await userId(ctx, email);
    const told = await withUser(db(), u.id, (tx) => tx.selectFrom('notifications').select(['kind', 'href']).where('record_id', '=', disputeId).execute());
    assert.ok(told.some((n) => n.kind === 'task_disputed' && n.href === `/review/disputes/${disputeId}`), email);
  }
  const again = await fireManager.post(`/review/disputes/${disputeId}/resolve`, { resolution: 'upheld', resolution_note: 'late', version: '1' });
  assert.equal(again.statusCode, 302);
});

test('the day’s log lists what was decided and tasked, printable and as CSV (audited as an export)', async () => {
  const date = londonDate(new Date());
  const page = await coordinator.get(`/review/log?date=${date}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, new RegExp(refs.tasked));
  assert.match(page.body, /review-print\.css/);
  assert.match(page.body, /Task out as high risk/);
  const csv = await coordinator.get(`/review/log.csv?date=${date}`);
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  assert.match(csv.body, new RegExp(`${refs.tasked},Task out as high risk`));
  assert.ok((await auditRows(ctx, { action: 'export' })).some((a) => a.record_type === 'review_log' && a.details.date === date));
  const empty = await coordinator.get('/review/log?date=1999-01-01');
  assert.doesNotMatch(empty.body, new RegExp(refs.tasked));
  assert.equal((await fire.get(`/review/log?date=${date}`)).statusCode, 403);
});

test('through the app role: queue items and decisions only with their incident; neither written directly', async () => {
  const housingUser = (await userId(ctx, 'housing@endeavour.demo')).id;
  const fireUser = (await userId(ctx, 'fire@endeavour.demo')).id;
  assert.equal((await reviewItem(housingUser, ids.plain)).length, 0);
  assert.equal((await reviewItem(coord.userId, ids.plain)).length, 1);
  const seen = await withUser(db(), fireUser, (tx) => tx.selectFrom('review_decisions').select('incident_id').execute());
  assert.deepEqual(seen.map((r) => r.incident_id).sort(), [ids.tasked, ids.tasked2].sort());
  await assert.rejects(withUser(db(), coord.userId, (tx) => sql`INSERT INTO review_items (incident_id, partnership_id, owner_organisation_id, how_reported, category, reported_at) VALUES (${ids.plain}, ${coord.partnershipId}, ${ids.hbbc}, 'other', 'personal', now())`.execute(tx)));
  await assert.rejects(withUser(db(), coord.userId, (tx) => sql`DELETE FROM review_items WHERE incident_id = ${ids.plain}`.execute(tx)));
  // A decision on an incident the user cannot see is refused by the policy.
  await assert.rejects(
    withUser(db(), housingUser, (tx) =>
      tx.insertInto('review_decisions').values({ partnership_id: coord.partnershipId, owner_organisation_id: ids.housing, incident_id: ids.plain, outcome: 'no_further_action', nfa_reason: 'x', decided_by: housingUser }).execute()),
  );
  const disputes = await withUser(db(), housingUser, (tx) => tx.selectFrom('task_disputes').select('id').execute());
  assert.equal(disputes.length, 1, 'the task moved to housing, and its dispute with it');
  const policeUser = (await userId(ctx, 'police@endeavour.demo')).id;
  assert.equal((await withUser(db(), policeUser, (tx) => tx.selectFrom('task_disputes').select('id').execute())).length, 0);
});
