// Accuracy of `endeavour dedupe` on labelled data: the FEBRL and Splink sets in
// /work/shared/data/linkage (or LINKAGE_DIR) and a synthetic UK set from bench/uk-people.ts.
// Each is converted to the canonical CSV, the real command is run on it (one configuration for all:
// the default threshold), and pairwise precision, recall and F1 are computed against the true pairs
// (k(k-1)/2 per cluster of k records); fake_1000 also against its clerical labels. A second run at a
// low threshold gives the same figures at other thresholds, to show how sensitive they are.
//
//   node bench/dedupe-accuracy.ts [--uk 5000] [--keep]   (the second UK set has four times --uk people)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import { generateUkPeople, CANONICAL_HEADER, toCsvLine } from './uk-people.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const LINKAGE = process.env.LINKAGE_DIR ?? '/work/shared/data/linkage';
const args = process.argv.slice(2);
const ukCount = Number(args[args.indexOf('--uk') + 1] ?? 0) || 5000;
const keep = args.includes('--keep');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'endeavour-dedupe-accuracy-'));

interface Dataset {
  name: string;
  csv: string;
  /** Cluster of each source_id. */
  cluster: Map<string, string>;
  labels?: { a: string; b: string; match: boolean }[];
}

function readCsv(file: string): Record<string, string>[] {
  return parse(fs.readFileSync(file, 'utf8'), {
    columns: (h: string[]) => h.map((x) => x.trim()),
    trim: true,
    skip_empty_lines: true,
  }) as Record<string, string>[];
}

function isoFromYyyymmdd(raw: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(raw);
  if (!m) return raw;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return raw;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

function febrl(file: string, name: string): Dataset {
  const rows = readCsv(path.join(LINKAGE, file));
  const lines = [CANONICAL_HEADER];
  const cluster = new Map<string, string>();
  for (const r of rows) {
    const id = r.rec_id!;
    cluster.set(id, /^rec-(\d+)-/.exec(id)![1]!);
    lines.push(
      toCsvLine({
        source_id: id,
        first_name: r.given_name ?? '',
        last_name: r.surname ?? '',
        date_of_birth: isoFromYyyymmdd(r.date_of_birth ?? ''),
        address_line_1: [r.street_number, r.address_1].filter(Boolean).join(' '),
        address_line_2: r.address_2 ?? '',
        town: r.suburb ?? '',
        postcode: r.postcode ?? '',
        identifier: r.soc_sec_id ?? '',
      }),
    );
  }
  const csv = path.join(work, `${name}.csv`);
  fs.writeFileSync(csv, `${lines.join('\n')}\n`);
  return { name, csv, cluster };
}

function fake1000(): Dataset {
  const rows = readCsv(path.join(LINKAGE, 'splink_datasets_fake_1000.csv'));
  const lines = [CANONICAL_HEADER];
  const cluster = new Map<string, string>();
  for (const r of rows) {
    cluster.set(r.unique_id!, r.cluster!);
    lines.push(
      toCsvLine({
        source_id: r.unique_id!,
        first_name: r.first_name ?? '',
        last_name: r.surname ?? '',
        date_of_birth: r.dob ?? '',
        town: r.city ?? '',
        email: r.email ?? '',
      }),
    );
  }
  const labels = readCsv(path.join(LINKAGE, 'splink_datasets_fake_1000_labels.csv')).map((r) => ({
    a: r.unique_id_l!,
    b: r.unique_id_r!,
    match: Number(r.clerical_match_score) >= 0.5,
  }));
  const csv = path.join(work, 'fake_1000.csv');
  fs.writeFileSync(csv, `${lines.join('\n')}\n`);
  return { name: 'splink fake_1000', csv, cluster, labels };
}

function ukSynthetic(people: number, duplicateShare: number, seed: number): Dataset {
  const csv = path.join(work, `uk_synthetic_${people}_${seed}.csv`);
  const cluster = new Map<string, string>();
  const lines = [CANONICAL_HEADER];
  for (const p of generateUkPeople({ people, duplicateShare, seed })) {
    cluster.set(p.row.source_id, p.cluster);
    lines.push(toCsvLine(p.row));
  }
  fs.writeFileSync(csv, `${lines.join('\n')}\n`);
  return {
    name: `UK synthetic (${people.toLocaleString('en-GB')}, ${Math.round(duplicateShare * 100)}% further records, seed ${seed})`,
    csv,
    cluster,
  };
}

function key(a: string, b: string) {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

function truePairs(cluster: Map<string, string>): Set<string> {
  const members = new Map<string, string[]>();
  for (const [id, c] of cluster) (members.get(c) ?? members.set(c, []).get(c)!).push(id);
  const pairs = new Set<string>();
  for (const list of members.values())
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) pairs.add(key(list[i]!, list[j]!));
  return pairs;
}

function runDedupe(input: string, output: string, threshold?: number): { seconds: number; stderr: string } {
  const started = Date.now();
  const extra = threshold === undefined ? [] : ['--threshold', String(threshold)];
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, 'bin/endeavour.js'), 'dedupe', '--input', input, '--output', output, ...extra],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`dedupe failed (${r.status}): ${r.stderr}`);
  return { seconds: (Date.now() - started) / 1000, stderr: r.stderr };
}

