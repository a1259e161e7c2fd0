// Load test of the daily review queue (GET /review) at scale, from a second process, like
// bench/load.ts: makes sure the coordinator has BENCH_PENDING (500) incidents waiting for review
// (recording the missing ones through the app role, so the queue's trigger and policies apply as in
// use), starts Endeavour as its own server process, signs the coordinator in (one session per
// connection) and drives the queue, unfiltered and filtered, with autocannon. Prints the latencies as
// a Markdown table; fails (exit code 1) on any non-2xx response, error or timeout.
//
//   DEMO_PASSWORD=... DATABASE_URL=postgres://postgres:...@127.0.0.1:5432/endeavour_bench node bench/review-queue.ts
//
// BENCH_CONNECTIONS (20), BENCH_DURATION seconds per scenario (30), BENCH_WARMUP seconds (5),
// BENCH_USER (coordinator@endeavour.demo), BENCH_PENDING (500), BENCH_SCENARIOS (queue,filtered; also
// baseline), BENCH_OUT (also write the report to this file).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import autocannon, { type Client } from 'autocannon';
import { openDatabase } from '../src/platform/db/connect.ts';
import { withUser } from '../src/platform/db/with-user.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const HOST = '127.0.0.1';
const num = (name: string, fallback: number) => {
  const v = process.env[name];
  const n = v ? Number(v) : fallback;
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not "${v}"`);
  return n;
};
const CONNECTIONS = num('BENCH_CONNECTIONS', 20);
const DURATION = num('BENCH_DURATION', 30);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);
const USER = process.env.BENCH_USER ?? 'coordinator@endeavour.demo';
const PENDING = num('BENCH_PENDING', 500);
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'queue,filtered').split(',').map((s) => s.trim());
const PASSWORD = process.env.DEMO_PASSWORD;
const DATABASE_URL = process.env.DATABASE_URL || undefined;
const DATA_DIR = DATABASE_URL
  ? undefined
  : path.resolve(process.env.DATA_DIR ?? '/tmp/endeavour-bench-pglite');
const ENGINE = DATABASE_URL ? 'PostgreSQL' : 'PGlite';

const log = (text: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${text}\n`);
function fail(message: string): never {
  log(`FAILED: ${message}`);
  stopServer();
  process.exit(1);
}
if (!PASSWORD) fail('set DEMO_PASSWORD to the password bench/setup.ts gave the demo users');

// --- what to ask for: records the benchmark user can see, found before the server starts -----------

interface Fixtures {
  userId: string;
  counts: Record<string, number>;
}

const SOURCES = ['police_import', 'council_phone', 'partner_referral'] as const;

/**
 * As the benchmark user (row-level security applies): counts what the queue stands on and records
 * incidents until BENCH_PENDING wait for review; every fifth is a hate incident, every seventh domestic,
 * so the queue has an order to keep.
 */
