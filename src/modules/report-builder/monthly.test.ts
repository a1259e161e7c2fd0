// The report builder's monthly aggregate of the viewer's own incidents (migrations/0023), on either
// engine: for every grouping, filter and flag it serves, with and without dates (whole months, part
// months at either end, one part month), the report read through the aggregate is exactly the report
// read from the records (Number, and Number of problems with problems across organisations), for an
// organisation with own, shared and unshared incidents, and stays so after incidents are recorded,
// changed (district, status, month, flag, owner) and deleted. The aggregate is for the definer only:
// the app role cannot read it, and its function gives a user their own organisation's counts only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { createTestApp, signIn, userId, type Browser, type TestContext } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { recordType, type Dimension } from './definitions.ts';
import { aggregate, monthlyPlan } from './repository.ts';
import type { ReportDefinition } from './params.ts';
import { seedReportFixture, sortedRows, type Fixture } from './test-fixtures.ts';

let ctx: TestContext;
let fx: Fixture;
let officer: Browser;

before(async () => {
  ctx = await createTestApp();
  fx = await seedReportFixture(ctx);
  officer = await signIn(ctx, 'officer@endeavour.demo');
  // Problems reported to several agencies: one across the shared police incident and two of
  // Charnwood's own (in different months), one of two of Charnwood's, one of the police's and the
  // third organisation's (seen by neither whole).
  const own = fx.incidents.filter((x) => x.owner === fx.orgs.charnwood);
  const others = fx.incidents.filter((x) => x.owner !== fx.orgs.charnwood && x.id !== fx.sharedId);
  for (const ids of [[fx.sharedId, own[0]!.id, own[9]!.id], [own[2]!.id, own[3]!.id], [others[0]!.id, others[1]!.id, others[5]!.id]]) {
    const problem = crypto.randomUUID();
    for (const id of ids) await sql`INSERT INTO incident_problems (incident_id, problem_id, partnership_id) VALUES (${id}, ${problem}, ${ctx.demo.partnershipId})`.execute(ctx.database.db);
  }
});
after(() => ctx.close());

const incidents = recordType('incidents')!;
const dim = (key: string): Dimension => incidents.dimensions.find((d) => d.key === key)!;
const count = incidents.measures.find((m) => m.key === 'count')!;
const problems = incidents.measures.find((m) => m.key === 'problems')!;
const define = (group: string, group2: string | null, more: Partial<ReportDefinition> = {}): ReportDefinition => ({
  record: incidents,
  from: null,
  to: null,
  filters: {},
  flags: [],
  group: dim(group),
  group2: group2 ? dim(group2) : null,
  measure: count,
  ...more,
});
const sorted = sortedRows;

const SERVED = ['area', 'ward', 'month', 'year', 'category', 'type', 'source', 'organisation', 'status'];
const DATES: { name: string; from: string | null; to: string | null; whole: boolean }[] = [
  { name: 'all time', from: null, to: null, whole: true },
  { name: 'whole months', from: '2025-02-01', to: '2025-04-30', whole: true },
  { name: 'part months at both ends', from: '2025-01-15', to: '2025-05-20', whole: true },
  { name: 'from a part month on', from: '2025-03-17', to: null, whole: true },
  { name: 'within one month', from: '2025-03-05', to: '2025-03-20', whole: false },
];

/** Every served report both ways for one user; returns how many were compared. */
async function compareAll(email: string): Promise<number> {
  const u = await userId(ctx, email);
  const districtId = fx.districts[1]!.id;
  const cases: ReportDefinition[] = [];
  for (const dates of DATES) {
    for (const g of SERVED) cases.push(define(g, null, { from: dates.from, to: dates.to }));
    for (const [g1, g2] of [
      ['month', 'area'],
      ['category', 'status'],
      ['year', 'source'],
      ['organisation', 'type'],
    ] as const)
      cases.push(define(g1, g2, { from: dates.from, to: dates.to }));
    cases.push(define('area', null, { from: dates.from, to: dates.to, flags: ['hate'] }));
    cases.push(define('month', 'category', { from: dates.from, to: dates.to, flags: ['domestic'] }));
    cases.push(define('type', null, { from: dates.from, to: dates.to, filters: { category: 'personal', status: 'open' } }));
    cases.push(define('month', null, { from: dates.from, to: dates.to, filters: { area: districtId, organisation: u.organisation_id, source: u.organisation_id } }));
    for (const [g1, g2] of [
      ['area', null],
      ['status', null],
      ['month', 'category'],
      ['year', 'organisation'],
    ] as const)
      cases.push(define(g1, g2, { from: dates.from, to: dates.to, measure: problems }));
    cases.push(define('area', null, { from: dates.from, to: dates.to, measure: problems, flags: ['hate'] }));
  }
  await withUser(ctx.database.db, u.id, async (tx) => {
    for (const d of cases) {
      const dates = DATES.find((x) => x.from === d.from && x.to === d.to)!;
      assert.equal(monthlyPlan(d) !== null, dates.whole, `${email}: ${dates.name} ${d.group.key} uses the aggregate`);
      const viaRecords = await aggregate(tx, d, { monthly: false });
      const viaMonthly = await aggregate(tx, d);
      const what = `${email}: ${d.measure.key} ${d.group.key}/${d.group2?.key ?? '-'} ${dates.name} ${JSON.stringify(d.filters)} ${d.flags.join(',')}`;
      assert.deepEqual(sorted(viaMonthly.rows), sorted(viaRecords.rows), what);
    }
  });
  return cases.length;
}

