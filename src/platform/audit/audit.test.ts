// The hash chain: a clean log verifies; an edited, a deleted or a trailing row removed is reported.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../test/harness.ts';
import { audit, verifyAudit } from './audit.ts';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
  for (let i = 0; i < 6; i++) await audit(t.database.db, { action: 'view', recordType: 'person', recordId: `r${i}`, details: { i } });
});
after(() => t.drop());

const tamper = (statement: ReturnType<typeof sql>) =>
  t.database.db.transaction().execute(async (tx) => {
    await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`.execute(tx);
    await statement.execute(tx);
    await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`.execute(tx);
  });

test('a clean log verifies', async () => {
  const r = await verifyAudit(t.database.db);
  assert.equal(r.ok, true, r.problems.join('; '));
  assert.equal(r.rows, 6);
});

test('an edited row is detected', async () => {
  await tamper(sql`UPDATE audit_log SET details = '{"i": 99}' WHERE seq = 3`);
  const r = await verifyAudit(t.database.db);
  assert.equal(r.ok, false);
  assert.ok(r.problems.some((p) => p.includes('Row 3')));
});

test('a deleted row and a removed tail are detected', async () => {
  await tamper(sql`DELETE FROM audit_log WHERE seq = 2`);
  let r = await verifyAudit(t.database.db);
  assert.ok(r.problems.some((p) => p.includes('missing')));
  await tamper(sql`DELETE FROM audit_log WHERE seq = 6`);
  r = await verifyAudit(t.database.db);
  assert.ok(r.problems.some((p) => p.includes('removed from the end')));
});
