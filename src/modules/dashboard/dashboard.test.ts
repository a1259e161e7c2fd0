// The dashboard by its routes: who may see it, the period form's errors in the GOV.UK error summary,
// the charts and tables, each CSV download equal to the table it downloads, and the audit. Then the
// acceptance check of issue 6: with the committed police.uk fixture imported, each district's ASB
// count and rate per 1,000 equal a count made here, independently, from the fixture's rows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { createTestApp, signIn, userId, auditRows, Browser, type TestContext } from '../../test/harness.ts';
import { importPoliceUk, readLsoaLookup, DEFAULT_LSOA_LOOKUP, expandInputs } from '../indicators/police-uk.ts';
import type { Actor } from '../../platform/http/context.ts';
import { tablesByQa } from './test-support.ts';
import { clearFiguresCache, computeDashboard, FIGURES_CACHE } from './service.ts';
import { chartsDrawn } from '../../platform/charts/charts.ts';
import { quarterPeriod } from './period.ts';

const FIXTURE = path.resolve(import.meta.dirname, '../indicators/fixtures/police-uk');
const LOOKUP_FILE = path.resolve(import.meta.dirname, '../../../data-reference/lsoa11-to-lad-leicestershire.csv');
// The fixture's months are August to October 2022: 2022/23 Q2 holds August and September.
const Q2 = 'type=quarter&year=2022%2F23&quarter=2';

let ctx: TestContext;
let analyst: Browser;
let partnershipId: string;

before(async () => {
  ctx = await createTestApp();
  analyst = await signIn(ctx, 'analyst@endeavour.demo');
  partnershipId = (await ctx.database.db.selectFrom('partnerships').select('id').executeTakeFirstOrThrow()).id;
  await ctx.database.db.transaction().execute(async (tx) => importPoliceUk(tx, partnershipId, expandInputs([FIXTURE]), await readLsoaLookup(DEFAULT_LSOA_LOOKUP)));
});
after(() => ctx.close());

const csvRows = (body: string): string[][] => parse(body.replace(/^\ufeff/, ''), { relax_column_count: false }) as string[][];
/** The page's number formatting, undone: "1,234" → "1234", "37.5%" → "37.5", "no figure" → "". */
const plain = (cell: string) => (cell === 'no figure' ? '' : /^-?[\d,]+(\.\d+)?%?$/.test(cell) ? cell.replace(/[,%]/g, '') : cell);

test('analysts, board members, coordinators, managers and administrators see the dashboard; case officers and partners do not', async () => {
  for (const email of ['board@endeavour.demo', 'coordinator@endeavour.demo', 'manager@endeavour.demo']) {
    const b = await signIn(ctx, email);
    const res = await b.get(`/dashboard?${Q2}`);
    assert.equal(res.statusCode, 200, email);
    assert.match(res.body, /<a [^>]*href="\/dashboard"/, `${email} has it in the navigation`);
  }
  for (const email of ['officer@endeavour.demo', 'fire@endeavour.demo']) {
    const b = await signIn(ctx, email);
    for (const url of [`/dashboard?${Q2}`, `/dashboard/summary.csv?${Q2}`, `/dashboard/indicators/police-uk-asb/districts.csv?${Q2}`, `/dashboard/indicators/police-uk-asb/districts.svg?${Q2}`]) {
      const res = await b.get(url);
      assert.equal(res.statusCode, 403, `${email} ${url}`);
      assert.doesNotMatch(res.body, /Anti-social behaviour reported/);
    }
    const home = await b.get('/');
    assert.doesNotMatch(home.body, /href="\/dashboard"/, `${email} is not offered it`);
  }
});

