// Incidents: what happened, when, where, to and by whom. Visibility is decided by PostgreSQL (the
// owner organisation or a live share); this service adds the audit trail, the rules for editing,
// sharing and linking, and the functions other capabilities call (the person page, cases, tasks).
import type { Kysely } from 'kysely';
import type { DB, IncidentRole } from '../../platform/db/schema.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import { accessTo, listShares } from '../../platform/access/shares.ts';
import * as people from '../people/service.ts';
import * as vehicles from '../vehicles/service.ts';
import type { IncidentCore, LocationInput } from './fields.ts';
import type { PersonEntry, VehicleEntry } from './entries.ts';
import type { BusinessRole } from './labels.ts';
import { findAddresses, addressByUprn, resolveLocation, type AddressMatch, type LocationColumns } from './places.ts';
import { requiredFields } from './required-fields.ts';
import * as repo from './repository.ts';
import { afterIncidentChange } from './after-change.ts';
import * as repeats from '../repeats/service.ts';
import * as multiAgency from '../multi-agency/service.ts';
import { ownerSharing } from '../../platform/access/owner-sharing.ts';

export const RECORD_TYPE = 'incident';
export type { IncidentFilters } from './repository.ts';
export { incidentsForPerson } from './repository.ts';

/** A short summary of one incident the caller's user may see (for cases, tasks and the like). */
export async function incidentSummary(tx: Tx, id: string) {
  const i = await repo.findIncident(tx, id);
  if (!i) return null;
  return {
    id: i.id,
    reference: i.reference,
    occurred_from: i.occurred_from,
    reported_at: i.reported_at,
    category: i.category,
    type_name: i.type_name,
    description: i.description,
    location_text: i.location_text,
    owner_organisation_id: i.owner_organisation_id,
    owner_name: i.owner_name,
    status: i.status,
  };
}

// The form ----------------------------------------------------------------------------------------

export interface FormLookups {
  addressQuery?: string | null;
  personQuery?: string | null;
  /** The incident's own type and way of reporting stay choosable when changing it, even if retired. */
  keepTypeId?: string | null;
  keepSourceId?: string | null;
}

export interface PersonRow {
  index: number;
  entry: PersonEntry;
  name: string;
  date_of_birth: string | null;
  holder: string | null;
  isNew: boolean;
}

/** Everything the incident form needs besides what was typed: lists, minimum standards, lookups. */
export async function formData(db: Kysely<DB>, actor: Actor, lookups: FormLookups, entries: { people: PersonEntry[]; vehicles: VehicleEntry[]; uprn?: string | null }) {
  return withUser(db, actor.userId, async (tx) => {
    const allTypes = await repo.asbTypes(tx, actor.partnershipId);
    const asbTypes = allTypes.filter((t) => t.active || t.id === lookups.keepTypeId);
    const organisations = (await repo.organisations(tx, actor.partnershipId)).filter((o) => o.active || o.id === actor.organisationId || o.id === lookups.keepSourceId);
    const required = await requiredFields(tx, actor.partnershipId, 'incident');
    const personRequired = await requiredFields(tx, actor.partnershipId, 'person');

    let addressMatches: AddressMatch[] = [];
    if (lookups.addressQuery) addressMatches = await findAddresses(tx, actor.partnershipId, lookups.addressQuery);
    const chosen = entries.uprn && /^\d{1,12}$/.test(entries.uprn) ? Number(entries.uprn) : null;
    if (chosen && !addressMatches.some((m) => m.uprn === chosen)) {
      const a = await addressByUprn(tx, actor.partnershipId, chosen);
      if (a) addressMatches.unshift(a);
    }

    let personMatches: Awaited<ReturnType<typeof repo.searchPeople>> = [];
    if (lookups.personQuery) {
      personMatches = await repo.searchPeople(tx, actor.partnershipId, lookups.personQuery, 20);
      await auditBy(tx, actor, 'list', 'person', null, { purpose: 'incident_form', searched: true, shown: personMatches.length });
    }
    const personMarkers = await repeats.markersFor(tx, personMatches.map((p) => p.id));

    const existingIds = entries.people.flatMap((e) => (e.kind === 'existing' ? [e.id] : []));
    const seen = new Map((await repo.visiblePeople(tx, existingIds)).map((p) => [p.id, p]));
    const peopleRows: PersonRow[] = [];
    const keptPeople: PersonEntry[] = [];
    for (const e of entries.people) {
      if (e.kind === 'existing') {
        const p = seen.get(e.id);
        if (!p) continue; // not (or no longer) visible to this user: never shown, never linked
        peopleRows.push({ index: keptPeople.length, entry: e, name: `${p.first_name} ${p.last_name}`, date_of_birth: p.date_of_birth, holder: p.owner_name, isNew: false });
      } else {
        peopleRows.push({ index: keptPeople.length, entry: e, name: `${e.first_name} ${e.last_name}`, date_of_birth: e.date_of_birth, holder: null, isNew: true });
      }
      keptPeople.push(e);
    }
    const known = await vehicles.knownVehicles(tx, actor, entries.vehicles.map((v) => vehicles.vrmKey(v.vrm)));
    const vehicleRows = entries.vehicles.map((v, index) => ({ index, entry: v, known: known.get(vehicles.vrmKey(v.vrm)) ?? null }));

    return {
      asbTypes,
      organisations,
      required,
      personRequired,
      addressMatches,
      personMatches,
      personMarkers,
      peopleRows,
      keptPeople,
      vehicleRows,
    };
  });
}

