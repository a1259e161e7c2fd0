// Unsupervised estimation of the model from the records themselves, as Splink does:
//  - u (how often unrelated people agree) from random pairs, each pair counted by how unlikely it
//    is to be a match, so that the true matches among them do not inflate u in a small file;
//  - m (how often the same person agrees) by expectation–maximisation over pairs that agree exactly
//    on a training rule (same date of birth; same first and last name), estimating only the fields
//    the rule does not fix, with u held;
//  - the prior (λ) from how many matches each rule found and how many it must have missed.
// The starting model acts as a weak prior throughout, so a field that is rare in a file keeps
// sensible parameters instead of being fitted to a handful of pairs.
import {
  compareVector,
  LAST_NAME,
  MISSING,
  NAMES_SWAPPED,
  SAME_DWELLING,
  VECTOR_LENGTH,
} from './comparisons.ts';
import { COMPARISONS, type ComparisonName, type LevelParameters, type MatchModel } from './model.ts';
import type { PreparedPerson } from './prepare.ts';
import { trainingKey } from './blocking.ts';

export interface EstimateOptions {
  /** Random pairs for u (all pairs when a file has fewer). */
  randomPairs?: number;
  /** Pairs sampled per training rule for m. */
  trainingPairs?: number;
  seed?: number;
  /** Training-rule blocks larger than this are left out (a placeholder date shared by thousands, say). */
  maxBlock?: number;
}

export interface EstimateReport {
  randomPairs: number;
  sessions: { rule: string; pairs: number; sampled: number; matchShare: number; impliedMatches: number }[];
  prior: number;
}

const N = COMPARISONS.length;
/** Pseudo-pairs of the starting model behind each m estimate. */
const M_PSEUDO = 10;
/**
 * No level is estimated as rarer than this among matches: a file whose duplicates never disagree
 * on a field would otherwise make one disagreement decisive (-20 bits), which no single field is.
 */
const M_FLOOR = 0.002;

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Distinct comparison vectors with how many pairs had each: EM need not visit identical pairs twice. */
interface Vectors {
  levels: Uint8Array;
  weights: Float64Array;
  /** Distinct vectors. */
  count: number;
  /** Pairs behind them. */
  total: number;
}

function vectorsFor(people: readonly PreparedPerson[], pairs: Int32Array, count: number): Vectors {
  const scratch = new Uint8Array(VECTOR_LENGTH);
  const index = new Map<string, number>();
  const levels: number[] = [];
  const weights: number[] = [];
  for (let p = 0; p < count; p++) {
    compareVector(people[pairs[2 * p]!]!, people[pairs[2 * p + 1]!]!, scratch);
    const key = String.fromCharCode(...scratch);
    const at = index.get(key);
    if (at !== undefined) weights[at]!++;
    else {
      index.set(key, weights.length);
      weights.push(1);
      for (let k = 0; k < VECTOR_LENGTH; k++) levels.push(scratch[k]!);
    }
  }
  return { levels: Uint8Array.from(levels), weights: Float64Array.from(weights), count: weights.length, total: count };
}

function randomPairs(n: number, max: number, rnd: () => number): { pairs: Int32Array; count: number } {
  const total = (n * (n - 1)) / 2;
  if (total <= max) {
    const pairs = new Int32Array(total * 2);
    let k = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        pairs[k++] = i;
        pairs[k++] = j;
      }
    }
    return { pairs, count: total };
  }
  const pairs = new Int32Array(max * 2);
  for (let k = 0; k < max; k++) {
    const i = Math.floor(rnd() * n);
    let j = Math.floor(rnd() * (n - 1));
    if (j >= i) j++;
    pairs[2 * k] = i;
    pairs[2 * k + 1] = j;
  }
  return { pairs, count: max };
}

