// Opens the one store: embedded PGlite in DATA_DIR by default, or a PostgreSQL server when
// DATABASE_URL is set. Both give the same Kysely instance type, the same SQL and the same results:
// dates come back as 'YYYY-MM-DD' strings and bigints as numbers on either engine.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { PGlitePool } from './pglite-pool.ts';
import type { DB } from './schema.ts';

export type Engine = 'pglite' | 'postgres';

export interface Database {
  engine: Engine;
  db: Kysely<DB>;
  /** Runs a script of several statements (a migration) outside Kysely's one-statement protocol. */
  execScript(sql: string): Promise<void>;
  close(): Promise<void>;
}

const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;

export interface OpenOptions {
  databaseUrl?: string;
  /** Folder for PGlite's files; omitted means in memory (tests). */
  dataDir?: string;
  poolSize?: number;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolSize ?? 10);
  return openPGlite(opts.dataDir);
}

async function openPostgres(url: string, max: number): Promise<Database> {
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === DATE_OID) return (v: string) => v;
      if (oid === INT8_OID) return (v: string) => Number(v);
      if (oid === NUMERIC_OID) return (v: string) => Number(v);
      return pg.types.getTypeParser(oid, format);
    },
  };
  const pool = new pg.Pool({ connectionString: url, max, types: types as pg.CustomTypesConfig });
  // A connection that drops while idle must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // Kysely sends every query unnamed, so PostgreSQL would parse, rewrite (row-level security adds a
  // subquery per protected table) and plan it on every call: most of its work on a typical page.
  // Naming each parameterised statement by its text lets each connection prepare it once (measured:
  // case page p95 149 → 85 ms, search 108 → 92 ms; bench/README.md). Migrations run before any page
  // is served, so a cached plan never outlives a schema change within one process.
  pool.on('connect', (client) => {
    const original = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (text: unknown, values?: unknown, cb?: unknown) => {
      if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
        const name = `k${crypto.createHash('sha1').update(text).digest('base64url')}`;
        return original({ name, text, values }, cb);
      }
      return cb === undefined ? original(text, values) : original(text, values, cb);
    };
  });
  const client = await pool.connect();
  client.release();
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    engine: 'postgres',
    db,
    async execScript(sql) {
      const c = await pool.connect();
      try {
        await c.query(sql);
      } catch (err) {
        // A failed script leaves its transaction open on this connection: close it before reuse.
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        c.release();
      }
    },
    async close() {
      await db.destroy();
    },
  };
}

async function openPGlite(dataDir?: string): Promise<Database> {
  let dir: string | undefined;
  if (dataDir) {
    dir = path.join(dataDir, 'pglite');
    fs.mkdirSync(dir, { recursive: true });
  }
  const lite = await PGlite.create(dir, {
    extensions: { pg_trgm, fuzzystrmatch, unaccent, pgcrypto },
    parsers: {
      [DATE_OID]: (v: string) => v,
      [INT8_OID]: (v: string) => Number(v),
      [NUMERIC_OID]: (v: string) => Number(v),
    },
  });
  const pool = new PGlitePool(lite);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }) });
  return {
    engine: 'pglite',
    db,
    async execScript(sql) {
      const c = await pool.connect();
      try {
        await lite.exec(sql);
      } catch (err) {
        await lite.exec('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        c.release();
      }
    },
    async close() {
      await db.destroy();
      await lite.close();
    },
  };
}

export type { CompiledQuery };
