// Load test of the Safer Communities dashboard, from a second process: starts Endeavour as its own
// server process on the dataset bench/setup.ts made (2,000,000 incidents), signs an analyst in once
// per connection, then asks for the dashboard of a quarter over and over with autocannon, on
// 127.0.0.1 only, and prints the latencies as a Markdown table. Each page is the whole dashboard: every
// active indicator's figures for the quarter, the same quarter a year before, the rolling year and the
// year before it, by district and month, under the user's suppression rule, with its view audited;
// its charts are images the page links to (drawn when the browser asks for them), so after the page
// each run also fetches the charts of one indicator's section, as a browser would on scrolling to it,
// with the same cookie, and reports their latencies in rows of their own. Fails (exit code 1) on any
// non-2xx response, error or timeout; the p95 is reported against the target (BENCH_TARGET_MS), not
// enforced, as bench/load.ts does.
//
//   DEMO_PASSWORD=... DATABASE_URL=postgres://postgres@127.0.0.1:5432/endeavour_bench node bench/dashboard.ts
//
// BENCH_CONNECTIONS (comma-separated list, each a run: 1,5,20), BENCH_DURATION seconds per run (30),
// BENCH_WARMUP seconds (5), BENCH_USER (analyst@endeavour.demo), BENCH_QUARTERS (how many recent
// quarters to rotate through: 4), BENCH_SCENARIOS (quarters,months), BENCH_TARGET_MS (500),
// BENCH_CHARTS (how many of the page's chart images to fetch after it: 4, one indicator's two charts
// and the next's; 0 skips them), BENCH_OUT (also append the report to this file).
//
// Two scenarios: "quarters" asks for a few recent quarters over and over, as a board's members would
// (the dashboard keeps computed figures for a minute per organisation and period, so most requests
// are served from them); "months" rotates through 48 distinct months, more than that store holds, so
// every request computes every figure from the database: the cost without the store.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import autocannon, { type Client, type Request } from 'autocannon';
import { openDatabase } from '../src/platform/db/connect.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const HOST = '127.0.0.1';
const positive = (name: string, fallback: number) => {
  const v = process.env[name];
  const n = v ? Number(v) : fallback;
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not "${v}"`);
  return n;
};
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,5,20').split(',').map((s) => {
  const n = Number(s.trim());
  if (!Number.isInteger(n) || n <= 0) throw new Error(`BENCH_CONNECTIONS must list positive whole numbers, not "${s}"`);
  return n;
});
const DURATION = positive('BENCH_DURATION', 30);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);
const QUARTERS = positive('BENCH_QUARTERS', 4);
const TARGET_MS = positive('BENCH_TARGET_MS', 500);
const CHART_COUNT = Number(process.env.BENCH_CHARTS ?? 4);
if (!Number.isInteger(CHART_COUNT) || CHART_COUNT < 0) throw new Error(`BENCH_CHARTS must be a whole number, not "${process.env.BENCH_CHARTS}"`);
const USER = process.env.BENCH_USER ?? 'analyst@endeavour.demo';
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'quarters,months').split(',').map((s) => s.trim());
const PASSWORD = process.env.DEMO_PASSWORD;
const DATABASE_URL = process.env.DATABASE_URL || undefined;
const DATA_DIR = DATABASE_URL ? undefined : path.resolve(process.env.DATA_DIR ?? '/tmp/endeavour-bench-pglite');
const ENGINE = DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const DB_NAME = DATABASE_URL ? decodeURIComponent(new URL(DATABASE_URL).pathname.slice(1)) : null;

const log = (text: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${text}\n`);
function fail(message: string): never {
  log(`FAILED: ${message}`);
  if (server?.pid && server.exitCode === null) server.kill('SIGTERM');
  process.exit(1);
}
if (!PASSWORD) fail('set DEMO_PASSWORD to the password bench/setup.ts gave the demo users');

// --- the quarters asked for: the latest complete ones, as the dashboard's form writes them -------------

/** Distinct months, more than the figures cache holds, so every request computes its figures. */
function recentMonths(n: number): { name: string; path: string }[] {
  const now = new Date();
  const out: { name: string; path: string }[] = [];
  for (let i = 1; i <= n; i++) {
    const index = now.getUTCFullYear() * 12 + now.getUTCMonth() - i;
    const year = Math.floor(index / 12);
    const month = (index % 12) + 1;
    out.push({ name: `${year}-${String(month).padStart(2, '0')}`, path: `/dashboard?type=month&month-month=${month}&month-year=${year}` });
  }
  return out;
}