test('the page: a period heading, each outcome with its indicators, charts as images with tables beside them, and a view in the audit', async () => {
  const me = await userId(ctx, 'analyst@endeavour.demo');
  const before = (await auditRows(ctx, { action: 'view' })).filter((r) => r.record_type === 'dashboard').length;
  const res = await analyst.get(`/dashboard?${Q2}`);
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /data-qa="period-heading">2022\/23 Q2: July to September 2022</);
  assert.match(res.body, /<h2 class="govuk-heading-l" id="outcome-1-heading">Ongoing reductions in crime<\/h2>/);
  assert.match(res.body, /id="indicator-police-uk-asb-heading">Anti-social behaviour reported to the police</);
  // The choice is kept in the form.
  assert.match(res.body, /name="year" type="text" value="2022\/23"/);
  assert.match(res.body, /name="quarter" type="radio" value="2" checked/);
  // Each chart is an image of its own, drawn when asked for, described in words by its alt text.
  const images = [...res.body.matchAll(/<figure class="app-chart[^"]*">(<img [^>]*>)<\/figure>/g)].map((m) => m[1]!);
  assert.ok(images.length >= 2 * 10, `chart images: ${images.length}`);
  for (const img of images) {
    assert.match(img, /src="\/dashboard\/indicators\/[a-z0-9-]+\/(districts|months)\.svg\?type=quarter&amp;year=2022%2F23&amp;quarter=2"/);
    assert.match(img, /alt="[^"]{40,}"/);
    assert.match(img, /loading="lazy" width="\d+" height="\d+"/);
  }
  assert.match(res.body, /<img class="app-chart__img" src="\/dashboard\/indicators\/police-uk-asb\/districts\.svg\?[^"]+" alt="Anti-social behaviour reported to the police: rate per 1,000 population by district, 12 months to September 2022\. Bar chart of \d+ districts\./);
  assert.match(res.body, /src="\/dashboard\/indicators\/police-uk-asb\/months\.svg\?[^"]+" alt="Anti-social behaviour reported to the police: month by month, 12 months to September 2022 and the year before\. Line chart of 12 months/);
  assert.doesNotMatch(res.body, /<svg[^>]*role="img"/, 'no chart drawn into the page');
  // Direction and rating are words, not colour or arrows alone.
  assert.match(res.body, /<strong class="govuk-tag govuk-tag--(green|red|grey|blue)">(Improving|Worsening|Stable|Up|Down|No comparison)<\/strong>/);
  assert.match(res.body, /<strong class="govuk-tag govuk-tag--(green|yellow|red|grey)">(Green|Amber|Red|Not rated)<\/strong>/);
  assert.match(res.body, /<span aria-hidden="true">[↑↓→]<\/span>/);
  // Polarity words come from the page's figures, which are rendered once and kept with them.
  assert.match(res.body, /Lower is better\.|Higher is better\.|Neither \(for information\)\./);
  // Asked again: the same figures part, kept, in a page with its own nonce and each view audited.
  const again = await analyst.get(`/dashboard?${Q2}`);
  const figuresOf = (body: string) => body.slice(body.indexOf('<section class="govuk-!-margin-bottom-9"'), body.lastIndexOf('</main>'));
  assert.ok(figuresOf(res.body).length > 10_000);
  assert.equal(figuresOf(again.body), figuresOf(res.body));
  assert.doesNotMatch(figuresOf(res.body), /nonce=|name="_csrf"/);
  const views = (await auditRows(ctx, { action: 'view' })).filter((r) => r.record_type === 'dashboard');
  assert.equal(views.length, before + 2);
  assert.equal(views.at(-1)!.actor_user_id, me.id);
  assert.deepEqual([views.at(-1)!.details.from, views.at(-1)!.details.to], ['2022-07', '2022-09']);
});

