// Dates of birth: reading legacy forms, and the graded comparison (exact, transposed, one digit,
// partial, near, estimated age) with its explanations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeDirtyDate, parseDate } from './dates.ts';
import { compareDateOfBirth, DOB, MISSING } from './comparisons.ts';
import { comparePeople, preparePerson, type PersonInput } from './index.ts';

const now = new Date('2025-06-01T00:00:00Z');
const p = (input: PersonInput) => preparePerson(input, now);
const dob = (a: string, b: string) => compareDateOfBirth(p({ dateOfBirth: a }), p({ dateOfBirth: b }));

test('ISO dates are clean; legacy forms are read and reported; the rest is kept as text', () => {
  assert.deepEqual(
    { ...parseDate('1987-03-12') },
    { kind: 'date', year: 1987, month: 3, day: 12, digits: '19870312', iso: true },
  );
  assert.equal(parseDate('12/03/1987').digits, '19870312');
  assert.equal(parseDate('12.3.1987').digits, '19870312');
  assert.equal(parseDate('19870312').digits, '19870312');
  assert.equal(parseDate('1987-03-12T00:00:00Z').digits, '19870312');
  assert.equal(parseDate('1987').kind, 'year');
  assert.equal(parseDate('03/1987').kind, 'month');
  assert.equal(parseDate('1987-13-45').kind, 'text');
  assert.equal(parseDate('unknown').kind, 'text');
  assert.equal(parseDate('').kind, 'none');
  assert.equal(describeDirtyDate('1987-03-12'), null);
  assert.equal(describeDirtyDate(''), null);
  assert.equal(describeDirtyDate('1987-13-45'), "'1987-13-45' is not a date; compared as text");
  assert.equal(
    describeDirtyDate('12/03/1987'),
    "'12/03/1987' is not an ISO date (YYYY-MM-DD); read as 1987-03-12",
  );
  assert.equal(describeDirtyDate('1987'), "'1987' is a year only; compared as the year 1987");
});

test('exact, transposed day and month, and one digit off', () => {
  assert.equal(dob('1987-03-12', '1987-03-12'), DOB.EXACT);
  assert.equal(dob('1987-03-12', '12/03/1987'), DOB.EXACT);
  assert.equal(dob('1987-03-12', '1987-12-03'), DOB.TRANSPOSED);
  assert.equal(dob('1987-03-12', '1987-03-13'), DOB.TYPO);
  assert.equal(dob('1987-03-12', '1978-03-12'), DOB.TYPO);
  assert.equal(dob('1987-03-12', '1937-03-12'), DOB.TYPO);
});

test('dirty text is compared as text, never dropped', () => {
  assert.equal(dob('1987-13-45', '1987-13-45'), DOB.EXACT);
  assert.equal(dob('1987-03-21', '1987-03-2l'), DOB.TYPO);
  assert.equal(dob('1987-03-21', 'not known'), DOB.DIFFERENT);
  assert.equal(dob('1961-06-26', '1961-06-62'), DOB.TYPO);
});

test('year only, a 1 January placeholder, and near dates', () => {
  assert.equal(dob('1987-03-12', '1987'), DOB.PARTIAL);
  assert.equal(dob('1987-03-12', '03/1987'), DOB.PARTIAL);
  assert.equal(dob('1987-03-12', '1987-01-01'), DOB.PARTIAL);
  assert.equal(dob('1987-03-12', '1987-02-28'), DOB.MONTH);
  assert.equal(dob('1974-10-05', '1984-10-03'), DOB.TWO_DIGITS);
  assert.equal(dob('1987-03-12', '1986-11-20'), DOB.YEAR);
  assert.equal(dob('1987-03-12', '1981-07-30'), DOB.DECADE);
  assert.equal(dob('1987-03-12', '1950-07-30'), DOB.DIFFERENT);
  assert.equal(dob('1987', '1990'), DOB.DECADE);
  assert.equal(dob('', '1990-01-02'), MISSING);
});

test('an estimated age is checked against a year of birth, with a tolerance', () => {
  const estimated = p({ estimatedAge: 38 });
  assert.equal(compareDateOfBirth(estimated, p({ dateOfBirth: '1987-03-12' })), DOB.AGE);
  assert.equal(compareDateOfBirth(estimated, p({ dateOfBirth: '1960-03-12' })), DOB.DIFFERENT);
  assert.equal(compareDateOfBirth(estimated, p({ estimatedAge: 40 })), DOB.AGE);
  assert.equal(compareDateOfBirth(estimated, p({})), MISSING);
  // A date of birth wins over an estimate recorded beside it.
  assert.equal(p({ dateOfBirth: '1987-03-12', estimatedAge: 10 }).birthYearEstimate, 0);
});

test('explanations name the kind of disagreement', () => {
  const why = (a: string, b: string) =>
    comparePeople(p({ dateOfBirth: a }), p({ dateOfBirth: b })).reasons.find(
      (r) => r.field === 'date_of_birth',
    )!.description;
  assert.equal(
    why('1987-03-12', '1987-12-03'),
    'Date of birth: day and month swapped (12 March 1987 and 3 December 1987)',
  );
  assert.equal(why('1987-03-12', '1987-03-12'), 'Date of birth: 12 March 1987 agrees');
  assert.match(why('1987-03-12', '1987-03-13'), /^Date of birth: one digit different/);
});
