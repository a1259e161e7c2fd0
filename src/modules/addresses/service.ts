// The gazetteer as other capabilities use it: look addresses up by postcode or free text, fetch one
// by UPRN, and find the district and ward of a point. These take the caller's transaction so that a
// lookup joins whatever the caller is doing; the page functions below open their own.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import { parsePostcode } from '../../platform/geo/postcode.ts';
import { boundariesNear, locate, type AreaAndWard } from './areas.ts';
import * as repo from './repository.ts';

export const RECORD_TYPE = 'address';
export const MAX_RESULTS = 200;

export interface AddressLookup {
  uprn: number;
  singleLine: string;
  line1: string;
  line2: string | null;
  line3: string | null;
  town: string | null;
  postcode: string | null;
  latitude: number | null;
  longitude: number | null;
  easting: number | null;
  northing: number | null;
  areaId: string | null;
  wardId: string | null;
}

function toLookup(r: repo.GazetteerRow): AddressLookup {
  return {
    uprn: r.uprn,
    singleLine: r.single_line,
    line1: r.line_1,
    line2: r.line_2,
    line3: r.line_3,
    town: r.town,
    postcode: r.postcode,
    latitude: r.latitude,
    longitude: r.longitude,
    easting: r.easting,
    northing: r.northing,
    areaId: r.area_id,
    wardId: r.ward_id,
  };
}

/** A UPRN is a positive whole number of up to 12 digits. */
export function parseUprn(v: unknown): number | null {
  const s = typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
  if (!/^[0-9]{1,12}$/.test(s)) return null;
  const n = Number(s);
  return n > 0 ? n : null;
}

/** Lower case, single spaces, no punctuation that means nothing in an address. */
export function normaliseText(text: string) {
  return text
    .toLowerCase()
    .replace(/[,.;:()"]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

/**
 * Addresses in the partnership's gazetteer matching a postcode (any spacing or case), free text
 * ("12 ashby road loughborough"; a postcode or UPRN typed as text works too), or both.
 */
export async function findAddresses(tx: Kysely<DB>, partnershipId: string, opts: { postcode?: string | null; text?: string | null; limit?: number }): Promise<AddressLookup[]> {
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 50) || 50, 1), MAX_RESULTS);
  const text = normaliseText(opts.text ?? '');
  const words = text.split(' ').filter(Boolean).slice(0, 8);
  if (opts.postcode) {
    const pc = parsePostcode(opts.postcode);
    if (!pc) return [];
    const rows = await repo.byPostcode(tx, partnershipId, pc.key, words.length ? MAX_RESULTS : limit);
    const filtered = words.length ? rows.filter((r) => words.every((w) => normaliseText(r.single_line).includes(w))) : rows;
    return filtered.slice(0, limit).map(toLookup);
  }
  if (!text) return [];
  const asPostcode = parsePostcode(text);
  if (asPostcode) return (await repo.byPostcode(tx, partnershipId, asPostcode.key, limit)).map(toLookup);
  const uprn = words.length === 1 ? parseUprn(words[0]) : null;
  if (uprn && String(uprn).length >= 6) {
    const row = await repo.byUprn(tx, partnershipId, uprn);
    if (row) return [toLookup(row)];
  }
  const rows = await repo.byWords(tx, partnershipId, words, text, limit);
  if (rows.length || text.length < 4) return rows.map(toLookup);
  return (await repo.bySimilarity(tx, partnershipId, text, limit)).map(toLookup);
}

export async function addressByUprn(tx: Kysely<DB>, partnershipId: string, uprn: number): Promise<AddressLookup | null> {
  if (!Number.isSafeInteger(uprn) || uprn <= 0) return null;
  const row = await repo.byUprn(tx, partnershipId, uprn);
  return row ? toLookup(row) : null;
}

/** The district (or unitary) and ward whose loaded boundaries contain the point; nulls where none do. */
export async function areaForPoint(tx: Kysely<DB>, partnershipId: string, latitude: number, longitude: number): Promise<AreaAndWard> {
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return { areaId: null, wardId: null };
  return locate(await boundariesNear(tx, partnershipId, { latitude, longitude }), latitude, longitude);
}

// Pages ------------------------------------------------------------------------------------------

export async function lookup(db: Kysely<DB>, actor: Actor, opts: { postcode: string | null; text: string | null }) {
  return withUser(db, actor.userId, async (tx) => {
    const addresses = await findAddresses(tx, actor.partnershipId, { ...opts, limit: 100 });
    await auditBy(tx, actor, 'list', RECORD_TYPE, null, { searched: true, shown: addresses.length });
    return addresses;
  });
}

export const INCIDENTS_SHOWN = 100;

export async function viewAddress(db: Kysely<DB>, actor: Actor, uprn: number) {
  return withUser(db, actor.userId, async (tx) => {
    const address = await addressByUprn(tx, actor.partnershipId, uprn);
    if (!address) return null;
    const incidents = await repo.incidentsAt(tx, uprn, INCIDENTS_SHOWN + 1);
    const people = await repo.peopleAt(tx, uprn, 101);
    const areas = await repo.areaNames(tx, [address.areaId, address.wardId].filter((x): x is string => !!x));
    await auditBy(tx, actor, 'view', RECORD_TYPE, String(uprn), { incidents: Math.min(incidents.length, INCIDENTS_SHOWN), people: Math.min(people.length, 100) });
    return {
      address,
      area: areas.find((a) => a.id === address.areaId) ?? null,
      ward: areas.find((a) => a.id === address.wardId) ?? null,
      incidents: incidents.slice(0, INCIDENTS_SHOWN),
      moreIncidents: incidents.length > INCIDENTS_SHOWN,
      people: people.slice(0, 100),
      morePeople: people.length > 100,
    };
  });
}
