// The report builder, on either engine: its counts equal an independent count of the fixture's
// incidents each organisation may see; bad choices get GOV.UK errors; CSV and XLSX hold the same
// table; downloads are audited; a saved definition shared across organisations always runs under the
// viewer's own row-level security; and saved reports themselves are protected by row-level security.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { createTestApp, signIn, auditRows, userId, type Browser, type TestContext } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { countBy, csvRows, seedReportFixture, type Fixture } from './test-fixtures.ts';

let ctx: TestContext;
let fx: Fixture;
let officer: Browser; // Charnwood Borough Council, ASB Team
let manager: Browser; // Charnwood Borough Council, ASB Team
let police: Browser; // Leicestershire Police

before(async () => {
  ctx = await createTestApp();
  fx = await seedReportFixture(ctx);
  officer = await signIn(ctx, 'officer@endeavour.demo');
  manager = await signIn(ctx, 'manager@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
});
after(() => ctx.close());

const asMap = (rows: string[][]) => new Map(rows.slice(1, -1).map((r) => [r[0]!, Number(r[r.length - 1])]));
const areaName = (id: string) => fx.districts.find((d) => d.id === id)!.name;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const monthLabel = (ym: string) => `${MONTHS[Number(ym.slice(5)) - 1]} ${ym.slice(0, 4)}`;

test('the builder form works with no report yet, and offers every record type', async () => {
  const res = await officer.get('/reports/builder');
  assert.equal(res.statusCode, 200);
  for (const label of ['Incidents', 'People by their role on incidents', 'Cases', 'Tasks', 'Interventions']) assert.match(res.body, new RegExp(label));
  assert.doesNotMatch(res.body, /data-qa="report-table"/);
});

test('incidents by district equal an independent count of what each organisation may see', async () => {
  for (const [browser, org] of [
    [officer, fx.orgs.charnwood],
    [police, fx.orgs.police],
  ] as const) {
    const res = await browser.get('/reports/builder.csv?record=incidents&group=area&measure=count');
    assert.equal(res.statusCode, 200);
    const rows = csvRows(res.body);
    assert.deepEqual(rows[0], ['District', 'Number']);
    const expected = countBy(fx.visibleTo(org), (x) => areaName(x.areaId));
    assert.deepEqual(asMap(rows), expected);
    assert.deepEqual(rows[rows.length - 1], ['Total', String(fx.visibleTo(org).length)]);
  }
  // The shared police incident is in Charnwood's count and not the police's own count twice.
  assert.equal(fx.visibleTo(fx.orgs.charnwood).length, 21);
  assert.equal(fx.visibleTo(fx.orgs.police).length, 20);
});

test('the page shows the same figures as the download, with a chart and a caption', async () => {
  const res = await officer.get('/reports/builder?record=incidents&shown=incidents&group=area&measure=count');
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /data-qa="report-chart"/);
  assert.match(res.body, /<svg[^>]+role="img"/);
  assert.match(res.body, /Incidents you can see, by district/);
  for (const [name, n] of countBy(fx.visibleTo(fx.orgs.charnwood), (x) => areaName(x.areaId))) {
    assert.match(res.body, new RegExp(`<th scope="row" class="govuk-table__header">${name}</th>\\s*<td class="govuk-table__cell govuk-table__cell--numeric">${n}</td>`));
  }
  assert.match(res.body, /data-qa="report-total">Total: <strong>21<\/strong>/);
});

test('two groupings make a cross-tabulation whose cells and totals match the independent count', async () => {
  const qs = 'record=incidents&group=month&group2=category&measure=count&from-day=1&from-month=1&from-year=2025&to-day=30&to-month=6&to-year=2025&flag=';
  const res = await officer.get(`/reports/builder.csv?${qs}`);
  assert.equal(res.statusCode, 200);
  const rows = csvRows(res.body);
  const header = rows[0]!;
  assert.equal(header[0], 'Month');
  assert.equal(header[header.length - 1], 'Total');
  const visible = fx.visibleTo(fx.orgs.charnwood).filter((x) => x.month <= '2025-06');
  // Every month of the range is a row, even one with nothing in it.
  assert.deepEqual(rows.slice(1, -1).map((r) => r[0]), ['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06'].map(monthLabel));
  for (const r of rows.slice(1, -1)) {
    const month = visible.filter((x) => monthLabel(x.month) === r[0]);
    for (let c = 1; c < header.length - 1; c++) {
      const expected = month.filter((x) => x.category === header[c]!.toLowerCase()).length;
      assert.equal(Number(r[c]), expected, `${r[0]} × ${header[c]}`);
    }
    assert.equal(Number(r[r.length - 1]), month.length);
  }
  assert.equal(Number(rows[rows.length - 1]![header.length - 1]), visible.length);
});

