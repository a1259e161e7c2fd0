// Loads area boundaries (GeoJSON, WGS84) for a partnership's areas, matched by ONS code, then
// re-derives the district and ward of every gazetteer address from them.
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon } from 'geojson';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { bbox, boundariesNear, locate } from './areas.ts';

export class BoundaryFormatError extends Error {}

export interface BoundaryReport {
  features: number;
  loaded: { code: string; name: string }[];
  /** Features whose code is not one of the partnership's areas. */
  unmatched: string[];
  /** Features without a usable polygon. */
  invalid: string[];
  addressesUpdated: number;
}

const ONS_CODE = /^[EWSNK]\d{8}$/;

function asCollection(json: unknown): FeatureCollection {
  const j = json as { type?: unknown; features?: unknown };
  if (j && j.type === 'FeatureCollection' && Array.isArray(j.features)) return j as FeatureCollection;
  if (j && j.type === 'Feature') return { type: 'FeatureCollection', features: [j as Feature] };
  throw new BoundaryFormatError('The file is not a GeoJSON FeatureCollection (TopoJSON must be converted to GeoJSON first).');
}

/** The property holding each feature's ONS code: the one given, or the first whose values all look like codes. */
export function codeProperty(features: Feature[], given?: string): string {
  if (given) {
    if (!features.some((f) => f.properties && given in f.properties)) throw new BoundaryFormatError(`No feature has a "${given}" property.`);
    return given;
  }
  const first = features.find((f) => f.properties)?.properties ?? {};
  const key = Object.keys(first).find((k) => features.every((f) => ONS_CODE.test(String(f.properties?.[k] ?? ''))));
  if (!key) throw new BoundaryFormatError('Could not tell which property holds the ONS area code: name it with --code-property, for example LAD21CD.');
  return key;
}

function isPolygonal(g: Geometry | null): g is Polygon | MultiPolygon {
  if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) return false;
  const rings = g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
  return rings.length > 0 && rings.every((r) => Array.isArray(r) && r.length >= 4 && r.every((p) => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1]) && Math.abs(p[0]!) <= 180 && Math.abs(p[1]!) <= 90));
}

export async function importBoundaries(tx: Kysely<DB>, partnershipId: string, json: unknown, opts: { codeProperty?: string } = {}): Promise<BoundaryReport> {
  const { features } = asCollection(json);
  if (!features.length) throw new BoundaryFormatError('The file has no features.');
  const key = codeProperty(features, opts.codeProperty);
  const areas = await tx.selectFrom('areas').select(['id', 'ons_code', 'name']).where('partnership_id', '=', partnershipId).where('ons_code', 'is not', null).execute();
  const byCode = new Map(areas.map((a) => [a.ons_code!.toUpperCase(), a]));
  const report: BoundaryReport = { features: features.length, loaded: [], unmatched: [], invalid: [], addressesUpdated: 0 };
  for (const f of features) {
    const code = String(f.properties?.[key] ?? '').trim().toUpperCase();
    const area = byCode.get(code);
    if (!area) {
      report.unmatched.push(code || '(no code)');
      continue;
    }
    if (!isPolygonal(f.geometry)) {
      report.invalid.push(code);
      continue;
    }
    const b = bbox(f.geometry);
    await tx
      .insertInto('area_boundaries')
      .values({ area_id: area.id, geometry: JSON.stringify(f.geometry), min_lon: b.minLon, min_lat: b.minLat, max_lon: b.maxLon, max_lat: b.maxLat })
      .onConflict((oc) =>
        oc.column('area_id').doUpdateSet((eb) => ({
          geometry: eb.ref('excluded.geometry'),
          min_lon: eb.ref('excluded.min_lon'),
          min_lat: eb.ref('excluded.min_lat'),
          max_lon: eb.ref('excluded.max_lon'),
          max_lat: eb.ref('excluded.max_lat'),
        })),
      )
      .execute();
    report.loaded.push({ code, name: area.name });
  }
  if (report.loaded.length) report.addressesUpdated = await rederiveAreas(tx, partnershipId);
  return report;
}

const PAGE = 5000;

/** Recomputes area and ward for every gazetteer address with coordinates; returns how many changed. */
export async function rederiveAreas(tx: Kysely<DB>, partnershipId: string): Promise<number> {
  const boundaries = await boundariesNear(tx, partnershipId);
  let after = 0;
  let changed = 0;
  for (;;) {
    const rows = await tx
      .selectFrom('gazetteer_addresses')
      .select(['uprn', 'latitude', 'longitude', 'area_id', 'ward_id'])
      .where('partnership_id', '=', partnershipId)
      .where('uprn', '>', after)
      .orderBy('uprn')
      .limit(PAGE)
      .execute();
    if (!rows.length) break;
    after = rows[rows.length - 1]!.uprn;
    const updates = [];
    for (const r of rows) {
      const w = r.latitude !== null && r.longitude !== null ? locate(boundaries, r.latitude, r.longitude) : { areaId: null, wardId: null };
      if (w.areaId !== r.area_id || w.wardId !== r.ward_id) updates.push({ uprn: r.uprn, area_id: w.areaId, ward_id: w.wardId });
    }
    if (updates.length) {
      await sql`UPDATE gazetteer_addresses g SET area_id = u.area_id, ward_id = u.ward_id, updated_at = now()
        FROM jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) AS u(uprn bigint, area_id uuid, ward_id uuid)
        WHERE g.partnership_id = ${partnershipId} AND g.uprn = u.uprn`.execute(tx);
      changed += updates.length;
    }
  }
  return changed;
}
