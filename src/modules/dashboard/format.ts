// Figures as boards read them: counts with thousands separators, rates per 1,000 to two decimal
// places (as the seeds' reports give them), percentages to one. The same rounding goes into the CSV
// downloads, without separators or signs, so a spreadsheet gets the numbers the page shows.

export type Unit = 'count' | 'rate_per_1000' | 'percentage';

/** What a withheld small number says, on the page and in downloads. */
export const WITHHELD = 'withheld';
export const NO_FIGURE = 'no figure';

const DECIMALS: Record<Unit, number> = { count: 0, rate_per_1000: 2, percentage: 1 };

export interface Figure {
  value: number | null;
  suppressed: boolean;
  /** As shown on the page: "1,234", "5.88", "37.5%", "withheld", "no figure". */
  text: string;
  /** As written to CSV: "1234", "5.88", "37.5", "withheld", "" (the page's rounding, without separators or signs). */
  csv: string;
}

export function round(value: number, unit: Unit): number {
  const f = 10 ** DECIMALS[unit];
  return Math.round(value * f) / f;
}

export function formatNumber(value: number, unit: Unit): string {
  const d = DECIMALS[unit];
  const text = value.toLocaleString('en-GB', { minimumFractionDigits: unit === 'rate_per_1000' ? d : 0, maximumFractionDigits: d });
  return unit === 'percentage' ? `${text}%` : text;
}

export function figure(value: number | null, suppressed: boolean, unit: Unit): Figure {
  if (suppressed) return { value: null, suppressed: true, text: WITHHELD, csv: WITHHELD };
  if (value === null || !Number.isFinite(value)) return { value: null, suppressed: false, text: NO_FIGURE, csv: '' };
  const r = round(value, unit);
  return { value: r, suppressed: false, text: formatNumber(r, unit), csv: unit === 'rate_per_1000' ? r.toFixed(DECIMALS[unit]) : String(r) };
}

/** A formatter for charts and sentences in the indicator's unit. */
export const formatter = (unit: Unit) => (v: number) => formatNumber(round(v, unit), unit);
