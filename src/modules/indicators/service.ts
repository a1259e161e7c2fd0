// Administering indicators: the partnership administrator's list, form, small-number threshold and
// series uploads. Every view and change is audited in the same transaction as the change.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Actor } from '../../platform/http/context.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Indicator } from './definitions.ts';
import type { FilterOptions, IndicatorFields } from './fields.ts';
import { findIndicator, listIndicatorRows } from './repository.ts';
import { ensureDefaultIndicators } from './api.ts';
import { importSeriesCsv, type SeriesImportReport } from './series-import.ts';

export type SaveResult =
  | { kind: 'ok'; id: string }
  | { kind: 'not_found' }
  | { kind: 'conflict'; current: Indicator }
  | { kind: 'invalid'; problems: { field: string; message: string }[] };

export interface SeriesSummary {
  series: string;
  sources: string[];
  first: string;
  last: string;
  figures: number;
  indicators: string[];
}

export async function adminOverview(db: Kysely<DB>, actor: Actor) {
  await ensureDefaultIndicators(db, actor.partnershipId);
  return withUser(db, actor.userId, async (tx) => {
    const indicators = await listIndicatorRows(tx, actor.partnershipId, { activeOnly: false });
    const settings = await settingsOf(tx, actor.partnershipId);
    await auditBy(tx, actor, 'admin_view', 'indicator', null, { shown: indicators.length });
    return { indicators, settings };
  });
}

async function settingsOf(tx: Tx, partnershipId: string) {
  const row = await tx.selectFrom('indicator_settings').select(['suppression_threshold', 'version']).where('partnership_id', '=', partnershipId).executeTakeFirst();
  return { threshold: row?.suppression_threshold ?? 4, version: row?.version ?? 0 };
}

export function filterOptions(db: Kysely<DB>, actor: Actor): Promise<FilterOptions> {
  return withUser(db, actor.userId, (tx) => optionsIn(tx, actor.partnershipId));
}

async function optionsIn(tx: Tx, partnershipId: string): Promise<FilterOptions> {
  const [asbTypes, organisations, caseTypes] = await Promise.all([
    tx.selectFrom('asb_types').select(['id', 'name']).where('partnership_id', '=', partnershipId).orderBy('sort').orderBy('name').execute(),
    tx.selectFrom('organisations').select(['id', 'name']).where('partnership_id', '=', partnershipId).orderBy('name').execute(),
    tx.selectFrom('case_types').select(['id', 'name']).where('partnership_id', '=', partnershipId).orderBy('sort').orderBy('name').execute(),
  ]);
  return { asbTypes, organisations, caseTypes };
}

export function viewIndicator(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const indicator = await findIndicator(tx, actor.partnershipId, { id });
    if (!indicator) return null;
    await auditBy(tx, actor, 'admin_view', 'indicator', id);
    return indicator;
  });
}

function columns(fields: IndicatorFields) {
  return {
    name: fields.name,
    description: fields.description,
    outcome: fields.outcome,
    priority: fields.priority,
    source: fields.source,
    measure: fields.measure,
    filter: JSON.stringify(fields.filter),
    series_name: fields.seriesName,
    unit: fields.unit,
    polarity: fields.polarity,
    target: fields.target,
    band_low: fields.band?.low ?? null,
    band_high: fields.band?.high ?? null,
    sort_order: fields.sortOrder,
    active: fields.active,
  };
}

function changed(before: Indicator, fields: IndicatorFields): string[] {
  const now: Record<string, unknown> = { ...fields, filter: JSON.stringify(fields.filter), band: JSON.stringify(fields.band) };
  const was: Record<string, unknown> = { ...before, filter: JSON.stringify(before.filter), band: JSON.stringify(before.band) };
  return Object.keys(fields).filter((k) => k !== 'key' && (was[k] ?? null) !== (now[k] ?? null));
}