async function findFixtures(): Promise<Fixtures> {
  const database = await openDatabase({ databaseUrl: DATABASE_URL, dataDir: DATA_DIR, poolSize: 2 });
  try {
    const { db } = database;
    const user = await db
      .selectFrom('users as u')
      .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
      .select(['u.id', 'u.organisation_id', 'o.partnership_id'])
      .where('u.email', '=', USER)
      .executeTakeFirst();
    if (!user) fail(`no user ${USER}: run bench/setup.ts first`);
    return await withUser(db, user.id, async (tx) => {
      let pending = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM review_items`.execute(tx)).rows[0]!.n);
      if (pending > PENDING) {
        // The generated history leaves more waiting than a morning's review: the least pressing are
        // decided (no further action), as the coordinator, so that exactly BENCH_PENDING wait.
        log(`Deciding ${pending - PENDING} of ${pending} waiting items (no further action) to leave ${PENDING}`);
        await sql`
          INSERT INTO review_decisions (partnership_id, owner_organisation_id, incident_id, outcome, nfa_reason, note,
            priority_at_decision, reasons_at_decision, decided_by)
          SELECT r.partnership_id, ${user.organisation_id}, r.incident_id, 'no_further_action', 'no_risk',
            'Benchmark: cleared so that BENCH_PENDING wait', r.priority, r.reasons, ${user.id}
          FROM review_items r ORDER BY r.priority, r.reported_at, r.incident_id LIMIT ${pending - PENDING}`.execute(tx);
        pending = PENDING;
      }
      if (pending < PENDING) log(`Recording ${PENDING - pending} incidents to make ${PENDING} pending`);
      for (let i = pending; i < PENDING; i++) {
        const at = new Date(Date.now() - (i % 48) * 1_800_000);
        await tx
          .insertInto('incidents')
          .values({
            partnership_id: user.partnership_id,
            owner_organisation_id: user.organisation_id,
            occurred_from: at,
            reported_at: at,
            how_reported: SOURCES[i % SOURCES.length]!,
            category: i % 3 === 0 ? 'personal' : 'nuisance',
            description: 'Benchmark: noise and shouting from the flat above late at night',
            hate: i % 5 === 0,
            domestic: i % 7 === 0,
            created_by: user.id,
          })
          .execute();
      }
      const counts: Record<string, number> = Object.fromEntries(
        (
          await sql<{ what: string; n: number }>`
          SELECT 'incidents the coordinator can see' AS what, count(*)::int AS n FROM incidents UNION ALL
          SELECT 'pending for the coordinator', count(*)::int FROM review_items`.execute(tx)
        ).rows.map((r) => [r.what, Number(r.n)]),
      );
      return { userId: user.id, counts };
    }).then(async (found) => {
      // The whole table, as its owner: what the queue has to stay fast beside.
      const all = await sql<{ n: number }>`SELECT count(*)::int AS n FROM incidents`.execute(db);
      return { ...found, counts: { 'incidents in the database': Number(all.rows[0]!.n), ...found.counts } };
    });
  } finally {
    await database.close();
  }
}


// --- the server, in its own process ------------------------------------------------------------------

let server: ChildProcess | null = null;
let stopping = false;

function stopServer() {
  if (server && server.exitCode === null && server.pid) server.kill('SIGTERM');
}
process.on('SIGINT', () => {
  stopServer();
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
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    HOST,
    LOG_LEVEL: 'warn',
    // The embedded database is refused in production, so PGlite runs with the default environment.
    ...(DATABASE_URL ? { DATABASE_URL, NODE_ENV: 'production' } : { DATA_DIR }),
  };
  server = spawn(process.execPath, [path.join(ROOT, 'src/server.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  server.on('exit', (code, signal) => {
    if (!stopping) fail(`the server exited early (${signal ?? `code ${code}`})`);
  });
  const base = `http://${HOST}:${port}`;
  const deadline = Date.now() + 10 * 60_000;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`${base}/health`);
      if (r.ok) return base;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  fail('the server did not answer /health within 10 minutes');
}

/** Stops the server gracefully and waits for it, so that the next run finds PGlite's folder free. */
async function stopServerAndWait() {
  stopping = true;
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server!.once('exit', resolve));
  server.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
}

// --- signing in ---------------------------------------------------------------------------------------

class Session {
  cookies = new Map<string, string>();
  readonly base: string;
  constructor(base: string) {
    this.base = base;
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  private keep(r: Response) {
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return r;
  }
  async get(p: string) {
    return this.keep(await fetch(this.base + p, { headers: { cookie: this.header() }, redirect: 'manual' }));
  }
  async post(p: string, form: Record<string, string>) {
    return this.keep(
      await fetch(this.base + p, {
        method: 'POST',
        body: new URLSearchParams(form).toString(),
        headers: { cookie: this.header(), 'content-type': 'application/x-www-form-urlencoded' },
        redirect: 'manual',
      }),
    );
  }
}

async function signIn(base: string): Promise<string> {
  const s = new Session(base);
  const page = await (await s.get('/sign-in')).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) fail('no CSRF token on the sign-in page');
  const r = await s.post('/sign-in', { _csrf: csrf, email: USER, password: PASSWORD! });
  if (r.status !== 302 || r.headers.get('location') !== '/') {
    fail(
      `signing in ${USER} gave ${r.status} ${r.headers.get('location') ?? ''} (wrong DEMO_PASSWORD, or a user who needs two-factor?)`,
    );
  }
  // Not the home page: it counts every visible person, which is not what is measured here.
  return s.header();
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

function percentile(sorted: number[], p: number) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summarise(
  scenario: string,
  latencies: number[],
  seconds: number,
  non2xx: number,
  errors: number,
): Row {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    scenario,
    requests: sorted.length,
    rps: sorted.length / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    non2xx,
    errors,
  };
}

/**
 * Runs `paths` round-robin over CONNECTIONS connections for `seconds`, each request carrying the
 * next of the signed-in sessions' cookies. Returns every response's latency by the kind of path.
 */
async function drive(
  base: string,
  cookies: string[],
  paths: { kind: string; path: string }[],
  seconds: number,
) {
  let next = 0;
  const byKind = new Map<string, number[]>();
  const all: number[] = [];
  const instance = autocannon({
    url: base,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: 'GET',
        setupRequest: (req, context) => {
          const i = next++;
          const p = paths[i % paths.length]!;
          context.kind = p.kind;
          return {
            ...req,
            path: p.path,
            headers: { cookie: cookies[i % cookies.length]!, accept: 'text/html' },
          };
        },
      },
    ],
  });
  instance.on('response', (client: Client, _status: number, _bytes: number, ms: number) => {
    const kind = String(client.requestIterator.context.kind ?? '?');
    all.push(ms);
    let list = byKind.get(kind);
    if (!list) byKind.set(kind, (list = []));
    list.push(ms);
  });
  // autocannon stops itself after `duration`; this is a backstop should it ever hang.
  const guard = setTimeout(() => instance.stop(), (seconds + 60) * 1000);
  const result = await instance;
  clearTimeout(guard);
  return { result, all, byKind };
}

