// Merging two records of the same person, and undoing it. The rules (docs/ARCHITECTURE.md, "Merging
// people"): the actor must be able to change both records, which one organisation holds; the
// duplicate is kept, marked as merged and hidden; everything that referred to it moves to the
// survivor (person-references.ts), and nothing may be left behind where the actor cannot reach it;
// person_merges remembers both rows and every row moved, removed or created, so an unmerge puts all
// of it back, while what was added to or changed on the survivor since the merge stays with it.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import { recountPeople } from '../repeats/service.ts';
import type { Actor } from '../../platform/http/context.ts';
import { accessTo } from '../../platform/access/shares.ts';
import * as people from './repository.ts';
import * as repo from './merge-repository.ts';
import { nameCandidates } from './name-search.ts';
import { keyOf, PERSON_REFERENCES, type PersonReference } from './person-references.ts';
import {
  conflicts,
  defaultChoice,
  fieldsDiffer,
  mergedRow,
  MERGE_FIELDS,
  namesToKeep,
  type Choice,
} from './merge-fields.ts';
import { extrasFor, likelihood } from './merge-likelihood.ts';
import { RECORD_TYPE } from './service.ts';

type Person = NonNullable<Awaited<ReturnType<typeof people.findPerson>>>;

export type Refusal =
  | { kind: 'not_found' }
  | { kind: 'forbidden' }
  | { kind: 'same' }
  | { kind: 'merged'; person: Person }
  | { kind: 'cross_org'; a: Person; b: Person };

/** Something a merge or unmerge could not move, in words for the user. */
export interface Blocker {
  table: string;
  column: string;
  count: number | null;
}

class Refused extends Error {
  readonly result: { kind: 'conflict' } | { kind: 'blocked'; blockers: Blocker[] };
  constructor(result: Refused['result']) {
    super(result.kind);
    this.result = result;
  }
}

const MOVED = PERSON_REFERENCES.filter((r) => r.how === 'move');
const refFor = (table: string, column: string) =>
  PERSON_REFERENCES.find((r) => r.table === table && r.column === column);

async function editablePerson(
  tx: Tx,
  actor: Actor,
  id: string,
): Promise<{ kind: 'ok'; person: Person } | { kind: 'not_found' } | { kind: 'forbidden' }> {
  const person = await people.findPerson(tx, id);
  if (!person) return { kind: 'not_found' };
  const access = await accessTo(tx, RECORD_TYPE, id, person.owner_organisation_id, actor.organisationId);
  return access.edit ? { kind: 'ok', person } : { kind: 'forbidden' };
}

/** Both people, if the actor may merge them. */
async function mergeable(
  tx: Tx,
  actor: Actor,
  aId: string,
  bId: string,
): Promise<Refusal | { kind: 'ok'; a: Person; b: Person }> {
  const a = await editablePerson(tx, actor, aId);
  if (a.kind !== 'ok') return a;
  if (aId === bId) return { kind: 'same' };
  const b = await editablePerson(tx, actor, bId);
  if (b.kind !== 'ok') return b;
  if (a.person.merged_into_id) return { kind: 'merged', person: a.person };
  if (b.person.merged_into_id) return { kind: 'merged', person: b.person };
  if (a.person.owner_organisation_id !== b.person.owner_organisation_id)
    return { kind: 'cross_org', a: a.person, b: b.person };
  return { kind: 'ok', a: a.person, b: b.person };
}

// Choosing the other record ------------------------------------------------------------------------

export const CANDIDATES_SHOWN = 20;