function blockPairs(
  people: readonly PreparedPerson[],
  rule: 'date_of_birth' | 'name',
  max: number,
  maxBlock: number,
  rnd: () => number,
): { pairs: Int32Array; count: number; total: number } {
  const blocks = new Map<string, number[]>();
  for (let i = 0; i < people.length; i++) {
    const key = trainingKey(people[i]!, rule);
    if (key === null) continue;
    const list = blocks.get(key);
    if (list) list.push(i);
    else blocks.set(key, [i]);
  }
  const kept: number[][] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (const list of blocks.values()) {
    if (list.length < 2 || list.length > maxBlock) continue;
    total += (list.length * (list.length - 1)) / 2;
    kept.push(list);
    cumulative.push(total);
  }
  if (total <= max) {
    const pairs = new Int32Array(total * 2);
    let k = 0;
    for (const list of kept) {
      for (let a = 0; a < list.length; a++) {
        for (let b = a + 1; b < list.length; b++) {
          pairs[k++] = list[a]!;
          pairs[k++] = list[b]!;
        }
      }
    }
    return { pairs, count: total, total };
  }
  const pairs = new Int32Array(max * 2);
  for (let k = 0; k < max; k++) {
    const r = rnd() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    const list = kept[lo]!;
    const a = Math.floor(rnd() * list.length);
    let b = Math.floor(rnd() * (list.length - 1));
    if (b >= a) b++;
    pairs[2 * k] = list[a]!;
    pairs[2 * k + 1] = list[b]!;
  }
  return { pairs, count: max, total };
}

type Params = Float64Array[];

function paramsOf(model: MatchModel, key: 'm' | 'u'): Params {
  return COMPARISONS.map((c) => Float64Array.from(model.comparisons[c.name], (l) => l[key]));
}

function logRatios(m: Params, u: Params): Float64Array[] {
  return m.map((mk, k) =>
    Float64Array.from(mk, (mv, l) => Math.log(Math.max(mv, 1e-12) / Math.max(u[k]![l]!, 1e-12))),
  );
}

/**
 * Natural-log Bayes factor of one pair over the comparisons not excluded; `household` is the log
 * ratio for an exact surname at the same dwelling (see MatchModel.householdSurnameU).
 */
function logFactor(
  levels: Uint8Array,
  offset: number,
  ratios: Float64Array[],
  excluded: ReadonlySet<number>,
  household: number,
): number {
  let s = 0;
  const dwelling = levels[offset + SAME_DWELLING] === 0 && levels[offset + NAMES_SWAPPED] !== 0;
  for (let k = 0; k < N; k++) {
    if (excluded.has(k)) continue;
    const l = levels[offset + k]!;
    if (l === MISSING) continue;
    s += k === LAST_NAME && l === 0 && dwelling ? household : ratios[k]![l]!;
  }
  return s;
}

function posterior(logOdds: number): number {
  return logOdds > 30 ? 1 : logOdds < -30 ? 0 : 1 / (1 + Math.exp(-logOdds));
}

/** u from random pairs, each weighted by its probability of being a non-match under the current model. */
function estimateU(
  v: Vectors,
  m: Params,
  u: Params,
  prior: number,
  start: Params,
  householdU: number,
): Params {
  const ratios = logRatios(m, u);
  const household = Math.log(m[LAST_NAME]![0]! / householdU);
  const priorLogOdds = Math.log(prior / (1 - prior));
  const counts = start.map((s) => new Float64Array(s.length));
  const none = new Set<number>();
  for (let p = 0; p < v.count; p++) {
    const off = p * VECTOR_LENGTH;
    const w = v.weights[p]! * (1 - posterior(priorLogOdds + logFactor(v.levels, off, ratios, none, household)));
    if (w <= 0) continue;
    for (let k = 0; k < N; k++) {
      const l = v.levels[off + k]!;
      if (l !== MISSING) counts[k]![l]! += w;
    }
  }
  return counts.map((c, k) => {
    const n = c.reduce((x, y) => x + y, 0);
    const s = start[k]!;
    // Too few pairs to say: keep the starting values.
    if (n < 50) return Float64Array.from(s);
    const out = Float64Array.from(c, (x, l) => Math.max((x + s[l]!) / (n + 1), 0.5 / n));
    const sum = out.reduce((x, y) => x + y, 0);
    return out.map((x) => x / sum);
  });
}

