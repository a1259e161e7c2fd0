// The rules of each tier and power, checked without a database: who can receive it, age limits at
// the issue date, lengths, and what some powers need recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDuration, kindByKey, KINDS, type InterventionKind } from './kinds.ts';
import { ageOn, checkIntervention, type Age, type InterventionInput } from './rules.ts';

const TODAY = '2026-03-10';
const kind = (key: string): InterventionKind => kindByKey(key)!;
const input = (over: Partial<InterventionInput> = {}): InterventionInput => ({
  issuedOn: '2026-03-01',
  expiresOn: null,
  reviewOn: null,
  durationHours: null,
  indefinite: false,
  status: 'issued',
  convictionOn: null,
  yotConsulted: false,
  authorisedBy: null,
  authoriserRank: null,
  ...over,
});
const age = (years: number, estimated = false): Age => ({ years, estimated });
const fields = (r: ReturnType<typeof checkIntervention>) => (r.ok ? [] : r.problems.map((p) => p.field));
const messages = (r: ReturnType<typeof checkIntervention>) => (r.ok ? '' : r.problems.map((p) => p.message).join(' | '));

test('the ladder is in tier order with unique keys', () => {
  assert.deepEqual(KINDS.map((k) => k.tier), [...KINDS.map((k) => k.tier)].sort((a, b) => a - b));
  assert.equal(new Set(KINDS.map((k) => k.key)).size, KINDS.length);
  for (const key of ['advice', 'warning_letter', 'second_warning', 'abc', 'cpw', 'cpn', 'fpn', 'civil_injunction', 'cbo', 'closure_notice', 'closure_order', 'dispersal', 'pspo', 'possession']) {
    assert.ok(kindByKey(key), key);
  }
});

test('age on a date comes from the date of birth, or from an estimate moved on by the years since', () => {
  assert.deepEqual(ageOn('2026-03-01', { date_of_birth: '2010-03-02', estimated_age: null, estimated_age_on: null }), { years: 15, estimated: false });
  assert.deepEqual(ageOn('2026-03-02', { date_of_birth: '2010-03-02', estimated_age: null, estimated_age_on: null }), { years: 16, estimated: false });
  assert.deepEqual(ageOn('2026-03-01', { date_of_birth: null, estimated_age: 14, estimated_age_on: '2024-02-01' }), { years: 16, estimated: true });
  assert.equal(ageOn('2026-03-01', { date_of_birth: null, estimated_age: null, estimated_age_on: null }), null);
});

test('durations add calendar months, clamped to the end of a shorter month', () => {
  assert.equal(addDuration('2026-01-31', { months: 1 }), '2026-02-28');
  assert.equal(addDuration('2026-03-01', { months: 6 }), '2026-09-01');
  assert.equal(addDuration('2026-03-01', { hours: 48 }), '2026-03-03');
  assert.equal(addDuration('2026-03-01', { hours: 12 }), '2026-03-02');
});

test('an Acceptable Behaviour Contract lasts six months unless told otherwise, and is for a person', () => {
  const r = checkIntervention(kind('abc'), 'person', age(30), input(), TODAY);
  assert.ok(r.ok);
  assert.equal(r.value.expiresOn, '2026-09-01');
  assert.equal(r.value.reviewOn, '2026-06-01');
  assert.deepEqual(fields(checkIntervention(kind('abc'), 'business', null, input(), TODAY)), ['kind']);
});

test('Community Protection Warnings and Notices are for people aged 16 or over, or organisations', () => {
  for (const key of ['cpw', 'cpn']) {
    const young = checkIntervention(kind(key), 'person', age(15), input(), TODAY);
    assert.deepEqual(fields(young), ['kind']);
    assert.match(messages(young), /aged 16 or over: this person was 15 on the issue date/);
    assert.ok(checkIntervention(kind(key), 'person', age(16), input(), TODAY).ok);
    assert.ok(checkIntervention(kind(key), 'business', null, input(), TODAY).ok);
  }
  assert.match(messages(checkIntervention(kind('cpw'), 'person', age(15, true), input(), TODAY)), /is estimated to have been 15/);
});

test('a civil injunction is for anyone 10 or over, and lasts at most 12 months for under-18s', () => {
  assert.deepEqual(fields(checkIntervention(kind('civil_injunction'), 'person', age(9), input({ expiresOn: '2026-06-01' }), TODAY)), ['kind']);
  const long = checkIntervention(kind('civil_injunction'), 'person', age(15), input({ expiresOn: '2027-04-01' }), TODAY);
  assert.deepEqual(fields(long), ['expires_on']);
  assert.match(messages(long), /under 18 lasts at most 12 months.*on or before 1 March 2027/);
  assert.ok(checkIntervention(kind('civil_injunction'), 'person', age(15), input({ expiresOn: '2027-03-01' }), TODAY).ok);
  assert.ok(checkIntervention(kind('civil_injunction'), 'person', age(40), input({ expiresOn: '2028-03-01' }), TODAY).ok);
  assert.deepEqual(fields(checkIntervention(kind('civil_injunction'), 'person', age(15), input({ indefinite: true }), TODAY)), ['indefinite']);
});

