// `endeavour dedupe --input people.csv --output pairs.csv [--threshold P]`: finds records of the same
// person within one canonical CSV file with the matching engine the app uses, and writes one row per
// matched pair. Needs no database. Scoring runs on worker threads (one per core by default).
import fs from 'node:fs';
import os from 'node:os';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Command } from 'commander';
import { CliFailure, EXIT_FAILURE, EXIT_USAGE, plural } from './context.ts';
import { DEFAULT_MODEL, type MatchModel } from '../modules/matching/engine/index.ts';
import { priorWeight, COMPARISONS } from '../modules/matching/engine/model.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './dedupe-protocol.ts';

export const DEFAULT_THRESHOLD = 0.5;
export const DEFAULT_MAX_BLOCK = 1000;

interface DedupeOptions {
  input: string;
  output: string;
  threshold: string;
  clusters?: string;
  workers?: string;
  maxBlock: string;
  model?: string;
  estimate: boolean;
  saveModel?: string;
  quiet?: boolean;
}

function log(text: string) {
  process.stderr.write(`${text}\n`);
}

function usage(message: string): never {
  throw new CliFailure(`endeavour dedupe: ${message}`, EXIT_USAGE);
}

function number(value: string, name: string, check: (n: number) => boolean, expected: string): number {
  const n = Number(value);
  if (!value.trim() || !Number.isFinite(n) || !check(n))
    usage(`${name} must be ${expected}, not '${value}'.`);
  return n;
}

