// Typed queries on the gazetteer. It is reference data readable by every user, so each query names
// the partnership itself; the incidents at an address are read through row-level security.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';

type Db = Kysely<DB>;

const COLUMNS = [
  'uprn',
  'line_1',
  'line_2',
  'line_3',
  'town',
  'postcode',
  'single_line',
  'latitude',
  'longitude',
  'easting',
  'northing',
  'area_id',
  'ward_id',
] as const;

export type GazetteerRow = {
  uprn: number;
  line_1: string;
  line_2: string | null;
  line_3: string | null;
  town: string | null;
  postcode: string | null;
  single_line: string;
  latitude: number | null;
  longitude: number | null;
  easting: number | null;
  northing: number | null;
  area_id: string | null;
  ward_id: string | null;
};

// House numbers sort as numbers ("2 High Street" before "10 High Street"), then the text.
const houseNumberOrder = sql`nullif(substring(line_1 from '^[0-9]+'), '')::int`;

export function byPostcode(tx: Db, partnershipId: string, key: string, limit: number): Promise<GazetteerRow[]> {
  return tx
    .selectFrom('gazetteer_addresses')
    .select(COLUMNS)
    .where('partnership_id', '=', partnershipId)
    .where('postcode_key', '=', key)
    .orderBy(sql`${houseNumberOrder} NULLS LAST`)
    .orderBy('single_line')
    .limit(limit)
    .execute();
}

/** Candidate rows taken before ranking, so a common word ("road") costs no more than a rare one. */
const CANDIDATES = 500;

/** Every word must appear in the address (the trigram index answers these), best match first. */
export function byWords(tx: Db, partnershipId: string, words: string[], text: string, limit: number): Promise<GazetteerRow[]> {
  let inner = tx.selectFrom('gazetteer_addresses').select(COLUMNS).where('partnership_id', '=', partnershipId);
  for (const w of words) inner = inner.where(sql<boolean>`lower(single_line) LIKE ${`%${escapeLike(w)}%`}`);
  return tx
    .selectFrom(inner.limit(CANDIDATES).as('g'))
    .selectAll()
    .orderBy(sql`similarity(lower(single_line), ${text}) DESC`)
    .orderBy(sql`${houseNumberOrder} NULLS LAST`)
    .orderBy('single_line')
    .limit(limit)
    .execute();
}

/** A looser match for mistyped words: trigram similarity of the whole text. */
export function bySimilarity(tx: Db, partnershipId: string, text: string, limit: number): Promise<GazetteerRow[]> {
  return tx
    .selectFrom('gazetteer_addresses')
    .select(COLUMNS)
    .where('partnership_id', '=', partnershipId)
    .where(sql<boolean>`lower(single_line) % ${text}`)
    .orderBy(sql`similarity(lower(single_line), ${text}) DESC`)
    .orderBy('single_line')
    .limit(limit)
    .execute();
}

export function byUprn(tx: Db, partnershipId: string, uprn: number): Promise<GazetteerRow | undefined> {
  return tx.selectFrom('gazetteer_addresses').select(COLUMNS).where('partnership_id', '=', partnershipId).where('uprn', '=', uprn).executeTakeFirst();
}

export function escapeLike(s: string) {
  return s.replace(/[\\%_]/g, '\\$&');
}

/** Incidents recorded at a UPRN that the viewer may see (row-level security filters them). */
export function incidentsAt(tx: Db, uprn: number, limit: number) {
  return tx
    .selectFrom('incidents as i')
    .innerJoin('organisations as o', 'o.id', 'i.owner_organisation_id')
    .leftJoin('asb_types as t', 't.id', 'i.asb_type_id')
    .select(['i.id', 'i.reference', 'i.occurred_from', 'i.reported_at', 'i.category', 'i.status', 't.name as type_name', 'o.name as owner_name'])
    .where('i.uprn', '=', uprn)
    .orderBy('i.occurred_from', 'desc')
    .limit(limit)
    .execute();
}

/** People with this address in their history that the viewer may see. */
export function peopleAt(tx: Db, uprn: number, limit: number) {
  return tx
    .selectFrom('person_addresses as a')
    .innerJoin('people as p', 'p.id', 'a.person_id')
    .select(['p.id', 'p.first_name', 'p.last_name', 'a.from_date', 'a.to_date'])
    .where('a.uprn', '=', uprn)
    .orderBy('p.last_name')
    .orderBy('p.first_name')
    .limit(limit)
    .execute();
}

export function areaNames(tx: Db, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return tx.selectFrom('areas').select(['id', 'name', 'kind', 'ons_code']).where('id', 'in', ids).execute();
}
