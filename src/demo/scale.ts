// Synthetic incidents at benchmark scale (millions), generated inside PostgreSQL with
// generate_series so no row crosses the wire. Each incident gets a victim and, for one in three,
// a perpetrator, drawn from the partnership's people; dates spread over the last three years.
// Runs as the migrator: it is set-up, not a user's action.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../platform/db/schema.ts';

const BATCH = 100_000;

/** How generated records describe themselves, so that a set-up script can tell what it has made. */
export const SYNTHETIC_INCIDENT = 'Synthetic incident for benchmarking';
export const SYNTHETIC_CASE = 'Synthetic case for benchmarking';
export const SYNTHETIC_VEHICLE = 'Synthetic vehicle for benchmarking';

export async function generateIncidents(
  db: Kysely<DB>,
  partnershipId: string,
  count: number,
  onProgress?: (done: number) => void,
): Promise<number> {
  const owners = await db
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .select(['o.id as organisation_id', (eb) => eb.fn.min<string>(sql`u.id::text`).as('user_id')])
    .where('o.partnership_id', '=', partnershipId)
    .where(sql<boolean>`u.roles && ARRAY['case_officer','coordinator']::text[]`)
    .groupBy('o.id')
    .execute();
  if (!owners.length) throw new Error('The partnership has no case officers to own incidents.');
  const orgIds = owners.map((o) => o.organisation_id);
  const userIds = owners.map((o) => o.user_id);
  const areas = await db.selectFrom('areas').select('id').where('partnership_id', '=', partnershipId).where('kind', 'in', ['district', 'unitary']).execute();
  const areaIds = areas.map((a) => a.id);
  const types = await db.selectFrom('asb_types').select(['id', 'category']).where('partnership_id', '=', partnershipId).execute();
  const typeIds = types.map((t) => t.id);
  const typeCategories = types.map((t) => t.category);

  // People indexed by position so each incident can pick one in O(1).
  await sql`DROP TABLE IF EXISTS scale_people`.execute(db);
  await sql`CREATE UNLOGGED TABLE scale_people AS
    SELECT row_number() OVER (ORDER BY id) AS n, id, owner_organisation_id FROM people WHERE partnership_id = ${partnershipId}`.execute(db);
  await sql`CREATE UNIQUE INDEX ON scale_people (n)`.execute(db);
  const peopleCount = Number((await sql<{ c: number }>`SELECT count(*)::int AS c FROM scale_people`.execute(db)).rows[0]!.c);

  let done = 0;
  while (done < count) {
    const n = Math.min(BATCH, count - done);
    await db.transaction().execute(async (tx) => {
      await sql`CREATE TEMP TABLE scale_batch ON COMMIT DROP AS
        SELECT gen_random_uuid() AS id,
               (${orgIds}::uuid[])[1 + (g % ${orgIds.length})] AS owner,
               (${userIds}::uuid[])[1 + (g % ${userIds.length})] AS creator,
               now() - (random() * interval '1095 days') AS at,
               g
        FROM generate_series(1, ${n}) g`.execute(tx);
      await sql`INSERT INTO incidents (id, partnership_id, owner_organisation_id, occurred_from, reported_at, how_reported,
          source_organisation_id, category, asb_type_id, description, area_id, latitude, longitude, hate, domestic, alcohol,
          drugs, youth, vulnerable_victim, created_by, updated_at)
        SELECT b.id, ${partnershipId}, b.owner, b.at, b.at + interval '2 hours',
          (ARRAY['police_call','council_phone','council_online','public_online','partner_referral'])[1 + (b.g % 5)],
          b.owner,
          CASE WHEN ${typeIds.length} > 0 THEN (${typeCategories}::text[])[1 + (b.g % greatest(${typeIds.length}, 1))]
               ELSE (ARRAY['personal','nuisance','environmental'])[1 + (b.g % 3)] END,
          CASE WHEN ${typeIds.length} > 0 THEN (${typeIds}::uuid[])[1 + (b.g % greatest(${typeIds.length}, 1))] END,
          ${SYNTHETIC_INCIDENT},
          CASE WHEN ${areaIds.length} > 0 THEN (${areaIds}::uuid[])[1 + (b.g % greatest(${areaIds.length}, 1))] END,
          52.4 + random() * 0.5, -1.6 + random() * 0.9,
          random() < 0.03, random() < 0.08, random() < 0.15, random() < 0.1, random() < 0.2, random() < 0.05,
          b.creator, b.at
        FROM scale_batch b`.execute(tx);
      if (peopleCount > 0) {
        await sql`INSERT INTO incident_people (incident_id, person_id, role)
          SELECT b.id, p.id, 'victim' FROM scale_batch b
          JOIN scale_people p ON p.n = 1 + ((b.g::bigint * 7919 + ${done}) % ${peopleCount})`.execute(tx);
        await sql`INSERT INTO incident_people (incident_id, person_id, role)
          SELECT b.id, p.id, 'perpetrator' FROM scale_batch b
          JOIN scale_people p ON p.n = 1 + ((b.g::bigint * 104729 + ${done} + 1) % ${peopleCount})
          WHERE b.g % 3 = 0 AND p.n <> 1 + ((b.g::bigint * 7919 + ${done}) % ${peopleCount})`.execute(tx);
      }
    });
    done += n;
    onProgress?.(done);
  }
  await sql`DROP TABLE IF EXISTS scale_people`.execute(db);
  await sql`ANALYZE incidents`.execute(db);
  await sql`ANALYZE incident_people`.execute(db);
  await sql`ANALYZE people`.execute(db);
  return done;
}

