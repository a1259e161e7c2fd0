// People: the first protected record type. Visibility is decided by PostgreSQL (owner organisation
// or a live share); this service adds the audit trail and the rules for editing and sharing.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import { accessTo, listShares } from '../../platform/access/shares.ts';
import * as repo from './repository.ts';
import * as details from './details-repository.ts';
import * as related from './related-repository.ts';
import { ownerSharing } from '../../platform/access/owner-sharing.ts';
import * as repeats from '../repeats/service.ts';
import { requiredFields, requiredMessage } from '../incidents/required-fields.ts';
import { addError, emptyErrors, type FormErrors } from '../../platform/http/forms.ts';

export const RECORD_TYPE = 'person';

export async function listPeople(db: Kysely<DB>, actor: Actor, q: string | null, page: number) {
  return withUser(db, actor.userId, async (tx) => {
    const rows = await repo.listPeople(tx, { q, page, partnershipId: actor.partnershipId, organisationId: actor.organisationId });
    await auditBy(tx, actor, 'list', RECORD_TYPE, null, { page, searched: !!q, shown: Math.min(rows.length, repo.PAGE_SIZE) });
    const people = rows.slice(0, repo.PAGE_SIZE);
    return { people, hasMore: rows.length > repo.PAGE_SIZE, markers: await repeats.markersFor(tx, people.map((p) => p.id)) };
  });
}

export async function viewPerson(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const person = await repo.findPerson(tx, id);
    if (!person) return null;
    const access = await accessTo(tx, RECORD_TYPE, id, person.owner_organisation_id, actor.organisationId);
    const shares = access.share ? await listShares(tx, RECORD_TYPE, id) : [];
    const aliases = await details.aliases(tx, id);
    const addresses = await details.addresses(tx, id);
    const links = await details.links(tx, id);
    const incidents = await related.incidents(tx, id);
    const cases = await related.cases(tx, id);
    const interventions = await related.interventions(tx, id);
    const risk = await related.riskHistory(tx, id);
    const marker = (await repeats.markersFor(tx, [id]))[id] ?? null;
    const repeatFlags = await repeats.flagsForPerson(tx, id);
    // Summaries of related records shown with the person: counted here, audited in full when opened.
    await auditBy(tx, actor, 'view', RECORD_TYPE, id, {
      incidents: incidents.length,
      cases: cases.length,
      interventions: interventions.length,
      risk_assessments: risk.length,
    });
    return { person, access, shares, aliases, addresses, links, incidents, cases, interventions, risk, marker, repeatFlags };
  });
}

export async function personForEdit(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const person = await repo.findPerson(tx, id);
    if (!person) return null;
    const access = await accessTo(tx, RECORD_TYPE, id, person.owner_organisation_id, actor.organisationId);
    if (!access.edit) return { person, canEdit: false as const };
    await auditBy(tx, actor, 'view', RECORD_TYPE, id, { purpose: 'edit' });
    return { person, canEdit: true as const };
  });
}

export async function createPerson(db: Kysely<DB>, actor: Actor, fields: repo.PersonFields) {
  return withUser(db, actor.userId, async (tx) => {
    const { id } = await repo.insertPerson(tx, {
      ...fields,
      partnership_id: actor.partnershipId,
      owner_organisation_id: actor.organisationId,
      created_by: actor.userId,
      updated_at: new Date(),
    });
    await auditBy(tx, actor, 'create', RECORD_TYPE, id);
    return id;
  });
}

export type UpdateResult = { kind: 'ok' } | { kind: 'not_found' } | { kind: 'merged' } | { kind: 'conflict'; current: NonNullable<Awaited<ReturnType<typeof repo.findPerson>>> };

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export async function updatePerson(db: Kysely<DB>, actor: Actor, id: string, version: number, fields: repo.PersonFields): Promise<UpdateResult> {
  return withUser(db, actor.userId, async (tx) => {
    const before = await repo.findPerson(tx, id);
    if (!before) return { kind: 'not_found' };
    if (before.merged_into_id) return { kind: 'merged' };
    const ok = await repo.updatePerson(tx, id, version, actor.userId, fields);
    if (!ok) {
      // Either someone saved first (version moved on) or this user may view but not edit.
      if (before.version !== version) return { kind: 'conflict', current: before };
      return { kind: 'not_found' };
    }
    const changed = (Object.keys(fields) as (keyof repo.PersonFields)[]).filter((k) => !same(before[k], fields[k]));
    await auditBy(tx, actor, 'update', RECORD_TYPE, id, { fields: changed, version: version + 1 });
    return { kind: 'ok' };
  });
}

const sharing = ownerSharing(RECORD_TYPE, repo.findPerson);

export async function sharingOptions(db: Kysely<DB>, actor: Actor, id: string) {
  const options = await sharing.options(db, actor, id);
  return options && { person: options.record, targets: options.targets };
}

export const sharePerson = sharing.share;
export const unsharePerson = sharing.unshare;

/** The partnership's minimum standards for the person form: an error for each mandatory field left empty. */
export async function missingRequiredFields(db: Kysely<DB>, actor: Actor, fields: repo.PersonFields): Promise<FormErrors> {
  const required = await withUser(db, actor.userId, (tx) => requiredFields(tx, actor.partnershipId, 'person'));
  const errors = emptyErrors();
  for (const field of required) {
    const value = (fields as unknown as Record<string, unknown>)[field];
    if (value === null || value === undefined || value === '') addError(errors, field, requiredMessage('person', field));
  }
  return errors;
}
