// Name comparisons: folding, nicknames, spelling slips, sounds, swapped and double-barrelled names,
// initials and middle names, as an officer would expect them to be read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparePeople, nameKeys, preparePerson, type PersonInput } from './index.ts';
import {
  compareFirstName,
  compareLastName,
  compareMiddleNames,
  compareNames,
  FIRST,
  FIRST_NAME,
  LAST,
  LAST_NAME,
  MIDDLE,
  MISSING,
  NAMES_SWAPPED,
  VECTOR_LENGTH,
} from './comparisons.ts';
import { fold } from './text.ts';

const p = (input: PersonInput) => preparePerson(input);
const first = (a: string, b: string) => compareFirstName(p({ firstName: a }), p({ firstName: b }));
const last = (a: string, b: string) => compareLastName(p({ lastName: a }), p({ lastName: b }));
const reason = (a: PersonInput, b: PersonInput, field: string) =>
  comparePeople(p(a), p(b)).reasons.find((r) => r.field === field);

test('case, accents and punctuation are folded away', () => {
  assert.equal(fold('  JOSÉ-María  '), 'jose maria');
  assert.equal(fold("O'Brien"), 'obrien');
  assert.equal(fold('Wiśniewski'), 'wisniewski');
  assert.equal(fold('Straße'), 'strasse');
  assert.equal(first('Zoë', 'ZOE'), FIRST.EXACT);
  assert.equal(last("O'Brien", 'OBRIEN'), LAST.EXACT);
  assert.equal(last('Ó Súilleabháin', 'O Suilleabhain'), LAST.EXACT);
});

test('nicknames and diminutives from the data file are the same name, both ways round', () => {
  for (const [a, b] of [
    ['Bob', 'Robert'],
    ['Robert', 'Robbie'],
    ['Bill', 'William'],
    ['Liam', 'William'],
    ['Peggy', 'Margaret'],
    ['Maggie', 'Margaret'],
    ['Jack', 'John'],
    ['Harry', 'Henry'],
    ['Ted', 'Edward'],
    ['Ned', 'Edward'],
    ['Sandy', 'Alexander'],
    ['Sandy', 'Alexandra'],
    ['Del', 'Derek'],
    ['Steven', 'Stephen'],
    ['Bob', 'Robbie'],
  ]) {
    assert.equal(first(a!, b!), FIRST.NICKNAME, `${a} / ${b}`);
    assert.equal(first(b!, a!), FIRST.NICKNAME, `${b} / ${a}`);
  }
  // Two full names that merely share a nickname are not the same name.
  assert.notEqual(first('Albert', 'Alan'), FIRST.NICKNAME);
  assert.notEqual(first('Robert', 'Roberta'), FIRST.NICKNAME);
});

test('the explanation says which form of which name', () => {
  assert.equal(
    reason({ firstName: 'Bob' }, { firstName: 'Robert' }, 'first_name')?.description,
    'First name: Bob is a short form of Robert',
  );
  assert.equal(
    reason({ firstName: 'Robert' }, { firstName: 'Bob' }, 'first_name')?.description,
    'First name: Bob is a short form of Robert',
  );
  assert.equal(
    reason({ firstName: 'Ted' }, { firstName: 'Ned' }, 'first_name')?.description,
    'First name: Ted and Ned are both short forms of Edward',
  );
  assert.equal(
    reason({ firstName: 'Steven' }, { firstName: 'Stephen' }, 'first_name')?.description,
    'First name: Steven and Stephen are forms of the same name',
  );
});

test('spelling slips, sounds and partial similarity are graded', () => {
  assert.equal(first('Jhon', 'John'), FIRST.TYPO);
  assert.equal(first('Micheal', 'Michael'), FIRST.TYPO);
  assert.equal(last('Smyth', 'Smith'), LAST.TYPO);
  assert.equal(last('Thompson', 'Tomson'), LAST.SIMILAR);
  assert.equal(first('Catherine', 'Kathryn'), FIRST.NICKNAME);
  assert.equal(first('Aimee', 'Amy'), FIRST.SIMILAR);
  assert.equal(first('Kristin', 'Christine'), FIRST.SIMILAR);
  assert.equal(last('Phillips', 'Fillips'), LAST.SIMILAR);
  assert.equal(last('Przybylski', 'Przybilski'), LAST.TYPO);
  assert.equal(first('Peter', 'Susan'), FIRST.DIFFERENT);
  assert.equal(last('Jones', 'Okafor'), LAST.DIFFERENT);
  assert.ok(first('Gegrgoe', 'George') <= FIRST.PARTIAL);
});

