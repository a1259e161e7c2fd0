// Journey: a Charnwood ASB officer builds a report with no formulas (incidents by district and
// category), by keyboard; a mistake is explained; the table is downloaded as CSV and as an Excel
// workbook and both are opened and checked against the page; the report is saved and shared with
// the partnership, and a police officer opens it and sees the counts of their own incidents. The
// builder works with JavaScript switched off. Every page and state is checked with axe.
import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { expectNoAxeViolations, expectNoAxeViolationsWithoutJs } from './support/axe.ts';
import { activate, chooseOption, chooseRadio, typeInto } from './support/keyboard.ts';
import { signIn, USERS } from './support/session.ts';

test.describe.configure({ mode: 'serial' });
// Long keyboard journeys with several accessibility checks each, on two shared cores.
test.setTimeout(480_000);

const reportName = `Incidents by district and category ${Date.now().toString(36)}`;
let reportPath = '';

/** The report table as text cells, header row first (numbers as shown, without thousands separators). */
async function tableCells(page: Page): Promise<string[][]> {
  return page
    .getByTestId('report-table')
    .locator('tr')
    .evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll('th, td')).map((c) => (c.textContent ?? '').trim().replace(/,/g, ''))));
}

test('the officer builds a report by keyboard and sees a table and a chart', async ({ page }) => {
  await signIn(page, USERS.officer);
  await activate(page, page.locator('.moj-primary-navigation').getByRole('link', { name: 'Reports' }), 'the Reports link');
  await expect(page.getByRole('heading', { level: 1, name: 'Reports' })).toBeVisible();
  await expectNoAxeViolations(page, 'reports index');
  await activate(page, page.getByRole('button', { name: 'Build a report' }), 'the Build a report button');
  await expect(page.getByRole('heading', { level: 1, name: 'Build a report' })).toBeVisible();
  await expectNoAxeViolations(page, 'report builder, empty');

  // A mistake first: an impossible date is explained and what was typed is kept.
  const from = page.getByRole('group', { name: 'Happened on or after' });
  await typeInto(page, from.getByLabel('Day'), '31', 'the from day');
  await typeInto(page, from.getByLabel('Month'), '2', 'the from month');
  await typeInto(page, from.getByLabel('Year'), '2025', 'the from year');
  await activate(page, page.getByRole('button', { name: 'Show report' }), 'the Show report button');
  await expect(page).toHaveTitle(/^Error: Build a report/);
  await expect(page.locator('.govuk-error-summary').getByRole('link', { name: 'The from date must be a real date' })).toBeVisible();
  await expect(from.getByLabel('Day')).toHaveValue('31');
  await expectNoAxeViolations(page, 'report builder with an error');

  await typeInto(page, from.getByLabel('Day'), '', 'the from day');
  await typeInto(page, from.getByLabel('Month'), '', 'the from month');
  await typeInto(page, from.getByLabel('Year'), '', 'the from year');
  await chooseRadio(page, page.getByRole('group', { name: 'Records' }), page.getByLabel('Incidents', { exact: true }), 'Incidents');
  await chooseOption(page, page.getByLabel('Group by'), 'District', 'the Group by list');
  await chooseOption(page, page.getByLabel('Then by (optional)'), 'Category', 'the Then by list');
  await activate(page, page.getByRole('button', { name: 'Show report' }), 'the Show report button');

  await expect(page.getByRole('heading', { level: 2, name: 'Incidents you can see, by district and category' })).toBeVisible();
  await expect(page.getByTestId('report-chart').locator('svg[role="img"]')).toBeVisible();
  const cells = await tableCells(page);
  expect(cells[0]![0]).toBe('District');
  for (const h of cells[0]!.slice(1, -1)) expect(['Personal', 'Nuisance', 'Environmental', 'Not recorded']).toContain(h);
  expect(cells[0]![cells[0]!.length - 1]).toBe('Total');
  // Each row's total is the sum of its cells, and the bottom row totals each column.
  const body = cells.slice(1, -1);
  expect(body.length).toBeGreaterThan(0);
  for (const r of body) expect(r.slice(1, -1).reduce((s, c) => s + Number(c), 0)).toBe(Number(r[r.length - 1]));
  const total = cells[cells.length - 1]!;
  expect(total[0]).toBe('Total');
  expect(body.reduce((s, r) => s + Number(r[r.length - 1]), 0)).toBe(Number(total[total.length - 1]));
  await expect(page.getByTestId('report-total')).toContainText(`Total: ${total[total.length - 1]}`);
  await expectNoAxeViolations(page, 'report builder with a report');
});