// --- cases, their notes and tasks, and subjects to search for --------------------------------------

const CASE_NOTES = [
  'Spoke to the complainant by phone. They report the noise continues most evenings after 11pm.',
  'Visited the address with a police colleague. No answer; calling card left.',
  'Diary sheets received and reviewed: seven entries over the last fortnight.',
  'Discussed at the fortnightly partnership problem-solving meeting. Housing to check tenancy conditions.',
  'Warning letter considered; agreed to try mediation first.',
  'Supervision: case reviewed, actions on track, risk unchanged.',
  'Complainant reports things are quieter since the last visit.',
  'CCTV request sent to the council control room for the dates in the diary sheets.',
];
const TASK_TITLES = [
  'Call the complainant back',
  'Visit the address',
  'Send diary sheets',
  'Check the tenancy agreement with housing',
  'Request CCTV footage',
  'Review the case at supervision',
  'Draft a warning letter',
  'Refer to mediation',
];
/** Letters allowed in the inward part of a postcode (not C, I, K, M, O or V). */
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

/** A synthetic Leicestershire postcode for n: "LE<1-19> <digit><letter><letter>", 76,000 different ones. */
function postcodeSql(n: RawBuilder<unknown>) {
  return sql`('LE' || (1 + ${n} % 19) || ' ' || ((${n} / 19) % 10) || substr(${INWARD_LETTERS}, 1 + ((${n} / 190) % 20)::int, 1) || substr(${INWARD_LETTERS}, 1 + ((${n} / 3800) % 20)::int, 1))`;
}

/**
 * Synthetic cases at benchmark scale, generated inside the database: each owned by an organisation
 * with case officers, led by one of them, opened from one to five of that organisation's incidents,
 * with two to four notes and one to three tasks, so that a case page has a realistic timeline. The
 * incidents' places are given postcodes. Runs as the migrator, after generateIncidents.
 */
