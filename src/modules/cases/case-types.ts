// The partnership's list of case types: read by the case forms, kept by partnership administrators.
// Case types are configuration, not protected records, so they are scoped by partnership here rather
// than by row-level security; every change is audited like other administrative actions.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';

const RECORD_TYPE = 'case_type';

export function activeCaseTypes(tx: Tx, partnershipId: string) {
  return tx
    .selectFrom('case_types')
    .select(['id', 'name'])
    .where('partnership_id', '=', partnershipId)
    .where('active', '=', true)
    .orderBy('sort')
    .orderBy('name')
    .execute();
}

/** Every type, active or not: filters on the case list still need the deactivated ones. */
export function allCaseTypes(tx: Tx, partnershipId: string) {
  return tx
    .selectFrom('case_types as t')
    .select(['t.id', 't.name', 't.active', 't.sort'])
    .where('t.partnership_id', '=', partnershipId)
    .orderBy('t.active', 'desc')
    .orderBy('t.sort')
    .orderBy('t.name')
    .execute();
}

export async function listForAdmin(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, async (tx) => {
    const types = await allCaseTypes(tx, actor.partnershipId);
    await auditBy(tx, actor, 'admin_view', RECORD_TYPE, null, { shown: types.length });
    return types;
  });
}

export function findCaseType(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, (tx) =>
    tx
      .selectFrom('case_types')
      .select(['id', 'name', 'active'])
      .where('id', '=', id)
      .where('partnership_id', '=', actor.partnershipId)
      .executeTakeFirst(),
  );
}

async function nameTaken(tx: Tx, partnershipId: string, name: string, exceptId: string | null) {
  let q = tx
    .selectFrom('case_types')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
  if (exceptId) q = q.where('id', '<>', exceptId);
  return !!(await q.executeTakeFirst());
}

export async function addCaseType(
  db: Kysely<DB>,
  actor: Actor,
  name: string,
): Promise<{ ok: true; id: string } | { ok: false }> {
  return withUser(db, actor.userId, async (tx) => {
    if (await nameTaken(tx, actor.partnershipId, name, null)) return { ok: false };
    const last = await tx
      .selectFrom('case_types')
      .select((eb) => eb.fn.max('sort').as('sort'))
      .where('partnership_id', '=', actor.partnershipId)
      .executeTakeFirst();
    const row = await tx
      .insertInto('case_types')
      .values({ partnership_id: actor.partnershipId, name, sort: Number(last?.sort ?? 0) + 10 })
      .returning('id')
      .executeTakeFirstOrThrow();
    await auditBy(tx, actor, 'admin_create', RECORD_TYPE, row.id, { fields: ['name'] });
    return { ok: true, id: row.id };
  });
}

export async function renameCaseType(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  name: string,
): Promise<'ok' | 'not_found' | 'taken'> {
  return withUser(db, actor.userId, async (tx) => {
    if (await nameTaken(tx, actor.partnershipId, name, id)) return 'taken';
    const r = await tx
      .updateTable('case_types')
      .set({ name })
      .where('id', '=', id)
      .where('partnership_id', '=', actor.partnershipId)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return 'not_found';
    await auditBy(tx, actor, 'admin_update', RECORD_TYPE, id, { fields: ['name'] });
    return 'ok';
  });
}

export async function setCaseTypeActive(db: Kysely<DB>, actor: Actor, id: string, active: boolean) {
  return withUser(db, actor.userId, async (tx) => {
    const r = await tx
      .updateTable('case_types')
      .set({ active })
      .where('id', '=', id)
      .where('partnership_id', '=', actor.partnershipId)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    await auditBy(tx, actor, 'admin_update', RECORD_TYPE, id, { fields: ['active'], active });
    return true;
  });
}
