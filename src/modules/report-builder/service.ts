// The report builder: a report is a question (what to count, which ones, grouped how) asked of the
// records the viewer may see. Row-level security answers it, inside withUser, whoever asks: a report
// saved and shared by someone in another organisation still counts only the viewer's own records and
// those shared with them. Every run is audited as a list, every download as an export.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import * as repo from './repository.ts';
import { fromStored, parseFilters, parseReport, toStored, type ParsedReport, type ReportDefinition, type ReportOptions } from './params.ts';
import { recordType } from './definitions.ts';
import { emptyErrors } from '../../platform/http/forms.ts';
import { buildTable, type ReportTable } from './table.ts';

export const RECORD_TYPE = 'report';
export const SAVED_RECORD_TYPE = 'saved_report';
export type { ReportDefinition, ReportFilters, ReportOptions, ParsedReport } from './params.ts';
export type { ReportTable } from './table.ts';
export type { SavedReport } from './repository.ts';
export { parseReport, toQueryString, toParams, filterParams, describe, describeFilters, filterChoices, vocabularyNames } from './params.ts';
export { conditions, selectRecords } from './repository.ts';
export { RECORD_TYPES, recordType } from './definitions.ts';
export { filterFields } from './view-model.ts';

export interface ReportRun {
  parsed: ParsedReport;
  options: ReportOptions;
  table: ReportTable | null;
}

const auditDetails = (d: ReportDefinition, table: ReportTable) => ({
  record: d.record.key,
  group: d.group.key,
  group2: d.group2?.key ?? null,
  measure: d.measure.key,
  filters: [...Object.keys(d.filters), ...(d.from ? ['from'] : []), ...(d.to ? ['to'] : []), ...d.flags.map((f) => `flag:${f}`)],
  rows: table.rows.length - 1,
});

interface AuditSpec {
  action: 'list' | 'view' | 'export';
  savedId?: string;
  format?: 'csv' | 'xlsx';
}

async function run(db: Kysely<DB>, actor: Actor, query: unknown, spec: AuditSpec): Promise<ReportRun> {
  return withUser(db, actor.userId, async (tx) => {
    const options = await repo.reportOptions(tx, actor.partnershipId);
    const parsed = parseReport(query, options);
    if (!parsed.definition) return { parsed, options, table: null };
    const table = buildTable(parsed.definition, await repo.aggregate(tx, parsed.definition), options);
    const details = { ...auditDetails(parsed.definition, table), ...(spec.format ? { format: spec.format } : {}) };
    await auditBy(tx, actor, spec.action, spec.savedId ? SAVED_RECORD_TYPE : RECORD_TYPE, spec.savedId ?? null, details);
    return { parsed, options, table };
  });
}

/** The builder page: the form, and the report when the form has been submitted without errors. */
export function runReport(db: Kysely<DB>, actor: Actor, query: unknown) {
  return run(db, actor, query, { action: 'list' });
}

/** A saved report, opened: run with the viewer's own visibility and audited as a view of it. */
export function runSavedReport(db: Kysely<DB>, actor: Actor, savedId: string, query: unknown) {
  return run(db, actor, query, { action: 'view', savedId });
}

/** A download: the same report, audited as an export in the format asked for. */
export function exportReport(db: Kysely<DB>, actor: Actor, query: unknown, format: 'csv' | 'xlsx') {
  return run(db, actor, query, { action: 'export', format });
}

/**
 * The builder's filters for incidents alone, for the hotspot map: the same fields, the same checks,
 * the same SQL conditions (conditions()), so a map and a report of the same filters agree.
 */
export function parseIncidentFilters(query: unknown, options: ReportOptions) {
  const errors = emptyErrors();
  const values: Record<string, string | string[]> = {};
  const record = recordType('incidents')!;
  const filters = parseFilters(query, record, options, errors, values);
  return { filters, errors, values, record };
}

