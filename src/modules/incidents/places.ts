// Where an incident (or a business) is: a gazetteer address, or a place described in words with an
// optional postcode and map point. The gazetteer itself belongs to the addresses capability; this
// turns either kind of answer into the columns an incident stores, with its district and ward.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { gridToLatLon, latLonToGrid } from '../../platform/geo/grid.ts';
import { parsePostcode } from '../../platform/geo/postcode.ts';
import * as addresses from '../addresses/service.ts';
import type { LocationInput } from './fields.ts';

export type AddressMatch = addresses.AddressLookup;

export const MAX_MATCHES = 50;

/** Gazetteer addresses matching a postcode or words from the address. */
export function findAddresses(tx: Kysely<DB>, partnershipId: string, query: string): Promise<AddressMatch[]> {
  const q = query.trim().slice(0, 200);
  if (!q) return Promise.resolve([]);
  return addresses.findAddresses(tx, partnershipId, { text: q, limit: MAX_MATCHES });
}

export function addressByUprn(tx: Kysely<DB>, partnershipId: string, uprn: number): Promise<AddressMatch | null> {
  return addresses.addressByUprn(tx, partnershipId, uprn);
}

export interface LocationColumns {
  uprn: number | null;
  location_text: string | null;
  postcode: string | null;
  postcode_key: string | null;
  latitude: number | null;
  longitude: number | null;
  easting: number | null;
  northing: number | null;
  area_id: string | null;
  ward_id: string | null;
}

/** The district and ward every gazetteer address at a postcode agrees on, if they agree. */
async function areasAtPostcode(tx: Kysely<DB>, partnershipId: string, postcode: string) {
  const rows = await addresses.findAddresses(tx, partnershipId, { postcode, limit: 200 });
  const one = <T>(xs: T[]) => (xs.length && xs.every((x) => x === xs[0]) ? xs[0]! : null);
  return { areaId: one(rows.map((r) => r.areaId)), wardId: one(rows.map((r) => r.wardId)) };
}

const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;

/** The stored columns for a location, or which field is wrong. */
export async function resolveLocation(
  tx: Kysely<DB>,
  partnershipId: string,
  location: LocationInput,
): Promise<{ columns: LocationColumns } | { field: string; message: string }> {
  if (location.kind === 'gazetteer') {
    const a = await addresses.addressByUprn(tx, partnershipId, location.uprn);
    if (!a) return { field: 'uprn', message: 'Select an address from the list' };
    const pc = parsePostcode(a.postcode);
    return {
      columns: {
        uprn: a.uprn,
        location_text: a.singleLine,
        postcode: pc?.display ?? a.postcode,
        postcode_key: pc?.key ?? null,
        latitude: a.latitude,
        longitude: a.longitude,
        easting: a.easting,
        northing: a.northing,
        area_id: a.areaId,
        ward_id: a.wardId,
      },
    };
  }
  let { latitude, longitude, easting, northing } = location;
  if (easting !== null && northing !== null) {
    ({ latitude, longitude } = gridToLatLon(easting, northing));
  } else if (latitude !== null && longitude !== null) {
    ({ easting, northing } = latLonToGrid(latitude, longitude));
  }
  let areaId: string | null = null;
  let wardId: string | null = null;
  if (latitude !== null && longitude !== null) ({ areaId, wardId } = await addresses.areaForPoint(tx, partnershipId, latitude, longitude));
  if (!areaId && !wardId && location.postcode) ({ areaId, wardId } = await areasAtPostcode(tx, partnershipId, location.postcode.display));
  return {
    columns: {
      uprn: null,
      location_text: location.text,
      postcode: location.postcode?.display ?? null,
      postcode_key: location.postcode?.key ?? null,
      latitude: latitude === null ? null : round(latitude, 6),
      longitude: longitude === null ? null : round(longitude, 6),
      easting: easting === null ? null : round(easting, 1),
      northing: northing === null ? null : round(northing, 1),
      area_id: areaId,
      ward_id: wardId,
    },
  };
}
