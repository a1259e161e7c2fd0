// Notifications: each user sees and marks only their own (row-level security and routes); notify()
// emails at once, leaves for the digest or only records, by the recipient's preference; the digest
// sends each notification once; emails carry a neutral title and a link only; setting a task, a team
// task and an organisation's task tell the right people; every view and change is audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, signIn, userId, auditRows, type TestContext, type Browser } from '../../test/harness.ts';
import { withUser, withAnonymous } from '../../platform/db/with-user.ts';
import { createMailer } from '../../platform/mail/mailer.ts';
import { notify, sendDigest } from './service.ts';
import { dateFields, isoDaysFromToday } from '../cases/test-support.ts';
import { createJobRunner } from '../../platform/jobs/runner.ts';
import { backgroundJobs } from '../../jobs.ts';

let ctx: TestContext;
let officer: Browser; // Charnwood, case officer
let manager: Browser; // Charnwood, manager
let police: Browser; // Leicestershire Police
let ids: Record<'officer' | 'manager' | 'police' | 'fire', { id: string; organisation_id: string }>;

const db = () => ctx.database.db;
const delivery = () => ({ mailer: createMailer({ from: 'test@localhost' }), baseUrl: 'https://endeavour.example' });
const outbox = (to: string) => db().selectFrom('outbox_messages').selectAll().where('to_address', '=', to).orderBy('created_at').execute();
const mine = (who: string) => withUser(db(), who, (tx) => tx.selectFrom('notifications').selectAll().orderBy('created_at', 'desc').execute());

