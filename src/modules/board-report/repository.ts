// Typed queries on board reports and their sections. Every function runs inside withUser, so
// row-level security (partnership and role, migrations/0014_board_reports.sql) has already decided
// what they can see or change.
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';
import type { ReportFigures, SectionDraft } from './figures.ts';

export function listReports(tx: Tx, partnershipId: string) {
  return tx
    .selectFrom('board_reports as r')
    .leftJoin('users as u', 'u.id', 'r.updated_by')
    .select(['r.id', 'r.title', 'r.period_from', 'r.period_to', 'r.updated_at', 'r.figures_at', 'u.display_name as updated_by_name'])
    .where('r.partnership_id', '=', partnershipId)
    .orderBy('r.period_from', 'desc')
    .limit(200)
    .execute();
}

export async function findReport(tx: Tx, id: string) {
  const row = await tx
    .selectFrom('board_reports as r')
    .innerJoin('users as c', 'c.id', 'r.created_by')
    .leftJoin('users as u', 'u.id', 'r.updated_by')
    .select([
      'r.id',
      'r.partnership_id',
      'r.title',
      'r.period_from',
      'r.period_to',
      'r.figures',
      'r.figures_at',
      'r.created_at',
      'r.updated_at',
      'r.version',
      'c.display_name as created_by_name',
      'u.display_name as updated_by_name',
    ])
    .where('r.id', '=', id)
    .executeTakeFirst();
  return row ? { ...row, figures: row.figures as ReportFigures } : undefined;
}

export function findReportByPeriod(tx: Tx, partnershipId: string, periodFrom: string) {
  return tx
    .selectFrom('board_reports')
    .select(['id'])
    .where('partnership_id', '=', partnershipId)
    .where('period_kind', '=', 'quarter')
    .where('period_from', '=', periodFrom)
    .executeTakeFirst();
}

export function listSections(tx: Tx, reportId: string) {
  return tx
    .selectFrom('board_report_sections as s')
    .leftJoin('users as u', 'u.id', 's.updated_by')
    .select(['s.id', 's.key', 's.heading', 's.position', 's.priority', 's.narrative', 's.updated_at', 's.version', 'u.display_name as updated_by_name'])
    .where('s.report_id', '=', reportId)
    .orderBy('s.position')
    .execute();
}

export type SectionRow = Awaited<ReturnType<typeof listSections>>[number];

export function findSection(tx: Tx, reportId: string, key: string) {
  return tx
    .selectFrom('board_report_sections as s')
    .leftJoin('users as u', 'u.id', 's.updated_by')
    .select(['s.id', 's.key', 's.heading', 's.position', 's.priority', 's.narrative', 's.updated_at', 's.version', 'u.display_name as updated_by_name'])
    .where('s.report_id', '=', reportId)
    .where('s.key', '=', key)
    .executeTakeFirst();
}

export async function insertReport(
  tx: Tx,
  row: { partnershipId: string; periodFrom: string; periodTo: string; title: string; figures: ReportFigures; userId: string },
) {
  // A second writer generating the same quarter at the same moment gets nothing back, and opens the first's.
  const r = await tx
    .insertInto('board_reports')
    .values({
      partnership_id: row.partnershipId,
      period_kind: 'quarter',
      period_from: row.periodFrom,
      period_to: row.periodTo,
      title: row.title,
      figures: JSON.stringify(row.figures),
      created_by: row.userId,
      updated_by: row.userId,
      updated_at: new Date(),
    })
    .onConflict((oc) => oc.columns(['partnership_id', 'period_kind', 'period_from']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return r?.id ?? null;
}

export async function insertSections(tx: Tx, reportId: string, sections: SectionDraft[], startAt: number, userId: string) {
  if (!sections.length) return;
  await tx
    .insertInto('board_report_sections')
    .values(
      sections.map((s, i) => ({
        report_id: reportId,
        key: s.key,
        heading: s.heading,
        position: startAt + i,
        priority: s.priority,
        narrative: s.narrative,
        updated_by: userId,
        updated_at: new Date(),
      })),
    )
    .execute();
}

/** Optimistic concurrency: applies only if nobody saved the section since `version`. */
export async function updateNarrative(tx: Tx, sectionId: string, version: number, narrative: string, userId: string) {
  const r = await tx
    .updateTable('board_report_sections')
    .set({ narrative, updated_by: userId, updated_at: new Date(), version: sql<number>`version + 1` })
    .where('id', '=', sectionId)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function updateFigures(tx: Tx, reportId: string, version: number, figures: ReportFigures, userId: string) {
  const r = await tx
    .updateTable('board_reports')
    .set({ figures: JSON.stringify(figures), figures_at: new Date(), updated_by: userId, updated_at: new Date(), version: sql<number>`version + 1` })
    .where('id', '=', reportId)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Sections are positioned after the report's current last one. */
export async function moveSection(tx: Tx, sectionId: string, position: number) {
  await tx.updateTable('board_report_sections').set({ position }).where('id', '=', sectionId).execute();
}
