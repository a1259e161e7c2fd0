// Interventions end to end: giving one with its rules checked against the person's age, reminders as
// tasks, breaches, edits with conflict detection, the incremental-approach ladder, and record-level
// security by every route and by a direct query through the app's database role.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, signIn, userId, auditRows, type TestContext, type Browser } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';

let ctx: TestContext;
let officer: Browser; // Charnwood Borough Council
let police: Browser; // Leicestershire Police
let board: Browser; // read only
let adultId: string;
let youthId: string;
let caseId: string;
let abcId: string;

const iso = (d: Date) => d.toISOString().slice(0, 10);
const today = iso(new Date());
const yearsAgo = (n: number, days = 0) => {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - n);
  d.setUTCDate(d.getUTCDate() + days);
  return iso(d);
};
const dateFields = (prefix: string, isoDate: string) => {
  const [y, m, d] = isoDate.split('-');
  return { [`${prefix}-day`]: String(Number(d)), [`${prefix}-month`]: String(Number(m)), [`${prefix}-year`]: y! };
};

async function addPerson(first: string, last: string, dob: string) {
  await officer.get('/people/new');
  const [y, m, d] = dob.split('-');
  const res = await officer.post('/people', { first_name: first, last_name: last, 'date_of_birth-day': String(Number(d)), 'date_of_birth-month': String(Number(m)), 'date_of_birth-year': y! });
  assert.equal(res.statusCode, 302);
  return res.headers.location!.split('/').pop()!;
}