export type SaveProblem = { field: string; message: string };

async function checkPeople(tx: Tx, entries: PersonEntry[]): Promise<SaveProblem | null> {
  const ids = entries.flatMap((e) => (e.kind === 'existing' ? [e.id] : []));
  const seen = new Set((await repo.visiblePeople(tx, ids)).map((p) => p.id));
  return ids.every((id) => seen.has(id)) ? null : { field: 'people', message: 'A person you added can no longer be seen by you. Check the people involved and try again' };
}

/**
 * Records a new incident with its people and vehicles. New people are created first (through the
 * people capability, each audited there), then the incident and every link in one transaction.
 */
export async function createIncident(
  db: Kysely<DB>,
  actor: Actor,
  input: { core: IncidentCore; location: LocationInput; people: PersonEntry[]; vehicles: VehicleEntry[]; sourceReference?: string },
): Promise<{ kind: 'ok'; id: string; reference: string } | { kind: 'invalid'; problem: SaveProblem }> {
  const checked = await withUser(db, actor.userId, async (tx) => {
    const place = await resolveLocation(tx, actor.partnershipId, input.location);
    if ('field' in place) return place;
    return (await checkPeople(tx, input.people)) ?? place;
  });
  if ('field' in checked) return { kind: 'invalid', problem: checked };

  const links: { personId: string; role: IncidentRole }[] = [];
  for (const e of input.people) {
    if (e.kind === 'existing') links.push({ personId: e.id, role: e.role });
    else {
      const id = await people.createPerson(db, actor, {
        first_name: e.first_name,
        middle_names: null,
        last_name: e.last_name,
        date_of_birth: e.date_of_birth,
        gender: null,
        phone: null,
        email: null,
        notes: null,
      });
      links.push({ personId: id, role: e.role });
    }
  }

  return withUser(db, actor.userId, async (tx) => {
    const { status: _status, ...core } = input.core;
    const row = await repo.insertIncident(tx, {
      ...core,
      ...checked.columns,
      source_reference: input.sourceReference ?? null,
      partnership_id: actor.partnershipId,
      owner_organisation_id: actor.organisationId,
      created_by: actor.userId,
      updated_at: new Date(),
    });
    for (const l of links) await repo.linkPerson(tx, row.id, l.personId, l.role);
    const vehicleIds: string[] = [];
    for (const v of input.vehicles) {
      const { id } = await vehicles.findOrCreateVehicle(tx, actor, v);
      await repo.linkVehicle(tx, row.id, id);
      vehicleIds.push(id);
    }
    await auditBy(tx, actor, 'create', RECORD_TYPE, row.id, {
      people: links.map((l) => ({ person_id: l.personId, role: l.role })),
      vehicles: vehicleIds,
    });
    await afterIncidentChange(tx, actor, row.id);
    return { kind: 'ok' as const, id: row.id, reference: row.reference };
  });
}