interface SessionResult {
  matchShare: number;
  m: Params;
  /** Expected matching pairs behind each comparison's m (0 where excluded). */
  support: Float64Array;
}

/** EM for one training rule: m0 is the starting point, `shrink` the model every estimate is shrunk towards. */
function emSession(
  v: Vectors,
  m0: Params,
  shrink: Params,
  u: Params,
  householdU: number,
  excluded: ReadonlySet<number>,
  iterations = 40,
): SessionResult {
  let m = m0.map((x) => Float64Array.from(x));
  let share = 0.1;
  const support = new Float64Array(N);
  for (let it = 0; it < iterations; it++) {
    const ratios = logRatios(m, u);
    const household = Math.log(m[LAST_NAME]![0]! / householdU);
    const logPrior = Math.log(share / (1 - share));
    const counts = m0.map((x) => new Float64Array(x.length));
    let sumPost = 0;
    for (let p = 0; p < v.count; p++) {
      const off = p * VECTOR_LENGTH;
      const post = v.weights[p]! * posterior(logPrior + logFactor(v.levels, off, ratios, excluded, household));
      sumPost += post;
      for (let k = 0; k < N; k++) {
        if (excluded.has(k)) continue;
        const l = v.levels[off + k]!;
        if (l !== MISSING) counts[k]![l]! += post;
      }
    }
    const nextShare = Math.min(Math.max(sumPost / Math.max(v.total, 1), 1e-6), 1 - 1e-6);
    const next = counts.map((c, k) => {
      const n = c.reduce((x, y) => x + y, 0);
      support[k] = excluded.has(k) ? 0 : n;
      const prior = shrink[k]!;
      // The floor is no higher than u, so a level never seen among matches is neutral, not evidence for.
      return Float64Array.from(c, (x, l) =>
        Math.max((x + M_PSEUDO * prior[l]!) / (n + M_PSEUDO), Math.min(M_FLOOR, u[k]![l]!)),
      );
    });
    let change = Math.abs(nextShare - share);
    for (let k = 0; k < N; k++)
      for (let l = 0; l < next[k]!.length; l++) change = Math.max(change, Math.abs(next[k]![l]! - m[k]![l]!));
    m = next;
    share = nextShare;
    if (change < 1e-5) break;
  }
  return { matchShare: share, m, support };
}

function toModel(start: MatchModel, m: Params, u: Params, prior: number, source: string): MatchModel {
  const comparisons = {} as Record<ComparisonName, LevelParameters[]>;
  COMPARISONS.forEach((c, k) => {
    comparisons[c.name] = Array.from(m[k]!, (mv, l) => ({ m: mv, u: u[k]![l]! }));
  });
  return { ...start, prior, comparisons, source };
}

/** Share of random pairs in which a comparison can be made at all. */
function presentShare(v: Vectors, k: number): number {
  let n = 0;
  for (let p = 0; p < v.count; p++) if (v.levels[p * VECTOR_LENGTH + k] !== MISSING) n += v.weights[p]!;
  return v.total ? n / v.total : 0;
}

const index = (name: string) => COMPARISONS.findIndex((c) => c.name === name);

/**
 * Never estimated: gender, because a disagreement must stay weak evidence (recording errors, people
 * who transition) however consistent one file is; and the swapped-names flag, which is not a field.
 */
const FIXED = [index('gender'), NAMES_SWAPPED];

const RULES: { rule: 'date_of_birth' | 'name'; fixes: number[] }[] = [
  { rule: 'date_of_birth', fixes: [index('date_of_birth')] },
  {
    rule: 'name',
    // Email addresses are made from names (olivia.jones@…), so among pairs with the same name even
    // different people's emails look alike: the rule says nothing about email either.
    fixes: ['first_name', 'last_name', 'middle_names', 'email'].map(index),
  },
];

