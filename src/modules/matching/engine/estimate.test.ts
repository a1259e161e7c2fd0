// Estimating the model from unlabelled records: the prior and the m values found must be close to
// what the data were made with, whatever the starting model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preparePerson } from './index.ts';
import { estimateModel, mulberry32 } from './estimate.ts';
import { DEFAULT_MODEL } from './model.ts';

const FIRST = [
  'Oliver',
  'Amelia',
  'George',
  'Isla',
  'Harry',
  'Ava',
  'Jack',
  'Mia',
  'Noah',
  'Grace',
  'Leo',
  'Freya',
  'Ravi',
  'Zofia',
  'Kwame',
];
const LAST = [
  'Smith',
  'Jones',
  'Patel',
  'Khan',
  'Taylor',
  'Brown',
  'Nowak',
  'Okafor',
  'Evans',
  'Walsh',
  'Reid',
  'Shah',
  'Lloyd',
  'Price',
  'Hart',
];

function dataset(count: number, seed: number) {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const rows = [];
  let duplicates = 0;
  for (let i = 0; i < count; i++) {
    const person = {
      firstName: pick(FIRST),
      lastName: `${pick(LAST)}${rnd() < 0.5 ? pick(['ley', 'ton', 'wood', '']) : ''}`,
      dateOfBirth: `${1940 + Math.floor(rnd() * 60)}-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 10)}`,
      postcode: `LE${1 + Math.floor(rnd() * 20)} ${1 + Math.floor(rnd() * 9)}AB`,
    };
    rows.push(person);
    if (rnd() < 0.3) {
      duplicates++;
      // One field in five wrong or missing.
      rows.push({
        ...person,
        postcode: rnd() < 0.2 ? '' : person.postcode,
        dateOfBirth: rnd() < 0.1 ? '' : person.dateOfBirth,
      });
    }
  }
  return { people: rows.map((r) => preparePerson(r)), duplicates };
}

test('the prior and the m of exact agreement are recovered from unlabelled data', () => {
  const { people, duplicates } = dataset(2000, 11);
  const { model, report } = estimateModel(people, DEFAULT_MODEL);
  const n = people.length;
  const truePrior = duplicates / ((n * (n - 1)) / 2);
  assert.ok(
    model.prior > truePrior / 2 && model.prior < truePrior * 2,
    `prior ${model.prior} vs ${truePrior}`,
  );
  assert.ok(model.comparisons.date_of_birth[0]!.m > 0.8, String(model.comparisons.date_of_birth[0]!.m));
  assert.ok(model.comparisons.first_name[0]!.m > 0.9, String(model.comparisons.first_name[0]!.m));
  // First names here are 15 names at random: about one pair in 15 agrees by chance.
  const u = model.comparisons.first_name[0]!.u;
  assert.ok(u > 0.04 && u < 0.1, String(u));
  assert.equal(report.sessions.length, 2);
  // Gender is never estimated: its disagreement stays weak evidence.
  assert.deepEqual(
    model.comparisons.gender.map((l) => l.m),
    DEFAULT_MODEL.comparisons.gender.map((l) => l.m),
  );
});

test('estimation is deterministic for a given seed', () => {
  const { people } = dataset(500, 3);
  assert.deepEqual(estimateModel(people, DEFAULT_MODEL).model, estimateModel(people, DEFAULT_MODEL).model);
});
