// The `endeavour` command line, run as a person would run it: a separate process through the bin
// launcher (and once through npx), against a database of its own on the engine under test: a
// temporary embedded data folder, or a fresh database on the server in DATABASE_URL. An embedded
// database can be open in one process at a time, so the test opens it only between commands.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../platform/db/connect.ts';
import { audit } from '../platform/audit/audit.ts';
import { USERS } from '../demo/partnership.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NODE = path.join(ROOT, 'node_modules', '.bin', 'node');
const BIN = path.join(ROOT, 'bin', 'endeavour.js');
const SERVER_URL = process.env.DATABASE_URL;
const ENGINE = SERVER_URL ? 'PostgreSQL' : 'embedded PGlite';
const DEMO_PASSWORD = `cli-${crypto.randomBytes(8).toString('hex')}`;
const STACK_TRACE = /^\s+at /m;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Generous: a first run migrates and seeds an embedded database, slow on a busy two-core machine.
      timeout: 300_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The environment of someone trying Endeavour out, with nothing from this test run leaking in. */
function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', DEMO_PASSWORD, ...extra };
  for (const name of ['DATABASE_URL', 'DATA_DIR', 'PORT', 'BASE_URL', 'NODE_OPTIONS', 'NODE_TEST_CONTEXT']) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

function endeavour(args: string[], env: NodeJS.ProcessEnv) {
  return runProcess(NODE, [BIN, ...args], env);
}

/** A database of the engine under test that no one else uses, opened directly only between commands. */
interface Target {
  env: NodeJS.ProcessEnv;
  open(): Promise<Database>;
  drop(): Promise<void>;
}

