// The scoring rules, tested on the very definitions the migration stores (read from its SQL), and on
// a made-up partnership questionnaire to show nothing about the built-in ones is assumed in code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { MIGRATIONS_DIR } from '../../platform/db/migrate.ts';
import { parseDefinition, type Definition } from './definition.ts';
import { scoreAssessment, type Answers, type Scored } from './scoring.ts';

function stored(tag: string): Definition {
  const file = fs.readdirSync(MIGRATIONS_DIR).find((f) => f.startsWith('0007_'))!;
  const text = fs.readFileSync(path.join(MIGRATIONS_DIR, file), 'utf8');
  const m = new RegExp(`\\$${tag}\\$([\\s\\S]*?)\\$${tag}\\$`).exec(text);
  assert.ok(m, `definition ${tag} in the migration`);
  return parseDefinition(JSON.parse(m[1]!));
}

const asb = stored('asb_victim');
const dash = stored('dash');

const questionsOf = (def: Definition, scoredOnly = true) => def.sections.filter((s) => !scoredOnly || !s.screening).flatMap((s) => s.questions);
const ok = (r: ReturnType<typeof scoreAssessment>): Scored => {
  if (!r.ok) assert.fail(`expected a score, got ${JSON.stringify(r.problems)}`);
  return r;
};

/** Every scored question answered no, then the named ones yes. */
function asbAnswers(yes: string[], screening: 'yes' | 'no' = 'yes'): Answers {
  const a: Answers = {};
  for (const q of questionsOf(asb, false)) a[q.key] = q.key.startsWith('screen_') ? (q.key === 'screen_repeat' ? screening : 'no') : 'no';
  for (const k of yes) a[k] = 'yes';
  return a;
}

function dashAnswers(yes: number, rest: 'no' | 'not_known' = 'no'): Answers {
  const a: Answers = {};
  questionsOf(dash).forEach((q, i) => (a[q.key] = i < yes ? 'yes' : rest));
  return a;
}

test('the built-in definitions are valid and DASH has 27 questions', () => {
  assert.equal(questionsOf(dash).length, 27);
  assert.ok(questionsOf(asb).length >= 8);
  assert.ok(asb.sections.some((s) => s.screening));
});

test('ASB: all screening answers no and no full assessment gives standard risk', () => {
  const answers: Answers = {};
  for (const q of asb.sections[0]!.questions) answers[q.key] = 'no';
  const r = ok(scoreAssessment(asb, answers));
  assert.equal(r.screenedOut, true);
  assert.equal(r.computedBand, 'standard');
  assert.equal(r.finalBand, 'standard');
  assert.equal(r.score, 0);
  assert.equal(r.referralSuggested, false);
});

test('ASB: a screening yes makes every full-assessment question required', () => {
  const answers: Answers = {};
  for (const q of asb.sections[0]!.questions) answers[q.key] = 'no';
  answers.screen_unsafe = 'yes';
  const r = scoreAssessment(asb, answers);
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.problems.length, questionsOf(asb).length);
    assert.match(r.problems[0]!.message, /^Select yes, no or not known for: .*\(needed because a screening answer was not no\)$/);
  }
  const missingScreening = scoreAssessment(asb, {});
  assert.equal(missingScreening.ok, false);
  if (!missingScreening.ok) assert.ok(missingScreening.problems.some((p) => p.field === 'screen_vulnerable'));
});

test('ASB: score bands follow the definition thresholds', () => {
  // 3 + 3 + 2 = 8: just under medium (9).
  const eight = ok(scoreAssessment(asb, asbAnswers(['disability', 'health', 'moving'])));
  assert.equal(eight.score, 8);
  assert.equal(eight.computedBand, 'standard');
  // + not_helped (1) = 9: medium.
  const nine = ok(scoreAssessment(asb, asbAnswers(['disability', 'health', 'moving', 'not_helped'])));
  assert.equal(nine.score, 9);
  assert.equal(nine.computedBand, 'medium');
  // 3+3+3+2+2+2+2+1 = 18: high.
  const eighteen = ok(scoreAssessment(asb, asbAnswers(['disability', 'targeted_before', 'health', 'moving', 'isolated', 'children', 'property', 'not_helped'])));
  assert.equal(eighteen.score, 18);
  assert.equal(eighteen.computedBand, 'high');
  assert.equal(eighteen.yesCount, 8);
});

test('ASB: "not known" is not counted as yes', () => {
  const a = asbAnswers([]);
  for (const q of questionsOf(asb)) a[q.key] = 'not_known';
  const r = ok(scoreAssessment(asb, a));
  assert.equal(r.score, 0);
  assert.equal(r.yesCount, 0);
});

test('ASB: automatic rules raise the band whatever the score', () => {
  const threat = ok(scoreAssessment(asb, asbAnswers(['threatened'])));
  assert.equal(threat.score, 4);
  assert.equal(threat.computedBand, 'medium');
  assert.deepEqual(threat.rulesApplied, ['threat_or_injury']);
  const hate = ok(scoreAssessment(asb, asbAnswers(['hate', 'injured'])));
  assert.equal(hate.computedBand, 'high');
  assert.deepEqual(hate.rulesApplied, ['hate_with_threat_or_injury']);
  const vulnerableRepeat = ok(scoreAssessment(asb, asbAnswers(['disability', 'targeted_before'])));
  assert.equal(vulnerableRepeat.computedBand, 'medium');
});