test('the table downloads as CSV and as an Excel workbook, both matching the page', async ({ page }) => {
  await signIn(page, USERS.officer);
  await page.goto('/reports/builder?record=incidents&shown=incidents&group=area&group2=category&measure=count');
  const cells = await tableCells(page);

  const csvDownload = page.waitForEvent('download');
  await activate(page, page.getByRole('link', { name: 'Download this table as CSV' }), 'the CSV link');
  const csv = await csvDownload;
  expect(csv.suggestedFilename()).toMatch(/^endeavour-incidents-by-area-\d{4}-\d{2}-\d{2}\.csv$/);
  const rows = parse(fs.readFileSync((await csv.path())!, 'utf8').replace(/^\ufeff/, '')) as string[][];
  expect(rows).toEqual(cells);

  const xlsxDownload = page.waitForEvent('download');
  await activate(page, page.getByRole('link', { name: 'Download this table as an Excel spreadsheet (XLSX)' }), 'the XLSX link');
  const xlsx = await xlsxDownload;
  expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile((await xlsx.path())!);
  const sheet: string[][] = [];
  wb.getWorksheet('Report')!.eachRow((row) => {
    const values = (row.values as (string | number)[]).slice(1);
    if (row.number > 1) expect(values.slice(1).every((v) => typeof v === 'number'), 'figures are numbers').toBe(true);
    sheet.push(values.map(String));
  });
  expect(sheet).toEqual(cells);
});

test('the report is saved, shared with the partnership and opened by the police with their own counts', async ({ page, browser }) => {
  await signIn(page, USERS.officer);
  await page.goto('/reports/builder?record=incidents&shown=incidents&group=area&measure=count');
  const mine = (await tableCells(page)).at(-1)!.at(-1);
  await activate(page, page.getByRole('button', { name: 'Save this report' }), 'the Save this report button');
  await expect(page.getByRole('heading', { level: 1, name: 'Save this report' })).toBeVisible();
  await expectNoAxeViolations(page, 'save a report');
  await activate(page, page.getByRole('button', { name: 'Save report' }), 'the Save report button');
  await expect(page.locator('.govuk-error-summary').getByRole('link', { name: 'Enter a name for the report' })).toBeVisible();
  await expectNoAxeViolations(page, 'save a report with an error');
  await typeInto(page, page.getByLabel('Name'), reportName, 'the name');
  await typeInto(page, page.getByLabel('Description (optional)'), 'For the partnership problem-solving meeting', 'the description');
  const sharing = page.getByRole('group', { name: 'Who else can use this report?' });
  await chooseRadio(page, sharing, sharing.getByLabel(/Everyone in /), 'everyone in the partnership');
  await activate(page, page.getByRole('button', { name: 'Save report' }), 'the Save report button');
  await expect(page.getByRole('heading', { level: 1, name: reportName })).toBeVisible();
  await expect(page.locator('.govuk-notification-banner')).toContainText('has been saved');
  reportPath = new URL(page.url()).pathname;
  await expect(page.getByTestId('report-total')).toContainText(`Total: ${mine}`);
  await expectNoAxeViolations(page, 'a saved report');

  const context = await browser.newContext();
  const police = await context.newPage();
  try {
    await signIn(police, USERS.police);
    await activate(police, police.locator('.moj-primary-navigation').getByRole('link', { name: 'Reports' }), 'the Reports link');
    await activate(police, police.getByTestId('shared-reports').getByRole('link', { name: reportName }), 'the shared report');
    await expect(police.getByRole('heading', { level: 1, name: reportName })).toBeVisible();
    await expect(police.getByTestId('report-owner')).toContainText(USERS.officer.organisation);
    await police.goto('/reports/builder?record=incidents&shown=incidents&group=area&measure=count');
    const theirs = (await tableCells(police)).at(-1)!.at(-1);
    await police.goto(reportPath);
    await expect(police.getByTestId('report-total')).toContainText(`Total: ${theirs}`);
    await expect(police.getByRole('link', { name: 'Change its name, description or who can use it' })).toHaveCount(0);
    await expectNoAxeViolations(police, 'a report shared with the police');
  } finally {
    await context.close();
  }
});

test('the builder works with JavaScript switched off', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await signIn(page, USERS.officer);
    await page.goto('/reports/builder');
    await chooseOption(page, page.getByLabel('Group by'), 'Month', 'the Group by list');
    await activate(page, page.getByRole('button', { name: 'Show report' }), 'the Show report button');
    await expect(page.getByRole('heading', { level: 2, name: 'Incidents you can see, by month' })).toBeVisible();
    await expect(page.getByTestId('report-chart').locator('svg')).toBeVisible();
    expect(new URL(page.url()).searchParams.get('group')).toBe('month');
    await expectNoAxeViolationsWithoutJs(page, 'a report without JavaScript');
  } finally {
    await context.close();
  }
});
