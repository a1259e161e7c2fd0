// The dashboard's figures as tables: one model each, which the page renders as a GOV.UK table and the
// download writes as CSV, so the two always carry the same rows, columns and rounding.
import { stringify } from 'csv-stringify/sync';
import type { Figure } from './format.ts';
import type { Comparisons, Dashboard, IndicatorPanel } from './service.ts';

export interface TableRow {
  /** The row's header cell (an area, a month, an indicator). */
  header: string;
  /** Plain text cells before the figures (an area code, an outcome), if any. */
  labels: string[];
  figures: Figure[];
  /** Words after the figures (direction, rating), if any. */
  words: string[];
  isTotal?: boolean;
}

export interface TableModel {
  caption: string;
  head: string[];
  rows: TableRow[];
}

export function districtTable(panel: IndicatorPanel, c: Comparisons): TableModel {
  const head = ['Area', 'ONS code', c.period.name, c.rolling.name];
  if (panel.extraHeading) head.push(`${panel.extraHeading}, ${c.rolling.name}`);
  return {
    caption: `${panel.indicator.name}: districts`,
    head,
    rows: panel.areas.map((a) => ({
      header: a.areaName,
      labels: [a.areaCode ?? ''],
      figures: [a.period, a.rolling, ...(a.extra ? [a.extra] : [])],
      words: [],
      isTotal: a.isTotal,
    })),
  };
}

export function monthTable(panel: IndicatorPanel): TableModel {
  return {
    caption: `${panel.indicator.name}: month by month`,
    head: ['Month', 'Figure', 'Same month a year earlier'],
    rows: panel.months.map((m) => ({ header: m.name, labels: [], figures: [m.value, m.yearEarlier], words: [] })),
  };
}

export function summaryHead(c: Comparisons): string[] {
  return ['Indicator', c.period.name, `Same period last year (${c.lastYear.name})`, c.rolling.name, c.previousRolling.name, 'Direction of travel', 'Rating'];
}

/** One row per indicator, as in the seeds' appendix; the page shows one table per outcome. */
export function summaryRow(p: IndicatorPanel): TableRow {
  return {
    header: p.indicator.name,
    labels: [],
    figures: [p.current, p.lastYear, p.rolling, p.previousRolling],
    words: [`${p.direction.text}${p.direction.change ? ` (${p.direction.change})` : ''}`, `${p.rag.text} (${p.rag.reason})`],
  };
}

export function summaryTables(d: Dashboard): (TableModel & { outcome: string })[] {
  return d.groups.map((g) => ({
    outcome: g.outcome,
    caption: g.outcome,
    head: summaryHead(d.comparisons),
    rows: g.indicators.map(summaryRow),
  }));
}

/** Spreadsheet programs run a cell that starts like a formula: make such text plainly text. */
function safeText(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** A table as CSV: the header row, then each row's cells, figures as plain numbers. */
export function tableCsv(table: TableModel, leading: { head: string; value: string } | null = null): string {
  const rows: string[][] = [[...(leading ? [leading.head] : []), ...table.head]];
  for (const r of table.rows) rows.push([...(leading ? [leading.value] : []), r.header, ...r.labels, ...r.figures.map((f) => f.csv), ...r.words].map(safeText));
  return csvText(rows);
}

export function summaryCsv(d: Dashboard): string {
  const head = ['Outcome', ...summaryHead(d.comparisons)];
  const rows: string[][] = [head];
  for (const t of summaryTables(d)) for (const r of t.rows) rows.push([t.outcome, r.header, ...r.labels, ...r.figures.map((f) => f.csv), ...r.words].map(safeText));
  return csvText(rows);
}

/** UTF-8 with a byte-order mark, which spreadsheet programs need to read "–" and "£" correctly. */
export function csvText(rows: string[][]): string {
  return `\ufeff${stringify(rows, { record_delimiter: '\r\n' })}`;
}
