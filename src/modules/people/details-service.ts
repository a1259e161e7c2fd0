// Changes to a person's aliases, address history and links. Row-level security lets anyone who can
// see a person touch these rows, so each change first checks that the actor may edit the person, and
// each is audited as a change to the person.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import { accessTo } from '../../platform/access/shares.ts';
import { addressByUprn, findAddresses } from '../addresses/service.ts';
import { postcodeKey } from '../../platform/geo/postcode.ts';
import * as repo from './repository.ts';
import * as details from './details-repository.ts';
import { inverseRelationship, type AliasKind } from './labels.ts';
import { RECORD_TYPE } from './service.ts';

type Person = NonNullable<Awaited<ReturnType<typeof repo.findPerson>>>;
type Refusal = { kind: 'not_found' } | { kind: 'forbidden' } | { kind: 'merged' };

async function editable(tx: Tx, actor: Actor, id: string): Promise<Refusal | { kind: 'ok'; person: Person }> {
  const person = await repo.findPerson(tx, id);
  if (!person) return { kind: 'not_found' };
  const access = await accessTo(tx, RECORD_TYPE, id, person.owner_organisation_id, actor.organisationId);
  if (access.edit && person.merged_into_id) return { kind: 'merged' };
  return access.edit ? { kind: 'ok', person } : { kind: 'forbidden' };
}

/** The person, if the actor may change them (for the add-alias page); opening the page is audited as a view. */
export async function personToChange(db: Kysely<DB>, actor: Actor, id: string, purpose = 'alias') {
  return withUser(db, actor.userId, async (tx) => {
    const check = await editable(tx, actor, id);
    if (check.kind === 'ok') await auditBy(tx, actor, 'view', RECORD_TYPE, id, { purpose });
    return check;
  });
}

// Aliases ------------------------------------------------------------------------------------------

export async function addAlias(db: Kysely<DB>, actor: Actor, personId: string, alias: { kind: AliasKind; first_name: string | null; last_name: string }) {
  return withUser(db, actor.userId, async (tx) => {
    const check = await editable(tx, actor, personId);
    if (check.kind !== 'ok') return check;
    const { id } = await details.insertAlias(tx, { ...alias, person_id: personId, created_by: actor.userId });
    await auditBy(tx, actor, 'update', RECORD_TYPE, personId, { alias_added: id, kind: alias.kind });
    return { kind: 'ok' as const, id };
  });
}

export async function removeAlias(db: Kysely<DB>, actor: Actor, personId: string, aliasId: string) {
  return withUser(db, actor.userId, async (tx) => {
    const check = await editable(tx, actor, personId);
    if (check.kind !== 'ok') return check;
    if (!(await details.deleteAlias(tx, personId, aliasId))) return { kind: 'not_found' as const };
    await auditBy(tx, actor, 'update', RECORD_TYPE, personId, { alias_removed: aliasId });
    return { kind: 'ok' as const };
  });
}

// Address history ----------------------------------------------------------------------------------

/** The add-address page: the person and, when the user looked one up, the gazetteer's matches. */
export async function addressChoices(db: Kysely<DB>, actor: Actor, personId: string, lookup: { postcode: string | null; text: string | null }) {
  return withUser(db, actor.userId, async (tx) => {
    const check = await editable(tx, actor, personId);
    if (check.kind !== 'ok') return check;
    const found = lookup.postcode || lookup.text ? await findAddresses(tx, actor.partnershipId, { postcode: lookup.postcode, text: lookup.text, limit: 100 }) : [];
    await auditBy(tx, actor, 'view', RECORD_TYPE, personId, { purpose: 'address' });
    return { kind: 'ok' as const, person: check.person, found };
  });
}

export interface NewAddress {
  uprn: number | null;
  address: string | null;
  postcode: string | null;
  from_date: string | null;
  to_date: string | null;
  end_previous: boolean;
}

