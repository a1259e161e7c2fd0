// What the report's pages (the working view, the print view, a section's form) need from a stored
// report: sections with their paragraphs and their priority's figures, and the appendix table.
import { appendixHead, appendixRows } from './appendix.ts';
import { paragraphs } from './narrative.ts';
import type { ReportFigures, SnapshotGroup } from './figures.ts';
import type { SectionRow } from './repository.ts';

interface ReportLike {
  id: string;
  title: string;
  figures: ReportFigures;
  figures_at: Date | string;
  version: number;
  sections: Pick<SectionRow, 'key' | 'heading' | 'priority' | 'narrative' | 'updated_at' | 'updated_by_name' | 'version'>[];
}

export function reportView(report: ReportLike) {
  const f = report.figures;
  const byPriority = new Map<string, SnapshotGroup>(f.priorities.map((g) => [g.name, g]));
  return {
    report,
    f,
    sections: report.sections.map((s, i) => ({
      ...s,
      number: i + 1,
      paragraphs: paragraphs(s.narrative),
      group: s.priority ? (byPriority.get(s.priority) ?? null) : null,
    })),
    appendix: { head: appendixHead(f), rows: appendixRows(f) },
  };
}
