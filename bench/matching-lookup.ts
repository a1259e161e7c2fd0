// Load test of the on-entry person lookup (POST /api/matching/people, what public/javascripts/matching.js
// sends as an officer types), from a second process: starts Endeavour as its own server process on the
// dataset bench/setup.ts made, signs a case officer in (one session per connection), then drives the
// JSON route with autocannon on 127.0.0.1 and prints the latencies as a Markdown table, overall and by
// kind of lookup. Fails (exit code 1) if any response was not a 2xx, or a request errored or timed out.
//
//   DEMO_PASSWORD=... DATABASE_URL=postgres://postgres@127.0.0.1:5432/endeavour_bench node bench/matching-lookup.ts
//
// BENCH_CONNECTIONS (10), BENCH_DURATION seconds (30), BENCH_WARMUP seconds (10), BENCH_USER
// (officer@endeavour.demo), BENCH_OUT (also append the report to this file), BENCH_ROOT (the checkout
// whose src/server.ts is started; it applies that checkout's migrations at start-up, so point it at a
// tree holding only the migrations the benchmark database should have).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import autocannon, { type Client } from 'autocannon';
import { openDatabase } from '../src/platform/db/connect.ts';
import { withUser } from '../src/platform/db/with-user.ts';

const ROOT = path.resolve(process.env.BENCH_ROOT ?? path.join(import.meta.dirname, '..'));
const HOST = '127.0.0.1';
const num = (name: string, fallback: number) => {
  const v = process.env[name];
  const n = v ? Number(v) : fallback;
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number, not "${v}"`);
  return n;
};
const CONNECTIONS = num('BENCH_CONNECTIONS', 10);
const DURATION = num('BENCH_DURATION', 30);
const WARMUP = num('BENCH_WARMUP', 10);
const USER = process.env.BENCH_USER ?? 'officer@endeavour.demo';
const PASSWORD = process.env.DEMO_PASSWORD;
const DATABASE_URL = process.env.DATABASE_URL;

const log = (text: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${text}\n`);
let server: ChildProcess | null = null;
let stopping = false;
function fail(message: string): never {
  log(`FAILED: ${message}`);
  if (server && server.exitCode === null) server.kill('SIGTERM');
  process.exit(1);
}
if (!PASSWORD) fail('set DEMO_PASSWORD to the password bench/setup.ts gave the demo users');
if (!DATABASE_URL) fail('set DATABASE_URL: the target is PostgreSQL');

// --- what to type: people the user can see, and people only other organisations hold ---------------

interface Person {
  first_name: string;
  last_name: string;
  date_of_birth: string | null;
}

async function findPeople() {
  const database = await openDatabase({ databaseUrl: DATABASE_URL, poolSize: 2 });
  try {
    const { db } = database;
    const user = await db.selectFrom('users').select(['id', 'organisation_id']).where('email', '=', USER).executeTakeFirst();
    if (!user) fail(`no user ${USER}: run bench/setup.ts first`);
    const total = await sql<{ n: number }>`SELECT count(*)::int AS n FROM people`.execute(db);
    const visible = await withUser(db, user.id, async (tx) => {
      await sql`SELECT setseed(0.42)`.execute(tx);
      return (
        await sql<Person>`SELECT first_name, last_name, date_of_birth::text FROM people TABLESAMPLE BERNOULLI (1) REPEATABLE (42)
          WHERE owner_organisation_id = ${user.organisation_id} AND date_of_birth IS NOT NULL LIMIT 200`.execute(tx)
      ).rows;
    });
    // Others' people are read as the migrator here only to know what to type; the server never shows them.
    const others = (
      await sql<Person>`SELECT first_name, last_name, date_of_birth::text FROM people TABLESAMPLE BERNOULLI (1) REPEATABLE (7)
        WHERE owner_organisation_id <> ${user.organisation_id} AND date_of_birth IS NOT NULL LIMIT 200`.execute(db)
    ).rows;
    return { total: total.rows[0]!.n, visible, others };
  } finally {
    await database.close();
  }
}

const swapDayMonth = (iso: string) => {
  const [y, m, d] = iso.split('-');
  return Number(d) <= 12 ? `${y}-${d}-${m}` : iso;
};
/** A typing slip: two neighbouring letters swapped in the middle of the name. */
const slip = (s: string) => (s.length < 4 ? s : s.slice(0, 1) + s.slice(2, 3) + s.slice(1, 2) + s.slice(3));

function lookups(f: Awaited<ReturnType<typeof findPeople>>) {
  const out: { kind: string; body: string }[] = [];
  f.visible.forEach((p, i) => {
    const kinds: [string, Record<string, string | null>][] = [
      ['name and date of birth', { first_name: p.first_name, last_name: p.last_name, date_of_birth: p.date_of_birth }],
      ['name only', { first_name: p.first_name, last_name: p.last_name }],
      ['misspelt surname and date of birth', { first_name: p.first_name, last_name: slip(p.last_name), date_of_birth: p.date_of_birth }],
      ['day and month swapped', { first_name: p.first_name, last_name: p.last_name, date_of_birth: swapDayMonth(p.date_of_birth!) }],
      ['still typing (3 letters)', { first_name: p.first_name, last_name: p.last_name.slice(0, 3) }],
    ];
    const [kind, body] = kinds[i % kinds.length]!;
    out.push({ kind, body: JSON.stringify(Object.fromEntries(Object.entries(body).filter(([, v]) => v))) });
  });
  for (const p of f.others.slice(0, 60)) out.push({ kind: "another organisation's person (stub)", body: JSON.stringify(p) });
  return out;
}

