// Synthetic incidents at benchmark scale (millions), generated inside PostgreSQL with
// generate_series so no row crosses the wire. Each incident gets a victim and, for one in three,
// a perpetrator, drawn from the partnership's people; dates spread over the last three years.
// Runs as the migrator: it is set-up, not a user's action.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';

const BATCH = 100_000;

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
          'Synthetic incident for benchmarking',
          CASE WHEN ${areaIds.length} > 0 THEN (${areaIds}::uuid[])[1 + (b.g % greatest(${areaIds.length}, 1))] END,
          52.4 + random() * 0.5, -1.6 + random() * 0.9,
          random() < 0.03, random() < 0.08, random() < 0.15, random() < 0.1, random() < 0.2, random() < 0.05,
          b.creator, b.at
        FROM scale_batch b`.execute(tx);
      if (peopleCount > 0) {
        await sql`INSERT INTO incident_people (incident_id, person_id, role)
          SELECT b.id, p.id, 'victim' FROM scale_batch b
          JOIN scale_people p ON p.n = 1 + ((b.g * 7919 + ${done}) % ${peopleCount})`.execute(tx);
        await sql`INSERT INTO incident_people (incident_id, person_id, role)
          SELECT b.id, p.id, 'perpetrator' FROM scale_batch b
          JOIN scale_people p ON p.n = 1 + ((b.g * 104729 + ${done} + 1) % ${peopleCount})
          WHERE b.g % 3 = 0 AND p.n <> 1 + ((b.g * 7919 + ${done}) % ${peopleCount})`.execute(tx);
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
