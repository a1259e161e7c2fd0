// What the builder's templates need, made from the record type, the partnership's lists and what
// was typed: choices with their selected state, and the report table's cells as display text. The
// templates stay free of logic; the map page uses the same filter fields.
import { FILTER_KEYS, RECORD_TYPES, type RecordType } from './definitions.ts';
import { filterChoices, type ReportOptions } from './params.ts';
import type { ReportTable } from './table.ts';

type Values = Record<string, string | string[]>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
const many = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : []);

export interface SelectItem {
  value: string;
  text: string;
  selected?: boolean;
}

/** The "which ones" fields for a record type: one select per filter and the flags as checkboxes. */
export function filterFields(record: RecordType, options: ReportOptions, values: Values) {
  const selects = FILTER_KEYS.flatMap((key) => {
    const spec = record.filters[key];
    if (!spec) return [];
    const chosen = one(values[key]);
    const items: SelectItem[] = [{ value: '', text: 'Any' }, ...filterChoices(spec.vocabulary, options).map((c) => ({ value: c.id, text: c.name, selected: c.id === chosen }))];
    return [{ key, label: spec.label, items }];
  });
  const chosenFlags = many(values.flag);
  const flags = record.flags.map((f) => ({ value: f.key, text: f.label, checked: chosenFlags.includes(f.key) }));
  return { selects, flags };
}

export function builderFields(record: RecordType, options: ReportOptions, values: Values) {
  const group = one(values.group) || record.defaultGroup;
  const group2 = one(values.group2);
  const measure = one(values.measure) || record.measures[0]!.key;
  return {
    records: RECORD_TYPES.map((t) => ({ value: t.key, text: t.label, hint: { text: t.hint }, checked: t.key === record.key })),
    dateLabel: record.date.label,
    ...filterFields(record, options, values),
    groups: record.dimensions.map((d) => ({ value: d.key, text: d.label, selected: d.key === group })),
    groups2: [{ value: '', text: 'Nothing else' }, ...record.dimensions.map((d) => ({ value: d.key, text: d.label, selected: d.key === group2 }))],
    measures: record.measures.map((m) => ({ value: m.key, text: m.label, selected: m.key === measure })),
  };
}

const number = new Intl.NumberFormat('en-GB');

/** The table for a GOV.UK table macro: headings, then rows whose numbers are formatted and right-aligned. */
export function tableView(table: ReportTable) {
  return {
    head: table.columns.map((c) => ({ text: c.label, format: c.numeric ? 'numeric' : undefined })),
    rows: table.rows.map((r) =>
      r.cells.map((cell, i) => {
        const numeric = table.columns[i]?.numeric;
        const text = typeof cell === 'number' ? number.format(cell) : cell;
        const classes = r.total ? 'govuk-!-font-weight-bold' : undefined;
        return i === 0 && !numeric ? { text, classes } : { text, format: numeric ? 'numeric' : undefined, classes };
      }),
    ),
  };
}