function readPairs(file: string): { a: string; b: string; p: number }[] {
  return readCsv(file).map((r) => ({ a: r.source_id_1!, b: r.source_id_2!, p: Number(r.probability) }));
}

function score(found: { a: string; b: string }[], truth: Set<string>) {
  let tp = 0;
  for (const f of found) if (truth.has(key(f.a, f.b))) tp++;
  const precision = found.length ? tp / found.length : 1;
  const recall = truth.size ? tp / truth.size : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { found: found.length, truth: truth.size, tp, precision, recall, f1 };
}

function labelScore(found: { a: string; b: string }[], labels: NonNullable<Dataset['labels']>) {
  const predicted = new Set(found.map((f) => key(f.a, f.b)));
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const l of labels) {
    const hit = predicted.has(key(l.a, l.b));
    if (l.match && hit) tp++;
    else if (!l.match && hit) fp++;
    else if (l.match) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}

const f = (x: number) => x.toFixed(3);
const datasets = [
  febrl('febrl_dataset1.csv', 'FEBRL dataset 1'),
  febrl('febrl_dataset2.csv', 'FEBRL dataset 2'),
  fake1000(),
  // Two UK-style sets unlike the development files: a small one dense with duplicates, and a larger
  // one with fewer, made with another seed.
  ukSynthetic(ukCount, 0.3, 7),
  ukSynthetic(ukCount * 4, 0.1, 99),
];
const sweep = [0.1, 0.3, 0.5, 0.7, 0.9, 0.99];
console.log(`| data set | records | true pairs | found | precision | recall | F1 | time |`);
console.log(`|---|---:|---:|---:|---:|---:|---:|---:|`);
const sweeps: string[] = [];
for (const d of datasets) {
  const out = path.join(work, `${path.basename(d.csv, '.csv')}-pairs.csv`);
  const run = runDedupe(d.csv, out);
  const truth = truePairs(d.cluster);
  const found = readPairs(out);
  const s = score(found, truth);
  console.log(
    `| ${d.name} | ${d.cluster.size.toLocaleString('en-GB')} | ${s.truth.toLocaleString('en-GB')} | ${s.found.toLocaleString('en-GB')} | ${f(s.precision)} | ${f(s.recall)} | **${f(s.f1)}** | ${run.seconds.toFixed(1)} s |`,
  );
  if (d.labels) {
    const l = labelScore(found, d.labels);
    console.log(
      `| ${d.name}, clerical labels (${d.labels.length.toLocaleString('en-GB')} pairs) | | | | ${f(l.precision)} | ${f(l.recall)} | **${f(l.f1)}** | |`,
    );
  }
  if (process.env.DEBUG_DEDUPE) process.stderr.write(run.stderr);
  const low = path.join(work, `${path.basename(d.csv, '.csv')}-low.csv`);
  runDedupe(d.csv, low, 0.01);
  const all = readPairs(low);
  sweeps.push(
    `| ${d.name} | ${sweep
      .map((t) =>
        f(
          score(
            all.filter((p) => p.p >= t),
            truth,
          ).f1,
        ),
      )
      .join(' | ')} |`,
  );
}
console.log(`\nF1 at other thresholds (same runs, --threshold 0.01, filtered):\n`);
console.log(`| data set | ${sweep.join(' | ')} |`);
console.log(`|---|${sweep.map(() => '---:').join('|')}|`);
for (const s of sweeps) console.log(s);
if (keep) console.log(`\nFiles kept in ${work}`);
else fs.rmSync(work, { recursive: true, force: true });
