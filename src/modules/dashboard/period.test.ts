// Periods, judgements and charts, without a database: how the dashboard reads the period form, how
// it words the direction of travel and the rating (with each polarity), and that its charts are
// SVG our CSP allows and assistive technology can name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latestCompleteQuarter, monthPeriod, parsePeriod, periodQuery, quarterOf, quarterPeriod, rollingYear, yearEarlier } from './period.ts';
import { direction, overallRag, rag, type Judged } from './assess.ts';
import { figure } from './format.ts';
import { barChart, lineChart } from '../../platform/charts/charts.ts';

const today = new Date('2026-11-25T12:00:00Z');

test('a quarter is of the financial year, and is written as boards write it', () => {
  const q2 = quarterPeriod(2023, 2);
  assert.deepEqual([q2.from, q2.to, q2.name, q2.span], ['2023-07', '2023-09', '2023/24 Q2', 'July to September 2023']);
  const q4 = quarterPeriod(2023, 4);
  assert.deepEqual([q4.from, q4.to, q4.name, q4.span], ['2024-01', '2024-03', '2023/24 Q4', 'January to March 2024']);
  assert.deepEqual(quarterOf('2024-03'), { year: 2023, quarter: 4 });
  assert.deepEqual(quarterOf('2024-04'), { year: 2024, quarter: 1 });
  assert.deepEqual(quarterOf('2023-12'), { year: 2023, quarter: 3 });
  assert.deepEqual(rollingYear(q2), { from: '2022-10', to: '2023-09' });
  assert.deepEqual(yearEarlier(q2), { from: '2022-07', to: '2022-09' });
  assert.equal(latestCompleteQuarter(today).name, '2026/27 Q2');
  assert.equal(latestCompleteQuarter(new Date('2026-04-01T00:00:00Z')).name, '2025/26 Q4');
});

test('the period form: nothing chosen gives the latest complete quarter; what was chosen round-trips as a link', () => {
  const none = parsePeriod({}, today);
  assert.equal(none.period?.name, '2026/27 Q2');
  assert.equal(none.errors.list.length, 0);
  for (const year of ['2023/24', '2023-24', '2023/2024', '2023', ' 2023 / 24 ']) {
    const r = parsePeriod({ type: 'quarter', year, quarter: '2' }, today);
    assert.equal(r.period?.name, '2023/24 Q2', year);
  }
  const month = parsePeriod({ type: 'month', 'month-month': '9', 'month-year': '2023' }, today);
  assert.deepEqual(month.period, monthPeriod('2023-09'));
  for (const p of [quarterPeriod(2023, 2), monthPeriod('2023-09')]) {
    const again = parsePeriod(Object.fromEntries(new URLSearchParams(periodQuery(p))), today);
    assert.deepEqual(again.period, p);
  }
});

test('the period form: each mistake gets its own message, pointing at its field, and keeps what was typed', () => {
  const cases: [Record<string, string>, string, string][] = [
    [{ type: 'week' }, 'type', 'Select whether to show a quarter or a month'],
    [{ type: 'quarter', quarter: '2' }, 'year', 'Enter the financial year, like 2023/24'],
    [{ type: 'quarter', year: 'last year', quarter: '2' }, 'year', 'Financial year must be a year like 2023/24'],
    [{ type: 'quarter', year: '2023/25', quarter: '2' }, 'year', 'Financial year must be two years next to each other, like 2023/24'],
    [{ type: 'quarter', year: '1999/00', quarter: '2' }, 'year', 'Financial year must be 2000/01 or later'],
    [{ type: 'quarter', year: '2023/24', quarter: '5' }, 'quarter', 'Select a quarter'],
    [{ type: 'quarter', year: '2027/28', quarter: '1' }, 'year', '2027/28 Q1 has not started yet: choose a quarter that has'],
    [{ type: 'month' }, 'month-month', 'Enter the month and year, like 9 2023'],
    [{ type: 'month', 'month-month': '9' }, 'month-year', 'Month must include a year'],
    [{ type: 'month', 'month-month': '13', 'month-year': '2023' }, 'month-month', 'Month must be a real month, from 1 to 12'],
    [{ type: 'month', 'month-month': '9', 'month-year': '23' }, 'month-year', 'Year must be 4 numbers, like 2023'],
    [{ type: 'month', 'month-month': '12', 'month-year': '2026' }, 'month-month', 'December 2026 has not started yet: choose a month that has'],
  ];
  for (const [query, field, message] of cases) {
    const r = parsePeriod(query, today);
    assert.equal(r.period, null, JSON.stringify(query));
    assert.deepEqual(r.errors.list[0], { text: message, href: `#${field}` }, JSON.stringify(query));
    for (const [k, v] of Object.entries(query)) if (k !== 'type' || ['quarter', 'month'].includes(v)) assert.equal(r.values[k], v.trim());
  }
  // Both quarter fields wrong: both reported, in the order of the form.
  const both = parsePeriod({ type: 'quarter', year: 'x', quarter: '' }, today);
  assert.deepEqual(both.errors.list.map((e) => e.href), ['#year', '#quarter']);
  // Arrays and oversized values from odd clients are read as text, never thrown on.
  assert.equal(parsePeriod({ type: ['quarter', 'month'], year: ['2023'], quarter: '2' }, today).period?.name, '2023/24 Q2');
  assert.equal(parsePeriod({ type: 'month', 'month-month': '9'.repeat(5000), 'month-year': '2023' }, today).period, null);
});

