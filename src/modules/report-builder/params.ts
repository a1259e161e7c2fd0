// A report is its query string: the builder's GET form, a bookmark, a download link and a saved
// report all carry the same parameters, read here into a definition made only of entries from
// definitions.ts and values checked against the partnership's own lists. Anything else becomes a
// GOV.UK error message, with what was sent kept so the form can show it again.
import { dateInput } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, formValues, type FormErrors } from '../../platform/http/forms.ts';
import { FILTER_KEYS, RECORD_TYPES, recordType, type Dimension, type FilterKey, type Measure, type RecordType, type Vocabulary } from './definitions.ts';

export interface NamedItem {
  id: string;
  name: string;
}

/** The partnership's own lists the builder offers and names codes from. */
export interface ReportOptions {
  /** Districts, unitary authorities and wards, for the area filter. */
  areas: (NamedItem & { kind: string })[];
  /** Every area by id (districts, wards, the county), for naming groups. */
  areaNames: Record<string, string>;
  asbTypes: NamedItem[];
  caseTypes: NamedItem[];
  referralTypes: NamedItem[];
  organisations: NamedItem[];
  officers: NamedItem[];
}

export interface ReportFilters {
  record: RecordType;
  /** ISO dates, inclusive. */
  from: string | null;
  to: string | null;
  filters: Partial<Record<FilterKey, string>>;
  flags: string[];
}

export interface ReportDefinition extends ReportFilters {
  group: Dimension;
  group2: Dimension | null;
  measure: Measure;
}

export interface ParsedReport {
  /** Null when the form has not been submitted yet or has errors. */
  definition: ReportDefinition | null;
  record: RecordType;
  errors: FormErrors;
  /** What to show in the form's fields. */
  values: Record<string, string | string[]>;
  /** The person switched what to count: the rest of the form was reset for the new record type. */
  switched: boolean;
}

const DATE_PARTS = ['from-day', 'from-month', 'from-year', 'to-day', 'to-month', 'to-year'];

/** Every code a vocabulary allows, with its words. */
export function vocabularyNames(v: Vocabulary, options: ReportOptions): Record<string, string> {
  switch (v.kind) {
    case 'fixed':
      return v.names;
    case 'list': {
      if (v.list === 'areas' || v.list === 'wards') return options.areaNames;
      return Object.fromEntries(options[v.list].map((i) => [i.id, i.name]));
    }
    case 'yesno':
      return { true: 'Yes', false: 'No' };
    default:
      return {};
  }
}

/** The choices a filter offers, in the order shown. */
export function filterChoices(v: Vocabulary, options: ReportOptions): NamedItem[] {
  if (v.kind === 'list') return v.list === 'areas' || v.list === 'wards' ? options.areas : options[v.list];
  return Object.entries(vocabularyNames(v, options)).map(([id, name]) => ({ id, name }));
}

const clip = (s: string) => s.trim().slice(0, 100);

/** Which records: the date range, the filters and the flags, checked against the record type's lists. */
export function parseFilters(query: unknown, record: RecordType, options: ReportOptions, errors: FormErrors, values: Record<string, string | string[]>, keepChoices = true): ReportFilters {
  for (const k of DATE_PARTS) values[k] = clip(formValue(query, k));
  const from = dateInput(query, 'from', 'the from date');
  const to = dateInput(query, 'to', 'the to date');
  if ('error' in from && from.error) addError(errors, 'from', from.error);
  if ('error' in to && to.error) addError(errors, 'to', to.error);
  const fromDate = ('value' in from && from.value) || null;
  const toDate = ('value' in to && to.value) || null;
  if (fromDate && toDate && toDate < fromDate) addError(errors, 'to', 'The to date must be the same as or after the from date');

  const filters: Partial<Record<FilterKey, string>> = {};
  let flags: string[] = [];
  if (keepChoices) {
    for (const key of FILTER_KEYS) {
      const spec = record.filters[key];
      const v = clip(formValue(query, key));
      if (!spec || !v) continue;
      values[key] = v;
      if (v in vocabularyNames(spec.vocabulary, options)) filters[key] = v;
      else addError(errors, key, `Select ${spec.label.toLowerCase()} from the list`);
    }
    const sentFlags = formValues(query, 'flag').map(clip).filter(Boolean).slice(0, 20);
    values.flag = sentFlags;
    const known = (f: string) => record.flags.some((x) => x.key === f);
    if (sentFlags.some((f) => !known(f))) addError(errors, 'flag', 'Select flags from the list');
    flags = [...new Set(sentFlags.filter(known))];
  }
  return { record, from: fromDate, to: toDate, filters, flags };
}

