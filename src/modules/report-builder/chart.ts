// The report's chart, drawn on the server as SVG (src/platform/charts): a line through time for
// months and years, bars for everything else. It shows the first grouping's totals; the table beside
// it has every figure, so the chart is never the only way to read them.
import { barChart, lineChart } from '../../platform/charts/charts.ts';
import type { ReportDefinition } from './params.ts';
import type { ReportTable } from './table.ts';

/** Bars beyond this are not readable; the description says the chart is cut short. */
export const MAX_BARS = 30;

export function reportChart(d: ReportDefinition, table: ReportTable): string | null {
  const series = table.series;
  if (!series.length || table.total === 0) return null;
  const what = d.measure.key === 'count' ? d.record.noun : `${d.measure.label.toLowerCase()} (${d.record.noun})`;
  const title = `${d.record.label}: ${d.measure.label.toLowerCase()} by ${d.group.label.toLowerCase()}`;
  const timeSeries = (d.group.vocabulary.kind === 'month' || d.group.vocabulary.kind === 'year') && series.length > 1 && series.every((s) => s.label !== 'Not recorded');
  if (timeSeries) {
    return lineChart({
      id: 'report-chart',
      title,
      description: `A line chart of ${what} by ${d.group.label.toLowerCase()}, from ${series[0]!.label} to ${series[series.length - 1]!.label}. The table below has every figure.`,
      categories: series.map((s) => s.label),
      series: [{ name: d.measure.label, values: series.map((s) => s.value) }],
      width: 720,
    });
  }
  const shown = series.slice(0, MAX_BARS);
  const cut = series.length > shown.length ? ` It shows the first ${shown.length} of ${series.length} groups; the table has them all.` : '';
  return barChart({
    id: 'report-chart',
    title,
    description: `A bar chart of ${what} by ${d.group.label.toLowerCase()}, one bar for each ${d.group.label.toLowerCase()}.${cut} The table below has every figure.`,
    categories: shown.map((s) => s.label),
    values: shown.map((s) => s.value),
    width: 720,
  });
}