// --- the server, in its own process ------------------------------------------------------------------

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
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), HOST, LOG_LEVEL: 'warn', DATABASE_URL, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  server.on('exit', (code, signal) => {
    if (!stopping) fail(`the server exited early (${signal ?? `code ${code}`})`);
  });
  const base = `http://${HOST}:${port}`;
  const deadline = Date.now() + 10 * 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/health`)).ok) return base;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  fail('the server did not answer /health within 10 minutes');
}

/** Stops the server gracefully and waits for it. */
async function stopServerAndWait() {
  stopping = true;
  const running = server;
  if (!running || running.exitCode !== null) return;
  const exited = new Promise((resolve) => running.once('exit', resolve));
  running.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
}

/** Signs in and returns the session's cookie header and CSRF token (read from a page's meta tag). */
async function signIn(base: string): Promise<{ cookie: string; csrf: string }> {
  const cookies = new Map<string, string>();
  const keep = (r: Response) => {
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const value = pair!.slice(i + 1).trim();
      if (value === '' || /max-age=0/i.test(c)) cookies.delete(pair!.slice(0, i).trim());
      else cookies.set(pair!.slice(0, i).trim(), value);
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
  if (r.status !== 302 || r.headers.get('location') !== '/') fail(`signing in ${USER} gave ${r.status} (wrong DEMO_PASSWORD, or two-factor needed?)`);
  const signedIn = await keep(await fetch(`${base}/accessibility`, { headers: { cookie: header() }, redirect: 'manual' })).text();
  const token = /<meta name="csrf-token" content="([^"]+)">/.exec(signedIn)?.[1];
  if (!token) fail('no CSRF token on a signed-in page');
  return { cookie: header(), csrf: token };
}

// --- measuring ----------------------------------------------------------------------------------------

interface Row {
  label: string;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}
const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);
function summarise(label: string, latencies: number[], seconds: number): Row {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { label, requests: sorted.length, rps: sorted.length / seconds, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
}
const fmt = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(ms < 10 ? 1 : 0) : '–');
function table(rows: Row[], first: string) {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line([first, 'Requests', 'Req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms']),
    line(['---', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...rows.map((r) => line([r.label, r.requests.toLocaleString('en-GB'), r.rps.toFixed(1), fmt(r.p50), fmt(r.p95), fmt(r.p99), fmt(r.max)])),
  ].join('\n');
}

async function drive(base: string, sessions: { cookie: string; csrf: string }[], bodies: { kind: string; body: string }[], seconds: number) {
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
        method: 'POST',
        setupRequest: (req, context) => {
          const i = next++;
          const b = bodies[i % bodies.length]!;
          const s = sessions[i % sessions.length]!;
          context.kind = b.kind;
          return {
            ...req,
            method: 'POST',
            path: '/api/matching/people',
            body: b.body,
            headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json', accept: 'application/json' },
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
  const guard = setTimeout(() => instance.stop(), (seconds + 60) * 1000);
  const result = await instance;
  clearTimeout(guard);
  return { result, all, byKind };
}

// --- the run --------------------------------------------------------------------------------------------

const started = new Date();
const people = await findPeople();
const bodies = lookups(people);
log(`${people.total.toLocaleString('en-GB')} people; ${bodies.length} lookups to rotate through`);
const port = await freePort();
const base = await startServer(port);
log(`Server ready; signing in ${CONNECTIONS} sessions as ${USER}`);
const sessions: { cookie: string; csrf: string }[] = [];
for (let i = 0; i < CONNECTIONS; i++) sessions.push(await signIn(base));

// Each kind once first: it must answer 200 with JSON, and a stub kind must really produce stubs.
let stubsSeen = 0;
for (const b of bodies) {
  const r = await fetch(`${base}/api/matching/people`, {
    method: 'POST',
    body: b.body,
    headers: { cookie: sessions[0]!.cookie, 'x-csrf-token': sessions[0]!.csrf, 'content-type': 'application/json' },
  });
  if (r.status !== 200) fail(`a lookup gave ${r.status}: ${await r.text()}`);
  const json = (await r.json()) as { stubs: unknown[] };
  stubsSeen += json.stubs.length;
}
log(`Checked every lookup once (${stubsSeen} stubs shown in all)`);

if (WARMUP > 0) {
  log(`Warming up for ${WARMUP} s`);
  await drive(base, sessions, bodies, WARMUP);
}
const loadBefore = os.loadavg()[0]!;
log(`${CONNECTIONS} connections for ${DURATION} s (load average before ${loadBefore.toFixed(2)})`);
const { result, all, byKind } = await drive(base, sessions, bodies, DURATION);
const loadAfter = os.loadavg()[0]!;
await stopServerAndWait();

const errors = result.errors + result.timeouts;
const overall = summarise('On-entry lookup (POST /api/matching/people)', all, result.duration);
const kinds = [...byKind].map(([kind, list]) => summarise(kind, list, result.duration));
const report = [
  `### PostgreSQL: on-entry lookup, ${CONNECTIONS} concurrent connections, no think time, ${DURATION} s (${started.toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
  '',
  `Dataset: ${people.total.toLocaleString('en-GB')} people. Signed in as ${USER} (${CONNECTIONS} sessions). ${os.cpus().length} CPUs; 1-minute load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after. Non-2xx: ${result.non2xx}, errors: ${errors}.`,
  '',
  table([overall], 'Route'),
  '',
  'By kind of lookup (the same run; requests rotate through the list):',
  '',
  table(kinds, 'Lookup'),
  '',
].join('\n');
process.stdout.write(`${report}\n`);
if (process.env.BENCH_OUT) fs.appendFileSync(process.env.BENCH_OUT, `${report}\n`);
if (result.non2xx > 0 || errors > 0) fail('some responses were not 2xx, or requests errored or timed out');
