// Working days and the Case Review's stages: bank holidays as published agree with the rules that
// cover other years, deadlines skip weekends and holidays, and each stage's state follows the review.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BANK_HOLIDAYS, addWorkingDays, easterSunday, isWorkingDay, ruleBankHolidays, workingDaysBetween, todayInLondon } from './working-days.ts';
import { allowed, dueAfterDecision, nextDue, tasks, type ReviewState } from './stages.ts';
import { DEFAULTS } from './settings.ts';

test('the published bank holidays for 2024 to 2028 are what the usual rules give', () => {
  for (const [year, days] of Object.entries(BANK_HOLIDAYS)) assert.deepEqual(ruleBankHolidays(Number(year)), [...days], year);
  assert.equal(easterSunday(2025), '2025-04-20');
  assert.equal(easterSunday(2030), '2030-04-21');
});

test('working days skip weekends and bank holidays, and the starting day never counts', () => {
  assert.equal(isWorkingDay('2026-03-27'), true); // a Friday
  assert.equal(isWorkingDay('2026-03-28'), false); // Saturday
  assert.equal(isWorkingDay('2025-12-26'), false); // Boxing Day
  assert.equal(addWorkingDays('2026-03-27', 1), '2026-03-30', 'Friday + 1 is Monday');
  assert.equal(addWorkingDays('2026-03-30', 5), '2026-04-08', 'over Good Friday and Easter Monday');
  assert.equal(addWorkingDays('2026-12-23', 2), '2026-12-29', 'Christmas on a Friday, Boxing Day moved to Monday 28th');
  assert.equal(addWorkingDays('2027-12-24', 1), '2027-12-29', 'both Christmas holidays moved past the weekend');
  assert.equal(addWorkingDays('2026-05-01', 15), '2026-05-26', 'two May bank holidays');
  assert.equal(addWorkingDays('2031-01-01', 1), '2031-01-02', 'beyond the published list the rules still apply');
  assert.equal(addWorkingDays('2026-03-27', 0), '2026-03-27');
  assert.equal(workingDaysBetween('2026-03-27', '2026-04-07'), 5);
  assert.equal(workingDaysBetween('2026-04-07', '2026-03-27'), -5);
  assert.match(todayInLondon(), /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(todayInLondon(new Date('2026-06-30T23:30:00Z')), '2026-07-01', 'midnight in London, not in UTC');
});

const base: ReviewState = {
  status: 'open',
  received_on: '2026-03-02',
  decision: null,
  decided_on: null,
  decision_due_on: '2026-03-09',
  meeting_on: null,
  meeting_due_on: null,
  response_on: null,
  response_due_on: null,
  escalation_requested_on: null,
  escalation_outcome_on: null,
  closed_on: null,
};

test('each stage makes the next one due, and a decision that the threshold is not met skips the meeting', () => {
  assert.deepEqual(nextDue(base, []), { on: '2026-03-09', stage: 'decision' });
  const met = { ...base, decision: 'met' as const, decided_on: '2026-03-06', ...dueAfterDecision('met', '2026-03-06', DEFAULTS) };
  assert.equal(met.meeting_due_on, '2026-03-27', '15 working days');
  assert.deepEqual(nextDue(met, []), { on: '2026-03-27', stage: 'meeting' });
  const notMet = { ...base, decision: 'not_met' as const, decided_on: '2026-03-06', ...dueAfterDecision('not_met', '2026-03-06', DEFAULTS) };
  assert.deepEqual(nextDue(notMet, []), { on: '2026-03-13', stage: 'response' });
  assert.equal(allowed(notMet).meeting, false);
  assert.equal(allowed(notMet).response, true);
  const told = { ...met, meeting_on: '2026-03-20', response_due_on: '2026-03-27', response_on: '2026-03-25' };
  const recs = [
    { status: 'done' as const, due_on: '2026-04-01' },
    { status: 'open' as const, due_on: '2026-06-01' },
    { status: 'in_progress' as const, due_on: '2026-05-01' },
  ];
  assert.deepEqual(nextDue(told, recs), { on: '2026-05-01', stage: 'recommendations' });
  assert.deepEqual(nextDue(told, [recs[0]!]), { on: null, stage: 'closure' });
  assert.deepEqual(nextDue({ ...told, status: 'closed', closed_on: '2026-06-02' }, recs), { on: null, stage: null });
  assert.equal(allowed(told).decision, false, 'the decision is final once the meeting has followed it');
  assert.equal(allowed({ ...told, status: 'closed' }).escalation, true, 'escalation can follow closure');
});

test('the task list says what is done, due, overdue or not yet possible', () => {
  const states = (r: ReviewState, today: string) => Object.fromEntries(tasks(r, [], today).map((t) => [t.key, t.state]));
  assert.deepEqual(states(base, '2026-03-05'), {
    application: 'completed',
    decision: 'due',
    meeting: 'cannot_start',
    recommendations: 'cannot_start',
    response: 'cannot_start',
    escalation: 'cannot_start',
    closure: 'cannot_start',
  });
  assert.equal(states(base, '2026-03-10').decision, 'overdue');
  const notMet = { ...base, decision: 'not_met' as const, decided_on: '2026-03-06', response_due_on: '2026-03-13' };
  assert.deepEqual(states(notMet, '2026-03-10'), {
    application: 'completed',
    decision: 'completed',
    meeting: 'not_needed',
    recommendations: 'not_needed',
    response: 'due',
    escalation: 'cannot_start',
    closure: 'cannot_start',
  });
});