const lowerIsBetter: Judged = { polarity: 'down_is_good', target: null, band: null };
const higherIsBetter: Judged = { polarity: 'up_is_good', target: null, band: null };
const neutral: Judged = { polarity: 'neutral', target: null, band: null };

test('direction of travel says improving or worsening by polarity, in words', () => {
  assert.equal(direction(lowerIsBetter, 5.88, 7.4).code, 'improving');
  assert.equal(direction(lowerIsBetter, 5.88, 7.4).text, 'Improving');
  assert.match(direction(lowerIsBetter, 5.88, 7.4).change, /^down 20\.5% from 7\.4$/);
  assert.equal(direction(lowerIsBetter, 9.27, 8).code, 'worsening');
  assert.equal(direction(higherIsBetter, 9.27, 8).code, 'improving');
  assert.equal(direction(higherIsBetter, 69.7, 90.35).code, 'worsening');
  // Neutral: the movement, without a judgement.
  assert.equal(direction(neutral, 12, 10).text, 'Up');
  assert.equal(direction(neutral, 8, 10).text, 'Down');
  // Small movements are "stable", whichever way.
  assert.equal(direction(lowerIsBetter, 72.8, 72.47).code, 'stable');
  assert.equal(direction(higherIsBetter, 100, 100).change, 'no change from 100');
  // Nothing to compare.
  assert.equal(direction(lowerIsBetter, 5, null).text, 'No comparison');
  assert.equal(direction(lowerIsBetter, null, 5).code, 'none');
  // From nothing to something is a change, not a division by zero.
  assert.equal(direction(lowerIsBetter, 3, 0).code, 'worsening');
  assert.equal(direction(lowerIsBetter, 3, 0).change, 'up from 0');
});

