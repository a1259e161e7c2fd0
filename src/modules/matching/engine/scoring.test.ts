// Weights, term frequencies, the prior and the explanation of a comparison as a whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  comparePeople,
  DEFAULT_MODEL,
  preparePerson,
  withPrior,
  type PersonInput,
  type TermFrequencies,
} from './index.ts';
import { COMPARISONS } from './model.ts';

const p = (input: PersonInput) => preparePerson(input);
const robert: PersonInput = {
  firstName: 'Robert',
  lastName: 'Smith',
  dateOfBirth: '1980-03-12',
  gender: 'M',
  addressLine1: '12 High Street',
  town: 'Loughborough',
  postcode: 'LE11 3TR',
  phone: '07700 900123',
};

test('the default model is a proper set of probabilities', () => {
  for (const c of COMPARISONS) {
    const levels = DEFAULT_MODEL.comparisons[c.name];
    assert.equal(levels.length, c.levels.length, c.name);
    const m = levels.reduce((s, l) => s + l.m, 0);
    const u = levels.reduce((s, l) => s + l.u, 0);
    assert.ok(Math.abs(m - 1) < 1e-9 && Math.abs(u - 1) < 1e-9, `${c.name}: m sums to ${m}, u to ${u}`);
    // Agreement is evidence for a match, the last level ("different") against.
    assert.ok(levels[0]!.m > levels[0]!.u, c.name);
    assert.ok(levels.at(-1)!.m < levels.at(-1)!.u, c.name);
  }
});

test('the same person recorded twice is a near-certain match; strangers are not', () => {
  const same = comparePeople(p(robert), p({ ...robert, firstName: 'Bob', addressLine1: '12 High St' }));
  assert.ok(same.probability > 0.999, String(same.probability));
  const other = comparePeople(
    p(robert),
    p({ firstName: 'Aisha', lastName: 'Begum', dateOfBirth: '1995-07-01', gender: 'F', postcode: 'NG7 2RD' }),
  );
  assert.ok(other.probability < 1e-6, String(other.probability));
  assert.ok(other.weight < 0);
});

test('weights add up to the total, strongest evidence first', () => {
  const r = comparePeople(p(robert), p({ ...robert, dateOfBirth: '1980-12-03' }));
  const sum = r.reasons.reduce((s, x) => s + x.weight, 0);
  assert.ok(Math.abs(sum - r.weight) < 1e-9);
  for (let i = 1; i < r.reasons.length; i++) assert.ok(r.reasons[i - 1]!.weight >= r.reasons[i]!.weight);
});

test('missing values are neutral: no reason, no weight', () => {
  const full = comparePeople(p(robert), p(robert));
  const sparse = comparePeople(p(robert), p({ firstName: 'Robert', lastName: 'Smith' }));
  assert.deepEqual(sparse.reasons.map((r) => r.field).sort(), ['first_name', 'last_name']);
  assert.ok(sparse.weight > 0 && sparse.weight < full.weight);
  const nothing = comparePeople(p({}), p(robert));
  assert.equal(nothing.weight, 0);
  assert.equal(nothing.reasons.length, 0);
  assert.ok(Math.abs(nothing.probability - DEFAULT_MODEL.prior) < 1e-12);
});

test('a gender disagreement is weak evidence against', () => {
  const r = comparePeople(p(robert), p({ ...robert, gender: 'F' }));
  const g = r.reasons.find((x) => x.field === 'gender')!;
  assert.equal(g.level, 'different');
  assert.ok(g.weight < 0 && g.weight > -5, String(g.weight));
  assert.ok(r.probability > 0.99);
});

test('agreeing on a common surname is worth less than on a rare one', () => {
  const frequencies = (share: number): TermFrequencies => ({
    firstName: () => undefined,
    lastName: () => share,
  });
  const a = p({ firstName: 'Anna', lastName: 'Smith' });
  const b = p({ firstName: 'Anna', lastName: 'Smith' });
  const common = comparePeople(a, b, { frequencies: frequencies(0.012) });
  const rare = comparePeople(a, b, { frequencies: frequencies(0.000002) });
  const average = comparePeople(a, b);
  const w = (r: typeof common) => r.reasons.find((x) => x.field === 'last_name')!.weight;
  assert.ok(w(rare) > w(average) && w(average) > w(common), `${w(rare)} > ${w(average)} > ${w(common)}`);
  assert.ok(rare.probability > common.probability);
  // Unknown names fall back to the level's average.
  const unknown = comparePeople(a, b, {
    frequencies: { firstName: () => undefined, lastName: () => undefined },
  });
  assert.equal(w(unknown), w(average));
});

test('a shared surname at the same address counts for little: relatives share both', () => {
  const home = { lastName: 'Okafor', addressLine1: '4 Mill Lane', postcode: 'LE11 2AB' };
  const parent = p({ ...home, firstName: 'Grace', dateOfBirth: '1970-05-01' });
  const child = p({ ...home, firstName: 'Daniel', dateOfBirth: '2004-09-17' });
  const r = comparePeople(parent, child);
  const surname = r.reasons.find((x) => x.field === 'last_name')!;
  assert.ok(surname.weight < 2, String(surname.weight));
  assert.match(surname.description, /families share surnames and addresses/);
  assert.ok(r.probability < 0.01, String(r.probability));
});

test('the prior sets the scale: a larger population makes any one candidate less likely', () => {
  const a = p({ firstName: 'Anna', lastName: 'Nowak', dateOfBirth: '1990-01-02' });
  const small = comparePeople(a, a, { model: withPrior(DEFAULT_MODEL, 1e-3) });
  const large = comparePeople(a, a, { model: withPrior(DEFAULT_MODEL, 1e-7) });
  assert.equal(small.weight, large.weight);
  assert.ok(small.probability > large.probability);
});

test('explanations are plain English, and redacted ones name no values', () => {
  const other = {
    ...robert,
    firstName: 'Bob',
    lastName: 'Smith-Jones',
    dateOfBirth: '1980-12-03',
    postcode: 'LE11 3RT',
    addressLine1: '',
  };
  const plain = comparePeople(p(robert), p(other)).reasons.map((r) => r.description);
  assert.ok(plain.includes('First name: Bob is a short form of Robert'), plain.join('\n'));
  assert.ok(plain.includes('Last name: Smith is part of Smith-Jones'), plain.join('\n'));
  assert.ok(
    plain.includes('Date of birth: day and month swapped (12 March 1980 and 3 December 1980)'),
    plain.join('\n'),
  );
  assert.ok(plain.includes('Postcode: LE11 3TR and LE11 3RT differ by one character'), plain.join('\n'));
  const redacted = comparePeople(p(robert), p(other), { redact: true })
    .reasons.map((r) => r.description)
    .join('\n');
  for (const value of ['Bob', 'Robert', 'Smith', 'Jones', '1980', 'March', 'LE11', '07700'])
    assert.ok(!redacted.includes(value), `${value} in:\n${redacted}`);
  assert.match(redacted, /Date of birth: day and month swapped/);
});
