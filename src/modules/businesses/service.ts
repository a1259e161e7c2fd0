// Businesses and places as subjects (a shop, a pub, a park): protected like people, linked to
// incidents as the subject of a complaint, a victim, the place it happened or who reported it.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import { accessTo, listShares } from '../../platform/access/shares.ts';
import { parsePostcode } from '../../platform/geo/postcode.ts';
import * as addresses from '../addresses/service.ts';
import type { BusinessInput } from './fields.ts';
import * as repo from './repository.ts';
import { ownerSharing } from '../../platform/access/owner-sharing.ts';

export const RECORD_TYPE = 'business';
export const MAX_MATCHES = 50;

export async function listBusinesses(db: Kysely<DB>, actor: Actor, q: string | null, page: number) {
  return withUser(db, actor.userId, async (tx) => {
    const rows = await repo.listBusinesses(tx, { partnershipId: actor.partnershipId, q, page });
    await auditBy(tx, actor, 'list', RECORD_TYPE, null, { page, searched: !!q, shown: Math.min(rows.length, repo.PAGE_SIZE) });
    return { businesses: rows.slice(0, repo.PAGE_SIZE), hasMore: rows.length > repo.PAGE_SIZE };
  });
}

/** Businesses the actor can see matching a name, in the caller's transaction (for linking to incidents). */
export async function searchBusinesses(tx: Tx, actor: Actor, q: string) {
  const rows = await repo.listBusinesses(tx, { partnershipId: actor.partnershipId, q, page: 1, limit: 20 });
  await auditBy(tx, actor, 'list', RECORD_TYPE, null, { purpose: 'link', searched: true, shown: Math.min(rows.length, 20) });
  return rows.slice(0, 20);
}

/** A business the actor can see, in the caller's transaction. */
export function visibleBusiness(tx: Tx, id: string) {
  return repo.findBusiness(tx, id);
}

export async function lookupAddresses(db: Kysely<DB>, actor: Actor, query: string) {
  const q = query.trim().slice(0, 200);
  if (!q) return [];
  return withUser(db, actor.userId, (tx) => addresses.findAddresses(tx, actor.partnershipId, { text: q, limit: MAX_MATCHES }));
}

export async function addressForDisplay(db: Kysely<DB>, actor: Actor, uprn: number) {
  return withUser(db, actor.userId, (tx) => addresses.addressByUprn(tx, actor.partnershipId, uprn));
}

async function columns(tx: Tx, actor: Actor, input: BusinessInput): Promise<repo.BusinessColumns | null> {
  const base = { name: input.name, kind: input.kind, phone: input.phone, notes: input.notes };
  if (input.address.kind === 'typed') {
    return { ...base, uprn: null, address: input.address.text, postcode: input.address.postcode, postcode_key: input.address.postcode_key };
  }
  const a = await addresses.addressByUprn(tx, actor.partnershipId, input.address.uprn);
  if (!a) return null;
  const pc = parsePostcode(a.postcode);
  return { ...base, uprn: a.uprn, address: a.singleLine, postcode: pc?.display ?? a.postcode, postcode_key: pc?.key ?? null };
}

export type SaveResult = { kind: 'ok'; id: string } | { kind: 'bad_address' };

export async function createBusiness(db: Kysely<DB>, actor: Actor, input: BusinessInput): Promise<SaveResult> {
  return withUser(db, actor.userId, async (tx) => {
    const cols = await columns(tx, actor, input);
    if (!cols) return { kind: 'bad_address' };
    const { id } = await repo.insertBusiness(tx, {
      ...cols,
      partnership_id: actor.partnershipId,
      owner_organisation_id: actor.organisationId,
      created_by: actor.userId,
      updated_at: new Date(),
    });
    await auditBy(tx, actor, 'create', RECORD_TYPE, id);
    return { kind: 'ok', id };
  });
}

export async function viewBusiness(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const business = await repo.findBusiness(tx, id);
    if (!business) return null;
    const access = await accessTo(tx, RECORD_TYPE, id, business.owner_organisation_id, actor.organisationId);
    const shares = access.share ? await listShares(tx, RECORD_TYPE, id) : [];
    const incidents = await repo.incidentsForBusiness(tx, id);
    await auditBy(tx, actor, 'view', RECORD_TYPE, id, { incidents: incidents.length });
    return { business, access, shares, incidents };
  });
}

export async function businessForEdit(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const business = await repo.findBusiness(tx, id);
    if (!business) return null;
    const access = await accessTo(tx, RECORD_TYPE, id, business.owner_organisation_id, actor.organisationId);
    if (!access.edit) return { business, canEdit: false as const, address: null };
    const address = business.uprn === null ? null : await addresses.addressByUprn(tx, actor.partnershipId, business.uprn);
    await auditBy(tx, actor, 'view', RECORD_TYPE, id, { purpose: 'edit' });
    return { business, canEdit: true as const, address };
  });
}

/** Whether the actor may change a business: 'not_found' when they cannot even see it. */
export async function editAccess(db: Kysely<DB>, actor: Actor, id: string): Promise<'edit' | 'view' | 'not_found'> {
  return withUser(db, actor.userId, async (tx) => {
    const business = await repo.findBusiness(tx, id);
    if (!business) return 'not_found';
    const access = await accessTo(tx, RECORD_TYPE, id, business.owner_organisation_id, actor.organisationId);
    return access.edit ? 'edit' : 'view';
  });
}

export type UpdateResult =
  | { kind: 'ok' }
  | { kind: 'not_found' }
  | { kind: 'bad_address' }
  | { kind: 'conflict'; current: NonNullable<Awaited<ReturnType<typeof repo.findBusiness>>> };

export async function updateBusiness(db: Kysely<DB>, actor: Actor, id: string, version: number, input: BusinessInput): Promise<UpdateResult> {
  return withUser(db, actor.userId, async (tx) => {
    const before = await repo.findBusiness(tx, id);
    if (!before) return { kind: 'not_found' };
    if (before.version !== version) return { kind: 'conflict', current: before };
    const cols = await columns(tx, actor, input);
    if (!cols) return { kind: 'bad_address' };
    const ok = await repo.updateBusiness(tx, id, version, actor.userId, cols);
    if (!ok) {
      const now = await repo.findBusiness(tx, id);
      return now && now.version !== version ? { kind: 'conflict', current: now } : { kind: 'not_found' };
    }
    const changed = (Object.keys(cols) as (keyof repo.BusinessColumns)[]).filter((k) => (before[k] ?? null) !== (cols[k] ?? null));
    await auditBy(tx, actor, 'update', RECORD_TYPE, id, { fields: changed, version: version + 1 });
    return { kind: 'ok' };
  });
}

const sharing = ownerSharing(RECORD_TYPE, repo.findBusiness);

export async function sharingOptions(db: Kysely<DB>, actor: Actor, id: string) {
  const options = await sharing.options(db, actor, id);
  return options && { business: options.record, targets: options.targets };
}

export const shareBusiness = sharing.share;
export const unshareBusiness = sharing.unshare;
