// Which district (or unitary authority) and ward a point lies in, from the partnership's loaded
// boundaries: a bounding-box prefilter in SQL, then an exact point-in-polygon test here.
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { sql, type Kysely } from 'kysely';
import type { AreaKind, DB } from '../../platform/db/schema.ts';

export interface Boundary {
  areaId: string;
  kind: AreaKind;
  geometry: Polygon | MultiPolygon;
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

export interface AreaAndWard {
  areaId: string | null;
  wardId: string | null;
}

// The most specific area that is not a ward wins: a district or unitary over the county around it.
const AREA_PREFERENCE: Record<AreaKind, number> = { district: 0, unitary: 0, other: 1, county: 2, ward: 9 };

type Db = Kysely<DB>;

export async function boundariesNear(tx: Db, partnershipId: string, point?: { latitude: number; longitude: number }): Promise<Boundary[]> {
  const rows = await sql<{ area_id: string; kind: AreaKind; geometry: unknown; min_lon: number; min_lat: number; max_lon: number; max_lat: number }>`
    SELECT b.area_id, a.kind, b.geometry, b.min_lon, b.min_lat, b.max_lon, b.max_lat
    FROM area_boundaries b JOIN areas a ON a.id = b.area_id
    WHERE a.partnership_id = ${partnershipId}
      AND (${point ? point.longitude : null}::double precision IS NULL
        OR (${point?.longitude ?? null}::double precision BETWEEN b.min_lon AND b.max_lon
          AND ${point?.latitude ?? null}::double precision BETWEEN b.min_lat AND b.max_lat))`.execute(tx);
  return rows.rows.map((r) => ({
    areaId: r.area_id,
    kind: r.kind,
    geometry: (typeof r.geometry === 'string' ? JSON.parse(r.geometry) : r.geometry) as Polygon | MultiPolygon,
    minLon: r.min_lon,
    minLat: r.min_lat,
    maxLon: r.max_lon,
    maxLat: r.max_lat,
  }));
}

/** The area and ward containing a point, among boundaries already loaded (the importer keeps them all). */
export function locate(boundaries: Boundary[], latitude: number, longitude: number): AreaAndWard {
  let area: Boundary | null = null;
  let ward: Boundary | null = null;
  for (const b of boundaries) {
    if (longitude < b.minLon || longitude > b.maxLon || latitude < b.minLat || latitude > b.maxLat) continue;
    const feature: Feature<Polygon | MultiPolygon> = { type: 'Feature', properties: {}, geometry: b.geometry };
    if (!booleanPointInPolygon([longitude, latitude], feature)) continue;
    if (b.kind === 'ward') ward ??= b;
    else if (!area || AREA_PREFERENCE[b.kind] < AREA_PREFERENCE[area.kind]) area = b;
  }
  return { areaId: area?.areaId ?? null, wardId: ward?.areaId ?? null };
}

/** The bounding box of a polygon or multipolygon, for the cheap prefilter columns. */
export function bbox(geometry: Polygon | MultiPolygon) {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  const rings = geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
  for (const ring of rings) {
    for (const [lon, lat] of ring as [number, number][]) {
      if (lon < minLon) minLon = lon;
      if (lon > maxLon) maxLon = lon;
      if (lat < minLat) minLat = lat;
      if (lat > maxLat) maxLat = lat;
    }
  }
  return { minLon, minLat, maxLon, maxLat };
}