function recentQuarters(n: number): { name: string; path: string }[] {
  const out: { name: string; path: string }[] = [];
  const now = new Date();
  // The month three months ago lies in the latest complete financial quarter (Q1 is April to June).
  let index = now.getUTCFullYear() * 12 + now.getUTCMonth() - 3;
  for (let i = 0; i < n; i++, index -= 3) {
    const year = Math.floor(index / 12);
    const month = (index % 12) + 1;
    const fyStart = month >= 4 ? year : year - 1;
    const quarter = Math.floor(((month + 8) % 12) / 3) + 1;
    const fy = `${fyStart}/${String((fyStart + 1) % 100).padStart(2, '0')}`;
    out.push({ name: `${fy} Q${quarter}`, path: `/dashboard?type=quarter&year=${encodeURIComponent(fy)}&quarter=${quarter}` });
  }
  return out;
}

async function datasetCounts(): Promise<string> {
  const database = await openDatabase({ databaseUrl: DATABASE_URL, dataDir: DATA_DIR, poolSize: 1 });
  try {
    const r = await sql<{ what: string; n: number }>`
      SELECT 'incidents' AS what, count(*)::int AS n FROM incidents UNION ALL
      SELECT 'people', count(*)::int FROM people UNION ALL
      SELECT 'cases', count(*)::int FROM cases UNION ALL
      SELECT 'tasks', count(*)::int FROM tasks`.execute(database.db);
    return r.rows.map((x) => `${Number(x.n).toLocaleString('en-GB')} ${x.what}`).join(', ');
  } finally {
    await database.close();
  }
}

// --- the server, in its own process ------------------------------------------------------------------