// --- where the CPU goes (Linux): the server process, and PostgreSQL's backends for this database ---

const TICK_MS = 10; // USER_HZ is 100 on Linux
const DB_NAME = DATABASE_URL ? decodeURIComponent(new URL(DATABASE_URL).pathname.slice(1)) : null;

function cpuTicks(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return 0;
  }
}

/** Busy CPU time of the whole machine so far, from /proc/stat (every CPU, in ticks). */
function machineTicks(): number {
  try {
    const cpu = fs
      .readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
    return user + nice + system + irq + softirq + steal;
  } catch {
    return 0;
  }
}

/**
 * CPU time so far of the server, of the PostgreSQL backends connected to the benchmark database, of
 * this load generator, and of the whole machine (so what everything else used can be told apart).
 */
function cpuSnapshot() {
  const db = new Map<number, number>();
  if (DB_NAME && fs.existsSync('/proc')) {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        if (cmd.startsWith('postgres:') && cmd.includes(` ${DB_NAME} `))
          db.set(Number(entry), cpuTicks(Number(entry)));
      } catch {
        // gone, or not ours to read
      }
    }
  }
  const self = process.cpuUsage();
  return {
    server: server?.pid ? cpuTicks(server.pid) : 0,
    db,
    selfMs: (self.user + self.system) / 1000,
    machine: machineTicks(),
    at: performance.now(),
  };
}

function cpuSince(before: ReturnType<typeof cpuSnapshot>) {
  const after = cpuSnapshot();
  let db = 0;
  for (const [pid, t] of after.db) db += t - (before.db.get(pid) ?? 0);
  const serverMs = (after.server - before.server) * TICK_MS;
  const dbMs = db * TICK_MS;
  const loadMs = after.selfMs - before.selfMs;
  const machineMs = (after.machine - before.machine) * TICK_MS;
  const wallMs = after.at - before.at;
  return { serverMs, dbMs, loadMs, otherCpus: Math.max(0, machineMs - serverMs - dbMs - loadMs) / wallMs };
}

const fmt = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(ms < 10 ? 1 : 0) : '–');
function table(rows: Row[], first = 'Scenario', counts = true) {
  const head = [
    'Requests',
    'Req/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'max ms',
    ...(counts ? ['non-2xx', 'errors'] : []),
  ];
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line([first, ...head]),
    line(['---', ...head.map(() => '---:')]),
    ...rows.map((r) =>
      line([
        r.scenario,
        r.requests.toLocaleString('en-GB'),
        r.rps.toFixed(1),
        fmt(r.p50),
        fmt(r.p95),
        fmt(r.p99),
        fmt(r.max),
        ...(counts ? [String(r.non2xx), String(r.errors)] : []),
      ]),
    ),
  ].join('\n');
}

// --- the run ----------------------------------------------------------------------------------------

const runStarted = new Date();
log(`Engine ${ENGINE}; finding what ${USER} can see`);
const fixtures = await findFixtures();
log(
  `Dataset: ${Object.entries(fixtures.counts)
    .map(([k, v]) => `${v.toLocaleString('en-GB')} ${k}`)
    .join(', ')}`,
);
const scenarios: { name: string; paths: { kind: string; path: string }[] }[] = [];
if (SCENARIOS.includes('queue')) scenarios.push({ name: 'Review queue (GET /review)', paths: [{ kind: 'queue', path: '/review' }] });
if (SCENARIOS.includes('filtered'))
  scenarios.push({
    name: 'Review queue filtered (GET /review?flag=… / ?source=…)',
    paths: [
      { kind: 'by flag', path: '/review?flag=hate' },
      { kind: 'by source', path: '/review?source=police_import' },
      { kind: 'by category', path: '/review?category=personal' },
    ],
  });