/** The merge start page: likely duplicates of the person (or people matching what was typed), with how likely each is to be the same person. */
export async function mergeCandidates(db: Kysely<DB>, actor: Actor, id: string, q: string | null) {
  return withUser(db, actor.userId, async (tx) => {
    const check = await editablePerson(tx, actor, id);
    if (check.kind !== 'ok') return check;
    const person = check.person;
    if (person.merged_into_id) return { kind: 'merged' as const, person };
    const text = q ?? `${person.first_name} ${person.last_name}`;
    const found = await sql<{ id: string }>`
      SELECT p.id FROM ${nameCandidates(actor.partnershipId, text)} c JOIN people p ON p.id = c.person_id
      WHERE p.id <> ${id} AND p.merged_into_id IS NULL
      GROUP BY p.id ORDER BY max(c.score) DESC, p.id LIMIT ${CANDIDATES_SHOWN * 2}`.execute(tx);
    const ids = found.rows.map((r) => r.id);
    const rows = ids.length
      ? await tx
          .selectFrom('people as p')
          .innerJoin('organisations as o', 'o.id', 'p.owner_organisation_id')
          .selectAll('p')
          .select('o.name as owner_name')
          .where('p.id', 'in', ids)
          .execute()
      : [];
    const extras = await extrasFor(tx, [id, ...ids]);
    const candidates = rows
      .map((c) => ({
        ...c,
        likelihood: likelihood(person, c, extras),
        sameHolder: c.owner_organisation_id === person.owner_organisation_id,
      }))
      .sort((x, y) => y.likelihood.percent - x.likelihood.percent || x.last_name.localeCompare(y.last_name))
      .slice(0, CANDIDATES_SHOWN);
    await auditBy(tx, actor, 'view', RECORD_TYPE, id, {
      purpose: 'merge',
      searched: !!q,
      candidates: candidates.length,
    });
    return { kind: 'ok' as const, person, candidates };
  });
}

// The comparison ----------------------------------------------------------------------------------

/** How many rows of each moved reference the actor can see for a person, and how many exist that they cannot. */
async function referenceCounts(tx: Tx, actor: Actor, person: Person, other: Person) {
  const visible = new Map<string, number>();
  for (const ref of MOVED)
    visible.set(`${ref.table}.${ref.column}`, await repo.visibleCount(tx, ref, person.id));
  const all = await repo.allReferences(tx, person.id, other.id);
  const hidden: Blocker[] = [];
  for (const r of all) {
    const ref = refFor(r.table_name, r.column_name);
    if (ref?.how === 'keep') continue;
    const key = `${r.table_name}.${r.column_name}`;
    // Shares: the owner organisation moves them all; others can leave only those the survivor's shares already cover.
    const seen =
      ref?.table === 'record_shares'
        ? person.owner_organisation_id === actor.organisationId
          ? (r.n ?? 0)
          : 0
        : ref
          ? (visible.get(key) ?? 0)
          : 0;
    if (r.n === null || r.n > seen)
      hidden.push({ table: r.table_name, column: r.column_name, count: r.n === null ? null : r.n - seen });
  }
  return { visible: Object.fromEntries(visible), hidden };
}

export async function comparison(db: Kysely<DB>, actor: Actor, aId: string, bId: string) {
  return withUser(db, actor.userId, async (tx) => {
    const check = await mergeable(tx, actor, aId, bId);
    if (check.kind !== 'ok') return check;
    const { a, b } = check;
    const rowA = (await repo.personRow(tx, aId))!;
    const rowB = (await repo.personRow(tx, bId))!;
    const extras = await extrasFor(tx, [aId, bId]);
    const countsA = await referenceCounts(tx, actor, a, b);
    const countsB = await referenceCounts(tx, actor, b, a);
    const fields = MERGE_FIELDS.filter((f) => fieldsDiffer(rowA, rowB, f)).map((f) => ({
      ...f,
      mustChoose: conflicts(rowA, rowB).includes(f),
      preselected: defaultChoice(rowA, rowB, f),
    }));
    for (const p of [a, b])
      await auditBy(tx, actor, 'view', RECORD_TYPE, p.id, {
        purpose: 'merge_compare',
        other_person_id: p.id === aId ? bId : aId,
      });
    return {
      kind: 'ok' as const,
      a,
      b,
      rowA,
      rowB,
      extras: { a: extras.get(aId)!, b: extras.get(bId)! },
      counts: { a: countsA, b: countsB },
      fields,
      likelihood: likelihood(a, b, extras),
    };
  });
}

// Merging -----------------------------------------------------------------------------------------

export interface MergeInput {
  aId: string;
  bId: string;
  survivorId: string;
  /** Each person's version when the comparison was shown. */
  versions: Record<string, number>;
  choices: Record<string, Choice>;
  reason: string;
}

export type MergeResult =
  | Refusal
  | { kind: 'conflict' }
  | { kind: 'blocked'; blockers: Blocker[] }
  | { kind: 'ok'; mergeId: string; survivorId: string; duplicateId: string };

