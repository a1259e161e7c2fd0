// Speed of `endeavour dedupe` at scale: generates synthetic UK people (bench/uk-people.ts) with about
// one record in ten a further record of an earlier person, runs the real command on them, and
// reports wall time, peak memory of the command's process (all its threads), pairs and accuracy.
//
//   node bench/dedupe-scale.ts [--people 1000000] [--keep]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { parse } from 'csv-parse';
import { CANONICAL_HEADER, toCsvLine, ukPeople } from './uk-people.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const option = (name: string, fallback: string) =>
  args.includes(name) ? args[args.indexOf(name) + 1]! : fallback;
const PEOPLE = Number(option('--people', '1000000').replace(/[,_]/g, ''));
const keep = args.includes('--keep');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'endeavour-dedupe-scale-'));
const input = path.join(work, 'people.csv');
const output = path.join(work, 'pairs.csv');

// Generate, keeping only each record's cluster number for scoring.
let started = Date.now();
const cluster = new Int32Array(PEOPLE);
{
  const out = fs.createWriteStream(input);
  out.write(`${CANONICAL_HEADER}\n`);
  let chunk = '';
  let n = 0;
  for (const p of ukPeople({ people: PEOPLE, duplicateShare: 0.1, seed: 2024 })) {
    cluster[n++] = Number(p.cluster.replace(/\D/g, ''));
    chunk += `${toCsvLine(p.row)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}
const sizeMb = fs.statSync(input).size / 1e6;
console.log(
  `Generated ${PEOPLE.toLocaleString('en-GB')} people (${sizeMb.toFixed(0)} MB) in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
);

// Run the command, sampling its peak resident memory (VmHWM covers every thread of the process).
const load = os.loadavg();
started = Date.now();
const child = spawn(
  process.execPath,
  [path.join(ROOT, 'bin/endeavour.js'), 'dedupe', '--input', input, '--output', output],
  {
    stdio: ['ignore', 'inherit', 'pipe'],
  },
);
let stderr = '';
child.stderr.on('data', (d: Buffer) => {
  stderr += d.toString();
});
let peakKb = 0;
const sampler = setInterval(() => {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    if (m) peakKb = Math.max(peakKb, Number(m[1]));
  } catch {
    // The process has ended.
  }
}, 200);
const [code] = (await once(child, 'exit')) as [number | null];
clearInterval(sampler);
const seconds = (Date.now() - started) / 1000;
const loadAfter = os.loadavg();
process.stderr.write(
  stderr
    .split('\n')
    .filter((l) => !l.startsWith('row '))
    .join('\n'),
);
if (code !== 0) {
  console.error(`dedupe failed with exit code ${code}`);
  process.exit(1);
}

// Score against the generator's clusters.
const index = new Map<string, number>();
for (let i = 0; i < PEOPLE; i++) index.set(`P${String(i + 1).padStart(7, '0')}`, i);
const sizes = new Map<number, number>();
for (const c of cluster) sizes.set(c, (sizes.get(c) ?? 0) + 1);
let truePairs = 0;
for (const k of sizes.values()) truePairs += (k * (k - 1)) / 2;
let found = 0;
let tp = 0;
for await (const row of fs.createReadStream(output).pipe(parse({ from_line: 2 })) as AsyncIterable<
  string[]
>) {
  found++;
  if (cluster[index.get(row[0]!)!] === cluster[index.get(row[1]!)!]) tp++;
}
const precision = found ? tp / found : 1;
const recall = truePairs ? tp / truePairs : 1;
const f1 = (2 * precision * recall) / (precision + recall);
console.log(
  [
    `| people | true pairs | pairs found | precision | recall | F1 | wall time | peak memory | load average before → after |`,
    `|---:|---:|---:|---:|---:|---:|---:|---:|---|`,
    `| ${PEOPLE.toLocaleString('en-GB')} | ${truePairs.toLocaleString('en-GB')} | ${found.toLocaleString('en-GB')} | ${precision.toFixed(3)} | ${recall.toFixed(3)} | ${f1.toFixed(3)} | ${seconds.toFixed(1)} s | ${(peakKb / 1024 / 1024).toFixed(2)} GiB | ${load.map((x) => x.toFixed(1)).join(' ')} → ${loadAfter.map((x) => x.toFixed(1)).join(' ')} |`,
  ].join('\n'),
);
if (keep) console.log(`Files kept in ${work}`);
else fs.rmSync(work, { recursive: true, force: true });
