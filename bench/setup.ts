// Creates the benchmark dataset: the demo partnership with a million generated people, two million
// synthetic incidents, twenty thousand cases (each opened from a few incidents, with notes and tasks)
// and the addresses and vehicles the search box looks for. Safe to run again: each part is skipped
// when the database already has it.
//
//   DEMO_PASSWORD=... DATABASE_URL=postgres://postgres@127.0.0.1:5432/endeavour_bench node bench/setup.ts
//   DEMO_PASSWORD=... DATA_DIR=/tmp/endeavour-bench-pglite node bench/setup.ts
//
// Sizes: BENCH_PEOPLE (1,000,000), BENCH_INCIDENTS (2,000,000), BENCH_CASES (20,000).
import pg from 'pg';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { prepareDatabase } from '../src/bootstrap.ts';
import {
  SYNTHETIC_CASE,
  SYNTHETIC_INCIDENT,
  SYNTHETIC_VEHICLE,
  generateCases,
  generateIncidents,
  generateSubjects,
} from '../src/demo/scale.ts';

const count = (name: string, fallback: number) => {
  const v = process.env[name];
  if (!v) return fallback;
  const n = Number(v.replace(/[,_]/g, ''));
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a whole number, not "${v}"`);
  return n;
};

const PEOPLE = count('BENCH_PEOPLE', 1_000_000);
const INCIDENTS = count('BENCH_INCIDENTS', 2_000_000);
const CASES = count('BENCH_CASES', 20_000);

if (!process.env.DEMO_PASSWORD) {
  process.stderr.write(
    'Set DEMO_PASSWORD (12 characters or more): the demo users get it, and bench/load.ts signs in with it.\n',
  );
  process.exit(2);
}
if (!process.env.DATABASE_URL && !process.env.DATA_DIR) process.env.DATA_DIR = '/tmp/endeavour-bench-pglite';

const log = (text: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${text}\n`);
const seconds = (since: number) => `${Math.round((Date.now() - since) / 1000)} s`;

/** PostgreSQL: creates the database named in DATABASE_URL if the server does not have it yet. */
async function ensureDatabase(url: string) {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name))
    throw new Error(`Use a plain lower-case database name in DATABASE_URL, not "${name}"`);
  u.pathname = '/postgres';
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!r.rowCount) {
      await c.query(`CREATE DATABASE ${name}`);
      log(`Created database ${name}`);
    }
  } finally {
    await c.end();
  }
}