export async function merge(db: Kysely<DB>, actor: Actor, input: MergeInput): Promise<MergeResult> {
  try {
    return await withUser(db, actor.userId, async (tx): Promise<MergeResult> => {
      const check = await mergeable(tx, actor, input.aId, input.bId);
      if (check.kind !== 'ok') return check;
      const survivorId = input.survivorId;
      const duplicateId = survivorId === input.aId ? input.bId : input.aId;
      const before = (await repo.personRow(tx, survivorId))!;
      const dupBefore = (await repo.personRow(tx, duplicateId))!;
      if (before.version !== input.versions[survivorId] || dupBefore.version !== input.versions[duplicateId])
        return { kind: 'conflict' };

      const { row: after, changed } = mergedRow(before, dupBefore, input.choices);
      Object.assign(after, {
        version: (before.version as number) + 1,
        updated_by: actor.userId,
        updated_at: new Date().toISOString(),
      });
      if (!(await repo.writePerson(tx, survivorId, after, { version: before.version as number })))
        throw new Refused({ kind: 'conflict' });
      if (!(await repo.markMerged(tx, duplicateId, survivorId, dupBefore.version as number, actor.userId)))
        throw new Refused({ kind: 'conflict' });

      const changes: repo.Change[] = [];
      const touched: { recordType: string; id: string }[] = [];
      for (const ref of MOVED) {
        const r = await repo.moveReference(tx, ref, duplicateId, survivorId);
        changes.push(...r.changes);
        for (const id of r.touched) touched.push({ recordType: ref.audit!.recordType, id });
      }
      // The names the survivor is no longer called become its aliases, unless it has them already.
      const existing = new Set(
        (await repo.aliasesOf(tx, survivorId)).map(
          (x) => `${(x.first_name ?? '').toLowerCase()}|${x.last_name.toLowerCase()}`,
        ),
      );
      const created: repo.Row[] = [];
      for (const n of namesToKeep(before, dupBefore, after)) {
        if (existing.has(`${(n.first_name ?? '').toLowerCase()}|${n.last_name.toLowerCase()}`)) continue;
        const { id } = await repo.insertAlias(tx, { person_id: survivorId, ...n, created_by: actor.userId });
        created.push({ id });
      }
      if (created.length) changes.push({ action: 'created', table: 'person_aliases', keys: created });

      const blockers = await leftBehind(tx, duplicateId, survivorId);
      if (blockers.length) throw new Refused({ kind: 'blocked', blockers });

      const { id: mergeId } = await repo.insertMerge(tx, {
        partnership_id: actor.partnershipId,
        survivor_id: survivorId,
        duplicate_id: duplicateId,
        reason: input.reason,
        survivor_before: before,
        duplicate_before: dupBefore,
        survivor_after: after,
        survivor_after_version: after.version as number,
        fields_changed: changed.filter((c) => !['version', 'updated_by', 'updated_at'].includes(c)),
        changes,
        merged_by: actor.userId,
      });
      const moved = summarise(changes);
      await auditBy(tx, actor, 'merge', RECORD_TYPE, survivorId, {
        merge_id: mergeId,
        role: 'survivor',
        other_person_id: duplicateId,
        fields: changed,
        ...moved,
      });
      await auditBy(tx, actor, 'merge', RECORD_TYPE, duplicateId, {
        merge_id: mergeId,
        role: 'duplicate',
        merged_into_id: survivorId,
      });
      await auditTouched(tx, actor, touched, {
        merge_id: mergeId,
        person_replaced: duplicateId,
        by_person: survivorId,
      });
      // The survivor now carries both histories, so it may newly qualify as a repeat victim or
      // perpetrator (often the point of merging); the duplicate's own flags end with it.
      await recountPeople(tx, actor, [survivorId, duplicateId]);
      return { kind: 'ok', mergeId, survivorId, duplicateId };
    });
  } catch (err) {
    if (err instanceof Refused) return err.result;
    throw err;
  }
}

/** What still refers to the duplicate after the moves, and should not. */
async function leftBehind(tx: Tx, duplicateId: string, survivorId: string): Promise<Blocker[]> {
  const all = await repo.allReferences(tx, duplicateId, survivorId);
  return all
    .filter((r) => refFor(r.table_name, r.column_name)?.how !== 'keep' && (r.n === null || r.n > 0))
    .map((r) => ({ table: r.table_name, column: r.column_name, count: r.n }));
}

function summarise(changes: repo.Change[]) {
  const moved: Record<string, number> = {};
  const removed: Record<string, number> = {};
  let created = 0;
  for (const c of changes) {
    if (c.action === 'moved')
      moved[`${c.table}.${c.column}`] = (moved[`${c.table}.${c.column}`] ?? 0) + c.keys.length;
    else if (c.action === 'deleted')
      removed[`${c.table}.${c.column}`] = (removed[`${c.table}.${c.column}`] ?? 0) + c.rows.length;
    else created += c.keys.length;
  }
  return { moved, removed, aliases_created: created };
}

