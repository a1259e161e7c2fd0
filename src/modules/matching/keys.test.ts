// The app folds what is typed exactly as the database folds what is stored (migrations/0009), or the
// candidate search would miss people: the same inputs through both, on the engine under test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../test/harness.ts';
import { fold, nameParts, phoneKey } from './keys.ts';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
});
after(() => t.drop());

const NAMES = ["O'Brien", 'Zoë', 'ÆTHELSTAN', 'Śmigielska-Żółć', 'Müller', 'Groß', 'Ørsted', 'Þórdís', 'Mc Donald', '  ', 'Ivan Иванов', 'ÇELİK', 'José-María', 'Nguyễn'];
const PHONES = ['+44 116 496 0000', '0044 7700 900123', '07700 900123', '(0116) 496-0000', '12345', '441164960000'];

test('match_fold, match_name_parts and match_phone agree with keys.ts', async () => {
  for (const n of NAMES) {
    const r = await sql<{ f: string | null; p: string[] }>`SELECT match_fold(${n}) AS f, match_name_parts(${n}) AS p`.execute(t.database.db);
    assert.equal(r.rows[0]!.f, fold(n), n);
    assert.deepEqual(r.rows[0]!.p, nameParts(n), n);
  }
  for (const p of PHONES) {
    const r = await sql<{ k: string | null }>`SELECT match_phone(${p}) AS k`.execute(t.database.db);
    assert.equal(r.rows[0]!.k, phoneKey(p), p);
  }
});

test('folding removes accents and punctuation and keeps letters', () => {
  assert.equal(fold("O'Brien"), 'obrien');
  assert.equal(fold('Śmigielska-Żółć'), 'smigielskazolc');
  assert.equal(fold('Groß'), 'gross');
  assert.equal(fold('  '), null);
  assert.deepEqual(nameParts('Smith-Jones'), ['smith', 'jones']);
  assert.equal(phoneKey('+44 116 496 0000'), '01164960000');
});