function readModel(file: string): MatchModel {
  let model: MatchModel;
  try {
    model = JSON.parse(fs.readFileSync(file, 'utf8')) as MatchModel;
  } catch (err) {
    usage(`cannot read the model ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const ok =
    model &&
    typeof model.prior === 'number' &&
    model.prior > 0 &&
    model.prior < 1 &&
    COMPARISONS.every(
      (c) =>
        Array.isArray(model.comparisons?.[c.name]) &&
        model.comparisons[c.name].length === c.levels.length &&
        model.comparisons[c.name].every((l) => l.m > 0 && l.m <= 1 && l.u > 0 && l.u <= 1),
    );
  if (!ok) usage(`${file} is not a matching model (as written by --save-model).`);
  return { ...DEFAULT_MODEL, ...model };
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Writes text to a stream, waiting when it is full, so that a large output never piles up in memory. */
async function write(stream: fs.WriteStream, text: string) {
  if (!stream.write(text)) await once(stream, 'drain');
}

function openOutput(file: string): fs.WriteStream {
  const stream = fs.createWriteStream(file);
  return stream;
}

async function closeOutput(stream: fs.WriteStream) {
  stream.end();
  await once(stream, 'finish');
}

interface Collected {
  left: Int32Array[];
  right: Int32Array[];
  weight: Float64Array[];
}

export async function dedupe(opts: DedupeOptions): Promise<void> {
  const started = Date.now();
  const threshold = number(
    opts.threshold,
    '--threshold',
    (n) => n > 0 && n < 1,
    'a probability between 0 and 1 (such as 0.9)',
  );
  const maxBlock = number(
    opts.maxBlock,
    '--max-block',
    (n) => Number.isInteger(n) && n >= 2,
    'a whole number of at least 2',
  );
  const cores = os.availableParallelism();
  const parts = opts.workers
    ? number(
        opts.workers,
        '--workers',
        (n) => Number.isInteger(n) && n >= 1 && n <= 64,
        'a whole number from 1 to 64',
      )
    : Math.min(2, cores);
  const start = opts.model ? readModel(opts.model) : DEFAULT_MODEL;
  try {
    if (!fs.statSync(opts.input).isFile()) usage(`${opts.input} is not a file.`);
    fs.accessSync(opts.input, fs.constants.R_OK);
  } catch (err) {
    if (err instanceof CliFailure) throw err;
    usage(`cannot read the input file ${opts.input}.`);
  }
  const say = opts.quiet ? () => {} : log;

  const workers: Worker[] = [];
  const collected: Collected = { left: [], right: [], weight: [] };
  let ids: string[] = [];
  let model: MatchModel = start;
  let compared = 0;
  const phases: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let done = 0;
      const fail = (err: Error) => reject(err);
      for (let part = 0; part < parts; part++) {
        const setup: WorkerSetup = {
          input: opts.input,
          part,
          parts,
          maxBlock,
          estimate: opts.estimate,
          model: start,
        };
        const worker = new Worker(new URL('./dedupe-worker.ts', import.meta.url), { workerData: setup });
        workers.push(worker);
        worker.on('error', fail);
        worker.on('exit', (code) => {
          if (code !== 0) fail(new Error(`a scoring thread stopped unexpectedly (exit code ${code})`));
        });
        worker.on('message', (message: FromWorker) => {
          switch (message.type) {
            case 'loaded':
              if (message.ids) {
                ids = message.ids;
                for (const n of message.notes ?? []) log(n);
                say(
                  `Read ${plural(message.records, 'person', 'people')} from ${opts.input}${message.dirtyDates ? ` (${plural(message.dirtyDates, 'date of birth', 'dates of birth')} not in YYYY-MM-DD form, compared as read)` : ''}.`,
                );
              }
              break;
            case 'blocks':
              say(
                `Blocking: ${plural(message.blocks, 'block')} holding ${plural(message.pairs, 'candidate pair')} before de-duplication.`,
              );
              if (message.leftOut.blocks) {
                const l = message.leftOut;
                say(
                  `Left out ${plural(l.blocks, 'block')} (${plural(l.pairs, 'pair')}) too large or over their kind's budget, largest first: ${l.examples.join(', ')}. Their records are still compared through their other keys.`,
                );
              }
              break;
            case 'model': {
              model = message.model;
              if (message.report) {
                const r = message.report;
                say(
                  `Model estimated from ${plural(r.randomPairs, 'random pair')} and ${r.sessions.map((s) => `${plural(s.sampled, 'pair')} agreeing on ${s.rule.replace(/_/g, ' ')}`).join(' and ') || 'no training pairs'}; about 1 in ${Math.round(1 / model.prior).toLocaleString('en-GB')} random pairs is the same person.`,
                );
              }
              const order: ToWorker = {
                model,
                minWeight: Math.log2(threshold / (1 - threshold)) - priorWeight(model),
              };
              for (const w of workers) w.postMessage(order);
              break;
            }
            case 'pairs':
              collected.left.push(message.left);
              collected.right.push(message.right);
              collected.weight.push(message.weight);
              break;
            case 'done':
              compared += message.compared;
              phases.push(
                Object.entries(message.seconds)
                  .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
                  .join(', '),
              );
              if (++done === parts) resolve();
              break;
            case 'error':
              reject(
                message.input
                  ? new CliFailure(`endeavour dedupe: ${opts.input}: ${message.message}`, EXIT_FAILURE)
                  : new Error(message.message),
              );
              break;
          }
        });
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }

  // Gather the pairs over the threshold, in input order.
  const base = priorWeight(model);
  const cut = Math.log2(threshold / (1 - threshold)) - base;
  const total = collected.weight.reduce((n, w) => n + w.length, 0);
  const order: number[] = [];
  const left = new Int32Array(total);
  const right = new Int32Array(total);
  const weight = new Float64Array(total);
  let k = 0;
  collected.weight.forEach((w, c) => {
    left.set(collected.left[c]!, k);
    right.set(collected.right[c]!, k);
    weight.set(w, k);
    k += w.length;
  });
  for (let p = 0; p < total; p++) if (weight[p]! >= cut) order.push(p);
  order.sort((a, b) => left[a]! - left[b]! || right[a]! - right[b]!);

  const out = openOutput(opts.output);
  try {
    await write(out, 'source_id_1,source_id_2,probability\n');
    let chunk = '';
    for (const p of order) {
      const probability = 1 / (1 + 2 ** -(base + weight[p]!));
      chunk += `${csvField(ids[left[p]!]!)},${csvField(ids[right[p]!]!)},${probability.toFixed(6)}\n`;
      if (chunk.length > 1 << 16) {
        await write(out, chunk);
        chunk = '';
      }
    }
    if (chunk) await write(out, chunk);
  } finally {
    await closeOutput(out);
  }

  if (opts.clusters)
    await writeClusters(
      opts.clusters,
      ids,
      order.map((p) => [left[p]!, right[p]!]),
    );
  if (opts.saveModel) fs.writeFileSync(opts.saveModel, `${JSON.stringify(model, null, 2)}\n`);
  say(
    `Compared ${plural(compared, 'pair')}; wrote ${plural(order.length, 'matched pair')} (probability ≥ ${threshold}) to ${opts.output} in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
  say(`Processor time by thread: ${phases.map((p, i) => `[${i + 1}] ${p}`).join('; ')}.`);
}

/** Transitive closure of the matched pairs: every record with the first record of its group. */
async function writeClusters(file: string, ids: string[], pairs: [number, number][]) {
  const parent = Int32Array.from(ids, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (const [a, b] of pairs) {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
  const out = openOutput(file);
  try {
    await write(out, 'source_id,cluster\n');
    let chunk = '';
    for (let i = 0; i < ids.length; i++) {
      chunk += `${csvField(ids[i]!)},${csvField(ids[find(i)]!)}\n`;
      if (chunk.length > 1 << 16) {
        await write(out, chunk);
        chunk = '';
      }
    }
    if (chunk) await write(out, chunk);
  } finally {
    await closeOutput(out);
  }
}

export function registerDedupe(program: Command) {
  program
    .command('dedupe')
    .description('find records of the same person in a people CSV file (no database needed)')
    .requiredOption('--input <file>', 'people in the canonical CSV format (see docs/matching.md)')
    .requiredOption(
      '--output <file>',
      'where to write the matched pairs: source_id_1,source_id_2,probability',
    )
    .option('--threshold <p>', 'lowest match probability to write', String(DEFAULT_THRESHOLD))
    .option(
      '--clusters <file>',
      'also write source_id,cluster: groups joined through matched pairs (transitive closure)',
    )
    .option('--workers <n>', 'scoring threads (default: one per core, at most 2)')
    .option(
      '--max-block <n>',
      'leave out blocking keys shared by more records than this',
      String(DEFAULT_MAX_BLOCK),
    )
    .option(
      '--model <file>',
      'start from this model (JSON, as written by --save-model) instead of the default',
    )
    .option('--no-estimate', 'use the starting model as it is instead of estimating it from the file')
    .option('--save-model <file>', 'write the model used (JSON) to this file')
    .option('--quiet', 'report only problems with the input')
    .addHelpText(
      'after',
      `
Input columns: source_id,first_name,middle_names,last_name,date_of_birth,gender,address_line_1,
address_line_2,town,postcode,phone,email,identifier (dates YYYY-MM-DD; other forms are reported on
stderr and compared as read). Progress and problems go to stderr.`,
    )
    .action(async (opts: DedupeOptions) => {
      await dedupe(opts);
    });
}
