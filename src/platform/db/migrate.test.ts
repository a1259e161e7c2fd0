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

test('functions that policies rely on run as endeavour_definer, which can read every protected table', async () => {
  const fns = await sql<{ fn: string; owner: string }>`
    SELECT p.proname AS fn, r.rolname AS owner FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_roles r ON r.oid = p.proowner
    WHERE n.nspname = 'public' AND p.prosecdef`.execute(t.database.db);
  assert.ok(fns.rows.some((f) => f.fn === 'app_org_id'));
  for (const f of fns.rows) assert.equal(f.owner, 'endeavour_definer', `${f.fn} must be owned by endeavour_definer`);
  const missing = await sql<{ relname: string }>`
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relrowsecurity
      AND NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'definer_read')`.execute(t.database.db);
  assert.deepEqual(missing.rows, []);
  const definer = await sql<{ rolbypassrls: boolean; rolcanlogin: boolean }>`SELECT rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = 'endeavour_definer'`.execute(t.database.db);
  assert.deepEqual(definer.rows[0], { rolbypassrls: false, rolcanlogin: false });
});

test('the table owner, bypassing withUser by mistake, sees no protected record', async () => {
  // The suite connects as a superuser, which PostgreSQL exempts from row-level security; a
  // non-superuser owner is what production uses, so act as one here.
  await t.database.db.transaction().execute(async (tx) => {
    await sql`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'endeavour_test_owner') THEN CREATE ROLE endeavour_test_owner NOLOGIN; END IF; END $$`.execute(tx);
    await sql`GRANT SELECT ON people TO endeavour_test_owner`.execute(tx);
    await sql`ALTER TABLE people OWNER TO endeavour_test_owner`.execute(tx);
    await sql`INSERT INTO partnerships (name, short_name) VALUES ('P', 'P')`.execute(tx);
    await sql`INSERT INTO organisations (partnership_id, name, kind) SELECT id, 'O', 'other' FROM partnerships WHERE name = 'P'`.execute(tx);
    await sql`INSERT INTO users (organisation_id, email, display_name, updated_at) SELECT id, 'owner-test@example.invalid', 'U', now() FROM organisations WHERE name = 'O'`.execute(tx);
    await sql`INSERT INTO people (partnership_id, owner_organisation_id, first_name, last_name, created_by)
      SELECT o.partnership_id, o.id, 'Ann', 'Example', u.id FROM organisations o JOIN users u ON u.organisation_id = o.id WHERE o.name = 'O'`.execute(tx);
    await sql`SET LOCAL ROLE endeavour_test_owner`.execute(tx);
    const seen = await sql<{ n: number }>`SELECT count(*)::int AS n FROM people`.execute(tx);
    assert.equal(seen.rows[0]!.n, 0);
    await sql`RESET ROLE`.execute(tx);
    throw new Error('rollback');
  }).catch((err: Error) => {
    if (err.message !== 'rollback') throw err;
  });
});
