// Typed queries on people. Every function runs inside withUser, so row-level security has already
// narrowed what they can see or change.
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';
import { nameCandidates } from './name-search.ts';
import type { NewPerson } from '../../platform/db/schema.ts';

export const PAGE_SIZE = 50;

/**
 * A page of the people the viewer may see. With a name, the closest matches first (see
 * name-search.ts); without, everyone in name order, read from the owner's index and the shares
 * separately so that neither needs a scan of the whole table.
 */
export async function listPeople(tx: Tx, opts: { q: string | null; page: number; partnershipId: string; organisationId: string }) {
  const offset = (opts.page - 1) * PAGE_SIZE;
  if (opts.q) {
    const r = await sql<ListedPerson>`
      SELECT p.id, p.first_name, p.last_name, p.date_of_birth, p.gender, o.name AS owner_name, p.owner_organisation_id
      FROM ${nameCandidates(opts.partnershipId, opts.q)} c
      JOIN people p ON p.id = c.person_id JOIN organisations o ON o.id = p.owner_organisation_id
      WHERE p.merged_into_id IS NULL
      GROUP BY p.id, o.name
      ORDER BY max(c.score) DESC, p.last_name, p.first_name, p.id
      LIMIT ${PAGE_SIZE + 1} OFFSET ${offset}`.execute(tx);
    return r.rows;
  }
  const r = await sql<ListedPerson>`
    SELECT page.*, o.name AS owner_name
    FROM (
      (SELECT id, first_name, last_name, date_of_birth, gender, owner_organisation_id FROM people
        WHERE owner_organisation_id = ${opts.organisationId} AND merged_into_id IS NULL
        ORDER BY last_name, first_name, id LIMIT ${offset + PAGE_SIZE + 1})
      UNION ALL
      (SELECT id, first_name, last_name, date_of_birth, gender, owner_organisation_id FROM people
        WHERE owner_organisation_id <> ${opts.organisationId} AND merged_into_id IS NULL AND id = ANY (ARRAY(SELECT app_shared_ids('person', 'view')))
        ORDER BY last_name, first_name, id LIMIT ${offset + PAGE_SIZE + 1})
    ) page
    JOIN organisations o ON o.id = page.owner_organisation_id
    ORDER BY page.last_name, page.first_name, page.id
    LIMIT ${PAGE_SIZE + 1} OFFSET ${offset}`.execute(tx);
  return r.rows;
}

export interface ListedPerson {
  id: string;
  first_name: string;
  last_name: string;
  date_of_birth: string | null;
  gender: string | null;
  owner_name: string;
  owner_organisation_id: string;
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

/** The basic fields every caller gives; the detailed ones (the person form) are optional for others' quick records. */
export interface PersonFields {
  first_name: string;
  middle_names: string | null;
  last_name: string;
  date_of_birth: string | null;
  gender: string | null;
  phone: string | null;
  email: string | null;
  notes: string | null;
  estimated_age?: number | null;
  estimated_age_on?: string | null;
  contact_preference?: string | null;
  contact_safe_times?: string | null;
  do_not_leave_messages?: boolean;
  communication_needs?: string | null;
  preferred_language?: string | null;
  interpreter_needed?: boolean;
  vulnerabilities?: string[];
  vulnerability_notes?: string | null;
  warning_markers?: string[];
  pnc_id?: string | null;
  nhs_number?: string | null;
  ni_number?: string | null;
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
