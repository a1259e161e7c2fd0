// A referral type's short form is data (a list of fields); this turns a posted form into answers
// against that list, and an administrator's posted field rows back into the list. Both accept any
// input and return messages written for the person filling the form in.
import type { ReferralField, ReferralFieldKind } from '../../platform/db/schema.ts';
import { dateInput } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, type FormErrors } from '../../platform/http/forms.ts';
import { FIELD_KINDS } from './labels.ts';

export const MAX_FIELDS = 20;
const MAX_TEXT: Record<ReferralFieldKind, number> = { text: 500, textarea: 4000, yesno: 3, choice: 200, date: 10 };
// eslint-disable-next-line no-control-regex -- control characters never belong in a form value
const clean = (v: string) => v.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();

export const answerName = (f: Pick<ReferralField, 'key'>) => `f_${f.key}`;

/** The answers to a form, keyed by field key, with what was typed kept for showing the form again. */
export function readAnswers(fields: ReferralField[], body: unknown, errors: FormErrors = emptyErrors()) {
  const answers: Record<string, string> = {};
  const values: Record<string, string> = {};
  for (const f of fields) {
    const name = answerName(f);
    const quoted = `“${f.label}”`;
    if (f.kind === 'date') {
      for (const part of ['day', 'month', 'year']) values[`${name}-${part}`] = clean(formValue(body, `${name}-${part}`)).slice(0, 4);
      const d = dateInput(body, name, `the answer to ${quoted}`, { required: f.required });
      if ('error' in d && d.error) addError(errors, name, d.error);
      else if ('value' in d && d.value) answers[f.key] = d.value;
      continue;
    }
    const v = clean(formValue(body, name)).slice(0, MAX_TEXT[f.kind] + 1);
    values[name] = v;
    if (v === '') {
      if (f.required) addError(errors, name, f.kind === 'yesno' || f.kind === 'choice' ? `Select an answer to ${quoted}` : `Enter an answer to ${quoted}`);
      continue;
    }
    if (f.kind === 'yesno' && v !== 'yes' && v !== 'no') addError(errors, name, `Select an answer to ${quoted}`);
    else if (f.kind === 'choice' && !f.options.includes(v)) addError(errors, name, `Select an answer to ${quoted} from the list`);
    else if (v.length > MAX_TEXT[f.kind]) addError(errors, name, `The answer to ${quoted} must be ${MAX_TEXT[f.kind].toLocaleString('en-GB')} characters or fewer`);
    else answers[f.key] = v;
  }
  return { answers, values, errors };
}

/** An answer as words, for the check page, the referral page and the CSV. */
export function answerText(f: ReferralField, answer: string | undefined) {
  if (answer === undefined || answer === '') return 'Not answered';
  if (f.kind === 'yesno') return answer === 'yes' ? 'Yes' : 'No';
  if (f.kind === 'date') {
    const [y, m, d] = answer.split('-').map(Number);
    return new Date(Date.UTC(y!, m! - 1, d!)).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  }
  return answer;
}

export interface FieldRow {
  key: string;
  label: string;
  kind: string;
  required: boolean;
  options: string;
  hint: string;
  remove: boolean;
}

/** The administrator's field rows as posted (existing fields, then blank rows for new ones). */
export function readFieldRows(body: unknown): FieldRow[] {
  const rows: FieldRow[] = [];
  for (let i = 0; i < MAX_FIELDS + 5; i++) {
    const p = `field-${i}-`;
    const present = ['label', 'kind', 'key'].some((k) => formValue(body, p + k) !== '');
    if (!present) continue;
    rows.push({
      key: clean(formValue(body, `${p}key`)).slice(0, 40),
      label: clean(formValue(body, `${p}label`)).slice(0, 300),
      kind: clean(formValue(body, `${p}kind`)).slice(0, 20),
      required: formValue(body, `${p}required`) !== '',
      options: formValue(body, `${p}options`).slice(0, 3000),
      hint: clean(formValue(body, `${p}hint`)).slice(0, 400),
      remove: formValue(body, `${p}remove`) !== '',
    });
  }
  return rows;
}

export function rowsFromFields(fields: ReferralField[]): FieldRow[] {
  return fields.map((f) => ({ key: f.key, label: f.label, kind: f.kind, required: f.required, options: f.options.join('\n'), hint: f.hint ?? '', remove: false }));
}

/**
 * The form as data from the rows: blank new rows are ignored, removed ones dropped; existing fields
 * keep their keys (earlier referrals' answers stay readable) and new ones get the next free key.
 * Errors are keyed by the row's position in the page (field-<i>-label...).
 */
export function fieldsFromRows(rows: FieldRow[], errors: FormErrors, existing: ReferralField[] = []): ReferralField[] {
  const known = new Set(existing.map((f) => f.key));
  let next = 1 + Math.max(0, ...existing.map((f) => Number(/^q(\d+)$/.exec(f.key)?.[1] ?? 0)));
  const fields: ReferralField[] = [];
  rows.forEach((r, i) => {
    if (r.remove) return;
    const isNew = !known.has(r.key);
    if (isNew && r.label === '') return;
    const p = `field-${i}-`;
    if (r.label === '') return void addError(errors, `${p}label`, `Enter the question for field ${i + 1}`);
    if (r.label.length > 200) addError(errors, `${p}label`, `The question for field ${i + 1} must be 200 characters or fewer`);
    if (!(FIELD_KINDS as readonly string[]).includes(r.kind)) addError(errors, `${p}kind`, `Select the kind of answer for field ${i + 1}`);
    const options = [...new Set(r.options.split(/\r?\n/).map(clean).filter((o) => o !== ''))];
    if (r.kind === 'choice' && options.length < 2) addError(errors, `${p}options`, `Enter at least two options for field ${i + 1}, one on each line`);
    if (options.length > 20 || options.some((o) => o.length > 100)) addError(errors, `${p}options`, `Field ${i + 1} can have up to 20 options of up to 100 characters each`);
    if (r.hint.length > 300) addError(errors, `${p}hint`, `The hint for field ${i + 1} must be 300 characters or fewer`);
    fields.push({
      key: isNew ? `q${next++}` : r.key,
      label: r.label,
      kind: r.kind as ReferralFieldKind,
      required: r.required,
      options: r.kind === 'choice' ? options : [],
      ...(r.hint ? { hint: r.hint } : {}),
    });
  });
  if (fields.length > MAX_FIELDS) addError(errors, 'fields', `A referral form can have up to ${MAX_FIELDS} fields`);
  return fields;
}
