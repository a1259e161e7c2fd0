// The queries behind merging and unmerging people. They are written once for any table in
// person-references.ts: rows are moved, removed and put back by their keys, and whole rows travel as
// JSON (to_jsonb out, jsonb_populate_recordset back in) so that what is restored is exactly what was
// there, to the microsecond. Everything runs inside withUser: row-level security decides which rows
// the actor can move, and app_person_references (migrations/0010) counts what they could not.
import { sql, type RawBuilder } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';
import { keyOf, type PersonReference } from './person-references.ts';

export type Row = Record<string, unknown>;

/** One thing a merge did, as stored in person_merges.changes. */
export type Change =
  | { action: 'moved'; table: string; column: string; keys: Row[] }
  | { action: 'deleted'; table: string; column: string; rows: Row[] }
  | { action: 'created'; table: string; keys: Row[] };

const col = (alias: string, name: string) => sql.id(alias, name);
const cols = (names: readonly string[], alias?: string) =>
  sql.join(names.map((n) => (alias ? col(alias, n) : sql.id(n))));

function fixed(ref: PersonReference, alias: string): RawBuilder<unknown> {
  const parts = Object.entries(ref.where ?? {}).map(([k, v]) => sql`AND ${col(alias, k)} = ${v}`);
  return parts.length ? sql.join(parts, sql` `) : sql``;
}

/** The whole row of a person, as JSON, or undefined when the actor cannot see them. */
export async function personRow(tx: Tx, id: string): Promise<Row | undefined> {
  const r = await sql<{ row: Row }>`SELECT to_jsonb(p) AS row FROM people p WHERE p.id = ${id}`.execute(tx);
  return r.rows[0]?.row;
}

const columnCache = new Map<string, string[]>();

/** The columns a row can be written back to (generated ones are computed by the database). */
export async function writableColumns(tx: Tx, table: string): Promise<string[]> {
  const cached = columnCache.get(table);
  if (cached) return cached;
  const r = await sql<{ name: string }>`
    SELECT attname AS name FROM pg_attribute
    WHERE attrelid = ${table}::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
    ORDER BY attnum`.execute(tx);
  const names = r.rows.map((x) => x.name);
  columnCache.set(table, names);
  return names;
}

/**
 * Writes a person's columns back from a JSON row (all writable columns but the id, or those named),
 * only if the person is still at `version` when one is given. True when the row was written.
 */
export async function writePerson(
  tx: Tx,
  id: string,
  row: Row,
  opts: { only?: readonly string[]; version?: number } = {},
) {
  const all = (await writableColumns(tx, 'people')).filter((c) => c !== 'id');
  const names = opts.only ? all.filter((c) => opts.only!.includes(c)) : all;
  if (!names.length) return true;
  const r = await sql`
    UPDATE people SET (${cols(names)}) = (SELECT ${cols(names)} FROM jsonb_populate_record(NULL::people, ${JSON.stringify(row)}::jsonb))
    WHERE id = ${id} ${opts.version === undefined ? sql`` : sql`AND version = ${opts.version}`}`.execute(tx);
  return Number(r.numAffectedRows ?? 0) === 1;
}

/** Marks the duplicate as merged, if nobody changed it since `version`. */
export async function markMerged(
  tx: Tx,
  duplicateId: string,
  survivorId: string,
  version: number,
  userId: string,
) {
  const r = await sql`
    UPDATE people SET merged_into_id = ${survivorId}, merged_at = now(), updated_by = ${userId}, updated_at = now(), version = version + 1
    WHERE id = ${duplicateId} AND version = ${version} AND merged_into_id IS NULL`.execute(tx);
  return Number(r.numAffectedRows ?? 0) === 1;
}

/**
 * Moves one reference's rows from one person to another: first removing (and returning whole) the
 * rows that would refer to the survivor twice or repeat one the survivor already has, then moving the
 * rest. Returns what was done, and the records each moved row belongs to (for the audit).
 */