before(async () => {
  ctx = await createTestApp();
  officer = await signIn(ctx, 'officer@endeavour.demo');
  manager = await signIn(ctx, 'manager@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
  ids = {
    officer: await userId(ctx, 'officer@endeavour.demo'),
    manager: await userId(ctx, 'manager@endeavour.demo'),
    police: await userId(ctx, 'police@endeavour.demo'),
    fire: await userId(ctx, 'fire@endeavour.demo'),
  };
});

after(() => ctx.close());

test('a user sees and marks only their own notifications; the app role cannot write them for anyone', async () => {
  await withUser(db(), ids.officer.id, (tx) =>
    notify(tx, [ids.manager.id, ids.police.id, ids.officer.id], { kind: 'task_disputed', title: 'A task has been disputed', href: '/tasks/team' }, { delivery: null }),
  );
  const m = await mine(ids.manager.id);
  const p = await mine(ids.police.id);
  assert.equal(m.length, 1);
  assert.equal(p.length, 1);
  assert.ok(m.every((n) => n.recipient_user_id === ids.manager.id));
  assert.equal((await mine(ids.officer.id)).length, 0, 'nobody is told of their own act');
  assert.equal((await mine(ids.fire.id)).length, 0);
  // Another user's notification: invisible, and marking it read changes nothing.
  const changed = await withUser(db(), ids.police.id, (tx) => tx.updateTable('notifications').set({ read_at: new Date() }).where('id', '=', m[0]!.id).executeTakeFirst());
  assert.equal(Number(changed.numUpdatedRows), 0);
  await assert.rejects(
    withUser(db(), ids.manager.id, (tx) => tx.updateTable('notifications').set({ title: 'Changed' }).where('id', '=', m[0]!.id).execute()),
    /permission denied/,
  );
  await assert.rejects(
    withUser(db(), ids.manager.id, (tx) =>
      tx.insertInto('notifications').values({ partnership_id: ctx.demo.partnershipId, recipient_user_id: ids.police.id, kind: 'task_assigned', title: 'Forged', href: '/tasks', delivery: 'in_app' }).execute(),
    ),
    /permission denied|row-level security/,
  );
  // Without a signed-in user (the sign-in pages' transactions) nobody can be notified.
  await assert.rejects(
    withAnonymous(db(), (tx) => notify(tx, [ids.manager.id], { kind: 'task_assigned', title: 'You have a new task', href: '/tasks' }, { delivery: null })),
    /signed-in user or by the job runner/,
  );
  // Preferences are private too.
  await withUser(db(), ids.manager.id, (tx) => tx.insertInto('notification_preferences').values({ user_id: ids.manager.id, kind: 'referral_updated', delivery: 'in_app' }).execute());
  assert.equal((await withUser(db(), ids.police.id, (tx) => tx.selectFrom('notification_preferences').selectAll().execute())).length, 0);
  await assert.rejects(
    withUser(db(), ids.police.id, (tx) => tx.insertInto('notification_preferences').values({ user_id: ids.manager.id, kind: 'task_assigned', delivery: 'in_app' }).execute()),
    /row-level security/,
  );
  const audits = await auditRows(ctx, { action: 'notify' });
  assert.ok(audits.some((a) => a.actor_user_id === ids.officer.id && (a.details.recipients as string[]).length === 2));
});

test('routes: the list shows only mine, newest first; the badge counts unread; mark one and all read by POST', async () => {
  const page = await manager.get('/notifications');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /A task has been disputed/);
  assert.match(page.body, /You have 1 unread notification/);
  assert.match(page.body, /moj-notification-badge">1<span class="govuk-visually-hidden"> unread notification/);
  const [n] = await mine(ids.manager.id);
  assert.match(page.body, /href="\/tasks\/team">A task has been disputed/);
  // Someone else's: not found, and it stays unread.
  assert.equal((await police.post(`/notifications/${n!.id}/read`)).statusCode, 404);
  assert.equal((await police.post('/notifications/not-an-id/read')).statusCode, 404);
  assert.equal((await mine(ids.manager.id))[0]!.read_at, null);
  // A form without the CSRF token is refused.
  assert.equal((await manager.post(`/notifications/${n!.id}/read`, {}, { csrf: null })).statusCode, 403);
  let res = await manager.post(`/notifications/${n!.id}/read`);
  assert.equal(res.statusCode, 302);
  assert.equal(res.headers.location, '/notifications');
  assert.notEqual((await mine(ids.manager.id))[0]!.read_at, null);
  assert.doesNotMatch((await manager.get('/notifications')).body, /moj-notification-badge/);
  // Reaching the page a notification links to marks it read; other pages do not.
  await police.get('/tasks/mine');
  assert.equal((await mine(ids.police.id))[0]!.read_at, null);
  res = await police.get('/tasks/team');
  assert.equal(res.statusCode, 200);
  assert.notEqual((await mine(ids.police.id))[0]!.read_at, null);
  assert.doesNotMatch(res.body, /moj-notification-badge">1/);
  // Mark all.
  await withUser(db(), ids.officer.id, async (tx) => {
    await notify(tx, [ids.manager.id], { kind: 'task_assigned', title: 'You have a new task', href: '/tasks/mine' }, { delivery: null });
    await notify(tx, [ids.manager.id], { kind: 'task_assigned', title: 'You have a new task', href: '/tasks/mine' }, { delivery: null });
  });
  assert.match((await manager.get('/notifications')).body, /You have 2 unread notifications/);
  res = await manager.post('/notifications/read-all');
  assert.equal(res.statusCode, 302);
  assert.equal((await mine(ids.manager.id)).filter((x) => !x.read_at).length, 0);
  assert.ok((await auditRows(ctx, { action: 'update' })).some((a) => a.record_type === 'notification' && a.details.marked_read === 2));
  assert.ok((await auditRows(ctx, { action: 'list' })).some((a) => a.record_type === 'notification' && a.actor_user_id === ids.manager.id));
  // Signed out: to the sign-in page.
  const anon = await ctx.app.inject({ method: 'GET', url: '/notifications' });
  assert.equal(anon.statusCode, 302);
  assert.match(String(anon.headers.location), /sign-in/);
});

test('preferences: bad input keeps the choices and shows GOV.UK errors; saved choices decide email, digest or in-app only', async () => {
  const form = await manager.get('/account/notifications');
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /Email me straight away/);
  let res = await manager.post('/account/notifications', { task_assigned: 'digest', task_escalated: 'sometimes' });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /govuk-error-summary/);
  assert.match(res.body, /href="#task_escalated"/);
  assert.match(res.body, /value="digest" checked/);
  const all = { task_assigned: 'digest', task_escalated: 'email', task_disputed: 'in_app', task_dispute_resolved: 'in_app', access_request_received: 'email', access_request_answered: 'email', referral_received: 'email', referral_updated: 'digest', case_review_alert: 'email' };
  res = await manager.post('/account/notifications', all);
  assert.equal(res.statusCode, 302);
  assert.ok((await auditRows(ctx, { action: 'update', recordId: ids.manager.id })).some((a) => a.record_type === 'notification_preferences' && (a.details.changed as string[]).includes('task_assigned')));

  const d = delivery();
  await withUser(db(), ids.officer.id, async (tx) => {
    await notify(tx, [ids.manager.id, ids.police.id], { kind: 'task_assigned', title: 'You have a new task', href: '/tasks/one' }, { delivery: d });
    await notify(tx, [ids.manager.id], { kind: 'task_disputed', title: 'A task has been disputed', href: '/review/disputes/two' }, { delivery: d });
  });
  const [disputed, assigned] = await mine(ids.manager.id);
  assert.equal(disputed!.kind, 'task_disputed', 'newest first');
  assert.equal(assigned!.delivery, 'digest');
  assert.equal(assigned!.emailed_at, null);
  assert.equal(disputed!.delivery, 'in_app');
  assert.equal((await outbox('manager@endeavour.demo')).length, 0, 'the manager chose the digest and in-app only');
  // The police officer kept the default for new tasks: emailed at once, a neutral title and a link only.
  const mail = await outbox('police@endeavour.demo');
  assert.equal(mail.length, 1);
  assert.equal(mail[0]!.subject, 'You have a new task');
  assert.match(mail[0]!.body, /https:\/\/endeavour\.example\/tasks\/one/);
  assert.notEqual((await mine(ids.police.id)).find((n) => n.href === '/tasks/one')!.emailed_at, null);
});

