// Vehicles as subjects: protected like people (the owner organisation, or whoever it shares them
// with), matched by registration so that one car seen in several incidents is one record.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import { accessTo, listShares } from '../../platform/access/shares.ts';
import * as repo from './repository.ts';
import { displayVrm, vrmKey } from './vrm.ts';
import { ownerSharing } from '../../platform/access/owner-sharing.ts';

export const RECORD_TYPE = 'vehicle';
export { vrmKey, displayVrm, isVrmKey } from './vrm.ts';
export type { VehicleFields } from './repository.ts';

export async function listVehicles(db: Kysely<DB>, actor: Actor, q: string | null, page: number) {
  return withUser(db, actor.userId, async (tx) => {
    const key = q ? vrmKey(q) || null : null;
    const rows = await repo.listVehicles(tx, { partnershipId: actor.partnershipId, key, text: q, page });
    await auditBy(tx, actor, 'list', RECORD_TYPE, null, { page, searched: !!q, shown: Math.min(rows.length, repo.PAGE_SIZE) });
    return { vehicles: rows.slice(0, repo.PAGE_SIZE), hasMore: rows.length > repo.PAGE_SIZE };
  });
}

export async function viewVehicle(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const vehicle = await repo.findVehicle(tx, id);
    if (!vehicle) return null;
    const access = await accessTo(tx, RECORD_TYPE, id, vehicle.owner_organisation_id, actor.organisationId);
    const shares = access.share ? await listShares(tx, RECORD_TYPE, id) : [];
    const incidents = await repo.incidentsForVehicle(tx, id);
    await auditBy(tx, actor, 'view', RECORD_TYPE, id, { incidents: incidents.length });
    return { vehicle, access, shares, incidents };
  });
}

export async function vehicleForEdit(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const vehicle = await repo.findVehicle(tx, id);
    if (!vehicle) return null;
    const access = await accessTo(tx, RECORD_TYPE, id, vehicle.owner_organisation_id, actor.organisationId);
    if (!access.edit) return { vehicle, canEdit: false as const };
    await auditBy(tx, actor, 'view', RECORD_TYPE, id, { purpose: 'edit' });
    return { vehicle, canEdit: true as const };
  });
}

/** Another vehicle the actor can already see with the same registration, if there is one. */
async function duplicateOf(tx: Tx, actor: Actor, key: string, except: string | null) {
  const rows = await repo.visibleByKeys(tx, actor.partnershipId, [key], actor.organisationId);
  return rows.find((r) => r.id !== except) ?? null;
}

export type CreateResult = { kind: 'ok'; id: string } | { kind: 'duplicate'; existing: { id: string; vrm: string; owner_name: string } };

export async function createVehicle(db: Kysely<DB>, actor: Actor, fields: repo.VehicleFields): Promise<CreateResult> {
  return withUser(db, actor.userId, async (tx) => {
    const dup = await duplicateOf(tx, actor, fields.vrm_key, null);
    if (dup) return { kind: 'duplicate', existing: dup };
    const { id } = await repo.insertVehicle(tx, {
      ...fields,
      partnership_id: actor.partnershipId,
      owner_organisation_id: actor.organisationId,
      created_by: actor.userId,
      updated_at: new Date(),
    });
    await auditBy(tx, actor, 'create', RECORD_TYPE, id);
    return { kind: 'ok', id };
  });
}

/**
 * The vehicle to link to an incident: one the actor can already see with this registration (their
 * own organisation's first), or a new one owned by their organisation. Runs in the caller's transaction.
 */
export async function findOrCreateVehicle(
  tx: Tx,
  actor: Actor,
  v: { vrm: string; make: string | null; model: string | null; colour: string | null },
): Promise<{ id: string; created: boolean }> {
  const key = vrmKey(v.vrm);
  const existing = (await repo.visibleByKeys(tx, actor.partnershipId, [key], actor.organisationId))[0];
  if (existing) return { id: existing.id, created: false };
  const { id } = await repo.insertVehicle(tx, {
    vrm: displayVrm(v.vrm),
    vrm_key: key,
    make: v.make,
    model: v.model,
    colour: v.colour,
    notes: null,
    partnership_id: actor.partnershipId,
    owner_organisation_id: actor.organisationId,
    created_by: actor.userId,
    updated_at: new Date(),
  });
  await auditBy(tx, actor, 'create', RECORD_TYPE, id, { via: 'incident' });
  return { id, created: true };
}

/** Vehicles the actor can see with these registrations, keyed by registration: for "known vehicle" hints. */
export async function knownVehicles(tx: Tx, actor: Actor, keys: string[]) {
  const rows = await repo.visibleByKeys(tx, actor.partnershipId, [...new Set(keys)].slice(0, 50), actor.organisationId);
  const out = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if (!out.has(r.vrm_key)) out.set(r.vrm_key, r);
  return out;
}

export type UpdateResult =
  | { kind: 'ok' }
  | { kind: 'not_found' }
  | { kind: 'duplicate'; existing: { id: string; vrm: string; owner_name: string } }
  | { kind: 'conflict'; current: NonNullable<Awaited<ReturnType<typeof repo.findVehicle>>> };

export async function updateVehicle(db: Kysely<DB>, actor: Actor, id: string, version: number, fields: repo.VehicleFields): Promise<UpdateResult> {
  return withUser(db, actor.userId, async (tx) => {
    const before = await repo.findVehicle(tx, id);
    if (!before) return { kind: 'not_found' };
    if (before.version !== version) return { kind: 'conflict', current: before };
    if (fields.vrm_key !== before.vrm_key) {
      const dup = await duplicateOf(tx, actor, fields.vrm_key, id);
      if (dup) return { kind: 'duplicate', existing: dup };
    }
    const ok = await repo.updateVehicle(tx, id, version, actor.userId, fields);
    if (!ok) {
      // Either someone saved in between or this user may view but not change it.
      const now = await repo.findVehicle(tx, id);
      return now && now.version !== version ? { kind: 'conflict', current: now } : { kind: 'not_found' };
    }
    const changed = (Object.keys(fields) as (keyof repo.VehicleFields)[]).filter((k) => (before[k] ?? null) !== (fields[k] ?? null));
    await auditBy(tx, actor, 'update', RECORD_TYPE, id, { fields: changed, version: version + 1 });
    return { kind: 'ok' };
  });
}

const sharing = ownerSharing(RECORD_TYPE, repo.findVehicle);

export async function sharingOptions(db: Kysely<DB>, actor: Actor, id: string) {
  const options = await sharing.options(db, actor, id);
  return options && { vehicle: options.record, targets: options.targets };
}

export const shareVehicle = sharing.share;
export const unshareVehicle = sharing.unshare;
