// Queries on the partnership's incident settings: its ASB types and its minimum standards. These
// tables hold configuration, not personal data, so they have no row-level security: every query
// names the partnership.
import type { Tx } from '../../platform/db/with-user.ts';
import type { AsbCategory } from '../../platform/db/schema.ts';

export function listTypes(tx: Tx, partnershipId: string) {
  return tx
    .selectFrom('asb_types as t')
    .select(['t.id', 't.name', 't.category', 't.active', 't.sort'])
    .where('t.partnership_id', '=', partnershipId)
    .orderBy('t.sort')
    .orderBy('t.name')
    .execute();
}

export function findType(tx: Tx, partnershipId: string, id: string) {
  return tx.selectFrom('asb_types').select(['id', 'name', 'category', 'active', 'sort']).where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export function typeNamed(tx: Tx, partnershipId: string, name: string) {
  return tx
    .selectFrom('asb_types')
    .select(['id', 'name'])
    .where('partnership_id', '=', partnershipId)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
    .executeTakeFirst();
}

export async function insertType(tx: Tx, partnershipId: string, name: string, category: AsbCategory) {
  const last = await tx.selectFrom('asb_types').select((eb) => eb.fn.max('sort').as('max')).where('partnership_id', '=', partnershipId).executeTakeFirst();
  return tx
    .insertInto('asb_types')
    .values({ partnership_id: partnershipId, name, category, sort: Number(last?.max ?? 0) + 10 })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** Applies only if the type still has the name and category the form was opened with. */
export async function renameType(tx: Tx, partnershipId: string, id: string, was: { name: string; category: string }, now: { name: string; category: AsbCategory }) {
  const r = await tx
    .updateTable('asb_types')
    .set(now)
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .where('name', '=', was.name)
    .where('category', '=', was.category as AsbCategory)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function setActive(tx: Tx, partnershipId: string, id: string, active: boolean) {
  const r = await tx.updateTable('asb_types').set({ active }).where('partnership_id', '=', partnershipId).where('id', '=', id).where('active', '=', !active).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function setSort(tx: Tx, partnershipId: string, id: string, sort: number) {
  await tx.updateTable('asb_types').set({ sort }).where('partnership_id', '=', partnershipId).where('id', '=', id).execute();
}

export async function requiredRows(tx: Tx, partnershipId: string) {
  return tx.selectFrom('required_fields').select(['form', 'field']).where('partnership_id', '=', partnershipId).orderBy('form').orderBy('field').execute();
}

export async function replaceRequired(tx: Tx, partnershipId: string, form: string, fields: string[]) {
  await tx.deleteFrom('required_fields').where('partnership_id', '=', partnershipId).where('form', '=', form).execute();
  if (fields.length) await tx.insertInto('required_fields').values(fields.map((field) => ({ partnership_id: partnershipId, form, field }))).execute();
}