/** Estimates m, u and the prior for these records, starting from (and shrunk towards) `start`. */
export function estimateModel(
  people: readonly PreparedPerson[],
  start: MatchModel,
  opts: EstimateOptions = {},
): { model: MatchModel; report: EstimateReport } {
  const rnd = mulberry32(opts.seed ?? 20240601);
  const n = people.length;
  const totalPairs = (n * (n - 1)) / 2;
  const startM = paramsOf(start, 'm');
  const startU = paramsOf(start, 'u');
  if (n < 2) return { model: start, report: { randomPairs: 0, sessions: [], prior: start.prior } };
  const random = randomPairs(n, opts.randomPairs ?? 500_000, rnd);
  const randomVectors = vectorsFor(people, random.pairs, random.count);
  const sessions = RULES.map((r) => {
    const b = blockPairs(people, r.rule, opts.trainingPairs ?? 150_000, opts.maxBlock ?? 1000, rnd);
    return { ...r, total: b.total, vectors: vectorsFor(people, b.pairs, b.count) };
  });
  const presence = COMPARISONS.map((_, k) => presentShare(randomVectors, k));
  const firstIndex = 0;
  const lastIndex = 1;
  const dobIndex = RULES[0]!.fixes[0]!;

  let m = startM;
  let u = startU;
  // A first guess: each record has about one duplicate.
  let prior = Math.min(
    0.5,
    Math.max(1 / Math.max(totalPairs, 1), Math.min(n / Math.max(totalPairs, 1), 0.01)),
  );
  const report: EstimateReport = { randomPairs: random.count, sessions: [], prior };
  for (let round = 0; round < 3; round++) {
    u = estimateU(randomVectors, m, u, prior, startU, start.householdSurnameU);
    const results = sessions.map((s) => ({
      s,
      r:
        s.vectors.total >= 20
          ? emSession(s.vectors, m, startM, u, start.householdSurnameU, new Set([...s.fixes, ...FIXED]))
          : null,
    }));
    // Average each comparison's m over the rules that estimated it, by how many matches backed it.
    const next = startM.map((x) => new Float64Array(x.length));
    const support = new Float64Array(N);
    for (const { r } of results) {
      if (!r) continue;
      for (let k = 0; k < N; k++) {
        const w = r.support[k]!;
        if (!w) continue;
        support[k]! += w;
        for (let l = 0; l < next[k]!.length; l++) next[k]![l]! += w * r.m[k]![l]!;
      }
    }
    m = next.map((x, k) => (support[k]! > 0 ? x.map((v) => v / support[k]!) : Float64Array.from(startM[k]!)));
    // Each rule's matches, scaled up by the share of true matches the rule can catch.
    const recall = (rule: 'date_of_birth' | 'name') =>
      rule === 'date_of_birth'
        ? presence[dobIndex]! * m[dobIndex]![0]!
        : presence[firstIndex]! * m[firstIndex]![0]! * presence[lastIndex]! * m[lastIndex]![0]!;
    const implied: number[] = [];
    report.sessions = [];
    for (const { s, r } of results) {
      if (!r) continue;
      const matches = (r.matchShare * s.total) / Math.max(recall(s.rule), 1e-3);
      implied.push(matches);
      report.sessions.push({
        rule: s.rule,
        pairs: s.total,
        sampled: s.vectors.total,
        matchShare: r.matchShare,
        impliedMatches: matches,
      });
    }
    if (implied.length) {
      const matches = implied.reduce((x, y) => x + y, 0) / implied.length;
      prior = Math.min(0.5, Math.max(matches / totalPairs, 1 / (totalPairs * 10)));
    }
  }
  report.prior = prior;
  return {
    model: toModel(start, m, u, prior, 'estimated from the input by expectation–maximisation'),
    report,
  };
}
