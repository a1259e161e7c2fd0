// Forward-only migrations: every file in migrations/ runs once, in name order, inside a transaction,
// and is recorded with its checksum so that an edited, already-applied file is refused loudly.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Database } from './connect.ts';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

export async function migrate(database: Database, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const { db } = database;
  await database.execScript(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    );`);
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
  const applied: string[] = [];
  let alreadyApplied = 0;
  for (const name of files) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    const checksum = crypto.createHash('sha256').update(text).digest('hex');
    const done = await sql<{ checksum: string }>`SELECT checksum FROM schema_migrations WHERE name = ${name}`.execute(db);
    const row = done.rows[0];
    if (row) {
      if (row.checksum !== checksum) {
        throw new Error(`Migration ${name} has changed since it was applied. Migrations are forward-only: add a new file instead.`);
      }
      alreadyApplied++;
      continue;
    }
    // Several app processes may start at once against one server: the advisory lock lets one migrate
    // while the others wait, and the re-check inside the lock stops a second run of the same file.
    const quoted = checksum.replace(/'/g, "''");
    const script = `BEGIN;
      SELECT pg_advisory_xact_lock(7201000);
      DO $migrate$ BEGIN
        IF EXISTS (SELECT 1 FROM schema_migrations WHERE name = '${name}') THEN
          RAISE EXCEPTION 'endeavour-migration-already-applied';
        END IF;
      END $migrate$;
      ${text}
      ;
      INSERT INTO schema_migrations (name, checksum) VALUES ('${name}', '${quoted}');
      COMMIT;`;
    try {
      await database.execScript(script);
      applied.push(name);
    } catch (err) {
      if (err instanceof Error && err.message.includes('endeavour-migration-already-applied')) {
        alreadyApplied++;
        continue;
      }
      throw new Error(`Migration ${name} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  return { applied, alreadyApplied };
}
