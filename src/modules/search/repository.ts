// The search box's queries. Each is bounded (every branch has its own LIMIT) and answered from an
// index, so a common name among a million people costs no more than a rare one; row-level security
// narrows every branch to what the viewer may see before the limits count.
import { sql, type RawBuilder } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';
import type { NameQuery } from './query.ts';

export const SHOWN = 10;
export const PEOPLE_SHOWN = 20;
/** Candidates taken from each fuzzy branch before ranking. */
const BRANCH = 200;

export interface PersonHit {
  id: string;
  first_name: string;
  middle_names: string | null;
  last_name: string;
  date_of_birth: string | null;
  estimated_age: number | null;
  owner_organisation_id: string;
  owner_name: string;
  warning_markers: string[];
  alias: string | null;
  score: number;
}

const dobFilter = (dob: string | null) => (dob ? sql`AND p.date_of_birth = ${dob}` : sql``);

/**
 * People by name (exact, phonetic, trigram, and the same for aliases), optionally with a date of
 * birth: candidates come from search_person_ids (migrations/0006, which says why it is a function).
 */
export async function peopleByName(tx: Tx, partnershipId: string, name: NameQuery, dob: string | null): Promise<PersonHit[]> {
  return rankPeople(
    tx,
    partnershipId,
    sql`SELECT person_id AS id, score, alias FROM search_person_ids(${partnershipId}::uuid, ${name.first}::text, ${name.last}::text, ${name.full}::text, ${dob}::date, ${name.eitherOrder})`,
    dob,
  );
}

async function rankPeople(tx: Tx, partnershipId: string, candidates: RawBuilder<unknown>, dob: string | null): Promise<PersonHit[]> {
  const r = await sql<PersonHit>`
    WITH c AS (${candidates})
    SELECT p.id, p.first_name, p.middle_names, p.last_name, p.date_of_birth, p.estimated_age, p.owner_organisation_id,
      o.name AS owner_name, p.warning_markers, max(c.score) AS score,
      (array_agg(c.alias ORDER BY c.score DESC) FILTER (WHERE c.alias IS NOT NULL))[1] AS alias
    FROM c JOIN people p ON p.id = c.id JOIN organisations o ON o.id = p.owner_organisation_id
    WHERE p.partnership_id = ${partnershipId} AND p.merged_into_id IS NULL ${dobFilter(dob)}
    GROUP BY p.id, o.name
    ORDER BY max(c.score) DESC, p.last_name, p.first_name, p.id
    LIMIT ${PEOPLE_SHOWN}`.execute(tx);
  return r.rows;
}

export function peopleByDob(tx: Tx, partnershipId: string, dob: string) {
  return rankPeople(
    tx,
    partnershipId,
    sql`(SELECT p.id, 1::real AS score, NULL::text AS alias FROM people p WHERE p.partnership_id = ${partnershipId} AND p.date_of_birth = ${dob}
      ORDER BY p.last_name, p.first_name LIMIT ${PEOPLE_SHOWN})`,
    dob,
  );
}

export function peopleByIdentifier(tx: Tx, partnershipId: string, ids: { nhs: string | null; ni: string | null; pnc: string | null }) {
  const conditions = [
    ids.nhs ? sql`p.nhs_number = ${ids.nhs}` : null,
    ids.ni ? sql`p.ni_number = ${ids.ni}` : null,
    ids.pnc ? sql`p.pnc_id = ${ids.pnc}` : null,
  ].filter((c): c is RawBuilder<unknown> => c !== null);
  return rankPeople(tx, partnershipId, sql.join(conditions.map((c) => sql`(SELECT p.id, 1::real AS score, NULL::text AS alias FROM people p WHERE ${c} LIMIT ${PEOPLE_SHOWN})`), sql` UNION ALL `), null);
}

export function peopleAtPostcode(tx: Tx, partnershipId: string, postcodeKey: string) {
  return rankPeople(
    tx,
    partnershipId,
    sql`(SELECT a.person_id AS id, CASE WHEN a.to_date IS NULL THEN 0.8 ELSE 0.6 END::real AS score, NULL::text AS alias
      FROM person_addresses a WHERE a.postcode_key = ${postcodeKey} LIMIT ${BRANCH})`,
    null,
  );
}