// Reading -----------------------------------------------------------------------------------------

export async function listIncidents(db: Kysely<DB>, actor: Actor, filters: repo.IncidentFilters & { fromInstant: Date | null; toInstant: Date | null }, page: number) {
  return withUser(db, actor.userId, async (tx) => {
    const rows = await repo.listIncidents(tx, actor.organisationId, filters, page);
    const used = Object.entries(filters)
      .filter(([k, v]) => v !== null && !k.endsWith('Instant'))
      .map(([k]) => k);
    await auditBy(tx, actor, 'list', RECORD_TYPE, null, { page, filters: used, shown: Math.min(rows.length, repo.PAGE_SIZE) });
    return { incidents: rows.slice(0, repo.PAGE_SIZE), hasMore: rows.length > repo.PAGE_SIZE };
  });
}

/** What the list's filters offer. */
export async function filterOptions(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, async (tx) => ({
    asbTypes: await repo.asbTypes(tx, actor.partnershipId),
    areas: await repo.areas(tx, actor.partnershipId),
  }));
}

export async function viewIncident(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const incident = await repo.findIncident(tx, id);
    if (!incident) return null;
    const access = await accessTo(tx, RECORD_TYPE, id, incident.owner_organisation_id, actor.organisationId);
    const shares = access.share ? await listShares(tx, RECORD_TYPE, id) : [];
    const linkedPeople = await repo.peopleOf(tx, id);
    const linkedVehicles = await repo.vehiclesOf(tx, id);
    const linkedBusinesses = await repo.businessesOf(tx, id);
    const markers = await repeats.markersFor(tx, linkedPeople.map((p) => p.person_id));
    const repeatFlags = await repeats.flagsForIncident(tx, id);
    const alsoReported = await multiAgency.alsoReported(tx, id);
    await auditBy(tx, actor, 'view', RECORD_TYPE, id);
    return { incident, access, shares, people: linkedPeople, vehicles: linkedVehicles, businesses: linkedBusinesses, markers, repeatFlags, alsoReported };
  });
}

export async function incidentForEdit(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const incident = await repo.findIncident(tx, id);
    if (!incident) return null;
    const access = await accessTo(tx, RECORD_TYPE, id, incident.owner_organisation_id, actor.organisationId);
    if (!access.edit) return { incident, canEdit: false as const };
    await auditBy(tx, actor, 'view', RECORD_TYPE, id, { purpose: 'edit' });
    return { incident, canEdit: true as const };
  });
}

/** Whether the actor may change an incident: 'not_found' when they cannot even see it. */
export async function editAccess(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
): Promise<{ access: 'edit' | 'view' | 'not_found'; reference?: string; how_reported?: string; asb_type_id?: string | null; source_organisation_id?: string | null }> {
  return withUser(db, actor.userId, async (tx) => {
    const i = await repo.findIncident(tx, id);
    if (!i) return { access: 'not_found' };
    const a = await accessTo(tx, RECORD_TYPE, id, i.owner_organisation_id, actor.organisationId);
    return { access: a.edit ? 'edit' : 'view', reference: i.reference, how_reported: i.how_reported, asb_type_id: i.asb_type_id, source_organisation_id: i.source_organisation_id };
  });
}

// Changing ----------------------------------------------------------------------------------------

export type UpdateResult =
  | { kind: 'ok' }
  | { kind: 'not_found' }
  | { kind: 'forbidden' }
  | { kind: 'invalid'; problem: SaveProblem }
  | { kind: 'conflict'; current: repo.IncidentRow };

