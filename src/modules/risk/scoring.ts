// Scores a risk assessment from nothing but the questionnaire's stored definition and the answers:
// the weighted score and its band, the automatic minimum bands, screening, professional judgement
// within the definition's limits, and whether a referral (MARAC for DASH) is suggested. Pure: no
// database, no clock, so it is unit-tested directly and any partnership's version scores the same way.
import type { RiskBand } from '../../platform/db/schema.ts';
import { bandRank, type Definition } from './definition.ts';

export type Answers = Record<string, string>;

export interface Judgement {
  band: RiskBand | null;
  rationale: string | null;
}

export interface Problem {
  /** The form field: a question key, or override_band / override_rationale. */
  field: string;
  message: string;
}

export interface Scored {
  ok: true;
  score: number;
  yesCount: number;
  /** The band from the score and the automatic rules, before judgement. */
  computedBand: RiskBand;
  overrideBand: RiskBand | null;
  finalBand: RiskBand;
  /** Every screening answer was clear and the full assessment was left unanswered. */
  screenedOut: boolean;
  /** Rules that raised the band, by key. */
  rulesApplied: string[];
  /** The computed band is one judgement may not lower (for DASH: visible high risk). */
  protectedBand: boolean;
  referralSuggested: boolean;
  /** The answers that were scored, limited to the definition's questions. */
  answers: Answers;
}

export type ScoreResult = Scored | { ok: false; problems: Problem[] };

function bandFor(def: Definition, score: number): RiskBand {
  const sorted = [...def.bands].sort((a, b) => b.min - a.min);
  return (sorted.find((b) => score >= b.min) ?? sorted[sorted.length - 1]!).band;
}

export function scoreAssessment(def: Definition, rawAnswers: Answers, judgement: Judgement = { band: null, rationale: null }): ScoreResult {
  const problems: Problem[] = [];
  const allowed = new Set(def.answerOptions.map((o) => o.value));
  const counting = new Set(def.answerOptions.filter((o) => o.counts).map((o) => o.value));
  const answers: Answers = {};
  for (const s of def.sections) {
    for (const q of s.questions) {
      const a = rawAnswers[q.key];
      if (a !== undefined && a !== '' && allowed.has(a)) answers[q.key] = a;
      else if (a !== undefined && a !== '') problems.push({ field: q.key, message: `Select an answer from the list for: ${q.text}` });
    }
  }

  const screening = def.sections.filter((s) => s.screening);
  const scoredSections = def.sections.filter((s) => !s.screening);
  const labels = def.answerOptions.map((o) => o.label.toLowerCase());
  const choose = `Select ${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1]}`;
  for (const s of screening) for (const q of s.questions) if (!answers[q.key]) problems.push({ field: q.key, message: `${choose} for the screening question: ${q.text}` });
  const clear = new Set(def.screening?.clearAnswers ?? []);
  const screenedClear = screening.length > 0 && screening.every((s) => s.questions.every((q) => clear.has(answers[q.key] ?? '')));
  const scoredQuestions = scoredSections.flatMap((s) => s.questions);
  const answeredScored = scoredQuestions.filter((q) => answers[q.key]).length;
  const screenedOut = screenedClear && answeredScored === 0;
  if (!screenedOut) {
    const why = screenedClear || screening.length === 0 ? '' : ' (needed because a screening answer was not no)';
    for (const q of scoredQuestions) if (!answers[q.key]) problems.push({ field: q.key, message: `${choose} for: ${q.text}${why}` });
  }

  let score = 0;
  let yesCount = 0;
  for (const q of scoredQuestions) {
    if (counting.has(answers[q.key] ?? '')) {
      yesCount++;
      score += q.weight ?? 1;
    }
  }
  let computed = screenedOut ? def.screening!.clearBand : bandFor(def, score);
  const rulesApplied: string[] = [];
  if (!screenedOut) {
    for (const r of def.rules) {
      const hit = (c: { question: string; answer: string }) => answers[c.question] === c.answer;
      const all = r.when.all ?? [];
      const any = r.when.any ?? [];
      if (all.every(hit) && (any.length === 0 || any.some(hit)) && all.length + any.length > 0 && bandRank(r.minimumBand) > bandRank(computed)) {
        computed = r.minimumBand;
        rulesApplied.push(r.key);
      }
    }
  }

  const protectedBand = def.judgement.protectedBands.includes(computed);
  const rationale = judgement.rationale?.trim() || null;
  // Choosing the calculated band again is agreement, not an override.
  const overrideBand: RiskBand | null = judgement.band && judgement.band !== computed ? judgement.band : null;
  if (overrideBand) {
    const up = bandRank(overrideBand) > bandRank(computed);
    if (up && !def.judgement.raise) problems.push({ field: 'override_band', message: 'This questionnaire does not allow professional judgement to raise the risk' });
    if (!up && protectedBand) {
      problems.push({ field: 'override_band', message: `Professional judgement cannot lower a ${computed} risk found by this questionnaire` });
    } else if (!up && !def.judgement.lower) {
      problems.push({ field: 'override_band', message: 'This questionnaire does not allow professional judgement to lower the risk' });
    }
    if (!rationale) problems.push({ field: 'override_rationale', message: 'Explain why your professional judgement differs from the calculated risk' });
  }
  if (problems.length) return { ok: false, problems };

  const finalBand = overrideBand ?? computed;
  return {
    ok: true,
    score,
    yesCount,
    computedBand: computed,
    overrideBand,
    finalBand,
    screenedOut,
    rulesApplied,
    protectedBand,
    referralSuggested: !!def.referral && def.referral.whenBands.includes(finalBand),
    answers,
  };
}
