// Queries for the hotspot map. Every function runs inside withUser with the report builder's own
// conditions for the same filters, so the map counts exactly the incidents the viewer may see and
// a report of the same filters agrees with it.
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';
import { selectRecords, type ReportFilters } from '../report-builder/service.ts';
import type { WeightedPoint } from './density.ts';

const MAPPED = sql`r.latitude IS NOT NULL AND r.longitude IS NOT NULL`;
// The filtered incidents the viewer may see, as the report builder reads them (each half with its index).
const rows = selectRecords;

export async function counts(tx: Tx, f: ReportFilters) {
  const r = await sql<{ total: number; mapped: number }>`
    SELECT count(*)::int AS total, count(*) FILTER (WHERE s.mapped)::int AS mapped
    FROM (${rows(f, sql`(${MAPPED}) AS mapped`)}) s`.execute(tx);
  return r.rows[0] ?? { total: 0, mapped: 0 };
}

/** Incidents by district and by ward, in one pass. */
export async function areaCounts(tx: Tx, f: ReportFilters) {
  const r = await sql<{ area_id: string | null; ward_id: string | null; by_ward: number; n: number }>`
    SELECT s.area_id::text, s.ward_id::text, GROUPING(s.ward_id)::int AS by_ward, count(*)::int AS n
    FROM (${rows(f, sql`r.area_id, r.ward_id`)}) s
    GROUP BY GROUPING SETS ((s.area_id), (s.ward_id))`.execute(tx);
  return {
    districts: r.rows.filter((x) => x.by_ward === 1).map((x) => ({ id: x.area_id, n: x.n })),
    wards: r.rows.filter((x) => x.by_ward === 0 && x.ward_id !== null).map((x) => ({ id: x.ward_id!, n: x.n })),
  };
}

export interface PlaceCount {
  key: string;
  label: string;
  postcode: string | null;
  lat: number | null;
  lng: number | null;
  n: number;
}

const PLACE_COLUMNS = sql`r.place_key AS key, r.location_text AS label, r.postcode, r.latitude AS lat, r.longitude AS lng`;

/**
 * The places with most incidents: by address (the same UPRN, or postcode and described place, as the
 * repeats rules key them), most first.
 */
export async function topPlaces(tx: Tx, f: ReportFilters, limit: number): Promise<PlaceCount[]> {
  const r = await sql<PlaceCount>`
    SELECT s.key, min(s.label) AS label, min(s.postcode) AS postcode, avg(s.lat) AS lat, avg(s.lng) AS lng, count(*)::int AS n
    FROM (${rows(f, PLACE_COLUMNS, [sql`r.place_key IS NOT NULL`])}) s
    GROUP BY s.key
    ORDER BY n DESC, label
    LIMIT ${limit}`.execute(tx);
  return r.rows;
}

/** Which of these places are repeat locations (an active flag the viewer may see: src/modules/repeats). */
export async function repeatPlaceKeys(tx: Tx, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const r = await sql<{ subject_key: string }>`
    SELECT f.subject_key FROM repeat_flags f
    WHERE f.kind = 'location' AND f.expires_at > now() AND f.subject_key = ANY (${keys}::text[])`.execute(tx);
  return new Set(r.rows.map((x) => x.subject_key));
}

/** Repeat locations among the filtered incidents, wherever they rank, with their counts in this set (placed where their mapped incidents are). */
export async function repeatPlaces(tx: Tx, f: ReportFilters, limit: number): Promise<PlaceCount[]> {
  const flagged = sql`r.place_key IN (SELECT rf.subject_key FROM repeat_flags rf WHERE rf.kind = 'location' AND rf.expires_at > now())`;
  const r = await sql<PlaceCount>`
    SELECT s.key, min(s.label) AS label, min(s.postcode) AS postcode, avg(s.lat) AS lat, avg(s.lng) AS lng, count(*)::int AS n
    FROM (${rows(f, PLACE_COLUMNS, [flagged])}) s
    GROUP BY s.key
    ORDER BY n DESC, label
    LIMIT ${limit}`.execute(tx);
  return r.rows;
}

export interface MapPoint {
  id: string;
  reference: string;
  lat: number;
  lng: number;
  occurred_from: Date;
  category: string;
  asb_type_id: string | null;
  place_key: string | null;
}

/** The newest mapped incidents, one more than the limit so the caller can tell there are more. */
export async function points(tx: Tx, f: ReportFilters, limit: number): Promise<MapPoint[]> {
  const r = await sql<MapPoint>`
    SELECT * FROM (${rows(f, sql`r.id, r.reference, r.latitude AS lat, r.longitude AS lng, r.occurred_from, r.category, r.asb_type_id, r.place_key`, [MAPPED])}) s
    ORDER BY s.occurred_from DESC, s.id
    LIMIT ${limit + 1}`.execute(tx);
  return r.rows;
}

/**
 * Mapped incidents as weighted points for the density layer: to about a metre when there are few
 * (each hexagon's count is then exact), otherwise on a grid of about 500 m first, so the query returns
 * thousands of rows rather than millions (hexagon counts are then approximate at their edges).
 */
export async function weightedPoints(tx: Tx, f: ReportFilters, exact: boolean): Promise<WeightedPoint[]> {
  const step = exact ? 0.00001 : 0.005;
  const r = await sql<WeightedPoint>`
    SELECT (round(s.lat / ${step}) * ${step})::float8 AS lat, (round(s.lng / ${step}) * ${step})::float8 AS lng, count(*)::int AS n
    FROM (${rows(f, sql`r.latitude AS lat, r.longitude AS lng`, [MAPPED])}) s
    GROUP BY 1, 2`.execute(tx);
  return r.rows;
}

export function districtBoundaries(tx: Tx, partnershipId: string) {
  return tx
    .selectFrom('area_boundaries as b')
    .innerJoin('areas as a', 'a.id', 'b.area_id')
    .select(['a.id', 'a.name', 'a.ons_code', 'b.geometry'])
    .where('a.partnership_id', '=', partnershipId)
    .where('a.kind', 'in', ['district', 'unitary'])
    .orderBy('a.name')
    .execute();
}

export async function districtCodes(tx: Tx, partnershipId: string) {
  const rows = await tx.selectFrom('areas').select('ons_code').where('partnership_id', '=', partnershipId).where('kind', 'in', ['district', 'unitary']).where('ons_code', 'is not', null).execute();
  return rows.map((r) => r.ons_code!);
}