export async function updateIncident(db: Kysely<DB>, actor: Actor, id: string, version: number, core: IncidentCore, location: LocationInput): Promise<UpdateResult> {
  return withUser(db, actor.userId, async (tx) => {
    const before = await repo.findIncident(tx, id);
    if (!before) return { kind: 'not_found' };
    const access = await accessTo(tx, RECORD_TYPE, id, before.owner_organisation_id, actor.organisationId);
    if (!access.edit) return { kind: 'forbidden' };
    if (before.version !== version) return { kind: 'conflict', current: before };
    const place = await resolveLocation(tx, actor.partnershipId, location);
    if ('field' in place) return { kind: 'invalid', problem: place };
    const fields = { ...core, ...place.columns };
    const ok = await repo.updateIncident(tx, id, version, actor.userId, fields);
    if (!ok) {
      const now = await repo.findIncident(tx, id);
      return now ? { kind: 'conflict', current: now } : { kind: 'not_found' };
    }
    await auditBy(tx, actor, 'update', RECORD_TYPE, id, { fields: changedFields(before, fields), version: version + 1 });
    await afterIncidentChange(tx, actor, id);
    return { kind: 'ok' };
  });
}

function changedFields(before: repo.IncidentRow, after: IncidentCore & LocationColumns): string[] {
  const same = (a: unknown, b: unknown) => {
    if (a instanceof Date || b instanceof Date || (typeof a === 'string' && typeof b !== 'string')) {
      return a !== null && b !== null && a !== undefined && b !== undefined && new Date(a as string).getTime() === new Date(b as string).getTime();
    }
    if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
    return (a ?? null) === (b ?? null);
  };
  return (Object.keys(after) as (keyof typeof after)[]).filter((k) => !same(before[k], after[k]));
}

// Links to people, vehicles and businesses on an existing incident ---------------------------------

type LinkResult = 'ok' | 'not_found' | 'forbidden' | 'unchanged';

/** Runs `fn` only for someone who may change the incident, and audits what it did as an update. */
async function changeLinks(db: Kysely<DB>, actor: Actor, id: string, fn: (tx: Tx) => Promise<Record<string, unknown> | null>): Promise<LinkResult> {
  return withUser(db, actor.userId, async (tx) => {
    const incident = await repo.findIncident(tx, id);
    if (!incident) return 'not_found';
    const access = await accessTo(tx, RECORD_TYPE, id, incident.owner_organisation_id, actor.organisationId);
    if (!access.edit) return 'forbidden';
    const details = await fn(tx);
    if (!details) return 'unchanged';
    await auditBy(tx, actor, 'update', RECORD_TYPE, id, details);
    await afterIncidentChange(tx, actor, id);
    return 'ok';
  });
}

export async function addExistingPerson(db: Kysely<DB>, actor: Actor, id: string, personId: string, role: IncidentRole): Promise<LinkResult | 'person_not_found'> {
  let personMissing = false;
  const r = await changeLinks(db, actor, id, async (tx) => {
    if (!(await repo.visiblePeople(tx, [personId])).length) {
      personMissing = true;
      return null;
    }
    return (await repo.linkPerson(tx, id, personId, role)) ? { linked: 'person', person_id: personId, role } : null;
  });
  return personMissing ? 'person_not_found' : r;
}

export async function addNewPerson(db: Kysely<DB>, actor: Actor, id: string, entry: Extract<PersonEntry, { kind: 'new' }>): Promise<LinkResult> {
  const access = await editAccess(db, actor, id);
  if (access.access === 'not_found') return 'not_found';
  if (access.access === 'view') return 'forbidden';
  const personId = await people.createPerson(db, actor, {
    first_name: entry.first_name,
    middle_names: null,
    last_name: entry.last_name,
    date_of_birth: entry.date_of_birth,
    gender: null,
    phone: null,
    email: null,
    notes: null,
  });
  return changeLinks(db, actor, id, async (tx) => ((await repo.linkPerson(tx, id, personId, entry.role)) ? { linked: 'person', person_id: personId, role: entry.role, new_person: true } : null));
}