const started = Date.now();
const config = loadConfig();
if (config.databaseUrl) await ensureDatabase(config.databaseUrl);
log(
  `Opening ${config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}`}; seeding ${PEOPLE.toLocaleString('en-GB')} people if the database is new`,
);
const seedStarted = Date.now();
const { database, demo } = await prepareDatabase(config, { demo: 'always', people: PEOPLE });
const { db } = database;
const timings: Record<string, string> = {};
try {
  if (demo) {
    timings.people = seconds(seedStarted);
    log(`Demo partnership with ${demo.people.toLocaleString('en-GB')} people created in ${timings.people}`);
  }
  const partnership = await db
    .selectFrom('partnerships')
    .select('id')
    .orderBy('created_at')
    .executeTakeFirstOrThrow();
  const pid = partnership.id;
  const rows = async (table: 'people' | 'gazetteer_addresses') =>
    Number(
      (
        await sql<{
          c: number;
        }>`SELECT count(*)::int AS c FROM ${sql.table(table)} WHERE partnership_id = ${pid}`.execute(db)
      ).rows[0]!.c,
    );
  // What earlier runs generated (the demo's own casework, if any, is not counted).
  const generated = async (table: 'incidents' | 'cases' | 'vehicles') => {
    const [column, marker] =
      table === 'incidents'
        ? ['description', SYNTHETIC_INCIDENT]
        : table === 'cases'
          ? ['summary', `${SYNTHETIC_CASE}%`]
          : ['notes', SYNTHETIC_VEHICLE];
    const r = await sql<{
      c: number;
    }>`SELECT count(*)::int AS c FROM ${sql.table(table)} WHERE partnership_id = ${pid} AND ${sql.ref(column)} LIKE ${marker}`.execute(
      db,
    );
    return Number(r.rows[0]!.c);
  };

  const people = await rows('people');
  if (people < PEOPLE)
    log(
      `Note: the database has ${people.toLocaleString('en-GB')} people, fewer than ${PEOPLE.toLocaleString('en-GB')}; people are only generated into a new database.`,
    );

  if ((await rows('gazetteer_addresses')) === 0) {
    // The demo gazetteer and boundaries, if this version has them (the address search reads them).
    try {
      const geo = await import('../src/modules/addresses/demo.ts');
      await db.transaction().execute(async (tx) => {
        await geo.loadDemoBoundaries(tx, pid);
        await geo.loadDemoGazetteer(tx, pid);
      });
      log('Loaded the demo gazetteer and boundaries');
    } catch (err) {
      log(`Skipped the demo gazetteer: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  const incidents = await generated('incidents');
  if (incidents < INCIDENTS) {
    const t = Date.now();
    log(`Generating ${(INCIDENTS - incidents).toLocaleString('en-GB')} incidents`);
    await generateIncidents(db, pid, INCIDENTS - incidents, (done) => {
      if (done % 200_000 === 0) log(`  ${done.toLocaleString('en-GB')} incidents (${seconds(t)})`);
    });
    timings.incidents = seconds(t);
    log(`Incidents generated in ${timings.incidents}`);
  }

  if ((await generated('vehicles')) === 0) {
    const t = Date.now();
    const made = await generateSubjects(db, pid);
    timings.subjects = seconds(t);
    log(
      `${made.addresses.toLocaleString('en-GB')} addresses and ${made.vehicles.toLocaleString('en-GB')} vehicles generated in ${timings.subjects}`,
    );
  }

  if ((await generated('cases')) === 0 && CASES > 0) {
    const t = Date.now();
    await generateCases(db, pid, CASES);
    timings.cases = seconds(t);
    log(`${CASES.toLocaleString('en-GB')} cases with their notes and tasks generated in ${timings.cases}`);
  }

  if (Object.keys(timings).length) {
    // Index-only scans need the visibility map; fresh bulk-loaded tables have none until vacuumed.
    const t = Date.now();
    await sql`VACUUM (ANALYZE)`.execute(db);
    timings.vacuum = seconds(t);
    log(`VACUUM (ANALYZE) in ${timings.vacuum}`);
  }

  const summary = await sql<{ what: string; n: number }>`
    SELECT 'people' AS what, count(*)::int AS n FROM people UNION ALL
    SELECT 'incidents', count(*)::int FROM incidents UNION ALL
    SELECT 'incident_people', count(*)::int FROM incident_people UNION ALL
    SELECT 'cases', count(*)::int FROM cases UNION ALL
    SELECT 'case_incidents', count(*)::int FROM case_incidents UNION ALL
    SELECT 'case_notes', count(*)::int FROM case_notes UNION ALL
    SELECT 'tasks', count(*)::int FROM tasks UNION ALL
    SELECT 'person_addresses', count(*)::int FROM person_addresses UNION ALL
    SELECT 'vehicles', count(*)::int FROM vehicles UNION ALL
    SELECT 'gazetteer_addresses', count(*)::int FROM gazetteer_addresses`.execute(db);
  log(`Dataset: ${summary.rows.map((r) => `${r.what} ${Number(r.n).toLocaleString('en-GB')}`).join(', ')}`);
  if (database.engine === 'postgres') {
    const size = await sql<{
      s: string;
    }>`SELECT pg_size_pretty(pg_database_size(current_database())) AS s`.execute(db);
    log(`Database size: ${size.rows[0]!.s}`);
  }
  log(
    `Done in ${seconds(started)}${
      Object.keys(timings).length
        ? ` (${Object.entries(timings)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')})`
        : '; nothing to do'
    }`,
  );
} finally {
  await database.close();
}
