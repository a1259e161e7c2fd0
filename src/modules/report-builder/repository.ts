// Queries for the report builder. Every function runs inside withUser, so row-level security has
// already decided which records a report counts: the viewer's own organisation's and those shared
// with them, whoever saved or shared the report's definition.
import { sql, type RawBuilder } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';
import type { SavedReportsTable } from '../../platform/db/schema.ts';
import type { Selectable } from 'kysely';
import { fromLondon } from '../incidents/london-time.ts';
import type { Dimension } from './definitions.ts';
import type { ReportDefinition, ReportFilters, ReportOptions } from './params.ts';

/** More groups than this is not a report anyone reads: the page asks for fewer. */
export const MAX_CELLS = 20_000;

export interface AggregateRow {
  k1: string | null;
  k2: string | null;
  /** 1 when this row totals over the first grouping (grouping sets). */
  t1: number;
  t2: number;
  n: number;
}

const nextDay = (iso: string) => new Date(Date.parse(`${iso}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** A definition's dates as the instants they stand for: London days, from midnight to midnight. */
export function instants(d: ReportFilters): { from: Date | null; to: Date | null } {
  if (d.record.date.column !== 'instant') return { from: null, to: null };
  return { from: d.from ? fromLondon(d.from, '00:00') : null, to: d.to ? fromLondon(nextDay(d.to), '00:00') : null };
}

/** The WHERE conditions of a definition: each a fixed fragment from definitions.ts with bound values. */
export function conditions(d: ReportFilters): RawBuilder<unknown>[] {
  const where: RawBuilder<unknown>[] = [];
  const date = d.record.date;
  if (date.column === 'instant') {
    const range = instants(d);
    if (range.from) where.push(sql`${date.expr} >= ${range.from}`);
    if (range.to) where.push(sql`${date.expr} < ${range.to}`);
  } else {
    if (d.from) where.push(sql`${date.expr} >= ${d.from}::date`);
    if (d.to) where.push(sql`${date.expr} <= ${d.to}::date`);
  }
  for (const [key, value] of Object.entries(d.filters)) {
    const spec = d.record.filters[key as keyof typeof d.filters];
    if (spec && value) where.push(spec.where(value));
  }
  for (const f of d.flags) {
    const flag = d.record.flags.find((x) => x.key === f);
    if (flag) where.push(flag.where);
  }
  return where;
}

/** The FROM clause of a definition (or of its own half): the record type's, with any join its measure needs. */
export function fromClause(d: ReportDefinition | ReportFilters, half?: 'own'): RawBuilder<unknown> {
  const source = half === 'own' && d.record.ownFrom ? d.record.ownFrom : d.record.from;
  const base = source(instants(d));
  const join = 'measure' in d ? d.measure.join : undefined;
  return join ? sql`${base} ${join}` : base;
}

/**
 * `SELECT <columns> FROM <the definition's records> WHERE <its conditions>`: for record types whose
 * visibility splits (definitions.ts), as the union of the viewer's organisation's own rows and those
 * shared with it, each half able to use an index; row-level security applies to both.
 */
export function selectRecords(
  d: ReportDefinition | ReportFilters,
  columns: RawBuilder<unknown>,
  extra: RawBuilder<unknown>[] = [],
  /** Read only these parts of the own half (each a further condition): the rest is counted elsewhere. */
  ownParts?: RawBuilder<unknown>[],
): RawBuilder<unknown> {
  const where = [...conditions(d), ...extra];
  const from = fromClause(d);
  const whereOf = (more: RawBuilder<unknown>[]) => (more.length ? sql`WHERE ${sql.join(more, sql` AND `)}` : sql``);
  const v = d.record.visibility;
  if (!v) return sql`SELECT ${columns} FROM ${from} ${whereOf(where)}`;
  const ownFrom = fromClause(d, 'own');
  const own = (ownParts ?? [null]).map((part) => sql`SELECT ${columns} FROM ${ownFrom} ${whereOf([v.own, ...where, ...(part ? [part] : [])])} UNION ALL `);
  return sql`${sql.join(own, sql``)}SELECT ${columns} FROM ${from} ${whereOf([v.shared, ...where])}`;
}

const firstOfNextMonth = (iso: string) => {
  const [y, m] = [Number(iso.slice(0, 4)), Number(iso.slice(5, 7))];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
};

/**
 * How a count can use the record type's monthly aggregate of the viewer's own records (migrations/0023):
 * the whole months [from, to) inside the report's dates (null: unbounded), the aggregate's conditions
 * and count column; or null when something chosen is not in the aggregate (a measure other than a
 * count, a grouping or filter it does not hold, two flags, a repeat flag) or no whole month is inside
 * the dates. The records of the part-months at either end are read from the table as before.
 */
export function monthlyPlan(d: ReportDefinition): { from: string | null; to: string | null; where: RawBuilder<unknown>[]; count: RawBuilder<unknown> } | null {
  const m = d.record.monthly;
  const plainCount = d.measure.additive && !d.measure.input && !d.measure.join;
  if (!m || !d.record.visibility || !(plainCount || d.measure.countOnce) || d.record.date.column !== 'instant') return null;
  if (!d.group.monthly || (d.group2 && !d.group2.monthly)) return null;
  const where: RawBuilder<unknown>[] = [];
  for (const [key, value] of Object.entries(d.filters)) {
    if (!value) continue;
    const spec = d.record.filters[key as keyof typeof d.filters];
    if (!spec?.monthly) return null;
    where.push(spec.monthly(value));
  }
  if (d.flags.length > 1) return null;
  let count = m.count;
  if (d.flags.length === 1) {
    const flag = d.record.flags.find((x) => x.key === d.flags[0]);
    if (!flag?.monthly) return null;
    count = flag.monthly;
  }
  // A month is whole when the dates start on or before its first day and end on or after its last.
  const from = d.from === null ? null : d.from.endsWith('-01') ? `${d.from.slice(0, 7)}-01` : firstOfNextMonth(d.from);
  const to = d.to === null ? null : nextDay(d.to).endsWith('-01') ? nextDay(d.to) : `${d.to.slice(0, 7)}-01`;
  if (from !== null && to !== null && from >= to) return null;
  return { from, to, where, count };
}

/**
 * The measure for every group, and the totals over each grouping and overall. A count is grouped
 * once and its totals added up afterwards; any other measure (a distinct count, whose total is not
 * the sum of its groups) gets its totals from the database, with grouping sets.
 */
export async function aggregate(tx: Tx, d: ReportDefinition, opts: { monthly?: boolean } = {}): Promise<{ rows: AggregateRow[]; tooMany: boolean }> {
  const key = (dim: Dimension, ref: RawBuilder<unknown>) => (dim.asKey ? dim.asKey(ref) : sql`${ref}::text`);
  if (opts.monthly !== false && isEveryoneByRole(d)) return aggregateEveryoneByRole(tx, d);
  const plan = opts.monthly === false ? null : monthlyPlan(d);
  if (plan) return aggregateMonthly(tx, d, plan, key);
  const m = d.measure.input ? sql`, ${d.measure.input} AS m` : sql``;
  // Rows are grouped on raw values (uuids, dates) and only each group's key is turned into text.
  const inner = selectRecords(d, d.group2 ? sql`${d.group.expr} AS g1, ${d.group2.expr} AS g2${m}` : sql`${d.group.expr} AS g1${m}`);
  const keys = d.group2 ? sql`${key(d.group, sql`s.g1`)} AS k1, ${key(d.group2, sql`s.g2`)} AS k2` : sql`${key(d.group, sql`s.g1`)} AS k1, NULL::text AS k2`;
  if (d.measure.additive) {
    const groupBy = d.group2 ? sql`s.g1, s.g2` : sql`s.g1`;
    const r = await sql<AggregateRow>`SELECT ${keys}, 0 AS t1, 0 AS t2, ${d.measure.aggregate} AS n FROM (${inner}) s GROUP BY ${groupBy} LIMIT ${MAX_CELLS + 1}`.execute(tx);
    return { rows: withTotals(r.rows.slice(0, MAX_CELLS), !!d.group2), tooMany: r.rows.length > MAX_CELLS };
  }
  const flags = d.group2 ? sql`GROUPING(s.g1)::int AS t1, GROUPING(s.g2)::int AS t2` : sql`GROUPING(s.g1)::int AS t1, 1 AS t2`;
  const sets = d.group2 ? sql`GROUPING SETS ((s.g1, s.g2), (s.g1), (s.g2), ())` : sql`GROUPING SETS ((s.g1), ())`;
  const r = await sql<AggregateRow>`SELECT ${keys}, ${flags}, ${d.measure.aggregate} AS n FROM (${inner}) s GROUP BY ${sets} LIMIT ${MAX_CELLS * 2 + 1}`.execute(tx);
  return { rows: r.rows, tooMany: r.rows.length > MAX_CELLS * 2 };
}

/**
 * A count with the own records of whole months from the monthly aggregate: each record read from the
 * table weighs 1, each aggregate row its count; groups are summed and those that count nothing (an
 * aggregate row without the flag asked for) are left out, as they would not exist reading records.
 */
async function aggregateMonthly(
  tx: Tx,
  d: ReportDefinition,
  plan: NonNullable<ReturnType<typeof monthlyPlan>>,
  key: (dim: Dimension, ref: RawBuilder<unknown>) => RawBuilder<unknown>,
): Promise<{ rows: AggregateRow[]; tooMany: boolean }> {
  const m = d.record.monthly!;
  const dateExpr = d.record.date.expr;
  const at = (iso: string) => fromLondon(iso, '00:00');
  // The own records outside the aggregate's months: before its first, and from the end of its last.
  const ownParts: RawBuilder<unknown>[] = [];
  if (plan.from !== null && plan.from !== d.from) ownParts.push(sql`${dateExpr} < ${at(plan.from)}`);
  if (plan.to !== null && d.to !== null && plan.to !== nextDay(d.to)) ownParts.push(sql`${dateExpr} >= ${at(plan.to)}`);
  const cols = (g1: RawBuilder<unknown>, g2: RawBuilder<unknown> | undefined, w: RawBuilder<unknown>, mv: RawBuilder<unknown> = sql`NULL::uuid`) =>
    d.group2 ? sql`${g1} AS g1, ${g2} AS g2, ${w} AS w, ${mv} AS m` : sql`${g1} AS g1, ${w} AS w, ${mv} AS m`;
  const plain = { ...d, measure: { ...d.measure, join: undefined } };
  const parts = [selectRecords(plain, cols(d.group.expr, d.group2?.expr, sql`1`), [], ownParts)];
  const whereA = plan.where.length ? sql`WHERE ${sql.join(plan.where, sql` AND `)}` : sql``;
  parts.push(sql`SELECT ${cols(d.group.monthly!, d.group2?.monthly, plan.count)} FROM ${m.rows(plan.from, plan.to)} a ${whereA}`);
  const keys = d.group2 ? sql`${key(d.group, sql`s.g1`)} AS k1, ${key(d.group2, sql`s.g2`)} AS k2` : sql`${key(d.group, sql`s.g1`)} AS k1, NULL::text AS k2`;
  if (!d.measure.countOnce) {
    const groupBy = d.group2 ? sql`s.g1, s.g2` : sql`s.g1`;
    const r = await sql<AggregateRow>`SELECT ${keys}, 0 AS t1, 0 AS t2, sum(s.w)::int AS n FROM (${sql.join(parts, sql` UNION ALL `)}) s GROUP BY ${groupBy} HAVING sum(s.w) > 0 LIMIT ${MAX_CELLS + 1}`.execute(tx);
    return { rows: withTotals(r.rows.slice(0, MAX_CELLS), !!d.group2), tooMany: r.rows.length > MAX_CELLS };
  }
  // Counted once (problems): every record counts one, less one for each linked record, plus one per
  // distinct link value among them. Linked records are read through the measure's inner join, which
  // starts from the (few) links, under the same visibility as everything else.
  const linked = { ...d, measure: { ...d.measure, join: d.measure.countOnce.join } };
  parts.push(selectRecords(linked, cols(d.group.expr, d.group2?.expr, sql`-1`, d.measure.input ?? sql`NULL::uuid`)));
  const n = sql`(sum(s.w) + count(DISTINCT s.m))::int`;
  const flags = d.group2 ? sql`GROUPING(s.g1)::int AS t1, GROUPING(s.g2)::int AS t2` : sql`GROUPING(s.g1)::int AS t1, 1 AS t2`;
  const sets = d.group2 ? sql`GROUPING SETS ((s.g1, s.g2), (s.g1), (s.g2), ())` : sql`GROUPING SETS ((s.g1), ())`;
  // The grand total is a row whatever it counts; other groups only when they count something.
  const all = d.group2 ? sql`GROUPING(s.g1, s.g2) = 3` : sql`GROUPING(s.g1) = 1`;
  const r = await sql<AggregateRow>`SELECT ${keys}, ${flags}, ${n} AS n FROM (${sql.join(parts, sql` UNION ALL `)}) s GROUP BY ${sets} HAVING ${n} > 0 OR ${all} LIMIT ${MAX_CELLS * 2 + 1}`.execute(tx);
  return { rows: r.rows, tooMany: r.rows.length > MAX_CELLS * 2 };
}

/** Different people by role over all time, with no filter: what report_person_roles (migrations/0026) answers. */
export function isEveryoneByRole(d: ReportDefinition): boolean {
  return (
    d.record.key === 'people' && d.measure.key === 'people' && d.group.key === 'role' && !d.group2 &&
    d.from === null && d.to === null && d.flags.length === 0 && Object.values(d.filters).every((v) => !v)
  );
}

/**
 * Different people by role, all time, without an exact distinct count over every link: the
 * organisation's own (person, role) rows are counted as they are, and its distinct people read in the
 * index's order; people on incidents shared with it are added only where the own rows lack them.
 */
async function aggregateEveryoneByRole(tx: Tx, d: ReportDefinition): Promise<{ rows: AggregateRow[]; tooMany: boolean }> {
  const v = d.record.visibility!;
  const org = sql`(SELECT app_org_id())`;
  const r = await sql<AggregateRow>`
    WITH shared AS MATERIALIZED (SELECT DISTINCT r.role, r.person_id FROM ${d.record.from({ from: null, to: null })} WHERE ${v.shared})
    SELECT x.role::text AS k1, NULL::text AS k2, 0 AS t1, 1 AS t2, count(*)::int AS n FROM (
      SELECT p.role FROM report_person_roles p WHERE p.owner_organisation_id = ${org}
      UNION ALL
      SELECT s.role FROM shared s WHERE NOT EXISTS (
        SELECT 1 FROM report_person_roles p WHERE p.owner_organisation_id = ${org} AND p.person_id = s.person_id AND p.role = s.role)
    ) x GROUP BY x.role
    UNION ALL
    SELECT NULL, NULL, 1, 1, ((SELECT count(*) FROM (SELECT p.person_id FROM report_person_roles p WHERE p.owner_organisation_id = ${org} GROUP BY p.person_id) y)
      + (SELECT count(DISTINCT s.person_id) FROM shared s WHERE NOT EXISTS (
        SELECT 1 FROM report_person_roles p WHERE p.owner_organisation_id = ${org} AND p.person_id = s.person_id)))::int`.execute(tx);
  return { rows: r.rows, tooMany: false };
}

/** Row, column and grand totals of an additive measure, in the shape grouping sets give. */
function withTotals(cells: AggregateRow[], twoGroups: boolean): AggregateRow[] {
  const out = cells.map((c) => ({ ...c, t2: twoGroups ? 0 : 1 }));
  const add = (m: Map<string | null, number>, k: string | null, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  const rows = new Map<string | null, number>();
  const cols = new Map<string | null, number>();
  let total = 0;
  for (const c of cells) {
    add(rows, c.k1, c.n);
    if (twoGroups) add(cols, c.k2, c.n);
    total += c.n;
  }
  if (twoGroups) {
    for (const [k1, n] of rows) out.push({ k1, k2: null, t1: 0, t2: 1, n });
    for (const [k2, n] of cols) out.push({ k1: null, k2, t1: 1, t2: 0, n });
  }
  out.push({ k1: null, k2: null, t1: 1, t2: 1, n: total });
  return out;
}

// The partnership's lists -------------------------------------------------------------------------

export async function reportOptions(tx: Tx, partnershipId: string): Promise<ReportOptions> {
  const areas = await tx
    .selectFrom('areas')
    .select(['id', 'name', 'kind'])
    .where('partnership_id', '=', partnershipId)
    .orderBy(sql`CASE kind WHEN 'county' THEN 0 WHEN 'unitary' THEN 1 WHEN 'district' THEN 1 WHEN 'ward' THEN 3 ELSE 2 END`)
    .orderBy('name')
    .execute();
  const asbTypes = await tx.selectFrom('asb_types').select(['id', 'name']).where('partnership_id', '=', partnershipId).orderBy('sort').orderBy('name').execute();
  const caseTypes = await tx.selectFrom('case_types').select(['id', 'name']).where('partnership_id', '=', partnershipId).orderBy('sort').orderBy('name').execute();
  const referralTypes = await tx.selectFrom('referral_types').select(['id', 'name']).where('partnership_id', '=', partnershipId).orderBy('sort').orderBy('name').execute();
  const organisations = await tx.selectFrom('organisations').select(['id', 'name']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
  const officers = await tx
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .select(['u.id', sql<string>`u.display_name || ' (' || coalesce(o.short_name, o.name) || ')'`.as('name')])
    .where('o.partnership_id', '=', partnershipId)
    .orderBy('u.display_name')
    .orderBy('o.name')
    .execute();
  return {
    areas: areas.filter((a) => a.kind !== 'county'),
    areaNames: Object.fromEntries(areas.map((a) => [a.id, a.name])),
    asbTypes,
    caseTypes,
    referralTypes,
    organisations,
    officers,
  };
}

/** The teams the user belongs to: the only teams they may share a report with. */
export function myTeams(tx: Tx, userId: string) {
  return tx
    .selectFrom('team_members as m')
    .innerJoin('teams as t', 't.id', 'm.team_id')
    .select(['t.id', 't.name'])
    .where('m.user_id', '=', userId)
    .orderBy('t.name')
    .execute();
}

// Saved reports -----------------------------------------------------------------------------------

export type SavedReport = Selectable<SavedReportsTable> & { creator_name: string; organisation_name: string; team_name: string | null };

function savedRows(tx: Tx) {
  return tx
    .selectFrom('saved_reports as s')
    .innerJoin('users as u', 'u.id', 's.created_by')
    .innerJoin('organisations as o', 'o.id', 's.owner_organisation_id')
    .leftJoin('teams as t', 't.id', 's.team_id')
    .selectAll('s')
    .select(['u.display_name as creator_name', 'o.name as organisation_name', 't.name as team_name'])
    .where('s.archived_at', 'is', null);
}

/** Every saved report the user may see (row-level security decides): their own first, then by name. */
export function listSaved(tx: Tx, userId: string) {
  return savedRows(tx)
    .orderBy(sql`s.created_by = ${userId}`, 'desc')
    .orderBy('s.name')
    .limit(500)
    .execute();
}

export function findSaved(tx: Tx, id: string): Promise<SavedReport | undefined> {
  return savedRows(tx).where('s.id', '=', id).executeTakeFirst();
}

export interface SavedInput {
  name: string;
  description: string | null;
  definition: unknown;
  shared_with: 'private' | 'team' | 'organisation' | 'partnership';
  team_id: string | null;
}

export function insertSaved(tx: Tx, owner: { partnershipId: string; organisationId: string; userId: string }, input: SavedInput) {
  return tx
    .insertInto('saved_reports')
    .values({
      partnership_id: owner.partnershipId,
      owner_organisation_id: owner.organisationId,
      created_by: owner.userId,
      name: input.name,
      description: input.description,
      definition: JSON.stringify(input.definition),
      shared_with: input.shared_with,
      team_id: input.team_id,
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** Optimistic concurrency, as for every editable record: applies only to the version the form showed. */
export async function updateSaved(tx: Tx, id: string, version: number, userId: string, fields: Partial<SavedInput> & { archived_at?: Date }) {
  const r = await tx
    .updateTable('saved_reports')
    .set((eb) => ({
      ...fields,
      ...(fields.definition !== undefined ? { definition: JSON.stringify(fields.definition) } : {}),
      updated_by: userId,
      updated_at: new Date(),
      version: eb('version', '+', 1),
    }))
    .where('id', '=', id)
    .where('version', '=', version)
    .where('archived_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