test('a Criminal Behaviour Order needs a conviction, and lasts 2 years or more for adults, 1 to 3 years for under-18s', () => {
  const convicted = { convictionOn: '2026-02-20' };
  assert.deepEqual(fields(checkIntervention(kind('cbo'), 'person', age(30), input({ expiresOn: '2028-03-01' }), TODAY)), ['conviction_on']);
  assert.deepEqual(fields(checkIntervention(kind('cbo'), 'person', age(30), input({ expiresOn: '2028-03-01', convictionOn: '2026-03-05' }), TODAY)), ['conviction_on']);
  const short = checkIntervention(kind('cbo'), 'person', age(30), input({ ...convicted, expiresOn: '2027-09-01' }), TODAY);
  assert.deepEqual(fields(short), ['expires_on']);
  assert.match(messages(short), /an adult lasts at least 2 years/);
  assert.ok(checkIntervention(kind('cbo'), 'person', age(30), input({ ...convicted, expiresOn: '2028-03-01' }), TODAY).ok);
  const forever = checkIntervention(kind('cbo'), 'person', age(30), input({ ...convicted, indefinite: true }), TODAY);
  assert.ok(forever.ok);
  assert.equal(forever.value.expiresOn, null);
  const youth = { ...convicted, yotConsulted: true };
  assert.deepEqual(fields(checkIntervention(kind('cbo'), 'person', age(16), input({ ...youth, expiresOn: '2026-12-01' }), TODAY)), ['expires_on']);
  assert.deepEqual(fields(checkIntervention(kind('cbo'), 'person', age(16), input({ ...youth, expiresOn: '2029-04-01' }), TODAY)), ['expires_on']);
  assert.ok(checkIntervention(kind('cbo'), 'person', age(16), input({ ...youth, expiresOn: '2028-03-01' }), TODAY).ok);
  assert.deepEqual(fields(checkIntervention(kind('cbo'), 'person', age(16), input({ ...convicted, expiresOn: '2028-03-01' }), TODAY)), ['yot_consulted']);
  assert.deepEqual(fields(checkIntervention(kind('cbo'), 'person', age(16), input({ ...youth, indefinite: true }), TODAY)), ['indefinite']);
});

test('closure notices last at most 48 hours; closure orders 3 months, or 6 once extended', () => {
  const notice = checkIntervention(kind('closure_notice'), 'household', null, input({ durationHours: 49 }), TODAY);
  assert.deepEqual(fields(notice), ['duration_hours']);
  const ok = checkIntervention(kind('closure_notice'), 'business', null, input({ durationHours: 24 }), TODAY);
  assert.ok(ok.ok);
  assert.equal(ok.value.expiresOn, '2026-03-02');
  assert.equal(ok.value.durationHours, 24);
  const order = checkIntervention(kind('closure_order'), 'household', null, input({ expiresOn: '2026-07-01' }), TODAY);
  assert.deepEqual(fields(order), ['expires_on']);
  assert.match(messages(order), /at most 3 months unless the court has extended it/);
  assert.ok(checkIntervention(kind('closure_order'), 'household', null, input({ expiresOn: '2026-08-01', status: 'varied' }), TODAY).ok);
  assert.deepEqual(fields(checkIntervention(kind('closure_order'), 'household', null, input({ expiresOn: '2026-10-01', status: 'varied' }), TODAY)), ['expires_on']);
});

test('a dispersal direction lasts at most 48 hours and is authorised by an inspector or above', () => {
  const missing = checkIntervention(kind('dispersal'), 'person', age(17), input({ durationHours: 48 }), TODAY);
  assert.deepEqual(fields(missing), ['authorised_by', 'authoriser_rank']);
  const sergeant = checkIntervention(kind('dispersal'), 'person', age(17), input({ durationHours: 48, authorisedBy: 'A Officer', authoriserRank: 'Sergeant' }), TODAY);
  assert.match(messages(sergeant), /inspector or above/);
  assert.ok(checkIntervention(kind('dispersal'), 'person', age(17), input({ authorisedBy: 'A Officer', authoriserRank: 'Inspector' }), TODAY).ok);
  assert.deepEqual(fields(checkIntervention(kind('dispersal'), 'person', age(17), input({ durationHours: 72, authorisedBy: 'A', authoriserRank: 'Inspector' }), TODAY)), ['duration_hours']);
  assert.deepEqual(fields(checkIntervention(kind('dispersal'), 'person', age(9), input({ authorisedBy: 'A', authoriserRank: 'Inspector' }), TODAY)), ['kind']);
});

test('a Public Spaces Protection Order lasts at most 3 years', () => {
  assert.deepEqual(fields(checkIntervention(kind('pspo'), 'household', null, input({ expiresOn: '2029-04-01' }), TODAY)), ['expires_on']);
  assert.ok(checkIntervention(kind('pspo'), 'household', null, input({ expiresOn: '2029-03-01' }), TODAY).ok);
});

test('dates must be in order, and an intervention cannot be issued in the future', () => {
  assert.deepEqual(fields(checkIntervention(kind('warning_letter'), 'person', null, input({ issuedOn: '2026-03-11' }), TODAY)), ['issued_on']);
  assert.deepEqual(fields(checkIntervention(kind('abc'), 'person', null, input({ expiresOn: '2026-02-01' }), TODAY)), ['expires_on']);
  assert.deepEqual(fields(checkIntervention(kind('abc'), 'person', null, input({ expiresOn: '2026-05-01', reviewOn: '2026-06-01' }), TODAY)), ['review_on']);
  assert.deepEqual(fields(checkIntervention(kind('abc'), 'person', null, input({ reviewOn: '2026-02-01' }), TODAY)), ['review_on']);
  assert.deepEqual(fields(checkIntervention(kind('abc'), 'person', null, input({ indefinite: true }), TODAY)), ['indefinite']);
  assert.deepEqual(fields(checkIntervention(kind('civil_injunction'), 'person', age(30), input({ indefinite: true, expiresOn: '2027-01-01' }), TODAY)), ['expires_on']);
});
