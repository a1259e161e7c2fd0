// The risk assessment form: answers named q_<question key>, the professional-judgement override, and
// the person and case or incident the assessment is made in (from the query string or hidden fields).
import { z } from 'zod';
import type { RiskBand } from '../../platform/db/schema.ts';
import { isUuid, optionalChoice, optionalText } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, type FormErrors } from '../../platform/http/forms.ts';
import { BANDS, type Definition } from './definition.ts';
import type { Answers, Problem } from './scoring.ts';
import type { Target } from './service.ts';

export const answerField = (questionKey: string) => `q_${questionKey}`;

const judgement = z.object({
  override_band: optionalChoice(BANDS, 'Select a risk level from the list'),
  override_rationale: optionalText(4000, 'The rationale must be 4,000 characters or fewer'),
});

/** The person and case or incident, or null when any id is missing or malformed. */
export function parseTarget(source: unknown): Target | null {
  const person = formValue(source, 'person');
  const caseId = formValue(source, 'case');
  const incident = formValue(source, 'incident');
  if (!isUuid(person)) return null;
  if (caseId && !isUuid(caseId)) return null;
  if (incident && !isUuid(incident)) return null;
  if (!caseId && !incident) return null;
  return { personId: person, caseId: caseId || null, incidentId: incident || null };
}

export interface ParsedForm {
  answers: Answers;
  overrideBand: RiskBand | null;
  overrideRationale: string | null;
  errors: FormErrors;
  values: Record<string, string>;
}

export function parseAssessmentForm(body: unknown, def: Definition): ParsedForm {
  const answers: Answers = {};
  const values: Record<string, string> = {};
  for (const q of def.sections.flatMap((s) => s.questions)) {
    const v = formValue(body, answerField(q.key)).trim().slice(0, 50);
    values[answerField(q.key)] = v;
    if (v) answers[q.key] = v;
  }
  values.override_band = formValue(body, 'override_band').slice(0, 20);
  values.override_rationale = formValue(body, 'override_rationale').slice(0, 5000);
  const parsed = judgement.safeParse(body ?? {});
  const errors = emptyErrors();
  if (!parsed.success) {
    for (const issue of parsed.error.issues) addError(errors, String(issue.path[0] ?? 'override_band'), issue.message);
    return { answers, overrideBand: null, overrideRationale: null, errors, values };
  }
  return { answers, overrideBand: parsed.data.override_band, overrideRationale: parsed.data.override_rationale, errors, values };
}

/** The scorer's problems as GOV.UK errors, in the order the questions appear on the page. */
export function problemsToErrors(errors: FormErrors, problems: Problem[], def: Definition): FormErrors {
  const order = [...def.sections.flatMap((s) => s.questions.map((q) => answerField(q.key))), 'override_band', 'override_rationale'];
  const field = (p: Problem) => (p.field === 'override_band' || p.field === 'override_rationale' ? p.field : answerField(p.field));
  for (const p of [...problems].sort((a, b) => order.indexOf(field(a)) - order.indexOf(field(b)))) addError(errors, field(p), p.message);
  return errors;
}
