// Turns counts into indicator values: per district and for the whole partnership over a period, or
// month by month. Records indicators come from indicator_values (counts only, small numbers already
// suppressed in the database); series indicators from the imported figures, never suppressed.
// Rates are count × 1,000 ÷ the area's population for the latest census year not after the period's
// end (or the earliest there is); the partnership's population is the sum of its districts'.
import {
  hasRate,
  monthsBetween,
  type AreaValue,
  type Indicator,
  type MonthValue,
  type Period,
} from './definitions.ts';
import {
  populations,
  recordFigures,
  reportingAreas,
  seriesFigures,
  type AreaRow,
  type Executor,
} from './repository.ts';

export type Viewer = 'acting user' | { partnershipId: string; organisationId: string | null };

interface Context {
  db: Executor;
  partnershipId: string;
  viewer: Viewer;
  areas: AreaRow[];
  populationsByArea: Map<string, { year: number; population: number }[]>;
}

/** What one computation needs once, however many indicators and periods it then computes. */
export class IndicatorComputer {
  private readonly ctx: Context;

  private constructor(ctx: Context) {
    this.ctx = ctx;
  }

  static async open(db: Executor, partnershipId: string, viewer: Viewer): Promise<IndicatorComputer> {
    const areas = await reportingAreas(db, partnershipId);
    const pops = await populations(db, areas.map((a) => a.id));
    const populationsByArea = new Map<string, { year: number; population: number }[]>();
    for (const p of pops) {
      const list = populationsByArea.get(p.area_id) ?? [];
      list.push({ year: p.year, population: p.population });
      populationsByArea.set(p.area_id, list);
    }
    return new IndicatorComputer({ db, partnershipId, viewer, areas, populationsByArea });
  }

  get areas(): AreaRow[] {
    return this.ctx.areas;
  }

  /** An area's population for rates in a given year; null when none is recorded. */
  population(areaId: string, year: number): number | null {
    const list = this.ctx.populationsByArea.get(areaId);
    if (!list?.length) return null;
    const before = list.filter((p) => p.year <= year).sort((a, b) => b.year - a.year)[0];
    return (before ?? [...list].sort((a, b) => a.year - b.year)[0]!).population;
  }

  /** The partnership's population: every district's, or null if any is missing. */
  partnershipPopulation(year: number): number | null {
    let sum = 0;
    for (const a of this.ctx.areas) {
      const p = this.population(a.id, year);
      if (p === null) return null;
      sum += p;
    }
    return this.ctx.areas.length ? sum : null;
  }

  async values(indicator: Indicator, period: Period): Promise<AreaValue[]> {
    const year = Number(period.to.slice(0, 4));
    const counts = indicator.source === 'records' ? await this.recordTotals(indicator, period) : await this.seriesTotals(indicator, period);
    const out: AreaValue[] = this.ctx.areas.map((a) => {
      const c = counts.get(a.id) ?? { n: null, d: null, suppressed: false };
      return { areaId: a.id, areaCode: a.code, areaName: a.name, ...shape(indicator, c, this.population(a.id, year)) };
    });
    const total = counts.get(null) ?? { n: null, d: null, suppressed: false };
    out.push({ areaId: null, areaCode: null, areaName: 'Partnership', ...shape(indicator, total, this.partnershipPopulation(year)) });
    return out;
  }

  async trend(indicator: Indicator, period: Period, areaId: string | null): Promise<MonthValue[]> {
    const months = monthsBetween(period.from, period.to);
    const byMonth = indicator.source === 'records' ? await this.recordMonths(indicator, period, areaId) : await this.seriesMonths(indicator, period, areaId);
    return months.map((month) => {
      const c = byMonth.get(month) ?? { n: null, d: null, suppressed: false };
      const year = Number(month.slice(0, 4));
      const pop = areaId === null ? this.partnershipPopulation(year) : this.population(areaId, year);
      const s = shape(indicator, c, pop);
      return { month, value: s.value, suppressed: s.suppressed };
    });
  }

  // ---- records ----

  private async recordTotals(indicator: Indicator, period: Period): Promise<Map<string | null, Counted>> {
    const rows = await recordFigures(this.ctx.db, this.ctx.viewer, indicator.measure!, indicator.filter, period.from, period.to, false, null);
    const out = new Map<string | null, Counted>();
    for (const r of rows) out.set(r.area_id, { n: r.numerator, d: r.denominator, suppressed: r.suppressed });
    return out;
  }

