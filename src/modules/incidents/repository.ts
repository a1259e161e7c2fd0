// Typed queries on incidents and their links. Every function runs inside withUser, so row-level
// security has already narrowed what they can see or change: a linked person, vehicle or business
// the viewer may not see comes back with its details empty, never with someone else's data.
import { sql, type Insertable, type Updateable } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';
import type { AsbCategory, IncidentRole, IncidentsTable } from '../../platform/db/schema.ts';
import type { BusinessRole, Flag } from './labels.ts';

export const PAGE_SIZE = 50;

export interface IncidentFilters {
  from: string | null;
  to: string | null;
  category: AsbCategory | null;
  asbTypeId: string | null;
  areaId: string | null;
  flag: Flag | null;
  status: 'open' | 'closed' | null;
  /** Only incidents this organisation holds ("mine") or those shared with it ("shared"). */
  holder: 'mine' | 'shared' | null;
}

export function listIncidents(tx: Tx, organisationId: string, f: IncidentFilters & { fromInstant: Date | null; toInstant: Date | null }, page: number) {
  let q = tx
    .selectFrom('incidents as i')
    .innerJoin('organisations as o', 'o.id', 'i.owner_organisation_id')
    .leftJoin('asb_types as t', 't.id', 'i.asb_type_id')
    .leftJoin('areas as a', 'a.id', 'i.area_id')
    .select([
      'i.id',
      'i.reference',
      'i.occurred_from',
      'i.occurred_to',
      'i.reported_at',
      'i.category',
      'i.status',
      'i.location_text',
      'i.postcode',
      'i.hate',
      'i.domestic',
      'i.alcohol',
      'i.drugs',
      'i.youth',
      'i.vulnerable_victim',
      'i.owner_organisation_id',
      't.name as type_name',
      'a.name as area_name',
      'o.name as owner_name',
    ]);
  if (f.fromInstant) q = q.where('i.occurred_from', '>=', f.fromInstant);
  if (f.toInstant) q = q.where('i.occurred_from', '<', f.toInstant);
  if (f.category) q = q.where('i.category', '=', f.category);
  if (f.asbTypeId) q = q.where('i.asb_type_id', '=', f.asbTypeId);
  if (f.areaId) {
    const areaId = f.areaId;
    q = q.where((eb) => eb.or([eb('i.area_id', '=', areaId), eb('i.ward_id', '=', areaId)]));
  }
  if (f.flag) q = q.where(`i.${f.flag}`, '=', true);
  if (f.status) q = q.where('i.status', '=', f.status);
  if (f.holder === 'mine') q = q.where('i.owner_organisation_id', '=', organisationId);
  if (f.holder === 'shared') q = q.where('i.owner_organisation_id', '<>', organisationId);
  return q
    .orderBy('i.occurred_from', 'desc')
    .orderBy('i.id', 'desc')
    .limit(PAGE_SIZE + 1)
    .offset((page - 1) * PAGE_SIZE)
    .execute();
}

export function findIncident(tx: Tx, id: string) {
  return tx
    .selectFrom('incidents as i')
    .innerJoin('organisations as o', 'o.id', 'i.owner_organisation_id')
    .leftJoin('organisations as s', 's.id', 'i.source_organisation_id')
    .leftJoin('asb_types as t', 't.id', 'i.asb_type_id')
    .leftJoin('areas as a', 'a.id', 'i.area_id')
    .leftJoin('areas as w', 'w.id', 'i.ward_id')
    .innerJoin('users as c', 'c.id', 'i.created_by')
    .leftJoin('users as u', 'u.id', 'i.updated_by')
    .selectAll('i')
    .select([
      'o.name as owner_name',
      's.name as source_name',
      't.name as type_name',
      'a.name as area_name',
      'w.name as ward_name',
      'c.display_name as created_by_name',
      'u.display_name as updated_by_name',
    ])
    .where('i.id', '=', id)
    .executeTakeFirst();
}
export type IncidentRow = NonNullable<Awaited<ReturnType<typeof findIncident>>>;