export async function generateCases(db: Kysely<DB>, partnershipId: string, count: number): Promise<number> {
  const officers = await db
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .select(['o.id as organisation_id', 'u.id as user_id', 'u.roles'])
    .where('o.partnership_id', '=', partnershipId)
    .where(sql<boolean>`u.roles && ARRAY['case_officer','coordinator']::text[]`)
    .orderBy('u.email')
    .execute();
  if (!officers.length) throw new Error('The partnership has no case officers to lead cases.');
  const managerOf = new Map<string, string>();
  for (const o of officers) if (o.roles.includes('manager')) managerOf.set(o.organisation_id, o.user_id);
  const leadOrgs = officers.map((o) => o.organisation_id);
  const leads = officers.map((o) => o.user_id);
  const supervisors = officers.map((o) => managerOf.get(o.organisation_id) ?? null);
  const types = await db.selectFrom('case_types').select(['id', 'name']).where('partnership_id', '=', partnershipId).orderBy('sort').execute();
  if (!types.length) throw new Error('The partnership has no case types.');

  // Each owner's incidents numbered 1..n, so a case can pick some of its organisation's in O(1).
  await sql`DROP TABLE IF EXISTS scale_incidents`.execute(db);
  await sql`CREATE UNLOGGED TABLE scale_incidents AS
    SELECT owner_organisation_id AS owner, row_number() OVER (PARTITION BY owner_organisation_id ORDER BY id) AS n, id
    FROM incidents WHERE partnership_id = ${partnershipId} AND owner_organisation_id = ANY (${[...new Set(leadOrgs)]}::uuid[])`.execute(db);
  await sql`CREATE UNIQUE INDEX ON scale_incidents (owner, n)`.execute(db);
  const per = await sql<{ owner: string; c: number }>`SELECT owner, count(*)::int AS c FROM scale_incidents GROUP BY owner`.execute(db);
  const incidentCount = new Map(per.rows.map((r) => [r.owner, Number(r.c)]));
  if (!leadOrgs.every((o) => (incidentCount.get(o) ?? 0) > 0)) throw new Error('Generate incidents before cases: every case is opened from some.');

  await db.transaction().execute(async (tx) => {
    await sql`CREATE TEMP TABLE scale_case_batch ON COMMIT DROP AS
      SELECT gen_random_uuid() AS id, g,
        (${leadOrgs}::uuid[])[1 + (g % ${leadOrgs.length})] AS owner,
        (${leads}::uuid[])[1 + (g % ${leads.length})] AS lead,
        (${supervisors}::uuid[])[1 + (g % ${leads.length})] AS supervisor,
        (${types.map((t) => t.id)}::uuid[])[1 + (g % ${types.length})] AS type_id,
        (${types.map((t) => t.name)}::text[])[1 + (g % ${types.length})] AS type_name,
        CASE WHEN g % 10 < 7 THEN 'open' WHEN g % 10 = 7 THEN 'on_hold' ELSE 'closed' END AS status,
        (ARRAY['standard','standard','medium','high'])[1 + (g / 7) % 4] AS priority
      FROM generate_series(1, ${count}) g`.execute(tx);
    await sql`CREATE TEMP TABLE scale_case_links ON COMMIT DROP AS
      SELECT DISTINCT b.id AS case_id, si.id AS incident_id
      FROM scale_case_batch b
      CROSS JOIN LATERAL generate_series(1, 1 + b.g % 5) j
      JOIN (SELECT * FROM unnest(${[...incidentCount.keys()]}::uuid[], ${[...incidentCount.values()]}::int[]) AS x(owner, c)) oc ON oc.owner = b.owner
      JOIN scale_incidents si ON si.owner = b.owner AND si.n = 1 + ((b.g::bigint * 7919 + j * 104729) % oc.c)`.execute(tx);
    // Opened the day after the latest of its incidents was reported (but not in the future).
    await sql`INSERT INTO cases (id, partnership_id, owner_organisation_id, case_type_id, title, summary, status, outcome,
        outcome_notes, priority, lead_officer_id, supervisor_id, review_date, opened_at, closed_at, created_by, created_at,
        updated_by, updated_at)
      SELECT b.id, ${partnershipId}, b.owner, b.type_id,
        b.type_name || ': ' || coalesce(v.last_name || ' household', 'location ' || b.g),
        ${SYNTHETIC_CASE} || ', opened from ' || f.n || ' incident(s).',
        b.status,
        CASE WHEN b.status = 'closed' THEN (ARRAY['resolved','partially_resolved','no_further_action','enforcement_completed'])[1 + b.g % 4] END,
        NULL, b.priority, b.lead, b.supervisor,
        CASE WHEN b.status <> 'closed' THEN current_date + ((b.g % 90) - 20) END,
        f.opened, CASE WHEN b.status = 'closed' THEN least(f.opened + interval '60 days', now()) END,
        b.lead, f.opened, b.lead, f.opened
      FROM scale_case_batch b
      JOIN LATERAL (SELECT count(*) AS n, least(max(i.reported_at) + interval '1 day', now()) AS opened, min(i.id::text)::uuid AS first_incident
        FROM scale_case_links l JOIN incidents i ON i.id = l.incident_id WHERE l.case_id = b.id) f ON true
      LEFT JOIN LATERAL (SELECT p.last_name FROM incident_people ip JOIN people p ON p.id = ip.person_id
        WHERE ip.incident_id = f.first_incident ORDER BY ip.role DESC LIMIT 1) v ON true`.execute(tx);
    await sql`INSERT INTO case_incidents (case_id, incident_id, added_by, added_at)
      SELECT l.case_id, l.incident_id, c.lead_officer_id, c.opened_at FROM scale_case_links l JOIN cases c ON c.id = l.case_id`.execute(tx);
    await sql`INSERT INTO case_notes (case_id, body, kind, created_by, created_at)
      SELECT b.id, (${CASE_NOTES}::text[])[1 + ((b.g + j) % ${CASE_NOTES.length})],
        CASE WHEN (b.g + j) % ${CASE_NOTES.length} = 5 THEN 'supervision' ELSE 'note' END,
        CASE WHEN (b.g + j) % ${CASE_NOTES.length} = 5 THEN coalesce(b.supervisor, b.lead) ELSE b.lead END,
        least(c.opened_at + j * interval '4 days', now())
      FROM scale_case_batch b JOIN cases c ON c.id = b.id CROSS JOIN LATERAL generate_series(1, 2 + b.g % 3) j`.execute(tx);
    await sql`INSERT INTO tasks (partnership_id, owner_organisation_id, case_id, title, assigned_user_id, due_date, priority, status,
        completion_notes, completed_by, completed_at, created_by, created_at, updated_by, updated_at)
      SELECT ${partnershipId}, b.owner, b.id, (${TASK_TITLES}::text[])[1 + ((b.g + j) % ${TASK_TITLES.length})], b.lead,
        (c.opened_at + (j * 7 + 7) * interval '1 day')::date,
        (ARRAY['normal','normal','high','low','urgent'])[1 + ((b.g + j) % 5)],
        CASE WHEN b.status = 'closed' OR j < 1 + b.g % 3 THEN 'done' ELSE 'open' END,
        CASE WHEN b.status = 'closed' OR j < 1 + b.g % 3 THEN 'Done as planned.' END,
        CASE WHEN b.status = 'closed' OR j < 1 + b.g % 3 THEN b.lead END,
        CASE WHEN b.status = 'closed' OR j < 1 + b.g % 3 THEN least(c.opened_at + (j * 6 + 5) * interval '1 day', now()) END,
        b.lead, least(c.opened_at + j * interval '1 day', now()), b.lead, least(c.opened_at + j * interval '1 day', now())
      FROM scale_case_batch b JOIN cases c ON c.id = b.id CROSS JOIN LATERAL generate_series(1, 1 + b.g % 3) j`.execute(tx);
    // Where the problems happen: the incidents on cases get a place and a postcode.
    await sql`UPDATE incidents i SET postcode = ${postcodeSql(sql`x.k`)}, postcode_key = replace(${postcodeSql(sql`x.k`)}, ' ', ''),
        location_text = 'Outside ' || (1 + x.k % 120) || ' ' || (ARRAY['Meadow Close','Station Road','Park Lane','Church Street','Victoria Road','Ashby Road'])[1 + x.k % 6]
      FROM (SELECT l.incident_id, (abs(hashtext(l.incident_id::text)::bigint) % 76000)::bigint AS k FROM scale_case_links l) x
      WHERE i.id = x.incident_id`.execute(tx);
  });
  await sql`DROP TABLE IF EXISTS scale_incidents`.execute(db);
  for (const t of ['cases', 'case_incidents', 'case_notes', 'tasks', 'incidents']) await sql`ANALYZE ${sql.table(t)}`.execute(db);
  return count;
}