/** The lists the builder's form offers, without running anything (the map's filters use them too). */
export function reportOptions(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, (tx) => repo.reportOptions(tx, actor.partnershipId));
}

// Saved reports ------------------------------------------------------------------------------------

export type Sharing = 'private' | 'team' | 'organisation' | 'partnership';

export interface SaveInput {
  name: string;
  description: string | null;
  sharing: Sharing;
  teamId: string | null;
}

export function listSaved(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, async (tx) => {
    const rows = await repo.listSaved(tx, actor.userId);
    await auditBy(tx, actor, 'list', SAVED_RECORD_TYPE, null, { shown: rows.length });
    return rows;
  });
}

export function myTeams(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, (tx) => repo.myTeams(tx, actor.userId));
}

/** Checks the definition again (it came back through a form) and saves it, or says what is wrong. */
export async function saveReport(db: Kysely<DB>, actor: Actor, query: unknown, input: SaveInput): Promise<{ id: string } | { problem: 'definition' | 'team' }> {
  return withUser(db, actor.userId, async (tx) => {
    const options = await repo.reportOptions(tx, actor.partnershipId);
    const parsed = parseReport(query, options);
    if (!parsed.definition) return { problem: 'definition' as const };
    if (input.sharing === 'team' && !(await repo.myTeams(tx, actor.userId)).some((t) => t.id === input.teamId)) return { problem: 'team' as const };
    const row = await repo.insertSaved(tx, actor, {
      name: input.name,
      description: input.description,
      definition: toStored(parsed.definition),
      shared_with: input.sharing,
      team_id: input.sharing === 'team' ? input.teamId : null,
    });
    await auditBy(tx, actor, 'create', SAVED_RECORD_TYPE, row.id, { record: parsed.definition.record.key, sharing: input.sharing });
    return { id: row.id };
  });
}

/** A saved report the viewer may see, and its definition as query input for the builder. */
export async function findSaved(db: Kysely<DB>, actor: Actor, id: string, purpose: 'edit' | null = null) {
  return withUser(db, actor.userId, async (tx) => {
    const report = await repo.findSaved(tx, id);
    if (!report) return null;
    if (purpose) await auditBy(tx, actor, 'view', SAVED_RECORD_TYPE, id, { purpose });
    return { report, query: fromStored(report.definition), mine: report.created_by === actor.userId };
  });
}

export async function updateSaved(db: Kysely<DB>, actor: Actor, id: string, version: number, input: SaveInput): Promise<'ok' | 'not_found' | 'conflict' | 'team'> {
  return withUser(db, actor.userId, async (tx) => {
    const report = await repo.findSaved(tx, id);
    if (!report || report.created_by !== actor.userId) return 'not_found';
    if (input.sharing === 'team' && !(await repo.myTeams(tx, actor.userId)).some((t) => t.id === input.teamId)) return 'team';
    const ok = await repo.updateSaved(tx, id, version, actor.userId, {
      name: input.name,
      description: input.description,
      shared_with: input.sharing,
      team_id: input.sharing === 'team' ? input.teamId : null,
    });
    if (!ok) return 'conflict';
    await auditBy(tx, actor, 'update', SAVED_RECORD_TYPE, id, { fields: ['name', 'description', 'shared_with'], sharing: input.sharing, version: version + 1 });
    return 'ok';
  });
}

/** Takes the report off every list; only its author can. */
export async function archiveSaved(db: Kysely<DB>, actor: Actor, id: string, version: number): Promise<'ok' | 'not_found' | 'conflict'> {
  return withUser(db, actor.userId, async (tx) => {
    const report = await repo.findSaved(tx, id);
    if (!report || report.created_by !== actor.userId) return 'not_found';
    if (!(await repo.updateSaved(tx, id, version, actor.userId, { archived_at: new Date() }))) return 'conflict';
    await auditBy(tx, actor, 'update', SAVED_RECORD_TYPE, id, { fields: ['archived_at'], archived: true, version: version + 1 });
    return 'ok';
  });
}
