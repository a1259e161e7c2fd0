// Typed queries on businesses and places. Every function runs inside withUser, so row-level
// security has already narrowed what they can see or change.
import type { Insertable } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';
import type { BusinessesTable } from '../../platform/db/schema.ts';

export const PAGE_SIZE = 50;

export interface BusinessColumns {
  name: string;
  kind: string | null;
  uprn: number | null;
  address: string | null;
  postcode: string | null;
  postcode_key: string | null;
  phone: string | null;
  notes: string | null;
}

const like = (s: string) => `%${s.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;

export function listBusinesses(tx: Tx, opts: { partnershipId: string; q: string | null; page: number; limit?: number }) {
  const limit = opts.limit ?? PAGE_SIZE;
  let q = tx
    .selectFrom('businesses as b')
    .innerJoin('organisations as o', 'o.id', 'b.owner_organisation_id')
    .select(['b.id', 'b.name', 'b.kind', 'b.address', 'b.postcode', 'b.owner_organisation_id', 'o.name as owner_name'])
    .where('b.partnership_id', '=', opts.partnershipId);
  if (opts.q) {
    const words = opts.q.split(/\s+/).filter(Boolean).slice(0, 5);
    for (const w of words) q = q.where((eb) => eb.or([eb(eb.fn('lower', ['b.name']), 'like', like(w)), eb(eb.fn('lower', [eb.fn.coalesce('b.address', eb.val(''))]), 'like', like(w))]));
  }
  return q
    .orderBy('b.name')
    .orderBy('b.id')
    .limit(limit + 1)
    .offset((opts.page - 1) * limit)
    .execute();
}

export function findBusiness(tx: Tx, id: string) {
  return tx
    .selectFrom('businesses as b')
    .innerJoin('organisations as o', 'o.id', 'b.owner_organisation_id')
    .innerJoin('users as c', 'c.id', 'b.created_by')
    .leftJoin('users as u', 'u.id', 'b.updated_by')
    .selectAll('b')
    .select(['o.name as owner_name', 'c.display_name as created_by_name', 'u.display_name as updated_by_name'])
    .where('b.id', '=', id)
    .executeTakeFirst();
}

export function insertBusiness(tx: Tx, row: Insertable<BusinessesTable>) {
  return tx.insertInto('businesses').values(row).returning('id').executeTakeFirstOrThrow();
}

/** Optimistic concurrency: the update applies only if nobody changed the record since `version`. */
export async function updateBusiness(tx: Tx, id: string, version: number, userId: string, fields: BusinessColumns) {
  const r = await tx
    .updateTable('businesses')
    .set((eb) => ({ ...fields, updated_by: userId, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The incidents a business or place is linked to that the viewer may see, with its role in each. */
export function incidentsForBusiness(tx: Tx, businessId: string) {
  return tx
    .selectFrom('incident_businesses as ib')
    .innerJoin('incidents as i', 'i.id', 'ib.incident_id')
    .leftJoin('asb_types as t', 't.id', 'i.asb_type_id')
    .select(['i.id', 'i.reference', 'i.occurred_from', 'i.category', 'i.status', 'ib.role', 't.name as type_name'])
    .where('ib.business_id', '=', businessId)
    .orderBy('i.occurred_from', 'desc')
    .limit(200)
    .execute();
}
