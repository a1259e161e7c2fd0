// The query's groups as one table, exactly as the page, the CSV and the spreadsheet show it: groups
// in words, months with nothing in them shown as 0, totals taken from the database (a distinct count's
// total is not the sum of its groups), and two groupings as a cross-tabulation when it stays readable.
import type { Dimension } from './definitions.ts';
import { vocabularyNames, type ReportDefinition, type ReportOptions } from './params.ts';
import type { AggregateRow } from './repository.ts';

export interface ReportTable {
  layout: 'single' | 'crosstab' | 'long';
  columns: { label: string; numeric: boolean }[];
  rows: { cells: (string | number)[]; total: boolean }[];
  /** The first grouping's groups and their totals, in table order, for the chart. */
  series: { label: string; value: number }[];
  total: number;
  /** The query returned more groups than the builder shows. */
  tooMany: boolean;
}

/** A second grouping with more values than this is listed row by row instead of across the page. */
export const MAX_COLUMNS = 24;
const NOT_RECORDED = 'Not recorded';
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const monthName = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

export function keyLabel(dim: Dimension, key: string | null, options: ReportOptions): string {
  if (key === null) return NOT_RECORDED;
  const v = dim.vocabulary;
  if (v.kind === 'month') return /^\d{4}-\d{2}$/.test(key) ? monthName.format(new Date(`${key}-15T12:00:00Z`)) : key;
  if (v.kind === 'year') return key;
  if (v.kind === 'weekday') return WEEKDAYS[Number(key) - 1] ?? key;
  if (v.kind === 'hour') {
    const h = key.padStart(2, '0');
    return `${h}:00 to ${h}:59`;
  }
  return vocabularyNames(v, options)[key] ?? 'Unknown';
}

const addMonths = (ym: string, n: number) => {
  const [y, m] = ym.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
};

/** The keys of a grouping in the order they are read, with empty months filled in for time series. */
function orderKeys(dim: Dimension, totals: Map<string | null, number>, bounds: { from: string | null; to: string | null }, options: ReportOptions): (string | null)[] {
  const keys = [...totals.keys()];
  const known = keys.filter((k): k is string => k !== null);
  const tail = keys.includes(null) ? [null] : [];
  if (!dim.ordered) {
    return [
      ...known.sort((a, b) => totals.get(b)! - totals.get(a)! || keyLabel(dim, a, options).localeCompare(keyLabel(dim, b, options))),
      ...tail,
    ];
  }
  if (dim.vocabulary.kind === 'weekday' || dim.vocabulary.kind === 'hour') return [...known.sort((a, b) => Number(a) - Number(b)), ...tail];
  const sorted = known.sort();
  if (dim.vocabulary.kind === 'month' && (sorted.length || (bounds.from && bounds.to))) {
    const first = [bounds.from?.slice(0, 7), sorted[0]].filter(Boolean).sort()[0]!;
    const last = [bounds.to?.slice(0, 7), sorted[sorted.length - 1]].filter(Boolean).sort().pop()!;
    const filled: string[] = [];
    for (let m = first, i = 0; m <= last && i < 600; m = addMonths(m, 1), i++) filled.push(m);
    if (filled.length < 600) return [...filled, ...tail];
  }
  return [...sorted, ...tail];
}

export function buildTable(d: ReportDefinition, result: { rows: AggregateRow[]; tooMany: boolean }, options: ReportOptions): ReportTable {
  const { rows, tooMany } = result;
  const total = rows.find((r) => r.t1 === 1 && r.t2 === 1)?.n ?? 0;
  const rowTotals = new Map<string | null, number>();
  const colTotals = new Map<string | null, number>();
  const cells = new Map<string, number>();
  const cellKey = (a: string | null, b: string | null) => JSON.stringify([a, b]);
  for (const r of rows) {
    if (d.group2) {
      if (r.t1 === 0 && r.t2 === 0) cells.set(cellKey(r.k1, r.k2), r.n);
      else if (r.t1 === 0 && r.t2 === 1) rowTotals.set(r.k1, r.n);
      else if (r.t1 === 1 && r.t2 === 0) colTotals.set(r.k2, r.n);
    } else if (r.t1 === 0) {
      rowTotals.set(r.k1, r.n);
    }
  }
  // The date filter bounds the months shown only for the grouping by the same date.
  const bounds = (dim: Dimension) => (dim.key === 'month' ? { from: d.from, to: d.to } : { from: null, to: null });
  const rowKeys = orderKeys(d.group, rowTotals, bounds(d.group), options);
  const series = rowKeys.map((k) => ({ label: keyLabel(d.group, k, options), value: rowTotals.get(k) ?? 0 }));
  const measure = d.measure.label;

  if (!d.group2) {
    return {
      layout: 'single',
      columns: [
        { label: d.group.label, numeric: false },
        { label: measure, numeric: true },
      ],
      rows: [...series.map((s) => ({ cells: [s.label, s.value], total: false })), { cells: ['Total', total], total: true }],
      series,
      total,
      tooMany,
    };
  }

  const g2 = d.group2;
  const colKeys = orderKeys(g2, colTotals, bounds(g2), options);
  if (colKeys.length <= MAX_COLUMNS) {
    return {
      layout: 'crosstab',
      columns: [{ label: d.group.label, numeric: false }, ...colKeys.map((k) => ({ label: keyLabel(g2, k, options), numeric: true })), { label: 'Total', numeric: true }],
      rows: [
        ...rowKeys.map((k1) => ({
          cells: [keyLabel(d.group, k1, options), ...colKeys.map((k2) => cells.get(cellKey(k1, k2)) ?? 0), rowTotals.get(k1) ?? 0],
          total: false,
        })),
        { cells: ['Total', ...colKeys.map((k2) => colTotals.get(k2) ?? 0), total], total: true },
      ],
      series,
      total,
      tooMany,
    };
  }
  // Too many columns to read across: one row per pair of groups that has anything in it.
  const long: { cells: (string | number)[]; total: boolean }[] = [];
  for (const k1 of rowKeys) {
    for (const k2 of colKeys) {
      const n = cells.get(cellKey(k1, k2));
      if (n !== undefined) long.push({ cells: [keyLabel(d.group, k1, options), keyLabel(g2, k2, options), n], total: false });
    }
  }
  return {
    layout: 'long',
    columns: [
      { label: d.group.label, numeric: false },
      { label: g2.label, numeric: false },
      { label: measure, numeric: true },
    ],
    rows: [...long, { cells: ['Total', '', total], total: true }],
    series,
    total,
    tooMany,
  };
}
