// The Safer Communities dashboard for a period: every active indicator, grouped by outcome as the
// board reads them, with this period's figure, the same period a year before, the rolling 12 months
// and the 12 months before that, the direction of travel and a rating, each district's figures and
// the months. All figures come from the indicators API for the signed-in user (small numbers already
// withheld there); this module only arranges, judges and draws them.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Actor } from '../../platform/http/context.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import { withIndicators, type AreaValue, type Indicator, type IndicatorSession, type MonthValue } from '../indicators/api.ts';
import { hasRate } from '../indicators/definitions.ts';
import { direction, overallRag, rag, type Direction, type Rag } from './assess.ts';
import { figure, formatter, type Figure } from './format.ts';
import { monthName, monthsIn, rollingYear, shiftMonth, spanName, yearEarlier, type Period, type Range } from './period.ts';

// What other modules (the board report) use of the dashboard, so they depend on this file alone.
export type { Direction, Rag } from './assess.ts';
export { overallRag } from './assess.ts';
export type { Figure } from './format.ts';
export { WITHHELD } from './format.ts';
export type { Period } from './period.ts';
export { parsePeriod, periodQuery, quarterPeriod, QUARTER_SPANS } from './period.ts';
export { csvText, districtTable, type TableModel } from './tables.ts';

export interface NamedRange extends Range {
  name: string;
}

export interface Comparisons {
  period: Period;
  lastYear: NamedRange;
  rolling: NamedRange;
  previousRolling: NamedRange;
  /** The 24 months the trend shows: the rolling year and the year before it. */
  trend: Range;
}

export function comparisonsFor(period: Period): Comparisons {
  const rolling = rollingYear(period);
  const previousRolling = yearEarlier(rolling);
  const lastYear = yearEarlier(period);
  return {
    period,
    lastYear: { ...lastYear, name: period.kind === 'quarter' ? `${spanName(lastYear)}` : monthName(lastYear.from) },
    rolling: { ...rolling, name: `12 months to ${monthName(rolling.to)}` },
    previousRolling: { ...previousRolling, name: `12 months to ${monthName(previousRolling.to)}` },
    trend: { from: shiftMonth(period.to, -23), to: period.to },
  };
}

export interface AreaRow {
  areaId: string | null;
  areaCode: string | null;
  areaName: string;
  isTotal: boolean;
  period: Figure;
  rolling: Figure;
  /** The rolling year's count behind a rate (rate indicators) or its rate per 1,000 (counts that have one). */
  extra: Figure | null;
}

export interface MonthRow {
  month: string;
  name: string;
  value: Figure;
  yearEarlierMonth: string;
  yearEarlier: Figure;
}

export interface IndicatorPanel {
  indicator: Indicator;
  current: Figure;
  lastYear: Figure;
  rolling: Figure;
  previousRolling: Figure;
  direction: Direction;
  rag: Rag;
  /** What the extra district column holds, if any: "Number" or "Rate per 1,000 population". */
  extraHeading: string | null;
  /** Each district, then the partnership. */
  areas: AreaRow[];
  months: MonthRow[];
  anyWithheld: boolean;
}

export interface OutcomeGroup {
  outcome: string;
  priorities: string[];
  rag: Rag;
  indicators: IndicatorPanel[];
}

export interface Dashboard {
  comparisons: Comparisons;
  groups: OutcomeGroup[];
  anyWithheld: boolean;
  /** When the figures were computed (ISO 8601). */
  computedAt: string;
}

/** A partnership total over some of the trend's months, for counts (which add up month by month). */
function sumMonths(trend: MonthValue[], range: Range): { value: number | null; suppressed: boolean } {
  let value: number | null = null;
  let suppressed = false;
  for (const m of trend) {
    if (m.month < range.from || m.month > range.to) continue;
    if (m.suppressed) suppressed = true;
    else if (m.value !== null) value = (value ?? 0) + m.value;
  }
  return suppressed ? { value: null, suppressed } : { value, suppressed };
}

async function panelFor(session: IndicatorSession, indicator: Indicator, c: Comparisons): Promise<IndicatorPanel> {
  const unit = indicator.unit;
  // In turn: they share one transaction, so one connection, and would queue there anyway.
  const now = await session.values(indicator.key, c.period);
  const rolling = await session.values(indicator.key, c.rolling);
  const trend = await session.trend(indicator.key, c.trend, null);
  const total = (values: AreaValue[]) => values.find((v) => v.areaId === null) ?? null;
  const fig = (v: { value: number | null; suppressed: boolean } | null | undefined) => figure(v?.value ?? null, v?.suppressed ?? false, unit);
  // Counts add up month by month, so the partnership's figures a year before come from the trend's
  // first year (read anyway for the chart): two fewer computations for most indicators. Rates (whose
  // population is the period's year) and percentages are asked for.
  const additive = unit === 'count';
  const lastYearFig = additive ? fig(sumMonths(trend, c.lastYear)) : fig(total(await session.values(indicator.key, c.lastYear)));
  const previousFig = additive ? fig(sumMonths(trend, c.previousRolling)) : fig(total(await session.values(indicator.key, c.previousRolling)));
  const current = fig(total(now));
  const rollingFig = fig(total(rolling));
  const format = formatter(unit);
  const travel = direction(indicator, rollingFig.value, previousFig.value, format);
  const rating = rag(indicator, rollingFig.value, travel, format);

  const extraHeading = unit === 'rate_per_1000' ? 'Number' : unit === 'count' && hasRate(indicator) ? 'Rate per 1,000 population' : null;
  const byArea = (values: AreaValue[]) => new Map(values.map((v) => [v.areaId, v]));
  const nowByArea = byArea(now);
  const areas: AreaRow[] = rolling.map((r) => {
    const extra =
      extraHeading === 'Number'
        ? figure(r.numerator, r.suppressed, 'count')
        : extraHeading
          ? figure(r.ratePer1000, r.suppressed, 'rate_per_1000')
          : null;
    return {
      areaId: r.areaId,
      areaCode: r.areaCode,
      areaName: r.areaId === null ? 'Partnership total' : r.areaName,
      isTotal: r.areaId === null,
      period: fig(nowByArea.get(r.areaId)),
      rolling: fig(r),
      extra,
    };
  });
  areas.sort((a, b) => Number(a.isTotal) - Number(b.isTotal));

  const trendByMonth = new Map<string, MonthValue>(trend.map((m) => [m.month, m]));
  const months: MonthRow[] = monthsIn(c.rolling).map((month) => {
    const earlier = shiftMonth(month, -12);
    const m = trendByMonth.get(month);
    const e = trendByMonth.get(earlier);
    return {
      month,
      name: monthName(month),
      value: figure(m?.value ?? null, m?.suppressed ?? false, unit),
      yearEarlierMonth: earlier,
      yearEarlier: figure(e?.value ?? null, e?.suppressed ?? false, unit),
    };
  });
  const anyWithheld = [...areas.flatMap((a) => [a.period, a.rolling]), ...months.flatMap((m) => [m.value, m.yearEarlier]), current, rollingFig].some((f) => f.suppressed);
  return {
    indicator,
    current,
    lastYear: lastYearFig,
    rolling: rollingFig,
    previousRolling: previousFig,
    direction: travel,
    rag: rating,
    extraHeading,
    areas,
    months,
    anyWithheld,
  };
}

