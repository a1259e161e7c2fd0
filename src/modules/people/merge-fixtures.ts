// Test support for merges: people with everything that can refer to a person, written directly (as
// the migrating role) so that the tests control every row; and a snapshot of every row that refers to
// a set of people, as whole-row JSON, to compare before a merge and after its undoing.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { PERSON_REFERENCES } from './person-references.ts';

export interface Owner {
  partnershipId: string;
  organisationId: string;
  userId: string;
}

export async function ownerOf(db: Kysely<DB>, email: string): Promise<Owner> {
  const r = await db
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .select(['u.id', 'u.organisation_id', 'o.partnership_id'])
    .where('u.email', '=', email)
    .executeTakeFirstOrThrow();
  return { partnershipId: r.partnership_id, organisationId: r.organisation_id, userId: r.id };
}

type PersonExtra = Partial<{
  middle_names: string;
  date_of_birth: string;
  gender: string;
  phone: string;
  email: string;
  notes: string;
  vulnerabilities: string[];
  warning_markers: string[];
  nhs_number: string;
  do_not_leave_messages: boolean;
}>;

export async function addPerson(
  db: Kysely<DB>,
  o: Owner,
  first: string,
  last: string,
  extra: PersonExtra = {},
) {
  const r = await db
    .insertInto('people')
    .values({
      partnership_id: o.partnershipId,
      owner_organisation_id: o.organisationId,
      first_name: first,
      last_name: last,
      created_by: o.userId,
      updated_at: new Date(),
      ...extra,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function addAlias(
  db: Kysely<DB>,
  o: Owner,
  personId: string,
  kind: 'alias' | 'maiden_name' | 'previous_name' | 'nickname',
  first: string | null,
  last: string,
) {
  await db
    .insertInto('person_aliases')
    .values({ person_id: personId, kind, first_name: first, last_name: last, created_by: o.userId })
    .execute();
}

export async function addAddress(
  db: Kysely<DB>,
  o: Owner,
  personId: string,
  address: string,
  postcode: string,
  from: string | null,
  to: string | null,
) {
  await db
    .insertInto('person_addresses')
    .values({
      person_id: personId,
      uprn: null,
      address,
      postcode,
      postcode_key: postcode.replace(/\s/g, ''),
      from_date: from,
      to_date: to,
      created_by: o.userId,
    })
    .execute();
}

export async function addLink(db: Kysely<DB>, o: Owner, from: string, to: string, relationship: string) {
  await db
    .insertInto('person_links')
    .values({ person_id: from, other_person_id: to, relationship, created_by: o.userId })
    .execute();
}

export async function addIncident(
  db: Kysely<DB>,
  o: Owner,
  people: [string, string][],
  description = 'Shouting and banging doors late at night',
) {
  const r = await sql<{ id: string; reference: string }>`
    INSERT INTO incidents (partnership_id, owner_organisation_id, occurred_from, reported_at, how_reported, category, description, created_by)
    VALUES (${o.partnershipId}, ${o.organisationId}, now() - interval '20 days', now() - interval '19 days', 'council_phone', 'nuisance', ${description}, ${o.userId})
    RETURNING id, reference`.execute(db);
  const incident = r.rows[0]!;
  for (const [personId, role] of people) {
    await sql`INSERT INTO incident_people (incident_id, person_id, role) VALUES (${incident.id}, ${personId}, ${role})`.execute(
      db,
    );
  }
  return incident;
}

export async function addCase(db: Kysely<DB>, o: Owner, incidentIds: string[]) {
  const r = await sql<{ id: string; reference: string }>`
    INSERT INTO cases (partnership_id, owner_organisation_id, title, created_by) VALUES (${o.partnershipId}, ${o.organisationId}, 'Noise from number 12', ${o.userId})
    RETURNING id, reference`.execute(db);
  for (const id of incidentIds)
    await sql`INSERT INTO case_incidents (case_id, incident_id, added_by) VALUES (${r.rows[0]!.id}, ${id}, ${o.userId})`.execute(
      db,
    );
  return r.rows[0]!;
}

export async function addRiskAssessment(db: Kysely<DB>, o: Owner, personId: string, caseId: string | null) {
  const r = await sql<{ id: string }>`
    INSERT INTO risk_assessments (partnership_id, owner_organisation_id, questionnaire_id, person_id, case_id, answers, score, yes_count, computed_band, final_band, assessed_by)
    SELECT ${o.partnershipId}, ${o.organisationId}, q.id, ${personId}, ${caseId}, '{"screen_vulnerable":"yes"}'::jsonb, 11, 3, 'medium', 'medium', ${o.userId}
    FROM risk_questionnaires q WHERE q.key = 'asb_victim' ORDER BY q.version DESC LIMIT 1
    RETURNING id`.execute(db);
  return r.rows[0]!.id;
}

export async function addIntervention(db: Kysely<DB>, o: Owner, personId: string, caseId: string | null) {
  const r = await sql<{ id: string }>`
    INSERT INTO interventions (partnership_id, owner_organisation_id, case_id, subject_type, person_id, kind, issued_on, expires_on, created_by)
    VALUES (${o.partnershipId}, ${o.organisationId}, ${caseId}, 'person', ${personId}, 'acceptable_behaviour_contract', current_date - 10, current_date + 170, ${o.userId})
    RETURNING id`.execute(db);
  return r.rows[0]!.id;
}

export async function addDocument(db: Kysely<DB>, o: Owner, personId: string) {
  const r = await sql<{ id: string }>`
    INSERT INTO documents (partnership_id, owner_organisation_id, person_id, kind, title, filename, content_type, size_bytes, sha256, content, created_by)
    VALUES (${o.partnershipId}, ${o.organisationId}, ${personId}, 'upload', 'Signed contract', 'contract.txt', 'text/plain', 5, 'x', convert_to('hello', 'UTF8'), ${o.userId})
    RETURNING id`.execute(db);
  return r.rows[0]!.id;
}

export async function addShare(
  db: Kysely<DB>,
  o: Owner,
  personId: string,
  toOrganisationId: string,
  access: 'view' | 'edit',
) {
  await db
    .insertInto('record_shares')
    .values({
      record_type: 'person',
      record_id: personId,
      to_organisation_id: toOrganisationId,
      access,
      reason: 'Joint case under the partnership ISA',
      created_by: o.userId,
    })
    .execute();
}

/** Every row that refers to any of the people, and the people themselves, as whole-row JSON in a stable order. */
export async function snapshot(db: Kysely<DB>, ids: string[]) {
  const out: Record<string, string[]> = {};
  const rows = async (table: string, column: string, where: Record<string, string> = {}) => {
    const extra = Object.entries(where).map(([k, v]) => sql`AND ${sql.ref(`t.${k}`)} = ${v}`);
    const r = await sql<{ row: string }>`
      SELECT to_jsonb(t)::text AS row FROM ${sql.table(table)} AS t WHERE ${sql.ref(`t.${column}`)} = ANY (${ids}::uuid[]) ${sql.join(extra, sql` `)}`.execute(
      db,
    );
    return r.rows.map((x) => x.row).sort();
  };
  out['people.id'] = await rows('people', 'id');
  // The merges themselves are history, kept after an unmerge.
  for (const ref of PERSON_REFERENCES)
    if (ref.table !== 'person_merges')
      out[`${ref.table}.${ref.column}`] = await rows(ref.table, ref.column, ref.where);
  return out;
}