test('filters narrow the count exactly: area, category, flags and dates together', async () => {
  const area = fx.districts[1]!;
  const qs = new URLSearchParams([
    ['record', 'incidents'],
    ['area', area.id],
    ['flag', 'hate'],
    ['status', 'open'],
    ['from-day', '1'],
    ['from-month', '2'],
    ['from-year', '2025'],
    ['group', 'category'],
    ['measure', 'count'],
  ]);
  const rows = csvRows((await police.get(`/reports/builder.csv?${qs}`)).body);
  const expected = fx.visibleTo(fx.orgs.police).filter((x) => x.areaId === area.id && x.hate && x.status === 'open' && x.occurredFrom >= new Date('2025-02-01T00:00:00Z'));
  assert.equal(Number(rows[rows.length - 1]![1]), expected.length);
});

test('people by role count involvements and different people, totals not double counting', async () => {
  const visible = fx.visibleTo(fx.orgs.charnwood);
  const links = visible.flatMap((x) => x.people);
  const involvements = (await officer.get('/reports/builder.csv?record=people&group=role&measure=count')).body;
  assert.deepEqual(asMap(csvRows(involvements)), new Map([...countBy(links, (l) => (l.role === 'victim' ? 'Victim' : 'Perpetrator or suspect'))]));
  const distinct = csvRows((await officer.get('/reports/builder.csv?record=people&group=role&measure=people')).body);
  const total = distinct[distinct.length - 1]!;
  assert.equal(Number(total[1]), new Set(links.map((l) => l.personId)).size, 'the total counts each person once, whatever their roles');
  const victims = distinct.find((r) => r[0] === 'Victim')!;
  assert.equal(Number(victims[1]), new Set(links.filter((l) => l.role === 'victim').map((l) => l.personId)).size);
});

test('problems reported to several agencies count once, among the incidents the viewer may see', async () => {
  const mine = fx.visibleTo(fx.orgs.charnwood).filter((x) => x.owner === fx.orgs.charnwood);
  // One problem: the shared police incident and two of Charnwood's own; another: two of Charnwood's.
  const groups = [[fx.sharedId, mine[0]!.id, mine[1]!.id], [mine[2]!.id, mine[3]!.id]];
  for (const g of groups) {
    const problem = crypto.randomUUID();
    for (const id of g) await sql`INSERT INTO incident_problems (incident_id, problem_id, partnership_id) VALUES (${id}, ${problem}, ${ctx.demo.partnershipId})`.execute(ctx.database.db);
  }
  const rows = csvRows((await officer.get('/reports/builder.csv?record=incidents&group=status&measure=problems')).body);
  assert.equal(Number(rows[rows.length - 1]![1]), fx.visibleTo(fx.orgs.charnwood).length - 2 - 1);
  // The police see only their own incident of the first problem: it is one problem for them.
  const theirs = csvRows((await police.get('/reports/builder.csv?record=incidents&group=status&measure=problems')).body);
  assert.equal(Number(theirs[theirs.length - 1]![1]), fx.visibleTo(fx.orgs.police).length);
  await sql`DELETE FROM incident_problems`.execute(ctx.database.db);
});