async function auditTouched(
  tx: Tx,
  actor: Actor,
  touched: { recordType: string; id: string }[],
  details: Record<string, unknown>,
) {
  const seen = new Set<string>();
  for (const t of touched) {
    const k = `${t.recordType}:${t.id}`;
    if (seen.has(k)) continue;
    seen.add(k);
    await auditBy(tx, actor, 'update', t.recordType, t.id, details);
  }
}

// Merges on the person page -------------------------------------------------------------------------

/** The live merges a person is part of: what was merged into them, and what they were merged into. */
export async function mergeNotices(db: Kysely<DB>, actor: Actor, personId: string) {
  return withUser(db, actor.userId, async (tx) => {
    const merges = await repo.mergesOf(tx, personId);
    return {
      mergedFrom: merges.filter((m) => m.survivor_id === personId),
      mergedInto: merges.find((m) => m.duplicate_id === personId) ?? null,
    };
  });
}

// Unmerging ---------------------------------------------------------------------------------------

type Merge = NonNullable<Awaited<ReturnType<typeof repo.findMerge>>>;

export type UnmergeRefusal =
  | { kind: 'not_found' }
  | { kind: 'forbidden' }
  | { kind: 'undone'; merge: Merge }
  | { kind: 'survivor_merged'; merge: Merge; survivor: Person };

async function undoable(
  tx: Tx,
  actor: Actor,
  personId: string,
  mergeId: string,
): Promise<UnmergeRefusal | { kind: 'ok'; merge: Merge; survivor: Person; duplicate: Person }> {
  const merge = await repo.findMerge(tx, mergeId);
  if (!merge || (merge.survivor_id !== personId && merge.duplicate_id !== personId))
    return { kind: 'not_found' };
  const s = await editablePerson(tx, actor, merge.survivor_id);
  if (s.kind !== 'ok') return s;
  const d = await editablePerson(tx, actor, merge.duplicate_id);
  if (d.kind !== 'ok') return d.kind === 'not_found' ? { kind: 'forbidden' } : d;
  if (merge.unmerged_at) return { kind: 'undone', merge };
  if (s.person.merged_into_id) return { kind: 'survivor_merged', merge, survivor: s.person };
  return { kind: 'ok', merge, survivor: s.person, duplicate: d.person };
}

/** The undo page: the merge and whether the survivor changed since. */
export async function unmergePreview(db: Kysely<DB>, actor: Actor, personId: string, mergeId: string) {
  return withUser(db, actor.userId, async (tx) => {
    const check = await undoable(tx, actor, personId, mergeId);
    if (check.kind !== 'ok') return check;
    const changes = check.merge.changes as repo.Change[];
    await auditBy(tx, actor, 'view', RECORD_TYPE, check.survivor.id, {
      purpose: 'unmerge',
      merge_id: mergeId,
    });
    return {
      ...check,
      changedSince: check.survivor.version !== check.merge.survivor_after_version,
      summary: summarise(changes),
    };
  });
}

export type UnmergeResult =
  | UnmergeRefusal
  | { kind: 'conflict' }
  | { kind: 'blocked'; blockers: Blocker[] }
  | { kind: 'ok'; survivorId: string; duplicateId: string; kept: number };

