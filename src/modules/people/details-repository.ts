// A person's aliases, address history and links to other people. These rows have no owner of their
// own: row-level security shows (and lets anyone change) them exactly when their person is visible,
// so the service checks edit access before changing any.
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';
import { nameCandidates } from './name-search.ts';

export function aliases(tx: Tx, personId: string) {
  return tx
    .selectFrom('person_aliases')
    .select(['id', 'kind', 'first_name', 'last_name', 'created_at'])
    .where('person_id', '=', personId)
    .orderBy('created_at')
    .execute();
}

export function insertAlias(tx: Tx, row: { person_id: string; kind: 'alias' | 'maiden_name' | 'previous_name' | 'nickname'; first_name: string | null; last_name: string; created_by: string }) {
  return tx.insertInto('person_aliases').values(row).returning('id').executeTakeFirstOrThrow();
}

export async function deleteAlias(tx: Tx, personId: string, aliasId: string) {
  const r = await tx.deleteFrom('person_aliases').where('id', '=', aliasId).where('person_id', '=', personId).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** Current addresses (no end date) first, then the most recent. */
export function addresses(tx: Tx, personId: string) {
  return tx
    .selectFrom('person_addresses')
    .select(['id', 'uprn', 'address', 'postcode', 'from_date', 'to_date', 'created_at'])
    .where('person_id', '=', personId)
    .orderBy((eb) => eb('to_date', 'is', null), 'desc')
    .orderBy('to_date', 'desc')
    .orderBy('from_date', 'desc')
    .orderBy('created_at', 'desc')
    .execute();
}

export function insertAddress(tx: Tx, row: { person_id: string; uprn: number | null; address: string; postcode: string | null; postcode_key: string | null; from_date: string | null; to_date: string | null; created_by: string }) {
  return tx.insertInto('person_addresses').values(row).returning('id').executeTakeFirstOrThrow();
}

/** Ends the addresses that were current, as of the day the person moved to a new one. */
export async function endCurrentAddresses(tx: Tx, personId: string, on: string, except: string) {
  const r = await tx
    .updateTable('person_addresses')
    .set({ to_date: on })
    .where('person_id', '=', personId)
    .where('to_date', 'is', null)
    .where('id', '!=', except)
    .where((eb) => eb.or([eb('from_date', 'is', null), eb('from_date', '<=', on)]))
    .returning('id')
    .execute();
  return r.map((x) => x.id);
}

export async function deleteAddress(tx: Tx, personId: string, addressId: string) {
  const r = await tx.deleteFrom('person_addresses').where('id', '=', addressId).where('person_id', '=', personId).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/**
 * Links in both directions, each with the other person's name. A link stored on someone the viewer
 * cannot see, or naming someone they cannot see, is not returned (the joins run under row-level security).
 */
export async function links(tx: Tx, personId: string) {
  const outward = await tx
    .selectFrom('person_links as l')
    .innerJoin('people as o', 'o.id', 'l.other_person_id')
    .select(['l.id', 'l.person_id as stored_on', 'l.relationship', 'o.id as other_id', 'o.first_name', 'o.last_name', 'o.date_of_birth', 'l.created_at'])
    .where('l.person_id', '=', personId)
    .execute();
  const inward = await tx
    .selectFrom('person_links as l')
    .innerJoin('people as o', 'o.id', 'l.person_id')
    .select(['l.id', 'l.person_id as stored_on', 'l.relationship', 'o.id as other_id', 'o.first_name', 'o.last_name', 'o.date_of_birth', 'l.created_at'])
    .where('l.other_person_id', '=', personId)
    .execute();
  return { outward, inward };
}

export function findLink(tx: Tx, linkId: string) {
  return tx.selectFrom('person_links').select(['id', 'person_id', 'other_person_id', 'relationship']).where('id', '=', linkId).executeTakeFirst();
}

/** The same link already recorded from either side. */
export function linkExists(tx: Tx, a: string, b: string, relationship: string, inverse: string) {
  return tx
    .selectFrom('person_links')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('person_id', '=', a), eb('other_person_id', '=', b), eb('relationship', '=', relationship)]),
        eb.and([eb('person_id', '=', b), eb('other_person_id', '=', a), eb('relationship', '=', inverse)]),
      ]),
    )
    .executeTakeFirst();
}

export function insertLink(tx: Tx, row: { person_id: string; other_person_id: string; relationship: string; created_by: string }) {
  return tx.insertInto('person_links').values(row).returning('id').executeTakeFirstOrThrow();
}

export async function deleteLink(tx: Tx, linkId: string) {
  const r = await tx.deleteFrom('person_links').where('id', '=', linkId).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** People the viewer may see, to link to: by name, as the search box finds them, excluding the person being linked from. */
export async function linkCandidates(tx: Tx, partnershipId: string, text: string, exclude: string) {
  const r = await sql<{ id: string; first_name: string; last_name: string; date_of_birth: string | null; owner_name: string }>`
    SELECT p.id, p.first_name, p.last_name, p.date_of_birth, o.name AS owner_name
    FROM ${nameCandidates(partnershipId, text)} c
    JOIN people p ON p.id = c.person_id JOIN organisations o ON o.id = p.owner_organisation_id
    WHERE p.id <> ${exclude} AND p.merged_into_id IS NULL
    GROUP BY p.id, o.name
    ORDER BY max(c.score) DESC, p.last_name, p.first_name, p.id
    LIMIT 25`.execute(tx);
  return r.rows;
}
