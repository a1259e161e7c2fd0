// People on incidents for the report builder (migrations/0025), on either engine: each link's copy of
// its incident (report_incident_people) and the shared half's function together give a user exactly
// the links row-level security shows them in incident_people; the app role reads only its own
// organisation's copies and cannot write them; and the copies stay exactly what the records say after
// links are added, re-pointed (as a merge does) and removed, and incidents are changed and deleted.
// The same for each organisation's people by role (report_person_roles, migrations/0026), and
// "different people by role, all time" read from them equals the exact count over every link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, signIn, userId, type Browser, type TestContext } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { ROLE_NAMES } from '../incidents/labels.ts';
import { csvRows, seedReportFixture, sortedRows, type Fixture } from './test-fixtures.ts';
import { recordType } from './definitions.ts';
import { aggregate, isEveryoneByRole } from './repository.ts';
import type { ReportDefinition } from './params.ts';

let ctx: TestContext;
let fx: Fixture;
let officer: Browser;

before(async () => {
  ctx = await createTestApp();
  fx = await seedReportFixture(ctx);
  officer = await signIn(ctx, 'officer@endeavour.demo');
});
after(() => ctx.close());

const USERS = ['officer@endeavour.demo', 'police@endeavour.demo', 'fire@endeavour.demo'];

async function linksSeenBy(email: string) {
  const u = await userId(ctx, email);
  return withUser(ctx.database.db, u.id, async (tx) => ({
    direct: (await sql<{ k: string }>`SELECT incident_id::text || person_id::text || role AS k FROM incident_people ORDER BY 1`.execute(tx)).rows.map((r) => r.k),
    own: (await sql<{ k: string; owner: string }>`SELECT incident_id::text || person_id::text || role AS k, owner_organisation_id AS owner FROM report_incident_people ORDER BY 1`.execute(tx)).rows,
    shared: (await sql<{ k: string }>`SELECT incident_id::text || person_id::text || role AS k FROM app_report_shared_incident_people(NULL, NULL) ORDER BY 1`.execute(tx)).rows.map((r) => r.k),
    organisation: u.organisation_id,
  }));
}

const people = recordType('people')!;
const everyoneByRole: ReportDefinition = {
  record: people,
  from: null,
  to: null,
  filters: {},
  flags: [],
  group: people.dimensions.find((x) => x.key === 'role')!,
  group2: null,
  measure: people.measures.find((m) => m.key === 'people')!,
};
const sorted = sortedRows;

/** Different people by role, all time, as each user sees it: from report_person_roles and from every link. */
async function everyoneByRoleBothWays(email: string) {
  const u = await userId(ctx, email);
  return withUser(ctx.database.db, u.id, async (tx) => ({
    fast: sorted((await aggregate(tx, everyoneByRole)).rows),
    links: sorted((await aggregate(tx, everyoneByRole, { monthly: false })).rows),
  }));
}

/** report_person_roles, and what its copies say it should be, as the migrator. */
async function rolesAndCopies() {
  const rows = await sql<{ k: string }>`SELECT concat_ws('|', owner_organisation_id, person_id, role, partnership_id, links) AS k FROM report_person_roles ORDER BY 1`.execute(ctx.database.db);
  const copies = await sql<{ k: string }>`SELECT concat_ws('|', owner_organisation_id, person_id, role, partnership_id, count(*)) AS k FROM report_incident_people GROUP BY owner_organisation_id, person_id, role, partnership_id ORDER BY 1`.execute(ctx.database.db);
  return { rows: rows.rows.map((r) => r.k), copies: copies.rows.map((r) => r.k) };
}

/** The copies, and what the records say they should be, as the migrator (no row-level security). */
async function copiesAndRecords() {
  const cols = sql`concat_ws('|', link_id, incident_id, person_id, role, partnership_id, owner_organisation_id, occurred_from, area_id, ward_id, category, asb_type_id, source_organisation_id, how_reported, created_by, status, hate, domestic, alcohol, drugs, youth, vulnerable_victim)`;
  const copies = await sql<{ k: string }>`SELECT ${cols} AS k FROM report_incident_people ORDER BY 1`.execute(ctx.database.db);
  const records = await sql<{ k: string }>`SELECT ${cols} AS k FROM report_incident_people_source ORDER BY 1`.execute(ctx.database.db);
  return { copies: copies.rows.map((r) => r.k), records: records.rows.map((r) => r.k) };
}

