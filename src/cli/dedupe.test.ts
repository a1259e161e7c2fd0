// `endeavour dedupe`, run as a person would run it: a separate process through the bin launcher,
// with a small people file in the canonical format. It must need no database at all.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NODE = path.join(ROOT, 'node_modules', '.bin', 'node');
const BIN = path.join(ROOT, 'bin', 'endeavour.js');
const HEADER =
  'source_id,first_name,middle_names,last_name,date_of_birth,gender,address_line_1,address_line_2,town,postcode,phone,email,identifier';
const STACK_TRACE = /^\s+at /m;

let dir = '';
let dataDir = '';

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'endeavour-dedupe-test-'));
  // Pointed at a folder that does not exist: the command must not create (open) a database there.
  dataDir = path.join(dir, 'no-database-here');
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
    for (const name of ['DATABASE_URL', 'NODE_OPTIONS', 'NODE_TEST_CONTEXT']) delete env[name];
    const child = spawn(NODE, [BIN, 'dedupe', ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function write(name: string, rows: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

function readPairs(file: string): string[] {
  return fs.readFileSync(file, 'utf8').trim().split('\n');
}

// Three people, one of them recorded three times with the errors of real records (a nickname, a
// legacy date, a swapped day and month, a new postcode), one twice, and three others.
const PEOPLE = [
  HEADER,
  'A1,Robert,James,Smith,1980-03-12,M,12 High Street,,Loughborough,LE11 3TR,07700 900123,bob.smith@example.org,AB123456C',
  'A2,Bob,,Smith,12/03/1980,male,12 High St,,Loughborough,le113tr,+44 7700 900123,,',
  'B1,Margaret,,Okafor-Reid,1954-07-30,F,4 Mill Lane,Flat 2,Coalville,LE67 2AB,,,',
  'A3,Robert,J,Smith,1980-12-03,M,7 Park Road,,Nottingham,NG7 1AA,07700900123,,AB 12 34 56 C',
  'B2,Peggy,,Reid,1954-07-30,F,"Flat 2, 4 Mill Lane",,Coalville,LE67 2AB,,,',
  'C1,Aisha,,Begum,1995-01-20,F,31 Station Road,,Hinckley,LE10 1AA,07700 900555,,',
  'D1,Robert,,Smith,1961-08-04,M,90 Church Street,,Leicester,LE2 7QQ,07700 900777,,',
  'E1,Jan,,Kowalski,1975-1x-02,M,5 Elm Close,,Wigston,LE18 4RR,,,',
];

test('writes one row per matched pair, with the probability, and nothing else', async () => {
  const input = write('people.csv', PEOPLE);
  const output = path.join(dir, 'pairs.csv');
  const r = await run(['--input', input, '--output', output]);
  assert.equal(r.code, 0, r.stderr);
  const lines = readPairs(output);
  assert.equal(lines[0], 'source_id_1,source_id_2,probability');
  const pairs = lines.slice(1).map((l) => l.split(','));
  assert.deepEqual(pairs.map(([a, b]) => `${a}-${b}`).sort(), ['A1-A2', 'A1-A3', 'A2-A3', 'B1-B2']);
  for (const [, , p] of pairs) assert.ok(Number(p) >= 0.5 && Number(p) <= 1, p);
  assert.ok(!STACK_TRACE.test(r.stderr));
  assert.equal(fs.existsSync(dataDir), false, 'no database was opened');
});

test('dirty dates of birth are reported on stderr by row, and still compared', async () => {
  const input = write('dirty.csv', PEOPLE);
  const output = path.join(dir, 'dirty-pairs.csv');
  const r = await run(['--input', input, '--output', output, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /row 3: date_of_birth '12\/03\/1980' is not an ISO date \(YYYY-MM-DD\); read as 1980-03-12/,
  );
  assert.match(r.stderr, /row 9: date_of_birth '1975-1x-02' is not a date; compared as text/);
  // The legacy-format record is still matched.
  assert.ok(readPairs(output).some((l) => l.startsWith('A1,A2,')));
});

test('a higher threshold writes fewer pairs, and --clusters writes the groups', async () => {
  const input = write('people2.csv', PEOPLE);
  const output = path.join(dir, 'strict.csv');
  const clusters = path.join(dir, 'clusters.csv');
  const r = await run([
    '--input',
    input,
    '--output',
    output,
    '--threshold',
    '0.999999',
    '--clusters',
    clusters,
    '--workers',
    '1',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(readPairs(output).length - 1 <= 4);
  const groups = Object.fromEntries(
    readPairs(clusters)
      .slice(1)
      .map((l) => l.split(',')),
  );
  assert.equal(groups.C1, 'C1');
  assert.equal(groups.A2, groups.A1);
});

test('bad command lines get a clear message and exit code 2', async () => {
  const input = write('ok.csv', PEOPLE);
  const out = path.join(dir, 'x.csv');
  const cases: [string[], RegExp][] = [
    [['--output', out], /required option '--input <file>'/],
    [['--input', input], /required option '--output <file>'/],
    [
      ['--input', input, '--output', out, '--threshold', '2'],
      /--threshold must be a probability between 0 and 1/,
    ],
    [['--input', input, '--output', out, '--threshold', 'high'], /--threshold must be a probability/],
    [['--input', input, '--output', out, '--workers', '0'], /--workers must be a whole number/],
    [['--input', path.join(dir, 'missing.csv'), '--output', out], /cannot read the input file/],
    [['--input', input, '--output', out, '--model', input], /cannot read the model .*is not valid JSON/],
    [
      ['--input', input, '--output', out, '--model', write('model.json', ['{"prior": 2}'])],
      /is not a matching model/,
    ],
  ];
  for (const [args, message] of cases) {
    const r = await run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.ok(!STACK_TRACE.test(r.stderr), r.stderr);
  }
});

test('a file that is not a people file fails with the reason and exit code 1', async () => {
  const out = path.join(dir, 'y.csv');
  const noId = await run(['--input', write('noid.csv', ['name,dob', 'Anna,1990-01-01']), '--output', out]);
  assert.equal(noId.code, 1);
  assert.match(noId.stderr, /it has no source_id column/);
  const duplicate = await run(['--input', write('dup.csv', [HEADER, 'X,Anna', 'X,Ben']), '--output', out]);
  assert.equal(duplicate.code, 1);
  assert.match(duplicate.stderr, /source_id X is on row 2 and row 3/);
  const empty = await run(['--input', write('empty.csv', []), '--output', out]);
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /the file is empty/);
  for (const r of [noId, duplicate, empty]) assert.ok(!STACK_TRACE.test(r.stderr), r.stderr);
});
