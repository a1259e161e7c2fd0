// Batch matching of many records against each other (`endeavour dedupe`): blocking keys hashed into
// a compact sorted index, blocks shared out between workers by the number of pairs they hold, and
// each candidate pair compared once — in the block of the smallest key the two records share.
import { blockingKeys, isCoarseKind, KEY_KINDS, keyKind } from './blocking.ts';
import { compareVector, VECTOR_LENGTH } from './comparisons.ts';
import { vectorWeight, weightTable, type MatchModel } from './model.ts';
import type { PreparedPerson } from './prepare.ts';

/** Records are packed into 26 bits of a sort key; more than this is refused. */
export const MAX_RECORDS = 1 << 26;

export interface BlockOptions {
  /** Blocks with more records than this are left out. */
  maxBlock: number;
  /** Pairs each kind of key may bring, per record (coarse kinds get a tenth). */
  pairsPerRecord?: number;
}

export interface BlockIndex {
  /** Record numbers ordered by key. */
  records: Int32Array;
  /** Start and end (exclusive) of each kept block in `records`. */
  starts: Int32Array;
  ends: Int32Array;
  /** Identity of each kept block: 32-bit key hash × 64 + kind. */
  hashes: Float64Array;
  /** Each record's kept block identities, ascending, at keyOffsets[i]..keyOffsets[i+1]. */
  keyHashes: Float64Array;
  keyOffsets: Int32Array;
  /** Pairs in kept blocks before de-duplication. */
  pairs: number;
  /** Blocks left out because they were too large or beyond their kind's budget. */
  leftOut: { blocks: number; pairs: number; largest: number; examples: string[] };
}

function fnv(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A block's identity: the key's 32-bit hash and its kind (two keys of different kinds never share a block). */
function identity(hash: number, kind: number): number {
  return hash * 64 + kind;
}

/**
 * Groups records by blocking key. Each kind of key has a budget of pairs (pairsPerRecord, default 6, × records,
 * at least 100,000; a tenth for coarse kinds) spent on its smallest blocks first, so that a key
 * shared by very many records — a common surname, a placeholder date — costs nothing and the run
 * grows about linearly with the number of records. Pairs in a left-out block are still compared if
 * another of their keys brings them together.
 */
export function buildBlocks(people: readonly PreparedPerson[], opts: BlockOptions): BlockIndex {
  const n = people.length;
  if (n > MAX_RECORDS)
    throw new Error(`at most ${MAX_RECORDS.toLocaleString('en-GB')} records can be matched at once`);
  // Pairs of 32-bit words, grown as needed: keys are hashed as they are made rather than kept.
  let words = new Uint32Array(Math.max(1024, n * 40));
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (const key of blockingKeys(people[i]!)) {
      if (2 * total + 2 > words.length) {
        const grown = new Uint32Array(words.length * 2);
        grown.set(words);
        words = grown;
      }
      // Little-endian: word 2e is the low half of entry e, so sorting the 64-bit values sorts by
      // hash, then kind, then record.
      words[2 * total] = ((keyKind(key) << 26) | i) >>> 0;
      words[2 * total + 1] = fnv(key);
      total++;
    }
  }
  const sortKeys = new BigUint64Array(words.buffer, 0, total);
  sortKeys.sort();
  const records = new Int32Array(total);
  const entryId = new Float64Array(total);
  for (let k = 0; k < total; k++) {
    const low = words[2 * k]!;
    records[k] = low & 0x3ffffff;
    entryId[k] = identity(words[2 * k + 1]!, low >>> 26);
  }
  // Candidate blocks, per kind.
  const byKind: { start: number; end: number }[][] = KEY_KINDS.map(() => []);
  for (let s = 0; s < total;) {
    let t = s + 1;
    while (t < total && entryId[t] === entryId[s]) t++;
    if (t - s >= 2) byKind[entryId[s]! % 64]!.push({ start: s, end: t });
    s = t;
  }
  const perRecord = opts.pairsPerRecord ?? 6;
  const kept: { start: number; end: number }[] = [];
  const leftOut = { blocks: 0, pairs: 0, largest: 0, examples: [] as string[] };
  const leftOutBlocks: { start: number; end: number }[] = [];
  let pairs = 0;
  byKind.forEach((blocks, kind) => {
    const budget = Math.max(100_000, n * perRecord) / (isCoarseKind(kind) ? 10 : 1);
    blocks.sort((x, y) => x.end - x.start - (y.end - y.start));
    let spent = 0;
    for (const b of blocks) {
      const size = b.end - b.start;
      const cost = (size * (size - 1)) / 2;
      if (size <= opts.maxBlock && spent + cost <= budget) {
        spent += cost;
        kept.push(b);
      } else {
        leftOut.blocks++;
        leftOut.pairs += cost;
        if (size > leftOut.largest) leftOut.largest = size;
        leftOutBlocks.push(b);
      }
    }
    pairs += spent;
  });
  // Name a few of the largest left-out keys, for the report.
  leftOutBlocks.sort((x, y) => y.end - y.start - (x.end - x.start));
  for (const b of leftOutBlocks.slice(0, 5)) {
    const id = entryId[b.start]!;
    const key = blockingKeys(people[records[b.start]!]!).find((k) => identity(fnv(k), keyKind(k)) === id);
    if (key) leftOut.examples.push(`${key} (${(b.end - b.start).toLocaleString('en-GB')} records)`);
  }
  // Shuffle-free but well spread: blocks in hash order, so each worker's share mixes kinds and sizes.
  kept.sort((x, y) => entryId[x.start]! - entryId[y.start]!);
  const keep = new Uint8Array(total);
  for (const b of kept) keep.fill(1, b.start, b.end);
  // Each record's kept blocks, so that a pair can tell which block it belongs to.
  const keyOffsets = new Int32Array(n + 1);
  for (let k = 0; k < total; k++) if (keep[k]) keyOffsets[records[k]! + 1]!++;
  for (let i = 0; i < n; i++) keyOffsets[i + 1]! += keyOffsets[i]!;
  const fill = Int32Array.from(keyOffsets.subarray(0, n));
  const keyHashes = new Float64Array(keyOffsets[n]!);
  for (let k = 0; k < total; k++) {
    if (!keep[k]) continue;
    const r = records[k]!;
    keyHashes[fill[r]!++] = entryId[k]!;
  }
  for (let i = 0; i < n; i++) keyHashes.subarray(keyOffsets[i]!, keyOffsets[i + 1]!).sort();
  return {
    records,
    starts: Int32Array.from(kept, (b) => b.start),
    ends: Int32Array.from(kept, (b) => b.end),
    hashes: Float64Array.from(kept, (b) => entryId[b.start]!),
    keyHashes,
    keyOffsets,
    pairs,
    leftOut,
  };
}

