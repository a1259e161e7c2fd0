// What the "vulnerable / repeat" marker says for each combination of risk, recorded vulnerabilities
// and repeat flags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combineMarker, type MarkerInput } from './markers.ts';

const none: MarkerInput = {
  vulnerabilities: [],
  vulnerability_notes: null,
  band: null,
  vulnerableVictimIncident: false,
  flags: [],
};
const victimFlag = { kind: 'victim' as const, incident_count: 4, window_months: 12 };

test('no risk, no vulnerability and no repeat: no marker', () => {
  assert.equal(combineMarker(none), null);
  assert.equal(combineMarker({ ...none, band: 'standard', vulnerability_notes: '  ' }), null);
});

test('medium or high risk, a recorded vulnerability or a vulnerable-victim incident make a person vulnerable', () => {
  assert.equal(combineMarker({ ...none, band: 'medium' })?.text, 'Vulnerable');
  assert.equal(combineMarker({ ...none, band: 'high' })?.tone, 'red');
  const m = combineMarker({ ...none, vulnerabilities: ['disability', 'isolation'] })!;
  assert.deepEqual(m.reasons, ['Disability', 'Social isolation']);
  assert.equal(m.tone, 'orange');
  assert.equal(combineMarker({ ...none, vulnerability_notes: 'Recently bereaved' })?.text, 'Vulnerable');
  assert.equal(combineMarker({ ...none, vulnerableVictimIncident: true })?.text, 'Vulnerable');
});

test('a repeat victim flag, or a vulnerability recorded as "repeat victim", makes a repeat victim', () => {
  const flagged = combineMarker({ ...none, flags: [victimFlag] })!;
  assert.equal(flagged.text, 'Repeat victim');
  assert.deepEqual(flagged.reasons, ['Repeat victim: 4 incidents in 12 months across the partnership']);
  const recorded = combineMarker({ ...none, vulnerabilities: ['repeat_victim'] })!;
  assert.equal(recorded.text, 'Repeat victim');
  assert.equal(recorded.vulnerable, false);
});

test('both together: one red marker with every reason, most weighty first', () => {
  const m = combineMarker({
    ...none,
    band: 'medium',
    vulnerabilities: ['mental_health'],
    flags: [victimFlag],
  })!;
  assert.equal(m.text, 'Vulnerable, repeat victim');
  assert.equal(m.tone, 'red');
  assert.deepEqual(m.reasons, [
    'Medium risk at the latest assessment',
    'Mental health',
    'Repeat victim: 4 incidents in 12 months across the partnership',
  ]);
});

test('a repeat perpetrator is marked as such, apart from vulnerability', () => {
  const m = combineMarker({
    ...none,
    flags: [{ kind: 'perpetrator', incident_count: 3, window_months: 6 }],
  })!;
  assert.equal(m.text, '');
  assert.equal(m.repeatPerpetrator, true);
  assert.deepEqual(m.reasons, ['Repeat perpetrator: 3 incidents in 6 months across the partnership']);
});
