// Repeat victims, locations and perpetrators. The counting is the database's (definer functions in
// migrations/0011 that see the whole partnership and hand back only flags); this service runs it
// after every change to an incident, audits what it raised or ended, and gives the pages what they
// show: flags for a person, an incident or a case, the coordinator's list, and the "vulnerable /
// repeat" marker for any list of people.
import type { Kysely } from 'kysely';
import type { DB, RepeatKind } from '../../platform/db/schema.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { audit, auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import { combineMarker, type Marker } from './markers.ts';
import { KINDS, RULE_KEYS, type RepeatRules } from './rules.ts';
import * as repo from './repository.ts';

export const FLAG_RECORD = 'repeat_flag';
export const RULES_RECORD = 'repeat_rules';

export type { Marker } from './markers.ts';
export type { FlagRow } from './repository.ts';

async function auditChanges(
  tx: Tx,
  actor: Actor,
  changes: repo.FlagChange[],
  details: Record<string, unknown>,
) {
  for (const c of changes) {
    await auditBy(tx, actor, c.change === 'raised' ? 'create' : 'update', FLAG_RECORD, c.flag_id, {
      kind: c.flag_kind,
      change: c.change,
      ...details,
    });
  }
}

/** Run in the transaction that recorded or changed the incident (see incidents/after-change.ts). */
export async function evaluateAfterIncidentChange(tx: Tx, actor: Actor, incidentId: string) {
  const changes = await repo.evaluateIncident(tx, incidentId);
  await auditChanges(tx, actor, changes, { incident_id: incidentId });
  return changes;
}

/**
 * For changes that move incidents between people without changing any incident (merging two records
 * of one person, or undoing it): recounts them, in the caller's transaction, and audits what changed.
 */
export async function recountPeople(tx: Tx, actor: Actor, personIds: string[]) {
  if (!personIds.length) return [];
  const changes = await repo.evaluatePeople(tx, personIds);
  await auditChanges(tx, actor, changes, { people: personIds });
  return changes;
}

/**
 * The marker for each of the people given that needs one, keyed by person id. One call per page,
 * whatever the number of people (search results, lists, an incident's people).
 */
export async function markersFor(tx: Tx, personIds: string[]): Promise<Record<string, Marker>> {
  const ids = [...new Set(personIds)];
  if (!ids.length) return {};
  const inputs = await repo.markerInputs(tx, ids);
  const flags = await repo.flags(tx, { personIds: ids });
  const out: Record<string, Marker> = {};
  for (const p of inputs) {
    const marker = combineMarker({
      vulnerabilities: p.vulnerabilities,
      vulnerability_notes: p.vulnerability_notes,
      band: p.band,
      vulnerableVictimIncident: p.vulnerable_victim_incident,
      flags: flags.filter((f) => f.person_id === p.id),
    });
    if (marker) out[p.id] = marker;
  }
  return out;
}

/** Active flags bearing on one person, incident or case, as far as the viewer may see them. */
export function flagsForPerson(tx: Tx, personId: string) {
  return repo.flags(tx, { personIds: [personId] });
}

export function flagsForIncident(tx: Tx, incidentId: string) {
  return repo.flags(tx, { incidentId });
}

export function flagsForCase(tx: Tx, caseId: string) {
  return repo.flags(tx, { caseId });
}

// The coordinator's list ---------------------------------------------------------------------------

export interface ListFilters {
  kind: RepeatKind | null;
  areaId: string | null;
  status: 'active' | 'expired';
  page: number;
}

export function listOptions(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, (tx) => repo.areas(tx, actor.partnershipId));
}

export async function listRepeats(db: Kysely<DB>, actor: Actor, filters: ListFilters) {
  return withUser(db, actor.userId, async (tx) => {
    const rows = await repo.flags(tx, { list: { partnershipId: actor.partnershipId, ...filters } });
    const shown = rows.slice(0, repo.PAGE_SIZE);
    const markers = await markersFor(
      tx,
      shown.flatMap((f) => (f.person_id ? [f.person_id] : [])),
    );
    await auditBy(tx, actor, 'list', FLAG_RECORD, null, {
      kind: filters.kind,
      filtered_by_area: !!filters.areaId,
      status: filters.status,
      page: filters.page,
      shown: shown.length,
    });
    return { flags: shown, hasMore: rows.length > repo.PAGE_SIZE, markers };
  });
}

// The rules ---------------------------------------------------------------------------------------

export async function rulesForAdmin(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, async (tx) => {
    const rules = await repo.readRules(tx, actor.partnershipId);
    await auditBy(tx, actor, 'admin_view', RULES_RECORD, actor.partnershipId);
    return rules;
  });
}

export type SaveRulesResult =
  | { kind: 'ok'; changed: string[]; flagChanges: { raised: number; updated: number; expired: number } }
  | { kind: 'conflict'; current: RepeatRules & { version: number } };

/**
 * Saves the rules if nobody has since `version`, then recounts every flag in the partnership under
 * them, in the same transaction: the change, its audit and its consequences commit together.
 */
export async function saveRules(
  db: Kysely<DB>,
  actor: Actor,
  version: number,
  rules: RepeatRules,
): Promise<SaveRulesResult> {
  return withUser(db, actor.userId, async (tx) => {
    const before = await repo.readRules(tx, actor.partnershipId);
    if (
      before.version !== version ||
      !(await repo.updateRules(tx, actor.partnershipId, version, actor.userId, rules))
    ) {
      return { kind: 'conflict', current: await repo.readRules(tx, actor.partnershipId) };
    }
    const changed = RULE_KEYS.filter((k) => before[k] !== rules[k]);
    await auditBy(tx, actor, 'admin_update', RULES_RECORD, actor.partnershipId, {
      fields: changed,
      from: Object.fromEntries(changed.map((k) => [k, before[k]])),
      to: Object.fromEntries(changed.map((k) => [k, rules[k]])),
      version: version + 1,
    });
    // Only the kinds whose rules changed are recounted; the link rules apply to links found from now on.
    const kinds = KINDS.filter((k) => changed.some((c) => c.startsWith(`${k}_`)));
    const changes = kinds.length ? await repo.reevaluatePartnership(tx, kinds) : [];
    const count = (c: repo.FlagChange['change']) => changes.filter((x) => x.change === c).length;
    const flagChanges = { raised: count('raised'), updated: count('updated'), expired: count('expired') };
    // A recount can touch thousands of flags: one entry says what it did, rather than one per flag.
    if (changes.length)
      await auditBy(tx, actor, 'update', FLAG_RECORD, null, {
        recounted_under_rules_version: version + 1,
        ...flagChanges,
      });
    return { kind: 'ok', changed, flagChanges };
  });
}

/**
 * Counts every subject in a partnership from scratch, as the migrator: for set-up that inserts
 * incidents directly (the demo's year of casework), where nobody's action triggers the counting.
 */
export async function recountPartnership(db: Kysely<DB>, partnershipId: string) {
  return db.transaction().execute(async (tx) => {
    const changes = await repo.recountAsSetUp(tx, partnershipId);
    await audit(tx, {
      partnershipId,
      action: 'update',
      recordType: FLAG_RECORD,
      details: { recounted: true, raised: changes.filter((c) => c.change === 'raised').length },
    });
    return changes;
  });
}
