// Test harness: a fresh database per test file on either engine (in-memory PGlite by default, a
// new database on the server named by DATABASE_URL otherwise), migrated and seeded with the demo
// partnership, and an app built on it with a cookie-keeping browser stand-in.
import crypto from 'node:crypto';
import pg from 'pg';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { createApp } from '../app.ts';
import { loadConfig, type Config } from '../config.ts';
import { openDatabase, type Database } from '../platform/db/connect.ts';
import { migrate } from '../platform/db/migrate.ts';
import { createMailer } from '../platform/mail/mailer.ts';
import { seedDemo, type DemoSeedResult } from '../demo/seed.ts';
import { currentTotp } from '../modules/accounts/totp.ts';

export const TEST_PASSWORD = `test-${crypto.randomBytes(8).toString('hex')}`;

export interface TestDatabase {
  database: Database;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const database = await openDatabase({});
    await migrate(database);
    return { database, drop: () => database.close() };
  }
  const name = `endeavour_t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: u.toString(), poolSize: 4 });
  await migrate(database);
  return {
    database,
    async drop() {
      await database.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestContext {
  app: FastifyInstance;
  database: Database;
  demo: DemoSeedResult;
  config: Config;
  close(): Promise<void>;
}

export async function createTestApp(overrides: Partial<Config> = {}, opts: { people?: number } = {}): Promise<TestContext> {
  const { database, drop } = await createTestDatabase();
  const demo = await seedDemo(database.db, { password: TEST_PASSWORD, people: opts.people ?? 12 });
  // Every test signs in from the same address; a roomier limit keeps busy test files under it.
  const config = { ...loadConfig({ NODE_ENV: 'test' }), signInAttemptsPerMinute: 200, ...overrides };
  const app = await createApp({ config, database, mailer: createMailer({ from: 'test@localhost' }), logger: false });
  await app.ready();
  return {
    app,
    database,
    demo,
    config,
    async close() {
      await app.close();
      await drop();
    },
  };
}

/** A browser stand-in: keeps cookies, follows nothing automatically, finds CSRF tokens in pages. */
export class Browser {
  readonly app: FastifyInstance;
  cookies = new Map<string, string>();
  csrf = '';
  constructor(app: FastifyInstance) {
    this.app = app;
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: LightMyRequestResponse) {
    for (const c of res.cookies as { name: string; value: string; expires?: Date; maxAge?: number }[]) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now()) || c.maxAge === 0) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body) ?? /<meta name="csrf-token" content="([^"]+)">/.exec(res.body);
    if (m) this.csrf = m[1]!;
    return res;
  }

  async get(url: string, headers: Record<string, string> = {}) {
    return this.keep(await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader(), ...headers } }));
  }

  async post(url: string, form: Record<string, string | string[]> = {}, opts: { csrf?: string | null } = {}) {
    const body = new URLSearchParams();
    const csrf = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (csrf !== null) body.append('_csrf', csrf);
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url,
        payload: body.toString(),
        headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
  }

  /** Posts a form with a file the way the upload pages do: the CSRF token in the query string. */
  async upload(
    url: string,
    fields: Record<string, string>,
    file?: { filename: string; content: Buffer | string; type?: string; field?: string },
    opts: { csrf?: string | null } = {},
  ) {
    const boundary = `----endeavour${crypto.randomBytes(8).toString('hex')}`;
    const parts: Buffer[] = [];
    for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    if (file) {
      parts.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.filename}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`),
        Buffer.from(file.content),
        Buffer.from('\r\n'),
      );
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    const csrf = opts.csrf === undefined ? this.csrf : opts.csrf;
    const sep = url.includes('?') ? '&' : '?';
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url: csrf === null ? url : `${url}${sep}_csrf=${encodeURIComponent(csrf)}`,
        payload: Buffer.concat(parts),
        headers: { cookie: this.cookieHeader(), 'content-type': `multipart/form-data; boundary=${boundary}` },
      }),
    );
  }
}

/** Signs a demo user in completely, enrolling two-factor first where their role requires it. */
export async function signIn(ctx: TestContext, email: string): Promise<Browser> {
  const b = new Browser(ctx.app);
  await b.get('/sign-in');
  const res = await b.post('/sign-in', { email, password: TEST_PASSWORD });
  if (res.statusCode !== 302) throw new Error(`sign-in failed for ${email}: ${res.statusCode}`);
  const to = res.headers.location;
  if (to === '/account/two-factor/setup') {
    const page = await b.get(to);
    const secret = /data-qa="totp-secret">([A-Z2-7]+)</.exec(page.body)![1]!;
    await b.post(to, { code: currentTotp(secret) });
    (b as Browser & { totpSecret?: string }).totpSecret = secret;
  } else if (to === '/sign-in/two-factor') {
    const user = await ctx.database.db.selectFrom('users').select('totp_secret').where('email', '=', email).executeTakeFirstOrThrow();
    await b.get(to);
    await b.post(to, { code: currentTotp(user.totp_secret!, Date.now() + 30_000) });
  }
  await b.get('/');
  return b;
}

export async function userId(ctx: TestContext, email: string) {
  const r = await ctx.database.db.selectFrom('users').select(['id', 'organisation_id']).where('email', '=', email).executeTakeFirstOrThrow();
  return r;
}

export async function auditRows(ctx: TestContext, where: { action?: string; recordId?: string } = {}) {
  const r = await sql<{ action: string; record_type: string | null; record_id: string | null; actor_user_id: string | null; details: Record<string, unknown> }>`
    SELECT action, record_type, record_id, actor_user_id, details FROM audit_log
    WHERE (${where.action ?? null}::text IS NULL OR action = ${where.action ?? null})
      AND (${where.recordId ?? null}::text IS NULL OR record_id = ${where.recordId ?? null})
    ORDER BY seq`.execute(ctx.database.db);
  return r.rows;
}
