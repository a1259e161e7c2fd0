// The police.uk importer on the committed fixture (a cut of the real Leicestershire files): each
// district's ASB count and rate per 1,000 from indicatorValues equal a count made independently from
// the CSV rows, the lookup and the published populations; re-importing changes nothing; a corrected
// month replaces the old one; rows that cannot be placed are reported.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { createTestApp, type TestContext } from '../../test/harness.ts';
import { indicatorTrend, indicatorValues, listIndicators } from './api.ts';
import { DEFAULT_LSOA_LOOKUP, expandInputs, importPoliceUk, PoliceUkFormatError, readLsoaLookup } from './police-uk.ts';
import { ALL_CRIME_SERIES, ASB_CRIME_TYPE } from './police-uk-types.ts';
import { actorFor, countFixture, DISTRICT_CODES, FIXTURE_DIR, fixtureFiles, LOOKUP_FILE, population2021, readCsv } from './test-support.ts';

let ctx: TestContext;
const WINDOW = { from: '2021-11', to: '2022-10' };

async function runImport(files = expandInputs([FIXTURE_DIR])) {
  const lookup = await readLsoaLookup(DEFAULT_LSOA_LOOKUP);
  return ctx.database.db.transaction().execute((tx) => importPoliceUk(tx, ctx.demo.partnershipId, files, lookup));
}

async function seriesSnapshot() {
  const r = await sql<{ series: string; area_id: string; month: string; value: number }>`
    SELECT series, area_id::text, to_char(month, 'YYYY-MM') AS month, value::float8 AS value FROM indicator_series_values
    WHERE partnership_id = ${ctx.demo.partnershipId} ORDER BY 1, 2, 3`.execute(ctx.database.db);
  return r.rows;
}

before(async () => {
  ctx = await createTestApp();
});
after(() => ctx.close());

test('the fixture is a real cut: several districts, ASB rows, rows without a location and LSOAs outside the force area', () => {
  const c = countFixture();
  assert.equal(c.months.length, 3);
  assert.ok(c.rows >= 300, `${c.rows} rows`);
  assert.ok(c.noLocation > 0 && c.outside > 0);
  const withAsb = [...c.byDistrict.values()].filter((t) => (t.get(ASB_CRIME_TYPE) ?? 0) > 0);
  assert.ok(withAsb.length >= 6, `${withAsb.length} districts with ASB`);
});

test('importing the fixture reports what it placed and what it could not, matching an independent count', async () => {
  const c = countFixture();
  const report = await runImport();
  assert.equal(report.files, 3);
  assert.equal(report.rows, c.rows);
  assert.equal(report.noLocation, c.noLocation);
  assert.equal(report.outside, c.outside);
  assert.equal(report.placed, c.rows - c.noLocation - c.outside);
  assert.equal(report.invalid, 0);
  assert.equal(report.outsideLsoas.reduce((n, l) => n + l.rows, 0), c.outside);
  assert.ok(report.outsideLsoas.every((l) => /^[EW]01\d{6}$/.test(l.code) && l.name));
  assert.deepEqual(report.months.map((m) => m.month), c.months);
  assert.ok(report.crimeTypes.includes(ASB_CRIME_TYPE));
});

test('each district\'s ASB count and rate per 1,000 equal the independent count of the CSV rows', async () => {
  const c = countFixture();
  const analyst = await actorFor(ctx.database.db, 'analyst@endeavour.demo');
  const keys = (await listIndicators(ctx.database.db, analyst)).map((i) => i.key);
  assert.ok(keys.includes('police-uk-asb') && keys.includes('police-uk-asb-rate'));
  const counts = await indicatorValues(ctx.database.db, analyst, 'police-uk-asb', WINDOW);
  const rates = await indicatorValues(ctx.database.db, analyst, 'police-uk-asb-rate', WINDOW);
  let total = 0;
  for (const code of DISTRICT_CODES) {
    const expected = c.byDistrict.get(code)?.get(ASB_CRIME_TYPE) ?? 0;
    total += expected;
    const count = counts.find((v) => v.areaCode === code);
    const rate = rates.find((v) => v.areaCode === code);
    assert.ok(count && rate, code);
    assert.equal(count.value, expected, `ASB count in ${count.areaName}`);
    assert.equal(count.suppressed, false, 'public statistics are never suppressed');
    assert.equal(rate.value, (expected * 1000) / population2021(code), `ASB rate in ${rate.areaName}`);
    assert.equal(count.ratePer1000, rate.value);
  }
  const partnership = counts.find((v) => v.areaId === null)!;
  assert.equal(partnership.value, total);
  assert.equal(counts.length, DISTRICT_CODES.length + 1);
});