test('initials agree with the name they begin, and disagree with others', () => {
  assert.equal(first('J.', 'John'), FIRST.INITIAL);
  assert.equal(first('John', 'J'), FIRST.INITIAL);
  assert.equal(first('K', 'John'), FIRST.DIFFERENT);
  assert.equal(
    reason({ firstName: 'J' }, { firstName: 'John' }, 'first_name')?.description,
    'First name: J is the initial of John',
  );
});

test('a first name that is the other record’s middle name is similar', () => {
  assert.equal(
    compareFirstName(p({ firstName: 'Anne' }), p({ firstName: 'Mary', middleNames: 'Anne' })),
    FIRST.SIMILAR,
  );
  assert.equal(compareFirstName(p({ firstName: 'Anne' }), p({ firstName: 'Mary Anne' })), FIRST.SIMILAR);
});

test('middle names: full agreement, initials, difference, and nothing to compare', () => {
  assert.equal(
    compareMiddleNames(p({ middleNames: 'James Arthur' }), p({ middleNames: 'Arthur' })),
    MIDDLE.EXACT,
  );
  assert.equal(compareMiddleNames(p({ middleNames: 'J' }), p({ middleNames: 'James' })), MIDDLE.INITIAL);
  assert.equal(
    compareMiddleNames(p({ middleNames: 'James' }), p({ middleNames: 'Peter' })),
    MIDDLE.DIFFERENT,
  );
  assert.equal(compareMiddleNames(p({ middleNames: '' }), p({ middleNames: 'Peter' })), MISSING);
});

test('double-barrelled and hyphenated surnames agree on either part', () => {
  assert.equal(last('Smith-Jones', 'Jones'), LAST.PART);
  assert.equal(last('Smith', 'Smith Jones'), LAST.PART);
  assert.equal(last('Smith-Jones', 'Jones-Williams'), LAST.PART);
  assert.equal(last('Smith-Jones', 'Smith Jones'), LAST.EXACT);
  assert.equal(
    reason({ lastName: 'Smith-Jones' }, { lastName: 'Jones' }, 'last_name')?.description,
    'Last name: Jones is part of Smith-Jones',
  );
});

test('an alias or previous surname counts as part of the name', () => {
  const a = p({
    firstName: 'Sarah',
    lastName: 'Khan',
    aliases: [{ firstName: 'Sally', lastName: 'Hughes' }],
  });
  assert.equal(compareLastName(a, p({ lastName: 'Hughes' })), LAST.PART);
  assert.equal(compareFirstName(a, p({ firstName: 'Sally' })), FIRST.NICKNAME);
});

test('first and last names the other way round are read as swapped, with a small penalty', () => {
  const out = new Uint8Array(VECTOR_LENGTH);
  compareNames(p({ firstName: 'Smith', lastName: 'John' }), p({ firstName: 'John', lastName: 'Smith' }), out);
  assert.equal(out[FIRST_NAME], FIRST.EXACT);
  assert.equal(out[LAST_NAME], LAST.EXACT);
  assert.equal(out[NAMES_SWAPPED], 0);
  // With one side's surname missing, as in "Barker Matilda" against plain "Matilda".
  compareNames(p({ firstName: 'Barker', lastName: 'Matilda' }), p({ firstName: 'Matilda' }), out);
  assert.equal(out[NAMES_SWAPPED], 0);
  assert.equal(out[LAST_NAME], LAST.EXACT);
  // Names that agree the right way round are not swapped.
  compareNames(p({ firstName: 'John', lastName: 'Smith' }), p({ firstName: 'Jon', lastName: 'Smith' }), out);
  assert.equal(out[NAMES_SWAPPED], MISSING);
  const result = comparePeople(
    p({ firstName: 'Smith', lastName: 'John' }),
    p({ firstName: 'John', lastName: 'Smith' }),
  );
  const swap = result.reasons.find((r) => r.level === 'swapped');
  assert.equal(swap?.field, 'name');
  assert.ok(swap!.weight < 0);
  assert.ok(result.weight > 5, 'swapped names still count as agreement');
});

test('nameKeys gives normalised, nickname and phonetic forms for indexes', () => {
  const keys = nameKeys({
    firstName: 'Bob',
    lastName: 'Smith-Jones',
    aliases: [{ firstName: 'Bobby', lastName: 'Brown' }],
  });
  assert.deepEqual(keys.firstNames.slice(0, 2), ['bob', 'robert']);
  assert.ok(keys.firstNames.includes('bobby'));
  assert.deepEqual(keys.lastNames, ['smithjones', 'smith', 'jones', 'brown']);
  assert.ok(keys.phonetic.includes('RPRT'));
  assert.ok(keys.phonetic.includes('SM0'));
  assert.deepEqual(nameKeys({}), { firstNames: [], lastNames: [], phonetic: [] });
});