  private async recordMonths(indicator: Indicator, period: Period, areaId: string | null): Promise<Map<string, Counted>> {
    const rows = await recordFigures(this.ctx.db, this.ctx.viewer, indicator.measure!, indicator.filter, period.from, period.to, true, areaId);
    const out = new Map<string, Counted>();
    for (const r of rows) if (r.month) out.set(r.month, { n: r.numerator, d: r.denominator, suppressed: r.suppressed });
    return out;
  }

  // ---- series ----

  /** Figures by month for each district, and for the partnership (its own figure, or the districts' sum). */
  private async seriesGrid(indicator: Indicator, period: Period) {
    const figures = await seriesFigures(this.ctx.db, this.ctx.partnershipId, indicator.seriesName!, period.from, period.to);
    const districts = new Set(this.ctx.areas.map((a) => a.id));
    const grid = new Map<string | null, Map<string, number>>();
    const put = (area: string | null, month: string, v: number) => {
      const m = grid.get(area) ?? new Map<string, number>();
      m.set(month, (m.get(month) ?? 0) + v);
      grid.set(area, m);
    };
    const partnershipOwn = new Map<string, number>();
    for (const f of figures) {
      if (f.area_id === null) partnershipOwn.set(f.month, f.value);
      else if (districts.has(f.area_id)) put(f.area_id, f.month, f.value);
    }
    const total = new Map<string, number>();
    for (const month of monthsBetween(period.from, period.to)) {
      const own = partnershipOwn.get(month);
      if (own !== undefined) total.set(month, own);
      else if (indicator.unit !== 'percentage') {
        let sum: number | null = null;
        for (const [area, m] of grid) if (area !== null && m.has(month)) sum = (sum ?? 0) + m.get(month)!;
        if (sum !== null) total.set(month, sum);
      }
    }
    grid.set(null, total);
    return grid;
  }

  private async seriesTotals(indicator: Indicator, period: Period): Promise<Map<string | null, Counted>> {
    const grid = await this.seriesGrid(indicator, period);
    const out = new Map<string | null, Counted>();
    for (const [area, months] of grid) {
      if (!months.size) continue;
      if (indicator.unit === 'percentage') {
        // A survey's percentage does not add up over months: the period's figure is its latest.
        const latest = [...months.keys()].sort().at(-1)!;
        out.set(area, { n: months.get(latest)!, d: null, suppressed: false, given: true });
      } else {
        let sum = 0;
        for (const v of months.values()) sum += v;
        out.set(area, { n: sum, d: null, suppressed: false });
      }
    }
    return out;
  }

  private async seriesMonths(indicator: Indicator, period: Period, areaId: string | null): Promise<Map<string, Counted>> {
    const grid = await this.seriesGrid(indicator, period);
    const out = new Map<string, Counted>();
    for (const [month, v] of grid.get(areaId) ?? new Map<string, number>()) {
      out.set(month, { n: v, d: null, suppressed: false, given: indicator.unit === 'percentage' });
    }
    return out;
  }
}

interface Counted {
  n: number | null;
  d: number | null;
  suppressed: boolean;
  /** The figure is already the indicator's value (an imported percentage). */
  given?: boolean;
}

type Shaped = Pick<AreaValue, 'value' | 'numerator' | 'denominator' | 'ratePer1000' | 'suppressed'>;

function shape(indicator: Indicator, c: Counted, population: number | null): Shaped {
  if (c.suppressed) return { value: null, numerator: null, denominator: null, ratePer1000: null, suppressed: true };
  if (c.n === null) return { value: null, numerator: null, denominator: null, ratePer1000: null, suppressed: false };
  const rate = population ? (c.n * 1000) / population : null;
  switch (indicator.unit) {
    case 'percentage':
      if (c.given) return { value: c.n, numerator: null, denominator: null, ratePer1000: null, suppressed: false };
      return {
        value: c.d ? (c.n * 100) / c.d : null,
        numerator: c.n,
        denominator: c.d,
        ratePer1000: null,
        suppressed: false,
      };
    case 'rate_per_1000':
      return { value: rate, numerator: c.n, denominator: population, ratePer1000: rate, suppressed: false };
    case 'count':
      return { value: c.n, numerator: c.n, denominator: population, ratePer1000: hasRate(indicator) ? rate : null, suppressed: false };
  }
}
