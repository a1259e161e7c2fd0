// The string measures are written for speed; they must still agree with the standard definitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import talismanJaroWinkler from 'talisman/metrics/jaro-winkler.js';
import { editDistance, jaroWinkler, jaroWinklerAtLeast, jaroWinklerBound, withinOneEdit } from './strings.ts';

const PAIRS = [
  ['martha', 'marhta'],
  ['dwayne', 'duane'],
  ['dixon', 'dicksonx'],
  ['jones', 'johnson'],
  ['smith', 'smith'],
  ['catherine', 'kathryn'],
  ['a', 'b'],
  ['', 'abc'],
  ['przybylski', 'przybilski'],
  ['abcdefghij', 'jihgfedcba'],
];

test('Jaro–Winkler agrees with talisman’s, and the bound is a true upper bound', () => {
  for (const [a, b] of PAIRS) {
    assert.ok(Math.abs(jaroWinkler(a!, b!) - talismanJaroWinkler(a!, b!)) < 1e-12, `${a} ${b}`);
    assert.ok(jaroWinklerBound(a!, b!) >= jaroWinkler(a!, b!) - 1e-12, `${a} ${b}`);
  }
  assert.equal(jaroWinklerAtLeast('jones', 'okafor', 0.8), 0);
  assert.equal(jaroWinklerAtLeast('martha', 'marhta', 0.8), jaroWinkler('martha', 'marhta'));
});

test('one edit: insertion, deletion, substitution, adjacent swap', () => {
  assert.ok(withinOneEdit('smith', 'smith'));
  assert.ok(withinOneEdit('smith', 'smyth'));
  assert.ok(withinOneEdit('smith', 'smth'));
  assert.ok(withinOneEdit('smith', 'smiith'));
  assert.ok(withinOneEdit('smith', 'smiht'));
  assert.ok(!withinOneEdit('smith', 'simth x'));
  assert.ok(!withinOneEdit('smith', 'smyht'));
  assert.ok(!withinOneEdit('ab', 'ba c'));
  for (const [a, b] of PAIRS) assert.equal(withinOneEdit(a!, b!), editDistance(a!, b!, 1) <= 1, `${a} ${b}`);
  assert.equal(editDistance('kitten', 'sitting', 5), 3);
  assert.equal(editDistance('kitten', 'sitting', 2), 3);
});
