// Report builder latency over the benchmark dataset (2,000,000 incidents), from a second process as
// bench/load.ts measures: starts Endeavour as its own server process, signs a user in, then asks for
// each report in turn (the whole page, or the download), BENCH_RUNS times each after one warm-up
// request, and prints the latencies as a Markdown table. The target (issue 6) is every report under
// 1 s on PostgreSQL. The hotspot map's page and data are measured too (no target). Fails (exit code
// 1) if any response is not a 200.
//
//   DEMO_PASSWORD=... DATABASE_URL=postgres://postgres@127.0.0.1:5432/endeavour_bench node bench/report-builder.ts
//
// BENCH_USER (officer@endeavour.demo: Charnwood Borough Council, which holds a third of the incidents,
// the most any demo user can see), BENCH_RUNS (10), BENCH_CONCURRENCY (1: one report at a time; more
// sends that many copies of each request at once), BENCH_OUT (also append the report to this file).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const HOST = '127.0.0.1';
const USER = process.env.BENCH_USER ?? 'officer@endeavour.demo';
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 1);
const PASSWORD = process.env.DEMO_PASSWORD;
const DATABASE_URL = process.env.DATABASE_URL || undefined;
const DATA_DIR = DATABASE_URL ? undefined : path.resolve(process.env.DATA_DIR ?? '/tmp/endeavour-bench-pglite');
const TARGET_MS = 1000;

