// Partnership administration: only administrators reach it, everything they see and change is
// audited, bad input gets GOV.UK errors, and an administrator sees nothing of another partnership.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import {
  createTestApp,
  signIn,
  userId,
  auditRows,
  Browser,
  TEST_PASSWORD,
  type TestContext,
} from '../../test/harness.ts';
import { audit } from '../../platform/audit/audit.ts';

let ctx: TestContext;
let admin: Browser;
let officer: Browser;
const ids = {} as {
  admin: string;
  officer: string;
  lcc: string; // the administrator's own organisation
  charnwood: string;
  police: string;
  charnwoodArea: string;
  asbTeam: string; // Charnwood's ASB Team
  other: {
    partnership: string;
    area: string;
    organisation: string;
    team: string;
    user: string;
    message: string;
  };
};

const db = () => ctx.database.db;
const orgId = async (name: string) =>
  (await db().selectFrom('organisations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
const locationId = (res: { headers: Record<string, unknown> }) =>
  String(res.headers.location).split('/').pop()!;
const versionIn = (body: string) => Number(/name="version" value="(\d+)"/.exec(body)![1]);

before(async () => {
  ctx = await createTestApp({}, { people: 4 });
  admin = await signIn(ctx, 'admin@endeavour.demo');
  officer = await signIn(ctx, 'officer@endeavour.demo');
  ids.admin = (await userId(ctx, 'admin@endeavour.demo')).id;
  ids.officer = (await userId(ctx, 'officer@endeavour.demo')).id;
  ids.lcc = await orgId('Leicestershire County Council');
  ids.charnwood = await orgId('Charnwood Borough Council');
  ids.police = await orgId('Leicestershire Police');
  ids.charnwoodArea = (
    await db().selectFrom('areas').select('id').where('ons_code', '=', 'E07000130').executeTakeFirstOrThrow()
  ).id;
  ids.asbTeam = (
    await db()
      .selectFrom('teams')
      .select('id')
      .where('organisation_id', '=', ids.charnwood)
      .where('name', '=', 'ASB Team')
      .executeTakeFirstOrThrow()
  ).id;

  // A second partnership on the same instance, made directly in the database.
  const p = await db()
    .insertInto('partnerships')
    .values({ name: 'Elsewhere Safer Partnership', short_name: 'ESP', updated_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  const area = await db()
    .insertInto('areas')
    .values({ partnership_id: p.id, kind: 'district', ons_code: 'E07000999', name: 'Elsewhereshire Vale' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const org = await db()
    .insertInto('organisations')
    .values({ partnership_id: p.id, name: 'Elsewhere District Council', kind: 'local_authority' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const team = await db()
    .insertInto('teams')
    .values({ organisation_id: org.id, name: 'Elsewhere Wardens' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const user = await db()
    .insertInto('users')
    .values({
      organisation_id: org.id,
      email: 'someone@elsewhere.example',
      display_name: 'Elsewhere Person',
      roles: ['case_officer'],
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const message = await db()
    .insertInto('outbox_messages')
    .values({
      partnership_id: p.id,
      to_address: 'someone@elsewhere.example',
      subject: 'Elsewhere secret subject',
      body: 'Elsewhere body',
      transport: 'outbox',
      status: 'stored',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await audit(db(), {
    partnershipId: p.id,
    userId: user.id,
    organisationId: org.id,
    action: 'view',
    recordType: 'person',
    recordId: 'elsewhere-record',
    ip: '203.0.113.9',
  });
  ids.other = {
    partnership: p.id,
    area: area.id,
    organisation: org.id,
    team: team.id,
    user: user.id,
    message: message.id,
  };
});

after(() => ctx.close());

/** Every administration route, with real ids, so the gate can be checked on each one. */
function adminRoutes() {
  const gets = [
    '/admin',
    '/admin/partnership',
    '/admin/areas',
    '/admin/areas/new',
    `/admin/areas/${ids.charnwoodArea}`,
    `/admin/areas/${ids.charnwoodArea}/edit`,
    '/admin/organisations',
    '/admin/organisations/new',
    `/admin/organisations/${ids.charnwood}`,
    `/admin/organisations/${ids.charnwood}/edit`,
    '/admin/teams',
    '/admin/teams/new',
    `/admin/teams/${ids.asbTeam}`,
    `/admin/teams/${ids.asbTeam}/edit`,
    '/admin/users',
    '/admin/users/new',
    `/admin/users/${ids.officer}`,
    `/admin/users/${ids.officer}/edit`,
    '/admin/audit',
    '/admin/outbox',
  ];
  const posts = [
    '/admin/partnership',
    '/admin/areas',
    `/admin/areas/${ids.charnwoodArea}/edit`,
    `/admin/areas/${ids.charnwoodArea}/populations`,
    `/admin/areas/${ids.charnwoodArea}/populations/2021/remove`,
    '/admin/organisations',
    `/admin/organisations/${ids.charnwood}/edit`,
    '/admin/teams',
    `/admin/teams/${ids.asbTeam}/edit`,
    `/admin/teams/${ids.asbTeam}/members`,
    `/admin/teams/${ids.asbTeam}/members/${ids.officer}/remove`,
    '/admin/users',
    `/admin/users/${ids.officer}/edit`,
    `/admin/users/${ids.officer}/deactivate`,
    `/admin/users/${ids.officer}/reactivate`,
    `/admin/users/${ids.officer}/unlock`,
    `/admin/users/${ids.officer}/reset-two-factor`,
    `/admin/users/${ids.officer}/send-password-link`,
  ];
  return { gets, posts };
}

test('people without the partnership administrator role get 403 on every admin page and action', async () => {
  const { gets, posts } = adminRoutes();
  await officer.get('/');
  const before = (await auditRows(ctx)).length;
  for (const url of gets) assert.equal((await officer.get(url)).statusCode, 403, `GET ${url}`);
  assert.equal((await officer.get(`/admin/outbox/${ids.other.message}`)).statusCode, 403);
  for (const url of posts) {
    const res = await officer.post(url, {
      name: 'Hacked',
      version: '1',
      kind: 'district',
      ons_code: 'E07000001',
      year: '2030',
      population: '1',
      user_id: ids.officer,
    });
    assert.equal(res.statusCode, 403, `POST ${url}`);
  }
  // Nothing was changed, and nothing was audited as an administrator's action.
  const officerRow = await db()
    .selectFrom('users')
    .select(['active', 'version'])
    .where('id', '=', ids.officer)
    .executeTakeFirstOrThrow();
  assert.equal(officerRow.active, true);
  const after = await auditRows(ctx);
  assert.ok(after.slice(before).every((r) => !r.action.startsWith('admin_')));
  // The navigation offers the admin section to administrators only.
  const navLink = /class="moj-primary-navigation__link"[^>]*href="\/admin">\s*Admin/;
  assert.doesNotMatch((await officer.get('/')).body, navLink);
  assert.match((await admin.get('/')).body, navLink);
});

test('every admin page renders for an administrator, and each view is audited', async () => {
  const { gets } = adminRoutes();
  for (const url of gets) {
    const before = (await auditRows(ctx, { action: 'admin_view' })).length;
    const res = await admin.get(url);
    assert.equal(res.statusCode, 200, `GET ${url}`);
    assert.match(res.body, /moj-sub-navigation/);
    const after = await auditRows(ctx, { action: 'admin_view' });
    assert.equal(after.length, before + 1, `GET ${url} is audited once`);
    assert.equal(after.at(-1)!.actor_user_id, ids.admin);
  }
  assert.equal((await admin.get('/admin/areas/not-a-uuid')).statusCode, 404);
  assert.equal((await admin.get('/admin/users/00000000-0000-4000-8000-000000000000')).statusCode, 404);
});

test('partnership settings save, are audited, and a stale edit shows a conflict without losing what was typed', async () => {
  const page = await admin.get('/admin/partnership');
  const version = versionIn(page.body);
  const saved = await admin.post('/admin/partnership', {
    version: String(version),
    name: 'LLR Community Safety Partnership',
    short_name: 'LLR CSP',
    require_two_factor_for_all: 'yes',
  });
  assert.equal(saved.statusCode, 302);
  const row = await db()
    .selectFrom('partnerships')
    .selectAll()
    .where('id', '=', ctx.demo.partnershipId)
    .executeTakeFirstOrThrow();
  assert.equal(row.name, 'LLR Community Safety Partnership');
  assert.equal(row.require_two_factor_for_all, true);
  assert.equal(row.version, version + 1);
  const audited = (await auditRows(ctx, { action: 'admin_update', recordId: ctx.demo.partnershipId })).at(
    -1,
  )!;
  assert.deepEqual((audited.details.fields as string[]).sort(), ['name', 'require_two_factor_for_all']);

  const stale = await admin.post('/admin/partnership', {
    version: String(version),
    name: 'My stale name',
    short_name: 'Stale',
    require_two_factor_for_all: '',
  });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /govuk-error-summary/);
  assert.match(stale.body, /Someone else changed these settings while you were editing/);
  assert.match(stale.body, /value="My stale name"/);
  assert.match(stale.body, /LLR Community Safety Partnership/);
  assert.equal(versionIn(stale.body), version + 1);

  const bad = await admin.post('/admin/partnership', {
    version: String(version + 1),
    name: '',
    short_name: 'x'.repeat(51),
  });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Enter the name of the partnership/);
  assert.match(bad.body, /The short name must be 50 characters or fewer/);

  // Put it back: two-factor for everyone would stop the other tests' users signing in as they do.
  const back = await admin.post('/admin/partnership', {
    version: String(version + 1),
    name: 'LLR Community Safety Partnership',
    short_name: 'LLR CSP',
  });
  assert.equal(back.statusCode, 302);
  assert.equal(
    (
      await db()
        .selectFrom('partnerships')
        .select('require_two_factor_for_all')
        .where('id', '=', ctx.demo.partnershipId)
        .executeTakeFirstOrThrow()
    ).require_two_factor_for_all,
    false,
  );
});

test('areas: add, validate ONS codes, edit with a parent, and record populations by year', async () => {
  const county = (
    await db().selectFrom('areas').select('id').where('ons_code', '=', 'E10000018').executeTakeFirstOrThrow()
  ).id;
  await admin.get('/admin/areas/new');
  const bad = await admin.post('/admin/areas', { kind: 'district', name: 'Testborough', ons_code: 'X123' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /govuk-error-summary/);
  assert.match(
    bad.body,
    /Enter an ONS code as a letter \(E, W, S or N\) followed by 8 digits, like E07000130/,
  );
  assert.match(bad.body, /value="Testborough"/);
  const missing = await admin.post('/admin/areas', { kind: 'ward', name: 'Somewhere' });
  assert.equal(missing.statusCode, 400);
  assert.match(missing.body, /Enter an ONS code, like E05005401/);
  const wrongKind = await admin.post('/admin/areas', {
    kind: 'district',
    name: 'Testborough',
    ons_code: 'E06000001',
  });
  assert.equal(wrongKind.statusCode, 400);
  assert.match(wrongKind.body, /starts with E07, E08 or E09/);
  const duplicate = await admin.post('/admin/areas', {
    kind: 'district',
    name: 'Another Charnwood',
    ons_code: 'e07000130',
  });
  assert.equal(duplicate.statusCode, 400);
  assert.match(duplicate.body, /already has the ONS code E07000130/);
  const nothing = await admin.post('/admin/areas', {});
  assert.equal(nothing.statusCode, 400);
  assert.match(nothing.body, /Select the kind of area/);

  const created = await admin.post('/admin/areas', {
    kind: 'ward',
    name: 'Loughborough Testwards',
    ons_code: ' e05 005401 ',
    parent_id: ids.charnwoodArea,
  });
  assert.equal(created.statusCode, 302);
  const wardId = locationId(created);
  const ward = await db().selectFrom('areas').selectAll().where('id', '=', wardId).executeTakeFirstOrThrow();
  assert.equal(ward.ons_code, 'E05005401');
  assert.equal(ward.parent_id, ids.charnwoodArea);
  assert.equal((await auditRows(ctx, { action: 'admin_create', recordId: wardId })).length, 1);
  const list = await admin.get('/admin/areas');
  assert.match(list.body, /Loughborough Testwards/);
  assert.match(list.body, /2021: 182,000/);

  // Edit: a district cannot become part of a ward inside it (no loops).
  const edit = await admin.get(`/admin/areas/${ids.charnwoodArea}/edit`);
  const v = versionIn(edit.body);
  const loop = await admin.post(`/admin/areas/${ids.charnwoodArea}/edit`, {
    version: String(v),
    kind: 'district',
    name: 'Charnwood',
    ons_code: 'E07000130',
    parent_id: wardId,
  });
  assert.equal(loop.statusCode, 400);
  assert.match(loop.body, /cannot be part of itself or of an area inside it/);
  const okEdit = await admin.post(`/admin/areas/${ids.charnwoodArea}/edit`, {
    version: String(v),
    kind: 'district',
    name: 'Charnwood Borough',
    ons_code: 'E07000130',
    parent_id: county,
  });
  assert.equal(okEdit.statusCode, 302);
  assert.equal(
    (
      await db()
        .selectFrom('areas')
        .select('name')
        .where('id', '=', ids.charnwoodArea)
        .executeTakeFirstOrThrow()
    ).name,
    'Charnwood Borough',
  );
  const stale = await admin.post(`/admin/areas/${ids.charnwoodArea}/edit`, {
    version: String(v),
    kind: 'district',
    name: 'Charnwood Stale',
    ons_code: 'E07000130',
  });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /value="Charnwood Stale"/);
  assert.match(stale.body, /Charnwood Borough/);

  // Populations: add a year, update it, reject nonsense, remove it.
  const add = await admin.post(`/admin/areas/${wardId}/populations`, {
    year: '2021',
    population: '12,345',
    source: 'ONS Census 2021',
  });
  assert.equal(add.statusCode, 302);
  const update = await admin.post(`/admin/areas/${wardId}/populations`, {
    year: '2021',
    population: '12400',
  });
  assert.equal(update.statusCode, 302);
  const pops = await db().selectFrom('area_populations').selectAll().where('area_id', '=', wardId).execute();
  assert.deepEqual(
    pops.map((p) => [p.year, p.population, p.source]),
    [[2021, 12400, null]],
  );
  const changes = (await auditRows(ctx, { action: 'admin_update', recordId: wardId })).map(
    (r) => r.details.change,
  );
  assert.deepEqual(changes, ['population_added', 'population_changed']);
  const badPop = await admin.post(`/admin/areas/${wardId}/populations`, { year: '21', population: 'lots' });
  assert.equal(badPop.statusCode, 400);
  assert.match(badPop.body, /Enter a year from 1900 to \d{4}, like 2021/);
  assert.match(badPop.body, /Enter the population as a whole number, like 182,000/);
  assert.match(badPop.body, /value="lots"/);
  const page = await admin.get(`/admin/areas/${wardId}`);
  assert.match(page.body, /12,400/);
  const removed = await admin.post(`/admin/areas/${wardId}/populations/2021/remove`);
  assert.equal(removed.statusCode, 302);
  assert.equal(
    (await db().selectFrom('area_populations').selectAll().where('area_id', '=', wardId).execute()).length,
    0,
  );
  assert.equal((await admin.post(`/admin/areas/${wardId}/populations/2021/remove`)).statusCode, 404);
});

test('organisations: add with the areas it serves, edit, and refuse duplicates and self-deactivation', async () => {
  await admin.get('/admin/organisations/new');
  const bad = await admin.post('/admin/organisations', { name: '', kind: 'spaceship', areas: ['not-an-id'] });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Enter the name of the organisation/);
  assert.match(bad.body, /Select the kind of organisation/);
  assert.match(bad.body, /Select areas from the list/);
  const dup = await admin.post('/admin/organisations', {
    name: 'leicestershire police',
    kind: 'police',
    active: 'yes',
  });
  assert.equal(dup.statusCode, 400);
  assert.match(dup.body, /already has this name/);

  const created = await admin.post('/admin/organisations', {
    name: 'Charnwood Community Trust',
    short_name: 'CCT',
    kind: 'victim_service',
    active: 'yes',
    areas: [ids.charnwoodArea],
  });
  assert.equal(created.statusCode, 302);
  const id = locationId(created);
  const org = await db()
    .selectFrom('organisations')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  assert.equal(org.partnership_id, ctx.demo.partnershipId);
  assert.equal(org.kind, 'victim_service');
  assert.deepEqual(
    (
      await db()
        .selectFrom('organisation_areas')
        .select('area_id')
        .where('organisation_id', '=', id)
        .execute()
    ).map((r) => r.area_id),
    [ids.charnwoodArea],
  );
  assert.equal((await auditRows(ctx, { action: 'admin_create', recordId: id })).length, 1);

  const edit = await admin.get(`/admin/organisations/${id}/edit`);
  assert.match(edit.body, new RegExp(`value="${ids.charnwoodArea}" checked`));
  const v = versionIn(edit.body);
  const saved = await admin.post(`/admin/organisations/${id}/edit`, {
    version: String(v),
    name: 'Charnwood Community Trust',
    kind: 'other',
  });
  assert.equal(saved.statusCode, 302);
  const after = await db()
    .selectFrom('organisations')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  assert.equal(after.active, false);
  assert.equal(after.short_name, null);
  assert.equal(
    (
      await db()
        .selectFrom('organisation_areas')
        .select('area_id')
        .where('organisation_id', '=', id)
        .execute()
    ).length,
    0,
  );
  const update = (await auditRows(ctx, { action: 'admin_update', recordId: id })).at(-1)!;
  assert.deepEqual((update.details.fields as string[]).sort(), ['active', 'areas', 'kind', 'short_name']);

  const stale = await admin.post(`/admin/organisations/${id}/edit`, {
    version: String(v),
    name: 'Charnwood Community Trust (typed)',
    kind: 'victim_service',
    active: 'yes',
  });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /Someone else changed this organisation while you were editing/);
  assert.match(stale.body, /value="Charnwood Community Trust \(typed\)"/);
  assert.match(stale.body, /data-qa="conflict"/);

  const own = await admin.get(`/admin/organisations/${ids.lcc}/edit`);
  const self = await admin.post(`/admin/organisations/${ids.lcc}/edit`, {
    version: String(versionIn(own.body)),
    name: 'Leicestershire County Council',
    kind: 'local_authority',
  });
  assert.equal(self.statusCode, 400);
  assert.match(self.body, /You cannot make your own organisation inactive/);
});

test('teams: add, rename, and manage members from the same organisation only', async () => {
  await admin.get('/admin/teams/new');
  const bad = await admin.post('/admin/teams', { organisation_id: '', name: '' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Select the organisation the team belongs to/);
  assert.match(bad.body, /Enter the name of the team/);
  const dup = await admin.post('/admin/teams', { organisation_id: ids.charnwood, name: 'asb team' });
  assert.equal(dup.statusCode, 400);
  assert.match(dup.body, /already has a team with this name/);

  const created = await admin.post('/admin/teams', {
    organisation_id: ids.charnwood,
    name: 'Night-time Economy',
  });
  assert.equal(created.statusCode, 302);
  const teamId = locationId(created);
  assert.equal((await auditRows(ctx, { action: 'admin_create', recordId: teamId })).length, 1);
  assert.match((await admin.get(`/admin/teams?organisation=${ids.charnwood}`)).body, /Night-time Economy/);

  const edit = await admin.get(`/admin/teams/${teamId}/edit`);
  const renamed = await admin.post(`/admin/teams/${teamId}/edit`, {
    version: String(versionIn(edit.body)),
    name: 'Night-time Economy Team',
  });
  assert.equal(renamed.statusCode, 302);
  const stale = await admin.post(`/admin/teams/${teamId}/edit`, {
    version: String(versionIn(edit.body)),
    name: 'Late Team',
  });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /value="Late Team"/);

  // Members: a Charnwood officer may join; a police officer may not.
  const police = await userId(ctx, 'police@endeavour.demo');
  const wrongOrg = await admin.post(`/admin/teams/${teamId}/members`, { user_id: police.id });
  assert.equal(wrongOrg.statusCode, 400);
  assert.match(wrongOrg.body, /Select someone from Charnwood Borough Council to add to the team/);
  const added = await admin.post(`/admin/teams/${teamId}/members`, { user_id: ids.officer });
  assert.equal(added.statusCode, 302);
  assert.match((await admin.get(`/admin/teams/${teamId}`)).body, /Amira Patel/);
  const removed = await admin.post(`/admin/teams/${teamId}/members/${ids.officer}/remove`);
  assert.equal(removed.statusCode, 302);
  assert.equal(
    (await db().selectFrom('team_members').selectAll().where('team_id', '=', teamId).execute()).length,
    0,
  );
  const changes = (await auditRows(ctx, { action: 'admin_update', recordId: teamId })).map(
    (r) => r.details.change ?? 'renamed',
  );
  assert.deepEqual(changes, ['renamed', 'member_added', 'member_removed']);
});

test('adding a user emails a one-time link to set a password, which works, and they can sign in', async () => {
  await admin.get('/admin/users/new');
  const bad = await admin.post('/admin/users', {
    email: 'not an email',
    display_name: '',
    organisation_id: ids.charnwood,
    teams: [ids.asbTeam],
  });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Enter an email address in the correct format/);
  assert.match(bad.body, /Enter their full name/);
  assert.match(bad.body, /Select at least one role/);
  assert.match(bad.body, new RegExp(`value="${ids.asbTeam}" checked`));
  const taken = await admin.post('/admin/users', {
    email: 'Officer@Endeavour.DEMO',
    display_name: 'Copy Cat',
    organisation_id: ids.charnwood,
    roles: 'case_officer',
  });
  assert.equal(taken.statusCode, 400);
  assert.match(taken.body, /Someone already has an Endeavour account with this email address/);
  const wrongTeam = await admin.post('/admin/users', {
    email: 'new.officer@charnwood.example',
    display_name: 'Nia Testwood',
    organisation_id: ids.police,
    roles: 'case_officer',
    teams: ids.asbTeam,
  });
  assert.equal(wrongTeam.statusCode, 400);
  assert.match(wrongTeam.body, /Select only teams in Leicestershire Police/);

  const created = await admin.post('/admin/users', {
    email: 'New.Officer@Charnwood.example',
    display_name: 'Nia Testwood',
    job_title: 'ASB officer',
    organisation_id: ids.charnwood,
    roles: ['case_officer', 'manager'],
    teams: [ids.asbTeam],
  });
  assert.equal(created.statusCode, 302);
  const id = locationId(created);
  const user = await db().selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  assert.equal(user.email, 'new.officer@charnwood.example');
  assert.deepEqual(user.roles, ['case_officer', 'manager']);
  assert.equal(user.password_hash, null);
  assert.deepEqual(
    (await db().selectFrom('team_members').select('team_id').where('user_id', '=', id).execute()).map(
      (r) => r.team_id,
    ),
    [ids.asbTeam],
  );
  const created_audit = await auditRows(ctx, { action: 'admin_create', recordId: id });
  assert.equal(created_audit.length, 1);
  assert.doesNotMatch(JSON.stringify(created_audit[0]!.details), /Nia|charnwood\.example/);

  const mail = await db()
    .selectFrom('outbox_messages')
    .selectAll()
    .where('to_address', '=', 'new.officer@charnwood.example')
    .executeTakeFirstOrThrow();
  assert.equal(mail.subject, 'Set your Endeavour password');
  assert.equal(mail.partnership_id, ctx.demo.partnershipId);
  const token = /\/reset-password\/([A-Za-z0-9_-]+)/.exec(mail.body)![1]!;

  // The administrator can read it in the outbox.
  const outbox = await admin.get('/admin/outbox');
  assert.match(outbox.body, /Set your Endeavour password/);
  const shown = await admin.get(`/admin/outbox/${mail.id}`);
  assert.equal(shown.statusCode, 200);
  assert.match(shown.body, new RegExp(`/reset-password/${token}`));
  assert.equal((await auditRows(ctx, { action: 'admin_view', recordId: mail.id })).length, 1);

  // The new user follows the link, chooses a password and signs in.
  const newcomer = new Browser(ctx.app);
  const linkPage = await newcomer.get(`/reset-password/${token}`);
  assert.equal(linkPage.statusCode, 200);
  const password = 'violet-harbour-lantern-47';
  const set = await newcomer.post(`/reset-password/${token}`, { password, confirm: password });
  assert.equal(set.statusCode, 302);
  assert.equal((await newcomer.get(`/reset-password/${token}`)).statusCode, 410);
  await newcomer.get('/sign-in');
  const signedIn = await newcomer.post('/sign-in', { email: 'new.officer@charnwood.example', password });
  assert.equal(signedIn.statusCode, 302);
  assert.equal(signedIn.headers.location, '/');

  // Resending the link from their page makes a new one.
  const resend = await admin.post(`/admin/users/${id}/send-password-link`);
  assert.equal(resend.statusCode, 302);
  assert.equal(
    (
      await db()
        .selectFrom('outbox_messages')
        .select('id')
        .where('to_address', '=', 'new.officer@charnwood.example')
        .execute()
    ).length,
    2,
  );
});

test('editing a user saves and audits the change; a stale edit and removing your own admin role are refused', async () => {
  const analyst = await userId(ctx, 'analyst@endeavour.demo');
  const edit = await admin.get(`/admin/users/${analyst.id}/edit`);
  const v = versionIn(edit.body);
  const saved = await admin.post(`/admin/users/${analyst.id}/edit`, {
    version: String(v),
    email: 'analyst@endeavour.demo',
    display_name: 'Kwame Mensah',
    job_title: 'Senior analyst',
    organisation_id: analyst.organisation_id,
    roles: ['analyst', 'read_only'],
  });
  assert.equal(saved.statusCode, 302);
  const row = await db()
    .selectFrom('users')
    .selectAll()
    .where('id', '=', analyst.id)
    .executeTakeFirstOrThrow();
  assert.equal(row.job_title, 'Senior analyst');
  assert.deepEqual(row.roles, ['analyst', 'read_only']);
  assert.equal(
    (await db().selectFrom('team_members').selectAll().where('user_id', '=', analyst.id).execute()).length,
    0,
  );
  const audited = (await auditRows(ctx, { action: 'admin_update', recordId: analyst.id })).at(-1)!;
  assert.deepEqual((audited.details.fields as string[]).sort(), ['job_title', 'roles', 'teams']);

  const stale = await admin.post(`/admin/users/${analyst.id}/edit`, {
    version: String(v),
    email: 'analyst@endeavour.demo',
    display_name: 'Typed Over',
    organisation_id: analyst.organisation_id,
    roles: 'analyst',
  });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /Someone else changed this user/);
  assert.match(stale.body, /value="Typed Over"/);
  assert.match(stale.body, /Senior analyst/);

  const mine = await admin.get(`/admin/users/${ids.admin}/edit`);
  const demote = await admin.post(`/admin/users/${ids.admin}/edit`, {
    version: String(versionIn(mine.body)),
    email: 'admin@endeavour.demo',
    display_name: 'Priya Kaur',
    organisation_id: ids.lcc,
    roles: 'analyst',
  });
  assert.equal(demote.statusCode, 400);
  assert.match(demote.body, /You cannot remove the partnership administrator role from your own account/);
});

test('deactivating a user ends their session; reactivating lets them back', async () => {
  const board = await signIn(ctx, 'board@endeavour.demo');
  assert.equal((await board.get('/')).statusCode, 200);
  const target = await userId(ctx, 'board@endeavour.demo');
  // A link to reset the password, sent before, must not outlive the deactivation.
  assert.equal((await admin.post(`/admin/users/${target.id}/send-password-link`)).statusCode, 302);
  const mail = await db()
    .selectFrom('outbox_messages')
    .select('body')
    .where('to_address', '=', 'board@endeavour.demo')
    .executeTakeFirstOrThrow();
  const link = /\/reset-password\/[A-Za-z0-9_-]+/.exec(mail.body)![0];
  assert.equal((await new Browser(ctx.app).get(link)).statusCode, 200);
  const res = await admin.post(`/admin/users/${target.id}/deactivate`);
  assert.equal(res.statusCode, 302);
  assert.equal(
    (await db().selectFrom('sessions').select('token_hash').where('user_id', '=', target.id).execute())
      .length,
    0,
  );
  const after = await board.get('/');
  assert.equal(after.statusCode, 302);
  assert.match(String(after.headers.location), /^\/sign-in/);
  const audited = (await auditRows(ctx, { action: 'admin_update', recordId: target.id })).at(-1)!;
  assert.equal(audited.details.change, 'deactivated');
  assert.equal(audited.details.sessions_ended, 1);
  assert.match((await admin.get('/admin/users?status=inactive')).body, /Marcus Lawson/);
  assert.doesNotMatch((await admin.get('/admin/users?status=active')).body, /Marcus Lawson/);

  const again = new Browser(ctx.app);
  await again.get('/sign-in');
  assert.equal(
    (await again.post('/sign-in', { email: 'board@endeavour.demo', password: TEST_PASSWORD })).statusCode,
    401,
  );
  assert.equal((await admin.post(`/admin/users/${target.id}/reactivate`)).statusCode, 302);
  assert.equal(
    (await again.post('/sign-in', { email: 'board@endeavour.demo', password: TEST_PASSWORD })).statusCode,
    302,
  );

  const self = await admin.post(`/admin/users/${ids.admin}/deactivate`);
  assert.equal(self.statusCode, 400);
  assert.match(self.body, /You cannot deactivate your own account/);
  assert.equal(
    (await db().selectFrom('users').select('active').where('id', '=', ids.admin).executeTakeFirstOrThrow())
      .active,
    true,
  );
});

test('unlocking clears a lockout and resetting two-factor clears the enrolment, both audited', async () => {
  const target = await userId(ctx, 'fire@endeavour.demo');
  await db()
    .updateTable('users')
    .set({ locked_until: new Date(Date.now() + 3_600_000), failed_attempts: 4 })
    .where('id', '=', target.id)
    .execute();
  const page = await admin.get(`/admin/users/${target.id}`);
  assert.match(page.body, /Locked/);
  assert.match(page.body, /Unlock account/);
  assert.equal((await admin.post(`/admin/users/${target.id}/unlock`)).statusCode, 302);
  const unlocked = await db()
    .selectFrom('users')
    .select(['locked_until', 'failed_attempts'])
    .where('id', '=', target.id)
    .executeTakeFirstOrThrow();
  assert.equal(unlocked.locked_until, null);
  assert.equal(unlocked.failed_attempts, 0);
  assert.equal(
    (await auditRows(ctx, { action: 'admin_update', recordId: target.id })).at(-1)!.details.change,
    'unlocked',
  );
  const fire = await signIn(ctx, 'fire@endeavour.demo');
  assert.equal((await fire.get('/')).statusCode, 200);

  await db()
    .updateTable('users')
    .set({ totp_secret: 'JBSWY3DPEHPK3PXP', totp_enabled_at: new Date(), totp_last_step: 123 })
    .where('id', '=', target.id)
    .execute();
  assert.match((await admin.get(`/admin/users/${target.id}`)).body, /Reset two-factor authentication/);
  assert.equal((await admin.post(`/admin/users/${target.id}/reset-two-factor`)).statusCode, 302);
  const reset = await db()
    .selectFrom('users')
    .select(['totp_secret', 'totp_enabled_at', 'totp_last_step'])
    .where('id', '=', target.id)
    .executeTakeFirstOrThrow();
  assert.deepEqual(reset, { totp_secret: null, totp_enabled_at: null, totp_last_step: null });
  const resetRows = await auditRows(ctx, { action: 'two_factor_reset', recordId: target.id });
  assert.equal(resetRows.length, 1);
  assert.equal(resetRows[0]!.actor_user_id, ids.admin);
  // Their sessions ended with it.
  assert.equal((await fire.get('/')).statusCode, 302);

  const self = await admin.post(`/admin/users/${ids.admin}/reset-two-factor`);
  assert.equal(self.statusCode, 400);
});

test('the user list filters by organisation and role', async () => {
  const byOrg = await admin.get(`/admin/users?organisation=${ids.charnwood}`);
  assert.match(byOrg.body, /Amira Patel/);
  assert.match(byOrg.body, /Sarah Whitfield/);
  assert.doesNotMatch(byOrg.body, /Daniel Frost/);
  const byRole = await admin.get('/admin/users?role=manager');
  assert.match(byRole.body, /Sarah Whitfield/);
  assert.doesNotMatch(byRole.body, /Amira Patel/);
  const search = await admin.get('/admin/users?q=frost');
  assert.match(search.body, /Daniel Frost/);
  assert.doesNotMatch(search.body, /Amira Patel/);
  const nonsense = await admin.get('/admin/users?organisation=x&role=emperor&status=maybe&page=-3&q[]=a');
  assert.equal(nonsense.statusCode, 200);
  const last = (await auditRows(ctx, { action: 'admin_view' })).at(-1)!;
  assert.equal(last.record_type, 'user');
});

test('the audit log filters by user, organisation, action, record and date, newest first, and viewing it is audited', async () => {
  await signIn(ctx, 'police@endeavour.demo');
  const all = await admin.get('/admin/audit');
  assert.equal(all.statusCode, 200);
  const seen = (await auditRows(ctx, { action: 'admin_view' })).at(-1)!;
  assert.equal(seen.record_type, 'audit_log');

  const byAction = await admin.get('/admin/audit?action=admin_create');
  const actions = [...byAction.body.matchAll(/data-action="([a-z_]+)"/g)].map((m) => m[1]);
  assert.ok(actions.length > 0);
  assert.ok(actions.every((a) => a === 'admin_create'));
  assert.deepEqual((await auditRows(ctx, { action: 'admin_view' })).at(-1)!.details.filters, {
    action: 'admin_create',
  });

  const byUser = await admin.get(`/admin/audit?user=${ids.officer}&action=sign_in`);
  assert.match(byUser.body, /Amira Patel/);
  assert.doesNotMatch(byUser.body, /Priya Kaur<br>/);

  const byOrg = await admin.get(`/admin/audit?organisation=${ids.police}`);
  assert.match(byOrg.body, /Daniel Frost/);
  assert.doesNotMatch(byOrg.body, /Amira Patel<br>/);

  const byRecord = await admin.get(
    `/admin/audit?record_type=area&record_id=${ids.charnwoodArea}&action=admin_update`,
  );
  assert.equal([...byRecord.body.matchAll(/data-qa="audit-row"/g)].length, 1);

  // Newest first: the first row shown is the latest entry of that kind.
  const latest = await sql<{
    seq: number;
  }>`SELECT max(seq) AS seq FROM audit_log WHERE action = 'admin_create'`.execute(db());
  const firstSeq = /\(entry (\d+)\)/.exec(byAction.body)?.[1];
  assert.equal(Number(firstSeq), Number(latest.rows[0]!.seq));

  const today = new Date();
  const [d, m, y] = [today.getUTCDate(), today.getUTCMonth() + 1, today.getUTCFullYear()];
  const inRange = await admin.get(
    `/admin/audit?action=admin_create&from-day=1&from-month=1&from-year=2000&to-day=${d}&to-month=${m}&to-year=${y + 1}`,
  );
  assert.ok([...inRange.body.matchAll(/data-qa="audit-row"/g)].length > 0);
  const future = await admin.get(`/admin/audit?from-day=1&from-month=1&from-year=${y + 2}`);
  assert.match(future.body, /No entries match your filters/);

  const bad = await admin.get(
    '/admin/audit?from-day=31&from-month=2&from-year=2024&to-day=1&to-month=1&to-year=2000&action=teleport&user=nobody',
  );
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /govuk-error-summary/);
  assert.match(bad.body, /The from date must be a real date/);
  assert.match(bad.body, /Select an action from the list/);
  assert.match(bad.body, /Select a user from the list/);
  const backwards = await admin.get(
    '/admin/audit?from-day=2&from-month=1&from-year=2025&to-day=1&to-month=1&to-year=2025',
  );
  assert.equal(backwards.statusCode, 400);
  assert.match(backwards.body, /The to date must be the same as or after the from date/);
});

test('the audit log pages 50 entries at a time', async () => {
  const res = await admin.get('/admin/audit');
  assert.equal([...res.body.matchAll(/data-qa="audit-row"/g)].length, 50);
  assert.match(res.body, /href="\/admin\/audit\?page=2"/);
  const page2 = await admin.get('/admin/audit?page=2');
  assert.equal(page2.statusCode, 200);
  assert.match(page2.body, /href="\/admin\/audit\?page=1"/);
});

test("an administrator cannot see or change another partnership's data", async () => {
  const o = ids.other;
  for (const url of [
    `/admin/areas/${o.area}`,
    `/admin/areas/${o.area}/edit`,
    `/admin/organisations/${o.organisation}`,
    `/admin/organisations/${o.organisation}/edit`,
    `/admin/teams/${o.team}`,
    `/admin/teams/${o.team}/edit`,
    `/admin/users/${o.user}`,
    `/admin/users/${o.user}/edit`,
    `/admin/outbox/${o.message}`,
  ]) {
    const res = await admin.get(url);
    assert.equal(res.statusCode, 404, url);
    assert.doesNotMatch(res.body, /Elsewhere/);
  }
  for (const [url, form] of [
    [
      `/admin/areas/${o.area}/edit`,
      { version: '1', kind: 'district', name: 'Taken over', ons_code: 'E07000999' },
    ],
    [`/admin/areas/${o.area}/populations`, { year: '2021', population: '5' }],
    [
      `/admin/organisations/${o.organisation}/edit`,
      { version: '1', name: 'Taken over', kind: 'other', active: 'yes' },
    ],
    [`/admin/teams/${o.team}/edit`, { version: '1', name: 'Taken over' }],
    [`/admin/teams/${o.team}/members`, { user_id: o.user }],
    [
      `/admin/users/${o.user}/edit`,
      {
        version: '1',
        email: 'someone@elsewhere.example',
        display_name: 'Taken over',
        organisation_id: o.organisation,
        roles: 'partnership_admin',
      },
    ],
    [`/admin/users/${o.user}/deactivate`, {}],
    [`/admin/users/${o.user}/reset-two-factor`, {}],
  ] as const) {
    assert.equal((await admin.post(url, form)).statusCode, 404, url);
  }
  assert.equal(
    (await db().selectFrom('areas').select('name').where('id', '=', o.area).executeTakeFirstOrThrow()).name,
    'Elsewhereshire Vale',
  );
  assert.equal(
    (await db().selectFrom('users').select('active').where('id', '=', o.user).executeTakeFirstOrThrow())
      .active,
    true,
  );

  // Their records cannot be pulled in through ours either.
  const team = await admin.post(`/admin/teams/${ids.asbTeam}/members`, { user_id: o.user });
  assert.equal(team.statusCode, 400);
  const org = await admin.post('/admin/organisations', {
    name: 'Borrowing Areas Ltd',
    kind: 'other',
    active: 'yes',
    areas: [o.area],
  });
  assert.equal(org.statusCode, 400);
  const user = await admin.post('/admin/users', {
    email: 'borrow@example.org',
    display_name: 'Borrower',
    organisation_id: o.organisation,
    roles: 'read_only',
  });
  assert.equal(user.statusCode, 400);
  assert.match(user.body, /Select the organisation they work for/);
  const teamInOther = await admin.post('/admin/teams', { organisation_id: o.organisation, name: 'Sneaky' });
  assert.equal(teamInOther.statusCode, 400);
  const area = await admin.get('/admin/areas/new');
  assert.doesNotMatch(area.body, /Elsewhere/);

  // Lists show none of it.
  for (const url of [
    '/admin/areas',
    '/admin/organisations',
    '/admin/teams',
    '/admin/users',
    '/admin/users?q=elsewhere',
    '/admin/audit',
    '/admin/audit?record_id=elsewhere-record',
    '/admin/outbox',
    `/admin/teams?organisation=${o.organisation}`,
  ]) {
    const res = await admin.get(url);
    assert.equal(res.statusCode, 200, url);
    assert.doesNotMatch(res.body, /Elsewhere|elsewhere\.example|203\.0\.113\.9/, url);
  }
});

test('malformed input to every admin form gives a page, never a 500', async () => {
  const { posts } = adminRoutes();
  const payloads: Record<string, string | string[]>[] = [
    {},
    {
      name: ['a', 'b'],
      version: ['1', '2'],
      kind: ['district', 'ward'],
      ons_code: ['E07000130', 'x'],
      roles: ['case_officer', 'emperor'],
      areas: 'x'.repeat(5000),
    },
    {
      name: 'x'.repeat(20_000),
      short_name: '\u0000\u0001',
      email: `${'a'.repeat(300)}@example.org`,
      organisation_id: 'DROP TABLE users',
      year: '99999999999999',
      population: '-1',
      user_id: '../../etc',
    },
    {
      version: '999999999999999999999',
      teams: Array.from({ length: 50 }, () => 'nope'),
      parent_id: '00000000-0000-4000-8000-000000000000',
    },
  ];
  // Leave the officer's account as it was: these actions would really apply with a valid body.
  const skip = new Set([
    'deactivate',
    'reactivate',
    'unlock',
    'reset-two-factor',
    'send-password-link',
    'remove',
  ]);
  for (const url of posts.filter((u) => !skip.has(u.split('/').pop()!))) {
    for (const form of payloads) {
      const res = await admin.post(url, form);
      assert.ok(res.statusCode < 500, `POST ${url} gave ${res.statusCode}`);
      assert.ok([302, 400, 404, 409].includes(res.statusCode), `POST ${url} gave ${res.statusCode}`);
    }
  }
  for (const url of [
    '/admin/audit?from-day[]=1&record_id[]=a&record_type=%00',
    '/admin/outbox?page=abc',
    '/admin/teams?organisation[]=x',
    `/admin/audit?record_id=${'x'.repeat(150)}`,
  ]) {
    const res = await admin.get(url);
    assert.ok(res.statusCode < 500, `GET ${url} gave ${res.statusCode}`);
  }
});
