// Where a dashboard's time goes, in-process, on the benchmark dataset: times each database call the
// indicators API makes for one period (as the signed-in user, through withUser and the app role, as
// the page does), the whole computation afresh, and drawing its charts. With BENCH_EXPLAIN=1 it also
// prints the plans of the statements inside the counting functions that took longer than
// BENCH_EXPLAIN_MS (auto_explain, nested statements; PostgreSQL only).
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/endeavour_bench node bench/dashboard-profile.ts [YEAR QUARTER]
//
// BENCH_USER (analyst@endeavour.demo), BENCH_RUNS (3: computations afresh, after one warm-up).
import { sql } from 'kysely';
import { openDatabase } from '../src/platform/db/connect.ts';
import { withUser } from '../src/platform/db/with-user.ts';
import { actorFor } from '../src/modules/indicators/test-support.ts';
import { listIndicators } from '../src/modules/indicators/api.ts';
import { recordFigures, seriesFigures } from '../src/modules/indicators/repository.ts';
import { comparisonsFor, computeDashboard } from '../src/modules/dashboard/service.ts';
import { panelChartSpecs } from '../src/modules/dashboard/charts.ts';
import { barChart, lineChart } from '../src/platform/charts/charts.ts';
import { quarterPeriod } from '../src/modules/dashboard/period.ts';

const DATABASE_URL = process.env.DATABASE_URL;
if (!DATABASE_URL) throw new Error('set DATABASE_URL');
const USER = process.env.BENCH_USER ?? 'analyst@endeavour.demo';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const EXPLAIN = process.env.BENCH_EXPLAIN === '1';
const EXPLAIN_MS = Number(process.env.BENCH_EXPLAIN_MS ?? 20);

const database = await openDatabase({ databaseUrl: DATABASE_URL, poolSize: 2 });
const db = database.db;
const actor = await actorFor(db, USER);
// The quarter asked for (financial year's start and quarter: 2026 2), else the latest complete one.
const [yearArg, quarterArg] = process.argv.slice(2).map(Number);
const latest = (() => {
  const now = new Date();
  const index = now.getUTCFullYear() * 12 + now.getUTCMonth() - 3; // April = 3: financial quarters
  const fy = Math.floor(index / 12);
  const q = Math.floor((index % 12) / 3); // the quarter under way; the one before is the latest complete
  return q === 0 ? { year: fy - 1, quarter: 4 } : { year: fy, quarter: q };
})();
const c = comparisonsFor(quarterPeriod(yearArg || latest.year, ((quarterArg || latest.quarter) as 1 | 2 | 3 | 4)));
const ms = (t: number) => `${(performance.now() - t).toFixed(1)} ms`;
process.stdout.write(`Period ${c.period.from}..${c.period.to}; rolling ${c.rolling.from}..${c.rolling.to}; trend ${c.trend.from}..${c.trend.to}; as ${USER}\n\n`);

const indicators = await listIndicators(db, actor);
const ranges = [
  ['period', c.period, false],
  ['rolling year', c.rolling, false],
  ['24-month trend', c.trend, true],
] as const;
process.stdout.write('| indicator | source | call | ms |\n|---|---|---|---:|\n');
for (const indicator of indicators) {
  for (const [name, range, byMonth] of ranges) {
    await withUser(db, actor.userId, async (tx) => {
      if (EXPLAIN && indicator.source === 'records') {
        await sql`SELECT set_config('role', 'postgres', true)`.execute(tx);
        await sql`LOAD 'auto_explain'`.execute(tx);
        await sql`SELECT set_config('auto_explain.log_min_duration', ${String(EXPLAIN_MS)}, true), set_config('auto_explain.log_analyze', 'on', true),
          set_config('auto_explain.log_nested_statements', 'on', true), set_config('auto_explain.log_level', 'notice', true),
          set_config('role', 'endeavour_app', true)`.execute(tx);
      }
      const t = performance.now();
      if (indicator.source === 'records') await recordFigures(tx, 'acting user', indicator.measure!, indicator.filter, range.from, range.to, byMonth, null);
      else await seriesFigures(tx, actor.partnershipId, indicator.seriesName!, range.from, range.to);
      process.stdout.write(`| ${indicator.key} | ${indicator.measure ?? 'series'} | ${name} | ${ms(t)} |\n`);
    });
  }
}

process.stdout.write('\n| whole dashboard afresh | ms |\n|---|---:|\n');
for (let i = 0; i <= RUNS; i++) {
  const t = performance.now();
  const d = (await computeDashboard(db, actor, c.period, undefined, { fresh: true }))!;
  const computed = performance.now() - t;
  const t2 = performance.now();
  for (const g of d.groups) {
    for (const p of g.indicators) {
      const specs = panelChartSpecs(p, c, `run${i}`);
      barChart(specs.districts);
      lineChart(specs.months);
    }
  }
  process.stdout.write(`| ${i === 0 ? 'warm-up' : `run ${i}`}: figures | ${computed.toFixed(1)} |\n| ${i === 0 ? 'warm-up' : `run ${i}`}: charts (new ids, so drawn) | ${(performance.now() - t2).toFixed(1)} |\n`);
}
await database.close();
