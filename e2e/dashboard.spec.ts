// Journey: an analyst opens the Safer Communities dashboard, chooses a period by keyboard (and sees a
// mistake explained), opens a chart's data table and downloads it as CSV; the charts are images drawn
// on the server and nothing on the page is blocked by our Content Security Policy. Then the same without
// JavaScript. Every page and state is checked with axe.
import { expect, test, type ConsoleMessage, type Locator, type Page } from '@playwright/test';
import { expectNoAxeViolations, expectNoAxeViolationsWithoutJs } from './support/axe.ts';
import { activate, chooseRadio, tabTo, typeInto } from './support/keyboard.ts';
import { signIn } from './support/session.ts';

// The whole dashboard is a big page (every indicator, two charts each): on a busy two-core machine
// the first one can take a while, so its checks wait longer than the default.
const PAGE = { timeout: 60_000 };
test.setTimeout(300_000);

const ANALYST = { email: 'analyst@endeavour.demo', name: 'Kwame Mensah' };
const BOARD = { email: 'board@endeavour.demo', name: 'Marcus Lawson' };

/** A chart image, scrolled to (they load lazily), shown and actually loaded: a broken image has no natural width. */
async function expectChartLoaded(chart: Locator) {
  await chart.scrollIntoViewIfNeeded();
  await expect(chart).toBeVisible();
  await expect.poll(() => chart.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), PAGE).toBeGreaterThan(0);
}

/** Console messages a blocked inline style or script would produce. */
function watchCsp(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (/Content Security Policy|Refused to (apply|execute|load)/i.test(m.text())) problems.push(m.text());
  });
  return problems;
}