const log = (text: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${text}\n`);
let server: ChildProcess | null = null;
let stopping = false;
function fail(message: string): never {
  log(`FAILED: ${message}`);
  if (server?.exitCode === null) server.kill('SIGTERM');
  process.exit(1);
}
if (!PASSWORD) fail('set DEMO_PASSWORD to the password bench/setup.ts gave the demo users');
if (!Number.isInteger(RUNS) || RUNS < 1 || !Number.isInteger(CONCURRENCY) || CONCURRENCY < 1) fail('BENCH_RUNS and BENCH_CONCURRENCY must be whole numbers above 0');

// --- what is asked for: reports an analyst builds, from the cheapest to the heaviest ---------------

const today = new Date();
const ymd = (d: Date) => [d.getUTCDate(), d.getUTCMonth() + 1, d.getUTCFullYear()];
const lastYear = (() => {
  const from = ymd(new Date(Date.UTC(today.getUTCFullYear() - 1, today.getUTCMonth(), today.getUTCDate() + 1)));
  const to = ymd(today);
  return `from-day=${from[0]}&from-month=${from[1]}&from-year=${from[2]}&to-day=${to[0]}&to-month=${to[1]}&to-year=${to[2]}`;
})();
const lastQuarter = (() => {
  const from = ymd(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 3, 1)));
  const to = ymd(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 0)));
  return `from-day=${from[0]}&from-month=${from[1]}&from-year=${from[2]}&to-day=${to[0]}&to-month=${to[1]}&to-year=${to[2]}`;
})();

const REPORTS: { name: string; path: string }[] = [
  { name: 'Incidents by district, all time', path: '/reports/builder?record=incidents&group=area&measure=count' },
  { name: 'Incidents by month and category, all time', path: '/reports/builder?record=incidents&group=month&group2=category&measure=count' },
  { name: 'Incidents by month and district, last 12 months', path: `/reports/builder?record=incidents&${lastYear}&group=month&group2=area&measure=count` },
  { name: 'Hate incidents by type, last 12 months', path: `/reports/builder?record=incidents&${lastYear}&flag=hate&group=type&measure=count` },
  { name: 'Incidents by hour and day of the week, last quarter', path: `/reports/builder?record=incidents&${lastQuarter}&group=hour&group2=weekday&measure=count` },
  { name: 'Incidents by source agency and status, all time', path: '/reports/builder?record=incidents&group=source&group2=status&measure=count' },
  { name: 'Problems (counted once) by district, all time', path: '/reports/builder?record=incidents&group=area&measure=problems' },
  { name: 'People by role, different people, last 12 months', path: `/reports/builder?record=people&${lastYear}&group=role&measure=people` },
  { name: 'Victims by district, different people, last 12 months', path: `/reports/builder?record=people&${lastYear}&role=victim&group=area&measure=people` },
  { name: 'People by role and month, times involved, last 12 months', path: `/reports/builder?record=people&${lastYear}&group=month&group2=role&measure=count` },
  { name: 'People by role, different people, all time', path: '/reports/builder?record=people&group=role&measure=people' },
  { name: 'Cases by status and priority', path: '/reports/builder?record=cases&group=status&group2=priority&measure=count' },
  { name: 'Tasks by officer, overdue only', path: '/reports/builder?record=tasks&flag=overdue&group=officer&measure=count' },
  { name: 'CSV: incidents by month and district, all time', path: '/reports/builder.csv?record=incidents&group=month&group2=area&measure=count' },
  { name: 'XLSX: incidents by month and district, all time', path: '/reports/builder.xlsx?record=incidents&group=month&group2=area&measure=count' },
  { name: 'Map page (places and areas tables), all time', path: '/maps' },
  { name: 'Map data (density, repeat locations), all time', path: '/api/maps/incidents' },
  { name: 'Map data (points, density), last quarter, one type', path: `/api/maps/incidents?${lastQuarter}&category=personal` },
];

// --- the server, in its own process (as bench/load.ts) ---------------------------------------------

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
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), HOST, LOG_LEVEL: 'warn', ...(DATABASE_URL ? { DATABASE_URL, NODE_ENV: 'production' } : { DATA_DIR }) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  server.on('exit', (code, signal) => {
    if (!stopping) fail(`the server exited early (${signal ?? `code ${code}`})`);
  });
  const base = `http://${HOST}:${port}`;
  const deadline = Date.now() + 30 * 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/health`)).ok) return base;
    } catch {
      // not listening yet (migrations may take minutes on a large database)
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  fail('the server did not answer /health within 30 minutes');
}

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
  const page = await (keep(await fetch(`${base}/sign-in`, { redirect: 'manual' }))).text();
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
  if (r.status !== 302 || r.headers.get('location') !== '/') fail(`signing in ${USER} gave ${r.status} ${r.headers.get('location') ?? ''}`);
  return header();
}

// --- measuring ------------------------------------------------------------------------------------

async function timed(base: string, cookie: string, p: string): Promise<{ ms: number; bytes: number; groups: number | null }> {
  const started = performance.now();
  const r = await fetch(base + p, { headers: { cookie }, redirect: 'manual' });
  const body = Buffer.from(await r.arrayBuffer());
  const ms = performance.now() - started;
  if (r.status !== 200) fail(`${p} gave ${r.status}`);
  const text = p.includes('.xlsx') ? '' : body.toString('utf8');
  if (p.startsWith('/api/')) {
    const data = JSON.parse(text) as { hexagons: Record<string, unknown[]> };
    return { ms, bytes: body.length, groups: data.hexagons['7']?.length ?? 0 };
  }
  if (p.startsWith('/maps')) {
    if (!/data-qa="districts-table"/.test(text)) fail(`${p} did not return the map page`);
    return { ms, bytes: body.length, groups: null };
  }
  const groups = p.includes('.csv') ? text.split('\r\n').length - 3 : p.includes('.xlsx') ? null : (text.match(/<tr class="govuk-table__row">/g)?.length ?? 1) - 2;
  if (!p.includes('.') && !/data-qa="report-table"/.test(text)) fail(`${p} did not return a report`);
  return { ms, bytes: body.length, groups };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const fmt = (ms: number) => ms.toFixed(ms < 10 ? 1 : 0);

const runStarted = new Date();
const port = await freePort();
log(`Starting the server on ${HOST}:${port} (${DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`);
const base = await startServer(port);
const cookies: string[] = [];
for (let i = 0; i < CONCURRENCY; i++) cookies.push(await signIn(base));
log(`Signed in ${CONCURRENCY} session(s) as ${USER}; ${REPORTS.length} reports, ${RUNS} runs each`);

const rows: string[] = [];
let worstP95 = 0;
for (const report of REPORTS) {
  await timed(base, cookies[0]!, report.path); // warm-up: plans cached, pages in memory
  const times: number[] = [];
  let last = { ms: 0, bytes: 0, groups: null as number | null };
  for (let i = 0; i < RUNS; i++) {
    const batch = await Promise.all(cookies.map((c) => timed(base, c, report.path)));
    for (const b of batch) times.push(b.ms);
    last = batch[0]!;
  }
  times.sort((a, b) => a - b);
  const p95 = pct(times, 95);
  const targeted = !report.path.startsWith('/maps') && !report.path.startsWith('/api/maps');
  if (targeted) worstP95 = Math.max(worstP95, p95);
  log(`${report.name}: p50 ${fmt(pct(times, 50))} ms, p95 ${fmt(p95)} ms`);
  rows.push(`| ${report.name} | ${last.groups ?? '–'} | ${Math.round(last.bytes / 1024)} KB | ${fmt(pct(times, 50))} | ${fmt(p95)} | ${fmt(times[times.length - 1]!)} | ${!targeted ? '(no target)' : p95 < TARGET_MS ? 'yes' : '**no**'} |`);
}
stopping = true;
const running = server as ChildProcess | null;
if (running && running.exitCode === null) {
  const exited = new Promise((resolve) => running.once('exit', resolve));
  running.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
}

const report = [
  `### Report builder, ${DATABASE_URL ? 'PostgreSQL' : 'PGlite'}: ${RUNS} runs of each report${CONCURRENCY > 1 ? `, ${CONCURRENCY} at a time` : ', one at a time'} (${runStarted.toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
  '',
  `Signed in as ${USER}. ${os.cpus().length} CPUs, ${Math.round(os.totalmem() / 2 ** 30)} GiB, 1-minute load average ${os.loadavg()[0]!.toFixed(2)} at the end.`,
  '',
  '| Report | Groups (hexagons for map data) | Size | p50 ms | p95 ms | max ms | under 1 s |',
  '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ...rows,
  '',
].join('\n');
process.stdout.write(`${report}\n`);
if (process.env.BENCH_OUT) fs.appendFileSync(process.env.BENCH_OUT, `${report}\n`);
log(worstP95 < TARGET_MS ? 'Every report under 1 s at p95' : `Slowest p95 ${fmt(worstP95)} ms: over the 1 s target`);