test("each chart is an SVG image of its own: drawn when asked for, not when the page is, and not audited", async () => {
  clearFiguresCache();
  const drawnBefore = chartsDrawn();
  const page = await analyst.get(`/dashboard?type=quarter&year=2022%2F23&quarter=3`);
  assert.equal(page.statusCode, 200);
  assert.equal(chartsDrawn(), drawnBefore, 'the page draws no chart');
  const src = (key: string, name: string) => /src="([^"]+)"/.exec(page.body.slice(page.body.indexOf(`data-qa="indicator-${key}"`)).match(new RegExp(`<img [^>]*data-qa="${name}-chart"`))![0])![1]!.replace(/&amp;/g, '&');
  const exportsBefore = (await auditRows(ctx, { action: 'export' })).length;
  const viewsBefore = (await auditRows(ctx, { action: 'view' })).length;
  for (const [name, kind] of [['districts', 'Bar chart'], ['months', 'Line chart']] as const) {
    const url = src('police-uk-asb', name);
    assert.equal(url, `/dashboard/indicators/police-uk-asb/${name}.svg?type=quarter&year=2022%2F23&quarter=3`);
    const res = await analyst.get(url);
    assert.equal(res.statusCode, 200, url);
    assert.equal(res.headers['content-type'], 'image/svg+xml; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'private, max-age=60');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    // A document of its own, as an image needs: the SVG namespace, a size, a name and a description.
    assert.match(res.body, /^<svg width="640" height="\d+" xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* viewBox="0 0 640 \d+"[^>]* role="img"/);
    assert.match(res.body, new RegExp(`<title id="[^"]+">Anti-social behaviour reported to the police: [^<]*12 months to December 2022[^<]*</title><desc id="[^"]+">${kind} of `));
    assert.match(res.body, /<\/svg>$/);
    assert.doesNotMatch(res.body, /\sstyle=|<style|<script|\shref="(?!#)|url\((?!#)/, 'no inline style, script or outside reference');
    // Its words are the page's alt text.
    const title = /<title[^>]*>([^<]*)<\/title><desc[^>]*>([^<]*)<\/desc>/.exec(res.body)!;
    assert.ok(page.body.includes(`alt="${title[1]}. ${title[2]}"`), `${name}: the alt text is the chart's title and description`);
  }
  assert.ok(chartsDrawn() > drawnBefore, 'drawn when asked for');
  // Another indicator's chart is that indicator's.
  const rate = await analyst.get(src('police-uk-asb-rate', 'districts'));
  assert.equal(rate.statusCode, 200);
  const rateName = /id="indicator-police-uk-asb-rate-heading">([^<]+)</.exec(page.body)![1]!;
  assert.notEqual(rateName, 'Anti-social behaviour reported to the police');
  assert.ok(rate.body.includes(`>${rateName}: rate per 1,000 population by district, 12 months to December 2022</title>`), rateName);
  assert.equal((await auditRows(ctx, { action: 'export' })).length, exportsBefore, 'a chart is not an export');
  assert.equal((await auditRows(ctx, { action: 'view' })).length, viewsBefore, 'nor a view of its own');

  // The same refusals as the downloads: unknown indicators and files, and a period that is not one.
  assert.equal((await analyst.get(`/dashboard/indicators/no-such-indicator/districts.svg?${Q2}`)).statusCode, 404);
  assert.equal((await analyst.get(`/dashboard/indicators/police-uk-asb/other.svg?${Q2}`)).statusCode, 404);
  assert.equal((await analyst.get(`/dashboard/indicators/Bad%20Key/months.svg?${Q2}`)).statusCode, 404);
  const bad = await analyst.get('/dashboard/indicators/police-uk-asb/months.svg?type=quarter&year=nonsense&quarter=9');
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Choose the period again on the dashboard/);
  // Signed out: sent to sign in, with no picture.
  const signedOut = await new Browser(ctx.app).get(src('police-uk-asb', 'districts'));
  assert.equal(signedOut.statusCode, 302);
  assert.match(String(signedOut.headers.location), /^\/sign-in/);
  assert.doesNotMatch(signedOut.body, /<svg/);
});

test('a mistaken period is shown in the GOV.UK error summary, with what was typed, and no figures', async () => {
  const res = await analyst.get('/dashboard?type=quarter&year=2022%2F24&quarter=');
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /<title>Error: Safer communities dashboard – Endeavour<\/title>/);
  assert.match(res.body, /govuk-error-summary/);
  assert.match(res.body, /<a href="#year">Financial year must be two years next to each other, like 2023\/24<\/a>/);
  assert.match(res.body, /<a href="#quarter">Select a quarter<\/a>/);
  assert.match(res.body, /value="2022\/24"/);
  assert.doesNotMatch(res.body, /data-qa="period-heading"/);
  const month = await analyst.get('/dashboard?type=month&month-month=13&month-year=2022');
  assert.equal(month.statusCode, 400);
  assert.match(month.body, /<a href="#month-month">Month must be a real month, from 1 to 12<\/a>/);
  assert.match(month.body, /govuk-input--error" id="month-month" name="month-month" type="text" value="13"/);
  // A download with a bad period is refused in words, not with a stack trace.
  const csv = await analyst.get('/dashboard/summary.csv?type=quarter&year=nonsense&quarter=9');
  assert.equal(csv.statusCode, 400);
  assert.match(csv.body, /Choose the period again on the dashboard/);
  assert.equal((await analyst.get(`/dashboard/indicators/no-such-indicator/districts.csv?${Q2}`)).statusCode, 404);
  assert.equal((await analyst.get(`/dashboard/indicators/police-uk-asb/other.csv?${Q2}`)).statusCode, 404);
  assert.equal((await analyst.get(`/dashboard/indicators/Bad%20Key/districts.csv?${Q2}`)).statusCode, 404);
});