test('the XLSX download is a real workbook with a header row and numbers that match the table', async () => {
  const qs = 'record=incidents&group=area&group2=category&measure=count';
  const csv = csvRows((await officer.get(`/reports/builder.csv?${qs}`)).body);
  const res = await officer.get(`/reports/builder.xlsx?${qs}`);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.match(String(res.headers['content-disposition']), /^attachment; filename="endeavour-incidents-by-area-\d{4}-\d{2}-\d{2}\.xlsx"$/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  const ws = wb.getWorksheet('Report')!;
  const sheet: (string | number)[][] = [];
  ws.eachRow((row) => sheet.push((row.values as (string | number)[]).slice(1)));
  assert.deepEqual(sheet[0], csv[0]);
  assert.equal(sheet.length, csv.length);
  for (let i = 1; i < sheet.length; i++) {
    assert.equal(sheet[i]![0], csv[i]![0]);
    for (let c = 1; c < sheet[i]!.length; c++) {
      assert.equal(typeof sheet[i]![c], 'number', 'numbers are stored as numbers');
      assert.equal(sheet[i]![c], Number(csv[i]![c]));
    }
  }
  ws.eachRow((row) => row.eachCell((cell) => assert.notEqual(cell.type, ExcelJS.ValueType.Formula, 'no formulas')));
  assert.ok(wb.getWorksheet('About this report'));
});

test('downloads and runs are audited, with the choices but no personal data', async () => {
  const before = (await auditRows(ctx, { action: 'export' })).length;
  await officer.get('/reports/builder.csv?record=cases&group=status&measure=count');
  await officer.get('/reports/builder.xlsx?record=tasks&group=status&measure=count');
  const exports = (await auditRows(ctx, { action: 'export' })).slice(before);
  assert.equal(exports.length, 2);
  const me = await userId(ctx, 'officer@endeavour.demo');
  assert.ok(exports.every((e) => e.record_type === 'report' && e.actor_user_id === me.id));
  assert.deepEqual(
    exports.map((e) => [e.details.record, e.details.format]),
    [
      ['cases', 'csv'],
      ['tasks', 'xlsx'],
    ],
  );
  const lists = await auditRows(ctx, { action: 'list' });
  assert.ok(lists.some((e) => e.record_type === 'report' && e.details.group === 'area'));
});

test('bad choices are answered with a GOV.UK error summary and the form as it was sent', async () => {
  const res = await officer.get(
    '/reports/builder?record=incidents&shown=incidents&from-day=31&from-month=2&from-year=2025&to-day=1&to-month=1&to-year=2020&area=00000000-0000-4000-8000-000000000000&category=loud&flag=hate&flag=nonsense&group=shoe+size&measure=count',
  );
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /govuk-error-summary/);
  assert.match(res.body, /The from date must be a real date/);
  assert.match(res.body, /Select area from the list/);
  assert.match(res.body, /Select category from the list/);
  assert.match(res.body, /Select flags from the list/);
  assert.match(res.body, /Select what to group by from the list/);
  assert.match(res.body, /name="from-day"[^>]*value="31"/);
  assert.doesNotMatch(res.body, /data-qa="report-table"/);
  const order = await officer.get('/reports/builder?record=incidents&shown=incidents&from-day=2&from-month=2&from-year=2025&to-day=1&to-month=1&to-year=2025&group=area');
  assert.match(order.body, /The to date must be the same as or after the from date/);
  const sameTwice = await officer.get('/reports/builder?record=incidents&shown=incidents&group=area&group2=area');
  assert.match(sameTwice.body, /Choose a different grouping from the first, or none/);
  // A download of an incomplete report goes back to the form rather than failing.
  const dl = await officer.get('/reports/builder.csv?record=incidents&group=shoe');
  assert.equal(dl.statusCode, 303);
  assert.match(String(dl.headers.location), /^\/reports\/builder\?record=incidents&group=shoe$/);
});

test('changing what to count resets the choices that belong to the old record type', async () => {
  const res = await officer.get('/reports/builder?record=cases&shown=incidents&category=personal&group=hour&flag=hate');
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /Now choose which cases to count/);
  assert.doesNotMatch(res.body, /govuk-error-summary/);
  assert.match(res.body, /Lead officer/);
});

test('every record type and grouping runs without error', async () => {
  const { RECORD_TYPES } = await import('./definitions.ts');
  for (const t of RECORD_TYPES) {
    for (const d of t.dimensions) {
      const res = await officer.get(`/reports/builder.csv?record=${t.key}&group=${d.key}&group2=${t.dimensions[0]!.key === d.key ? '' : t.dimensions[0]!.key}&measure=${t.measures[t.measures.length - 1]!.key}`);
      assert.equal(res.statusCode, 200, `${t.key} by ${d.key}`);
    }
  }
});