test('the trend gives each imported month\'s placed ASB rows, and no figure for months with none', async () => {
  const lookup = new Map(readCsv(fs.readFileSync(LOOKUP_FILE, 'utf8')).map((r) => [r[0]!, r[2]!]));
  const expected = new Map<string, number>();
  for (const file of fixtureFiles()) {
    const [header, ...rows] = readCsv(fs.readFileSync(file, 'utf8'));
    const at = (name: string) => header!.indexOf(name);
    for (const r of rows) {
      if (r[at('Crime type')] === ASB_CRIME_TYPE && lookup.has(r[at('LSOA code')]!)) expected.set(r[at('Month')]!, (expected.get(r[at('Month')]!) ?? 0) + 1);
    }
  }
  const analyst = await actorFor(ctx.database.db, 'analyst@endeavour.demo');
  const trend = await indicatorTrend(ctx.database.db, analyst, 'police-uk-asb', WINDOW);
  assert.equal(trend.length, 12);
  for (const m of trend) assert.equal(m.value, expected.has(m.month) ? expected.get(m.month) : null, m.month);
  const charnwood = await ctx.database.db.selectFrom('areas').select('id').where('ons_code', '=', 'E07000130').where('partnership_id', '=', ctx.demo.partnershipId).executeTakeFirstOrThrow();
  const one = await indicatorTrend(ctx.database.db, analyst, 'police-uk-asb', { from: '2022-08', to: '2022-10' }, charnwood.id);
  const values = await indicatorValues(ctx.database.db, analyst, 'police-uk-asb', { from: '2022-08', to: '2022-10' });
  assert.equal(one.reduce((n, m) => n + (m.value ?? 0), 0), values.find((v) => v.areaCode === 'E07000130')!.value);
});

test('the total crime series counts every crime type except anti-social behaviour', async () => {
  const c = countFixture();
  const rows = await seriesSnapshot();
  for (const code of ['E07000130', 'E06000016']) {
    const area = await ctx.database.db.selectFrom('areas').select('id').where('ons_code', '=', code).where('partnership_id', '=', ctx.demo.partnershipId).executeTakeFirstOrThrow();
    const expected = [...(c.byDistrict.get(code) ?? new Map<string, number>())].filter(([t]) => t !== ASB_CRIME_TYPE).reduce((n, [, v]) => n + v, 0);
    const got = rows.filter((r) => r.series === ALL_CRIME_SERIES && r.area_id === area.id).reduce((n, r) => n + r.value, 0);
    assert.equal(got, expected, code);
  }
});

test('importing the same files again gives the same figures', async () => {
  const first = await seriesSnapshot();
  const report = await runImport();
  assert.equal(report.placed, countFixture().rows - countFixture().noLocation - countFixture().outside);
  assert.deepEqual(await seriesSnapshot(), first);
});

test('a corrected file for a month replaces that month, and leaves the others', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'police-uk-'));
  try {
    const original = fixtureFiles().find((f) => f.includes('2022-10'))!;
    const lines = fs.readFileSync(original, 'utf8').split('\n');
    const header = readCsv(lines[0]!)[0]!;
    const asbLine = lines.findIndex((l, i) => i > 0 && readCsv(l)[0]?.[header.indexOf('Crime type')] === ASB_CRIME_TYPE && readCsv(l)[0]?.[header.indexOf('LSOA code')]);
    const removed = readCsv(lines[asbLine]!)[0]!;
    const corrected = path.join(dir, '2022-10-leicestershire-street.csv');
    fs.writeFileSync(corrected, lines.filter((_, i) => i !== asbLine).join('\n'));
    const before = await seriesSnapshot();
    await runImport([corrected]);
    const after = await seriesSnapshot();
    const lookup = await readLsoaLookup(DEFAULT_LSOA_LOOKUP);
    const code = lookup.districts.get(removed[header.indexOf('LSOA code')]!)!;
    const area = await ctx.database.db.selectFrom('areas').select('id').where('ons_code', '=', code).where('partnership_id', '=', ctx.demo.partnershipId).executeTakeFirstOrThrow();
    const find = (rows: typeof before, series: string, month: string) => rows.find((r) => r.series === series && r.area_id === area.id && r.month === month)!.value;
    assert.equal(find(after, ASB_CRIME_TYPE, '2022-10'), find(before, ASB_CRIME_TYPE, '2022-10') - 1);
    assert.equal(find(after, ASB_CRIME_TYPE, '2022-09'), find(before, ASB_CRIME_TYPE, '2022-09'));
    assert.equal(after.length, before.length);
    await runImport();
    assert.deepEqual(await seriesSnapshot(), before);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('two files holding the same force month are refused before anything changes', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'police-uk-'));
  try {
    const original = fixtureFiles()[0]!;
    const copy = path.join(dir, 'copy.csv');
    fs.copyFileSync(original, copy);
    const before = await seriesSnapshot();
    await assert.rejects(runImport([original, copy]), (err: Error) => err instanceof PoliceUkFormatError && /both hold Leicestershire Police's crimes for 2022-08/.test(err.message));
    assert.deepEqual(await seriesSnapshot(), before);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a file that is not a police.uk street-level file, or a lookup that is not one, is refused with the reason', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'police-uk-'));
  try {
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, 'series,area_code,month,value\nx,,2022-01,1\n');
    await assert.rejects(runImport([bad]), /not a police\.uk street-level crime file: it has no "LSOA code", "Crime type" column/);
    await assert.rejects(readLsoaLookup(bad), /is not an LSOA lookup/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
