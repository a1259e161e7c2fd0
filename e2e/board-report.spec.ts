// Journey: an analyst generates the quarterly board report by keyboard, writes a section's text,
// opens the print view (laid out for print) and downloads the PDF and the figures as CSV; a board
// member reads it but cannot change it; and writing a section works without JavaScript. Every page
// and state is checked with axe.
import { expect, test } from '@playwright/test';
import { expectNoAxeViolations, expectNoAxeViolationsWithoutJs } from './support/axe.ts';
import { activate, chooseRadio, typeInto } from './support/keyboard.ts';
import { signIn } from './support/session.ts';

test.describe.configure({ mode: 'serial' });
// Generating a report computes the whole dashboard, which on a busy two-core machine takes a while.
const PAGE = { timeout: 60_000 };
test.setTimeout(300_000);

const ANALYST = { email: 'analyst@endeavour.demo', name: 'Kwame Mensah' };
const BOARD = { email: 'board@endeavour.demo', name: 'Marcus Lawson' };
const TITLE = 'Safer communities performance 2025/26 Q4';
let reportPath = '';

test('an analyst generates a quarter’s report by keyboard, in the board’s shape', async ({ page }) => {
  await signIn(page, ANALYST);
  await activate(page, page.locator('.moj-primary-navigation').getByRole('link', { name: 'Board reports' }), 'the Board reports link');
  await expect(page.getByRole('heading', { level: 1, name: 'Board reports' })).toBeVisible();
  await expectNoAxeViolations(page, 'board reports list');

  // Submitted empty: both fields explained.
  await activate(page, page.getByRole('button', { name: 'Generate the report' }), 'the Generate button');
  await expect(page).toHaveTitle(/^Error: Board reports/);
  await expect(page.locator('.govuk-error-summary').getByRole('link', { name: 'Select a quarter' })).toHaveAttribute('href', '#quarter');
  await expectNoAxeViolations(page, 'board reports list, generate form with errors');

  await typeInto(page, page.getByLabel('Financial year'), '2025/26', 'the financial year');
  await chooseRadio(page, page.getByRole('group', { name: 'Quarter' }), page.getByLabel('Q4'), 'Q4');
  await activate(page, page.getByRole('button', { name: 'Generate the report' }), 'the Generate button');
  await expect(page).toHaveURL(/\/board-reports\/[0-9a-f-]{36}$/, PAGE);
  reportPath = new URL(page.url()).pathname;
  await expect(page.getByRole('heading', { level: 1, name: TITLE })).toBeVisible();
  await expect(page.locator('.govuk-notification-banner')).toContainText(/The report for 2025\/26 Q4 has been generated|There is already a report for 2025\/26 Q4/);
  const sectionHeadings = page.locator('section[data-qa^="section-"] > h2');
  await expect(sectionHeadings.first()).toHaveText('1. Introduction');
  await expect(sectionHeadings.nth(1)).toHaveText('2. Report summary');
  await expect(sectionHeadings.last()).toHaveText(/\d+\. Recommendations/);
  await expect(page.getByTestId('priority-table').first()).toBeVisible();
  await expect(page.getByTestId('appendix-table')).toBeVisible();
  await expectNoAxeViolations(page, 'a board report');
});

test('the analyst writes the summary by keyboard; what is typed appears as text', async ({ page }) => {
  await signIn(page, ANALYST);
  await page.goto(reportPath);
  await activate(page, page.getByRole('link', { name: 'Change the text of Report summary' }), 'the Change link for the summary');
  await expect(page.getByRole('heading', { level: 1, name: 'Report summary' })).toBeVisible();
  await expectNoAxeViolations(page, 'a section’s text form');
  const text = 'There is nothing exceptional to report. Most indicators are stable.';
  await typeInto(page, page.getByLabel('Text of this section'), text, 'the section text');
  await activate(page, page.getByRole('button', { name: 'Save' }), 'the Save button');
  await expect(page).toHaveURL(new RegExp(`${reportPath}#section-summary$`));
  await expect(page.locator('.govuk-notification-banner')).toContainText('Report summary has been saved');
  await expect(page.getByTestId('section-summary')).toContainText(text);
  await expectNoAxeViolations(page, 'a board report after a section was saved');
});