test("each CSV download equals the table it downloads, and is audited as an export", async () => {
  const page = (await analyst.get(`/dashboard?${Q2}`)).body;
  const section = (key: string) => {
    const start = page.indexOf(`data-qa="indicator-${key}"`);
    return page.slice(start, page.indexOf('</section>', start));
  };
  const exportsBefore = (await auditRows(ctx, { action: 'export' })).filter((r) => r.record_type === 'dashboard').length;
  for (const key of ['police-uk-asb', 'police-uk-asb-rate', 'asb-incidents-rate', 'tasks-overdue']) {
    for (const which of ['districts', 'months'] as const) {
      const [table] = tablesByQa(section(key), `${which}-table`);
      assert.ok(table, `${key} ${which} table`);
      const res = await analyst.get(`/dashboard/indicators/${key}/${which}.csv?${Q2}`);
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/csv/);
      assert.match(String(res.headers['content-disposition']), new RegExp(`attachment; filename="${key}-${which}-2022-23-q2.csv"`));
      assert.deepEqual(csvRows(res.body), table.map((row) => row.map(plain)), `${key} ${which}`);
    }
  }
  // The summary: every outcome's table, with the outcome in front.
  const summary = csvRows((await analyst.get(`/dashboard/summary.csv?${Q2}`)).body);
  const tables = tablesByQa(page, 'summary-table');
  const outcomes = [...page.matchAll(/<caption class="govuk-table__caption govuk-table__caption--s">(.*?): indicators<\/caption>/g)].map((m) => m[1]!.replace(/&#39;/g, "'"));
  assert.equal(tables.length, outcomes.length);
  const expected = [['Outcome', ...tables[0]![0]!]];
  tables.forEach((t, i) => t.slice(1).forEach((row) => expected.push([outcomes[i]!, ...row.map((c) => plain(c.replace(/ [↑↓→] /, ' ').replace(/ [↑↓→]$/, '')))])));
  assert.deepEqual(summary, expected);
  const exportsAfter = (await auditRows(ctx, { action: 'export' })).filter((r) => r.record_type === 'dashboard');
  assert.equal(exportsAfter.length, exportsBefore + 9);
  assert.deepEqual(exportsAfter.at(-1)!.details, { format: 'csv', table: 'summary', indicator: null, from: '2022-07', to: '2022-09' });
});

test("with the police.uk fixture imported, each district's ASB count and rate per 1,000 equal an independent count of the fixture's rows", async () => {
  // Independently of the importer: read the fixture files and the lookup here, count the ASB rows of
  // August and September 2022 by the district their LSOA lies in.
  const lookup = new Map<string, string>();
  for (const r of parse(fs.readFileSync(LOOKUP_FILE), { columns: true }) as Record<string, string>[]) lookup.set(r.LSOA11CD!, r.LAD13CD!);
  const counts = new Map<string, number>();
  let rowsSeen = 0;
  for (const month of ['2022-08', '2022-09']) {
    for (const file of fs.readdirSync(path.join(FIXTURE, month))) {
      for (const r of parse(fs.readFileSync(path.join(FIXTURE, month, file)), { columns: true, bom: true }) as Record<string, string>[]) {
        rowsSeen++;
        if (r['Crime type'] !== 'Anti-social behaviour' || r.Month !== month) continue;
        const lad = lookup.get(r['LSOA code'] ?? '');
        if (lad) counts.set(lad, (counts.get(lad) ?? 0) + 1);
      }
    }
  }
  assert.ok(rowsSeen > 100, 'the fixture has rows');
  const areas = await ctx.database.db
    .selectFrom('areas')
    .leftJoin('area_populations', (j) => j.onRef('area_populations.area_id', '=', 'areas.id').on('area_populations.year', '=', 2021))
    .select(['areas.name', 'areas.ons_code', 'area_populations.population'])
    .where('areas.partnership_id', '=', partnershipId)
    .where('areas.kind', 'in', ['district', 'unitary'])
    .execute();
  assert.ok([...counts.values()].reduce((a, b) => a + b, 0) > 20, 'the fixture has ASB rows placed in districts');
  assert.ok(counts.size >= 3, 'in several districts');

  const page = (await analyst.get(`/dashboard?${Q2}`)).body;
  const section = (key: string) => {
    const start = page.indexOf(`data-qa="indicator-${key}"`);
    return page.slice(start, page.indexOf('</section>', start));
  };
  const [countTable] = tablesByQa(section('police-uk-asb'), 'districts-table');
  const [rateTable] = tablesByQa(section('police-uk-asb-rate'), 'districts-table');
  assert.deepEqual(countTable![0], ['Area', 'ONS code', '2022/23 Q2', '12 months to September 2022', 'Rate per 1,000 population, 12 months to September 2022']);
  assert.deepEqual(rateTable![0], ['Area', 'ONS code', '2022/23 Q2', '12 months to September 2022', 'Number, 12 months to September 2022']);
  let total = 0;
  let population = 0;
  for (const a of areas) {
    const n = counts.get(a.ons_code!) ?? 0;
    total += n;
    population += a.population!;
    const rate = ((n * 1000) / a.population!).toFixed(2);
    const countRow = countTable!.find((r) => r[0] === a.name);
    const rateRow = rateTable!.find((r) => r[0] === a.name);
    assert.ok(countRow && rateRow, a.name);
    // The fixture has no months before August 2022, so the quarter and its rolling year hold the same rows.
    assert.deepEqual(countRow.slice(1), [a.ons_code, n.toLocaleString('en-GB'), n.toLocaleString('en-GB'), rate], a.name);
    assert.deepEqual(rateRow.slice(1), [a.ons_code, rate, rate, n.toLocaleString('en-GB')], a.name);
  }
  const totalRow = countTable!.find((r) => r[0] === 'Partnership total')!;
  assert.deepEqual(totalRow.slice(2), [String(total), String(total), ((total * 1000) / population).toFixed(2)]);
});

test('computed figures are reused briefly for the same organisation and period only; a fresh computation skips them', async () => {
  const analystUser = await userId(ctx, 'analyst@endeavour.demo');
  const boardUser = await userId(ctx, 'board@endeavour.demo');
  assert.notEqual(analystUser.organisation_id, boardUser.organisation_id);
  const actorOf = (u: { id: string; organisation_id: string }) =>
    ({ userId: u.id, organisationId: u.organisation_id, partnershipId, roles: ['analyst'], ip: '127.0.0.1', email: '', displayName: '', organisationName: '', organisationKind: 'local_authority', partnershipName: '' }) as Actor;
  const period = quarterPeriod(2022, 3);
  const first = await computeDashboard(ctx.database.db, actorOf(analystUser), period);
  assert.equal(await computeDashboard(ctx.database.db, actorOf(analystUser), period), first, 'the same organisation and period: reused');
  assert.notEqual(await computeDashboard(ctx.database.db, actorOf(boardUser), period), first, 'another organisation: computed for it');
  assert.notEqual(await computeDashboard(ctx.database.db, actorOf(analystUser), quarterPeriod(2022, 4)), first, 'another period');
  assert.notEqual(await computeDashboard(ctx.database.db, actorOf(analystUser), period, undefined, { fresh: true }), first, 'fresh');
  const seconds = FIGURES_CACHE.seconds;
  FIGURES_CACHE.seconds = 0;
  try {
    assert.notEqual(await computeDashboard(ctx.database.db, actorOf(analystUser), period), first, 'switched off');
  } finally {
    FIGURES_CACHE.seconds = seconds;
  }
});