export async function addAddress(db: Kysely<DB>, actor: Actor, personId: string, a: NewAddress) {
  return withUser(db, actor.userId, async (tx) => {
    const check = await editable(tx, actor, personId);
    if (check.kind !== 'ok') return check;
    let address = a.address ?? '';
    let postcode = a.postcode;
    if (a.uprn !== null) {
      const g = await addressByUprn(tx, actor.partnershipId, a.uprn);
      if (!g) return { kind: 'unknown_uprn' as const };
      address = g.singleLine;
      postcode = g.postcode;
    }
    const { id } = await details.insertAddress(tx, {
      person_id: personId,
      uprn: a.uprn,
      address,
      postcode,
      postcode_key: postcodeKey(postcode),
      from_date: a.from_date,
      to_date: a.to_date,
      created_by: actor.userId,
    });
    const ended = a.end_previous && a.to_date === null && a.from_date ? await details.endCurrentAddresses(tx, personId, a.from_date, id) : [];
    await auditBy(tx, actor, 'update', RECORD_TYPE, personId, { address_added: id, gazetteer: a.uprn !== null, addresses_ended: ended });
    return { kind: 'ok' as const, id };
  });
}

export async function removeAddress(db: Kysely<DB>, actor: Actor, personId: string, addressId: string) {
  return withUser(db, actor.userId, async (tx) => {
    const check = await editable(tx, actor, personId);
    if (check.kind !== 'ok') return check;
    if (!(await details.deleteAddress(tx, personId, addressId))) return { kind: 'not_found' as const };
    await auditBy(tx, actor, 'update', RECORD_TYPE, personId, { address_removed: addressId });
    return { kind: 'ok' as const };
  });
}

// Links between people -------------------------------------------------------------------------------

export async function linkChoices(db: Kysely<DB>, actor: Actor, personId: string, q: string | null) {
  return withUser(db, actor.userId, async (tx) => {
    const check = await editable(tx, actor, personId);
    if (check.kind !== 'ok') return check;
    const text = (q ?? '').trim();
    const candidates = text ? await details.linkCandidates(tx, actor.partnershipId, text, personId) : [];
    await auditBy(tx, actor, 'view', RECORD_TYPE, personId, { purpose: 'link' });
    if (text) await auditBy(tx, actor, 'list', RECORD_TYPE, null, { searched: true, purpose: 'link', shown: candidates.length });
    return { kind: 'ok' as const, person: check.person, candidates };
  });
}

export async function addLink(db: Kysely<DB>, actor: Actor, personId: string, otherId: string, relationship: string) {
  return withUser(db, actor.userId, async (tx) => {
    const check = await editable(tx, actor, personId);
    if (check.kind !== 'ok') return check;
    if (otherId === personId) return { kind: 'self' as const };
    const other = await repo.findPerson(tx, otherId);
    if (!other) return { kind: 'unknown_other' as const };
    if (await details.linkExists(tx, personId, otherId, relationship, inverseRelationship(relationship))) return { kind: 'duplicate' as const };
    const { id } = await details.insertLink(tx, { person_id: personId, other_person_id: otherId, relationship, created_by: actor.userId });
    await auditBy(tx, actor, 'update', RECORD_TYPE, personId, { link_added: id, other_person_id: otherId, relationship });
    await auditBy(tx, actor, 'update', RECORD_TYPE, otherId, { link_added: id, other_person_id: personId, relationship: inverseRelationship(relationship) });
    return { kind: 'ok' as const, id };
  });
}

/** A link belongs to the person it is stored on: removing it needs edit access to them. */
export async function removeLink(db: Kysely<DB>, actor: Actor, personId: string, linkId: string) {
  return withUser(db, actor.userId, async (tx) => {
    const link = await details.findLink(tx, linkId);
    if (!link || (link.person_id !== personId && link.other_person_id !== personId)) return { kind: 'not_found' as const };
    const check = await editable(tx, actor, link.person_id);
    if (check.kind !== 'ok') return check;
    await details.deleteLink(tx, linkId);
    await auditBy(tx, actor, 'update', RECORD_TYPE, link.person_id, { link_removed: linkId });
    await auditBy(tx, actor, 'update', RECORD_TYPE, link.other_person_id, { link_removed: linkId });
    return { kind: 'ok' as const };
  });
}