test('the print view is laid out for print, and the PDF and the CSV download', async ({ page }) => {
  await signIn(page, ANALYST);
  await page.goto(reportPath);
  await activate(page, page.getByTestId('print-link'), 'the Printable version link');
  await expect(page).toHaveURL(new RegExp(`${reportPath}/print$`));
  await expect(page.getByRole('heading', { level: 1, name: TITLE })).toBeVisible();
  // With JavaScript, a print button appears.
  await expect(page.getByRole('button', { name: 'Print this report' })).toBeVisible();
  await expectNoAxeViolations(page, 'the print view');
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  await expect(page.locator('.govuk-footer')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Print this report' })).toBeHidden();
  await expect(page.getByTestId('appendix-table')).toBeVisible();
  expect(await page.locator('.app-report__appendix').evaluate((e) => getComputedStyle(e).breakBefore)).toBe('page');
  await page.emulateMedia({ media: 'screen' });

  await page.goto(reportPath);
  const pdfDownload = page.waitForEvent('download');
  await activate(page, page.getByTestId('pdf-link'), 'the PDF link');
  const pdf = await pdfDownload;
  expect(pdf.suggestedFilename()).toBe('board-report-2026-01.pdf');
  const pdfBytes = Buffer.concat(await (await pdf.createReadStream()).toArray());
  expect(pdfBytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(pdfBytes.length).toBeGreaterThan(2000);

  const csvDownload = page.waitForEvent('download');
  await activate(page, page.getByTestId('csv-link'), 'the CSV link');
  const csv = await csvDownload;
  expect(csv.suggestedFilename()).toBe('board-report-2026-01-figures.csv');
  const text = Buffer.concat(await (await csv.createReadStream()).toArray()).toString('utf8').replace(/^\ufeff/, '');
  const lines = text.trim().split('\r\n');
  expect(lines[0]).toBe('Outcome,Overall rating,Indicator,2025/26 Q4,Same period last year (January to March 2025),12 months to March 2026,12 months to March 2025,Direction of travel,Rating');
  expect(lines.length).toBe((await page.getByTestId('appendix-table').locator('tbody tr').count()) + 1);
});

test('a board member reads the report but is offered no changes', async ({ page }) => {
  await signIn(page, BOARD);
  await page.goto('/board-reports');
  await expect(page.getByTestId('generate-form')).toHaveCount(0);
  await activate(page, page.getByRole('link', { name: TITLE }), 'the report link');
  await expect(page.getByTestId('section-summary')).toContainText('There is nothing exceptional to report.');
  await expect(page.getByRole('link', { name: /Change the text/ })).toHaveCount(0);
  await expect(page.getByTestId('refresh')).toHaveCount(0);
  await expectNoAxeViolations(page, 'a board report, read only');
});

test('without JavaScript, a section is written and the print view has no print button', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await signIn(page, ANALYST);
    await page.goto(`${reportPath}/sections/recommendations`);
    await page.getByLabel('Text of this section').fill('That the board notes the 2025/26 Q4 performance information.\n\nThat the board asks for a deeper look at vehicle crime.');
    await expectNoAxeViolationsWithoutJs(page, 'a section’s text form without JavaScript');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('section-recommendations').locator('p.govuk-body').nth(1)).toHaveText('That the board asks for a deeper look at vehicle crime.');
    await page.goto(`${reportPath}/print`);
    await expect(page.getByRole('button', { name: 'Print this report' })).toBeHidden();
    await expect(page.getByText('Use your browser’s print command')).toBeVisible();
    await expectNoAxeViolationsWithoutJs(page, 'the print view without JavaScript');
  } finally {
    await context.close();
  }
});
