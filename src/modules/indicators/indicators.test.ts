// Indicators from records: the monthly aggregate kept exact by triggers, small numbers suppressed for
// users who could not see every record counted, the tables' row-level security and grants, imported
// series, and the administrator's pages (validation, conflicts, uploads, audit).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { auditRows, Browser, createTestApp, signIn, userId, type TestContext } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { indicatorTrend, indicatorValues, IndicatorNotFoundError, listIndicators, PeriodError, withIndicators } from './api.ts';
import { importSeriesCsv, SeriesFormatError } from './series-import.ts';
import { DEFAULT_INDICATORS } from './defaults.ts';
import { actorFor } from './test-support.ts';

let ctx: TestContext;
let orgs: Record<'charnwood' | 'police' | 'lcc', string>;
let areas: Record<string, string>;
let creators: Record<'charnwood' | 'police', string>;
// Signed in once: a second sign-in within the same 30 seconds would reuse a two-factor code, which is refused.
let admin: Browser;

async function addIncidents(n: number, owner: 'charnwood' | 'police', area: string, reported: string, extra: { hate?: boolean } = {}) {
  const rows = Array.from({ length: n }, () => ({
    partnership_id: ctx.demo.partnershipId,
    owner_organisation_id: orgs[owner],
    occurred_from: reported,
    reported_at: reported,
    how_reported: 'other' as const,
    category: 'nuisance' as const,
    description: 'Test incident for indicators',
    area_id: areas[area]!,
    hate: extra.hate ?? false,
    created_by: creators[owner],
    updated_at: reported,
  }));
  await ctx.database.db.insertInto('incidents').values(rows).execute();
}

async function addIndicator(key: string, fields: Partial<{ measure: string; unit: 'count' | 'rate_per_1000' | 'percentage'; filter: object }> = {}) {
  await ctx.database.db
    .insertInto('indicators')
    .values({ partnership_id: ctx.demo.partnershipId, key, name: key, outcome: 'Test', priority: 'Test', source: 'records', measure: fields.measure ?? 'incidents', filter: JSON.stringify(fields.filter ?? {}), unit: fields.unit ?? 'count', polarity: 'down_is_good' })
    .execute();
}

const byName = (values: Awaited<ReturnType<typeof indicatorValues>>) => Object.fromEntries(values.map((v) => [v.areaName, v]));

before(async () => {
  ctx = await createTestApp();
  const db = ctx.database.db;
  const orgRows = await db.selectFrom('organisations').select(['id', 'short_name']).where('partnership_id', '=', ctx.demo.partnershipId).execute();
  const org = (s: string) => orgRows.find((o) => o.short_name === s)!.id;
  orgs = { charnwood: org('Charnwood BC'), police: org('Police'), lcc: org('LCC') };
  const areaRows = await db.selectFrom('areas').select(['id', 'name']).where('partnership_id', '=', ctx.demo.partnershipId).execute();
  areas = Object.fromEntries(areaRows.map((a) => [a.name, a.id]));
  creators = { charnwood: (await userId(ctx, 'officer@endeavour.demo')).id, police: (await userId(ctx, 'police@endeavour.demo')).id };
  await addIndicator('test-count');
  await addIndicator('test-hate-share', { unit: 'percentage', filter: { flag: 'hate' } });
  await addIndicator('test-rate', { unit: 'rate_per_1000' });
  admin = await signIn(ctx, 'admin@endeavour.demo');
});
after(() => ctx.close());