async function createTarget(): Promise<Target> {
  if (!SERVER_URL) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'endeavour-cli-'));
    return {
      env: baseEnv({ DATA_DIR: dir }),
      open: () => openDatabase({ dataDir: dir }),
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `endeavour_cli_${crypto.randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const c = new pg.Client({ connectionString: SERVER_URL });
    await c.connect();
    try {
      await c.query(statement);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return {
    env: baseEnv({ DATABASE_URL: url.toString() }),
    open: () => openDatabase({ databaseUrl: url.toString(), poolSize: 1 }),
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function withOpen<T>(target: Target, fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await target.open();
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

describe('the endeavour command line', () => {
  test('npx endeavour runs the project’s own bin on Node.js 24 and lists the commands', async () => {
    const help = await runProcess('npx', ['endeavour', '--help'], baseEnv());
    assert.equal(help.code, 0, help.stderr);
    for (const command of ['migrate', 'audit', 'demo-data', '--demo'])
      assert.match(help.stdout, new RegExp(`^\\s+${command}\\b`, 'm'), help.stderr);
    const version = await runProcess('npx', ['endeavour', '--version'], baseEnv());
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /^endeavour \d+\.\d+\.\d+ on Node\.js v(2[4-9]|[3-9]\d)\./, version.stderr);
  });

  test('audit --help lists verify', async () => {
    const r = await endeavour(['audit', '--help'], baseEnv());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\s+verify\b/m, r.stderr);
  });

  test('a mistyped command line is a usage error (exit 2) with commander’s message', async () => {
    const unknown = await endeavour(['frobnicate'], baseEnv());
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
    const badCount = await endeavour(['demo-data', '--people', 'lots'], baseEnv());
    assert.equal(badCount.code, 2);
    assert.match(badCount.stderr, /--people <n>.*'lots' is invalid/);
    for (const r of [unknown, badCount]) assert.doesNotMatch(r.stderr, STACK_TRACE);
  });

  test('a bad configuration value is named plainly, with exit code 78 and no stack trace', async () => {
    const r = await endeavour(
      ['migrate'],
      baseEnv({ PORT: 'abc', DATA_DIR: path.join(os.tmpdir(), 'endeavour-cli-unused') }),
    );
    assert.equal(r.code, 78);
    assert.match(r.stderr, /PORT must be a port number from 0 to 65535, not "abc"/);
    assert.doesNotMatch(r.stderr, STACK_TRACE);
    assert.equal(
      fs.existsSync(path.join(os.tmpdir(), 'endeavour-cli-unused')),
      false,
      'nothing is opened before the configuration is valid',
    );
  });
});

describe(`the endeavour command line on ${ENGINE}`, () => {
  let fresh: Target;
  let seeded: Target;
  let auditRows = 0;
  before(async () => {
    fresh = await createTarget();
    seeded = await createTarget();
  });
  after(async () => {
    await fresh?.drop();
    await seeded?.drop();
  });

  test('migrate applies the migrations, then a second run has nothing to apply', async () => {
    const first = await endeavour(['migrate'], fresh.env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Applied \d+ migrations?:\n\s+0001_foundation\.sql/, first.stderr);
    // First use of an empty embedded database also creates the demo, as `npm start` does; a server only on request.
    if (SERVER_URL) assert.doesNotMatch(first.stdout, /demo partnership was created/, first.stderr);
    else assert.match(first.stdout, /demo partnership was created/, first.stderr);

    const second = await endeavour(['migrate'], fresh.env);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /No migrations to apply/, second.stderr);
    assert.doesNotMatch(second.stdout, /Applied/, second.stderr);
  });

  test('--demo seeds an empty database on a server; demo-data leaves a database with a partnership alone', async () => {
    const withDemo = await endeavour(['--demo', 'migrate'], fresh.env);
    assert.equal(withDemo.code, 0, withDemo.stderr);
    if (SERVER_URL)
      assert.match(
        withDemo.stdout,
        /demo partnership was created with 120 generated people/,
        withDemo.stderr,
      );
    else assert.doesNotMatch(withDemo.stdout, /demo partnership was created/, withDemo.stderr);

    const again = await endeavour(['demo-data'], fresh.env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already has a partnership, so no demo data was added/, again.stderr);
    const partnerships = await withOpen(fresh, (d) =>
      d.db
        .selectFrom('partnerships')
        .select((e) => e.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    );
    assert.equal(Number(partnerships.n), 1);
  });

  test('demo-data creates the demo users and as many people as asked for, in batches', async () => {
    const people = 6_001; // more than one batch of inserts, and a part batch
    const r = await endeavour(['demo-data', '--people', String(people)], seeded.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /A demo partnership was created with 6,001 generated people/, r.stderr);
    assert.match(r.stdout, new RegExp(`Password for all of them: ${DEMO_PASSWORD}`), r.stderr);
    for (const u of USERS)
      assert.match(r.stdout, new RegExp(`^\\s+${u.email.replace(/\./g, '\\.')}\\s`, 'm'), r.stderr);

    await withOpen(seeded, async ({ db }) => {
      const counted = await sql<{ people: number; users: number }>`
        SELECT (SELECT count(*)::int FROM people) AS people, (SELECT count(*)::int FROM users) AS users`.execute(
        db,
      );
      assert.deepEqual(counted.rows[0], { people, users: USERS.length });
      // A longer chain to verify and tamper with than the one row the seed writes.
      for (let i = 0; i < 4; i++)
        await audit(db, { action: 'admin_view', recordType: 'test', recordId: String(i), details: { i } });
      const chain = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log`.execute(db);
      auditRows = chain.rows[0]!.n;
    });
  });

  test('audit verify passes on an untouched log, and fails after a row is edited, deleted, or cut from the end', async () => {
    const verify = () => endeavour(['audit', 'verify'], seeded.env);
    const clean = await verify();
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(
      clean.stdout,
      new RegExp(`^Audit log verified: ${auditRows} rows, no tampering found$`, 'm'),
      clean.stderr,
    );

    // Tampering as the table owner can, after switching off the trigger that refuses it; the
    // backup lets each case be undone, so each failure below has only its own cause.
    await withOpen(seeded, async ({ db }) => {
      await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`.execute(db);
      await sql`CREATE TABLE audit_backup AS SELECT * FROM audit_log`.execute(db);
      await sql`UPDATE audit_log SET details = details || '{"i": 99}' WHERE seq = 2`.execute(db);
    });
    const edited = await verify();
    assert.equal(edited.code, 1, edited.stderr);
    assert.match(edited.stdout, /Audit log verification FAILED/, edited.stderr);
    assert.match(edited.stdout, /Row 2 does not match its hash/, edited.stderr);

    await withOpen(seeded, async ({ db }) => {
      await sql`UPDATE audit_log a SET details = b.details FROM audit_backup b WHERE a.seq = b.seq AND a.seq = 2`.execute(
        db,
      );
      await sql`DELETE FROM audit_log WHERE seq = 3`.execute(db);
    });
    const deleted = await verify();
    assert.equal(deleted.code, 1, deleted.stderr);
    assert.match(deleted.stdout, /Rows 3 to 3 are missing/, deleted.stderr);
    assert.doesNotMatch(deleted.stdout, /Row 2 /, 'the edit was undone exactly');

    await withOpen(seeded, async ({ db }) => {
      await sql`INSERT INTO audit_log SELECT * FROM audit_backup WHERE seq = 3`.execute(db);
      await sql`DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)`.execute(db);
    });
    const cut = await verify();
    assert.equal(cut.code, 1, cut.stderr);
    assert.match(cut.stdout, new RegExp(`FAILED: 1 problem in ${auditRows - 1} rows`), cut.stderr);
    assert.match(
      cut.stdout,
      new RegExp(
        `The log ends at row ${auditRows - 1} but its head records row ${auditRows}: rows were removed from the end`,
      ),
    );
    for (const r of [edited, deleted, cut]) assert.doesNotMatch(r.stderr, STACK_TRACE);
  });
});