/**
 * Things the search box looks for besides names: an address (with a postcode) for one person in
 * four, and vehicles (one for every 20 incidents, each seen in one incident), owned like the
 * records they hang off. Runs as the migrator, after generateIncidents.
 */
export async function generateSubjects(db: Kysely<DB>, partnershipId: string): Promise<{ addresses: number; vehicles: number }> {
  const streets = ['Meadow Close', 'Station Road', 'Park Lane', 'Church Street', 'Victoria Road', 'Ashby Road', 'Forest Road', 'Nottingham Road', 'Charnwood Road', 'Beacon Road'];
  const towns = ['Loughborough', 'Hinckley', 'Leicester', 'Coalville', 'Melton Mowbray', 'Market Harborough', 'Shepshed', 'Wigston'];
  const makes = ['Ford', 'Vauxhall', 'Volkswagen', 'BMW', 'Toyota', 'Nissan', 'Peugeot', 'Audi'];
  const colours = ['Black', 'Silver', 'White', 'Blue', 'Red', 'Grey'];
  const letters = 'ABCDEFGHJKLMNOPRSTUVWXYZ';
  let addresses = 0;
  let vehicles = 0;
  await db.transaction().execute(async (tx) => {
    const a = await sql`INSERT INTO person_addresses (person_id, address, postcode, postcode_key, from_date, to_date, created_by, created_at)
      SELECT p.id,
        (1 + x.k % 120) || ' ' || (${streets}::text[])[1 + x.k % ${streets.length}] || ', ' || (${towns}::text[])[1 + x.k % ${towns.length}],
        ${postcodeSql(sql`x.k`)}, replace(${postcodeSql(sql`x.k`)}, ' ', ''),
        (p.created_at - interval '3 years')::date, CASE WHEN x.k % 5 = 0 THEN (p.created_at - interval '1 year')::date END,
        p.created_by, p.created_at
      FROM people p CROSS JOIN LATERAL (SELECT (abs(hashtext(p.id::text)::bigint) % 76000)::bigint AS k) x
      WHERE p.partnership_id = ${partnershipId} AND abs(hashtext(p.id::text || 'a')::bigint) % 4 = 0`.execute(tx);
    addresses = Number(a.numAffectedRows ?? 0);
    // Current-style plates: two letters, two digits, three letters.
    const L = (n: RawBuilder<unknown>) => sql`substr(${letters}, 1 + (${n} % ${letters.length})::int, 1)`;
    await sql`CREATE TEMP TABLE scale_vehicles ON COMMIT DROP AS
      SELECT gen_random_uuid() AS id, i.id AS incident_id, i.owner_organisation_id AS owner, i.created_by, i.reported_at, x.k,
        ${L(sql`x.k`)} || ${L(sql`(x.k / 24)`)} || lpad(((x.k / 576) % 100)::text, 2, '0') || ${L(sql`(x.k / 57600)`)} || ${L(sql`(x.k / 1382400)`)} || ${L(sql`(x.k / 33177600)`)} AS vrm_key
      FROM incidents i CROSS JOIN LATERAL (SELECT abs(hashtext(i.id::text)::bigint)::bigint AS k) x
      WHERE i.partnership_id = ${partnershipId} AND abs(hashtext(i.id::text || 'v')::bigint) % 20 = 0`.execute(tx);
    const v = await sql`INSERT INTO vehicles (id, partnership_id, owner_organisation_id, vrm, vrm_key, make, model, colour, notes, created_by, created_at, updated_at)
      SELECT s.id, ${partnershipId}, s.owner, substr(s.vrm_key, 1, 4) || ' ' || substr(s.vrm_key, 5), s.vrm_key,
        (${makes}::text[])[1 + s.k % ${makes.length}], NULL, (${colours}::text[])[1 + (s.k / 7) % ${colours.length}], ${SYNTHETIC_VEHICLE},
        s.created_by, s.reported_at, s.reported_at
      FROM scale_vehicles s`.execute(tx);
    vehicles = Number(v.numAffectedRows ?? 0);
    await sql`INSERT INTO incident_vehicles (incident_id, vehicle_id, notes) SELECT incident_id, id, 'Seen at the scene' FROM scale_vehicles`.execute(tx);
  });
  for (const t of ['person_addresses', 'vehicles', 'incident_vehicles']) await sql`ANALYZE ${sql.table(t)}`.execute(db);
  return { addresses, vehicles };
}
