// What a board report keeps of the dashboard when it is generated: every indicator's partnership-wide
// figures for the quarter, judged as the dashboard judges them, grouped by the priority its section
// reports on. The snapshot is stored with the report (board_reports.figures), so the narrative written
// about the figures keeps matching them until someone deliberately refreshes them. District figures
// are left out on purpose: they were withheld by the rule for whoever generated the report, and the
// report is read by others (board members) whom a different organisation's rule would apply to.
import { overallRag, type Dashboard, type Direction, type Figure, type NamedRange, type Period, type Rag } from '../dashboard/service.ts';

export interface SnapshotIndicator {
  key: string;
  name: string;
  description: string;
  outcome: string;
  priority: string;
  unit: 'count' | 'rate_per_1000' | 'percentage';
  polarity: 'up_is_good' | 'down_is_good' | 'neutral';
  current: Figure;
  lastYear: Figure;
  rolling: Figure;
  previousRolling: Figure;
  direction: Direction;
  rag: Rag;
}

export interface SnapshotGroup {
  name: string;
  rag: Rag;
  indicators: SnapshotIndicator[];
}

export interface ReportFigures {
  format: 1;
  period: Period;
  lastYear: NamedRange;
  rolling: NamedRange;
  previousRolling: NamedRange;
  /** Sections of the report: one per priority, in the dashboard's order. */
  priorities: SnapshotGroup[];
  /** The appendix: the dashboard's outcomes with their overall ratings. */
  outcomes: SnapshotGroup[];
  anyWithheld: boolean;
}

export function snapshot(d: Dashboard): ReportFigures {
  const all: SnapshotIndicator[] = d.groups.flatMap((g) =>
    g.indicators.map((p) => ({
      key: p.indicator.key,
      name: p.indicator.name,
      description: p.indicator.description,
      outcome: p.indicator.outcome,
      priority: p.indicator.priority,
      unit: p.indicator.unit,
      polarity: p.indicator.polarity,
      current: p.current,
      lastYear: p.lastYear,
      rolling: p.rolling,
      previousRolling: p.previousRolling,
      direction: p.direction,
      rag: p.rag,
    })),
  );
  const groupBy = (field: 'outcome' | 'priority'): SnapshotGroup[] => {
    const groups: SnapshotGroup[] = [];
    for (const i of all) {
      let g = groups.find((x) => x.name === i[field]);
      if (!g) groups.push((g = { name: i[field], rag: overallRag([]), indicators: [] }));
      g.indicators.push(i);
    }
    for (const g of groups) g.rag = overallRag(g.indicators.map((i) => i.rag).filter((r) => r.code !== 'none'));
    return groups;
  };
  const c = d.comparisons;
  return {
    format: 1,
    period: c.period,
    lastYear: c.lastYear,
    rolling: c.rolling,
    previousRolling: c.previousRolling,
    priorities: groupBy('priority'),
    outcomes: groupBy('outcome'),
    anyWithheld: d.anyWithheld,
  };
}

/** A sentence about one indicator, as the seeds' reports write them: the rolling year against the year before. */
export function indicatorSentence(i: SnapshotIndicator, f: ReportFigures): string {
  if (i.rolling.value === null) {
    return `${i.name}: ${i.rolling.suppressed ? 'the figure is withheld (small numbers)' : 'no figures yet'} for the ${f.rolling.name}.`;
  }
  const before = i.previousRolling.value === null ? '' : `, compared with ${i.previousRolling.text} in the ${f.previousRolling.name}`;
  const travel = i.direction.code === 'none' ? '' : ` (${i.direction.text.toLowerCase()}${i.direction.change ? `, ${i.direction.change}` : ''})`;
  return `${i.name}: ${i.rolling.text} in the ${f.rolling.name}${before}${travel}. Rated ${i.rag.text.toLowerCase()}: ${i.rag.reason}.`;
}

export interface SectionDraft {
  key: string;
  heading: string;
  priority: string | null;
  narrative: string;
}

export function sectionKey(priority: string): string {
  const slug = priority.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 70) || 'priority';
  return `priority-${slug}`;
}

/**
 * The sections a new report starts with, in the seeds' order, with draft text for the author to
 * rewrite: an introduction, a summary, a section per priority, the recommendations.
 */
export function draftSections(f: ReportFigures, partnershipName: string): SectionDraft[] {
  const all = f.priorities.flatMap((p) => p.indicators);
  const count = (code: string, list = all) => list.filter((i) => i.rag.code === code || i.direction.code === code).length;
  const rated = all.filter((i) => i.rag.code !== 'none');
  const reds = all.filter((i) => i.rag.code === 'red');
  const summary = [
    `Of the ${all.length} indicators, ${count('improving')} are improving, ${count('stable')} are stable and ${count('worsening')} are worsening compared with the ${f.previousRolling.name}.`,
    rated.length ? `${rated.filter((i) => i.rag.code === 'green').length} are rated green, ${rated.filter((i) => i.rag.code === 'amber').length} amber and ${reds.length} red.` : 'No indicator could be rated.',
    reds.length ? `Rated red: ${reds.map((i) => i.name).join('; ')}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const sections: SectionDraft[] = [
    {
      key: 'introduction',
      heading: 'Introduction',
      priority: null,
      narrative:
        `The purpose of this report is to update the board on safer communities performance in ${partnershipName} for ${f.period.name} (${f.period.span}).\n\n` +
        `The dashboard is at Appendix 1. It shows each outcome's indicators for the quarter, the same quarter a year before, the rolling ${f.rolling.name} and the ${f.previousRolling.name}, with the direction of travel and a rating. ` +
        'The report presents partnership-wide trends; performance within districts can differ, sometimes markedly.',
    },
    { key: 'summary', heading: 'Report summary', priority: null, narrative: summary },
  ];
  for (const p of f.priorities) {
    sections.push({ key: sectionKey(p.name), heading: p.name, priority: p.name, narrative: p.indicators.map((i) => indicatorSentence(i, f)).join('\n\n') });
  }
  sections.push({ key: 'recommendations', heading: 'Recommendations', priority: null, narrative: `That the board notes the ${f.period.name} performance information.` });
  return sections;
}
