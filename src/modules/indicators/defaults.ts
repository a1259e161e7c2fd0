// The indicators a partnership starts with: the Safer Communities dashboard its board reads each
// quarter (outcomes, priorities and supporting indicators as in the seeds' performance reports),
// plus what Endeavour itself can count. Figures for the series come from `endeavour import police-uk`
// (crime and ASB by district) and `endeavour import series` (surveys, MARAC, youth justice).
// Administrators change, add and retire them at /admin/indicators.
import { sql } from 'kysely';
import type { Executor } from './repository.ts';
import type { IndicatorFilter, IndicatorSource, IndicatorUnit, Measure, Polarity } from './definitions.ts';
import { ALL_CRIME_SERIES } from './police-uk-types.ts';

export interface DefaultIndicator {
  key: string;
  name: string;
  description: string;
  outcome: string;
  priority: string;
  source: IndicatorSource;
  measure?: Measure;
  filter?: IndicatorFilter;
  seriesName?: string;
  unit: IndicatorUnit;
  polarity: Polarity;
  target?: number;
  band?: { low: number; high: number };
}

const CRIME = { outcome: 'Ongoing reductions in crime', priority: 'Ongoing reductions in crime' };
const REOFFENDING = { outcome: 'Reduce offending and re-offending', priority: 'Reducing offending and re-offending' };
const VULNERABLE = { outcome: 'Protect and support the most vulnerable in communities', priority: 'Repeat victimisation and vulnerable victims' };
const ASB = { outcome: 'Continue to reduce anti-social behaviour', priority: 'Anti-social behaviour and satisfaction' };
const COHESION = {
  outcome: 'Prevent people from being drawn into terrorism, working in partnership to reduce the risk of radicalisation',
  priority: 'Preventing terrorism and radicalisation',
};

const POLICE_UK = 'From police.uk street-level crime, placed in districts by LSOA.';