test('text a spreadsheet would run as a formula is written as text in the CSV', async () => {
  const type = await ctx.database.db
    .insertInto('asb_types')
    .values({ partnership_id: ctx.demo.partnershipId, category: 'nuisance', name: '=HYPERLINK("http://example.invalid")', sort: 99 })
    .returning('id')
    .executeTakeFirstOrThrow();
  await ctx.database.db.updateTable('incidents').set({ asb_type_id: type.id }).where('id', '=', fx.visibleTo(fx.orgs.charnwood)[1]!.id).execute();
  const rows = csvRows((await officer.get('/reports/builder.csv?record=incidents&group=type&measure=count')).body);
  assert.ok(rows.some((r) => r[0] === `'=HYPERLINK("http://example.invalid")`));
  assert.ok(!rows.some((r) => r[0]!.startsWith('=')));
  await ctx.database.db.updateTable('incidents').set({ asb_type_id: fx.visibleTo(fx.orgs.charnwood)[1]!.typeId }).where('id', '=', fx.visibleTo(fx.orgs.charnwood)[1]!.id).execute();
});

// --- saved reports --------------------------------------------------------------------------------

let partnershipReport = '';
let teamReport = '';
let privateReport = '';

async function save(browser: Browser, name: string, sharing: string) {
  const form = await browser.get('/reports/saved/new?record=incidents&group=area&measure=count');
  assert.equal(form.statusCode, 200);
  const hidden = [...form.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].filter((m) => m[1] !== '_csrf');
  const fields: Record<string, string[]> = {};
  for (const m of hidden) (fields[m[1]!] ??= []).push(m[2]!);
  const res = await browser.post('/reports/saved', { ...fields, name, description: 'Incidents by district', sharing });
  assert.equal(res.statusCode, 302, res.body.slice(0, 500));
  return res.headers.location!.split('/').pop()!;
}

test('a report definition is saved and shared; whoever opens it sees only their own visible records', async () => {
  const team = await ctx.database.db.selectFrom('team_members as m').innerJoin('teams as t', 't.id', 'm.team_id').select('t.id').where('m.user_id', '=', fx.users.officer).executeTakeFirstOrThrow();
  partnershipReport = await save(officer, 'Incidents (partnership)', 'partnership');
  teamReport = await save(officer, 'Incidents (team)', `team:${team.id}`);
  privateReport = await save(officer, 'Incidents (mine)', 'private');

  const seen = (org: string) => fx.visibleTo(org).length;
  const own = await officer.get(`/reports/saved/${partnershipReport}`);
  assert.equal(own.statusCode, 200);
  assert.match(own.body, new RegExp(`data-qa="report-total">Total: <strong>${seen(fx.orgs.charnwood)}</strong>`));
  const theirs = await police.get(`/reports/saved/${partnershipReport}`);
  assert.equal(theirs.statusCode, 200);
  assert.match(theirs.body, new RegExp(`data-qa="report-total">Total: <strong>${seen(fx.orgs.police)}</strong>`));
  assert.notEqual(seen(fx.orgs.charnwood), seen(fx.orgs.police), 'the fixture tells the two apart');

  // The team report: a team-mate sees it, another organisation does not know it exists.
  assert.equal((await manager.get(`/reports/saved/${teamReport}`)).statusCode, 200);
  assert.equal((await police.get(`/reports/saved/${teamReport}`)).statusCode, 404);
  assert.equal((await manager.get(`/reports/saved/${privateReport}`)).statusCode, 404);
  const list = await police.get('/reports');
  assert.match(list.body, /Incidents \(partnership\)/);
  assert.doesNotMatch(list.body, /Incidents \(team\)|Incidents \(mine\)/);

  const views = (await auditRows(ctx, { action: 'view', recordId: partnershipReport })).map((r) => r.actor_user_id);
  assert.deepEqual(views, [fx.users.officer, fx.users.police]);
  assert.equal((await auditRows(ctx, { action: 'create', recordId: teamReport })).length, 1);
});

