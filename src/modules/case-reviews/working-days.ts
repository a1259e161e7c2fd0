// Case Review timescales are set in working days: Monday to Friday, not counting bank holidays in
// England and Wales. The holidays for 2024–2028 are listed from the published GOV.UK calendar (they
// include substitute days); other years follow the usual rules, which cannot know one-off holidays
// such as a coronation, so the list should be extended as the government announces each year.

/** England and Wales bank holidays, as published. */
export const BANK_HOLIDAYS: Readonly<Record<number, readonly string[]>> = {
  2024: ['2024-01-01', '2024-03-29', '2024-04-01', '2024-05-06', '2024-05-27', '2024-08-26', '2024-12-25', '2024-12-26'],
  2025: ['2025-01-01', '2025-04-18', '2025-04-21', '2025-05-05', '2025-05-26', '2025-08-25', '2025-12-25', '2025-12-26'],
  2026: ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28'],
  2027: ['2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28'],
  2028: ['2028-01-03', '2028-04-14', '2028-04-17', '2028-05-01', '2028-05-29', '2028-08-28', '2028-12-25', '2028-12-26'],
};

const DAY = 86_400_000;

const toIso = (t: number) => new Date(t).toISOString().slice(0, 10);
const utc = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);
const weekday = (t: number) => new Date(t).getUTCDay();

/** Easter Sunday (Gregorian), by the anonymous algorithm in Meeus. */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return toIso(utc(year, month, day));
}

/** The usual England and Wales rules, for years the published list does not cover. */
export function ruleBankHolidays(year: number): string[] {
  const firstMonday = (month: number) => {
    const t = utc(year, month, 1);
    return t + ((8 - weekday(t)) % 7) * DAY;
  };
  const lastMonday = (month: number) => {
    const t = utc(year, month + 1, 1) - DAY;
    return t - ((weekday(t) + 6) % 7) * DAY;
  };
  const easter = Date.parse(`${easterSunday(year)}T00:00:00Z`);
  // New Year's Day moves to the Monday after a weekend; Christmas and Boxing Day move past the weekend
  // and past each other.
  let newYear = utc(year, 1, 1);
  while (weekday(newYear) === 0 || weekday(newYear) === 6) newYear += DAY;
  const christmas = [];
  let next = utc(year, 12, 25);
  for (let n = 0; n < 2; n++) {
    while (weekday(next) === 0 || weekday(next) === 6) next += DAY;
    christmas.push(next);
    next += DAY;
  }
  return [newYear, easter - 2 * DAY, easter + DAY, firstMonday(5), lastMonday(5), lastMonday(8), ...christmas].map(toIso);
}

const holidayCache = new Map<number, ReadonlySet<string>>();
function holidaysIn(year: number): ReadonlySet<string> {
  let set = holidayCache.get(year);
  if (!set) {
    set = new Set(BANK_HOLIDAYS[year] ?? ruleBankHolidays(year));
    holidayCache.set(year, set);
  }
  return set;
}

export function isWorkingDay(iso: string): boolean {
  const t = Date.parse(`${iso}T00:00:00Z`);
  const w = weekday(t);
  if (w === 0 || w === 6) return false;
  return !holidaysIn(Number(iso.slice(0, 4))).has(iso);
}

/**
 * The date `days` working days after `from` (an ISO date): the deadline for something due "within
 * N working days" of it. The day itself never counts, so a Friday plus one working day is Monday.
 */
export function addWorkingDays(from: string, days: number): string {
  let t = Date.parse(`${from}T00:00:00Z`);
  let left = Math.max(0, Math.floor(days));
  while (left > 0) {
    t += DAY;
    if (isWorkingDay(toIso(t))) left--;
  }
  return toIso(t);
}

/** Working days from `from` to `to` (positive when `to` is later); used to say how overdue work is. */
export function workingDaysBetween(from: string, to: string): number {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  const sign = b >= a ? 1 : -1;
  let n = 0;
  for (let t = Math.min(a, b) + DAY; t <= Math.max(a, b); t += DAY) if (isWorkingDay(toIso(t))) n++;
  return sign * n;
}

const londonDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's date on the wall in England (deadlines are London dates, not UTC ones). */
export function todayInLondon(now = new Date()): string {
  return londonDate.format(now);
}