if (SCENARIOS.includes('baseline'))
  scenarios.push({ name: 'Baseline (GET /accessibility, signed in)', paths: [{ kind: 'baseline', path: '/accessibility' }] });

const port = await freePort();
log(`Starting the server on ${HOST}:${port}`);
const serverStarted = Date.now();
const base = await startServer(port);
log(
  `Server ready in ${Math.round((Date.now() - serverStarted) / 1000)} s; signing in ${CONNECTIONS} sessions as ${USER}`,
);
const cookies: string[] = [];
for (let i = 0; i < CONNECTIONS; i++) cookies.push(await signIn(base));

// One request of each kind first: each must be a page, not a redirect or an error.
for (const s of scenarios) {
  const seen = new Set<string>();
  for (const p of s.paths) {
    if (seen.has(p.kind)) continue;
    seen.add(p.kind);
    const r = await fetch(base + p.path, { headers: { cookie: cookies[0]! }, redirect: 'manual' });
    const body = await r.text();
    if (r.status !== 200) fail(`${p.path} gave ${r.status}`);
    if (!/<main/.test(body)) fail(`${p.path} did not return a page`);
  }
}

const rows: Row[] = [];
const breakdown: Row[] = [];
const loads: string[] = [];
let failed = false;
for (const s of scenarios) {
  if (WARMUP > 0) {
    log(`${s.name}: warming up for ${WARMUP} s`);
    await drive(base, cookies, s.paths, WARMUP);
  }
  const before = os.loadavg()[0]!;
  log(`${s.name}: ${CONNECTIONS} connections for ${DURATION} s (load average before ${before.toFixed(2)})`);
  const cpu = cpuSnapshot();
  const { result, all, byKind } = await drive(base, cookies, s.paths, DURATION);
  const used = cpuSince(cpu);
  const after = os.loadavg()[0]!;
  const perRequest = (ms: number) => (all.length ? (ms / all.length).toFixed(1) : '–');
  loads.push(
    `${s.name}: CPU per request ${perRequest(used.serverMs)} ms in the server process` +
      (DB_NAME ? ` + ${perRequest(used.dbMs)} ms in PostgreSQL` : ' (PGlite runs inside it)') +
      `, ${perRequest(used.loadMs)} ms in the load generator; other processes${DB_NAME ? " (PostgreSQL's background workers among them)" : ''} used ${used.otherCpus.toFixed(2)} CPUs meanwhile` +
      ` (1-minute load average ${before.toFixed(2)} before, ${after.toFixed(2)} after)`,
  );
  const errors = result.errors + result.timeouts;
  const row = summarise(s.name, all, result.duration, result.non2xx, errors);
  rows.push(row);
  if (byKind.size > 1) {
    for (const kind of new Set(s.paths.map((p) => p.kind))) {
      const list = byKind.get(kind);
      if (list) breakdown.push(summarise(kind, list, result.duration, 0, 0));
    }
  }
  if (row.non2xx > 0 || errors > 0) failed = true;
  log(
    `${s.name}: p50 ${fmt(row.p50)} ms, p95 ${fmt(row.p95)} ms, ${row.rps.toFixed(1)} req/s, non-2xx ${row.non2xx}, errors ${errors}`,
  );
}

await stopServerAndWait();

const report = [
  `### ${ENGINE}: ${CONNECTIONS} concurrent connections, no think time, ${DURATION} s per scenario (${runStarted.toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
  '',
  `Dataset: ${Object.entries(fixtures.counts)
    .map(([k, v]) => `${v.toLocaleString('en-GB')} ${k}`)
    .join(
      ', ',
    )}. Signed in as ${USER} (${CONNECTIONS} sessions). ${os.cpus().length} CPUs, ${Math.round(os.totalmem() / 2 ** 30)} GiB.`,
  '',
  table(rows),
  '',
  ...(breakdown.length
    ? [
        'Filtered queue by filter (the same run; requests rotate through the list):',
        '',
        table(breakdown, 'Query kind', false),
        '',
      ]
    : []),
  ...loads.map((l) => `- ${l}`),
  '',
].join('\n');
process.stdout.write(`${report}\n`);
if (process.env.BENCH_OUT) fs.appendFileSync(process.env.BENCH_OUT, `${report}\n`);
if (failed) {
  log('FAILED: some responses were not 2xx, or requests errored or timed out');
  process.exit(1);
}
