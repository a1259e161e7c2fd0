// Typed queries on the repeat rules and flags. Every function runs inside withUser: the flags come
// back only as far as row-level security lets the viewer see them (a person's flag with the person,
// a place's with one of its incidents). Counting happens in the database's definer functions.
import { sql, type Kysely } from 'kysely';
import type { DB, RepeatKind, RiskBand } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/with-user.ts';
import { DEFAULT_RULES, RULE_KEYS, type RepeatRules } from './rules.ts';

export const PAGE_SIZE = 50;

export async function readRules(
  tx: Tx,
  partnershipId: string,
): Promise<RepeatRules & { version: number; updated_at: Date | null }> {
  const row = await tx
    .selectFrom('repeat_rules')
    .select([...RULE_KEYS, 'version', 'updated_at'])
    .where('partnership_id', '=', partnershipId)
    .executeTakeFirst();
  return row ?? { ...DEFAULT_RULES, version: 0, updated_at: null };
}

/** Optimistic concurrency: applies only if the rules are still at `version`. */
export async function updateRules(
  tx: Tx,
  partnershipId: string,
  version: number,
  userId: string,
  rules: RepeatRules,
) {
  const r = await tx
    .updateTable('repeat_rules')
    .set((eb) => ({ ...rules, updated_by: userId, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('partnership_id', '=', partnershipId)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface FlagChange {
  flag_id: string;
  flag_kind: RepeatKind;
  change: 'raised' | 'updated' | 'expired';
}

/** Recounts everything an incident bears on (the database checks the user can see it). */
export async function evaluateIncident(tx: Tx, incidentId: string) {
  const r =
    await sql<FlagChange>`SELECT flag_id, flag_kind, change FROM repeat_evaluate_incident(${incidentId}::uuid)`.execute(
      tx,
    );
  return r.rows;
}

/** Recounts people as victims and perpetrators (those the viewer may see). */
export async function evaluatePeople(tx: Tx, personIds: string[]) {
  const r =
    await sql<FlagChange>`SELECT flag_id, flag_kind, change FROM repeat_evaluate_people(${personIds}::uuid[])`.execute(
      tx,
    );
  return r.rows;
}

/** Recounts every subject of the kinds given under the current rules (partnership administrators only). */
export async function reevaluatePartnership(tx: Tx, kinds: RepeatKind[]) {
  const r =
    await sql<FlagChange>`SELECT flag_id, flag_kind, change FROM repeat_reevaluate_partnership(${kinds}::text[])`.execute(
      tx,
    );
  return r.rows;
}

/** Every subject in the partnership, every kind: only for set-up run by the migrator, never a request. */
export async function recountAsSetUp(tx: Kysely<DB> | Tx, partnershipId: string) {
  const changes: FlagChange[] = [];
  for (const kind of ['victim', 'perpetrator', 'location'] as const) {
    const r =
      await sql<FlagChange>`SELECT flag_id, flag_kind, change FROM repeat_refresh(${partnershipId}::uuid, ${kind}, NULL)`.execute(
        tx,
      );
    changes.push(...r.rows);
  }
  return changes;
}

export interface FlagRow {
  id: string;
  kind: RepeatKind;
  person_id: string | null;
  first_name: string | null;
  last_name: string | null;
  place: string | null;
  place_incident_id: string | null;
  area_name: string | null;
  first_qualified_at: Date;
  last_incident_at: Date;
  expires_at: Date;
  raised_at: Date;
  incident_count: number;
  /** How many of the counted incidents the viewer may see themselves. */
  visible_count: number;
  threshold: number;
  window_months: number;
  active: boolean;
}

type FlagScope =
  | { personIds: string[] }
  | { incidentId: string }
  | { caseId: string }
  | {
      list: {
        partnershipId: string;
        kind: RepeatKind | null;
        areaId: string | null;
        status: 'active' | 'expired';
        page: number;
      };
    };

/**
 * Flags the viewer may see, with what describes their subject: a person's name, or a place as
 * described on the newest of its incidents the viewer can see (never another agency's words).
 */
export async function flags(tx: Tx, scope: FlagScope): Promise<FlagRow[]> {
  let where;
  let limit = sql``;
  if ('personIds' in scope) {
    if (!scope.personIds.length) return [];
    where = sql`f.person_id = ANY (${scope.personIds}::uuid[]) AND f.expires_at > now()`;
  } else if ('incidentId' in scope) {
    // Flags about the incident's people, and every flag it counts towards (its place, among others).
    where = sql`f.expires_at > now() AND (
      f.person_id IN (SELECT ip.person_id FROM incident_people ip WHERE ip.incident_id = ${scope.incidentId}
        AND ip.role IN ('victim', 'perpetrator'))
      OR f.id IN (SELECT m.flag_id FROM repeat_flag_incidents m WHERE m.incident_id = ${scope.incidentId}))`;
  } else if ('caseId' in scope) {
    where = sql`f.expires_at > now() AND (
      f.person_id IN (SELECT ip.person_id FROM case_incidents ci JOIN incident_people ip ON ip.incident_id = ci.incident_id
        WHERE ci.case_id = ${scope.caseId} AND ip.role IN ('victim', 'perpetrator'))
      OR f.id IN (SELECT m.flag_id FROM case_incidents ci JOIN repeat_flag_incidents m ON m.incident_id = ci.incident_id
        WHERE ci.case_id = ${scope.caseId}))`;
  } else {
    const l = scope.list;
    where = sql`f.partnership_id = ${l.partnershipId}
      AND ${l.status === 'active' ? sql`f.expires_at > now()` : sql`f.expires_at <= now()`}
      ${l.kind ? sql`AND f.kind = ${l.kind}` : sql``}
      ${l.areaId ? sql`AND (f.area_id = ${l.areaId} OR f.area_id IN (SELECT a.id FROM areas a WHERE a.parent_id = ${l.areaId}))` : sql``}`;
    limit = sql`LIMIT ${PAGE_SIZE + 1} OFFSET ${(l.page - 1) * PAGE_SIZE}`;
  }
  const r = await sql<FlagRow>`
    SELECT f.id, f.kind, f.person_id, p.first_name, p.last_name, place.text AS place, place.incident_id AS place_incident_id,
      a.name AS area_name, f.first_qualified_at, f.last_incident_at, f.expires_at, f.raised_at, f.incident_count,
      (SELECT count(*)::int FROM repeat_flag_incidents m WHERE m.flag_id = f.id) AS visible_count,
      f.threshold, f.window_months, f.expires_at > now() AS active
    FROM repeat_flags f
    LEFT JOIN people p ON p.id = f.person_id
    LEFT JOIN areas a ON a.id = f.area_id
    LEFT JOIN LATERAL (
      SELECT i.id AS incident_id, concat_ws(', ', nullif(i.location_text, ''), i.postcode) AS text
      FROM repeat_flag_incidents m JOIN incidents i ON i.id = m.incident_id
      WHERE m.flag_id = f.id AND f.kind = 'location'
      ORDER BY i.occurred_from DESC, i.id LIMIT 1
    ) place ON true
    WHERE ${where}
    ORDER BY f.last_incident_at DESC, f.id
    ${limit}`.execute(tx);
  return r.rows;
}

export interface MarkerRow {
  id: string;
  vulnerabilities: string[];
  vulnerability_notes: string | null;
  band: RiskBand | null;
  vulnerable_victim_incident: boolean;
}

/** What the marker needs about each person the viewer may see (risk and incidents as far as they may see them). */
export async function markerInputs(tx: Tx, personIds: string[]): Promise<MarkerRow[]> {
  if (!personIds.length) return [];
  const r = await sql<MarkerRow>`
    SELECT p.id, p.vulnerabilities, p.vulnerability_notes,
      (SELECT ra.final_band FROM risk_assessments ra WHERE ra.person_id = p.id ORDER BY ra.assessed_at DESC, ra.id LIMIT 1) AS band,
      EXISTS (SELECT 1 FROM incident_people ip JOIN incidents i ON i.id = ip.incident_id
        WHERE ip.person_id = p.id AND ip.role = 'victim' AND i.vulnerable_victim) AS vulnerable_victim_incident
    FROM people p WHERE p.id = ANY (${personIds}::uuid[])`.execute(tx);
  return r.rows;
}

export function areas(tx: Tx, partnershipId: string) {
  return tx
    .selectFrom('areas')
    .select(['id', 'name', 'kind'])
    .where('partnership_id', '=', partnershipId)
    .where('kind', 'in', ['county', 'district', 'unitary'])
    .orderBy(sql`CASE kind WHEN 'county' THEN 0 ELSE 1 END`)
    .orderBy('name')
    .execute();
}
