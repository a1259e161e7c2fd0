// Supervision by first-line managers: line management set in the demo and in user admin (same
// organisation only); the caseload counts (an overdue task, a case past review, a rising risk, and a
// task another organisation set that the manager may count but not see); reassigning a case and a
// task with a reason and a version check; supervision notes with a next review date on the case page.
// Route access for officers and another organisation's manager, row-level security by direct query
// through the app role, validation errors, and the audit rows of each step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, signIn, userId, auditRows, type TestContext, type Browser } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { dateFields, isoDaysFromToday } from '../cases/test-support.ts';

let ctx: TestContext;
let manager: Browser; // Sarah Whitfield, Charnwood: line-manages Amira
let officer: Browser; // Amira Patel, Charnwood case officer
let policeManager: Browser; // a manager at Leicestershire Police
let police: Browser; // a police case officer
let admin: Browser;
const ids = {} as Record<
  | 'charnwood' | 'police' | 'manager' | 'officer' | 'second' | 'policeOfficer' | 'policeManager'
  | 'pastReview' | 'rising' | 'closed' | 'overdueTask' | 'caseTask' | 'policeTask' | 'victim' | 'questionnaire',
  string
>;
const db = () => ctx.database.db;

async function addUser(email: string, like: string, name: string, roles: ('manager' | 'case_officer')[]) {
  const model = await db().selectFrom('users').select(['organisation_id', 'password_hash']).where('email', '=', like).executeTakeFirstOrThrow();
  const r = await db()
    .insertInto('users')
    .values({ organisation_id: model.organisation_id, email, display_name: name, roles, password_hash: model.password_hash, password_changed_at: new Date(), updated_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

async function addCase(lead: string, title: string, reviewDate: string, status: 'open' | 'closed' = 'open') {
  const r = await db()
    .insertInto('cases')
    .values({
      partnership_id: ctx.demo.partnershipId,
      owner_organisation_id: ids.charnwood,
      title,
      status,
      lead_officer_id: lead,
      review_date: reviewDate,
      created_by: lead,
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

async function assess(band: 'standard' | 'medium' | 'high', daysAgo: number) {
  await db()
    .insertInto('risk_assessments')
    .values({
      partnership_id: ctx.demo.partnershipId,
      owner_organisation_id: ids.charnwood,
      questionnaire_id: ids.questionnaire,
      person_id: ids.victim,
      case_id: ids.rising,
      answers: {},
      score: band === 'high' ? 30 : 5,
      yes_count: band === 'high' ? 9 : 1,
      computed_band: band,
      final_band: band,
      assessed_by: ids.officer,
      assessed_at: new Date(Date.now() - daysAgo * 86_400_000),
    })
    .execute();
}

async function addTask(owner: string, by: string, title: string, dueDate: string, caseId: string | null = null) {
  const r = await db()
    .insertInto('tasks')
    .values({
      partnership_id: ctx.demo.partnershipId,
      owner_organisation_id: owner,
      title,
      case_id: caseId,
      assigned_user_id: ids.officer,
      due_date: dueDate,
      created_by: by,
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

const version = async (table: 'cases' | 'tasks', id: string) =>
  (await db().selectFrom(table).select('version').where('id', '=', id).executeTakeFirstOrThrow()).version;

/** The numbers in one officer's row of the supervision table. */
function row(body: string, officerId: string) {
  const m = new RegExp(`data-qa="officer-${officerId}">([\\s\\S]*?)</tr>`).exec(body);
  if (!m) return null;
  const cell = (qa: string) => Number(new RegExp(`data-qa="${qa}"><a[^>]*>(\\d+)<`).exec(m[1]!)![1]);
  return { open: cell('open-cases'), overdue: cell('overdue-tasks'), pastReview: cell('past-review'), rising: cell('rising-risk') };
}

before(async () => {
  ctx = await createTestApp();
  const m = await userId(ctx, 'manager@endeavour.demo');
  const o = await userId(ctx, 'officer@endeavour.demo');
  const p = await userId(ctx, 'police@endeavour.demo');
  Object.assign(ids, { manager: m.id, charnwood: m.organisation_id, officer: o.id, policeOfficer: p.id, police: p.organisation_id });
  ids.second = await addUser('second-officer@endeavour.demo', 'officer@endeavour.demo', 'Bartholomew Quince', ['case_officer']);
  ids.policeManager = await addUser('police-manager@endeavour.demo', 'police@endeavour.demo', 'Inspector Rosalind Tupper', ['manager', 'case_officer']);
  await db().updateTable('users').set({ line_manager_id: ids.policeManager }).where('id', '=', ids.policeOfficer).execute();

  // Amira leads: one open case, one past its review date, one with rising risk, one closed.
  await addCase(ids.officer, 'Noise from the flat above', isoDaysFromToday(20));
  ids.pastReview = await addCase(ids.officer, 'Harassment on Elm Road', isoDaysFromToday(-3));
  ids.rising = await addCase(ids.officer, 'Threats to a neighbour', isoDaysFromToday(10));
  ids.closed = await addCase(ids.officer, 'Closed long ago', isoDaysFromToday(-30), 'closed');
  await addCase(ids.second, 'Graffiti at the parade', isoDaysFromToday(5));
  ids.victim = (await db().selectFrom('people').select('id').where('owner_organisation_id', '=', ids.charnwood).orderBy('id').executeTakeFirstOrThrow()).id;
  ids.questionnaire = (
    await db()
      .insertInto('risk_questionnaires')
      .values({ partnership_id: ctx.demo.partnershipId, key: 'test_supervision', version: 1, name: 'Test questionnaire', definition: {} })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await assess('standard', 20);
  await assess('high', 1);
  // One overdue task Charnwood set her, one not yet due, and one overdue task the police set her.
  ids.overdueTask = await addTask(ids.charnwood, ids.manager, 'Visit the victim', isoDaysFromToday(-2));
  ids.caseTask = await addTask(ids.charnwood, ids.manager, 'Send the warning letter', isoDaysFromToday(5), ids.pastReview);
  ids.policeTask = await addTask(ids.police, ids.policeOfficer, 'Police intelligence check', isoDaysFromToday(-1));

  manager = await signIn(ctx, 'manager@endeavour.demo');
  officer = await signIn(ctx, 'officer@endeavour.demo');
  policeManager = await signIn(ctx, 'police-manager@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
  admin = await signIn(ctx, 'admin@endeavour.demo');
});
after(() => ctx.close());

test('the demo manager line-manages the officers of their organisation; a line manager is never in another organisation', async () => {
  const amira = await db().selectFrom('users').select('line_manager_id').where('id', '=', ids.officer).executeTakeFirstOrThrow();
  assert.equal(amira.line_manager_id, ids.manager);
  const sarah = await db().selectFrom('users').select('line_manager_id').where('id', '=', ids.manager).executeTakeFirstOrThrow();
  assert.equal(sarah.line_manager_id, null, 'a manager does not manage themselves');
  await assert.rejects(
    db().updateTable('users').set({ line_manager_id: ids.policeManager }).where('id', '=', ids.second).execute(),
    /same organisation/,
  );
  await assert.rejects(db().updateTable('users').set({ line_manager_id: ids.manager }).where('id', '=', ids.manager).execute(), /own line manager/);
  // A manager who moves organisation (through user admin, as the app role) stops managing those left behind.
  const leaver = await addUser('leaving-manager@endeavour.demo', 'police@endeavour.demo', 'Leonora Fitch', ['manager']);
  const report = await addUser('left-behind@endeavour.demo', 'police@endeavour.demo', 'Percival Amblethwaite', ['case_officer']);
  await db().updateTable('users').set({ line_manager_id: leaver }).where('id', '=', report).execute();
  await withUser(db(), ids.manager, (tx) => tx.updateTable('users').set({ organisation_id: ids.charnwood }).where('id', '=', leaver).execute());
  const after = await db().selectFrom('users').select('line_manager_id').where('id', '=', report).executeTakeFirstOrThrow();
  assert.equal(after.line_manager_id, null);
  await db().updateTable('users').set({ active: false }).where('id', 'in', [leaver, report]).execute();
});

test('only managers reach supervision; another organisation’s manager sees none of ours', async () => {
  assert.equal((await officer.get('/supervision')).statusCode, 403);
  assert.equal((await police.get('/supervision')).statusCode, 403);
  assert.equal((await officer.get(`/supervision/officers/${ids.officer}`)).statusCode, 403);
  assert.equal((await officer.get(`/supervision/cases/${ids.rising}`)).statusCode, 403);
  assert.equal((await officer.get(`/supervision/cases/${ids.rising}/reassign`)).statusCode, 403);
  assert.equal((await officer.post(`/supervision/cases/${ids.rising}/reassign`, { to: ids.second, reason: 'x', version: '1' })).statusCode, 403);
  assert.equal((await officer.get(`/supervision/tasks/${ids.overdueTask}/reassign`)).statusCode, 403);
  assert.doesNotMatch((await officer.get('/')).body, /href="\/supervision"/, 'officers are not offered the page');
  assert.match((await manager.get('/')).body, /href="\/supervision"/);

  const theirs = await policeManager.get('/supervision?scope=organisation');
  assert.equal(theirs.statusCode, 200);
  assert.ok(row(theirs.body, ids.policeOfficer), 'their own officer is listed');
  assert.equal(row(theirs.body, ids.officer), null);
  assert.doesNotMatch(theirs.body, /Amira Patel/);
  assert.equal((await policeManager.get(`/supervision/officers/${ids.officer}`)).statusCode, 404);
  assert.equal((await policeManager.get(`/supervision/cases/${ids.rising}`)).statusCode, 404);
  assert.equal((await policeManager.get(`/supervision/cases/${ids.rising}/reassign`)).statusCode, 404);
  assert.equal((await policeManager.post(`/supervision/cases/${ids.rising}/reassign`, { to: ids.policeOfficer, reason: 'Mine now', version: '1' })).statusCode, 404);
  assert.equal((await policeManager.post(`/supervision/cases/${ids.rising}`, { note: 'Looked at it', version: '1' })).statusCode, 404);
  assert.equal((await policeManager.get(`/supervision/tasks/${ids.overdueTask}/reassign`)).statusCode, 404);
  assert.equal((await manager.get('/supervision/officers/not-an-id')).statusCode, 404);
  assert.equal((await manager.get(`/supervision/officers/${ids.policeOfficer}`)).statusCode, 404, 'officers of other organisations are not ours to supervise');
});

test('counts per officer: open cases, overdue tasks (including ones others set), cases past review and rising risk', async () => {
  const page = await manager.get('/supervision');
  assert.equal(page.statusCode, 200);
  assert.deepEqual(row(page.body, ids.officer), { open: 3, overdue: 2, pastReview: 1, rising: 1 });
  assert.equal(row(page.body, ids.second), null, 'scope "mine" lists only the officers Sarah line-manages');
  const everyone = await manager.get('/supervision?scope=organisation');
  assert.deepEqual(row(everyone.body, ids.second), { open: 1, overdue: 0, pastReview: 0, rising: 0 });
  assert.ok(row(everyone.body, ids.officer));
  const listed = await auditRows(ctx, { action: 'list' });
  assert.ok(listed.some((r) => r.record_type === 'supervision' && r.details.scope === 'organisation' && r.actor_user_id === ids.manager));

  const past = await manager.get(`/supervision/officers/${ids.officer}?show=past_review`);
  assert.equal(past.statusCode, 200);
  assert.match(past.body, /Harassment on Elm Road/);
  assert.doesNotMatch(past.body, /Threats to a neighbour|Noise from the flat above|Closed long ago/);
  const rising = await manager.get(`/supervision/officers/${ids.officer}?show=rising_risk`);
  assert.match(rising.body, /Threats to a neighbour/);
  assert.match(rising.body, /data-qa="rising"/);
  assert.doesNotMatch(rising.body, /Harassment on Elm Road/);
  const open = await manager.get(`/supervision/officers/${ids.officer}`);
  assert.equal([...open.body.matchAll(/data-qa="officer-case"/g)].length, 3);
  const overdue = await manager.get(`/supervision/officers/${ids.officer}?show=overdue_tasks`);
  assert.match(overdue.body, /Visit the victim/);
  assert.doesNotMatch(overdue.body, /Send the warning letter|Police intelligence check/);
  assert.match(overdue.body, /data-qa="hidden-tasks">1 more task was set/);
  const officerAudit = await auditRows(ctx, { action: 'list', recordId: ids.officer });
  assert.ok(officerAudit.some((r) => r.record_type === 'caseload' && r.details.show === 'overdue_tasks'));
});

test('a falling risk is not rising: the latest band must be higher than the one before', async () => {
  await assess('medium', 0);
  const page = await manager.get('/supervision');
  assert.equal(row(page.body, ids.officer)!.rising, 0);
  await assess('high', 0);
  assert.equal(row((await manager.get('/supervision')).body, ids.officer)!.rising, 1);
});

test('reassigning a case: validation, a version check, the reason kept, audited and on the timeline', async () => {
  const form = await manager.get(`/supervision/cases/${ids.pastReview}/reassign`);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /Bartholomew Quince/);
  assert.match(form.body, /Give these 1 open task to the new lead officer too/);
  assert.match(form.body, /name="move_tasks" type="checkbox" value="yes" checked/);
  const v = await version('cases', ids.pastReview);

  const empty = await manager.post(`/supervision/cases/${ids.pastReview}/reassign`, { version: String(v) });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /govuk-error-summary/);
  assert.match(empty.body, /Select the officer to take it on/);
  assert.match(empty.body, /Enter why you are reassigning it/);
  const same = await manager.post(`/supervision/cases/${ids.pastReview}/reassign`, { version: String(v), to: ids.officer, reason: 'Typed reason' });
  assert.equal(same.statusCode, 400);
  assert.match(same.body, /already leads the case/);
  assert.match(same.body, /Typed reason/);
  const stranger = await manager.post(`/supervision/cases/${ids.pastReview}/reassign`, { version: String(v), to: ids.policeOfficer, reason: 'Typed reason' });
  assert.equal(stranger.statusCode, 400, 'only officers of the organisation');
  const stale = await manager.post(`/supervision/cases/${ids.pastReview}/reassign`, { version: String(v - 1), to: ids.second, reason: 'Kept while stale' });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /Someone else changed this case/);
  assert.match(stale.body, /Kept while stale/);
  assert.match(stale.body, new RegExp(`name="version" value="${v}"`), 'the form now carries the saved version');

  const unticked = await manager.post(`/supervision/cases/${ids.pastReview}/reassign`, { version: String(v), to: '', reason: 'Kept', move_tasks: '' });
  assert.doesNotMatch(unticked.body, /name="move_tasks" type="checkbox" value="yes" checked/, 'an unticked box stays unticked');
  const done = await manager.post(`/supervision/cases/${ids.pastReview}/reassign`, { version: String(v), to: ids.second, reason: 'Amira is on leave for a month', move_tasks: 'yes' });
  assert.equal(done.statusCode, 302);
  const c = await db().selectFrom('cases').select(['lead_officer_id', 'version']).where('id', '=', ids.pastReview).executeTakeFirstOrThrow();
  assert.equal(c.lead_officer_id, ids.second);
  assert.equal(c.version, v + 1);
  const audit = (await auditRows(ctx, { action: 'update', recordId: ids.pastReview })).at(-1)!;
  assert.deepEqual(audit.details.fields, ['lead_officer_id']);
  assert.equal(audit.details.from, ids.officer);
  assert.equal(audit.details.to, ids.second);
  assert.ok(audit.details.reassignment_id);
  assert.doesNotMatch(JSON.stringify(audit.details), /leave/, 'the reason stays out of the audit log');
  // Her open task on the case went with it; her task on no case did not.
  const moved = await db().selectFrom('tasks').select(['assigned_user_id']).where('id', '=', ids.caseTask).executeTakeFirstOrThrow();
  assert.equal(moved.assigned_user_id, ids.second);
  const stayed = await db().selectFrom('tasks').select(['assigned_user_id']).where('id', '=', ids.overdueTask).executeTakeFirstOrThrow();
  assert.equal(stayed.assigned_user_id, ids.officer);
  const taskAudit = (await auditRows(ctx, { action: 'update', recordId: ids.caseTask })).at(-1)!;
  assert.equal(taskAudit.details.with_case_id, ids.pastReview);

  // Whoever can see the case sees the reassignment and its reason on the timeline.
  const timeline = await officer.get(`/cases/${ids.pastReview}`);
  assert.match(timeline.body, /Case reassigned from Amira Patel to Bartholomew Quince/);
  assert.match(timeline.body, /Amira is on leave for a month/);

  const closed = await manager.get(`/supervision/cases/${ids.closed}/reassign`);
  assert.equal(closed.statusCode, 403);
});

test('reassigning a task the organisation set; a task another organisation set is not the manager’s to move', async () => {
  const v = await version('tasks', ids.overdueTask);
  const bad = await manager.post(`/supervision/tasks/${ids.overdueTask}/reassign`, { version: String(v), to: 'nobody', reason: '' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Select the officer to take it on/);
  const done = await manager.post(`/supervision/tasks/${ids.overdueTask}/reassign`, { version: String(v), to: ids.second, reason: 'Bartholomew covers Elm Road now' });
  assert.equal(done.statusCode, 302);
  assert.equal(done.headers.location, `/tasks/${ids.overdueTask}`);
  const t = await db().selectFrom('tasks').select(['assigned_user_id', 'version']).where('id', '=', ids.overdueTask).executeTakeFirstOrThrow();
  assert.equal(t.assigned_user_id, ids.second);
  assert.equal(t.version, v + 1);
  const again = await manager.post(`/supervision/tasks/${ids.overdueTask}/reassign`, { version: String(v), to: ids.officer, reason: 'Back again' });
  assert.equal(again.statusCode, 409, 'the old version no longer applies');
  const audit = (await auditRows(ctx, { action: 'update', recordId: ids.overdueTask })).at(-1)!;
  assert.equal(audit.details.to, ids.second);
  assert.equal((await manager.get(`/supervision/tasks/${ids.policeTask}/reassign`)).statusCode, 404);
  // The counts move with the task.
  const page = await manager.get('/supervision?scope=organisation');
  assert.equal(row(page.body, ids.officer)!.overdue, 1);
  assert.equal(row(page.body, ids.second)!.overdue, 1);
});

test('supervision notes: validation, a next review date that moves the case’s review, shown with the case', async () => {
  const empty = await manager.post(`/supervision/cases/${ids.rising}`, { version: '1', note: ' ', ...dateFields('next_review', isoDaysFromToday(-1)) });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /Enter the supervision note/);
  assert.match(empty.body, /The next review date must be today or in the future/);
  const unreal = await manager.post(`/supervision/cases/${ids.rising}`, { version: '1', note: 'Kept', 'next_review-day': '31', 'next_review-month': '2', 'next_review-year': '2030' });
  assert.equal(unreal.statusCode, 400);
  assert.match(unreal.body, /must be a real date/);
  assert.match(unreal.body, />Kept</);

  const v = await version('cases', ids.rising);
  const next = isoDaysFromToday(7);
  const stale = await manager.post(`/supervision/cases/${ids.rising}`, { version: String(v - 1), note: 'Stale but kept', ...dateFields('next_review', next) });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /Stale but kept/);
  assert.equal((await db().selectFrom('case_supervision_notes').select('id').execute()).length, 0, 'nothing saved on a conflict');

  const done = await manager.post(`/supervision/cases/${ids.rising}`, { version: String(v), note: 'Risk has risen: weekly visits agreed.', ...dateFields('next_review', next) });
  assert.equal(done.statusCode, 302);
  const c = await db().selectFrom('cases').select(['review_date', 'version']).where('id', '=', ids.rising).executeTakeFirstOrThrow();
  assert.equal(c.review_date, next);
  assert.equal(c.version, v + 1);
  const plain = await manager.post(`/supervision/cases/${ids.rising}`, { version: 'whatever', note: 'A second look, no new date.' });
  assert.equal(plain.statusCode, 302, 'without a date the case itself is not changed, so no version is needed');
  const notes = await db().selectFrom('case_supervision_notes').select(['id', 'author_id', 'next_review_date']).where('case_id', '=', ids.rising).execute();
  assert.equal(notes.length, 2);
  const created = await auditRows(ctx, { action: 'create' });
  assert.equal(created.filter((r) => r.record_type === 'case_supervision_note').length, 2);
  const reviewAudit = (await auditRows(ctx, { action: 'update', recordId: ids.rising })).at(-1)!;
  assert.deepEqual(reviewAudit.details.fields, ['review_date']);

  const page = await manager.get(`/supervision/cases/${ids.rising}`);
  assert.equal([...page.body.matchAll(/data-qa="supervision-note"/g)].length, 2);
  const seen = await officer.get(`/cases/${ids.rising}`);
  assert.match(seen.body, /Supervision note/);
  assert.match(seen.body, /Risk has risen: weekly visits agreed\./);
  assert.equal((await police.get(`/cases/${ids.rising}`)).statusCode, 404);
  const notesSection = await officer.get(`/cases/${ids.rising}/notes`);
  assert.equal([...notesSection.body.matchAll(/data-qa="supervision-note"/g)].length, 2, 'the case’s Notes section lists them too');
  assert.doesNotMatch(notesSection.body, /data-qa="supervision-link"/, 'officers are not offered to supervise');
  assert.match((await manager.get(`/cases/${ids.rising}/notes`)).body, /data-qa="supervision-link"/);
});

test('row-level security: notes and reassignments are seen with their case, and written only by its managers', async () => {
  const count = (user: string, table: 'case_supervision_notes' | 'supervision_reassignments') =>
    withUser(db(), user, async (tx) => Number((await sql<{ n: number }>`SELECT count(*)::integer AS n FROM ${sql.table(table)}`.execute(tx)).rows[0]!.n));
  assert.equal(await count(ids.officer, 'case_supervision_notes'), 2);
  assert.equal(await count(ids.policeManager, 'case_supervision_notes'), 0);
  assert.equal(await count(ids.officer, 'supervision_reassignments'), 3);
  assert.equal(await count(ids.policeManager, 'supervision_reassignments'), 0);
  // Reassignments are seen with the case or task: the second officer's organisation holds both.
  assert.equal(await count(ids.second, 'supervision_reassignments'), 3);

  const insertNote = (user: string) =>
    withUser(db(), user, (tx) => tx.insertInto('case_supervision_notes').values({ case_id: ids.rising, author_id: user, note: 'Sneaky' }).execute());
  await assert.rejects(insertNote(ids.officer), /row-level security/, 'an officer cannot write supervision notes');
  await assert.rejects(insertNote(ids.policeManager), /row-level security/, 'another organisation’s manager cannot');
  await assert.rejects(
    withUser(db(), ids.manager, (tx) => tx.insertInto('case_supervision_notes').values({ case_id: ids.rising, author_id: ids.officer, note: 'In her name' }).execute()),
    /row-level security/,
    'nor in someone else’s name',
  );
  await assert.rejects(
    withUser(db(), ids.policeManager, (tx) =>
      tx
        .insertInto('supervision_reassignments')
        .values({ partnership_id: ctx.demo.partnershipId, owner_organisation_id: ids.police, case_id: ids.rising, to_user_id: ids.policeOfficer, reason: 'x', reassigned_by: ids.policeManager })
        .execute(),
    ),
    /row-level security/,
  );
  const moved = await withUser(db(), ids.policeManager, (tx) =>
    tx.updateTable('cases').set({ lead_officer_id: ids.policeOfficer }).where('id', '=', ids.rising).executeTakeFirst(),
  );
  assert.equal(Number(moved.numUpdatedRows), 0, 'another organisation cannot move our case');
});

test('user admin sets a line manager, only a manager of the same organisation', async () => {
  const form = await admin.get(`/admin/users/${ids.second}/edit`);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /Line manager \(optional\)/);
  const base = {
    email: 'second-officer@endeavour.demo',
    display_name: 'Bartholomew Quince',
    organisation_id: ids.charnwood,
    roles: 'case_officer',
  };
  const v = (await db().selectFrom('users').select('version').where('id', '=', ids.second).executeTakeFirstOrThrow()).version;
  const wrong = await admin.post(`/admin/users/${ids.second}/edit`, { ...base, version: String(v), line_manager_id: ids.policeManager });
  assert.equal(wrong.statusCode, 400);
  assert.match(wrong.body, /Select a line manager who is a manager in the organisation they work for/);
  const ok = await admin.post(`/admin/users/${ids.second}/edit`, { ...base, version: String(v), line_manager_id: ids.manager });
  assert.equal(ok.statusCode, 302);
  const u = await db().selectFrom('users').select('line_manager_id').where('id', '=', ids.second).executeTakeFirstOrThrow();
  assert.equal(u.line_manager_id, ids.manager);
  const audit = (await auditRows(ctx, { action: 'admin_update', recordId: ids.second })).at(-1)!;
  assert.deepEqual(audit.details.fields, ['line_manager_id']);
  assert.match((await admin.get(`/admin/users/${ids.second}`)).body, /Sarah Whitfield/);
  // Now Sarah sees him among her own officers.
  assert.ok(row((await manager.get('/supervision')).body, ids.second));
});