export function removePerson(db: Kysely<DB>, actor: Actor, id: string, linkId: string) {
  return changeLinks(db, actor, id, async (tx) => {
    const gone = await repo.unlinkPerson(tx, id, linkId);
    return gone ? { unlinked: 'person', person_id: gone.person_id, role: gone.role } : null;
  });
}

export function addVehicle(db: Kysely<DB>, actor: Actor, id: string, v: VehicleEntry) {
  return changeLinks(db, actor, id, async (tx) => {
    const vehicle = await vehicles.findOrCreateVehicle(tx, actor, v);
    return (await repo.linkVehicle(tx, id, vehicle.id)) ? { linked: 'vehicle', vehicle_id: vehicle.id, new_vehicle: vehicle.created } : null;
  });
}

export function removeVehicle(db: Kysely<DB>, actor: Actor, id: string, vehicleId: string) {
  return changeLinks(db, actor, id, async (tx) => ((await repo.unlinkVehicle(tx, id, vehicleId)) ? { unlinked: 'vehicle', vehicle_id: vehicleId } : null));
}

export async function addBusiness(db: Kysely<DB>, actor: Actor, id: string, businessId: string, role: BusinessRole): Promise<LinkResult | 'business_not_found'> {
  let missing = false;
  const r = await changeLinks(db, actor, id, async (tx) => {
    if (!(await repo.visibleBusiness(tx, businessId))) {
      missing = true;
      return null;
    }
    return (await repo.linkBusiness(tx, id, businessId, role)) ? { linked: 'business', business_id: businessId, role } : null;
  });
  return missing ? 'business_not_found' : r;
}

export function removeBusiness(db: Kysely<DB>, actor: Actor, id: string, businessId: string, role: BusinessRole) {
  return changeLinks(db, actor, id, async (tx) => ((await repo.unlinkBusiness(tx, id, businessId, role)) ? { unlinked: 'business', business_id: businessId, role } : null));
}

/** For the "add a person" and "link a business" pages: the incident (if changeable) and any matches. */
export async function linkPageData(db: Kysely<DB>, actor: Actor, id: string, opts: { personQuery?: string | null; businessQuery?: string | null }) {
  return withUser(db, actor.userId, async (tx) => {
    const incident = await repo.findIncident(tx, id);
    if (!incident) return null;
    const access = await accessTo(tx, RECORD_TYPE, id, incident.owner_organisation_id, actor.organisationId);
    if (!access.edit) return { incident, canEdit: false as const, personMatches: [], personMarkers: {}, businessMatches: [], personRequired: new Set<string>() };
    const personRequired = await requiredFields(tx, actor.partnershipId, 'person');
    let personMatches: Awaited<ReturnType<typeof repo.searchPeople>> = [];
    if (opts.personQuery) {
      personMatches = await repo.searchPeople(tx, actor.partnershipId, opts.personQuery, 20);
      await auditBy(tx, actor, 'list', 'person', null, { purpose: 'incident_link', searched: true, shown: personMatches.length });
    }
    const personMarkers = await repeats.markersFor(tx, personMatches.map((p) => p.id));
    let businessMatches: Awaited<ReturnType<typeof repo.searchBusinesses>> = [];
    if (opts.businessQuery) {
      businessMatches = await repo.searchBusinesses(tx, actor.partnershipId, opts.businessQuery, 20);
      await auditBy(tx, actor, 'list', 'business', null, { purpose: 'incident_link', searched: true, shown: businessMatches.length });
    }
    return { incident, canEdit: true as const, personMatches, personMarkers, businessMatches, personRequired };
  });
}

// Sharing -----------------------------------------------------------------------------------------

const sharing = ownerSharing(RECORD_TYPE, repo.findIncident);

export async function sharingOptions(db: Kysely<DB>, actor: Actor, id: string) {
  const options = await sharing.options(db, actor, id);
  return options && { incident: options.record, targets: options.targets };
}

export const shareIncident = sharing.share;
export const unshareIncident = sharing.unshare;
