// Queries for matching on entry. The candidate functions (migrations/0009) search the whole
// partnership; everything else here runs under row-level security as usual, which is how the service
// learns which candidates the user may see.
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';

export interface CandidateQuery {
  partnershipId: string;
  /** What was typed first, then its other forms (nicknames); the first is the one typed. */
  firstNames: string[];
  /** The surname as typed, and each part of a double-barrelled one. */
  lastNames: string[];
  dateOfBirth: string | null;
  identifiers: string[];
  phone: string | null;
  email: string | null;
  postcodeKey: string | null;
  uprn: number | null;
}

export interface CandidateRow {
  id: string;
  owner_organisation_id: string;
  recorded_by: string;
  first_name: string;
  middle_names: string | null;
  last_name: string;
  date_of_birth: string | null;
  estimated_age: number | null;
  estimated_age_on: string | null;
  gender: string | null;
  phone: string | null;
  email: string | null;
  pnc_id: string | null;
  nhs_number: string | null;
  ni_number: string | null;
  address: string | null;
  postcode: string | null;
  uprn: number | null;
  aliases: { first_name: string | null; last_name: string }[];
}

export async function personCandidates(tx: Tx, q: CandidateQuery): Promise<CandidateRow[]> {
  const r = await sql<CandidateRow>`
    SELECT * FROM match_person_candidates(${q.partnershipId}::uuid, ${q.firstNames}::text[], ${q.lastNames}::text[],
      ${q.dateOfBirth}::date, ${q.identifiers}::text[], ${q.phone}::text, ${q.email}::text, ${q.postcodeKey}::text, ${q.uprn}::bigint)`.execute(tx);
  return r.rows.map((row) => ({ ...row, uprn: row.uprn === null ? null : Number(row.uprn) }));
}

/** How many people of the partnership have this first name and this surname (each capped), and in all. */
export async function nameCounts(tx: Tx, partnershipId: string, first: string | null, last: string | null) {
  const r = await sql<{ first_count: number | null; last_count: number | null; total: number }>`
    SELECT * FROM match_name_counts(${partnershipId}::uuid, ${first}::text, ${last}::text)`.execute(tx);
  const row = r.rows[0];
  return { first: row?.first_count ?? null, last: row?.last_count ?? null, total: Number(row?.total ?? 0) };
}

/** Which of these people the user may see (row-level security answers), with what a suggestion shows. */
export async function visiblePeople(tx: Tx, ids: string[]) {
  if (!ids.length) return [];
  return tx
    .selectFrom('people as p')
    .innerJoin('organisations as o', 'o.id', 'p.owner_organisation_id')
    .select(['p.id', 'p.first_name', 'p.middle_names', 'p.last_name', 'p.date_of_birth', 'p.owner_organisation_id', 'o.name as owner_name'])
    .where('p.id', 'in', ids)
    .execute();
}

export async function vehicleCandidates(tx: Tx, partnershipId: string, vrmKey: string) {
  const r = await sql<{ id: string; owner_organisation_id: string; recorded_by: string }>`
    SELECT * FROM match_vehicle_candidates(${partnershipId}::uuid, ${vrmKey}::text)`.execute(tx);
  return r.rows;
}

export async function visibleVehicles(tx: Tx, ids: string[]) {
  if (!ids.length) return [];
  return tx
    .selectFrom('vehicles as v')
    .innerJoin('organisations as o', 'o.id', 'v.owner_organisation_id')
    .select(['v.id', 'v.vrm', 'v.make', 'v.model', 'v.colour', 'o.name as owner_name'])
    .where('v.id', 'in', ids)
    .execute();
}

/** Organisation names, for the stubs ("held by ..."). Organisations are not protected records. */
export async function organisationNames(tx: Tx, ids: string[]) {
  if (!ids.length) return new Map<string, string>();
  const rows = await tx.selectFrom('organisations').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The requests this user already has open for these records, so a stub can say so instead of asking again. */
export async function openRequests(tx: Tx, userId: string, recordType: 'person' | 'vehicle', ids: string[]) {
  if (!ids.length) return new Map<string, Date>();
  const rows = await tx
    .selectFrom('access_requests')
    .select(['record_id', 'created_at'])
    .where('requester_user_id', '=', userId)
    .where('record_type', '=', recordType)
    .where('status', '=', 'pending')
    .where('record_id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.record_id, r.created_at]));
}

/** People on an address (UPRN) and incidents there that the user can see: how well known an address is. */
export async function addressCounts(tx: Tx, uprns: number[]) {
  if (!uprns.length) return new Map<number, { incidents: number; people: number }>();
  const r = await sql<{ uprn: number; incidents: number; people: number }>`
    SELECT u.uprn,
      (SELECT count(*)::int FROM (SELECT 1 FROM incidents i WHERE i.uprn = u.uprn LIMIT 100) x) AS incidents,
      (SELECT count(*)::int FROM (SELECT 1 FROM person_addresses a WHERE a.uprn = u.uprn LIMIT 100) y) AS people
    FROM unnest(${uprns}::bigint[]) u(uprn)`.execute(tx);
  return new Map(r.rows.map((row) => [Number(row.uprn), { incidents: row.incidents, people: row.people }]));
}