export const DEFAULT_INDICATORS: DefaultIndicator[] = [
  { key: 'total-crime-rate', name: 'Total crime rate (per 1,000 population)', description: `All recorded crime except anti-social behaviour. ${POLICE_UK}`, ...CRIME, source: 'series', seriesName: ALL_CRIME_SERIES, unit: 'rate_per_1000', polarity: 'down_is_good' },
  { key: 'burglary-rate', name: 'Burglary rate (per 1,000 population)', description: `Residential and business burglary together, as police.uk publishes them. ${POLICE_UK}`, ...CRIME, source: 'series', seriesName: 'Burglary', unit: 'rate_per_1000', polarity: 'down_is_good' },
  { key: 'vehicle-crime-rate', name: 'Vehicle crime rate (per 1,000 population)', description: POLICE_UK, ...CRIME, source: 'series', seriesName: 'Vehicle crime', unit: 'rate_per_1000', polarity: 'down_is_good' },
  { key: 'violence-rate', name: 'Violence and sexual offences rate (per 1,000 population)', description: `Police.uk does not separate violence with injury. ${POLICE_UK}`, ...CRIME, source: 'series', seriesName: 'Violence and sexual offences', unit: 'rate_per_1000', polarity: 'down_is_good' },

  { key: 'first-time-entrants', name: 'Number of first time entrants to the criminal justice system aged 10–17', description: 'Youth justice figures, imported as the series "First time entrants aged 10-17" (collated in arrears).', ...REOFFENDING, source: 'series', seriesName: 'First time entrants aged 10-17', unit: 'count', polarity: 'down_is_good' },
  { key: 'youth-ete', name: '% of young people on youth justice disposals in education, training or employment at closure', description: 'Imported as the series "Youth justice ETE at disposal".', ...REOFFENDING, source: 'series', seriesName: 'Youth justice ETE at disposal', unit: 'percentage', polarity: 'up_is_good' },

  { key: 'marac-repeat-rate', name: '% of domestic abuse cases reviewed at MARAC that are repeats', description: 'Rolling 12 months, imported as the series "MARAC repeat referral rate". SafeLives recommends between 28% and 40%.', ...VULNERABLE, source: 'series', seriesName: 'MARAC repeat referral rate', unit: 'percentage', polarity: 'neutral', band: { low: 28, high: 40 } },
  { key: 'domestic-incidents', name: 'Domestic-related incidents recorded by partners', description: 'Incidents recorded in Endeavour with the domestic flag.', ...VULNERABLE, source: 'records', measure: 'incidents', filter: { flag: 'domestic' }, unit: 'count', polarity: 'neutral' },
  { key: 'repeat-victims', name: 'People becoming repeat victims of ASB', description: "People who reached the partnership's repeat-victim threshold (by default three incidents as victim in 12 months) in the period.", ...VULNERABLE, source: 'records', measure: 'repeat_victims', unit: 'count', polarity: 'down_is_good' },
  { key: 'vulnerable-victim-share', name: '% of incidents with a vulnerable victim', description: 'Incidents recorded in Endeavour with the vulnerable victim flag, as a share of all incidents.', ...VULNERABLE, source: 'records', measure: 'incidents', filter: { flag: 'vulnerable_victim' }, unit: 'percentage', polarity: 'neutral' },

  { key: 'police-uk-asb', name: 'Anti-social behaviour reported to the police', description: `Police data. ${POLICE_UK}`, ...ASB, source: 'series', seriesName: 'Anti-social behaviour', unit: 'count', polarity: 'down_is_good' },
  { key: 'police-uk-asb-rate', name: 'Anti-social behaviour reported to the police (rate per 1,000 population)', description: `Police data. ${POLICE_UK}`, ...ASB, source: 'series', seriesName: 'Anti-social behaviour', unit: 'rate_per_1000', polarity: 'down_is_good' },
  { key: 'asb-incidents-rate', name: 'ASB incidents recorded by partners (rate per 1,000 population)', description: 'Every incident recorded in Endeavour by any partner, by the month it was reported.', ...ASB, source: 'records', measure: 'incidents', unit: 'rate_per_1000', polarity: 'down_is_good' },
  { key: 'asb-personal', name: 'Personal ASB incidents recorded by partners', description: 'Incidents recorded in Endeavour in the personal category.', ...ASB, source: 'records', measure: 'incidents', filter: { category: 'personal' }, unit: 'count', polarity: 'down_is_good' },
  { key: 'asb-nuisance', name: 'Nuisance ASB incidents recorded by partners', description: 'Incidents recorded in Endeavour in the nuisance category.', ...ASB, source: 'records', measure: 'incidents', filter: { category: 'nuisance' }, unit: 'count', polarity: 'down_is_good' },
  { key: 'asb-environmental', name: 'Environmental ASB incidents recorded by partners', description: 'Incidents recorded in Endeavour in the environmental category.', ...ASB, source: 'records', measure: 'incidents', filter: { category: 'environmental' }, unit: 'count', polarity: 'down_is_good' },
  { key: 'cases-opened', name: 'ASB cases opened', description: 'Cases opened in Endeavour, in the district of the first incident each was opened from.', ...ASB, source: 'records', measure: 'cases_opened', unit: 'count', polarity: 'neutral' },
  { key: 'cases-closed', name: 'ASB cases closed', description: 'Cases closed in Endeavour.', ...ASB, source: 'records', measure: 'cases_closed', unit: 'count', polarity: 'up_is_good' },
  { key: 'tasks-overdue', name: '% of case tasks finished late or overdue', description: 'Of the tasks due in the period, those finished after their due date or still open after it.', ...ASB, source: 'records', measure: 'tasks_overdue', unit: 'percentage', polarity: 'down_is_good', target: 10 },
  { key: 'case-review-applications', name: 'ASB Case Review applications received', description: 'Applications for an ASB Case Review (formerly the Community Trigger) received in the period.', ...ASB, source: 'records', measure: 'case_review_applications', unit: 'count', polarity: 'neutral' },
  { key: 'survey-asb-decreased', name: '% of people who agree ASB has decreased or stayed the same', description: 'Survey results, imported as the series "Survey: ASB decreased or stayed the same".', ...ASB, source: 'series', seriesName: 'Survey: ASB decreased or stayed the same', unit: 'percentage', polarity: 'up_is_good' },
  { key: 'survey-safe-after-dark', name: '% who feel safe outside in their local area after dark', description: 'Survey results, imported as the series "Survey: feel safe after dark".', ...ASB, source: 'series', seriesName: 'Survey: feel safe after dark', unit: 'percentage', polarity: 'up_is_good' },

  { key: 'hate-incidents-rate', name: 'Reported hate incidents (per 1,000 population)', description: 'Incidents recorded in Endeavour with the hate flag. Hate incidents are under-reported, so the board reads more reporting as progress.', ...COHESION, source: 'records', measure: 'incidents', filter: { flag: 'hate' }, unit: 'rate_per_1000', polarity: 'up_is_good' },
  { key: 'survey-get-on-well', name: '% who agree people from different backgrounds get on well together', description: 'Survey results, imported as the series "Survey: people get on well together".', ...COHESION, source: 'series', seriesName: 'Survey: people get on well together', unit: 'percentage', polarity: 'up_is_good' },
];

/**
 * Gives a partnership the default indicators, once: the settings row remembers it, so a partnership
 * that retires or deletes them does not get them back. Runs as the operator (set-up, like the demo
 * seed); indicators that already exist (by key) are left as they are.
 */
export async function seedDefaultIndicators(db: Executor, partnershipId: string): Promise<boolean> {
  const settings = await db.selectFrom('indicator_settings').select('defaults_seeded_at').where('partnership_id', '=', partnershipId).executeTakeFirst();
  if (settings?.defaults_seeded_at) return false;
  await db
    .insertInto('indicators')
    .values(
      DEFAULT_INDICATORS.map((d, i) => ({
        partnership_id: partnershipId,
        key: d.key,
        name: d.name,
        description: d.description,
        outcome: d.outcome,
        priority: d.priority,
        source: d.source,
        measure: d.measure ?? null,
        filter: JSON.stringify(d.filter ?? {}),
        series_name: d.seriesName ?? null,
        unit: d.unit,
        polarity: d.polarity,
        target: d.target ?? null,
        band_low: d.band?.low ?? null,
        band_high: d.band?.high ?? null,
        sort_order: (i + 1) * 10,
      })),
    )
    .onConflict((oc) => oc.columns(['partnership_id', 'key']).doNothing())
    .execute();
  await db
    .insertInto('indicator_settings')
    .values({ partnership_id: partnershipId, defaults_seeded_at: sql<Date>`now()` })
    .onConflict((oc) => oc.column('partnership_id').doUpdateSet({ defaults_seeded_at: sql<Date>`now()` }))
    .execute();
  return true;
}
