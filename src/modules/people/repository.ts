// Typed queries on people. Every function runs inside withUser, so row-level security has already
// narrowed what they can see or change.
import type { Tx } from '../../platform/db/with-user.ts';
import type { NewPerson } from '../../platform/db/schema.ts';

export const PAGE_SIZE = 50;

export function listPeople(tx: Tx, opts: { q: string | null; page: number }) {
  let query = tx
    .selectFrom('people as p')
    .innerJoin('organisations as o', 'o.id', 'p.owner_organisation_id')
    .select(['p.id', 'p.first_name', 'p.last_name', 'p.date_of_birth', 'p.gender', 'o.name as owner_name', 'p.owner_organisation_id']);
  if (opts.q) {
    const words = opts.q.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 5);
    for (const w of words) {
      query = query.where((eb) => eb(eb.fn('lower', [eb.fn('concat_ws', [eb.val(' '), 'p.first_name', 'p.middle_names', 'p.last_name'])]), 'like', `%${w.replace(/[\\%_]/g, '\\$&')}%`));
    }
  }
  return query
    .orderBy('p.last_name')
    .orderBy('p.first_name')
    .orderBy('p.id')
    .limit(PAGE_SIZE + 1)
    .offset((opts.page - 1) * PAGE_SIZE)
    .execute();
}

export function findPerson(tx: Tx, id: string) {
  return tx
    .selectFrom('people as p')
    .innerJoin('organisations as o', 'o.id', 'p.owner_organisation_id')
    .innerJoin('users as c', 'c.id', 'p.created_by')
    .leftJoin('users as u', 'u.id', 'p.updated_by')
    .selectAll('p')
    .select(['o.name as owner_name', 'c.display_name as created_by_name', 'u.display_name as updated_by_name'])
    .where('p.id', '=', id)
    .executeTakeFirst();
}

export function insertPerson(tx: Tx, person: NewPerson) {
  return tx.insertInto('people').values(person).returning('id').executeTakeFirstOrThrow();
}

export interface PersonFields {
  first_name: string;
  middle_names: string | null;
  last_name: string;
  date_of_birth: string | null;
  gender: string | null;
  phone: string | null;
  email: string | null;
  notes: string | null;
}

/** Optimistic concurrency: the update applies only if nobody changed the record since `version`. */
export async function updatePerson(tx: Tx, id: string, version: number, userId: string, fields: PersonFields) {
  const result = await tx
    .updateTable('people')
    .set((eb) => ({ ...fields, updated_by: userId, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