test('what the aggregate cannot serve is read from the records', () => {
  assert.equal(monthlyPlan(define('how_reported', null)), null, 'how it was reported is not in the aggregate');
  assert.equal(monthlyPlan(define('area', 'officer')), null, 'nor who recorded it');
  assert.equal(monthlyPlan(define('area', 'hour')), null, 'nor the hour');
  assert.equal(monthlyPlan(define('area', null, { flags: ['hate', 'domestic'] })), null, 'two flags together are not counted');
  assert.equal(monthlyPlan(define('area', null, { flags: ['repeat_victim'] })), null, 'repeat flags are not in it');
  assert.notEqual(monthlyPlan(define('area', null, { measure: problems })), null, 'problems are all incidents less the linked, plus their problems');
  assert.equal(monthlyPlan(define('area', null, { filters: { type: fx.incidents[0]!.typeId }, from: '2025-02-01', to: '2025-02-28' }))?.from, '2025-02-01');
  const plan = monthlyPlan(define('area', null, { from: '2025-01-15', to: '2025-05-20' }))!;
  assert.deepEqual([plan.from, plan.to], ['2025-02-01', '2025-05-01'], 'whole months inside the dates');
  assert.deepEqual(
    ((p) => [p.from, p.to])(monthlyPlan(define('area', null, { from: '2025-12-01', to: '2025-12-31' }))!),
    ['2025-12-01', '2026-01-01'],
    'a December ends in the next year',
  );
});

test('through the aggregate, every served report equals the one read from the records', async () => {
  // Charnwood has its own incidents and one shared by the police; the police, their own; the third
  // organisation's are seen by neither.
  assert.ok((await compareAll('officer@endeavour.demo')) > 50);
  await compareAll('police@endeavour.demo');
  // The page itself counts what an independent count of the fixture says.
  const res = await officer.get('/reports/builder.csv?record=incidents&group=year&measure=count');
  assert.equal(res.statusCode, 200);
  assert.match(res.body, new RegExp(`Total,${fx.visibleTo(fx.orgs.charnwood).length}`));
});

test('different people by two groupings: every cell and total counts each person once', async () => {
  const csv = (await officer.get('/reports/builder.csv?record=people&group=category&group2=role&measure=people')).body;
  const rows = csv.replace(/^\ufeff/, '').trim().split(/\r?\n/).map((l) => l.split(','));
  const header = rows[0]!;
  assert.ok(header.includes('Victim') && rows.length >= 4, csv);
  const visible = fx.visibleTo(fx.orgs.charnwood);
  const names: Record<string, string> = { personal: 'Personal', nuisance: 'Nuisance', environmental: 'Environmental' };
  const roles: Record<string, string> = { victim: 'Victim', perpetrator: 'Perpetrator or suspect' };
  const people = (keep: (x: Fixture['incidents'][number], role: string) => boolean) =>
    new Set(visible.flatMap((x) => x.people.filter((l) => keep(x, l.role)).map((l) => l.personId))).size;
  for (const row of rows.slice(1, -1)) {
    const category = Object.keys(names).find((c) => names[c] === row[0])!;
    for (const [i, col] of header.entries()) {
      const role = Object.keys(roles).find((r) => roles[r] === col);
      if (role) assert.equal(Number(row[i] || 0), people((x, r) => x.category === category && r === role), `${row[0]} ${col}`);
    }
    assert.equal(Number(row[row.length - 1]), people((x) => x.category === category), `${row[0]} total`);
  }
  assert.equal(Number(rows[rows.length - 1]![header.length - 1]), people(() => true), 'grand total');
});