test('the daily digest sends each waiting notification once, lists only unread ones, and skips in-app only', async () => {
  const d = delivery();
  // An immediate one that no mailer could send goes in the digest instead of being lost.
  await withUser(db(), ids.officer.id, (tx) => notify(tx, [ids.police.id], { kind: 'access_request_answered', title: 'Your request to see a record was granted', href: '/access-requests/z' }, { delivery: null }));
  const first = await db().transaction().execute((tx) => sendDigest(tx, new Date(Date.now() + 1000), d));
  assert.ok(first.emails >= 2);
  const m = await outbox('manager@endeavour.demo');
  assert.equal(m.length, 1);
  assert.match(m[0]!.subject, /Your daily summary from Endeavour: 1 new notification/);
  assert.match(m[0]!.body, /You have a new task: https:\/\/endeavour\.example\/tasks\/one/);
  assert.doesNotMatch(m[0]!.body, /disputed/, 'in-app only stays out of email');
  const p = await outbox('police@endeavour.demo');
  assert.equal(p.filter((x) => /daily summary/.test(x.subject)).length, 1);
  assert.match(p.at(-1)!.body, /access-requests\/z/);
  assert.ok((await auditRows(ctx, { action: 'notify', recordId: ids.manager.id })).some((a) => a.record_type === 'notification_digest' && a.actor_user_id === null));

  const again = await db().transaction().execute((tx) => sendDigest(tx, new Date(Date.now() + 1000), d));
  assert.deepEqual(again, { recipients: 0, emails: 0 });
  assert.equal((await outbox('manager@endeavour.demo')).length, 1);

  // Read before the digest: marked as dealt with, not emailed.
  await withUser(db(), ids.officer.id, (tx) => notify(tx, [ids.manager.id], { kind: 'referral_updated', title: 'A referral has been updated', href: '/referrals/r' }, { delivery: d }));
  await manager.post('/notifications/read-all');
  const third = await db().transaction().execute((tx) => sendDigest(tx, new Date(Date.now() + 1000), d));
  assert.deepEqual(third, { recipients: 1, emails: 0 });
  // The app role may not run the digest.
  await assert.rejects(
    withUser(db(), ids.manager.id, (tx) => sql`SELECT * FROM notification_digest_claim(now())`.execute(tx)),
    /permission denied/,
  );
});