let server: ChildProcess | null = null;
let stopping = false;
process.on('SIGINT', () => {
  if (server?.pid && server.exitCode === null) server.kill('SIGTERM');
  process.exit(130);
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, HOST, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function startServer(port: number): Promise<string> {
  server = spawn(process.execPath, [path.join(ROOT, 'src/server.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST,
      LOG_LEVEL: 'warn',
      ...(DATABASE_URL ? { DATABASE_URL, NODE_ENV: 'production' } : { DATA_DIR }),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  server.on('exit', (code, signal) => {
    if (!stopping) fail(`the server exited early (${signal ?? `code ${code}`})`);
  });
  const base = `http://${HOST}:${port}`;
  // The first start on a dataset applies pending migrations (0013 counts every incident once).
  const deadline = Date.now() + 20 * 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/health`)).ok) return base;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  fail('the server did not answer /health within 20 minutes');
}

async function stopServerAndWait() {
  stopping = true;
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server!.once('exit', resolve));
  server.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
}

/** One signed-in session's cookie header, through the real sign-in form. */
async function signIn(base: string): Promise<string> {
  const cookies = new Map<string, string>();
  const keep = (r: Response) => {
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      cookies.set(pair!.slice(0, i).trim(), pair!.slice(i + 1).trim());
    }
    return r;
  };
  const header = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const page = await keep(await fetch(`${base}/sign-in`, { redirect: 'manual' })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) fail('no CSRF token on the sign-in page');
  const r = keep(
    await fetch(`${base}/sign-in`, {
      method: 'POST',
      body: new URLSearchParams({ _csrf: csrf, email: USER, password: PASSWORD! }).toString(),
      headers: { cookie: header(), 'content-type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    }),
  );
  if (r.status !== 302 || r.headers.get('location') !== '/') fail(`signing in ${USER} gave ${r.status} ${r.headers.get('location') ?? ''} (wrong DEMO_PASSWORD, or a user who needs two-factor?)`);
  return header();
}

// --- measuring ------------------------------------------------------------------------------------

interface Row {
  scenario: string;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);

/**
 * Each connection asks for a page, then (chartPaths non-empty) those charts of the same period, one
 * after another as a browser scrolling to that section would, and round again. Latencies are kept
 * apart: the pages', and the charts'.
 */
async function drive(base: string, cookies: string[], paths: string[], chartPaths: string[], connections: number, seconds: number) {
  let next = 0;
  const pages: number[] = [];
  const charts: number[] = [];
  const non2xx = { pages: 0, charts: 0 };
  const instance = autocannon({
    url: base,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 30,
    requests: [
      {
        method: 'GET',
        setupRequest: (req, context) => {
          const i = next++;
          const path = paths[i % paths.length]!;
          context.cookie = cookies[i % cookies.length]!;
          context.query = path.slice(path.indexOf('?') + 1);
          return { ...req, path, headers: { cookie: String(context.cookie), accept: 'text/html' } };
        },
      },
      ...chartPaths.map((chart) => ({
        method: 'GET',
        setupRequest: (req: Request, context: Record<string, unknown>) => ({
          ...req,
          path: `${chart.slice(0, chart.indexOf('?'))}?${String(context.query)}`,
          headers: { cookie: String(context.cookie), accept: 'image/avif,image/webp,image/svg+xml,image/*,*/*;q=0.8' },
        }),
      })),
    ],
  });
  instance.on('response', (client: Client, status: number, _bytes: number, ms: number) => {
    const page = client.requestIterator.currentRequestIndex === 0;
    (page ? pages : charts).push(ms);
    if (status < 200 || status > 299) non2xx[page ? 'pages' : 'charts']++;
  });
  const guard = setTimeout(() => instance.stop(), (seconds + 90) * 1000);
  const result = await instance;
  clearTimeout(guard);
  return { result, pages, charts, non2xx };
}

const TICK_MS = 10;
function cpuTicks(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}
function machineTicks(): number {
  try {
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return user + nice + system + irq + softirq + steal;
  } catch {
    return 0;
  }
}
function cpuSnapshot() {
  const db = new Map<number, number>();
  if (DB_NAME && fs.existsSync('/proc')) {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        if (cmd.startsWith('postgres:') && cmd.includes(` ${DB_NAME} `)) db.set(Number(entry), cpuTicks(Number(entry)));
      } catch {
        // gone, or not ours to read
      }
    }
  }
  const self = process.cpuUsage();
  return { server: server?.pid ? cpuTicks(server.pid) : 0, db, selfMs: (self.user + self.system) / 1000, machine: machineTicks(), at: performance.now() };
}
function cpuSince(before: ReturnType<typeof cpuSnapshot>) {
  const after = cpuSnapshot();
  let db = 0;
  for (const [pid, t] of after.db) db += t - (before.db.get(pid) ?? 0);
  const serverMs = (after.server - before.server) * TICK_MS;
  const dbMs = db * TICK_MS;
  const loadMs = after.selfMs - before.selfMs;
  const machineMs = (after.machine - before.machine) * TICK_MS;
  return { serverMs, dbMs, loadMs, otherCpus: Math.max(0, machineMs - serverMs - dbMs - loadMs) / (after.at - before.at) };
}

const fmt = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(ms < 10 ? 1 : 0) : '–');
function table(rows: Row[]) {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const head = ['Scenario', 'Requests', 'Req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors'];
  return [
    line(head),
    line(['---', ...head.slice(1).map(() => '---:')]),
    ...rows.map((r) => line([r.scenario, r.requests.toLocaleString('en-GB'), r.rps.toFixed(1), fmt(r.p50), fmt(r.p95), fmt(r.p99), fmt(r.max), String(r.non2xx), String(r.errors)])),
  ].join('\n');
}

/** The page's chart images, in page order, as paths to ask for. */
function chartSrcs(body: string): string[] {
  return [...body.matchAll(/<img class="app-chart__img" src="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
}

/** Fetches each chart in turn, as one browser does: each must be an SVG image. Returns each one's milliseconds. */
async function fetchCharts(base: string, cookie: string, paths: string[]): Promise<number[]> {
  const times: number[] = [];
  for (const p of paths) {
    const t = performance.now();
    const r = await fetch(base + p, { headers: { cookie, accept: 'image/avif,image/webp,image/svg+xml,image/*,*/*;q=0.8' }, redirect: 'manual' });
    const svg = await r.text();
    times.push(performance.now() - t);
    if (r.status !== 200 || !r.headers.get('content-type')?.startsWith('image/svg+xml') || !svg.startsWith('<svg ')) fail(`${p} gave ${r.status} ${r.headers.get('content-type') ?? ''}, not an SVG image`);
  }
  return times;
}

// --- the run ----------------------------------------------------------------------------------------

const runStarted = new Date();
const quarters = recentQuarters(QUARTERS);
const port = await freePort();
log(`Engine ${ENGINE}; starting the server on ${HOST}:${port}`);
const startedAt = Date.now();
const base = await startServer(port);
log(`Server ready in ${Math.round((Date.now() - startedAt) / 1000)} s`);
const dataset = await datasetCounts();
log(`Dataset: ${dataset}`);
const most = Math.max(...CONNECTIONS);
const cookies: string[] = [];
for (let i = 0; i < most; i++) cookies.push(await signIn(base));

// Each quarter once, alone: it must be the dashboard (not an error), and its first, cold, time is reported.
const cold: string[] = [];
let firstBody = '';
for (const q of quarters) {
  const t = performance.now();
  const r = await fetch(base + q.path, { headers: { cookie: cookies[0]! }, redirect: 'manual' });
  const body = await r.text();
  const ms = performance.now() - t;
  if (r.status !== 200) fail(`${q.path} gave ${r.status}`);
  if (!body.includes('data-qa="period-heading"')) fail(`${q.path} did not show a period's dashboard`);
  const indicators = (body.match(/data-qa="indicator-/g) ?? []).length;
  firstBody ||= body;
  const srcs = chartSrcs(body);
  if (!srcs.length) fail(`${q.path} showed no chart images`);
  const charts = await fetchCharts(base, cookies[0]!, srcs.slice(0, CHART_COUNT));
  cold.push(
    `${q.name}: first request ${fmt(ms)} ms (${indicators} indicators, ${srcs.length} chart images, ${Math.round(body.length / 1024)} KB)` +
      (charts.length ? `; then its first ${charts.length} charts, one after another, ${charts.map(fmt).join(', ')} ms` : ''),
  );
  log(cold.at(-1)!);
}

const scenarios: { name: string; paths: string[] }[] = [];
if (SCENARIOS.includes('quarters')) scenarios.push({ name: `${quarters.length} recent quarters, repeated`, paths: quarters.map((q) => q.path) });
if (SCENARIOS.includes('months')) scenarios.push({ name: '48 distinct months (every request computes)', paths: recentMonths(48).map((m) => m.path) });
const rows: Row[] = [];
const notes: string[] = [];
let failed = false;
// One indicator section's charts (its own and the next's, by default): the same for every period, as
// the page links to them, with each request's period put in.
const chartPaths = CHART_COUNT ? chartSrcs(firstBody).slice(0, CHART_COUNT) : [];
const rowOf = (label: string, latencies: number[], duration: number, non2xx: number, errors: number): Row => {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    scenario: label,
    requests: sorted.length,
    rps: sorted.length / duration,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
    non2xx,
    errors,
  };
};
for (const scenario of scenarios) {
  for (const connections of CONNECTIONS) {
    if (WARMUP > 0) await drive(base, cookies, scenario.paths, chartPaths, connections, WARMUP);
    const loadBefore = os.loadavg()[0]!;
    const label = `${scenario.name}, ${connections} connection(s)`;
    log(`${label} for ${DURATION} s (load average before ${loadBefore.toFixed(2)})`);
    const cpu = cpuSnapshot();
    const { result, pages, charts, non2xx } = await drive(base, cookies, scenario.paths, chartPaths, connections, DURATION);
    const used = cpuSince(cpu);
    const errors = result.errors + result.timeouts;
    const row = rowOf(label, pages, result.duration, non2xx.pages, errors);
    rows.push(row);
    const chartRow = chartPaths.length ? rowOf(`${label}: its ${chartPaths.length} charts after each page`, charts, result.duration, non2xx.charts, errors) : null;
    if (chartRow) rows.push(chartRow);
    const all = pages.length + charts.length;
    const per = (ms: number) => (all ? (ms / all).toFixed(1) : '–');
    notes.push(
      `${label}: CPU per request (pages and charts together) ${per(used.serverMs)} ms in the server process` +
        (DB_NAME ? ` + ${per(used.dbMs)} ms in PostgreSQL` : ' (PGlite runs inside it)') +
        `, ${per(used.loadMs)} ms in the load generator; other processes used ${used.otherCpus.toFixed(2)} CPUs meanwhile (1-minute load average ${loadBefore.toFixed(2)} before, ${os.loadavg()[0]!.toFixed(2)} after)` +
        (chartRow ? `; errors and timeouts are the run's, pages and charts together` : ''),
    );
    if (row.non2xx > 0 || (chartRow?.non2xx ?? 0) > 0 || errors > 0) failed = true;
    log(`${label}: p50 ${fmt(row.p50)} ms, p95 ${fmt(row.p95)} ms, ${row.rps.toFixed(1)} req/s, non-2xx ${row.non2xx}, errors ${errors}`);
    if (chartRow) log(`${chartRow.scenario}: p50 ${fmt(chartRow.p50)} ms, p95 ${fmt(chartRow.p95)} ms, non-2xx ${chartRow.non2xx}`);
  }
}
await stopServerAndWait();

const report = [
  `### Dashboard, ${ENGINE}: ${CONNECTIONS.join(', ')} concurrent connection(s), no think time, ${DURATION} s per run (${runStarted.toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
  '',
  `Dataset: ${dataset}. Signed in as ${USER}. Quarters in rotation: ${quarters.map((q) => q.name).join(', ')}. ${os.cpus().length} CPUs, ${Math.round(os.totalmem() / 2 ** 30)} GiB. Target: p95 under ${TARGET_MS} ms.`,
  '',
  table(rows),
  '',
  ...cold.map((c) => `- ${c}`),
  ...notes.map((n) => `- ${n}`),
  '',
].join('\n');
process.stdout.write(`${report}\n`);
if (process.env.BENCH_OUT) fs.appendFileSync(process.env.BENCH_OUT, `${report}\n`);
if (failed) fail('some responses were not 2xx, or requests errored or timed out');