export function parseReport(query: unknown, options: ReportOptions): ParsedReport {
  const errors = emptyErrors();
  const values: Record<string, string | string[]> = {};
  const recordKey = clip(formValue(query, 'record'));
  const shown = clip(formValue(query, 'shown'));
  let record = recordType(recordKey);
  if (recordKey && !record) addError(errors, 'record', 'Select what to count from the list');
  record ??= RECORD_TYPES[0]!;
  values.record = record.key;
  // The form was drawn for another record type: keep the dates, start the rest afresh.
  const switched = !!shown && shown !== record.key && !!recordType(shown);
  const filters = parseFilters(query, record, options, errors, values, !switched);

  const groupKey = switched ? '' : clip(formValue(query, 'group'));
  const group2Key = switched ? '' : clip(formValue(query, 'group2'));
  const measureKey = switched ? '' : clip(formValue(query, 'measure'));
  values.group = groupKey || record.defaultGroup;
  values.group2 = group2Key;
  values.measure = measureKey || record.measures[0]!.key;
  const group = record.dimensions.find((d) => d.key === groupKey) ?? null;
  if (groupKey && !group) addError(errors, 'group', 'Select what to group by from the list');
  const group2 = group2Key ? (record.dimensions.find((d) => d.key === group2Key) ?? null) : null;
  if (group2Key && !group2) addError(errors, 'group2', 'Select what to group by next from the list');
  if (group && group2 && group.key === group2.key) addError(errors, 'group2', 'Choose a different grouping from the first, or none');
  const measure = record.measures.find((m) => m.key === (measureKey || record.measures[0]!.key)) ?? null;
  if (!measure) addError(errors, 'measure', 'Select what to show from the list');

  const ready = !!groupKey && !switched && errors.list.length === 0 && !!group && !!measure;
  return {
    definition: ready ? { ...filters, group: group!, group2, measure: measure! } : null,
    record,
    errors,
    values,
    switched,
  };
}

/** The filter part as query parameters (for the map, whose links carry only filters). */
export function filterParams(f: ReportFilters): [string, string][] {
  const p: [string, string][] = [];
  const date = (prefix: string, iso: string | null) => {
    if (!iso) return;
    const [y, m, day] = iso.split('-');
    p.push([`${prefix}-day`, String(Number(day))], [`${prefix}-month`, String(Number(m))], [`${prefix}-year`, y!]);
  };
  date('from', f.from);
  date('to', f.to);
  for (const key of FILTER_KEYS) if (f.filters[key]) p.push([key, f.filters[key]!]);
  for (const flag of f.flags) p.push(['flag', flag]);
  return p;
}

/** The definition as the builder's query parameters: a bookmark, a download link, a saved report. */
export function toParams(d: ReportDefinition): [string, string][] {
  const p: [string, string][] = [['record', d.record.key], ...filterParams(d), ['group', d.group.key]];
  if (d.group2) p.push(['group2', d.group2.key]);
  p.push(['measure', d.measure.key]);
  return p;
}

export const toQueryString = (d: ReportDefinition) => new URLSearchParams(toParams(d)).toString();

/** A stored definition (saved_reports.definition) back into query-like input for parseReport. */
export function fromStored(stored: unknown): Record<string, string | string[]> {
  const params = (stored as { params?: unknown } | null)?.params;
  const out: Record<string, string | string[]> = {};
  if (!Array.isArray(params)) return out;
  for (const pair of params.slice(0, 60)) {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') continue;
    const [k, v] = pair as [string, string];
    const prev = out[k];
    out[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
  }
  return out;
}

export const toStored = (d: ReportDefinition) => ({ format: 1, params: toParams(d) });

const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const fmtDate = (iso: string) => longDate.format(new Date(`${iso}T12:00:00Z`));

/** Which records, in words: the lines of a summary list. */
export function describeFilters(d: ReportFilters, options: ReportOptions): { label: string; value: string }[] {
  const lines: { label: string; value: string }[] = [{ label: 'Counting', value: d.record.label }];
  if (d.from || d.to) {
    const range = d.from && d.to ? `${fmtDate(d.from)} to ${fmtDate(d.to)}` : d.from ? `on or after ${fmtDate(d.from)}` : `on or before ${fmtDate(d.to!)}`;
    lines.push({ label: d.record.date.label, value: range });
  }
  for (const key of FILTER_KEYS) {
    const spec = d.record.filters[key];
    const v = d.filters[key];
    if (spec && v) lines.push({ label: spec.label, value: vocabularyNames(spec.vocabulary, options)[v] ?? v });
  }
  if (d.flags.length) lines.push({ label: 'Only those marked', value: d.flags.map((f) => d.record.flags.find((x) => x.key === f)?.label ?? f).join(', ') });
  return lines;
}

/** The report in words, for the page and the spreadsheet's "About" sheet. */
export function describe(d: ReportDefinition, options: ReportOptions): { summary: string; lines: { label: string; value: string }[] } {
  const lines = describeFilters(d, options);
  lines.push({ label: 'Grouped by', value: d.group2 ? `${d.group.label}, then ${d.group2.label.toLowerCase()}` : d.group.label });
  lines.push({ label: 'Showing', value: d.measure.label });
  const summary = `${d.record.label} you can see, by ${d.group.label.toLowerCase()}${d.group2 ? ` and ${d.group2.label.toLowerCase()}` : ''}`;
  return { summary, lines };
}