test('setting a task tells the assignee, a team’s members, or an organisation’s managers and coordinators', async () => {
  const before = (await mine(ids.police.id)).length;
  await officer.get('/tasks/new');
  let res = await officer.post('/tasks', {
    title: 'Visit the Elm Road tenant about the stairwell',
    assignee_kind: 'user',
    assigned_user: ids.police.id,
    priority: 'normal',
    ...dateFields('due_date', isoDaysFromToday(3)),
  });
  assert.equal(res.statusCode, 302);
  const taskId = String(res.headers.location).split('/').pop()!;
  const got = await mine(ids.police.id);
  assert.equal(got.length, before + 1);
  assert.equal(got[0]!.kind, 'task_assigned');
  assert.equal(got[0]!.href, `/tasks/${taskId}`);
  assert.equal(got[0]!.title, 'You have a new task');
  const mail = (await outbox('police@endeavour.demo')).at(-1)!;
  assert.equal(mail.subject, 'You have a new task');
  assert.doesNotMatch(mail.body, /Elm Road|stairwell/, 'the email names nothing about the task');
  assert.match((await police.get('/tasks/mine')).body, /moj-notification-badge/);
  assert.equal((await police.get(`/tasks/${taskId}`)).statusCode, 200);
  assert.notEqual((await mine(ids.police.id)).find((n) => n.href === `/tasks/${taskId}`)!.read_at, null, 'opening the task marks its notification read');

  // To Charnwood's ASB Team: its members (the manager), never the officer who set it.
  const team = await db().selectFrom('teams').select('id').where('organisation_id', '=', ids.officer.organisation_id).where('name', '=', 'ASB Team').executeTakeFirstOrThrow();
  const managerBefore = (await mine(ids.manager.id)).length;
  res = await officer.post('/tasks', { title: 'Team task', assignee_kind: 'team', assigned_team: team.id, priority: 'normal', ...dateFields('due_date', isoDaysFromToday(3)) });
  assert.equal(res.statusCode, 302);
  const m = await mine(ids.manager.id);
  assert.equal(m.length, managerBefore + 1);
  assert.equal(m[0]!.title, 'Your team has a new task');
  assert.equal(m[0]!.delivery, 'digest', 'the manager’s preference holds');
  assert.equal((await mine(ids.officer.id)).filter((n) => n.title === 'Your team has a new task').length, 0);

  // To the police as an organisation: its managers and coordinators (the demo police have none: nobody),
  // and to Charnwood: its manager.
  res = await police.post('/tasks', { title: 'Org task', assignee_kind: 'organisation', assigned_organisation: ids.officer.organisation_id, priority: 'normal', ...dateFields('due_date', isoDaysFromToday(3)) });
  assert.equal(res.statusCode, 302);
  const m2 = await mine(ids.manager.id);
  assert.equal(m2[0]!.title, 'Your organisation has a new task');
  assert.equal((await mine(ids.officer.id)).filter((n) => n.title === 'Your organisation has a new task').length, 0, 'case officers are not told of every organisation task');
});

test('the background jobs run through the job runner: escalation and the digest, once per slot', async () => {
  const config = { ...ctx.config, jobs: { enabled: true, escalationEveryMinutes: 5, digestTime: '07:00' } };
  const runner = createJobRunner(db(), backgroundJobs(config, createMailer({ from: 'test@localhost' })));
  await withUser(db(), ids.officer.id, (tx) => notify(tx, [ids.manager.id], { kind: 'referral_updated', title: 'A referral has been updated', href: '/tasks/team' }, { delivery: null }));
  const now = new Date(Date.now() + 60_000);
  assert.deepEqual(await runner.tick(now), { 'escalate-overdue-tasks': 'ran', 'daily-digest': 'ran' });
  const digest = (await outbox('manager@endeavour.demo')).filter((m) => /daily summary/.test(m.subject));
  assert.equal(digest.length, 2, 'the one waiting for the digest went out');
  assert.deepEqual(await runner.tick(now), { 'escalate-overdue-tasks': 'waiting', 'daily-digest': 'waiting' });
  // A second process finds both already run for this slot.
  const other = createJobRunner(db(), backgroundJobs(config, createMailer({ from: 'test@localhost' })));
  assert.deepEqual(await other.tick(now), { 'escalate-overdue-tasks': 'not_due', 'daily-digest': 'not_due' });
  await runner.stop();
  await other.stop();
});
