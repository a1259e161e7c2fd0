// Dates of birth as people record them: ISO dates, legacy UK forms (12/03/1987), a year alone, or
// text that is no date at all and can only be compared character by character.

export type DateKind = 'none' | 'date' | 'month' | 'year' | 'text';

export interface ParsedDate {
  kind: DateKind;
  year: number;
  month: number;
  day: number;
  /** Digits in year-month-day order for a date; the digits as written for text. */
  digits: string;
  /** Whether the value was a valid ISO YYYY-MM-DD date, as the canonical CSV asks. */
  iso: boolean;
}

const NONE: ParsedDate = { kind: 'none', year: 0, month: 0, day: 0, digits: '', iso: false };

function daysIn(year: number, month: number) {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function valid(year: number, month: number, day: number) {
  return year >= 1000 && year <= 2999 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

function pad(n: number, width: number) {
  return String(n).padStart(width, '0');
}

function asDate(year: number, month: number, day: number, iso: boolean): ParsedDate | null {
  if (!valid(year, month, day)) return null;
  return { kind: 'date', year, month, day, digits: `${pad(year, 4)}${pad(month, 2)}${pad(day, 2)}`, iso };
}

/** Reads a date of birth; anything unreadable is kept as text. */
export function parseDate(raw: string | null | undefined): ParsedDate {
  const value = (raw ?? '').trim();
  if (!value) return NONE;
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m) {
    const d = asDate(Number(m[1]), Number(m[2]), Number(m[3]), true);
    if (d) return d;
  }
  // Timestamps from spreadsheets and databases: the date part is the date of birth.
  m = /^(\d{4})-(\d{2})-(\d{2})[T ]\d{2}:\d{2}/.exec(value);
  if (m) {
    const d = asDate(Number(m[1]), Number(m[2]), Number(m[3]), false);
    if (d) return d;
  }
  m = /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$/.exec(value);
  if (m) {
    const d = asDate(Number(m[1]), Number(m[2]), Number(m[3]), false);
    if (d) return d;
  }
  // UK order: day first.
  m = /^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})$/.exec(value);
  if (m) {
    const d = asDate(Number(m[3]), Number(m[2]), Number(m[1]), false);
    if (d) return d;
  }
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (m) {
    const d = asDate(Number(m[1]), Number(m[2]), Number(m[3]), false);
    if (d) return d;
  }
  let year = 0;
  let month = 0;
  m = /^(\d{4})-(\d{1,2})$/.exec(value);
  if (m) [year, month] = [Number(m[1]), Number(m[2])];
  m = /^(\d{1,2})[/.](\d{4})$/.exec(value);
  if (m) [year, month] = [Number(m[2]), Number(m[1])];
  if (year >= 1000 && year <= 2999 && month >= 1 && month <= 12) {
    return { kind: 'month', year, month, day: 0, digits: `${pad(year, 4)}${pad(month, 2)}`, iso: false };
  }
  m = /^(\d{4})$/.exec(value);
  if (m && Number(m[1]) >= 1000 && Number(m[1]) <= 2999) {
    return { kind: 'year', year: Number(m[1]), month: 0, day: 0, digits: m[1]!, iso: false };
  }
  return {
    kind: 'text',
    year: 0,
    month: 0,
    day: 0,
    digits: value.replace(/\D/g, '') || value.toLowerCase(),
    iso: false,
  };
}

/** How a date of birth was read, for reporting dirty values; null when it was a clean ISO date or empty. */
export function describeDirtyDate(raw: string | null | undefined): string | null {
  const d = parseDate(raw);
  if (d.kind === 'none' || d.iso) return null;
  const shown = `'${(raw ?? '').trim()}'`;
  switch (d.kind) {
    case 'date':
      return `${shown} is not an ISO date (YYYY-MM-DD); read as ${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}`;
    case 'month':
      return `${shown} has no day; compared as ${pad(d.year, 4)}-${pad(d.month, 2)}`;
    case 'year':
      return `${shown} is a year only; compared as the year ${d.year}`;
    default:
      return `${shown} is not a date; compared as text`;
  }
}

export function formatDate(d: ParsedDate): string {
  switch (d.kind) {
    case 'date':
      return new Date(Date.UTC(d.year, d.month - 1, d.day)).toLocaleDateString('en-GB', {
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      });
    case 'month':
      return new Date(Date.UTC(d.year, d.month - 1, 1)).toLocaleDateString('en-GB', {
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      });
    case 'year':
      return String(d.year);
    default:
      return d.digits;
  }
}
