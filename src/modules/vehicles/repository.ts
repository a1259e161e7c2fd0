// Typed queries on vehicles. Every function runs inside withUser, so row-level security has already
// narrowed what they can see or change.
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';
import type { Insertable } from 'kysely';
import type { VehiclesTable } from '../../platform/db/schema.ts';

export const PAGE_SIZE = 50;

export interface VehicleFields {
  vrm: string;
  vrm_key: string;
  make: string | null;
  model: string | null;
  colour: string | null;
  notes: string | null;
}

export function listVehicles(tx: Tx, opts: { partnershipId: string; key: string | null; text: string | null; page: number }) {
  let q = tx
    .selectFrom('vehicles as v')
    .innerJoin('organisations as o', 'o.id', 'v.owner_organisation_id')
    .select(['v.id', 'v.vrm', 'v.make', 'v.model', 'v.colour', 'v.owner_organisation_id', 'o.name as owner_name'])
    .where('v.partnership_id', '=', opts.partnershipId);
  if (opts.key || opts.text) {
    const key = opts.key;
    const text = opts.text ? `%${opts.text.toLowerCase().replace(/[\\%_]/g, '\\$&')}%` : null;
    q = q.where((eb) => {
      const any = [];
      if (key) any.push(eb('v.vrm_key', 'like', `${key}%`));
      if (text) any.push(eb(sql<string>`lower(concat_ws(' ', v.make, v.model, v.colour))`, 'like', text));
      return eb.or(any);
    });
  }
  return q
    .orderBy('v.vrm_key')
    .orderBy('v.id')
    .limit(PAGE_SIZE + 1)
    .offset((opts.page - 1) * PAGE_SIZE)
    .execute();
}

export function findVehicle(tx: Tx, id: string) {
  return tx
    .selectFrom('vehicles as v')
    .innerJoin('organisations as o', 'o.id', 'v.owner_organisation_id')
    .innerJoin('users as c', 'c.id', 'v.created_by')
    .leftJoin('users as u', 'u.id', 'v.updated_by')
    .selectAll('v')
    .select(['o.name as owner_name', 'c.display_name as created_by_name', 'u.display_name as updated_by_name'])
    .where('v.id', '=', id)
    .executeTakeFirst();
}

/** Visible vehicles with these registrations, the viewer's own organisation's first. */
export function visibleByKeys(tx: Tx, partnershipId: string, keys: string[], organisationId: string) {
  if (!keys.length) return Promise.resolve([]);
  return tx
    .selectFrom('vehicles as v')
    .innerJoin('organisations as o', 'o.id', 'v.owner_organisation_id')
    .select(['v.id', 'v.vrm', 'v.vrm_key', 'v.make', 'v.model', 'v.colour', 'v.owner_organisation_id', 'o.name as owner_name'])
    .where('v.partnership_id', '=', partnershipId)
    .where('v.vrm_key', 'in', keys)
    .orderBy(sql`(v.owner_organisation_id = ${organisationId})`, 'desc')
    .orderBy('v.created_at')
    .execute();
}

export function insertVehicle(tx: Tx, row: Insertable<VehiclesTable>) {
  return tx.insertInto('vehicles').values(row).returning('id').executeTakeFirstOrThrow();
}

/** Optimistic concurrency: the update applies only if nobody changed the vehicle since `version`. */
export async function updateVehicle(tx: Tx, id: string, version: number, userId: string, fields: VehicleFields) {
  const r = await tx
    .updateTable('vehicles')
    .set((eb) => ({ ...fields, updated_by: userId, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The incidents a vehicle appears in that the viewer may see. */
export function incidentsForVehicle(tx: Tx, vehicleId: string) {
  return tx
    .selectFrom('incident_vehicles as iv')
    .innerJoin('incidents as i', 'i.id', 'iv.incident_id')
    .leftJoin('asb_types as t', 't.id', 'i.asb_type_id')
    .select(['i.id', 'i.reference', 'i.occurred_from', 'i.category', 'i.status', 'i.location_text', 't.name as type_name'])
    .where('iv.vehicle_id', '=', vehicleId)
    .orderBy('i.occurred_from', 'desc')
    .limit(200)
    .execute();
}
