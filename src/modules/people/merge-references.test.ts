// The one list of what refers to a person (person-references.ts) against the database itself: a
// foreign key to people(id) that the list does not cover fails here, so a table added by anyone is
// caught before a merge could leave its rows behind; and every entry still names a real column.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { createTestDatabase, type TestDatabase } from '../../test/harness.ts';
import { PERSON_REFERENCES, keyOf } from './person-references.ts';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
});
after(() => t.drop());

/** Every column in a foreign key to people(id), as table.column. */
async function foreignKeysToPeople(db: Kysely<DB>) {
  const r = await sql<{ table_name: string; column_name: string }>`
    SELECT cl.relname AS table_name, a.attname AS column_name
    FROM pg_constraint c
    JOIN pg_class cl ON cl.oid = c.conrelid
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
    WHERE c.contype = 'f' AND c.confrelid = 'public.people'::regclass
    ORDER BY 1, 2`.execute(db);
  return r.rows.map((x) => `${x.table_name}.${x.column_name}`);
}

const listed = (fk: string) => PERSON_REFERENCES.some((r) => `${r.table}.${r.column}` === fk);

test('every foreign key to people(id) is in person-references.ts', async () => {
  const fks = await foreignKeysToPeople(t.database.db);
  assert.ok(fks.includes('incident_people.person_id'), 'the query finds the foreign keys');
  const missing = fks.filter((fk) => !listed(fk));
  assert.deepEqual(
    missing,
    [],
    `say how a merge treats ${missing.join(', ')} in src/modules/people/person-references.ts`,
  );
});

test('the check catches a table added later that refers to people', async () => {
  await t.database.db
    .transaction()
    .execute(async (tx) => {
      await sql`CREATE TABLE merge_test_notes (id uuid PRIMARY KEY, subject_id uuid REFERENCES people(id))`.execute(
        tx,
      );
      const fks = await foreignKeysToPeople(tx);
      assert.deepEqual(
        fks.filter((fk) => !listed(fk)),
        ['merge_test_notes.subject_id'],
      );
      throw new Error('rollback');
    })
    .catch((err: Error) => {
      if (err.message !== 'rollback') throw err;
    });
});

test('every entry names a real column, with its key, and a kept reference says why', async () => {
  const fks = await foreignKeysToPeople(t.database.db);
  const r = await sql<{ table_name: string; column_name: string }>`
    SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`.execute(
    t.database.db,
  );
  const columns = new Set(r.rows.map((x) => `${x.table_name}.${x.column_name}`));
  for (const ref of PERSON_REFERENCES) {
    const name = `${ref.table}.${ref.column}`;
    if (ref.foreignKey === false) assert.ok(columns.has(name), `${name} does not exist`);
    else assert.ok(fks.includes(name), `${name} is not a foreign key to people(id)`);
    for (const c of [
      ...keyOf(ref),
      ...(ref.sameAs ?? []),
      ...(ref.notSelf ? [ref.notSelf] : []),
      ...Object.keys(ref.where ?? {}),
    ]) {
      assert.ok(columns.has(`${ref.table}.${c}`), `${ref.table}.${c} does not exist`);
    }
    if (ref.audit)
      assert.ok(
        columns.has(`${ref.table}.${ref.audit.idColumn}`),
        `${ref.table}.${ref.audit.idColumn} does not exist`,
      );
    if (ref.how === 'keep')
      assert.ok(ref.why && ref.why.length > 20, `${name}: say why its rows stay with the duplicate`);
  }
});

test('app_person_references counts rows of every foreign key to people, including a table added later', async () => {
  await t.database.db
    .transaction()
    .execute(async (tx) => {
      const p = await sql<{
        id: string;
      }>`INSERT INTO partnerships (name, short_name) VALUES ('Merge test', 'MT') RETURNING id`.execute(tx);
      const o = await sql<{
        id: string;
      }>`INSERT INTO organisations (partnership_id, name, kind) VALUES (${p.rows[0]!.id}, 'Merge test council', 'local_authority') RETURNING id`.execute(
        tx,
      );
      const u = await sql<{
        id: string;
      }>`INSERT INTO users (organisation_id, email, display_name, updated_at) VALUES (${o.rows[0]!.id}, 'merge-test@example.invalid', 'M', now()) RETURNING id`.execute(
        tx,
      );
      const person = await sql<{ id: string }>`
        INSERT INTO people (partnership_id, owner_organisation_id, first_name, last_name, created_by)
        VALUES (${p.rows[0]!.id}, ${o.rows[0]!.id}, 'Ann', 'Example', ${u.rows[0]!.id}) RETURNING id`.execute(
        tx,
      );
      const id = person.rows[0]!.id;
      await sql`CREATE TABLE merge_test_notes (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), subject_id uuid REFERENCES people(id))`.execute(
        tx,
      );
      await sql`CREATE TABLE merge_test_secrets (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), subject_id uuid REFERENCES people(id))`.execute(
        tx,
      );
      await sql`GRANT SELECT ON merge_test_notes TO endeavour_definer`.execute(tx);
      await sql`INSERT INTO merge_test_notes (subject_id) VALUES (${id}), (${id})`.execute(tx);
      await sql`INSERT INTO person_aliases (person_id, last_name, created_by) VALUES (${id}, 'Sample', ${u.rows[0]!.id})`.execute(
        tx,
      );
      await sql`SELECT set_config('app.user_id', ${u.rows[0]!.id}, true), set_config('role', 'endeavour_app', true)`.execute(
        tx,
      );
      const r = await sql<{
        table_name: string;
        column_name: string;
        n: number | null;
      }>`SELECT * FROM app_person_references(${id}::uuid, ${id}::uuid)`.execute(tx);
      const count = (name: string) => r.rows.find((x) => `${x.table_name}.${x.column_name}` === name)?.n;
      assert.equal(count('merge_test_notes.subject_id'), 2);
      assert.equal(count('person_aliases.person_id'), 1);
      assert.equal(count('incident_people.person_id'), 0);
      // A table the counting role may not read is reported as unknown (a merge then refuses), never as empty.
      assert.equal(count('merge_test_secrets.subject_id'), null);
      throw new Error('rollback');
    })
    .catch((err: Error) => {
      if (err.message !== 'rollback') throw err;
    });
});