function group(panels: IndicatorPanel[]): OutcomeGroup[] {
  const groups: OutcomeGroup[] = [];
  for (const p of panels) {
    let g = groups.find((x) => x.outcome === p.indicator.outcome);
    if (!g) {
      g = { outcome: p.indicator.outcome, priorities: [], rag: overallRag([]), indicators: [] };
      groups.push(g);
    }
    if (!g.priorities.includes(p.indicator.priority)) g.priorities.push(p.indicator.priority);
    g.indicators.push(p);
  }
  for (const g of groups) g.rag = overallRag(g.indicators.map((p) => p.rag).filter((r) => r.code !== 'none'));
  return groups;
}

/**
 * Computed figures are kept for a short while, per partnership, organisation and period: a board
 * meeting's worth of people opening the same quarter, and each CSV download, then cost nothing, and a
 * download always matches the page it came from. The key holds everything the figures depend on (the
 * indicators API computes for the partnership, withholding small numbers by the viewer's
 * organisation), so no one is shown figures computed for another organisation. The page says when its
 * figures were computed; generating or refreshing a board report always computes afresh.
 */
export const FIGURES_CACHE = { seconds: 60, entries: 40 };
const cache = new Map<string, Dashboard>();

export function clearFiguresCache() {
  cache.clear();
}

function cached(key: string): Dashboard | null {
  const hit = cache.get(key);
  if (!hit) return null;
  if (Date.now() - Date.parse(hit.computedAt) > FIGURES_CACHE.seconds * 1000) {
    cache.delete(key);
    return null;
  }
  return hit;
}

/**
 * The figures for a period (all indicators, or the one named) without auditing: callers audit what
 * they show. `fresh` skips the short-lived cache.
 */
export async function computeDashboard(db: Kysely<DB>, actor: Actor, period: Period, only?: string, opts: { fresh?: boolean } = {}): Promise<Dashboard | null> {
  const key = [actor.partnershipId, actor.organisationId, period.kind, period.from, period.to].join('|');
  const hit = opts.fresh || FIGURES_CACHE.seconds <= 0 ? null : cached(key);
  if (hit) {
    if (!only) return hit;
    const groups = hit.groups.flatMap((g) => g.indicators.filter((p) => p.indicator.key === only).map((p) => ({ ...g, indicators: [p] })));
    return groups.length ? { ...hit, groups } : null;
  }
  const c = comparisonsFor(period);
  const dashboard = await withIndicators(db, actor, async (session) => {
    const chosen = only ? session.indicators.filter((i) => i.key === only) : session.indicators;
    if (only && !chosen.length) return null;
    const panels: IndicatorPanel[] = [];
    for (const indicator of chosen) panels.push(await panelFor(session, indicator, c));
    return { comparisons: c, groups: group(panels), anyWithheld: panels.some((p) => p.anyWithheld), computedAt: new Date().toISOString() };
  });
  if (dashboard && !only && FIGURES_CACHE.seconds > 0) {
    cache.set(key, dashboard);
    if (cache.size > FIGURES_CACHE.entries) cache.delete(cache.keys().next().value!);
  }
  return dashboard;
}

export async function viewDashboard(db: Kysely<DB>, actor: Actor, period: Period): Promise<Dashboard> {
  const dashboard = (await computeDashboard(db, actor, period))!;
  await withUser(db, actor.userId, (tx) =>
    auditBy(tx, actor, 'view', 'dashboard', null, { from: period.from, to: period.to, indicators: dashboard.groups.reduce((n, g) => n + g.indicators.length, 0) }),
  );
  return dashboard;
}

/** Audits a download of dashboard figures. */
export async function auditExport(db: Kysely<DB>, actor: Actor, what: { period: Period; indicator: string | null; table: string }) {
  await withUser(db, actor.userId, (tx) =>
    auditBy(tx, actor, 'export', 'dashboard', null, { format: 'csv', table: what.table, indicator: what.indicator, from: what.period.from, to: what.period.to }),
  );
}
