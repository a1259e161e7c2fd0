// Reporting periods as boards use them: a quarter of the financial year (Q1 is April to June, so
// "2023/24 Q2" is July to September 2023) or a single month, and the periods every figure is
// compared with — the 12 months ending with it, and the same period a year earlier.
import { emptyErrors, addError, formValue, type FormErrors } from '../../platform/http/forms.ts';

/** A month as YYYY-MM. */
export type Month = string;

export interface Period {
  kind: 'quarter' | 'month';
  from: Month;
  to: Month;
  /** "2023/24 Q2" or "September 2023". */
  name: string;
  /** "July to September 2023". */
  span: string;
}

export interface Range {
  from: Month;
  to: Month;
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export const QUARTER_SPANS = ['April to June', 'July to September', 'October to December', 'January to March'] as const;
const EARLIEST_YEAR = 2000;

export function shiftMonth(month: Month, by: number): Month {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + by;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function monthName(month: Month, style: 'long' | 'short' = 'long'): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const name = MONTH_NAMES[m - 1]!;
  return `${style === 'short' ? name.slice(0, 3) : name} ${y}`;
}

/** Every month from one to another, inclusive. */
export function monthsIn(range: Range): Month[] {
  const out: Month[] = [];
  for (let m = range.from; m <= range.to; m = shiftMonth(m, 1)) out.push(m);
  return out;
}

export function spanName(range: Range): string {
  if (range.from === range.to) return monthName(range.from);
  const [fy, fm] = range.from.split('-').map(Number) as [number, number];
  const [ty, tm] = range.to.split('-').map(Number) as [number, number];
  return fy === ty ? `${MONTH_NAMES[fm - 1]} to ${MONTH_NAMES[tm - 1]} ${ty}` : `${monthName(range.from)} to ${monthName(range.to)}`;
}

export function financialYearName(startYear: number): string {
  return `${startYear}/${String((startYear + 1) % 100).padStart(2, '0')}`;
}

export function quarterPeriod(startYear: number, quarter: 1 | 2 | 3 | 4): Period {
  const from = shiftMonth(`${startYear}-04`, (quarter - 1) * 3);
  const range = { from, to: shiftMonth(from, 2) };
  return { kind: 'quarter', ...range, name: `${financialYearName(startYear)} Q${quarter}`, span: spanName(range) };
}

export function monthPeriod(month: Month): Period {
  return { kind: 'month', from: month, to: month, name: monthName(month), span: monthName(month) };
}

/** The financial year (its starting calendar year) and quarter a month falls in. */
export function quarterOf(month: Month): { year: number; quarter: 1 | 2 | 3 | 4 } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const year = m >= 4 ? y : y - 1;
  const quarter = (Math.floor(((m + 8) % 12) / 3) + 1) as 1 | 2 | 3 | 4;
  return { year, quarter };
}

/** The last quarter that has ended by the given day: what a board meets to discuss. */
export function latestCompleteQuarter(today: Date): Period {
  const thisMonth = today.toISOString().slice(0, 7);
  const { year, quarter } = quarterOf(shiftMonth(thisMonth, -3));
  return quarterPeriod(year, quarter);
}

/** The 12 months ending with the period's last month. */
export function rollingYear(period: Range): Range {
  return { from: shiftMonth(period.to, -11), to: period.to };
}

export function yearEarlier(range: Range): Range {
  return { from: shiftMonth(range.from, -12), to: shiftMonth(range.to, -12) };
}

/** The query string that selects a period on the dashboard (and in links to it). */
export function periodQuery(period: Period): string {
  if (period.kind === 'month') {
    const [y, m] = period.from.split('-').map(Number) as [number, number];
    return `type=month&month-month=${m}&month-year=${y}`;
  }
  const { year, quarter } = quarterOf(period.from);
  return `type=quarter&year=${encodeURIComponent(financialYearName(year))}&quarter=${quarter}`;
}

/** The form's values as typed, to show again beside any error. */
export function periodValues(period: Period): Record<string, string> {
  if (period.kind === 'month') {
    const [y, m] = period.from.split('-').map(Number) as [number, number];
    return { type: 'month', 'month-month': String(m), 'month-year': String(y) };
  }
  const { year, quarter } = quarterOf(period.from);
  return { type: 'quarter', year: financialYearName(year), quarter: String(quarter) };
}