export async function moveReference(tx: Tx, ref: PersonReference, from: string, to: string) {
  const t = sql.table(ref.table);
  const c = ref.column;
  const changes: Change[] = [];
  const removed: Row[] = [];
  if (ref.notSelf) {
    const r = await sql<{ row: Row }>`
      DELETE FROM ${t} AS d WHERE ${col('d', c)} = ${from} AND ${col('d', ref.notSelf)} = ${to} ${fixed(ref, 'd')}
      RETURNING to_jsonb(d) AS row`.execute(tx);
    removed.push(...r.rows.map((x) => x.row));
  }
  if (ref.sameAs?.length) {
    const same = sql.join(
      ref.sameAs.map((k) => sql`${col('s', k)} IS NOT DISTINCT FROM ${col('d', k)}`),
      sql` AND `,
    );
    const r = await sql<{ row: Row }>`
      DELETE FROM ${t} AS d WHERE ${col('d', c)} = ${from} ${fixed(ref, 'd')}
        AND EXISTS (SELECT 1 FROM ${t} AS s WHERE ${col('s', c)} = ${to} ${fixed(ref, 's')} AND ${same})
      RETURNING to_jsonb(d) AS row`.execute(tx);
    removed.push(...r.rows.map((x) => x.row));
  }
  if (removed.length) changes.push({ action: 'deleted', table: ref.table, column: c, rows: removed });
  const key = keyOf(ref);
  const auditId = ref.audit ? sql`${col('d', ref.audit.idColumn)}::text` : sql`NULL::text`;
  const moved = await sql<{ key: Row; audit_id: string | null }>`
    UPDATE ${t} AS d SET ${sql.id(c)} = ${to} WHERE ${col('d', c)} = ${from} ${fixed(ref, 'd')}
    RETURNING jsonb_build_object(${sql.join(key.map((k) => sql`${k}::text, ${col('d', k)}`))}) AS key, ${auditId} AS audit_id`.execute(
    tx,
  );
  if (moved.rows.length)
    changes.push({ action: 'moved', table: ref.table, column: c, keys: moved.rows.map((r) => r.key) });
  const touched = new Set<string>();
  for (const r of moved.rows) if (r.audit_id) touched.add(r.audit_id);
  for (const row of removed)
    if (ref.audit && typeof row[ref.audit.idColumn] === 'string')
      touched.add(row[ref.audit.idColumn] as string);
  return { changes, touched: [...touched] };
}

/** Moves rows named by their keys back from one person to another; returns the keys that moved and the records they belong to. */
export async function moveBack(tx: Tx, ref: PersonReference, keys: Row[], from: string, to: string) {
  if (!keys.length) return { keys: [] as Row[], touched: [] as string[] };
  const t = sql.table(ref.table);
  const key = keyOf(ref);
  const auditId = ref.audit ? sql`${col('d', ref.audit.idColumn)}::text` : sql`NULL::text`;
  const r = await sql<{ key: Row; audit_id: string | null }>`
    UPDATE ${t} AS d SET ${sql.id(ref.column)} = ${to}
    WHERE ${col('d', ref.column)} = ${from} ${fixed(ref, 'd')}
      AND (${cols(key, 'd')}) IN (SELECT ${cols(key)} FROM jsonb_populate_recordset(NULL::${t}, ${JSON.stringify(keys)}::jsonb))
    RETURNING jsonb_build_object(${sql.join(key.map((k) => sql`${k}::text, ${col('d', k)}`))}) AS key, ${auditId} AS audit_id`.execute(
    tx,
  );
  return {
    keys: r.rows.map((x) => x.key),
    touched: [...new Set(r.rows.map((x) => x.audit_id).filter((x): x is string => !!x))],
  };
}

/** How many of the rows named by their keys the actor can see still referring to a person. */
export async function stillReferring(tx: Tx, ref: PersonReference, keys: Row[], personId: string) {
  if (!keys.length) return 0;
  const t = sql.table(ref.table);
  const key = keyOf(ref);
  const r = await sql<{ n: number }>`
    SELECT count(*)::integer AS n FROM ${t} AS d
    WHERE ${col('d', ref.column)} = ${personId} ${fixed(ref, 'd')}
      AND (${cols(key, 'd')}) IN (SELECT ${cols(key)} FROM jsonb_populate_recordset(NULL::${t}, ${JSON.stringify(keys)}::jsonb))`.execute(
    tx,
  );
  return r.rows[0]?.n ?? 0;
}

/** Puts whole rows back as they were; a row whose key exists again is left alone. Returns the keys written. */
export async function reinsert(tx: Tx, table: string, key: readonly string[], rows: Row[]): Promise<Row[]> {
  if (!rows.length) return [];
  const t = sql.table(table);
  const names = await writableColumns(tx, table);
  const r = await sql<{ key: Row }>`
    INSERT INTO ${t} (${cols(names)})
    SELECT ${cols(names)} FROM jsonb_populate_recordset(NULL::${t}, ${JSON.stringify(rows)}::jsonb)
    ON CONFLICT DO NOTHING
    RETURNING jsonb_build_object(${sql.join(key.map((k) => sql`${k}::text, ${sql.id(k)}`))}) AS key`.execute(
    tx,
  );
  return r.rows.map((x) => x.key);
}

