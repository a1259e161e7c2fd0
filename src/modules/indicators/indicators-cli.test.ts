// `endeavour import police-uk`, `endeavour import series` and `endeavour indicators`, run as a person
// would (a separate process through the bin launcher) on a fresh demo of the engine under test: the
// fixture imports with no other step, `indicators --csv` gives each district's ASB count and rate
// equal to an independent count of the fixture's rows, re-running changes nothing, and mistakes on
// the command line exit 2 with a clear message.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../platform/db/connect.ts';
import { ASB_CRIME_TYPE } from './police-uk-types.ts';
import { countFixture, DISTRICT_CODES, FIXTURE_DIR, population2021, readCsv } from './test-support.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const NODE = path.join(ROOT, 'node_modules', '.bin', 'node');
const BIN = path.join(ROOT, 'bin', 'endeavour.js');
const SERVER_URL = process.env.DATABASE_URL;
const STACK_TRACE = /^\s+at /m;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

let env: NodeJS.ProcessEnv;
let open: () => Promise<Database>;
let drop: () => Promise<void>;
let scratch: string;

function endeavour(args: string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

before(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'endeavour-indicators-cli-'));
  const base: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', DEMO_PASSWORD: `cli-${crypto.randomBytes(8).toString('hex')}` };
  for (const name of ['DATABASE_URL', 'DATA_DIR', 'PORT', 'BASE_URL', 'NODE_OPTIONS', 'NODE_TEST_CONTEXT']) delete base[name];
  if (!SERVER_URL) {
    const dir = path.join(scratch, 'data');
    env = { ...base, DATA_DIR: dir };
    open = () => openDatabase({ dataDir: dir });
    drop = async () => undefined;
  } else {
    const name = `endeavour_icli_${crypto.randomBytes(6).toString('hex')}`;
    const admin = async (statement: string) => {
      const c = new pg.Client({ connectionString: SERVER_URL });
      await c.connect();
      try {
        await c.query(statement);
      } finally {
        await c.end();
      }
    };
    await admin(`CREATE DATABASE ${name}`);
    const url = new URL(SERVER_URL);
    url.pathname = `/${name}`;
    env = { ...base, DATABASE_URL: url.toString() };
    open = () => openDatabase({ databaseUrl: url.toString(), poolSize: 1 });
    drop = () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
});
after(async () => {
  await drop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

test('import police-uk on a fresh demo places the fixture\'s rows and reports the ones it could not', async () => {
  const c = countFixture();
  // On PostgreSQL the demo is only created when asked for; embedded, a fresh start creates it.
  const r = await endeavour([...(SERVER_URL ? ['--demo'] : []), 'import', 'police-uk', FIXTURE_DIR]);
  assert.equal(r.code, 0, r.stderr);
  const n = (x: number) => x.toLocaleString('en-GB');
  assert.match(r.stdout, new RegExp(`${n(c.rows)} rows read from 3 files`));
  assert.match(r.stdout, new RegExp(`placed in a district: +${n(c.rows - c.noLocation - c.outside)}\\n`));
  assert.match(r.stdout, new RegExp(`no location \\(no LSOA code\\): +${c.noLocation}\\n`));
  assert.match(r.stdout, new RegExp(`LSOA outside the partnership: *${c.outside}\\n`));
  assert.match(r.stdout, /Months imported for Leicestershire Police \(replacing any figures it had\): 2022-08 to 2022-10 \(3 months\)/);
  assert.match(r.stdout, /LSOAs outside the partnership .*most rows first:\n {2}E01\d{6} {2}\S/);
});

test('indicators --csv gives each district\'s ASB count and rate per 1,000 equal to the independent count', async () => {
  const c = countFixture();
  const r = await endeavour(['indicators', '--from', '2021-11', '--to', '2022-10', '--csv']);
  assert.equal(r.code, 0, r.stderr);
  const [header, ...rows] = readCsv(r.stdout);
  assert.deepEqual(header, ['area_code', 'area_name', 'indicator', 'value', 'rate_per_1000']);
  let total = 0;
  for (const code of DISTRICT_CODES) {
    const expected = c.byDistrict.get(code)?.get(ASB_CRIME_TYPE) ?? 0;
    total += expected;
    const rate = ((expected * 1000) / population2021(code)).toFixed(2);
    const count = rows.find((x) => x[0] === code && x[2] === 'police-uk-asb');
    const rated = rows.find((x) => x[0] === code && x[2] === 'police-uk-asb-rate');
    assert.deepEqual(count?.slice(3), [String(expected), rate], `ASB count in ${code}`);
    assert.deepEqual(rated?.slice(3), [rate, rate], `ASB rate in ${code}`);
  }
  const partnership = rows.find((x) => x[0] === '' && x[2] === 'police-uk-asb')!;
  assert.equal(partnership[3], String(total));
  // Every active indicator is there, for every district and the partnership; a percentage has no rate.
  const indicators = new Set(rows.map((x) => x[2]));
  assert.ok(indicators.size >= 20, `${indicators.size} indicators`);
  for (const k of indicators) assert.equal(rows.filter((x) => x[2] === k).length, DISTRICT_CODES.length + 1, k);
  assert.ok(rows.filter((x) => x[2] === 'marac-repeat-rate').every((x) => x[4] === ''));
});

test('importing the same files again changes nothing', async () => {
  const before = await endeavour(['indicators', '--from', '2022-08', '--to', '2022-10', '--csv', '--indicator', 'police-uk-asb', 'total-crime-rate']);
  const again = await endeavour(['import', 'police-uk', path.join(FIXTURE_DIR, '2022-09'), FIXTURE_DIR]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /3 files/, 'a file named twice is read once');
  const after = await endeavour(['indicators', '--from', '2022-08', '--to', '2022-10', '--csv', '--indicator', 'police-uk-asb', 'total-crime-rate']);
  assert.equal(after.code, 0, after.stderr);
  assert.equal(after.stdout, before.stdout);
  assert.equal(readCsv(after.stdout).length, 1 + 2 * (DISTRICT_CODES.length + 1));
});

test('import series loads figures, and lists every wrong line without importing any', async () => {
  const good = path.join(scratch, 'survey.csv');
  fs.writeFileSync(good, 'series,area_code,month,value\nSurvey: feel safe after dark,,2022-09,70.61\nSurvey: feel safe after dark,E07000130,2022-09,68.2\n');
  const r = await endeavour(['import', 'series', good]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /2 figures imported/);
  const bad = path.join(scratch, 'bad.csv');
  fs.writeFileSync(bad, 'series,area_code,month,value\nX,,2022-9,1\nX,NOPE,2022-09,1\n');
  const b = await endeavour(['import', 'series', bad]);
  assert.equal(b.code, 1);
  assert.match(b.stderr, /was not imported \(nothing was changed\)/);
  assert.match(b.stderr, /line 2: The month must be written as YYYY-MM/);
  assert.match(b.stderr, /line 3: NOPE is not the ONS code/);
  assert.doesNotMatch(b.stderr, STACK_TRACE);
  const csv = await endeavour(['indicators', '--from', '2022-09', '--to', '2022-09', '--csv', '--indicator', 'survey-safe-after-dark']);
  const rows = readCsv(csv.stdout);
  assert.deepEqual(rows.find((x) => x[0] === 'E07000130')?.slice(3), ['68.20', '']);
  assert.deepEqual(rows.find((x) => x[0] === '')?.slice(3), ['70.61', '']);
});

test('the imports and the export are audited', async () => {
  const database = await open();
  try {
    const r = await sql<{ action: string; record_type: string; details: Record<string, unknown> }>`
      SELECT action, record_type, details FROM audit_log WHERE record_type IN ('indicator_series', 'indicators') ORDER BY seq`.execute(database.db);
    const imports = r.rows.filter((x) => x.record_type === 'indicator_series');
    assert.ok(imports.some((x) => x.details.import === 'police-uk' && x.details.placed === countFixture().rows - countFixture().noLocation - countFixture().outside));
    assert.ok(imports.some((x) => x.details.import === 'series'));
    assert.ok(r.rows.some((x) => x.action === 'export' && x.record_type === 'indicators' && x.details.from === '2021-11'));
  } finally {
    await database.close();
  }
});

test('mistakes on the command line exit 2 with a clear message and no stack trace', async () => {
  const cases: [string[], RegExp][] = [
    [['indicators', '--to', '2022-10'], /required option '--from <YYYY-MM>' not specified/],
    [['indicators', '--from', '2022-13', '--to', '2022-10'], /--from <YYYY-MM>.*It must be a month written as YYYY-MM/],
    [['indicators', '--from', '2022-10', '--to', '2022-01'], /The period must end after it starts/],
    [['indicators', '--from', '2022-01', '--to', '2022-02', '--indicator', 'no-such-thing'], /no active indicator called no-such-thing/],
    [['import', 'police-uk'], /missing required argument 'paths'/],
    [['import', 'police-uk', path.join(scratch, 'nowhere')], /Cannot read the file or folder .*nowhere/],
    [['import', 'police-uk', FIXTURE_DIR, '--lsoa-lookup', path.join(scratch, 'bad.csv')], /is not an LSOA lookup/],
    [['import', 'police-uk', scratch, '--lsoa-lookup', path.join(scratch, 'missing.csv')], /Cannot read the LSOA lookup/],
    [['import', 'series', path.join(scratch, 'missing.csv')], /Cannot read the file .*missing\.csv/],
  ];
  for (const [args, message] of cases) {
    const r = await endeavour(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.doesNotMatch(r.stderr, STACK_TRACE);
  }
});