test('ASB: professional judgement may raise or lower, always with a rationale', () => {
  const answers = asbAnswers(['disability', 'health', 'moving', 'not_helped']);
  const noReason = scoreAssessment(asb, answers, { band: 'standard', rationale: '  ' });
  assert.equal(noReason.ok, false);
  if (!noReason.ok) assert.deepEqual(noReason.problems.map((p) => p.field), ['override_rationale']);
  const lowered = ok(scoreAssessment(asb, answers, { band: 'standard', rationale: 'Perpetrator has moved away; no contact since.' }));
  assert.equal(lowered.computedBand, 'medium');
  assert.equal(lowered.overrideBand, 'standard');
  assert.equal(lowered.finalBand, 'standard');
  const same = ok(scoreAssessment(asb, answers, { band: 'medium', rationale: null }));
  assert.equal(same.overrideBand, null);
});

test('DASH: 13 yes answers is not visible high risk; 14 is, and suggests MARAC', () => {
  const thirteen = ok(scoreAssessment(dash, dashAnswers(13)));
  assert.equal(thirteen.yesCount, 13);
  assert.equal(thirteen.computedBand, 'medium');
  assert.equal(thirteen.referralSuggested, false);
  assert.equal(thirteen.protectedBand, false);
  const fourteen = ok(scoreAssessment(dash, dashAnswers(14)));
  assert.equal(fourteen.yesCount, 14);
  assert.equal(fourteen.computedBand, 'high');
  assert.equal(fourteen.finalBand, 'high');
  assert.equal(fourteen.protectedBand, true);
  assert.equal(fourteen.referralSuggested, true);
  // "Not known" answers never add up to high risk.
  assert.equal(ok(scoreAssessment(dash, dashAnswers(13, 'not_known'))).computedBand, 'medium');
});

test('DASH: professional judgement cannot lower a visible high risk', () => {
  const r = scoreAssessment(dash, dashAnswers(20), { band: 'medium', rationale: 'Victim says things are calmer.' });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.problems[0]!.message, /cannot lower a high risk/);
});

test('DASH: professional judgement may raise to high, which suggests MARAC', () => {
  const r = ok(scoreAssessment(dash, dashAnswers(6), { band: 'high', rationale: 'Recent strangulation disclosed after the checklist; escalating.' }));
  assert.equal(r.computedBand, 'standard');
  assert.equal(r.finalBand, 'high');
  assert.equal(r.referralSuggested, true);
  const withoutReason = scoreAssessment(dash, dashAnswers(6), { band: 'high', rationale: null });
  assert.equal(withoutReason.ok, false);
});

test('DASH: every question must be answered, and only with the listed answers', () => {
  const a = dashAnswers(3);
  delete a.injury;
  a.weapons = 'maybe';
  const r = scoreAssessment(dash, a);
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.ok(r.problems.some((p) => p.field === 'injury'));
    assert.ok(r.problems.some((p) => p.field === 'weapons' && /Select an answer from the list/.test(p.message)));
  }
});

test("a partnership's own questionnaire scores purely from its definition", () => {
  const own = parseDefinition({
    format: 1,
    answerOptions: [
      { value: 'often', label: 'Often', counts: true },
      { value: 'never', label: 'Never' },
    ],
    sections: [{ key: 'only', title: 'Questions', questions: [{ key: 'a', text: 'A?', weight: 5 }, { key: 'b', text: 'B?', weight: 7 }] }],
    bands: [
      { band: 'high', min: 12, label: 'Red' },
      { band: 'medium', min: 5, label: 'Amber' },
      { band: 'standard', min: 0, label: 'Green' },
    ],
    judgement: { raise: false, lower: false },
    referral: { name: 'Panel', whenBands: ['medium', 'high'], text: 'Refer to the panel.' },
  });
  const r = ok(scoreAssessment(own, { a: 'often', b: 'never', stray: 'x' }));
  assert.equal(r.score, 5);
  assert.equal(r.computedBand, 'medium');
  assert.equal(r.referralSuggested, true);
  assert.deepEqual(r.answers, { a: 'often', b: 'never' });
  const raised = scoreAssessment(own, { a: 'often', b: 'never' }, { band: 'high', rationale: 'x' });
  assert.equal(raised.ok, false);
});

test('broken definitions are refused with the first problem named', () => {
  assert.throws(() => parseDefinition({ format: 2 }), /Invalid risk questionnaire definition/);
  const dup = structuredClone(asb) as Definition;
  dup.sections[1]!.questions.push({ ...dup.sections[1]!.questions[0]! });
  assert.throws(() => parseDefinition(dup), /question keys must be unique/);
  const badRule = structuredClone(asb) as Definition;
  badRule.rules[0]!.when.all = [{ question: 'nope', answer: 'yes' }];
  assert.throws(() => parseDefinition(badRule), /unknown question nope/);
});
