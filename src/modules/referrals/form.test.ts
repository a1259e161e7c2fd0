// A referral type's form as data: answers read against it (every kind of field, required or not,
// odd input), and the administrator's rows turned back into fields with stable keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReferralField } from '../../platform/db/schema.ts';
import { emptyErrors } from '../../platform/http/forms.ts';
import { answerText, fieldsFromRows, readAnswers, readFieldRows } from './form.ts';

const FIELDS: ReferralField[] = [
  { key: 'q1', label: 'Name of school', kind: 'text', required: true, options: [] },
  { key: 'q2', label: 'Notes', kind: 'textarea', required: false, options: [] },
  { key: 'q3', label: 'Parents aware?', kind: 'yesno', required: true, options: [] },
  { key: 'q4', label: 'Risk', kind: 'choice', required: true, options: ['Low', 'High'] },
  { key: 'q5', label: 'Last seen', kind: 'date', required: false, options: [] },
];

test('valid answers are returned by key, dates as ISO dates, blank optional answers left out', () => {
  const { answers, errors } = readAnswers(FIELDS, { f_q1: ' Loughborough College ', f_q3: 'no', f_q4: 'High', 'f_q5-day': '7', 'f_q5-month': '3', 'f_q5-year': '2026' });
  assert.deepEqual(errors.list, []);
  assert.deepEqual(answers, { q1: 'Loughborough College', q3: 'no', q4: 'High', q5: '2026-03-07' });
  assert.equal(answerText(FIELDS[4]!, answers.q5), '7 March 2026');
  assert.equal(answerText(FIELDS[2]!, answers.q3), 'No');
  assert.equal(answerText(FIELDS[1]!, undefined), 'Not answered');
});

test('required, out-of-list, malformed and over-long answers each get a message on their field', () => {
  const { answers, errors, values } = readAnswers(FIELDS, { f_q1: ['x'.repeat(501)], f_q2: { nested: true }, f_q3: 'maybe', f_q4: 'Medium', 'f_q5-day': '31', 'f_q5-month': '2', 'f_q5-year': '2026' });
  assert.deepEqual(Object.keys(errors.byField).sort(), ['f_q1', 'f_q3', 'f_q4', 'f_q5']);
  assert.match(errors.byField.f_q1!.text, /500 characters or fewer/);
  assert.match(errors.byField.f_q4!.text, /from the list/);
  assert.match(errors.byField.f_q5!.text, /real date/);
  assert.deepEqual(answers, {});
  assert.equal(values.f_q2, '', 'a value that is not text is treated as absent');
  const empty = readAnswers(FIELDS, undefined);
  assert.deepEqual(Object.keys(empty.errors.byField), ['f_q1', 'f_q3', 'f_q4']);
});

test('field rows: blanks ignored, removed rows dropped, keys kept for existing questions and new ones numbered on', () => {
  const body = {
    'field-0-key': 'q1', 'field-0-label': 'Name of school', 'field-0-kind': 'text', 'field-0-required': 'yes',
    'field-1-key': 'q4', 'field-1-label': 'Risk', 'field-1-kind': 'choice', 'field-1-options': 'Low\r\nHigh\nHigh\n ',
    'field-2-key': 'q2', 'field-2-label': 'Notes', 'field-2-kind': 'textarea', 'field-2-remove': 'yes',
    'field-3-label': '', 'field-3-kind': 'text',
    'field-4-label': 'Best time to call', 'field-4-kind': 'text', 'field-4-hint': 'Mornings?',
  };
  const errors = emptyErrors();
  const fields = fieldsFromRows(readFieldRows(body), errors, FIELDS);
  assert.deepEqual(errors.list, []);
  assert.deepEqual(fields, [
    { key: 'q1', label: 'Name of school', kind: 'text', required: true, options: [] },
    { key: 'q4', label: 'Risk', kind: 'choice', required: false, options: ['Low', 'High'] },
    { key: 'q6', label: 'Best time to call', kind: 'text', required: false, options: [], hint: 'Mornings?' },
  ]);
  const bad = emptyErrors();
  fieldsFromRows(readFieldRows({ 'field-0-key': 'q1', 'field-0-label': '', 'field-0-kind': 'text', 'field-1-label': 'Pick', 'field-1-kind': 'choice', 'field-1-options': 'Only', 'field-2-label': 'What', 'field-2-kind': 'script' }), bad, FIELDS);
  assert.deepEqual(Object.keys(bad.byField), ['field-0-label', 'field-1-options', 'field-2-kind']);
});