export async function unmerge(
  db: Kysely<DB>,
  actor: Actor,
  personId: string,
  mergeId: string,
  version: number,
  reason: string,
): Promise<UnmergeResult> {
  try {
    return await withUser(db, actor.userId, async (tx): Promise<UnmergeResult> => {
      const check = await undoable(tx, actor, personId, mergeId);
      if (check.kind !== 'ok') return check;
      const { merge } = check;
      const survivorId = merge.survivor_id;
      const duplicateId = merge.duplicate_id;
      if (merge.version !== version) return { kind: 'conflict' };
      if (!(await repo.markUnmerged(tx, mergeId, version, actor.userId, reason, [])))
        return { kind: 'conflict' };

      const kept: repo.Change[] = [];
      const blockers: Blocker[] = [];
      const touched: { recordType: string; id: string }[] = [];
      for (const change of [...(merge.changes as repo.Change[])].reverse()) {
        if (change.action === 'created') {
          await repo.removeCreated(tx, change.table, ['id'], change.keys);
          continue;
        }
        const ref = refFor(change.table, change.column);
        if (!ref) throw new Error(`person-references.ts no longer lists ${change.table}.${change.column}`);
        if (change.action === 'moved') {
          const back = await repo.moveBack(tx, ref, change.keys, survivorId, duplicateId);
          for (const id of back.touched) touched.push({ recordType: ref.audit!.recordType, id });
          const missing = without(change.keys, back.keys);
          if (!missing.length) continue;
          // Still with the survivor where the actor can see it: they may not change it, so stop.
          const stuck = await repo.stillReferring(tx, ref, missing, survivorId);
          if (stuck) blockers.push({ table: ref.table, column: ref.column, count: stuck });
          else kept.push({ ...change, keys: missing });
        } else {
          const back = await repo.reinsert(tx, ref.table, keyOf(ref), change.rows);
          const missing = change.rows.filter((row) => !back.some((k) => sameKey(ref, row, k)));
          if (missing.length) kept.push({ ...change, rows: missing });
        }
      }
      if (blockers.length) throw new Refused({ kind: 'blocked', blockers });

      const survivorNow = (await repo.personRow(tx, survivorId))!;
      const duplicateNow = (await repo.personRow(tx, duplicateId))!;
      if (duplicateNow.merged_into_id !== survivorId) throw new Refused({ kind: 'conflict' });
      if (
        !(await repo.writePerson(tx, duplicateId, merge.duplicate_before, {
          version: duplicateNow.version as number,
        }))
      )
        throw new Refused({ kind: 'conflict' });
      let survivorKept: string[] = [];
      if (survivorNow.version === merge.survivor_after_version) {
        if (
          !(await repo.writePerson(tx, survivorId, merge.survivor_before, {
            version: survivorNow.version as number,
          }))
        )
          throw new Refused({ kind: 'conflict' });
      } else {
        // Changed since the merge: put back only what the merge changed and nobody has changed since.
        const same = (x: unknown, y: unknown) => JSON.stringify(x ?? null) === JSON.stringify(y ?? null);
        const revert = merge.fields_changed.filter((c) => same(survivorNow[c], merge.survivor_after[c]));
        survivorKept = merge.fields_changed.filter((c) => !revert.includes(c));
        const row = {
          ...survivorNow,
          ...Object.fromEntries(revert.map((c) => [c, merge.survivor_before[c]])),
        };
        Object.assign(row, {
          version: (survivorNow.version as number) + 1,
          updated_by: actor.userId,
          updated_at: new Date().toISOString(),
        });
        if (!(await repo.writePerson(tx, survivorId, row, { version: survivorNow.version as number })))
          throw new Refused({ kind: 'conflict' });
      }
      const keptRecord = { rows: kept, survivor_fields: survivorKept };
      await tx
        .updateTable('person_merges')
        .set({ unmerge_kept: JSON.stringify(keptRecord) })
        .where('id', '=', mergeId)
        .execute();

      const keptCount = kept.reduce(
        (n, c) => n + (c.action === 'deleted' ? c.rows.length : c.keys.length),
        0,
      );
      for (const [id, role] of [
        [survivorId, 'survivor'],
        [duplicateId, 'duplicate'],
      ] as const) {
        await auditBy(tx, actor, 'unmerge', RECORD_TYPE, id, {
          merge_id: mergeId,
          role,
          rows_kept_with_survivor: keptCount,
          survivor_fields_kept: survivorKept,
        });
      }
      await auditTouched(tx, actor, touched, {
        merge_id: mergeId,
        unmerged: true,
        person_restored: duplicateId,
        from_person: survivorId,
      });
      await recountPeople(tx, actor, [survivorId, duplicateId]);
      return { kind: 'ok', survivorId, duplicateId, kept: keptCount };
    });
  } catch (err) {
    if (err instanceof Refused) return err.result;
    throw err;
  }
}

const keyString = (ref: PersonReference, row: repo.Row) =>
  JSON.stringify(keyOf(ref).map((k) => String(row[k])));
const sameKey = (ref: PersonReference, a: repo.Row, b: repo.Row) => keyString(ref, a) === keyString(ref, b);
const without = (all: repo.Row[], some: repo.Row[]) => {
  const s = new Set(
    some.map((k) =>
      JSON.stringify(
        Object.keys(k)
          .sort()
          .map((x) => String(k[x])),
      ),
    ),
  );
  return all.filter(
    (k) =>
      !s.has(
        JSON.stringify(
          Object.keys(k)
            .sort()
            .map((x) => String(k[x])),
        ),
      ),
  );
};