test('own copies and shared links together are exactly the links row-level security shows each user', async () => {
  for (const email of USERS) {
    const seen = await linksSeenBy(email);
    assert.ok(seen.own.every((r) => r.owner === seen.organisation), `${email} reads only their own organisation's copies`);
    assert.deepEqual([...seen.own.map((r) => r.k), ...seen.shared].sort(), seen.direct, email);
  }
  const charnwood = await linksSeenBy('officer@endeavour.demo');
  assert.ok(charnwood.shared.length > 0, 'the police incident shared with Charnwood brings its links');
  const fire = await linksSeenBy('fire@endeavour.demo');
  assert.equal(fire.own.length + fire.shared.length, 0, 'an organisation holding no incidents sees no links');
});

test('different people by role, all time, from the people by role equals the count over every link', async () => {
  assert.ok(isEveryoneByRole(everyoneByRole));
  assert.ok(!isEveryoneByRole({ ...everyoneByRole, from: '2025-01-01' }), 'dates are counted from the links');
  assert.ok(!isEveryoneByRole({ ...everyoneByRole, filters: { area: fx.districts[0]!.id } }), 'filters are counted from the links');
  // The shared police incident's victim is also a victim on one of Charnwood's own: counted once.
  const shared = fx.incidents.find((x) => x.id === fx.sharedId)!.people.find((l) => l.role === 'victim')!.personId;
  const own = fx.incidents.find((x) => x.owner === fx.orgs.charnwood)!;
  await ctx.database.db.insertInto('incident_people').values({ incident_id: own.id, person_id: shared, role: 'victim' }).execute();
  for (const email of USERS) {
    const both = await everyoneByRoleBothWays(email);
    assert.deepEqual(both.fast, both.links, email);
  }
  const charnwood = await everyoneByRoleBothWays('officer@endeavour.demo');
  assert.ok(charnwood.fast.length >= 3, 'roles and a total');
});

test('the people by role are readable only for the reader\'s own organisation', async () => {
  for (const email of USERS) {
    const u = await userId(ctx, email);
    const owners = await withUser(ctx.database.db, u.id, (tx) => sql<{ owner: string }>`SELECT DISTINCT owner_organisation_id AS owner FROM report_person_roles`.execute(tx));
    assert.ok(owners.rows.every((r) => r.owner === u.organisation_id), email);
  }
});

test('the app role cannot write the copies, read the records view or rebuild them', async () => {
  const u = await userId(ctx, 'officer@endeavour.demo');
  const attempts = [
    sql`DELETE FROM report_person_roles`,
    sql`UPDATE report_person_roles SET links = 5`,
    sql`SELECT report_person_roles_rebuild()`,
    sql`SELECT report_person_roles_add(ARRAY[]::report_person_roles_delta[])`,
    sql`DELETE FROM report_incident_people`,
    sql`UPDATE report_incident_people SET role = 'witness'`,
    sql`INSERT INTO report_incident_people SELECT * FROM report_incident_people LIMIT 1`,
    sql`SELECT count(*) FROM report_incident_people_source`,
    sql`SELECT report_incident_people_rebuild()`,
  ];
  for (const q of attempts) await assert.rejects(withUser(ctx.database.db, u.id, (tx) => q.execute(tx)), /permission denied/, q.compile(ctx.database.db).sql);
});