test('an analyst chooses a quarter by keyboard, opens a data table and downloads it as CSV', async ({ page }) => {
  const csp = watchCsp(page);
  await signIn(page, ANALYST);
  await activate(page, page.locator('.moj-primary-navigation').getByRole('link', { name: 'Dashboard' }), 'the Dashboard link');
  await expect(page.getByRole('heading', { level: 1, name: 'Safer communities dashboard' })).toBeVisible(PAGE);
  // With nothing chosen, the latest complete quarter.
  await expect(page.getByTestId('period-heading')).toHaveText(/^\d{4}\/\d{2} Q[1-4]: /);
  await expectNoAxeViolations(page, 'dashboard, latest quarter');

  // A mistake first: a financial year that is not two years next to each other.
  const form = page.getByTestId('period-form');
  await chooseRadio(page, form.getByRole('group', { name: 'Which period do you want to see?' }), page.getByLabel('A quarter'), 'a quarter');
  await typeInto(page, page.getByLabel('Financial year'), '2025/27', 'the financial year');
  await chooseRadio(page, page.getByRole('group', { name: 'Quarter' }), page.getByLabel('Q3'), 'Q3');
  await activate(page, page.getByRole('button', { name: 'Show this period' }), 'the Show this period button');
  await expect(page).toHaveTitle(/^Error: Safer communities dashboard/, PAGE);
  await expect(page.locator('.govuk-error-summary').getByRole('link', { name: 'Financial year must be two years next to each other, like 2023/24' })).toHaveAttribute('href', '#year');
  await expect(page.getByLabel('Financial year')).toHaveValue('2025/27');
  await expectNoAxeViolations(page, 'dashboard, period with a mistake');

  await typeInto(page, page.getByLabel('Financial year'), '2025/26', 'the financial year');
  await activate(page, page.getByRole('button', { name: 'Show this period' }), 'the Show this period button');
  await expect(page.getByTestId('period-heading')).toHaveText('2025/26 Q3: October to December 2025', PAGE);
  await expect(page).toHaveURL(/year=2025%2F26&quarter=3/);
  await expectNoAxeViolations(page, 'dashboard, 2025/26 Q3');

  // Charts: server-drawn SVG images, loaded, named by their alt text with the chart's title and description.
  const indicator = page.getByTestId('indicator-asb-incidents-rate');
  const chart = indicator.getByRole('img', { name: /^ASB incidents recorded by partners \(rate per 1,000 population\): rate per 1,000 population by district, 12 months to December 2025\. Bar chart of \d+ districts\./ });
  await expectChartLoaded(chart);
  await expect(chart).toHaveAttribute('src', /^\/dashboard\/indicators\/asb-incidents-rate\/districts\.svg\?type=quarter&year=2025%2F26&quarter=3$/);
  await expectChartLoaded(indicator.getByRole('img', { name: /: month by month, 12 months to December 2025 and the year before\. Line chart of 12 months/ }));
  // The image itself: an SVG whose fonts are presentation attributes (a style="" would be dropped by the CSP).
  const svg = await page.request.get((await chart.getAttribute('src'))!);
  expect(svg.headers()['content-type']).toBe('image/svg+xml; charset=utf-8');
  const svgText = await svg.text();
  expect(svgText).toMatch(/^<svg width="640" height="\d+" xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  expect(svgText).toContain('font-size="14px"');
  expect(svgText).not.toMatch(/\sstyle=|<style/);

  // The districts' table, opened by keyboard: the indicator's link in the outcome's table moves focus
  // to its section, and the table's "Show" control is the next stop.
  await activate(page, page.getByTestId('summary-table').getByRole('link', { name: 'ASB incidents recorded by partners (rate per 1,000 population)' }), 'the indicator’s link');
  await expect(page).toHaveURL(/#indicator-asb-incidents-rate$/);
  const details = indicator.getByTestId('districts-details');
  await activate(page, details.locator('summary'), 'Show the districts as a table');
  const table = details.getByTestId('districts-table');
  await expect(table).toBeVisible();
  await expect(table.locator('thead th')).toHaveText(['Area', 'ONS code', '2025/26 Q3', '12 months to December 2025', 'Number, 12 months to December 2025']);
  await expect(table.locator('tbody tr')).toHaveCount(10);
  await expectNoAxeViolations(page, 'dashboard with a data table open');

  // Its CSV, by keyboard: the same header and rows.
  const download = page.waitForEvent('download');
  await activate(page, indicator.getByTestId('districts-csv'), 'Download the districts as CSV');
  const file = await download;
  expect(file.suggestedFilename()).toBe('asb-incidents-rate-districts-2025-26-q3.csv');
  const csv = (await (await file.createReadStream()).toArray()).map((b: Buffer) => b.toString('utf8')).join('').replace(/^\ufeff/, '');
  const lines = csv.trim().split(/\r\n/);
  expect(lines[0]).toBe('Area,ONS code,2025/26 Q3,12 months to December 2025,"Number, 12 months to December 2025"');
  expect(lines).toHaveLength(11);
  const firstRow = (await table.locator('tbody tr').first().locator('th, td').allTextContents()).map((t) => t.trim().replace(/,/g, ''));
  expect(lines[1]!.split(',')).toEqual(firstRow);
  expect(csp, 'nothing blocked by the Content Security Policy').toEqual([]);
});

test('a board member reads the dashboard; tabbing reaches the period form and every table', async ({ page }) => {
  await signIn(page, BOARD);
  await page.goto('/dashboard?type=month&month-month=13&month-year=2025');
  await expect(page.locator('.govuk-error-summary').getByRole('link', { name: 'Month must be a real month, from 1 to 12' })).toHaveAttribute('href', '#month-month', PAGE);
  await expectNoAxeViolations(page, 'dashboard, a month with a mistake');
  await typeInto(page, page.getByLabel('Month', { exact: true }), '10', 'the month');
  await activate(page, page.getByRole('button', { name: 'Show this period' }), 'the Show this period button');
  await expect(page.getByTestId('period-heading')).toHaveText('October 2025', PAGE);
  await tabTo(page, page.getByTestId('summary-csv'), 'the summary CSV link');
  await expectNoAxeViolations(page, 'dashboard, a month, as a board member');
});

test('without JavaScript: the period form, the charts, the tables and the downloads all work', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await signIn(page, ANALYST);
    await page.goto('/dashboard', PAGE);
    // Both choices' fields are shown without JavaScript; the form is an ordinary GET.
    await page.getByLabel('A month').check();
    await page.getByLabel('Month', { exact: true }).fill('11');
    await page.getByLabel('Year', { exact: true }).fill('2025');
    await page.getByRole('button', { name: 'Show this period' }).click();
    await expect(page.getByTestId('period-heading')).toHaveText('November 2025', PAGE);
    const indicator = page.getByTestId('indicator-asb-personal');
    await expectChartLoaded(indicator.getByTestId('districts-chart'));
    await expectChartLoaded(indicator.getByTestId('months-chart'));
    await expect(indicator.getByTestId('months-chart')).toHaveAccessibleName(/: month by month, 12 months to November 2025 and the year before\. Line chart of 12 months from December 2024 to November 2025/);
    // <details> opens without any script.
    await indicator.getByTestId('months-details').locator('summary').click();
    await expect(indicator.getByTestId('months-table')).toBeVisible();
    await expect(indicator.getByTestId('months-table').locator('tbody tr')).toHaveCount(12);
    await expectNoAxeViolationsWithoutJs(page, 'dashboard without JavaScript, a table open');
    const response = await page.request.get((await indicator.getByTestId('months-csv').getAttribute('href'))!);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toMatch(/^text\/csv/);
    expect((await response.text()).replace(/^\ufeff/, '').split('\r\n')[0]).toBe('Month,Figure,Same month a year earlier');
  } finally {
    await context.close();
  }
});