test('the monthly aggregate follows every insert, update and delete of incidents, whoever makes it', async () => {
  const db = ctx.database.db;
  const officer = await userId(ctx, 'officer@endeavour.demo');
  // As the app role, through row-level security, as the incidents service does.
  const ids = await withUser(db, officer.id, async (tx) => {
    const rows = await tx
      .insertInto('incidents')
      .values([1, 2, 3].map(() => ({ partnership_id: ctx.demo.partnershipId, owner_organisation_id: orgs.charnwood, occurred_from: '2014-06-10T12:00:00Z', reported_at: '2014-06-10T12:00:00Z', how_reported: 'other' as const, category: 'personal' as const, description: 'x', area_id: areas.Blaby!, created_by: officer.id, updated_at: '2014-06-10T12:00:00Z' })))
      .returning('id')
      .execute();
    await tx.updateTable('incidents').set({ category: 'environmental', hate: true }).where('id', '=', rows[0]!.id).execute();
    await tx.updateTable('incidents').set({ description: 'only words changed' }).where('id', '=', rows[1]!.id).execute();
    // 23:30 UTC on 31 May is 00:30 on 1 June in London: months are UK months.
    await tx.updateTable('incidents').set({ reported_at: '2014-05-31T23:30:00Z' }).where('id', '=', rows[2]!.id).execute();
    return rows.map((r) => r.id);
  });
  const check = async () => {
    const diff = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM (
        (SELECT partnership_id, incident_month(reported_at) AS month, area_id, category, asb_type_id, source_organisation_id, owner_organisation_id,
            count(*)::int AS incidents, count(*) FILTER (WHERE hate)::int AS hate
          FROM incidents GROUP BY 1, 2, 3, 4, 5, 6, 7
         EXCEPT
         SELECT partnership_id, month, area_id, category, asb_type_id, source_organisation_id, owner_organisation_id, incidents, hate
          FROM incident_month_counts WHERE incidents <> 0)
        UNION ALL
        (SELECT partnership_id, month, area_id, category, asb_type_id, source_organisation_id, owner_organisation_id, incidents, hate
          FROM incident_month_counts WHERE incidents <> 0
         EXCEPT
         SELECT partnership_id, incident_month(reported_at), area_id, category, asb_type_id, source_organisation_id, owner_organisation_id,
            count(*)::int, count(*) FILTER (WHERE hate)::int
          FROM incidents GROUP BY 1, 2, 3, 4, 5, 6, 7)) d`.execute(db);
    assert.equal(diff.rows[0]!.n, 0);
  };
  await check();
  const june = await sql<{ category: string; incidents: number; hate: number }>`
    SELECT category, sum(incidents)::int AS incidents, sum(hate)::int AS hate FROM incident_month_counts
    WHERE month = '2014-06-01' AND area_id = ${areas.Blaby!} GROUP BY category ORDER BY category`.execute(db);
  assert.deepEqual(june.rows, [
    { category: 'environmental', incidents: 1, hate: 1 },
    { category: 'personal', incidents: 2, hate: 0 },
  ]);
  await db.deleteFrom('incidents').where('id', 'in', ids).execute();
  await check();
});

test('small numbers are suppressed by district unless the viewer\'s organisation holds every record counted', async () => {
  const db = ctx.database.db;
  await addIncidents(3, 'charnwood', 'Blaby', '2015-01-15T12:00:00Z');
  await addIncidents(2, 'police', 'Melton', '2015-01-15T12:00:00Z');
  await addIncidents(10, 'police', 'Rutland', '2015-01-15T12:00:00Z');
  await addIncidents(1, 'charnwood', 'Harborough', '2015-01-15T12:00:00Z');
  await addIncidents(1, 'police', 'Harborough', '2015-01-15T12:00:00Z');
  const period = { from: '2015-01', to: '2015-01' };
  const officer = byName(await indicatorValues(db, await actorFor(db, 'officer@endeavour.demo'), 'test-count', period));
  assert.equal(officer.Blaby!.value, 3, "Charnwood holds all of Blaby's");
  assert.equal(officer.Melton!.suppressed, true);
  assert.equal(officer.Melton!.value, null);
  assert.equal(officer.Melton!.numerator, null);
  assert.equal(officer.Harborough!.suppressed, true, 'one of the two is the police\'s');
  assert.equal(officer.Rutland!.value, 10, 'above the threshold');
  assert.equal(officer.Charnwood!.value, 0, 'zero is not a small number');
  assert.equal(officer.Partnership!.value, 17, 'the partnership total is not suppressed');
  const police = byName(await indicatorValues(db, await actorFor(db, 'police@endeavour.demo'), 'test-count', period));
  assert.equal(police.Blaby!.suppressed, true);
  assert.equal(police.Melton!.value, 2);
  assert.equal(police.Harborough!.suppressed, true);
  const board = byName(await indicatorValues(db, await actorFor(db, 'board@endeavour.demo'), 'test-count', period));
  assert.deepEqual(['Blaby', 'Melton', 'Harborough'].map((a) => board[a]!.suppressed), [true, true, true]);
  assert.equal(board.Rutland!.value, 10);
});

test('a single suppressed district takes the next smallest with it, or the total when there is none', async () => {
  const db = ctx.database.db;
  await addIncidents(2, 'police', 'Melton', '2015-03-15T12:00:00Z');
  await addIncidents(6, 'police', 'Blaby', '2015-03-15T12:00:00Z');
  await addIncidents(9, 'police', 'Rutland', '2015-03-15T12:00:00Z');
  const analyst = await actorFor(db, 'analyst@endeavour.demo');
  const march = byName(await indicatorValues(db, analyst, 'test-count', { from: '2015-03', to: '2015-03' }));
  assert.equal(march.Melton!.suppressed, true);
  assert.equal(march.Blaby!.suppressed, true, 'otherwise the total less the others would give Melton away');
  assert.equal(march.Rutland!.value, 9);
  assert.equal(march.Partnership!.value, 17);
  await addIncidents(2, 'police', 'Melton', '2015-05-15T12:00:00Z');
  const may = byName(await indicatorValues(db, analyst, 'test-count', { from: '2015-05', to: '2015-05' }));
  assert.equal(may.Melton!.suppressed, true);
  assert.equal(may.Partnership!.suppressed, true);
  assert.equal(may.Partnership!.value, null);
});

test('trends suppress a district\'s small months, never the partnership\'s; rates and percentages too', async () => {
  const db = ctx.database.db;
  const analyst = await actorFor(db, 'analyst@endeavour.demo');
  const period = { from: '2015-01', to: '2015-03' };
  const melton = await indicatorTrend(db, analyst, 'test-count', period, areas.Melton!);
  assert.deepEqual(melton.map((m) => [m.month, m.value, m.suppressed]), [['2015-01', null, true], ['2015-02', 0, false], ['2015-03', null, true]]);
  const total = await indicatorTrend(db, analyst, 'test-count', period);
  assert.deepEqual(total.map((m) => m.value), [17, 0, 17]);
  const rate = byName(await indicatorValues(db, analyst, 'test-rate', { from: '2015-01', to: '2015-01' }));
  // 2015 is before the 2021 census: its rates use the 2011 population.
  assert.equal(rate.Rutland!.value, (10 * 1000) / 37369);
  assert.equal(rate.Melton!.ratePer1000, null);
  assert.equal(rate.Melton!.suppressed, true);
  await addIncidents(6, 'police', 'Rutland', '2015-07-15T12:00:00Z', { hate: true });
  await addIncidents(14, 'police', 'Rutland', '2015-07-15T12:00:00Z');
  const share = byName(await indicatorValues(db, analyst, 'test-hate-share', { from: '2015-07', to: '2015-07' }));
  assert.equal(share.Rutland!.value, 30);
  assert.equal(share.Rutland!.numerator, 6);
  assert.equal(share.Rutland!.denominator, 20);
  assert.equal(share.Rutland!.ratePer1000, null);
  assert.equal(share.Blaby!.value, null, 'no incidents: no percentage');
});

test('a case counts in the district of the first incident it was opened from, and moves with it', async () => {
  const db = ctx.database.db;
  const at = '2016-02-10T12:00:00Z';
  const [first, second] = await db
    .insertInto('incidents')
    .values(['Blaby', 'Rutland'].map((area, i) => ({ partnership_id: ctx.demo.partnershipId, owner_organisation_id: orgs.charnwood, occurred_from: at, reported_at: `2016-02-1${i}T12:00:00Z`, how_reported: 'other' as const, category: 'personal' as const, description: 'x', area_id: areas[area]!, created_by: creators.charnwood, updated_at: at })))
    .returning('id')
    .execute();
  const kase = await db.insertInto('cases').values({ partnership_id: ctx.demo.partnershipId, owner_organisation_id: orgs.charnwood, title: 'Test case', created_by: creators.charnwood, updated_at: at, opened_at: new Date(at) }).returning('id').executeTakeFirstOrThrow();
  // Inserted in the opposite order to their added_at times: the earliest added counts.
  await sql`INSERT INTO case_incidents (case_id, incident_id, added_by, added_at) VALUES (${kase.id}, ${second!.id}, ${creators.charnwood}, '2016-02-11T12:00:00Z')`.execute(db);
  await sql`INSERT INTO case_incidents (case_id, incident_id, added_by, added_at) VALUES (${kase.id}, ${first!.id}, ${creators.charnwood}, '2016-02-10T12:00:00Z')`.execute(db);
  const period = { from: '2016-02', to: '2016-02' };
  const officer = await actorFor(db, 'officer@endeavour.demo');
  const opened = byName(await indicatorValues(db, officer, 'cases-opened', period));
  assert.equal(opened.Blaby!.value, 1, 'the earliest linked incident is in Blaby');
  assert.equal(opened.Rutland!.value, 0);
  const police = byName(await indicatorValues(db, await actorFor(db, 'police@endeavour.demo'), 'cases-opened', period));
  assert.equal(police.Blaby!.suppressed, true, "Charnwood's case, counted but not shown to the police");
  await db.updateTable('incidents').set({ area_id: areas.Melton! }).where('id', '=', first!.id).execute();
  assert.equal(byName(await indicatorValues(db, officer, 'cases-opened', period)).Melton!.value, 1);
  await db.deleteFrom('case_incidents').where('case_id', '=', kase.id).where('incident_id', '=', first!.id).execute();
  assert.equal(byName(await indicatorValues(db, officer, 'cases-opened', period)).Rutland!.value, 1, 'the first incident left the case');
  await db.updateTable('cases').set({ status: 'closed', closed_at: '2016-03-01T10:00:00Z' }).where('id', '=', kase.id).execute();
  assert.equal(byName(await indicatorValues(db, officer, 'cases-closed', { from: '2016-03', to: '2016-03' })).Rutland!.value, 1);
});

// What the case and task aggregates must hold, counted directly from the records as 0013 counted them:
// the district of a case is its first linked incident's; a task's, its incident's, else its case's.
async function aggregateDifferences(): Promise<{ cases: number; tasks: number }> {
  const db = ctx.database.db;
  const cases = await sql<{ n: number }>`
    WITH f AS (
      SELECT c.partnership_id, c.owner_organisation_id, c.case_type_id, c.opened_at, c.closed_at,
        (SELECT i.area_id FROM case_incidents ci JOIN incidents i ON i.id = ci.incident_id
          WHERE ci.case_id = c.id ORDER BY ci.added_at, i.reported_at, i.id LIMIT 1) AS area_id
      FROM cases c),
    e AS (
      SELECT partnership_id, month, area_id, case_type_id, owner_organisation_id, sum(o)::int AS opened, sum(cl)::int AS closed
      FROM (SELECT partnership_id, incident_month(opened_at) AS month, area_id, case_type_id, owner_organisation_id, 1 AS o, 0 AS cl FROM f
            UNION ALL
            SELECT partnership_id, incident_month(closed_at), area_id, case_type_id, owner_organisation_id, 0, 1 FROM f WHERE closed_at IS NOT NULL) x
      GROUP BY 1, 2, 3, 4, 5),
    a AS (SELECT partnership_id, month, area_id, case_type_id, owner_organisation_id, opened, closed FROM case_month_counts WHERE opened <> 0 OR closed <> 0)
    SELECT ((SELECT count(*) FROM (SELECT * FROM e EXCEPT SELECT * FROM a) d1) + (SELECT count(*) FROM (SELECT * FROM a EXCEPT SELECT * FROM e) d2))::int AS n`.execute(db);
  const tasks = await sql<{ n: number }>`
    WITH e AS (
      SELECT t.partnership_id, date_trunc('month', t.due_date)::date AS month,
        coalesce((SELECT i.area_id FROM incidents i WHERE i.id = t.incident_id),
          (SELECT i.area_id FROM case_incidents ci JOIN incidents i ON i.id = ci.incident_id
            WHERE ci.case_id = t.case_id ORDER BY ci.added_at, i.reported_at, i.id LIMIT 1)) AS area_id,
        t.owner_organisation_id, count(*)::int AS due,
        count(*) FILTER (WHERE t.status = 'done' AND (t.completed_at AT TIME ZONE 'Europe/London')::date > t.due_date)::int AS late,
        count(*) FILTER (WHERE t.status IN ('open', 'in_progress'))::int AS open
      FROM tasks t WHERE t.due_date IS NOT NULL AND t.status <> 'cancelled'
      GROUP BY 1, 2, 3, 4),
    a AS (SELECT partnership_id, month, area_id, owner_organisation_id, due, late, open FROM task_month_counts WHERE due <> 0 OR late <> 0 OR open <> 0)
    SELECT ((SELECT count(*) FROM (SELECT * FROM e EXCEPT SELECT * FROM a) d1) + (SELECT count(*) FROM (SELECT * FROM a EXCEPT SELECT * FROM e) d2))::int AS n`.execute(db);
  return { cases: cases.rows[0]!.n, tasks: tasks.rows[0]!.n };
}

test('the case and task aggregates follow every insert, update and delete, and equal a direct count', async () => {
  const db = ctx.database.db;
  const officer = await userId(ctx, 'officer@endeavour.demo');
  assert.deepEqual(await aggregateDifferences(), { cases: 0, tasks: 0 }, 'the backfill and the demo casework');
  const task = (fields: { case_id?: string; incident_id?: string; due_date: string | null; status?: 'open' | 'done' | 'cancelled'; completed_at?: string }) => ({
    partnership_id: ctx.demo.partnershipId,
    owner_organisation_id: orgs.charnwood,
    title: 'Test task',
    assigned_user_id: officer.id,
    created_by: officer.id,
    updated_at: '2017-05-01T12:00:00Z',
    ...fields,
  });
  // As the app role, through row-level security, as the cases and tasks services do.
  const made = await withUser(db, officer.id, async (tx) => {
    const [blaby, rutland] = await tx
      .insertInto('incidents')
      .values(['Blaby', 'Rutland'].map((area) => ({ partnership_id: ctx.demo.partnershipId, owner_organisation_id: orgs.charnwood, occurred_from: '2017-05-02T12:00:00Z', reported_at: '2017-05-02T12:00:00Z', how_reported: 'other' as const, category: 'personal' as const, description: 'x', area_id: areas[area]!, created_by: officer.id, updated_at: '2017-05-02T12:00:00Z' })))
      .returning('id')
      .execute();
    const kase = await tx.insertInto('cases').values({ partnership_id: ctx.demo.partnershipId, owner_organisation_id: orgs.charnwood, title: 'Aggregate case', created_by: officer.id, updated_at: '2017-05-03T12:00:00Z', opened_at: new Date('2017-05-03T12:00:00Z') }).returning('id').executeTakeFirstOrThrow();
    const tasks = await tx
      .insertInto('tasks')
      .values([
        task({ case_id: kase.id, due_date: '2017-05-20' }),
        task({ incident_id: rutland!.id, due_date: '2017-05-25', status: 'done', completed_at: '2017-05-30T09:00:00Z' }),
        task({ case_id: kase.id, due_date: '2017-06-02', status: 'done', completed_at: '2017-06-01T09:00:00Z' }),
        task({ case_id: kase.id, due_date: '2017-06-10', status: 'cancelled' }),
        task({ case_id: kase.id, due_date: null }),
      ])
      .returning('id')
      .execute();
    // The case gets its district after its tasks: they follow it.
    await sql`INSERT INTO case_incidents (case_id, incident_id, added_by, added_at) VALUES (${kase.id}, ${blaby!.id}, ${officer.id}, '2017-05-03T12:00:00Z')`.execute(tx);
    return { blaby: blaby!.id, rutland: rutland!.id, kase: kase.id, tasks: tasks.map((t) => t.id) };
  });
  assert.deepEqual(await aggregateDifferences(), { cases: 0, tasks: 0 });
  // Charnwood's officer: Charnwood holds every record counted, so nothing is withheld from them.
  const viewer = await actorFor(db, 'officer@endeavour.demo');
  const may = byName(await indicatorValues(db, viewer, 'tasks-overdue', { from: '2017-05', to: '2017-05' }));
  assert.equal(may.Blaby!.value, 100, 'the open task on the case, now in Blaby, is overdue');
  assert.equal(may.Rutland!.value, 100, 'the task on the Rutland incident was done late');
  assert.equal(byName(await indicatorValues(db, viewer, 'tasks-overdue', { from: '2017-06', to: '2017-06' })).Blaby!.value, 0, 'done on time; the cancelled one does not count');

  await withUser(db, officer.id, async (tx) => {
    await tx.updateTable('incidents').set({ area_id: areas.Melton! }).where('id', '=', made.blaby).execute();
    await tx.updateTable('cases').set({ status: 'closed', closed_at: new Date('2017-07-04T12:00:00Z') }).where('id', '=', made.kase).execute();
    await tx.updateTable('tasks').set({ due_date: '2017-04-28' }).where('id', '=', made.tasks[0]!).execute();
    await tx.updateTable('tasks').set({ status: 'cancelled' }).where('id', '=', made.tasks[2]!).execute();
    await tx.updateTable('tasks').set({ status: 'open' }).where('id', '=', made.tasks[3]!).execute();
    await tx.updateTable('tasks').set({ details: 'only words changed' }).where('id', '=', made.tasks[1]!).execute();
  });
  assert.deepEqual(await aggregateDifferences(), { cases: 0, tasks: 0 });
  const july = byName(await indicatorValues(db, viewer, 'cases-closed', { from: '2017-07', to: '2017-07' }));
  assert.equal(july.Melton!.value, 1, 'closed, in the district its incident moved to');

  // The operator removes records (the app role cannot delete cases or tasks).
  await db.deleteFrom('tasks').where('id', '=', made.tasks[1]!).execute();
  await db.deleteFrom('case_incidents').where('case_id', '=', made.kase).execute();
  assert.deepEqual(await aggregateDifferences(), { cases: 0, tasks: 0 });
  await db.deleteFrom('tasks').where('id', 'in', made.tasks).execute();
  await db.deleteFrom('cases').where('id', '=', made.kase).execute();
  assert.deepEqual(await aggregateDifferences(), { cases: 0, tasks: 0 });
  assert.equal(byName(await indicatorValues(db, viewer, 'cases-opened', { from: '2017-05', to: '2017-05' })).Partnership!.value, 0);

  // The operator's repair gives the same aggregates.
  const before = await sql<{ n: number }>`SELECT coalesce((SELECT sum(opened + closed) FROM case_month_counts), 0) + coalesce((SELECT sum(due + late + open) FROM task_month_counts), 0) AS n`.execute(db);
  await sql`SELECT indicator_aggregates_rebuild()`.execute(db);
  assert.deepEqual(await aggregateDifferences(), { cases: 0, tasks: 0 });
  const after = await sql<{ n: number }>`SELECT coalesce((SELECT sum(opened + closed) FROM case_month_counts), 0) + coalesce((SELECT sum(due + late + open) FROM task_month_counts), 0) AS n`.execute(db);
  assert.equal(Number(after.rows[0]!.n), Number(before.rows[0]!.n));
});

test('a task due this month counts as overdue only once its due date has passed', async () => {
  const db = ctx.database.db;
  const officer = await userId(ctx, 'officer@endeavour.demo');
  const today = (await sql<{ d: string }>`SELECT current_date::text AS d`.execute(db)).rows[0]!.d;
  const ids = await withUser(db, officer.id, (tx) =>
    tx
      .insertInto('tasks')
      .values([today, `${today.slice(0, 7)}-01`].map((due) => ({ partnership_id: ctx.demo.partnershipId, owner_organisation_id: orgs.charnwood, title: 'Due this month', assigned_user_id: officer.id, created_by: officer.id, updated_at: new Date(), due_date: due })))
      .returning('id')
      .execute(),
  );
  const analyst = await actorFor(db, 'analyst@endeavour.demo');
  const month = today.slice(0, 7);
  const trend = await indicatorTrend(db, analyst, 'tasks-overdue', { from: month, to: month });
  const counted = await sql<{ n: number; d: number }>`
    SELECT count(*) FILTER (WHERE status IN ('open', 'in_progress') AND due_date < current_date
      OR status = 'done' AND (completed_at AT TIME ZONE 'Europe/London')::date > due_date)::int AS n, count(*)::int AS d
    FROM tasks WHERE due_date >= date_trunc('month', current_date) AND due_date < date_trunc('month', current_date) + interval '1 month'
      AND status <> 'cancelled'`.execute(db);
  const { n, d } = counted.rows[0]!;
  assert.ok(d >= 2);
  assert.equal(trend[0]!.value, (n * 100) / d, 'the same share as counting the tasks directly');
  await db.deleteFrom('tasks').where('id', 'in', ids.map((r) => r.id)).execute();
});

test('the threshold is the partnership\'s to set: 0 shows everything', async () => {
  const page = await admin.get('/admin/indicators');
  const version = /name="version" value="(\d+)"/.exec(page.body)![1]!;
  const bad = await admin.post('/admin/indicators/settings', { threshold: 'five', version });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /There is a problem/);
  assert.match(bad.body, /Enter a whole number from 0 to 100/);
  assert.match(bad.body, /value="five"/);
  const ok = await admin.post('/admin/indicators/settings', { threshold: '0', version });
  assert.equal(ok.statusCode, 302);
  const stale = await admin.post('/admin/indicators/settings', { threshold: '3', version });
  assert.equal(stale.statusCode, 409);
  const analyst = await actorFor(ctx.database.db, 'analyst@endeavour.demo');
  const all = byName(await indicatorValues(ctx.database.db, analyst, 'test-count', { from: '2015-01', to: '2015-01' }));
  assert.equal(all.Melton!.value, 2);
  assert.equal(all.Melton!.suppressed, false);
  const audited = (await auditRows(ctx, { action: 'admin_update' })).filter((r) => r.record_type === 'indicator_settings');
  assert.equal(audited.at(-1)!.details.suppression_threshold, 0);
  const again = await admin.get('/admin/indicators');
  const v2 = /name="version" value="(\d+)"/.exec(again.body)![1]!;
  assert.equal((await admin.post('/admin/indicators/settings', { threshold: '4', version: v2 })).statusCode, 302);
});

test('every partnership starts with the seeds\' dashboard; unknown keys and bad periods are errors', async () => {
  const db = ctx.database.db;
  const analyst = await actorFor(db, 'analyst@endeavour.demo');
  const list = await listIndicators(db, analyst);
  for (const d of DEFAULT_INDICATORS) assert.ok(list.some((i) => i.key === d.key), d.key);
  const marac = list.find((i) => i.key === 'marac-repeat-rate')!;
  assert.deepEqual(marac.band, { low: 28, high: 40 });
  assert.equal(marac.unit, 'percentage');
  assert.ok(new Set(list.map((i) => i.priority)).size >= 5);
  await assert.rejects(indicatorValues(db, analyst, 'no-such-indicator', { from: '2015-01', to: '2015-01' }), IndicatorNotFoundError);
  await assert.rejects(indicatorValues(db, analyst, 'test-count', { from: '2015-13', to: '2015-01' }), PeriodError);
  await assert.rejects(indicatorValues(db, analyst, 'test-count', { from: '2015-02', to: '2015-01' }), PeriodError);
  await assert.rejects(indicatorValues(db, analyst, 'test-count', { from: '2000-01', to: '2015-01' }), PeriodError);
  const many = await withIndicators(db, analyst, async (s) => [await s.values('cases-opened', { from: '2015-01', to: '2015-12' }), await s.values('tasks-overdue', { from: '2015-01', to: '2015-12' }), await s.values('repeat-victims', { from: '2015-01', to: '2015-12' }), await s.values('case-review-applications', { from: '2015-01', to: '2015-12' })]);
  for (const values of many) assert.equal(values.length, 10);
});

test('the aggregate and the counting functions are out of the app role\'s reach; indicators and series stay in their partnership', async () => {
  const db = ctx.database.db;
  const officer = await userId(ctx, 'officer@endeavour.demo');
  await assert.rejects(withUser(db, officer.id, (tx) => sql`SELECT * FROM incident_month_counts`.execute(tx)), /permission denied/);
  for (const table of ['case_areas', 'case_month_counts', 'task_areas', 'task_month_counts']) {
    await assert.rejects(withUser(db, officer.id, (tx) => sql`SELECT * FROM ${sql.table(table)}`.execute(tx)), /permission denied/, table);
  }
  await assert.rejects(withUser(db, officer.id, (tx) => sql`SELECT indicator_aggregates_rebuild()`.execute(tx)), /permission denied/);
  await assert.rejects(withUser(db, officer.id, (tx) => sql`SELECT case_areas_refresh(ARRAY[]::uuid[])`.execute(tx)), /permission denied/);
  await assert.rejects(withUser(db, officer.id, (tx) => sql`SELECT task_areas_refresh(ARRAY[]::uuid[])`.execute(tx)), /permission denied/);
  await assert.rejects(withUser(db, officer.id, (tx) => sql`SELECT case_task_aggregates_rebuild()`.execute(tx)), /permission denied/);
  await assert.rejects(
    withUser(db, officer.id, (tx) => sql`SELECT * FROM indicator_values_for(${ctx.demo.partnershipId}::uuid, NULL, 'incidents', '{}'::jsonb, '2015-01-01', '2015-01-01', false, NULL)`.execute(tx)),
    /permission denied/,
  );
  await assert.rejects(
    withUser(db, officer.id, (tx) => sql`SELECT * FROM indicator_raw_counts(${ctx.demo.partnershipId}::uuid, NULL, 'incidents', '{}'::jsonb, '2015-01-01', '2015-01-01')`.execute(tx)),
    /permission denied/,
  );
  // Another partnership, with its own indicator and figures.
  const other = await db.insertInto('partnerships').values({ name: 'Elsewhere CSP', short_name: `E${crypto.randomBytes(3).toString('hex')}`, updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('indicators').values({ partnership_id: other.id, key: 'secret', name: 'Secret', outcome: 'x', priority: 'x', source: 'series', series_name: 'S', unit: 'count', polarity: 'neutral' }).execute();
  await db.insertInto('indicator_series_values').values({ partnership_id: other.id, series: 'S', source: 'csv', area_id: null, month: '2015-01-01', value: 7 }).execute();
  const seen = await withUser(db, officer.id, async (tx) => ({
    indicators: (await tx.selectFrom('indicators').select('key').execute()).map((r) => r.key),
    series: await tx.selectFrom('indicator_series_values').select('series').where('partnership_id', '=', other.id).execute(),
  }));
  assert.ok(!seen.indicators.includes('secret'));
  assert.ok(seen.indicators.includes('test-count'));
  assert.deepEqual(seen.series, []);
  await assert.rejects(
    withUser(db, officer.id, (tx) => tx.insertInto('indicators').values({ partnership_id: other.id, key: 'planted', name: 'x', outcome: 'x', priority: 'x', source: 'series', series_name: 'S', unit: 'count', polarity: 'neutral' }).execute()),
    /row-level security/,
  );
  // Through the app role, the counts come only for the acting user's own partnership.
  const mine = await withUser(db, officer.id, (tx) => sql<{ n: number }>`SELECT count(*)::int AS n FROM indicator_values('incidents', '{}'::jsonb, '2015-01-01', '2015-01-01', false, NULL)`.execute(tx));
  assert.equal(mine.rows[0]!.n, 10);
});

test('series figures: CSV checked line by line, re-importing replaces, percentages are the latest month, never suppressed', async () => {
  const db = ctx.database.db;
  const csv = [
    'series,area_code,month,value',
    'Survey: feel safe after dark,,2023-07,78.72',
    'Survey: feel safe after dark,,2023-09,70.61',
    'Survey: feel safe after dark,E07000133,2023-09,2',
    'First time entrants aged 10-17,E07000133,2023-06,2',
    'First time entrants aged 10-17,E07000130,2023-06,11',
  ].join('\n');
  const report = await db.transaction().execute((tx) => importSeriesCsv(tx, ctx.demo.partnershipId, csv, { importedBy: null }));
  assert.equal(report.rows, 5);
  const analyst = await actorFor(db, 'analyst@endeavour.demo');
  const safe = byName(await indicatorValues(db, analyst, 'survey-safe-after-dark', { from: '2023-04', to: '2023-09' }));
  assert.equal(safe.Partnership!.value, 70.61);
  assert.equal(safe.Melton!.value, 2);
  assert.equal(safe.Melton!.suppressed, false);
  assert.equal(safe.Blaby!.value, null);
  const fte = byName(await indicatorValues(db, analyst, 'first-time-entrants', { from: '2023-04', to: '2023-09' }));
  assert.equal(fte.Melton!.value, 2, 'imported statistics are never suppressed');
  assert.equal(fte.Partnership!.value, 13, 'a count series adds up its districts');
  await db.transaction().execute((tx) => importSeriesCsv(tx, ctx.demo.partnershipId, 'series,area_code,month,value\nFirst time entrants aged 10-17,E07000130,2023-06,12\n', { importedBy: null }));
  const again = byName(await indicatorValues(db, analyst, 'first-time-entrants', { from: '2023-04', to: '2023-09' }));
  assert.equal(again.Charnwood!.value, 12);
  assert.equal(again.Melton!.value, null, "the series' month was replaced as a whole");
  const bad = ['series,area_code,month,value', ',E07000133,2023-06,1', 'X,E09999999,2023-06,1', 'X,,June 2023,1', 'X,,2023-06,37%', 'X,,2023-07,1', 'X,,2023-07,2'].join('\n');
  await assert.rejects(
    db.transaction().execute((tx) => importSeriesCsv(tx, ctx.demo.partnershipId, bad, { importedBy: null })),
    (err: unknown) => {
      assert.ok(err instanceof SeriesFormatError);
      assert.deepEqual(err.problems.map((p) => p.line), [2, 3, 4, 5, 7]);
      assert.match(err.problems[1]!.message, /E09999999 is not the ONS code of one of the partnership's districts/);
      assert.match(err.problems[4]!.message, /repeats line 6/);
      return true;
    },
  );
  await assert.rejects(db.transaction().execute((tx) => importSeriesCsv(tx, ctx.demo.partnershipId, 'name,value\nx,1\n', { importedBy: null })), /must name the columns series,area_code,month,value/);
});

// --- the administrator's pages -------------------------------------------------------------------

function multipartUpload(b: Browser, csv: string, csrf: string | null = b.csrf) {
  return b.upload('/admin/indicators/series', {}, { filename: 'figures.csv', content: csv, type: 'text/csv' }, { csrf });
}

const validForm = {
  key: 'asb-hate-count',
  name: 'Hate-related ASB incidents',
  description: '',
  outcome: 'Continue to reduce anti-social behaviour',
  priority: 'Anti-social behaviour and satisfaction',
  source: 'records',
  measure: 'incidents',
  flag: 'hate',
  unit: 'count',
  polarity: 'up_is_good',
  sortOrder: '500',
  active: 'yes',
};

test('administrators add and change indicators; mistakes come back as GOV.UK errors with what was typed', async () => {
  const list = await admin.get('/admin/indicators');
  assert.equal(list.statusCode, 200);
  assert.match(list.body, /Repeat victimisation and vulnerable victims/);
  assert.match(list.body, /MARAC repeat referral rate/);
  await admin.get('/admin/indicators/new');
  const empty = await admin.post('/admin/indicators', {});
  assert.equal(empty.statusCode, 400);
  for (const m of ['Enter a key for the indicator', 'Enter the name of the indicator', 'Select where the figures come from', 'Select the unit']) assert.match(empty.body, new RegExp(m));
  const rules = await admin.post('/admin/indicators', { ...validForm, key: 'Bad Key!', unit: 'percentage', flag: '', caseTypeId: 'not-an-id', bandLow: '28' });
  assert.equal(rules.statusCode, 400);
  assert.match(rules.body, /The key must be up to 63 lowercase letters/);
  assert.match(rules.body, /Select a flag: a percentage of incidents is the share of them with that flag/);
  assert.match(rules.body, /Select a case type from the list/);
  assert.match(rules.body, /Enter both ends of the band, or neither/);
  assert.match(rules.body, /value="Hate-related ASB incidents"/);
  const wrongUnit = await admin.post('/admin/indicators', { ...validForm, measure: 'tasks_overdue', flag: '', unit: 'rate_per_1000' });
  assert.match(wrongUnit.body, /Tasks finished late or overdue can be shown as: a count or a percentage/);
  const seriesNoName = await admin.post('/admin/indicators', { ...validForm, source: 'series', seriesName: '' });
  assert.match(seriesNoName.body, /Enter the name of the series/);
  const created = await admin.post('/admin/indicators', validForm);
  assert.equal(created.statusCode, 302);
  const duplicate = await admin.post('/admin/indicators', validForm);
  assert.equal(duplicate.statusCode, 400);
  assert.match(duplicate.body, /already has an indicator with this key/);
  const row = await ctx.database.db.selectFrom('indicators').selectAll().where('key', '=', 'asb-hate-count').where('partnership_id', '=', ctx.demo.partnershipId).executeTakeFirstOrThrow();
  assert.deepEqual(row.filter, { flag: 'hate' });
  assert.equal((await auditRows(ctx, { action: 'admin_create', recordId: row.id })).length, 1);

  const edit = await admin.get(`/admin/indicators/${row.id}`);
  assert.equal(edit.statusCode, 200);
  const version = /name="version" value="(\d+)"/.exec(edit.body)![1]!;
  const saved = await admin.post(`/admin/indicators/${row.id}`, { ...validForm, key: 'ignored', name: 'Hate incidents', bandLow: '1', bandHigh: '5', version });
  assert.equal(saved.statusCode, 302);
  const after = await ctx.database.db.selectFrom('indicators').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
  assert.equal(after.key, 'asb-hate-count', 'the key never changes');
  assert.deepEqual([after.name, after.band_low, after.band_high, after.version], ['Hate incidents', 1, 5, 2]);
  const updates = await auditRows(ctx, { action: 'admin_update', recordId: row.id });
  assert.deepEqual(updates.at(-1)!.details.fields, ['name', 'band']);
  const stale = await admin.post(`/admin/indicators/${row.id}`, { ...validForm, name: 'Someone else', version });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /What is saved now/);
  assert.match(stale.body, /value="Someone else"/);
  assert.equal((await admin.get('/admin/indicators/00000000-0000-0000-0000-000000000000')).statusCode, 404);
  assert.equal((await admin.get('/admin/indicators/not-an-id')).statusCode, 404);
});

test('uploading series figures: problems listed by line and nothing imported; a good file imported and audited', async () => {
  const page = await admin.get('/admin/indicators/series');
  assert.equal(page.statusCode, 200, String(page.headers.location));
  assert.match(page.body, /series,area_code,month,value/);
  const none = await multipartUpload(admin, '');
  assert.equal(none.statusCode, 400);
  const bad = await multipartUpload(admin, 'series,area_code,month,value\nMARAC repeat referral rate,,2023-13,37\nMARAC repeat referral rate,E0,2023-09,x\n');
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Line 2: The month must be written as YYYY-MM/);
  assert.match(bad.body, /Line 3: E0 is not the ONS code/);
  assert.match(bad.body, /Line 3: The value must be a number/);
  assert.match(bad.body, /The file was not imported/);
  const good = await multipartUpload(admin, 'series,area_code,month,value\nMARAC repeat referral rate,,2023-09,37\n');
  assert.equal(good.statusCode, 302);
  const listed = await admin.get('/admin/indicators/series');
  assert.match(listed.body, /MARAC repeat referral rate/);
  assert.match(listed.body, /% of domestic abuse cases reviewed at MARAC that are repeats/);
  const audited = (await auditRows(ctx, { action: 'admin_update' })).filter((r) => r.record_type === 'indicator_series');
  assert.equal(audited.at(-1)!.details.filename, 'figures.csv');
  assert.equal((await multipartUpload(admin, 'series,area_code,month,value\nX,,2023-09,1\n', null)).statusCode, 403);
  const analyst = await actorFor(ctx.database.db, 'analyst@endeavour.demo');
  const marac = byName(await indicatorValues(ctx.database.db, analyst, 'marac-repeat-rate', { from: '2022-10', to: '2023-09' }));
  assert.equal(marac.Partnership!.value, 37);
});

test('people who are not partnership administrators cannot reach the indicator pages', async () => {
  const analyst = await signIn(ctx, 'analyst@endeavour.demo');
  for (const url of ['/admin/indicators', '/admin/indicators/new', '/admin/indicators/series']) assert.equal((await analyst.get(url)).statusCode, 403, url);
  assert.equal((await analyst.post('/admin/indicators', validForm)).statusCode, 403);
  assert.equal((await analyst.post('/admin/indicators/settings', { threshold: '0', version: '1' })).statusCode, 403);
  assert.equal((await multipartUpload(analyst, 'series,area_code,month,value\nX,,2023-09,1\n')).statusCode, 403);
});
