// Migrations on whichever engine the suite runs on: idempotent, refuse edited history, enable the
// extensions, and leave the runtime role unable to bypass row-level security.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../test/harness.ts';
import { migrate, MIGRATIONS_DIR } from './migrate.ts';
import { audit } from '../audit/audit.ts';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
});
after(() => t.drop());

test('a second run applies nothing', async () => {
  const again = await migrate(t.database);
  assert.deepEqual(again.applied, []);
  assert.equal(again.alreadyApplied, fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length);
});

test('an applied migration that was edited afterwards is refused', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'endeavour-migrations-'));
  for (const f of fs.readdirSync(MIGRATIONS_DIR)) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
  fs.appendFileSync(path.join(dir, '0001_foundation.sql'), '\n-- edited\n');
  await assert.rejects(migrate(t.database, dir), /has changed since it was applied/);
  fs.rmSync(dir, { recursive: true });
});

test('the required extensions are enabled', async () => {
  const r = await sql<{ extname: string }>`SELECT extname FROM pg_extension`.execute(t.database.db);
  const names = r.rows.map((x) => x.extname);
  for (const e of ['pg_trgm', 'fuzzystrmatch', 'unaccent', 'pgcrypto']) assert.ok(names.includes(e), e);
});

test('the runtime role owns nothing and cannot bypass row-level security', async () => {
  const role = await sql<{ rolbypassrls: boolean; rolsuper: boolean }>`SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = 'endeavour_app'`.execute(t.database.db);
  assert.deepEqual(role.rows[0], { rolbypassrls: false, rolsuper: false });
  const owned = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tableowner = 'endeavour_app'`.execute(t.database.db);
  assert.equal(owned.rows[0]!.n, 0);
});

test('every table holding protected records has row-level security enabled and forced', async () => {
  const r = await sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>`
    SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r'
      AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'owner_organisation_id' AND NOT a.attisdropped)`.execute(t.database.db);
  assert.ok(r.rows.some((x) => x.relname === 'people'));
  for (const row of r.rows) {
    assert.ok(row.relrowsecurity && row.relforcerowsecurity, `${row.relname} must enable and force row-level security`);
  }
});

test('the app role can only append to the audit log, never rewrite it', async () => {
  await assert.rejects(
    t.database.db.transaction().execute(async (tx) => {
      await sql`SET LOCAL ROLE endeavour_app`.execute(tx);
      await sql`INSERT INTO audit_log (seq, action, hash) VALUES (999999, 'forged', 'x')`.execute(tx);
    }),
    /permission denied/,
  );
  await assert.rejects(
    t.database.db.transaction().execute(async (tx) => {
      await sql`SET LOCAL ROLE endeavour_app`.execute(tx);
      await sql`DELETE FROM audit_log`.execute(tx);
    }),
    /permission denied/,
  );
  // Even the owner is stopped by the append-only trigger.
  await audit(t.database.db, { action: 'view', recordType: 'person', recordId: 'x' });
  await assert.rejects(sql`UPDATE audit_log SET action = 'x'`.execute(t.database.db), /append-only/);
});
