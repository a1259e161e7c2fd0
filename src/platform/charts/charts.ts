// Charts drawn on the server as SVG by Apache ECharts, so they show without JavaScript and print as
// they look. Each chart is an image with a title and a description; the numbers themselves belong in
// a data table next to it (the chart is never the only way to read them). Colours are GOV.UK's, and
// no meaning is carried by colour alone: a second series is also dashed, and every bar is labelled.
// Only the parts of ECharts these charts use: with every chart type and component registered, each
// setOption runs every registered processor, which made drawing a chart several times slower.
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { sanitiseChartSvg, type SvgLabel } from './svg.ts';

export { escapeXml, standaloneSvg } from './svg.ts';
export type { SvgLabel } from './svg.ts';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, SVGRenderer]);

const TEXT = '#0b0c0c';
const SECONDARY_TEXT = '#505a5f';
const GRID_LINE = '#b1b4b6';
const BLUE = '#1d70b8';
const FONT = 'arial, sans-serif';

type Format = (value: number) => string;
const defaultFormat: Format = (v) => v.toLocaleString('en-GB', { maximumFractionDigits: 2 });

export interface BarChartSpec extends SvgLabel {
  categories: string[];
  /** null draws no bar (no figure, or one withheld); the data table says why. */
  values: (number | null)[];
  /** A line across every bar, such as the partnership's own figure to compare districts with. */
  reference?: { label: string; value: number } | null;
  format?: Format;
  width?: number;
}

export interface LineSeries {
  name: string;
  values: (number | null)[];
  dashed?: boolean;
}

export interface LineChartSpec extends SvgLabel {
  categories: string[];
  series: LineSeries[];
  format?: Format;
  width?: number;
  height?: number;
}

// Drawing one chart costs ECharts 5–20 ms of CPU, and a dashboard draws dozens: the same figures give
// the same picture, so the last few hundred are kept, keyed by everything that went into them.
const MEMO_SIZE = 400;
const memo = new Map<string, string>();

function memoised(key: string, draw: () => string): string {
  const hit = memo.get(key);
  if (hit !== undefined) {
    memo.delete(key);
    memo.set(key, hit);
    return hit;
  }
  const svg = draw();
  memo.set(key, svg);
  if (memo.size > MEMO_SIZE) memo.delete(memo.keys().next().value!);
  return svg;
}

// Counted so a test can show a page that only links to its charts draws none of them.
let drawn = 0;
/** How many charts this process has drawn (memoised ones are not drawn again). */
export function chartsDrawn(): number {
  return drawn;
}

function render(option: echarts.EChartsCoreOption, width: number, height: number, label: SvgLabel): string {
  drawn++;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT, color: TEXT }, ...option });
    return sanitiseChartSvg(chart.renderToSVGString(), label);
  } finally {
    chart.dispose();
  }
}

const valueAxis = (format: Format) => ({
  type: 'value' as const,
  axisLabel: { color: SECONDARY_TEXT, fontSize: 14, formatter: (v: number) => format(v) },
  splitLine: { lineStyle: { color: GRID_LINE, type: 'dashed' as const } },
});

/** Horizontal bars, one per category (district names are long), each labelled with its value. */
export function barChart(spec: BarChartSpec): string {
  return memoised(`bar${chartKey(spec)}`, () => drawBarChart(spec));
}

/** The spec as a key: its data plus the output of its formatter for each value (the function itself has no key). */
function chartKey(spec: BarChartSpec | LineChartSpec): string {
  const format = spec.format ?? defaultFormat;
  const values = 'values' in spec ? spec.values : spec.series.flatMap((s) => s.values);
  return JSON.stringify({ ...spec, probe: format(1234.5678), format: values.map((v) => (v === null ? null : format(v))), reference: 'reference' in spec && spec.reference ? [spec.reference, format(spec.reference.value)] : null });
}

/** A bar chart's size, known without drawing it: a page showing the chart as an image reserves its space. */
export function barChartSize(spec: BarChartSpec): { width: number; height: number } {
  return { width: spec.width ?? 640, height: Math.max(160, 60 + spec.categories.length * 40 + (spec.reference ? 30 : 0)) };
}

function drawBarChart(spec: BarChartSpec): string {
  const format = spec.format ?? defaultFormat;
  const { width, height } = barChartSize(spec);
  // ECharts draws the first category at the bottom; reverse so the chart reads in the table's order.
  const categories = [...spec.categories].reverse();
  const values = [...spec.values].reverse();
  return render(
    {
      grid: { left: 200, right: 70, top: spec.reference ? 40 : 20, bottom: 40 },
      xAxis: valueAxis(format),
      yAxis: {
        type: 'category',
        data: categories,
        axisLabel: { color: TEXT, fontSize: 14, width: 185, overflow: 'break' },
        axisLine: { lineStyle: { color: SECONDARY_TEXT } },
        axisTick: { show: false },
      },
      series: [
        {
          type: 'bar',
          data: values,
          itemStyle: { color: BLUE },
          barMaxWidth: 28,
          label: { show: true, position: 'right', color: TEXT, fontSize: 14, formatter: (p: { value: unknown }) => (typeof p.value === 'number' ? format(p.value) : '') },
          markLine: spec.reference
            ? {
                symbol: 'none',
                silent: true,
                lineStyle: { color: TEXT, type: 'dashed', width: 2 },
                label: { show: true, position: 'end', color: TEXT, fontSize: 14, formatter: `${spec.reference.label}: ${format(spec.reference.value)}` },
                data: [{ xAxis: spec.reference.value }],
              }
            : undefined,
        },
      ],
    },
    width,
    height,
    spec,
  );
}

/** Months along the bottom, one line per series; a break in a line is a month with no figure. */
export function lineChart(spec: LineChartSpec): string {
  return memoised(`line${chartKey(spec)}`, () => drawLineChart(spec));
}

/** A line chart's size, known without drawing it. */
export function lineChartSize(spec: LineChartSpec): { width: number; height: number } {
  return { width: spec.width ?? 640, height: spec.height ?? 320 };
}

function drawLineChart(spec: LineChartSpec): string {
  const { width, height } = lineChartSize(spec);
  const format = spec.format ?? defaultFormat;
  const colours = [BLUE, TEXT, SECONDARY_TEXT];
  const showLegend = spec.series.length > 1;
  return render(
    {
      grid: { left: 70, right: 30, top: showLegend ? 50 : 20, bottom: 60 },
      legend: showLegend ? { top: 0, left: 'center', textStyle: { color: TEXT, fontSize: 14 }, itemWidth: 30 } : undefined,
      xAxis: {
        type: 'category',
        data: spec.categories,
        boundaryGap: false,
        axisLabel: { color: SECONDARY_TEXT, fontSize: 13, rotate: 45 },
        axisLine: { lineStyle: { color: SECONDARY_TEXT } },
      },
      yAxis: valueAxis(format),
      series: spec.series.map((s, i) => ({
        type: 'line',
        name: s.name,
        data: s.values,
        connectNulls: false,
        symbol: s.dashed ? 'emptyCircle' : 'circle',
        symbolSize: 7,
        lineStyle: { color: colours[i % colours.length], width: 3, type: s.dashed ? 'dashed' : 'solid' },
        itemStyle: { color: colours[i % colours.length] },
      })),
    },
    width,
    height,
    spec,
  );
}
