// Blocking must bring together the records of one person despite the usual errors, and the batch
// index must compare each candidate pair exactly once and keep within its budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockingKeys, preparePerson, type PersonInput } from './index.ts';
import { keyKind, KEY_KINDS } from './blocking.ts';
import { buildBlocks, scoreBlocks, shareOfBlocks, termFrequencies } from './batch.ts';
import { DEFAULT_MODEL } from './model.ts';

const original: PersonInput = {
  firstName: 'Robert',
  lastName: 'Smith',
  dateOfBirth: '1980-03-12',
  addressLine1: '12 High Street',
  postcode: 'LE11 3TR',
  town: 'Loughborough',
};
const shared = (a: PersonInput, b: PersonInput) => {
  const kb = new Set(blockingKeys(preparePerson(b)));
  return blockingKeys(preparePerson(a)).filter((k) => kb.has(k));
};

test('records of one person share a key despite one or two errors', () => {
  const variants: [string, PersonInput][] = [
    [
      'nickname and a move',
      { firstName: 'Bob', lastName: 'Smith', dateOfBirth: '1980-03-12', postcode: 'NG7 1AA' },
    ],
    ['swapped names, no date', { firstName: 'Smith', lastName: 'Robert', postcode: 'NG7 1AA' }],
    [
      'transposed date, surname typo, moved',
      { firstName: 'Robert', lastName: 'Smyth', dateOfBirth: '1980-12-03', postcode: 'NG7 1AA' },
    ],
    [
      'married name, same date',
      { firstName: 'Robert', lastName: 'Smith-Jones', dateOfBirth: '1980-03-12', postcode: 'NG7 1AA' },
    ],
    [
      'first-name typo, date typo, moved',
      { firstName: 'Robret', lastName: 'Smith', dateOfBirth: '1980-03-13', postcode: 'NG7 1AA' },
    ],
    [
      'new name, same address',
      { firstName: 'Rob', lastName: 'Jones', addressLine1: '12 High St', postcode: 'LE11 3TR' },
    ],
  ];
  for (const [what, v] of variants) assert.ok(shared(original, v).length > 0, what);
  assert.deepEqual(
    shared(original, {
      firstName: 'Aisha',
      lastName: 'Begum',
      dateOfBirth: '1995-07-01',
      postcode: 'NG7 1AA',
    }),
    [],
  );
});

test('every key has a known kind', () => {
  for (const k of blockingKeys(
    preparePerson({
      ...original,
      email: 'bob@example.org',
      phone: '07700 900123',
      identifiers: ['AB123456C'],
      uprn: '1',
    }),
  )) {
    assert.ok(keyKind(k) >= 0, k);
  }
  assert.equal(KEY_KINDS.length < 64, true);
});

function people(count: number): PersonInput[] {
  const out: PersonInput[] = [];
  for (let i = 0; i < count; i++) {
    out.push({
      firstName: ['Anna', 'Ben', 'Cara'][i % 3],
      lastName: i % 2 ? 'Smith' : 'Jones',
      dateOfBirth: `19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`,
      postcode: `LE${i % 7} 1AA`,
    });
  }
  return out;
}

test('each candidate pair is compared once, whichever keys it shares', () => {
  const prepared = people(300).map((p) => preparePerson(p));
  const index = buildBlocks(prepared, { maxBlock: 1000 });
  const tf = termFrequencies(prepared);
  const seen = new Map<string, number>();
  const parts = 3;
  let compared = 0;
  for (let part = 0; part < parts; part++) {
    const [from, to] = shareOfBlocks(index, part, parts);
    compared += scoreBlocks(prepared, index, from, to, DEFAULT_MODEL, tf.first, tf.last, -Infinity, (b) => {
      for (let k = 0; k < b.length; k++) {
        const key = `${b.left[k]}-${b.right[k]}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    }).compared;
  }
  assert.ok(seen.size > 0);
  assert.equal(compared, seen.size);
  for (const [pair, times] of seen) assert.equal(times, 1, pair);
  assert.ok(index.pairs >= seen.size, 'de-duplication only removes pairs');
});

test('large blocks and blocks over a kind’s budget are left out and reported', () => {
  const prepared = people(3000).map((p) => preparePerson(p));
  const index = buildBlocks(prepared, { maxBlock: 200, pairsPerRecord: 1 });
  assert.ok(index.leftOut.blocks > 0);
  assert.ok(index.leftOut.largest > 200);
  assert.ok(index.leftOut.examples.length > 0 && /records\)$/.test(index.leftOut.examples[0]!));
  for (let b = 0; b < index.starts.length; b++) assert.ok(index.ends[b]! - index.starts[b]! <= 200);
  // Each kind stays within max(100,000, records × pairsPerRecord) pairs, a tenth for coarse kinds.
  assert.ok(index.pairs <= KEY_KINDS.length * 100_000);
});
