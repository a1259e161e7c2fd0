// Quarterly board reports: generated from the dashboard's figures for a quarter, written up section
// by section, read by the board, downloaded as PDF and CSV. Every view, change and download is
// audited; who may do what is enforced by row-level security as well as by the routes.
import type { Kysely } from 'kysely';
import type { DB, Role } from '../../platform/db/schema.ts';
import type { Actor } from '../../platform/http/context.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import { computeDashboard, type Period } from '../dashboard/service.ts';
import { draftSections, snapshot, type ReportFigures } from './figures.ts';
import * as repo from './repository.ts';

export const RECORD_TYPE = 'board_report';
export const SECTION_RECORD_TYPE = 'board_report_section';

/** Who reads reports: the dashboard's audience. Keep in step with migrations/0014_board_reports.sql. */
export const READERS: Role[] = ['analyst', 'read_only', 'coordinator', 'manager', 'partnership_admin'];
/** Who generates and writes them. */
export const WRITERS: Role[] = ['analyst', 'coordinator', 'partnership_admin'];

export const MAX_NARRATIVE = 20_000;

export const canWrite = (actor: Actor) => actor.roles.some((r) => WRITERS.includes(r));

export async function listReports(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, async (tx) => {
    const reports = await repo.listReports(tx, actor.partnershipId);
    await auditBy(tx, actor, 'list', RECORD_TYPE, null, { shown: reports.length });
    return reports;
  });
}

const titleFor = (period: Period) => `Safer communities performance ${period.name}`;

export type GenerateResult = { kind: 'created'; id: string } | { kind: 'exists'; id: string };

/** A report for the quarter: a new one, or the one the partnership already has (a quarter has one report). */
export async function generateReport(db: Kysely<DB>, actor: Actor, period: Period): Promise<GenerateResult> {
  const existing = await withUser(db, actor.userId, (tx) => repo.findReportByPeriod(tx, actor.partnershipId, `${period.from}-01`));
  if (existing) return { kind: 'exists', id: existing.id };
  const figures = snapshot((await computeDashboard(db, actor, period, undefined, { fresh: true }))!);
  return withUser(db, actor.userId, async (tx) => {
    const id = await repo.insertReport(tx, { partnershipId: actor.partnershipId, periodFrom: `${period.from}-01`, periodTo: `${period.to}-01`, title: titleFor(period), figures, userId: actor.userId });
    if (!id) {
      const first = await repo.findReportByPeriod(tx, actor.partnershipId, `${period.from}-01`);
      return { kind: 'exists', id: first!.id };
    }
    const sections = draftSections(figures, actor.partnershipName);
    await repo.insertSections(tx, id, sections, 0, actor.userId);
    await auditBy(tx, actor, 'create', RECORD_TYPE, id, { from: period.from, to: period.to, sections: sections.length });
    return { kind: 'created', id };
  });
}

export type ReportView = NonNullable<Awaited<ReturnType<typeof repo.findReport>>> & { sections: repo.SectionRow[] };

async function loadReport(tx: Parameters<typeof repo.findReport>[0], id: string): Promise<ReportView | null> {
  const report = await repo.findReport(tx, id);
  if (!report) return null;
  return { ...report, sections: await repo.listSections(tx, id) };
}

export async function viewReport(db: Kysely<DB>, actor: Actor, id: string): Promise<ReportView | null> {
  return withUser(db, actor.userId, async (tx) => {
    const report = await loadReport(tx, id);
    if (report) await auditBy(tx, actor, 'view', RECORD_TYPE, id);
    return report;
  });
}

export type ExportFormat = 'pdf' | 'csv' | 'print';

/** The report for a download or the print view, audited as an export in the format asked for. */
export async function exportReport(db: Kysely<DB>, actor: Actor, id: string, format: ExportFormat): Promise<ReportView | null> {
  return withUser(db, actor.userId, async (tx) => {
    const report = await loadReport(tx, id);
    if (report) await auditBy(tx, actor, 'export', RECORD_TYPE, id, { format });
    return report;
  });
}

export async function sectionForEdit(db: Kysely<DB>, actor: Actor, id: string, key: string) {
  return withUser(db, actor.userId, async (tx) => {
    const report = await repo.findReport(tx, id);
    if (!report) return null;
    const section = await repo.findSection(tx, id, key);
    if (!section) return null;
    await auditBy(tx, actor, 'view', SECTION_RECORD_TYPE, section.id, { report: id, key, purpose: 'edit' });
    return { report, section };
  });
}

export type SaveResult =
  | { kind: 'ok' }
  | { kind: 'not_found' }
  | { kind: 'conflict'; current: repo.SectionRow; report: NonNullable<Awaited<ReturnType<typeof repo.findReport>>> };

export async function saveNarrative(db: Kysely<DB>, actor: Actor, id: string, key: string, version: number, narrative: string): Promise<SaveResult> {
  return withUser(db, actor.userId, async (tx) => {
    const report = await repo.findReport(tx, id);
    const section = report ? await repo.findSection(tx, id, key) : undefined;
    if (!report || !section) return { kind: 'not_found' };
    if (section.version !== version || !(await repo.updateNarrative(tx, section.id, version, narrative, actor.userId))) {
      const current = await repo.findSection(tx, id, key);
      return current ? { kind: 'conflict', current, report } : { kind: 'not_found' };
    }
    await auditBy(tx, actor, 'update', SECTION_RECORD_TYPE, section.id, { report: id, key, fields: ['narrative'], version: version + 1 });
    return { kind: 'ok' };
  });
}

export type RefreshResult = { kind: 'ok'; added: number } | { kind: 'not_found' } | { kind: 'conflict' };

/**
 * Takes the figures again (late recording, a corrected import) and adds a section for any priority
 * that is new; what people have written is kept as it is.
 */
export async function refreshFigures(db: Kysely<DB>, actor: Actor, id: string, version: number): Promise<RefreshResult> {
  const found = await withUser(db, actor.userId, (tx) => repo.findReport(tx, id));
  if (!found) return { kind: 'not_found' };
  if (found.version !== version) return { kind: 'conflict' };
  const period = found.figures.period;
  const figures: ReportFigures = snapshot((await computeDashboard(db, actor, period, undefined, { fresh: true }))!);
  return withUser(db, actor.userId, async (tx) => {
    if (!(await repo.updateFigures(tx, id, version, figures, actor.userId))) {
      return (await repo.findReport(tx, id)) ? { kind: 'conflict' } : { kind: 'not_found' };
    }
    const existing = await repo.listSections(tx, id);
    const drafts = draftSections(figures, actor.partnershipName);
    const added = drafts.filter((d) => !existing.some((s) => s.key === d.key));
    // Draft order first (introduction, summary, priorities, recommendations); sections of priorities
    // that no longer have indicators stay, just before the recommendations.
    const order = [...drafts.filter((d) => d.key !== 'recommendations').map((d) => d.key), ...existing.filter((s) => !drafts.some((d) => d.key === s.key)).map((s) => s.key), 'recommendations'];
    await repo.insertSections(tx, id, added, 1000, actor.userId);
    const now = await repo.listSections(tx, id);
    for (const s of now) {
      const position = order.indexOf(s.key);
      if (position >= 0 && position !== s.position) await repo.moveSection(tx, s.id, position);
    }
    await auditBy(tx, actor, 'update', RECORD_TYPE, id, { fields: ['figures'], sectionsAdded: added.map((s) => s.key), version: version + 1 });
    return { kind: 'ok', added: added.length };
  });
}