export function insertIncident(tx: Tx, row: Insertable<IncidentsTable>) {
  return tx.insertInto('incidents').values(row).returning(['id', 'reference']).executeTakeFirstOrThrow();
}

/** Optimistic concurrency: the update applies only if nobody changed the incident since `version`. */
export async function updateIncident(tx: Tx, id: string, version: number, userId: string, fields: Updateable<IncidentsTable>) {
  const r = await tx
    .updateTable('incidents')
    .set((eb) => ({ ...fields, updated_by: userId, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The people linked to an incident; names are empty for people not shared with the viewer. */
export function peopleOf(tx: Tx, incidentId: string) {
  return tx
    .selectFrom('incident_people as ip')
    .leftJoin('people as p', 'p.id', 'ip.person_id')
    .leftJoin('organisations as o', 'o.id', 'p.owner_organisation_id')
    .select(['ip.id as link_id', 'ip.person_id', 'ip.role', 'p.first_name', 'p.last_name', 'p.date_of_birth', 'o.name as owner_name'])
    .where('ip.incident_id', '=', incidentId)
    .orderBy(sql`array_position(ARRAY['victim','reporting_party','witness','perpetrator','other']::text[], ip.role)`)
    .orderBy('ip.created_at')
    .execute();
}

export function vehiclesOf(tx: Tx, incidentId: string) {
  return tx
    .selectFrom('incident_vehicles as iv')
    .leftJoin('vehicles as v', 'v.id', 'iv.vehicle_id')
    .select(['iv.vehicle_id', 'v.vrm', 'v.make', 'v.model', 'v.colour'])
    .where('iv.incident_id', '=', incidentId)
    .orderBy('v.vrm')
    .execute();
}

export function businessesOf(tx: Tx, incidentId: string) {
  return tx
    .selectFrom('incident_businesses as ib')
    .leftJoin('businesses as b', 'b.id', 'ib.business_id')
    .select(['ib.business_id', 'ib.role', 'b.name', 'b.address'])
    .where('ib.incident_id', '=', incidentId)
    .orderBy('b.name')
    .execute();
}

export async function linkPerson(tx: Tx, incidentId: string, personId: string, role: IncidentRole) {
  const r = await tx
    .insertInto('incident_people')
    .values({ incident_id: incidentId, person_id: personId, role })
    .onConflict((oc) => oc.columns(['incident_id', 'person_id', 'role']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return !!r;
}

export async function unlinkPerson(tx: Tx, incidentId: string, linkId: string) {
  return tx.deleteFrom('incident_people').where('incident_id', '=', incidentId).where('id', '=', linkId).returning(['person_id', 'role']).executeTakeFirst();
}

export async function linkVehicle(tx: Tx, incidentId: string, vehicleId: string) {
  const r = await tx
    .insertInto('incident_vehicles')
    .values({ incident_id: incidentId, vehicle_id: vehicleId })
    .onConflict((oc) => oc.columns(['incident_id', 'vehicle_id']).doNothing())
    .returning('vehicle_id')
    .executeTakeFirst();
  return !!r;
}

export async function unlinkVehicle(tx: Tx, incidentId: string, vehicleId: string) {
  const r = await tx.deleteFrom('incident_vehicles').where('incident_id', '=', incidentId).where('vehicle_id', '=', vehicleId).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export async function linkBusiness(tx: Tx, incidentId: string, businessId: string, role: BusinessRole) {
  const r = await tx
    .insertInto('incident_businesses')
    .values({ incident_id: incidentId, business_id: businessId, role })
    .onConflict((oc) => oc.columns(['incident_id', 'business_id', 'role']).doNothing())
    .returning('business_id')
    .executeTakeFirst();
  return !!r;
}

export async function unlinkBusiness(tx: Tx, incidentId: string, businessId: string, role: BusinessRole) {
  const r = await tx
    .deleteFrom('incident_businesses')
    .where('incident_id', '=', incidentId)
    .where('business_id', '=', businessId)
    .where('role', '=', role)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** People the viewer can see, by id, with what tells namesakes apart. */
export function visiblePeople(tx: Tx, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return tx
    .selectFrom('people as p')
    .innerJoin('organisations as o', 'o.id', 'p.owner_organisation_id')
    .select(['p.id', 'p.first_name', 'p.last_name', 'p.date_of_birth', 'o.name as owner_name'])
    .where('p.id', 'in', ids)
    .execute();
}

/** People the viewer can see whose names contain every word typed. */
export function searchPeople(tx: Tx, partnershipId: string, q: string, limit: number) {
  let query = tx
    .selectFrom('people as p')
    .innerJoin('organisations as o', 'o.id', 'p.owner_organisation_id')
    .select(['p.id', 'p.first_name', 'p.last_name', 'p.date_of_birth', 'o.name as owner_name'])
    .where('p.partnership_id', '=', partnershipId)
    .where('p.merged_into_id', 'is', null);
  for (const w of q.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 5)) {
    query = query.where((eb) => eb(eb.fn('lower', [eb.fn('concat_ws', [eb.val(' '), 'p.first_name', 'p.middle_names', 'p.last_name'])]), 'like', `%${w.replace(/[\\%_]/g, '\\$&')}%`));
  }
  return query.orderBy('p.last_name').orderBy('p.first_name').orderBy('p.date_of_birth').limit(limit).execute();
}

/** Businesses the viewer can see, by name or address, for linking to an incident. */
export function searchBusinesses(tx: Tx, partnershipId: string, q: string, limit: number) {
  let query = tx
    .selectFrom('businesses as b')
    .innerJoin('organisations as o', 'o.id', 'b.owner_organisation_id')
    .select(['b.id', 'b.name', 'b.address', 'o.name as owner_name'])
    .where('b.partnership_id', '=', partnershipId);
  for (const w of q.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 5)) {
    const pattern = `%${w.replace(/[\\%_]/g, '\\$&')}%`;
    query = query.where((eb) => eb.or([eb(eb.fn('lower', ['b.name']), 'like', pattern), eb(eb.fn('lower', [eb.fn.coalesce('b.address', eb.val(''))]), 'like', pattern)]));
  }
  return query.orderBy('b.name').limit(limit).execute();
}

export function visibleBusiness(tx: Tx, id: string) {
  return tx.selectFrom('businesses').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
}

/** The incidents a person is linked to that the viewer may see, newest first, one row per role. */
export function incidentsForPerson(tx: Tx, personId: string) {
  return tx
    .selectFrom('incident_people as ip')
    .innerJoin('incidents as i', 'i.id', 'ip.incident_id')
    .leftJoin('asb_types as t', 't.id', 'i.asb_type_id')
    .select(['i.id', 'i.reference', 'i.occurred_from', 'ip.role', 'i.category', 't.name as type_name'])
    .where('ip.person_id', '=', personId)
    .orderBy('i.occurred_from', 'desc')
    .orderBy('i.id')
    .execute();
}

export function asbTypes(tx: Tx, partnershipId: string) {
  return tx.selectFrom('asb_types').select(['id', 'name', 'category', 'active', 'sort']).where('partnership_id', '=', partnershipId).orderBy('sort').orderBy('name').execute();
}

export function organisations(tx: Tx, partnershipId: string) {
  return tx.selectFrom('organisations').select(['id', 'name', 'active']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

export function areas(tx: Tx, partnershipId: string) {
  return tx
    .selectFrom('areas')
    .select(['id', 'name', 'kind'])
    .where('partnership_id', '=', partnershipId)
    .orderBy(sql`CASE kind WHEN 'county' THEN 0 WHEN 'unitary' THEN 1 WHEN 'district' THEN 1 WHEN 'ward' THEN 3 ELSE 2 END`)
    .orderBy('name')
    .execute();
}
