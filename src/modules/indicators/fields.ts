// The indicator form: what each field accepts and the rules between them (a measure's units and
// filters, a band's two ends), as GOV.UK errors in the order the fields appear on the page.
import { z } from 'zod';
import { choice, optionalText, requiredText } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, zodToFormErrors, type FormErrors } from '../../platform/http/forms.ts';
import {
  FLAGS,
  MEASURE_KEYS,
  MEASURES,
  POLARITIES,
  UNITS,
  type IncidentFlag,
  type IndicatorFilter,
  type IndicatorSource,
  type IndicatorUnit,
  type Measure,
  type Polarity,
} from './definitions.ts';
import { MAX_SERIES_NAME } from './series-import.ts';

export const FIELD_ORDER = [
  'key', 'name', 'description', 'outcome', 'priority', 'source', 'measure', 'category', 'asbTypeId', 'sourceOrganisationId',
  'flag', 'caseTypeId', 'seriesName', 'unit', 'polarity', 'target', 'bandLow', 'bandHigh', 'sortOrder', 'conflict',
];

export const TEXT_FIELDS = [
  'key', 'name', 'description', 'outcome', 'priority', 'source', 'measure', 'category', 'asbTypeId', 'sourceOrganisationId',
  'flag', 'caseTypeId', 'seriesName', 'unit', 'polarity', 'target', 'bandLow', 'bandHigh', 'sortOrder', 'active',
] as const;

export interface IndicatorFields {
  key: string;
  name: string;
  description: string;
  outcome: string;
  priority: string;
  source: IndicatorSource;
  measure: Measure | null;
  filter: IndicatorFilter;
  seriesName: string | null;
  unit: IndicatorUnit;
  polarity: Polarity;
  target: number | null;
  band: { low: number; high: number } | null;
  sortOrder: number;
  active: boolean;
}

/** The choices the form offers from the partnership's own lists; a filter must be one of them. */
export interface FilterOptions {
  asbTypes: { id: string; name: string }[];
  organisations: { id: string; name: string }[];
  caseTypes: { id: string; name: string }[];
}

const NUMBER = /^-?\d{1,9}(\.\d{1,4})?$/;

const base = z.object({
  name: requiredText('Enter the name of the indicator', 200, 'The name must be 200 characters or fewer'),
  description: optionalText(1000, 'The description must be 1,000 characters or fewer'),
  outcome: requiredText('Enter the outcome the indicator belongs to', 200, 'The outcome must be 200 characters or fewer'),
  priority: requiredText('Enter the priority the indicator belongs to', 200, 'The priority must be 200 characters or fewer'),
  source: choice(['records', 'series'] as const, 'Select where the figures come from'),
  unit: choice(UNITS, 'Select the unit'),
  polarity: choice(POLARITIES, 'Select whether higher or lower is better'),
});

/** What was typed, trimmed and cut short, to show again on the form. */
export function echo(body: unknown): Record<string, string> {
  return Object.fromEntries(TEXT_FIELDS.map((k) => [k, formValue(body, k).slice(0, 1000)]));
}

function optionalNumber(errors: FormErrors, body: unknown, field: string, label: string): number | null {
  const v = formValue(body, field).trim().replace(/,/g, '');
  if (!v) return null;
  if (!NUMBER.test(v)) {
    addError(errors, field, `${label} must be a number, like 40 or 12.5`);
    return null;
  }
  return Number(v);
}

/**
 * Parses the form. `key` is only read when creating (an indicator's key never changes: reports and
 * scheduled exports name it).
 */