before(async () => {
  ctx = await createTestApp();
  officer = await signIn(ctx, 'officer@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
  board = await signIn(ctx, 'board@endeavour.demo');
  adultId = await addPerson('Bartholomew', 'Ingleby', '1988-05-17');
  // Fifteen today, turning sixteen tomorrow.
  youthId = await addPerson('Kieran', 'Sowerby', yearsAgo(16, 1));
  const u = await userId(ctx, 'officer@endeavour.demo');
  caseId = await withUser(ctx.database.db, u.id, async (tx) => {
    const c = await tx
      .insertInto('cases')
      .values({ partnership_id: ctx.demo.partnershipId, owner_organisation_id: u.organisation_id, title: 'Noise and intimidation, Wharncliffe Road', created_by: u.id, updated_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    return c.id;
  });
});

after(() => ctx.close());

test('the officer chooses a step of the incremental approach, then fills in its details', async () => {
  const choose = await officer.get(`/interventions/new?case=${caseId}&person=${adultId}`);
  assert.equal(choose.statusCode, 200);
  assert.match(choose.body, /Acceptable Behaviour Contract/);
  assert.match(choose.body, /Criminal Behaviour Order/);
  assert.doesNotMatch(choose.body, /Closure order/, 'premises powers are not offered for a person');
  const form = await officer.get(`/interventions/new?case=${caseId}&person=${adultId}&kind=abc`);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /Leave blank for the usual length: 6 months/);
});

test('an Acceptable Behaviour Contract gets its usual six months and reminder tasks for review and expiry', async () => {
  const res = await officer.post('/interventions', { case: caseId, person: adultId, kind: 'abc', ...dateFields('issued_on', today), conditions: 'Not to play amplified music after 11pm\nNot to contact the victims' });
  assert.equal(res.statusCode, 302, res.body.slice(0, 2000));
  abcId = res.headers.location!.split('/').pop()!;
  const row = await ctx.database.db.selectFrom('interventions').selectAll().where('id', '=', abcId).executeTakeFirstOrThrow();
  const six = new Date(`${today}T00:00:00Z`);
  const day = six.getUTCDate();
  six.setUTCDate(1);
  six.setUTCMonth(six.getUTCMonth() + 6);
  six.setUTCDate(Math.min(day, new Date(Date.UTC(six.getUTCFullYear(), six.getUTCMonth() + 1, 0)).getUTCDate()));
  assert.equal(row.expires_on, iso(six));
  assert.equal(row.status, 'issued');
  const tasks = await ctx.database.db.selectFrom('tasks').selectAll().where('intervention_id', '=', abcId).orderBy('due_date').execute();
  assert.equal(tasks.length, 2);
  assert.deepEqual(tasks.map((t) => t.title), ['Review: Acceptable Behaviour Contract', 'Acceptable Behaviour Contract ends: record the outcome']);
  assert.equal(tasks[1]!.due_date, row.expires_on);
  assert.ok(tasks.every((t) => t.case_id === caseId && t.status === 'open'));
  assert.equal((await auditRows(ctx, { action: 'create', recordId: abcId })).length, 1);
  assert.equal((await auditRows(ctx, { action: 'create', recordId: tasks[0]!.id })).length, 1);
  const page = await officer.get(`/interventions/${abcId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Not to play amplified music after 11pm<br/);
  assert.match(page.body, /data-qa="reminders"/);
});

test("the form refuses a Community Protection Warning for a 15-year-old, keeping what was typed", async () => {
  const res = await officer.post('/interventions', { case: caseId, person: youthId, kind: 'cpw', ...dateFields('issued_on', today), conditions: 'Stop riding the motorbike on the green' });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /govuk-error-summary/);
  assert.match(res.body, /can only be given to someone aged 16 or over: this person was 15 on the issue date/);
  assert.match(res.body, /Stop riding the motorbike on the green/);
  const missing = await officer.post('/interventions', { case: caseId, person: youthId, kind: 'civil_injunction', 'issued_on-day': '31', 'issued_on-month': '2', 'issued_on-year': '2026' });
  assert.equal(missing.statusCode, 400);
  assert.match(missing.body, /The issue date must be a real date/);
  const long = await officer.post('/interventions', { case: caseId, person: youthId, kind: 'civil_injunction', ...dateFields('issued_on', today), ...dateFields('expires_on', yearsAgo(-2)) });
  assert.equal(long.statusCode, 400);
  assert.match(long.body, /under 18 lasts at most 12 months/);
});

test('a breach is recorded with its details and the status becomes breached', async () => {
  const form = await officer.get(`/interventions/${abcId}/breaches/new`);
  assert.equal(form.statusCode, 200);
  const future = await officer.post(`/interventions/${abcId}/breaches`, { ...dateFields('occurred_on', yearsAgo(-1)), details: 'x' });
  assert.equal(future.statusCode, 400);
  assert.match(future.body, /must be today or in the past/);
  const empty = await officer.post(`/interventions/${abcId}/breaches`, { ...dateFields('occurred_on', today), details: '' });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /Describe the breach/);
  const res = await officer.post(`/interventions/${abcId}/breaches`, { ...dateFields('occurred_on', today), details: 'Music until 2am reported by two neighbours', action_taken: 'Second warning visit booked' });
  assert.equal(res.statusCode, 302);
  const row = await ctx.database.db.selectFrom('interventions').select(['status', 'version']).where('id', '=', abcId).executeTakeFirstOrThrow();
  assert.equal(row.status, 'breached');
  assert.equal(row.version, 2);
  const page = await officer.get(`/interventions/${abcId}`);
  assert.match(page.body, /data-qa="status">Breached/);
  assert.match(page.body, /Music until 2am reported by two neighbours/);
  assert.ok((await auditRows(ctx, { action: 'update', recordId: abcId })).some((r) => (r.details as { breach_id?: string }).breach_id));
});

test('changing the expiry date moves its reminder; a stale edit shows both versions and keeps what was typed', async () => {
  const edit = await officer.get(`/interventions/${abcId}/edit`);
  assert.equal(edit.statusCode, 200);
  const newExpiry = yearsAgo(-1, -10);
  const ok = await officer.post(`/interventions/${abcId}/edit`, { version: '2', ...dateFields('issued_on', today), ...dateFields('expires_on', newExpiry), status: 'breached', conditions: 'Not to play amplified music after 11pm' });
  assert.equal(ok.statusCode, 302, ok.body.slice(0, 2000));
  const tasks = await ctx.database.db.selectFrom('tasks').select(['title', 'due_date', 'status']).where('intervention_id', '=', abcId).execute();
  const ends = tasks.filter((t) => t.title.endsWith('ends: record the outcome'));
  assert.deepEqual(ends.map((t) => t.status).sort(), ['cancelled', 'open']);
  assert.equal(ends.find((t) => t.status === 'open')!.due_date, newExpiry);
  const stale = await officer.post(`/interventions/${abcId}/edit`, { version: '2', ...dateFields('issued_on', today), status: 'complied', notes: 'Complied after the visit (typed on a stale page)' });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /Someone else changed this Acceptable Behaviour Contract/);
  assert.match(stale.body, /Complied after the visit \(typed on a stale page\)/);
  assert.match(stale.body, /name="version" value="3"/);
  const invalid = await officer.post(`/interventions/${abcId}/edit`, { version: '3', ...dateFields('issued_on', today), status: 'nonsense' });
  assert.equal(invalid.statusCode, 400);
  assert.match(invalid.body, /Select the status from the list/);
});

test("the ladder shows which steps were used for the person, and when", async () => {
  const page = await officer.get(`/interventions?person=${adultId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Incremental approach: Bartholomew Ingleby/);
  assert.match(page.body, /Acceptable Behaviour Contract <strong class="govuk-tag govuk-tag--purple">Highest step used/);
  assert.equal((page.body.match(/Not used/g) ?? []).length, 13);
  const list = await officer.get('/interventions');
  assert.match(list.body, /Acceptable Behaviour Contract<span class="govuk-visually-hidden"> for Bartholomew Ingleby/);
  assert.ok((await auditRows(ctx, { action: 'list' })).some((r) => r.record_type === 'intervention'));
});

test('a household can be given a closure order on a case', async () => {
  const res = await officer.post('/interventions', { case: caseId, household: '1', kind: 'closure_order', household_address: '14 Wharncliffe Road, Loughborough LE11 1SL', ...dateFields('issued_on', today) });
  assert.equal(res.statusCode, 302, res.body.slice(0, 2000));
  const page = await officer.get(res.headers.location!);
  assert.match(page.body, /14 Wharncliffe Road/);
  const none = await officer.post('/interventions', { case: caseId, household: '1', kind: 'closure_order', ...dateFields('issued_on', today) });
  assert.equal(none.statusCode, 400);
  assert.match(none.body, /Enter the address of the household or place/);
});

test('another organisation cannot see or change an intervention by any route', async () => {
  for (const url of [`/interventions/${abcId}`, `/interventions/${abcId}/edit`, `/interventions/${abcId}/breaches/new`, `/interventions/${abcId}/share`, `/interventions?person=${adultId}`, `/interventions/new?case=${caseId}&person=${adultId}`, `/interventions/${abcId}/letters/new`]) {
    const res = await police.get(url);
    assert.equal(res.statusCode, 404, url);
    assert.doesNotMatch(res.body, /Ingleby/);
  }
  const list = await police.get('/interventions');
  assert.doesNotMatch(list.body, /Ingleby/);
  const posts: [string, Record<string, string>][] = [
    [`/interventions/${abcId}/edit`, { version: '3', ...dateFields('issued_on', today), status: 'discharged' }],
    [`/interventions/${abcId}/breaches`, { ...dateFields('occurred_on', today), details: 'x' }],
    [`/interventions/${abcId}/share`, { target_kind: 'organisation', access: 'edit', reason: 'x' }],
    ['/interventions', { case: caseId, person: adultId, kind: 'advice', ...dateFields('issued_on', today) }],
    [`/interventions/${abcId}/letters`, { template: abcId, person: adultId }],
  ];
  for (const [url, form] of posts) assert.equal((await police.post(url, form)).statusCode, 404, url);
  assert.equal((await board.get(`/interventions/new?case=${caseId}&person=${adultId}`)).statusCode, 403);
});

test("a query through the app's database role sees none of it: interventions, breaches or reminders", async () => {
  const p = await userId(ctx, 'police@endeavour.demo');
  const rows = await withUser(ctx.database.db, p.id, async (tx) => ({
    interventions: await tx.selectFrom('interventions').select(['id', 'owner_organisation_id']).execute(),
    breaches: await tx.selectFrom('intervention_breaches').select('id').where('intervention_id', '=', abcId).execute(),
    tasks: await tx.selectFrom('tasks').select('id').where('intervention_id', '=', abcId).execute(),
  }));
  assert.ok(rows.interventions.every((r) => r.owner_organisation_id === p.organisation_id));
  assert.equal(rows.breaches.length, 0);
  assert.equal(rows.tasks.length, 0);
  const changed = await withUser(ctx.database.db, p.id, (tx) => tx.updateTable('interventions').set({ status: 'discharged' }).where('id', '=', abcId).executeTakeFirst());
  assert.equal(Number(changed.numUpdatedRows), 0);
  await assert.rejects(
    withUser(ctx.database.db, p.id, (tx) => tx.insertInto('intervention_breaches').values({ intervention_id: abcId, occurred_on: today, details: 'forged', recorded_by: p.id }).execute()),
    /row-level security/,
  );
});

test('shared view-only with the police: they see it, cannot change it, and the share and view are audited', async () => {
  const p = await userId(ctx, 'police@endeavour.demo');
  await officer.get(`/interventions/${abcId}/share`);
  const res = await officer.post(`/interventions/${abcId}/share`, { target_kind: 'organisation', target_organisation: p.organisation_id, access: 'view', reason: 'Joint problem-solving under the ISA' });
  assert.equal(res.statusCode, 302);
  const page = await police.get(`/interventions/${abcId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Acceptable Behaviour Contract/);
  assert.doesNotMatch(page.body, /Record a breach/);
  assert.equal((await police.get(`/interventions/${abcId}/edit`)).statusCode, 403);
  assert.equal((await police.post(`/interventions/${abcId}/breaches`, { ...dateFields('occurred_on', today), details: 'x' })).statusCode, 403);
  assert.equal((await auditRows(ctx, { action: 'share', recordId: abcId })).length, 1);
  assert.equal((await auditRows(ctx, { action: 'view', recordId: abcId })).filter((r) => r.actor_user_id === p.id).length, 1);
});

test('malformed ids and subjects answer 404, never 500', async () => {
  for (const url of ['/interventions/nope', '/interventions/new', '/interventions/new?person=x', `/interventions/new?person=${adultId}&business=${adultId}`, '/interventions?person=zzz', `/interventions/new?person=${adultId}&kind=made_up`]) {
    const res = await officer.get(url);
    assert.ok(res.statusCode === 404 || (url.endsWith('made_up') && res.statusCode === 200), `${url} ${res.statusCode}`);
  }
});