test('the copies follow links added, re-pointed and removed, and incidents changed and deleted', async () => {
  const db = ctx.database.db;
  const own = fx.incidents.filter((x) => x.owner === fx.orgs.charnwood);
  const [a, b, c, d] = own;
  // Added, two in a statement, in roles the fixture gives nobody: a witness and a reporting party.
  const someone = a!.people[0]!.personId;
  await db
    .insertInto('incident_people')
    .values([
      { incident_id: b!.id, person_id: someone, role: 'witness' },
      { incident_id: c!.id, person_id: someone, role: 'reporting_party' },
    ])
    .execute();
  // Re-pointed, as a merge moves a link to the surviving person; and a role corrected.
  const other = own.flatMap((x) => x.people).find((l) => l.personId !== someone)!.personId;
  await db.updateTable('incident_people').set({ person_id: other }).where('incident_id', '=', c!.id).where('role', '=', 'reporting_party').execute();
  await db.updateTable('incident_people').set({ role: 'other' }).where('incident_id', '=', b!.id).where('role', '=', 'witness').execute();
  // Incidents changed: district, status and a flag; when it happened; the owner; nothing reported on.
  await db.updateTable('incidents').set({ area_id: fx.districts[3]!.id, status: 'closed', youth: true }).where('id', '=', a!.id).execute();
  await db.updateTable('incidents').set({ occurred_from: new Date(Date.UTC(2023, 0, 5, 10)) }).where('id', '=', b!.id).execute();
  await db.updateTable('incidents').set({ owner_organisation_id: fx.orgs.hbbc }).where('id', '=', d!.id).execute();
  await db.updateTable('incidents').set({ description: 'Edited, nothing reported on' }).where('id', '=', c!.id).execute();
  // Removed: a link by itself, and an incident with its links (the foreign keys cascade).
  await db.deleteFrom('incident_people').where('incident_id', '=', a!.id).where('role', '=', 'victim').execute();
  const gone = own[5]!.id;
  await db.deleteFrom('incident_people').where('incident_id', '=', gone).execute();
  await db.deleteFrom('incidents').where('id', '=', gone).execute();

  const { copies, records } = await copiesAndRecords();
  assert.deepEqual(copies, records);
  assert.ok(copies.some((k) => k.includes(`${c!.id}|${other}|reporting_party`)), 'the re-pointed link is copied with its new person');
  assert.ok(copies.some((k) => k.includes(`${b!.id}|${someone}|other`)), 'the corrected role is copied');
  // The people by role followed every change, and the all-time count from them is still exact.
  const roles = await rolesAndCopies();
  assert.deepEqual(roles.rows, roles.copies);
  for (const email of USERS) {
    const both = await everyoneByRoleBothWays(email);
    assert.deepEqual(both.fast, both.links, email);
  }
  // And a rebuild from the records gives the same.
  await sql`SELECT report_incident_people_rebuild()`.execute(db);
  assert.deepEqual((await copiesAndRecords()).copies, records);
  await sql`SELECT report_person_roles_rebuild()`.execute(db);
  assert.deepEqual((await rolesAndCopies()).rows, roles.copies);

  // The moved incident's links are now HBBC's: Charnwood no longer counts them, whoever they are.
  const seen = await linksSeenBy('officer@endeavour.demo');
  assert.ok(!seen.own.some((r) => r.k.startsWith(d!.id)), 'an incident given to another organisation leaves its copies with it');
  assert.deepEqual([...seen.own.map((r) => r.k), ...seen.shared].sort(), seen.direct);
});

test('different people by role, read from the copies, count each person once among what the viewer may see', async () => {
  const visible = new Map<string, Set<string>>();
  const u = await userId(ctx, 'officer@endeavour.demo');
  // Independently of the builder: every link the officer may see, through row-level security.
  const links = await withUser(ctx.database.db, u.id, (tx) => sql<{ person_id: string; role: string }>`SELECT person_id, role FROM incident_people`.execute(tx));
  for (const l of links.rows) visible.set(l.role, (visible.get(l.role) ?? new Set()).add(l.person_id));
  const rows = csvRows((await officer.get('/reports/builder.csv?record=people&group=role&measure=people')).body);
  for (const [role, people] of visible) {
    const row = rows.find((r) => r[0] === ROLE_NAMES[role as keyof typeof ROLE_NAMES]);
    assert.equal(Number(row?.[1]), people.size, role);
  }
  const everyone = new Set(links.rows.map((l) => l.person_id));
  assert.equal(Number(rows[rows.length - 1]![1]), everyone.size, 'the total counts each person once, whatever their roles');
});