test('only the author changes or removes a saved report; a stale change is refused', async () => {
  assert.equal((await police.get(`/reports/saved/${partnershipReport}/edit`)).statusCode, 404);
  await police.get('/reports');
  assert.equal((await police.post(`/reports/saved/${partnershipReport}/edit`, { version: '1', name: 'Hijacked', sharing: 'partnership' })).statusCode, 404);
  assert.equal((await police.post(`/reports/saved/${partnershipReport}/archive`, { version: '1' })).statusCode, 404);

  await officer.get(`/reports/saved/${partnershipReport}/edit`);
  const empty = await officer.post(`/reports/saved/${partnershipReport}/edit`, { version: '1', name: '', sharing: 'partnership' });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /Enter a name for the report/);
  const ok = await officer.post(`/reports/saved/${partnershipReport}/edit`, { version: '1', name: 'Incidents by district', sharing: 'organisation' });
  assert.equal(ok.statusCode, 302);
  const stale = await officer.post(`/reports/saved/${partnershipReport}/edit`, { version: '1', name: 'Old', sharing: 'partnership' });
  assert.equal(stale.statusCode, 409);
  // Now shared with Charnwood only: the police no longer see it.
  assert.equal((await police.get(`/reports/saved/${partnershipReport}`)).statusCode, 404);
  assert.equal((await manager.get(`/reports/saved/${partnershipReport}`)).statusCode, 200);

  const removed = await officer.post(`/reports/saved/${privateReport}/archive`, { version: '1' });
  assert.equal(removed.statusCode, 302);
  assert.equal((await officer.get(`/reports/saved/${privateReport}`)).statusCode, 404);
});

test("saved reports through the app's database role: visibility, authorship and teams are enforced", async () => {
  const p = await userId(ctx, 'police@endeavour.demo');
  const seen = await withUser(ctx.database.db, p.id, (tx) => tx.selectFrom('saved_reports').select(['id', 'shared_with']).execute());
  assert.ok(seen.every((r) => r.shared_with === 'partnership'), 'the police see only partnership-wide definitions of others');
  assert.ok(!seen.some((r) => r.id === teamReport || r.id === privateReport));
  const changed = await withUser(ctx.database.db, p.id, (tx) => tx.updateTable('saved_reports').set({ name: 'Hijacked' }).where('id', '=', teamReport).executeTakeFirst());
  assert.equal(Number(changed.numUpdatedRows), 0);
  const team = await ctx.database.db.selectFrom('team_members').select('team_id').where('user_id', '=', fx.users.officer).executeTakeFirstOrThrow();
  await assert.rejects(
    withUser(ctx.database.db, p.id, (tx) =>
      tx
        .insertInto('saved_reports')
        .values({ partnership_id: ctx.demo.partnershipId, owner_organisation_id: p.organisation_id, created_by: p.id, name: 'x', definition: '{}', shared_with: 'team', team_id: team.team_id, updated_at: new Date() })
        .execute(),
    ),
    /row-level security/,
  );
  await assert.rejects(
    withUser(ctx.database.db, p.id, (tx) =>
      tx
        .insertInto('saved_reports')
        .values({ partnership_id: ctx.demo.partnershipId, owner_organisation_id: fx.orgs.charnwood, created_by: p.id, name: 'x', definition: '{}', updated_at: new Date() })
        .execute(),
    ),
    /row-level security/,
  );
  const role = await withUser(ctx.database.db, p.id, (tx) => sql<{ u: string }>`SELECT current_user AS u`.execute(tx));
  assert.equal(role.rows[0]!.u, 'endeavour_app');
});

test('saving needs a name and a team the author belongs to', async () => {
  const form = await officer.get('/reports/saved/new?record=incidents&group=area&measure=count');
  assert.equal(form.statusCode, 200);
  const policeTeam = await ctx.database.db.selectFrom('team_members').select('team_id').where('user_id', '=', fx.users.police).executeTakeFirstOrThrow();
  const res = await officer.post('/reports/saved', { record: 'incidents', group: 'area', measure: 'count', name: '', sharing: `team:${policeTeam.team_id}` });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /Enter a name for the report/);
  assert.match(res.body, /Select a team you belong to/);
  assert.match(res.body, /name="group" value="area"/, 'the definition is carried through the form again');
  const incomplete = await officer.get('/reports/saved/new?record=incidents');
  assert.equal(incomplete.statusCode, 303);
});
