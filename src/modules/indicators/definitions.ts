// What an indicator is: the shape shared by the computation, the admin pages, the dashboard and the
// command line, and the fixed list of measures an indicator can count from Endeavour's own records
// (each one a branch of indicator_raw_counts in migrations/0013_indicators.sql — nothing else).
import type { AsbCategory } from '../../platform/db/schema.ts';

export type IndicatorUnit = 'count' | 'rate_per_1000' | 'percentage';
export type Polarity = 'up_is_good' | 'down_is_good' | 'neutral';
export type IndicatorSource = 'records' | 'series';
export type Measure = 'incidents' | 'cases_opened' | 'cases_closed' | 'tasks_overdue' | 'repeat_victims' | 'case_review_applications';
export type IncidentFlag = 'hate' | 'domestic' | 'alcohol' | 'drugs' | 'youth' | 'vulnerable_victim';

/** Narrows a measure; only the keys its measure lists apply (the others are refused on the form). */
export interface IndicatorFilter {
  category?: AsbCategory;
  asbTypeId?: string;
  sourceOrganisationId?: string;
  flag?: IncidentFlag;
  caseTypeId?: string;
}

export interface Indicator {
  id: string;
  key: string;
  name: string;
  description: string;
  outcome: string;
  priority: string;
  source: IndicatorSource;
  unit: IndicatorUnit;
  polarity: Polarity;
  target: number | null;
  band: { low: number; high: number } | null;
  sortOrder: number;
  seriesName?: string | null;
  /** For source 'records': what is counted, and how it is narrowed. */
  measure: Measure | null;
  filter: IndicatorFilter;
  active: boolean;
  version: number;
}

export interface AreaValue {
  /** null: the whole partnership. */
  areaId: string | null;
  areaCode: string | null;
  areaName: string;
  /** In the indicator's unit: a count, a rate per 1,000 people, or a percentage (0–100). */
  value: number | null;
  /** Counts and percentages: what was counted. Rates: the count the rate is of. */
  numerator: number | null;
  /** Percentages: what the count is out of. Counts and rates: the population used for the rate. */
  denominator: number | null;
  /** Counts and rates of things happening in places (incidents, crimes); null for percentages. */
  ratePer1000: number | null;
  /** Hidden because it is a small number of records the viewer could not all see (docs/indicators.md). */
  suppressed: boolean;
}

export interface MonthValue {
  /** YYYY-MM */
  month: string;
  value: number | null;
  suppressed: boolean;
}

export interface Period {
  /** YYYY-MM, inclusive */
  from: string;
  /** YYYY-MM, inclusive */
  to: string;
}

export const UNIT_NAMES: Record<IndicatorUnit, string> = {
  count: 'Count',
  rate_per_1000: 'Rate per 1,000 population',
  percentage: 'Percentage',
};

export const POLARITY_NAMES: Record<Polarity, string> = {
  up_is_good: 'Higher is better',
  down_is_good: 'Lower is better',
  neutral: 'Neither (for information)',
};

export const FLAG_NAMES: Record<IncidentFlag, string> = {
  hate: 'Hate-related',
  domestic: 'Domestic-related',
  alcohol: 'Alcohol-related',
  drugs: 'Drug-related',
  youth: 'Youth-related',
  vulnerable_victim: 'Vulnerable victim',
};

export interface MeasureInfo {
  name: string;
  hint: string;
  units: IndicatorUnit[];
  filters: (keyof IndicatorFilter)[];
  /** Whether a rate per 1,000 people means something for it (things that happen in places). */
  perPopulation: boolean;
}

export const MEASURES: Record<Measure, MeasureInfo> = {
  incidents: {
    name: 'Incidents recorded',
    hint: 'Incidents by the month they were reported, in their district; a percentage needs a flag (the share of incidents with it).',
    units: ['count', 'rate_per_1000', 'percentage'],
    filters: ['category', 'asbTypeId', 'sourceOrganisationId', 'flag'],
    perPopulation: true,
  },
  cases_opened: {
    name: 'Cases opened',
    hint: 'Cases by the month they were opened, in the district of the first incident they were opened from.',
    units: ['count', 'rate_per_1000'],
    filters: ['caseTypeId'],
    perPopulation: true,
  },
  cases_closed: {
    name: 'Cases closed',
    hint: 'Cases by the month they were closed, in the district of the first incident they were opened from.',
    units: ['count', 'rate_per_1000'],
    filters: ['caseTypeId'],
    perPopulation: true,
  },
  tasks_overdue: {
    name: 'Tasks finished late or overdue',
    hint: 'Tasks by the month they were due: those finished after their due date or still open after it; as a percentage, of all tasks due.',
    units: ['count', 'percentage'],
    filters: [],
    perPopulation: false,
  },
  repeat_victims: {
    name: 'People becoming repeat victims',
    hint: "People flagged as repeat victims under the partnership's repeat rules, by the month they qualified, in the district of their latest incident.",
    units: ['count', 'rate_per_1000'],
    filters: [],
    perPopulation: true,
  },
  case_review_applications: {
    name: 'ASB Case Review applications',
    hint: "Applications by the month they were received, in the district of the victim's latest incident.",
    units: ['count', 'rate_per_1000'],
    filters: [],
    perPopulation: true,
  },
};

export const MEASURE_KEYS = Object.keys(MEASURES) as Measure[];
export const FLAGS = Object.keys(FLAG_NAMES) as IncidentFlag[];
export const UNITS = Object.keys(UNIT_NAMES) as IndicatorUnit[];
export const POLARITIES = Object.keys(POLARITY_NAMES) as Polarity[];

/** Whether an area's rate per 1,000 people is given alongside the indicator's value. */
export function hasRate(indicator: Pick<Indicator, 'source' | 'unit' | 'measure'>): boolean {
  if (indicator.unit === 'percentage') return false;
  if (indicator.unit === 'rate_per_1000') return true;
  return indicator.source === 'series' || (indicator.measure !== null && MEASURES[indicator.measure].perPopulation);
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(s: string): boolean {
  return MONTH.test(s);
}

/** Months from..to inclusive, as YYYY-MM. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

export const MAX_PERIOD_MONTHS = 120;

export class PeriodError extends Error {}

/** A period both ends of which are real months, in order, at most ten years long. */
export function checkPeriod(period: Period): void {
  if (!isMonth(period.from) || !isMonth(period.to)) throw new PeriodError('A period runs between two months written as YYYY-MM.');
  if (period.from > period.to) throw new PeriodError('The period must end after it starts.');
  if (monthsBetween(period.from, period.to).length > MAX_PERIOD_MONTHS) throw new PeriodError(`A period can be at most ${MAX_PERIOD_MONTHS} months.`);
}
