// The hotspot map: incidents the viewer may see, filtered exactly as the report builder filters
// them, as points, hexagons of density and repeat locations, over district, ward and LSOA
// boundaries. The page itself carries the non-map alternative (places and areas with their counts),
// so it is complete without JavaScript; the map's data comes from a JSON endpoint. Both are audited.
import type { Kysely } from 'kysely';
import type { FeatureCollection } from 'geojson';
import type { DB } from '../../platform/db/schema.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import { parseIncidentFilters, reportOptions, type ReportOptions } from '../report-builder/service.ts';
import { CATEGORY_NAMES } from '../incidents/labels.ts';
import * as repo from './repository.ts';
import { hexagons, RESOLUTIONS, type Hexagon } from './density.ts';
import { referenceFeatures, type Layer } from './boundaries.ts';

export const RECORD_TYPE = 'incident';
/** More mapped incidents than this are shown as density only: one by one they would hide each other. */
export const POINT_LIMIT = 2000;
/** Up to this many, hexagon counts come from each incident's own position. */
export const EXACT_LIMIT = 50_000;
export const PLACE_LIMIT = 50;

const auditFilters = (f: ReturnType<typeof parseIncidentFilters>['filters']) => [
  ...Object.keys(f.filters),
  ...(f.from ? ['from'] : []),
  ...(f.to ? ['to'] : []),
  ...f.flags.map((x) => `flag:${x}`),
];

async function parse(db: Kysely<DB>, actor: Actor, query: unknown) {
  const options = await reportOptions(db, actor);
  return { options, ...parseIncidentFilters(query, options) };
}

export interface PlaceRow extends repo.PlaceCount {
  repeat: boolean;
  areaName?: string;
}

/** The page: what the filters match, and the places and areas with their counts (the non-map alternative). */
export async function mapPage(db: Kysely<DB>, actor: Actor, query: unknown) {
  const parsed = await parse(db, actor, query);
  if (parsed.errors.list.length) return { ...parsed, summary: null };
  const f = parsed.filters;
  return withUser(db, actor.userId, async (tx) => {
    const totals = await repo.counts(tx, f);
    const areas = await repo.areaCounts(tx, f);
    const top = await repo.topPlaces(tx, f, PLACE_LIMIT);
    const repeats = await repo.repeatPlaceKeys(tx, top.map((p) => p.key));
    const places: PlaceRow[] = top.map((p) => ({ ...p, repeat: repeats.has(p.key) }));
    await auditBy(tx, actor, 'list', RECORD_TYPE, null, { purpose: 'map', filters: auditFilters(f), shown: totals.total });
    return { ...parsed, summary: { ...totals, places, areas: namedAreas(areas, parsed.options) } };
  });
}

function namedAreas(a: Awaited<ReturnType<typeof repo.areaCounts>>, options: ReportOptions) {
  const name = (id: string | null) => (id ? (options.areaNames[id] ?? 'Unknown') : 'Not recorded');
  const sort = (rows: { id: string | null; n: number }[]) => rows.map((r) => ({ id: r.id, name: name(r.id), n: r.n })).sort((x, y) => y.n - x.n || x.name.localeCompare(y.name));
  return { districts: sort(a.districts), wards: sort(a.wards) };
}

export interface MapData {
  total: number;
  mapped: number;
  points: { id: string; reference: string; lat: number; lng: number; occurred: string; what: string; repeat: boolean }[] | null;
  pointLimit: number;
  hexagons: Record<string, Hexagon[]>;
  approximate: boolean;
  repeats: { label: string; postcode: string | null; lat: number; lng: number; n: number }[];
}

/** The map's layers as JSON, or the form's errors. */
export async function mapData(db: Kysely<DB>, actor: Actor, query: unknown): Promise<{ errors: string[] } | { data: MapData }> {
  const parsed = await parse(db, actor, query);
  if (parsed.errors.list.length) return { errors: parsed.errors.list.map((e) => e.text) };
  const f = parsed.filters;
  const typeNames = Object.fromEntries(parsed.options.asbTypes.map((t) => [t.id, t.name]));
  return withUser(db, actor.userId, async (tx) => {
    const totals = await repo.counts(tx, f);
    const exact = totals.mapped <= EXACT_LIMIT;
    const weighted = await repo.weightedPoints(tx, f, exact);
    const hex: Record<string, Hexagon[]> = {};
    for (const res of RESOLUTIONS) hex[String(res)] = hexagons(weighted, res);
    const repeatRows = await repo.repeatPlaces(tx, f, 200);
    const repeatKeys = new Set(repeatRows.map((r) => r.key));
    let points: MapData['points'] = null;
    if (totals.mapped <= POINT_LIMIT) {
      const rows = await repo.points(tx, f, POINT_LIMIT);
      points = rows.map((p) => ({
        id: p.id,
        reference: p.reference,
        lat: p.lat,
        lng: p.lng,
        occurred: new Date(p.occurred_from).toISOString(),
        what: `${CATEGORY_NAMES[p.category as keyof typeof CATEGORY_NAMES] ?? p.category}${p.asb_type_id && typeNames[p.asb_type_id] ? `: ${typeNames[p.asb_type_id]}` : ''}`,
        repeat: !!p.place_key && repeatKeys.has(p.place_key),
      }));
    }
    await auditBy(tx, actor, 'list', RECORD_TYPE, null, { purpose: 'map_data', filters: auditFilters(f), shown: totals.mapped, points: points?.length ?? 0 });
    return {
      data: {
        total: totals.total,
        mapped: totals.mapped,
        points,
        pointLimit: POINT_LIMIT,
        hexagons: hex,
        approximate: !exact,
        repeats: repeatRows.filter((r) => r.lat !== null && r.lng !== null).map((r) => ({ label: r.label, postcode: r.postcode, lat: r.lat!, lng: r.lng!, n: r.n })),
      },
    };
  });
}

/** A boundary layer for the actor's partnership, as GeoJSON with `code` and `name` on each feature. */
export async function boundaries(db: Kysely<DB>, actor: Actor, layer: Layer): Promise<FeatureCollection> {
  return withUser(db, actor.userId, async (tx) => {
    if (layer === 'districts') {
      const rows = await repo.districtBoundaries(tx, actor.partnershipId);
      return {
        type: 'FeatureCollection',
        features: rows.map((r) => ({
          type: 'Feature',
          properties: { code: r.ons_code, name: r.name },
          geometry: (typeof r.geometry === 'string' ? JSON.parse(r.geometry) : r.geometry) as FeatureCollection['features'][number]['geometry'],
        })),
      };
    }
    return referenceFeatures(layer, await repo.districtCodes(tx, actor.partnershipId));
  });
}