/** "2023/24", "2023-24", "2023/2024" or "2023" (the year it starts): the calendar year the financial year starts in. */
function parseFinancialYear(raw: string): number | 'invalid' | 'not_consecutive' {
  const text = raw.replace(/\s+/g, '');
  const m = /^(\d{4})(?:[/-](\d{2}|\d{4}))?$/.exec(text);
  if (!m) return 'invalid';
  const start = Number(m[1]);
  if (m[2] !== undefined) {
    const end = m[2].length === 2 ? Math.floor(start / 100) * 100 + Number(m[2]) + (Number(m[2]) < start % 100 ? 100 : 0) : Number(m[2]);
    if (end !== start + 1) return 'not_consecutive';
  }
  return start;
}

export interface ParsedPeriod {
  period: Period | null;
  errors: FormErrors;
  values: Record<string, string>;
}

const FIELDS = ['type', 'year', 'quarter', 'month-month', 'month-year'];

/**
 * Reads the period form (a GET query, so a period is a link). Nothing chosen yet gives the default;
 * anything chosen but wrong gives messages for the GOV.UK error summary, and what was typed.
 */
export function parsePeriod(query: unknown, today: Date, opts: { kinds?: readonly ('quarter' | 'month')[] } = {}): ParsedPeriod {
  const kinds = opts.kinds ?? ['quarter', 'month'];
  const values: Record<string, string> = {};
  for (const f of FIELDS) values[f] = formValue(query, f).trim().slice(0, 20);
  const errors = emptyErrors();
  const anything = FIELDS.some((f) => values[f] !== '');
  if (!anything) {
    const period = latestCompleteQuarter(today);
    return { period, errors, values: periodValues(period) };
  }
  const type = kinds.length === 1 ? kinds[0]! : values.type;
  if (type !== 'quarter' && type !== 'month') {
    addError(errors, 'type', 'Select whether to show a quarter or a month');
    return { period: null, errors, values };
  }
  const thisMonth = today.toISOString().slice(0, 7);
  let period: Period | null = null;
  if (type === 'quarter') {
    const year = values.year ? parseFinancialYear(values.year) : null;
    if (year === null) addError(errors, 'year', 'Enter the financial year, like 2023/24');
    else if (year === 'invalid') addError(errors, 'year', 'Financial year must be a year like 2023/24');
    else if (year === 'not_consecutive') addError(errors, 'year', 'Financial year must be two years next to each other, like 2023/24');
    else if (year < EARLIEST_YEAR) addError(errors, 'year', `Financial year must be ${financialYearName(EARLIEST_YEAR)} or later`);
    const quarter = Number(values.quarter);
    if (!['1', '2', '3', '4'].includes(values.quarter ?? '')) addError(errors, 'quarter', 'Select a quarter');
    if (typeof year === 'number' && year >= EARLIEST_YEAR && !errors.list.length) period = quarterPeriod(year, quarter as 1 | 2 | 3 | 4);
    if (period && period.from > thisMonth) {
      addError(errors, 'year', `${period.name} has not started yet: choose a quarter that has`);
      period = null;
    }
  } else {
    const m = values['month-month'] ?? '';
    const y = values['month-year'] ?? '';
    const missing = [!m && 'month', !y && 'year'].filter(Boolean);
    if (missing.length === 2) addError(errors, 'month-month', 'Enter the month and year, like 9 2023');
    else if (missing.length) addError(errors, missing[0] === 'month' ? 'month-month' : 'month-year', `Month must include a ${missing[0]}`);
    else if (!/^\d{1,2}$/.test(m) || Number(m) < 1 || Number(m) > 12) addError(errors, 'month-month', 'Month must be a real month, from 1 to 12');
    else if (!/^\d{4}$/.test(y)) addError(errors, 'month-year', 'Year must be 4 numbers, like 2023');
    else if (Number(y) < EARLIEST_YEAR) addError(errors, 'month-year', `Year must be ${EARLIEST_YEAR} or later`);
    else {
      const month = `${y}-${m.padStart(2, '0')}`;
      if (month > thisMonth) addError(errors, 'month-month', `${monthName(month)} has not started yet: choose a month that has`);
      else period = monthPeriod(month);
    }
  }
  return { period: errors.list.length ? null : period, errors, values: { ...values, type } };
}