test('the rating: against a band, then a target (by polarity), then the direction of travel; always in words', () => {
  const marac: Judged = { polarity: 'neutral', target: null, band: { low: 28, high: 40 } };
  const none = direction(marac, null, null);
  assert.deepEqual([rag(marac, 37, none).text, rag(marac, 37, none).reason], ['Green', 'within the 28 to 40 band']);
  assert.equal(rag(marac, 42, none).text, 'Amber');
  assert.equal(rag(marac, 51, none).text, 'Red');
  assert.equal(rag(marac, 27, none).reason, 'below the 28 to 40 band');
  const overdue: Judged = { polarity: 'down_is_good', target: 10, band: null };
  assert.equal(rag(overdue, 8, none).text, 'Green');
  assert.equal(rag(overdue, 10.5, none).text, 'Amber');
  assert.equal(rag(overdue, 15, none).text, 'Red');
  assert.equal(rag(overdue, 15, none).reason, 'above the target of 10');
  const ete: Judged = { polarity: 'up_is_good', target: 60, band: null };
  assert.equal(rag(ete, 63.6, none).text, 'Green');
  assert.equal(rag(ete, 55, none).text, 'Amber');
  assert.equal(rag(ete, 40, none).text, 'Red');
  // No target or band: the direction of travel decides, honouring polarity.
  assert.equal(rag(lowerIsBetter, 5.88, direction(lowerIsBetter, 5.88, 7.4)).text, 'Green');
  assert.equal(rag(higherIsBetter, 5.88, direction(higherIsBetter, 5.88, 7.4)).text, 'Red');
  assert.equal(rag(lowerIsBetter, 72.8, direction(lowerIsBetter, 72.8, 72.47)).text, 'Amber');
  assert.equal(rag(neutral, 12, direction(neutral, 12, 10)).text, 'Not rated');
  assert.equal(rag(lowerIsBetter, null, none).reason, 'no figure for the period');
  // Every rating carries its colour as a GOV.UK tag and its meaning as text.
  for (const r of [rag(marac, 37, none), rag(marac, 42, none), rag(marac, 51, none), rag(neutral, 1, none)]) assert.ok(r.text && r.tag.startsWith('govuk-tag--'));
  // An outcome takes its lowest rating.
  assert.equal(overallRag([rag(marac, 37, none), rag(marac, 42, none)]).text, 'Amber');
  assert.equal(overallRag([rag(marac, 37, none), rag(marac, 51, none)]).reason, '1 of 2 indicators red');
  assert.equal(overallRag([]).text, 'Not rated');
});

test('figures are rounded as boards read them, and withheld numbers say so', () => {
  assert.equal(figure(1234, false, 'count').text, '1,234');
  assert.equal(figure(1234, false, 'count').csv, '1234');
  assert.equal(figure(2.6149, false, 'rate_per_1000').text, '2.61');
  assert.equal(figure(5, false, 'rate_per_1000').text, '5.00');
  assert.equal(figure(37.04, false, 'percentage').text, '37%');
  assert.equal(figure(69.7, false, 'percentage').csv, '69.7');
  assert.deepEqual(figure(null, true, 'count'), { value: null, suppressed: true, text: 'withheld', csv: 'withheld' });
  assert.equal(figure(null, false, 'count').text, 'no figure');
});

test('charts are SVG images with a title and a description, no inline styles (our CSP blocks them) and no script', () => {
  const bar = barChart({
    id: 'test-bar',
    title: 'ASB <rate> & more',
    description: 'Districts "compared"',
    categories: ['Blaby', '<script>alert(1)</script>', 'Charnwood'],
    values: [1.2, null, 3.4],
    reference: { label: 'Partnership', value: 2 },
  });
  const line = lineChart({ id: 'test-line', title: 'Trend', description: 'Months', categories: ['Jan', 'Feb', 'Mar'], series: [{ name: 'This year', values: [1, null, 3] }, { name: 'Last year', values: [2, 2, 2], dashed: true }] });
  for (const svg of [bar, line]) {
    assert.match(svg, /^<svg [^>]*role="img"/);
    assert.doesNotMatch(svg, /\sstyle=|<style|<script|\son\w+=/i);
    assert.doesNotMatch(svg, /\s(width|height)="\d+"[^>]*viewBox/, 'scales with its container');
    assert.match(svg, /viewBox="0 0 \d+ \d+"/);
  }
  assert.match(bar, /aria-labelledby="test-bar-title test-bar-desc"><title id="test-bar-title">ASB &lt;rate&gt; &amp; more<\/title><desc id="test-bar-desc">Districts &quot;compared&quot;<\/desc>/);
  assert.match(bar, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  // Fonts survive as presentation attributes, which CSP does not govern.
  assert.match(bar, /<text [^>]*font-size="14px"[^>]*font-family="arial, sans-serif"/);
  // The same chart twice is the same picture (and comes from the memo).
  assert.equal(barChart({ id: 'test-bar', title: 'ASB <rate> & more', description: 'Districts "compared"', categories: ['Blaby', '<script>alert(1)</script>', 'Charnwood'], values: [1.2, null, 3.4], reference: { label: 'Partnership', value: 2 } }), bar);
  // Internal ids are the chart's own, so two charts on a page never share one.
  for (const id of line.matchAll(/\sid="([^"]+)"/g)) assert.ok(id[1]!.startsWith('test-line-'), id[1]);
});
