// Appendix 1 of the report, the dashboard table in the seeds' shape (outcome, its overall rating, each
// supporting indicator with its figures, direction of travel and rating), as one model for the page,
// the print view and the CSV download.
import { csvText } from '../dashboard/service.ts';
import type { ReportFigures } from './figures.ts';

export interface AppendixRow {
  outcome: string;
  overall: string;
  /** How many rows the outcome's cells span (on its first row), 0 on the rows after. */
  span: number;
  indicator: string;
  figures: { text: string; csv: string }[];
  direction: string;
  rating: string;
}

export function appendixHead(f: ReportFigures): string[] {
  return ['Outcome', 'Overall rating', 'Indicator', f.period.name, `Same period last year (${f.lastYear.name})`, f.rolling.name, f.previousRolling.name, 'Direction of travel', 'Rating'];
}

export function appendixRows(f: ReportFigures): AppendixRow[] {
  return f.outcomes.flatMap((o) =>
    o.indicators.map((i, n) => ({
      outcome: o.name,
      overall: o.rag.text,
      span: n === 0 ? o.indicators.length : 0,
      indicator: i.name,
      figures: [i.current, i.lastYear, i.rolling, i.previousRolling],
      direction: `${i.direction.text}${i.direction.change ? ` (${i.direction.change})` : ''}`,
      rating: `${i.rag.text} (${i.rag.reason})`,
    })),
  );
}

const safeText = (t: string) => (/^[=+\-@\t\r]/.test(t) ? `'${t}` : t);

export function appendixCsv(f: ReportFigures): string {
  return csvText([
    appendixHead(f),
    ...appendixRows(f).map((r) => [r.outcome, r.overall, r.indicator, ...r.figures.map((x) => x.csv), r.direction, r.rating].map(safeText)),
  ]);
}
