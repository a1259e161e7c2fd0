// Indicator definitions, series figures, areas and populations as the computation and the admin pages
// read and write them. Every query names the partnership: under withUser row-level security also
// keeps it to the acting user's; run as the operator (the command line), the argument is the scope.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB, IndicatorsTable } from '../../platform/db/schema.ts';
import type { Indicator, IndicatorFilter, Measure } from './definitions.ts';

export type Executor = Kysely<DB> | Transaction<DB>;

export function toIndicator(row: Selectable<IndicatorsTable>): Indicator {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    description: row.description,
    outcome: row.outcome,
    priority: row.priority,
    source: row.source,
    unit: row.unit,
    polarity: row.polarity,
    target: row.target,
    band: row.band_low !== null && row.band_high !== null ? { low: row.band_low, high: row.band_high } : null,
    sortOrder: row.sort_order,
    seriesName: row.series_name,
    measure: row.measure as Measure | null,
    filter: (row.filter ?? {}) as IndicatorFilter,
    active: row.active,
    version: row.version,
  };
}

export async function listIndicatorRows(db: Executor, partnershipId: string, opts: { activeOnly: boolean }) {
  let q = db.selectFrom('indicators').selectAll().where('partnership_id', '=', partnershipId);
  if (opts.activeOnly) q = q.where('active', '=', true);
  const rows = await q.orderBy('sort_order').orderBy('name').execute();
  return rows.map(toIndicator);
}

export async function findIndicator(db: Executor, partnershipId: string, by: { key: string } | { id: string }) {
  let q = db.selectFrom('indicators').selectAll().where('partnership_id', '=', partnershipId);
  q = 'key' in by ? q.where('key', '=', by.key) : q.where('id', '=', by.id);
  const row = await q.executeTakeFirst();
  return row ? toIndicator(row) : null;
}

export interface AreaRow {
  id: string;
  code: string | null;
  name: string;
}

/** The areas indicators are reported by: the partnership's districts and unitary authorities. */
export async function reportingAreas(db: Executor, partnershipId: string): Promise<AreaRow[]> {
  return db
    .selectFrom('areas')
    .select(['id', 'ons_code as code', 'name'])
    .where('partnership_id', '=', partnershipId)
    .where('kind', 'in', ['district', 'unitary'])
    .orderBy('name')
    .execute();
}

export async function populations(db: Executor, areaIds: string[]) {
  if (!areaIds.length) return [];
  return db.selectFrom('area_populations').select(['area_id', 'year', 'population']).where('area_id', 'in', areaIds).execute();
}

export interface SeriesFigure {
  area_id: string | null;
  month: string;
  value: number;
}

/** A series' figures by area and month (YYYY-MM-01), every source's added together. */
export async function seriesFigures(db: Executor, partnershipId: string, series: string, fromMonth: string, toMonth: string): Promise<SeriesFigure[]> {
  const r = await sql<SeriesFigure>`
    SELECT area_id, to_char(month, 'YYYY-MM') AS month, sum(value)::float8 AS value
    FROM indicator_series_values
    WHERE partnership_id = ${partnershipId} AND series = ${series}
      AND month BETWEEN ${`${fromMonth}-01`}::date AND ${`${toMonth}-01`}::date
    GROUP BY area_id, month`.execute(db);
  return r.rows;
}

export interface RecordFigure {
  area_id: string | null;
  month: string | null;
  numerator: number | null;
  denominator: number | null;
  suppressed: boolean;
}

/**
 * The counts behind a records indicator, already suppressed where the viewer may not know them
 * (indicator_values_for in migrations/0013). 'acting user': their partnership and organisation;
 * otherwise the given partnership as seen by the given organisation (null: one that owns nothing).
 */
export async function recordFigures(
  db: Executor,
  viewer: 'acting user' | { partnershipId: string; organisationId: string | null },
  measure: Measure,
  filter: IndicatorFilter,
  fromMonth: string,
  toMonth: string,
  byMonth: boolean,
  areaId: string | null,
): Promise<RecordFigure[]> {
  const from = `${fromMonth}-01`;
  const to = `${toMonth}-01`;
  const f = JSON.stringify(filter);
  const r =
    viewer === 'acting user'
      ? await sql<RecordFigure>`SELECT area_id, to_char(month, 'YYYY-MM') AS month, numerator, denominator, suppressed
          FROM indicator_values(${measure}, ${f}::jsonb, ${from}::date, ${to}::date, ${byMonth}, ${areaId}::uuid)`.execute(db)
      : await sql<RecordFigure>`SELECT area_id, to_char(month, 'YYYY-MM') AS month, numerator, denominator, suppressed
          FROM indicator_values_for(${viewer.partnershipId}::uuid, ${viewer.organisationId}::uuid, ${measure}, ${f}::jsonb,
            ${from}::date, ${to}::date, ${byMonth}, ${areaId}::uuid)`.execute(db);
  return r.rows;
}

export async function suppressionThreshold(db: Executor, partnershipId: string): Promise<number> {
  const row = await db.selectFrom('indicator_settings').select('suppression_threshold').where('partnership_id', '=', partnershipId).executeTakeFirst();
  return row?.suppression_threshold ?? 4;
}