export function createIndicator(db: Kysely<DB>, actor: Actor, fields: IndicatorFields): Promise<SaveResult> {
  return withUser(db, actor.userId, async (tx) => {
    if (await findIndicator(tx, actor.partnershipId, { key: fields.key })) {
      return { kind: 'invalid', problems: [{ field: 'key', message: 'The partnership already has an indicator with this key: choose another' }] };
    }
    const row = await tx
      .insertInto('indicators')
      .values({ partnership_id: actor.partnershipId, key: fields.key, ...columns(fields), created_by: actor.userId, updated_by: actor.userId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await auditBy(tx, actor, 'admin_create', 'indicator', row.id, { key: fields.key, source: fields.source, measure: fields.measure, series: fields.seriesName });
    return { kind: 'ok', id: row.id };
  });
}

export function updateIndicator(db: Kysely<DB>, actor: Actor, id: string, version: number, fields: IndicatorFields): Promise<SaveResult> {
  return withUser(db, actor.userId, async (tx) => {
    const before = await findIndicator(tx, actor.partnershipId, { id });
    if (!before) return { kind: 'not_found' };
    if (before.version !== version) return { kind: 'conflict', current: before };
    const r = await tx
      .updateTable('indicators')
      .set({ ...columns(fields), updated_by: actor.userId, updated_at: sql<Date>`now()`, version: sql<number>`version + 1` })
      .where('id', '=', id)
      .where('partnership_id', '=', actor.partnershipId)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!Number(r.numUpdatedRows)) return { kind: 'conflict', current: before };
    await auditBy(tx, actor, 'admin_update', 'indicator', id, { key: before.key, fields: changed(before, fields), version: version + 1 });
    return { kind: 'ok', id };
  });
}

export function saveThreshold(db: Kysely<DB>, actor: Actor, version: number, threshold: number): Promise<{ kind: 'ok' } | { kind: 'conflict'; threshold: number }> {
  return withUser(db, actor.userId, async (tx) => {
    const before = await settingsOf(tx, actor.partnershipId);
    if (before.version !== version) return { kind: 'conflict', threshold: before.threshold };
    if (version === 0) {
      await tx.insertInto('indicator_settings').values({ partnership_id: actor.partnershipId, suppression_threshold: threshold, updated_by: actor.userId }).execute();
    } else {
      await tx
        .updateTable('indicator_settings')
        .set({ suppression_threshold: threshold, updated_by: actor.userId, updated_at: sql<Date>`now()`, version: sql<number>`version + 1` })
        .where('partnership_id', '=', actor.partnershipId)
        .where('version', '=', version)
        .execute();
    }
    await auditBy(tx, actor, 'admin_update', 'indicator_settings', actor.partnershipId, { suppression_threshold: threshold, was: before.threshold });
    return { kind: 'ok' };
  });
}

export async function seriesSummary(db: Kysely<DB>, actor: Actor): Promise<SeriesSummary[]> {
  await ensureDefaultIndicators(db, actor.partnershipId);
  return withUser(db, actor.userId, async (tx) => {
    const rows = await sql<{ series: string; sources: string[]; first: string; last: string; figures: number }>`
      SELECT series, array_agg(DISTINCT source ORDER BY source) AS sources, to_char(min(month), 'YYYY-MM') AS first,
        to_char(max(month), 'YYYY-MM') AS last, count(*)::int AS figures
      FROM indicator_series_values WHERE partnership_id = ${actor.partnershipId}
      GROUP BY series ORDER BY series`.execute(tx);
    const indicators = await listIndicatorRows(tx, actor.partnershipId, { activeOnly: false });
    await auditBy(tx, actor, 'admin_view', 'indicator_series', null, { shown: rows.rows.length });
    return rows.rows.map((r) => ({ ...r, indicators: indicators.filter((i) => i.seriesName === r.series).map((i) => i.name) }));
  });
}

/** Throws SeriesFormatError (nothing imported) when any line is wrong. */
export function uploadSeries(db: Kysely<DB>, actor: Actor, filename: string, content: Buffer): Promise<SeriesImportReport> {
  return withUser(db, actor.userId, async (tx) => {
    const report = await importSeriesCsv(tx, actor.partnershipId, content, { importedBy: actor.userId });
    await auditBy(tx, actor, 'admin_update', 'indicator_series', actor.partnershipId, {
      import: 'series',
      filename: filename.slice(0, 200),
      rows: report.rows,
      series: report.series.map((s) => s.name),
    });
    return report;
  });
}
