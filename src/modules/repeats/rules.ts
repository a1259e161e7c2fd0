// The partnership's repeat and multi-agency rules: what they mean, their defaults (the same as the
// column defaults in migrations/0011, which seed every partnership), and the admin form's fields.
import { z } from 'zod';
import type { RepeatKind } from '../../platform/db/schema.ts';
import { checkbox, wholeNumber } from '../../platform/http/fields.ts';

export interface RepeatRules {
  victim_threshold: number;
  victim_window_months: number;
  location_threshold: number;
  location_window_months: number;
  perpetrator_threshold: number;
  perpetrator_window_months: number;
  link_window_days: number;
  link_radius_metres: number;
  link_same_street: boolean;
}

/** Three in a rolling twelve months for each kind; one week and 50 metres for one problem reported twice. */
export const DEFAULT_RULES: Readonly<RepeatRules> = {
  victim_threshold: 3,
  victim_window_months: 12,
  location_threshold: 3,
  location_window_months: 12,
  perpetrator_threshold: 3,
  perpetrator_window_months: 12,
  link_window_days: 7,
  link_radius_metres: 50,
  link_same_street: true,
};

export const RULE_KEYS = Object.keys(DEFAULT_RULES) as (keyof RepeatRules)[];

export const KINDS: RepeatKind[] = ['victim', 'location', 'perpetrator'];

export const KIND_NAMES: Record<RepeatKind, string> = {
  victim: 'Repeat victim',
  location: 'Repeat location',
  perpetrator: 'Repeat perpetrator',
};

/** "as victim", "at this place": how a kind's incidents are described. */
export const KIND_INCIDENTS: Record<RepeatKind, string> = {
  victim: 'as victim',
  location: 'at this place',
  perpetrator: 'as perpetrator',
};

/** The limits the database enforces, with the words used when a value is outside them. */
const threshold = (what: string) =>
  wholeNumber(`Enter how many incidents make a ${what}, from 2 to 20`, 2, 20);
const months = (what: string) => wholeNumber(`Enter the ${what} window in whole months, from 1 to 36`, 1, 36);

export const rulesSchema = z.object({
  victim_threshold: threshold('repeat victim'),
  victim_window_months: months('repeat victim'),
  location_threshold: threshold('repeat location'),
  location_window_months: months('repeat location'),
  perpetrator_threshold: threshold('repeat perpetrator'),
  perpetrator_window_months: months('repeat perpetrator'),
  link_window_days: wholeNumber('Enter how many days apart linked reports can be, from 1 to 90', 1, 90),
  link_radius_metres: wholeNumber('Enter a distance in whole metres, from 0 to 500', 0, 500),
  link_same_street: checkbox(),
});

/** The form's fields in the order they appear, for the error summary. */
export const FIELD_ORDER = [...RULE_KEYS];

export function describeRule(kind: RepeatKind, r: { threshold: number; window_months: number }) {
  return `${r.threshold} or more incidents ${KIND_INCIDENTS[kind]} in ${r.window_months === 12 ? '12 months' : `${r.window_months} month${r.window_months === 1 ? '' : 's'}`}`;
}