/** Removes rows a merge created, by their keys; returns the keys removed. */
export async function removeCreated(
  tx: Tx,
  table: string,
  key: readonly string[],
  keys: Row[],
): Promise<Row[]> {
  if (!keys.length) return [];
  const t = sql.table(table);
  const r = await sql<{ key: Row }>`
    DELETE FROM ${t} AS d
    WHERE (${cols(key, 'd')}) IN (SELECT ${cols(key)} FROM jsonb_populate_recordset(NULL::${t}, ${JSON.stringify(keys)}::jsonb))
    RETURNING jsonb_build_object(${sql.join(key.map((k) => sql`${k}::text, ${col('d', k)}`))}) AS key`.execute(
    tx,
  );
  return r.rows.map((x) => x.key);
}

/** How many rows of a reference the actor can see for a person. */
export async function visibleCount(tx: Tx, ref: PersonReference, personId: string) {
  const r = await sql<{ n: number }>`
    SELECT count(*)::integer AS n FROM ${sql.table(ref.table)} AS d WHERE ${col('d', ref.column)} = ${personId} ${fixed(ref, 'd')}`.execute(
    tx,
  );
  return r.rows[0]?.n ?? 0;
}

/** Rows referring to a person across the whole partnership, per column (app_person_references, migrations/0010). */
export async function allReferences(tx: Tx, personId: string, otherId: string) {
  const r = await sql<{ table_name: string; column_name: string; n: number | null }>`
    SELECT table_name, column_name, n FROM app_person_references(${personId}::uuid, ${otherId}::uuid)`.execute(
    tx,
  );
  return r.rows;
}

export async function insertAlias(
  tx: Tx,
  row: { person_id: string; first_name: string | null; last_name: string; created_by: string },
) {
  return tx
    .insertInto('person_aliases')
    .values({ ...row, kind: 'alias' })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export function aliasesOf(tx: Tx, personId: string) {
  return tx
    .selectFrom('person_aliases')
    .select(['first_name', 'last_name'])
    .where('person_id', '=', personId)
    .execute();
}

export function insertMerge(
  tx: Tx,
  row: {
    partnership_id: string;
    survivor_id: string;
    duplicate_id: string;
    reason: string;
    survivor_before: Row;
    duplicate_before: Row;
    survivor_after: Row;
    survivor_after_version: number;
    fields_changed: string[];
    changes: Change[];
    merged_by: string;
  },
) {
  return tx
    .insertInto('person_merges')
    .values({
      ...row,
      survivor_before: JSON.stringify(row.survivor_before),
      duplicate_before: JSON.stringify(row.duplicate_before),
      survivor_after: JSON.stringify(row.survivor_after),
      changes: JSON.stringify(row.changes),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export function findMerge(tx: Tx, mergeId: string) {
  return tx
    .selectFrom('person_merges as m')
    .innerJoin('users as u', 'u.id', 'm.merged_by')
    .leftJoin('users as un', 'un.id', 'm.unmerged_by')
    .selectAll('m')
    .select(['u.display_name as merged_by_name', 'un.display_name as unmerged_by_name'])
    .where('m.id', '=', mergeId)
    .executeTakeFirst();
}

export async function markUnmerged(
  tx: Tx,
  mergeId: string,
  version: number,
  userId: string,
  reason: string,
  kept: unknown,
) {
  const r = await tx
    .updateTable('person_merges')
    .set((eb) => ({
      unmerged_by: userId,
      unmerged_at: new Date(),
      unmerge_reason: reason,
      unmerge_kept: JSON.stringify(kept),
      version: eb('version', '+', 1),
    }))
    .where('id', '=', mergeId)
    .where('version', '=', version)
    .where('unmerged_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Merges a person is part of, newest first, with the other person's name where the viewer can see them. */
export function mergesOf(tx: Tx, personId: string) {
  return tx
    .selectFrom('person_merges as m')
    .innerJoin('users as u', 'u.id', 'm.merged_by')
    .leftJoin('people as s', 's.id', 'm.survivor_id')
    .leftJoin('people as d', 'd.id', 'm.duplicate_id')
    .select([
      'm.id',
      'm.survivor_id',
      'm.duplicate_id',
      'm.reason',
      'm.merged_at',
      'm.unmerged_at',
      'u.display_name as merged_by_name',
      's.first_name as survivor_first_name',
      's.last_name as survivor_last_name',
      'd.first_name as duplicate_first_name',
      'd.last_name as duplicate_last_name',
    ])
    .where((eb) => eb.or([eb('m.survivor_id', '=', personId), eb('m.duplicate_id', '=', personId)]))
    .where('m.unmerged_at', 'is', null)
    .orderBy('m.merged_at', 'desc')
    .limit(50)
    .execute();
}