export function vehicles(tx: Tx, partnershipId: string, key: string) {
  // One id set from two indexed lookups (the exact key by btree, partial keys through the trigram
  // function): an OR of the two would defeat both indexes and read every vehicle under RLS.
  const partial = key.length >= 3 ? sql`UNION SELECT vehicle_id FROM search_vehicle_ids(${partnershipId}::uuid, ${key}::text)` : sql``;
  return tx
    .selectFrom('vehicles as v')
    .innerJoin('organisations as o', 'o.id', 'v.owner_organisation_id')
    .select(['v.id', 'v.vrm', 'v.make', 'v.model', 'v.colour', 'o.name as owner_name'])
    .where('v.partnership_id', '=', partnershipId)
    .where(sql<boolean>`v.id IN (SELECT x.id FROM vehicles x WHERE x.partnership_id = ${partnershipId} AND x.vrm_key = ${key} ${partial})`)
    .orderBy(sql`v.vrm_key = ${key}`, 'desc')
    .orderBy('v.vrm_key')
    .limit(SHOWN)
    .execute();
}

const variants = (s: string) => [...new Set([s, s.toUpperCase(), s.toLowerCase()])];

export interface IncidentCriteria {
  reference: string | null;
  external: string | null;
  postcodeKey: string | null;
}

export function incidents(tx: Tx, partnershipId: string, c: IncidentCriteria) {
  const branches = [
    c.reference ? sql`(SELECT id FROM incidents WHERE reference = ${c.reference})` : null,
    // Plain equality (not upper()) so the index is usable under row-level security; references are
    // compared as typed, in capitals and in lower case.
    c.external ? sql`(SELECT id FROM incidents WHERE crime_number = ANY (${variants(c.external)}::text[]) LIMIT ${SHOWN})` : null,
    c.external ? sql`(SELECT id FROM incidents WHERE police_log_number = ANY (${variants(c.external)}::text[]) LIMIT ${SHOWN})` : null,
    c.postcodeKey
      ? sql`(SELECT id FROM incidents WHERE postcode_key = ${c.postcodeKey} AND partnership_id = ${partnershipId} ORDER BY reported_at DESC LIMIT ${SHOWN})`
      : null,
  ].filter((b): b is RawBuilder<unknown> => b !== null);
  if (!branches.length) return Promise.resolve([]);
  return sql<{ id: string; reference: string; occurred_from: Date; category: string; status: string; location_text: string | null; postcode: string | null; crime_number: string | null; owner_name: string }>`
    SELECT i.id, i.reference, i.occurred_from, i.category, i.status, i.location_text, i.postcode, i.crime_number, o.name AS owner_name
    FROM incidents i JOIN organisations o ON o.id = i.owner_organisation_id
    WHERE i.partnership_id = ${partnershipId} AND i.id IN (${sql.join(branches, sql` UNION `)})
    ORDER BY i.reported_at DESC
    LIMIT ${SHOWN}`
    .execute(tx)
    .then((r) => r.rows);
}

export function cases(tx: Tx, partnershipId: string, c: { reference: string | null; words: string[]; text: string }) {
  const branches = [
    c.reference ? sql`(SELECT id, 1::real AS score FROM cases WHERE reference = ${c.reference})` : null,
    c.words.length
      ? sql`(SELECT k.id, similarity(lower(k.title), ${c.text.toLowerCase()}) AS score FROM cases k
          WHERE k.id IN (SELECT case_id FROM search_case_ids(${partnershipId}::uuid, ${c.words}::text[])))`
      : null,
  ].filter((b): b is RawBuilder<unknown> => b !== null);
  if (!branches.length) return Promise.resolve([]);
  return sql<{ id: string; reference: string; title: string; status: string; priority: string; owner_name: string }>`
    WITH m AS (${sql.join(branches, sql` UNION ALL `)})
    SELECT k.id, k.reference, k.title, k.status, k.priority, o.name AS owner_name
    FROM m JOIN cases k ON k.id = m.id JOIN organisations o ON o.id = k.owner_organisation_id
    WHERE k.partnership_id = ${partnershipId}
    GROUP BY k.id, o.name
    ORDER BY max(m.score) DESC, k.opened_at DESC
    LIMIT ${SHOWN}`
    .execute(tx)
    .then((r) => r.rows);
}