/** Whether `hash` is the smallest key records i and j share, so that the pair is compared there only. */
function ownsPair(index: BlockIndex, i: number, j: number, hash: number): boolean {
  const { keyHashes, keyOffsets } = index;
  const jEnd = keyOffsets[j + 1]!;
  for (let a = keyOffsets[i]!; a < keyOffsets[i + 1]!; a++) {
    const h = keyHashes[a]!;
    if (h >= hash) return true;
    for (let b = keyOffsets[j]!; b < jEnd; b++) {
      const g = keyHashes[b]!;
      if (g === h) return false;
      if (g > h) break;
    }
  }
  return true;
}

/** The blocks [from, to) for worker `part` of `parts`, with about equal numbers of pairs each. */
export function shareOfBlocks(index: BlockIndex, part: number, parts: number): [number, number] {
  const blocks = index.hashes.length;
  const target = index.pairs / parts;
  let from = -1;
  let to = blocks;
  let seen = 0;
  for (let b = 0; b < blocks; b++) {
    const size = index.ends[b]! - index.starts[b]!;
    const owner = Math.min(parts - 1, Math.floor(seen / Math.max(target, 1)));
    if (owner === part && from < 0) from = b;
    if (owner > part) {
      to = b;
      break;
    }
    seen += (size * (size - 1)) / 2;
  }
  return from < 0 ? [0, 0] : [from, to];
}

export interface ScoredPairs {
  left: Int32Array;
  right: Int32Array;
  weight: Float64Array;
  length: number;
}

export interface ScoreStats {
  compared: number;
  kept: number;
}

/**
 * Compares every pair in blocks [from, to) once and hands over, in batches, those whose weight is
 * at least `minWeight` bits. `firstTf`/`lastTf` give each record's name frequencies (0 unknown).
 */
export function scoreBlocks(
  people: readonly PreparedPerson[],
  index: BlockIndex,
  from: number,
  to: number,
  model: MatchModel,
  firstTf: Float64Array,
  lastTf: Float64Array,
  minWeight: number,
  emit: (batch: ScoredPairs) => void,
  batchSize = 65_536,
): ScoreStats {
  const table = weightTable(model);
  const vector = new Uint8Array(VECTOR_LENGTH);
  let batch: ScoredPairs = {
    left: new Int32Array(batchSize),
    right: new Int32Array(batchSize),
    weight: new Float64Array(batchSize),
    length: 0,
  };
  const stats: ScoreStats = { compared: 0, kept: 0 };
  for (let b = from; b < to; b++) {
    const start = index.starts[b]!;
    const end = index.ends[b]!;
    const hash = index.hashes[b]!;
    for (let x = start; x < end; x++) {
      const i = index.records[x]!;
      const pi = people[i]!;
      for (let y = x + 1; y < end; y++) {
        const j = index.records[y]!;
        if (i === j || !ownsPair(index, i, j, hash)) continue;
        stats.compared++;
        const pj = people[j]!;
        compareVector(pi, pj, vector);
        const w = vectorWeight(vector, model, table, firstTf[i]!, lastTf[i]!);
        if (w < minWeight) continue;
        const k = batch.length++;
        batch.left[k] = Math.min(i, j);
        batch.right[k] = Math.max(i, j);
        batch.weight[k] = w;
        stats.kept++;
        if (batch.length === batchSize) {
          emit(batch);
          batch = {
            left: new Int32Array(batchSize),
            right: new Int32Array(batchSize),
            weight: new Float64Array(batchSize),
            length: 0,
          };
        }
      }
    }
  }
  if (batch.length) emit(batch);
  return stats;
}

/** Name frequencies (share of records) for term-frequency adjustment, per record. */
export function termFrequencies(people: readonly PreparedPerson[]): {
  first: Float64Array;
  last: Float64Array;
} {
  const firstCounts = new Map<string, number>();
  const lastCounts = new Map<string, number>();
  for (const p of people) {
    if (p.first) firstCounts.set(p.first, (firstCounts.get(p.first) ?? 0) + 1);
    if (p.last) lastCounts.set(p.last, (lastCounts.get(p.last) ?? 0) + 1);
  }
  const n = people.length || 1;
  const first = new Float64Array(people.length);
  const last = new Float64Array(people.length);
  people.forEach((p, i) => {
    first[i] = p.first ? firstCounts.get(p.first)! / n : 0;
    last[i] = p.last ? lastCounts.get(p.last)! / n : 0;
  });
  return { first, last };
}
