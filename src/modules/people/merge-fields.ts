// Which of a person's details a merge asks about, and how the survivor's details are worked out from
// the two records and the user's choices. Safety information is never chosen away: vulnerabilities
// and warning markers are combined, and "do not leave messages" or "needs an interpreter" on either
// record carries over.
import type { Row } from './merge-repository.ts';

export interface MergeField {
  key: string;
  label: string;
  /** The person columns chosen together (a date of birth and an estimated age exclude each other). */
  columns: readonly string[];
  /** Free text that can be kept from both records. */
  combinable?: boolean;
}

export const MERGE_FIELDS: readonly MergeField[] = [
  { key: 'first_name', label: 'First name', columns: ['first_name'] },
  { key: 'middle_names', label: 'Middle names', columns: ['middle_names'] },
  { key: 'last_name', label: 'Last name', columns: ['last_name'] },
  {
    key: 'age',
    label: 'Date of birth or estimated age',
    columns: ['date_of_birth', 'estimated_age', 'estimated_age_on'],
  },
  { key: 'gender', label: 'Gender', columns: ['gender'] },
  { key: 'phone', label: 'Phone number', columns: ['phone'] },
  { key: 'email', label: 'Email address', columns: ['email'] },
  { key: 'contact_preference', label: 'Preferred contact', columns: ['contact_preference'] },
  {
    key: 'contact_safe_times',
    label: 'Safe times to contact',
    columns: ['contact_safe_times'],
    combinable: true,
  },
  {
    key: 'communication_needs',
    label: 'Communication needs',
    columns: ['communication_needs'],
    combinable: true,
  },
  { key: 'preferred_language', label: 'Preferred language', columns: ['preferred_language'] },
  {
    key: 'vulnerability_notes',
    label: 'Other vulnerability',
    columns: ['vulnerability_notes'],
    combinable: true,
  },
  { key: 'pnc_id', label: 'PNC ID', columns: ['pnc_id'] },
  { key: 'nhs_number', label: 'NHS number', columns: ['nhs_number'] },
  { key: 'ni_number', label: 'National Insurance number', columns: ['ni_number'] },
  { key: 'notes', label: 'Notes', columns: ['notes'], combinable: true },
];

/** Combined from both records without asking. */
export const UNION_COLUMNS = ['vulnerabilities', 'warning_markers'] as const;
export const EITHER_COLUMNS = ['do_not_leave_messages', 'interpreter_needed'] as const;

const empty = (v: unknown) =>
  v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export const fieldEmpty = (row: Row, f: MergeField) => f.columns.every((c) => empty(row[c]));
export const fieldsDiffer = (a: Row, b: Row, f: MergeField) => f.columns.some((c) => !same(a[c], b[c]));

/** The fields where the two records differ and both have a value: the user must choose. */
export function conflicts(a: Row, b: Row) {
  return MERGE_FIELDS.filter((f) => fieldsDiffer(a, b, f) && !fieldEmpty(a, f) && !fieldEmpty(b, f));
}

/** What to preselect for a differing field: the only record with a value, or nothing when both have one. */
export function defaultChoice(a: Row, b: Row, f: MergeField): string | null {
  if (!fieldsDiffer(a, b, f)) return null;
  if (fieldEmpty(a, f)) return b.id as string;
  if (fieldEmpty(b, f)) return a.id as string;
  return null;
}

export type Choice = string | 'both';

/**
 * The survivor's row after the merge: its own row with each differing field taken from the record
 * chosen (or both, for free text), safety lists combined. Returns the row and the columns it changed.
 */
export function mergedRow(survivor: Row, duplicate: Row, choices: Record<string, Choice>) {
  const out: Row = { ...survivor };
  for (const f of MERGE_FIELDS) {
    if (!fieldsDiffer(survivor, duplicate, f)) continue;
    const choice = choices[f.key] ?? defaultChoice(survivor, duplicate, f) ?? (survivor.id as string);
    if (choice === 'both' && f.combinable) {
      const [c] = f.columns as [string];
      out[c] = [survivor[c], duplicate[c]].filter((v) => !empty(v)).join('\n\n');
    } else if (choice === duplicate.id) {
      for (const c of f.columns) out[c] = duplicate[c];
    }
  }
  for (const c of UNION_COLUMNS) {
    const a = (survivor[c] as string[] | null) ?? [];
    const b = (duplicate[c] as string[] | null) ?? [];
    out[c] = [...a, ...b.filter((x) => !a.includes(x))];
  }
  for (const c of EITHER_COLUMNS) out[c] = !!survivor[c] || !!duplicate[c];
  const changed = Object.keys(out).filter((k) => !same(out[k], survivor[k]));
  return { row: out, changed };
}

/** Names (first and last) of the two records that the survivor will no longer be called. */
export function namesToKeep(survivorBefore: Row, duplicate: Row, after: Row) {
  const key = (r: Row) =>
    `${String(r.first_name ?? '')
      .trim()
      .toLowerCase()}|${String(r.last_name ?? '')
      .trim()
      .toLowerCase()}`;
  const seen = new Set([key(after)]);
  const names: { first_name: string | null; last_name: string }[] = [];
  for (const r of [duplicate, survivorBefore]) {
    if (seen.has(key(r))) continue;
    seen.add(key(r));
    names.push({ first_name: (r.first_name as string | null) || null, last_name: r.last_name as string });
  }
  return names;
}
