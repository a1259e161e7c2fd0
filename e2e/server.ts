// The app as the browser tests see it: a FRESH store every run, so the tests never depend on what a
// previous run (or someone trying the app out in ./data) left behind.
//  - Embedded PGlite (no DATABASE_URL): a new temporary DATA_DIR, removed on exit.
//  - PostgreSQL (DATABASE_URL set): a new database endeavour_e2e_<random> on that server, dropped on
//    exit (and any left by a run that was killed, once they are over a day old).
// The demo partnership is always seeded, with the password Playwright generated (E2E_DEMO_PASSWORD).
// Started by playwright.config.ts's webServer with node_modules/.bin/node (Node 24, type stripping).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { prepareDatabase } from '../src/bootstrap.ts';
import { createApp } from '../src/app.ts';
import { createMailer } from '../src/platform/mail/mailer.ts';

const port = process.env.E2E_PORT || '3210';
const password = process.env.E2E_DEMO_PASSWORD;
if (!password) {
  process.stderr.write('e2e/server.ts: E2E_DEMO_PASSWORD must be set (playwright.config.ts sets it)\n');
  process.exit(2);
}

const serverUrl = process.env.DATABASE_URL || undefined;
let dataDir: string | undefined;
let databaseName: string | undefined;
let databaseUrl: string | undefined;

async function withServer<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

if (serverUrl) {
  databaseName = `endeavour_e2e_${crypto.randomBytes(6).toString('hex')}`;
  await withServer(async (c) => {
    // Leftovers of runs that were killed before they could clean up (a day old, so never a live run's).
    const stale = await c
      .query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE 'endeavour\\_e2e\\_%'
         AND (pg_stat_file('base/' || oid || '/PG_VERSION', true)).modification < now() - interval '1 day'`,
      )
      .catch(() => ({ rows: [] as { datname: string }[] }));
    for (const { datname } of stale.rows)
      await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
    await c.query(`CREATE DATABASE ${databaseName}`);
  });
  const u = new URL(serverUrl);
  u.pathname = `/${databaseName}`;
  databaseUrl = u.toString();
} else {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'endeavour-e2e-'));
}

let cleanedUp = false;
async function cleanUp() {
  if (cleanedUp) return;
  cleanedUp = true;
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  if (databaseName)
    await withServer((c) => c.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`)).catch(
      () => undefined,
    );
}

const config = loadConfig({
  NODE_ENV: 'test',
  PORT: port,
  HOST: '127.0.0.1',
  BASE_URL: `http://127.0.0.1:${port}`,
  DATA_DIR: dataDir ?? os.tmpdir(),
  DATABASE_URL: databaseUrl,
  DEMO_PASSWORD: password,
  LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
});

try {
  const { database, demo } = await prepareDatabase(config, { demo: 'always' });
  if (!demo) throw new Error('the demo partnership was not seeded into the fresh store');
  const app = await createApp({ config, database, mailer: createMailer({ from: 'e2e@localhost' }) });
  let closing = false;
  const shutDown = async (signal: string) => {
    if (closing) return;
    closing = true;
    try {
      await app.close();
      await database.close();
    } finally {
      await cleanUp();
      process.exit(signal === 'error' ? 1 : 0);
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
    process.once(signal, () => void shutDown(signal));
  await app.listen({ port: config.port, host: config.host });
  process.stdout.write(
    `e2e server on ${config.baseUrl} (${database.engine === 'pglite' ? `PGlite in ${dataDir}` : `PostgreSQL database ${databaseName}`})\n`,
  );
} catch (err) {
  process.stderr.write(
    `e2e server could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  await cleanUp();
  process.exit(1);
}