export function parseIndicatorForm(
  body: unknown,
  options: FilterOptions,
  opts: { creating: boolean; existingKey?: string },
): { fields: IndicatorFields | null; errors: FormErrors } {
  const parsed = base.safeParse(body ?? {});
  const errors = parsed.success ? emptyErrors() : zodToFormErrors(parsed.error);
  const get = (k: string) => formValue(body, k).trim();

  let key = opts.existingKey ?? '';
  if (opts.creating) {
    key = get('key').toLowerCase();
    if (!key) addError(errors, 'key', 'Enter a key for the indicator, like asb-incidents');
    else if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(key)) {
      addError(errors, 'key', 'The key must be up to 63 lowercase letters, numbers and hyphens, starting with a letter or number');
    }
  }

  const source = parsed.success ? parsed.data.source : null;
  const unit = parsed.success ? parsed.data.unit : null;
  let measure: Measure | null = null;
  let seriesName: string | null = null;
  const filter: IndicatorFilter = {};

  if (source === 'records') {
    const m = get('measure');
    if (!(MEASURE_KEYS as string[]).includes(m)) addError(errors, 'measure', 'Select what to count');
    else measure = m as Measure;
    const info = measure ? MEASURES[measure] : null;
    const pick = (field: keyof IndicatorFilter, allowed: string[], label: string) => {
      const v = get(field);
      if (!v) return;
      if (!allowed.includes(v)) addError(errors, field, `Select ${label} from the list`);
      else if (info && !info.filters.includes(field)) addError(errors, field, `${info.name} cannot be narrowed by ${label}: leave it as "Any"`);
      else (filter as Record<string, string>)[field] = v;
    };
    pick('category', ['personal', 'nuisance', 'environmental'], 'an ASB category');
    pick('asbTypeId', options.asbTypes.map((t) => t.id), 'an ASB type');
    pick('sourceOrganisationId', options.organisations.map((o) => o.id), 'a source organisation');
    pick('flag', FLAGS, 'a flag');
    pick('caseTypeId', options.caseTypes.map((t) => t.id), 'a case type');
    if (info && unit && !info.units.includes(unit)) {
      addError(errors, 'unit', `${info.name} can be shown as: ${info.units.map((u) => UNIT_WORDS[u]).join(' or ')}`);
    }
    if (measure === 'incidents' && unit === 'percentage' && !filter.flag) {
      addError(errors, 'flag', 'Select a flag: a percentage of incidents is the share of them with that flag');
    }
  } else if (source === 'series') {
    seriesName = get('seriesName');
    if (!seriesName) addError(errors, 'seriesName', 'Enter the name of the series, exactly as it was imported');
    else if (seriesName.length > MAX_SERIES_NAME) addError(errors, 'seriesName', `The series name must be ${MAX_SERIES_NAME} characters or fewer`);
  }

  const target = optionalNumber(errors, body, 'target', 'The target');
  const low = optionalNumber(errors, body, 'bandLow', 'The lower end of the band');
  const high = optionalNumber(errors, body, 'bandHigh', 'The upper end of the band');
  let band: IndicatorFields['band'] = null;
  const lowTyped = !!get('bandLow');
  const highTyped = !!get('bandHigh');
  if (lowTyped !== highTyped) addError(errors, lowTyped ? 'bandHigh' : 'bandLow', 'Enter both ends of the band, or neither');
  else if (low !== null && high !== null) {
    if (low > high) addError(errors, 'bandHigh', 'The upper end of the band must be at least the lower end');
    else band = { low, high };
  }
  const sortText = get('sortOrder') || '0';
  if (!/^\d{1,6}$/.test(sortText)) addError(errors, 'sortOrder', 'The order must be a whole number from 0 to 999999');

  sortErrors(errors);
  if (errors.list.length || !parsed.success) return { fields: null, errors };
  return {
    fields: {
      key,
      name: parsed.data.name,
      description: parsed.data.description ?? '',
      outcome: parsed.data.outcome,
      priority: parsed.data.priority,
      source: parsed.data.source,
      measure,
      filter,
      seriesName,
      unit: parsed.data.unit,
      polarity: parsed.data.polarity,
      target,
      band,
      sortOrder: Number(sortText),
      active: get('active') === 'yes',
    },
    errors,
  };
}

const UNIT_WORDS: Record<IndicatorUnit, string> = { count: 'a count', rate_per_1000: 'a rate per 1,000 people', percentage: 'a percentage' };

export function sortErrors(errors: FormErrors): FormErrors {
  errors.list.sort((a, b) => FIELD_ORDER.indexOf(a.href.slice(1)) - FIELD_ORDER.indexOf(b.href.slice(1)));
  return errors;
}

export function parseThreshold(body: unknown): { value: number | null; errors: FormErrors } {
  const errors = emptyErrors();
  const v = formValue(body, 'threshold').trim();
  if (!/^\d{1,3}$/.test(v) || Number(v) > 100) {
    addError(errors, 'threshold', 'Enter a whole number from 0 to 100 (0 shows every figure)');
    return { value: null, errors };
  }
  return { value: Number(v), errors };
}

export type { IncidentFlag };
