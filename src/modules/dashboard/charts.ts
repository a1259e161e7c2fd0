// The two pictures of an indicator: districts side by side over the rolling year, and the months of
// the rolling year against the same months a year before. Each description says in words what the
// picture shows, for anyone who cannot see it; the tables beside them hold every figure.
// The page shows each chart as an image of its own (routes.ts): drawing all of a dashboard's charts
// took most of a first view's time, and an image is drawn only when someone scrolls to it. So the
// words (the image's alt text) and the size are worked out here without drawing, and the drawing is
// done only when the image itself is asked for.
import { barChart, barChartSize, lineChart, lineChartSize, standaloneSvg, type BarChartSpec, type LineChartSpec } from '../../platform/charts/charts.ts';
import { formatter, type Figure } from './format.ts';
import { monthName } from './period.ts';
import type { Comparisons, IndicatorPanel } from './service.ts';

export type ChartName = 'districts' | 'months';

export interface PanelChartSpecs {
  districts: BarChartSpec;
  /** What the bars measure, for the heading above them. */
  districtsMeasure: string;
  months: LineChartSpec;
}

export interface ChartImage {
  src: string;
  /** The chart's title and description, as the inline SVG's <title> and <desc> carried them. */
  alt: string;
  width: number;
  height: number;
}

export interface PanelChartImages {
  districts: ChartImage;
  districtsMeasure: string;
  months: ChartImage;
}

function extremes(rows: { name: string; value: number }[], text: (v: number) => string): string {
  if (rows.length < 2) return '';
  const sorted = [...rows].sort((a, b) => b.value - a.value);
  const hi = sorted[0]!;
  const lo = sorted[sorted.length - 1]!;
  return ` Highest: ${hi.name}, ${text(hi.value)}. Lowest: ${lo.name}, ${text(lo.value)}.`;
}

/** Everything that goes into an indicator's two charts: their words and data, nothing drawn. */
export function panelChartSpecs(panel: IndicatorPanel, c: Comparisons, idPrefix = 'chart'): PanelChartSpecs {
  const { indicator } = panel;
  const useRate = panel.extraHeading === 'Rate per 1,000 population';
  const unit = useRate ? 'rate_per_1000' : indicator.unit;
  const text = formatter(unit);
  const pick = (row: { rolling: Figure; extra: Figure | null }) => (useRate ? row.extra! : row.rolling);
  const districts = panel.areas.filter((a) => !a.isTotal);
  const total = panel.areas.find((a) => a.isTotal);
  const totalValue = total ? pick(total).value : null;
  const measure = useRate || indicator.unit === 'rate_per_1000' ? 'rate per 1,000 population' : indicator.unit === 'percentage' ? 'percentage' : 'number';
  const shown = districts.filter((d) => pick(d).value !== null).map((d) => ({ name: d.areaName, value: pick(d).value! }));
  const withheld = districts.filter((d) => pick(d).suppressed).length;
  const missing = districts.length - shown.length - withheld;
  const bars: BarChartSpec = {
    id: `${idPrefix}-${indicator.key}-districts`,
    title: `${indicator.name}: ${measure} by district, ${c.rolling.name}`,
    description:
      `Bar chart of ${districts.length} districts.` +
      (totalValue !== null ? ` The dashed line is the partnership's figure, ${text(totalValue)}.` : '') +
      extremes(shown, text) +
      (withheld ? ` ${withheld} withheld, shown without a bar.` : '') +
      (missing ? ` ${missing} with no figure.` : ''),
    categories: districts.map((d) => d.areaName),
    values: districts.map((d) => pick(d).value),
    reference: totalValue !== null ? { label: 'Partnership', value: totalValue } : null,
    format: text,
  };

  const monthText = formatter(indicator.unit);
  const recent = panel.months.filter((m) => m.value.value !== null);
  const last = recent[recent.length - 1];
  const lines: LineChartSpec = {
    id: `${idPrefix}-${indicator.key}-months`,
    title: `${indicator.name}: month by month, ${c.rolling.name} and the year before`,
    description:
      `Line chart of ${panel.months.length} months from ${monthName(c.rolling.from)} to ${monthName(c.rolling.to)}, ` +
      `with the same months a year earlier as a dashed line.` +
      (last ? ` Latest: ${last.name}, ${monthText(last.value.value!)}; a year earlier, ${last.yearEarlier.value === null ? last.yearEarlier.text : monthText(last.yearEarlier.value)}.` : ' No monthly figures.'),
    categories: panel.months.map((m) => monthName(m.month, 'short')),
    series: [
      { name: c.rolling.name, values: panel.months.map((m) => m.value.value) },
      { name: c.previousRolling.name, values: panel.months.map((m) => m.yearEarlier.value), dashed: true },
    ],
    format: monthText,
  };
  return { districts: bars, districtsMeasure: measure, months: lines };
}

const altText = (spec: { title: string; description: string }) => `${spec.title}. ${spec.description}`;

/** The page's images of an indicator's charts; `query` is the period as the page's links carry it. */
export function panelChartImages(panel: IndicatorPanel, c: Comparisons, query: string): PanelChartImages {
  const specs = panelChartSpecs(panel, c);
  const src = (name: ChartName) => `/dashboard/indicators/${panel.indicator.key}/${name}.svg?${query}`;
  return {
    districts: { src: src('districts'), alt: altText(specs.districts), ...barChartSize(specs.districts) },
    districtsMeasure: specs.districtsMeasure,
    months: { src: src('months'), alt: altText(specs.months), ...lineChartSize(specs.months) },
  };
}

/** One of an indicator's charts drawn, as an SVG document of its own (memoised by its content). */
export function drawPanelChart(panel: IndicatorPanel, c: Comparisons, name: ChartName): string {
  const specs = panelChartSpecs(panel, c);
  return name === 'districts' ? standaloneSvg(barChart(specs.districts), barChartSize(specs.districts)) : standaloneSvg(lineChart(specs.months), lineChartSize(specs.months));
}
