// Record-level security for people, by every route and by a query through the app's database role:
// another organisation sees nothing until the owner shares, then can, and the audit shows it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, signIn, userId, auditRows, type TestContext, type Browser } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';

let ctx: TestContext;
let officer: Browser; // Charnwood Borough Council
let police: Browser; // Leicestershire Police
let personId: string;

before(async () => {
  ctx = await createTestApp();
  officer = await signIn(ctx, 'officer@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
  await officer.get('/people/new');
  const res = await officer.post('/people', {
    first_name: 'Zelda',
    last_name: 'Przybylski',
    'date_of_birth-day': '4',
    'date_of_birth-month': '11',
    'date_of_birth-year': '1979',
    gender: 'Female',
  });
  assert.equal(res.statusCode, 302);
  personId = res.headers.location!.split('/').pop()!;
});

after(() => ctx.close());

test('the owner organisation sees the person it recorded', async () => {
  const page = await officer.get(`/people/${personId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Zelda/);
});

test('another organisation cannot see the person by any route until it is shared', async () => {
  for (const url of [`/people/${personId}`, `/people/${personId}/edit`, `/people/${personId}/share`]) {
    const res = await police.get(url);
    assert.equal(res.statusCode, 404, url);
    assert.doesNotMatch(res.body, /Zelda/);
  }
  const list = await police.get('/people?q=Przybylski');
  assert.doesNotMatch(list.body, /Zelda/);
  await police.get('/people');
  const edit = await police.post(`/people/${personId}/edit`, { version: '1', first_name: 'Hacked', last_name: 'X' });
  assert.equal(edit.statusCode, 404);
  const share = await police.post(`/people/${personId}/share`, { target_kind: 'organisation', access: 'edit', reason: 'x' });
  assert.equal(share.statusCode, 404);
});

test("a query through the app's database role cannot see or change the person", async () => {
  const p = await userId(ctx, 'police@endeavour.demo');
  const rows = await withUser(ctx.database.db, p.id, (tx) => tx.selectFrom('people').selectAll().where('id', '=', personId).execute());
  assert.equal(rows.length, 0);
  // No WHERE at all: still only the police's own people.
  const all = await withUser(ctx.database.db, p.id, (tx) => tx.selectFrom('people').select('owner_organisation_id').execute());
  assert.ok(all.length > 0);
  assert.ok(all.every((r) => r.owner_organisation_id === p.organisation_id));
  const updated = await withUser(ctx.database.db, p.id, (tx) => tx.updateTable('people').set({ first_name: 'Hacked' }).where('id', '=', personId).executeTakeFirst());
  assert.equal(Number(updated.numUpdatedRows), 0);
  await assert.rejects(
    withUser(ctx.database.db, p.id, (tx) =>
      tx.insertInto('record_shares').values({ record_type: 'person', record_id: personId, to_organisation_id: p.organisation_id, access: 'view', reason: 'self-service', created_by: p.id }).execute(),
    ),
    /row-level security/,
  );
  const role = await withUser(ctx.database.db, p.id, (tx) => sql<{ u: string }>`SELECT current_user AS u`.execute(tx));
  assert.equal(role.rows[0]!.u, 'endeavour_app');
});

test('after the owner shares with the police, the police can see it and the share and views are audited', async () => {
  const p = await userId(ctx, 'police@endeavour.demo');
  await officer.get(`/people/${personId}/share`);
  const res = await officer.post(`/people/${personId}/share`, {
    target_kind: 'organisation',
    target_organisation: p.organisation_id,
    access: 'view',
    reason: 'Joint ASB case under the partnership ISA',
  });
  assert.equal(res.statusCode, 302);
  const page = await police.get(`/people/${personId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Zelda/);
  // View-only: the police still cannot change it.
  assert.equal((await police.get(`/people/${personId}/edit`)).statusCode, 403);
  const shares = await auditRows(ctx, { action: 'share', recordId: personId });
  assert.equal(shares.length, 1);
  const views = (await auditRows(ctx, { action: 'view', recordId: personId })).filter((r) => r.actor_user_id === p.id);
  assert.equal(views.length, 1);
});

test('revoking the share removes access again', async () => {
  const page = await officer.get(`/people/${personId}`);
  const shareId = /shares\/([0-9a-f-]{36})\/revoke/.exec(page.body)![1]!;
  const res = await officer.post(`/people/${personId}/shares/${shareId}/revoke`);
  assert.equal(res.statusCode, 302);
  assert.equal((await police.get(`/people/${personId}`)).statusCode, 404);
  assert.equal((await auditRows(ctx, { action: 'unshare', recordId: personId })).length, 1);
});

test('an edit made on a stale version shows a conflict page and keeps what was typed', async () => {
  await officer.get(`/people/${personId}/edit`);
  const first = await officer.post(`/people/${personId}/edit`, { version: '1', first_name: 'Zelda', last_name: 'Przybylska' });
  assert.equal(first.statusCode, 302);
  const stale = await officer.post(`/people/${personId}/edit`, { version: '1', first_name: 'Zelda-Mae', last_name: 'Przybylski' });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /Someone else changed this person/);
  assert.match(stale.body, /Zelda-Mae/);
  assert.match(stale.body, /Przybylska/);
});

test('bad input shows GOV.UK error messages and saves nothing', async () => {
  await officer.get('/people/new');
  const res = await officer.post('/people', { first_name: '', last_name: 'Smith', 'date_of_birth-day': '31', 'date_of_birth-month': '2', 'date_of_birth-year': '1990' });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /govuk-error-summary/);
  assert.match(res.body, /Enter a first name/);
  assert.match(res.body, /Date of birth must be a real date/);
  assert.match(res.body, /value="Smith"/);
});

test("the partnership's minimum standards make optional person fields mandatory", async () => {
  const me = await userId(ctx, 'officer@endeavour.demo');
  const org = await ctx.database.db.selectFrom('organisations').select('partnership_id').where('id', '=', me.organisation_id).executeTakeFirstOrThrow();
  await ctx.database.db.insertInto('required_fields').values({ partnership_id: org.partnership_id, form: 'person', field: 'phone' }).execute();
  await officer.get('/people/new');
  const missing = await officer.post('/people', { first_name: 'Minnie', last_name: 'Standards' });
  assert.equal(missing.statusCode, 400);
  assert.match(missing.body, /Enter a phone number/);
  assert.match(missing.body, /value="Minnie"/);
  const ok = await officer.post('/people', { first_name: 'Minnie', last_name: 'Standards', phone: '07700 900123' });
  assert.equal(ok.statusCode, 302);
  await ctx.database.db.deleteFrom('required_fields').execute();
});