test('the aggregate follows incidents recorded, changed and deleted', async () => {
  const db = ctx.database.db;
  const officerUser = await userId(ctx, 'officer@endeavour.demo');
  const own = fx.incidents.filter((x) => x.owner === fx.orgs.charnwood);
  const police = fx.incidents.filter((x) => x.owner === fx.orgs.police && x.id !== fx.sharedId);
  // Recorded: two in a statement, one in a month no other incident is in.
  await db
    .insertInto('incidents')
    .values(
      [new Date(Date.UTC(2024, 10, 30, 23, 30)), new Date(Date.UTC(2025, 2, 31, 23, 30))].map((occurredFrom, i) => ({
        partnership_id: ctx.demo.partnershipId,
        owner_organisation_id: fx.orgs.charnwood,
        occurred_from: occurredFrom,
        reported_at: occurredFrom,
        how_reported: 'council_phone' as const,
        source_organisation_id: fx.orgs.police,
        category: 'personal' as const,
        asb_type_id: own[0]!.typeId,
        description: `Monthly aggregate fixture ${i}`,
        location_text: 'Market Place, Loughborough',
        area_id: fx.districts[2]!.id,
        hate: true,
        domestic: i === 1,
        status: 'open' as const,
        created_by: officerUser.id,
      })),
    )
    .execute();
  // Changed: district and status; month and a flag; nothing counted (a description); owner.
  await db.updateTable('incidents').set({ area_id: fx.districts[3]!.id, status: 'closed' }).where('id', '=', own[1]!.id).execute();
  await db.updateTable('incidents').set({ occurred_from: new Date(Date.UTC(2025, 5, 30, 23, 30)), hate: true }).where('id', '=', own[2]!.id).execute();
  await db.updateTable('incidents').set({ description: 'Edited' }).where('id', 'in', [own[3]!.id, own[4]!.id]).execute();
  await db.updateTable('incidents').set({ owner_organisation_id: fx.orgs.charnwood }).where('id', '=', police[0]!.id).execute();
  // Deleted: every incident of a district and month, leaving aggregate rows that count nothing.
  const gone = own.filter((x) => x.month === own[5]!.month && x.areaId === own[5]!.areaId).map((x) => x.id);
  await db.deleteFrom('incident_people').where('incident_id', 'in', gone).execute();
  await db.deleteFrom('incidents').where('id', 'in', gone).execute();

  await compareAll('officer@endeavour.demo');
  await compareAll('police@endeavour.demo');
  // And the aggregate is still exactly what a rebuild from the records gives.
  const before = await sql<{ k: string }>`SELECT concat_ws('|', owner_organisation_id, month, area_id, ward_id, category, asb_type_id, source_organisation_id, status, incidents, hate, domestic, alcohol, drugs, youth, vulnerable_victim) AS k FROM report_incident_months WHERE incidents > 0 ORDER BY 1`.execute(db);
  await sql`SELECT report_incident_months_rebuild()`.execute(db);
  const after = await sql<{ k: string }>`SELECT concat_ws('|', owner_organisation_id, month, area_id, ward_id, category, asb_type_id, source_organisation_id, status, incidents, hate, domestic, alcohol, drugs, youth, vulnerable_victim) AS k FROM report_incident_months ORDER BY 1`.execute(db);
  assert.deepEqual(before.rows, after.rows);
});

test('the aggregate is for the definer: users read only their own organisation\'s counts', async () => {
  for (const email of ['officer@endeavour.demo', 'police@endeavour.demo', 'fire@endeavour.demo']) {
    const u = await userId(ctx, email);
    await assert.rejects(
      withUser(ctx.database.db, u.id, (tx) => sql`SELECT count(*) FROM report_incident_months`.execute(tx)),
      /permission denied/,
      `${email} cannot read the table`,
    );
    await assert.rejects(
      withUser(ctx.database.db, u.id, (tx) => sql`SELECT report_incident_months_rebuild()`.execute(tx)),
      /permission denied/,
      `${email} cannot rebuild it`,
    );
    const rows = await withUser(ctx.database.db, u.id, async (tx) => {
      const r = await sql<{ owner: string; n: number }>`SELECT owner_organisation_id AS owner, sum(incidents)::int AS n FROM app_report_incident_months(NULL, NULL) GROUP BY 1`.execute(tx);
      const own = await sql<{ n: number }>`SELECT count(*)::int AS n FROM incidents WHERE owner_organisation_id = ${u.organisation_id}`.execute(tx);
      return { byOwner: r.rows, own: own.rows[0]!.n };
    });
    assert.ok(rows.byOwner.every((r) => r.owner === u.organisation_id), `${email} gets no other organisation's counts`);
    assert.equal(rows.byOwner[0]?.n ?? 0, rows.own, `${email}'s counts are their own incidents, shared ones not among them`);
  }
});
