// Person matching: a Fellegi–Sunter record-linkage engine (docs/matching.md). Pure TypeScript with
// no database, shared by the on-entry lookup in the app and by `endeavour dedupe`.
//
//   preparePerson  — normalise once per record
//   blockingKeys   — which records are worth comparing
//   comparePeople  — graded agreement per field → weights → probability, with reasons
import { compareVector, MISSING, NAMES_SWAPPED, SAME_DWELLING, VECTOR_LENGTH } from './comparisons.ts';
import {
  COMPARISONS,
  DEFAULT_MODEL,
  householdSurnameWeight,
  priorWeight,
  probabilityFromWeight,
  weightTable,
  type MatchField,
  type MatchModel,
} from './model.ts';
import { preparePerson, phoneticCodes, type PersonInput, type PreparedPerson } from './prepare.ts';
import { describe } from './explain.ts';
import { fold, squash } from './text.ts';
import { NICKNAMES } from './nicknames.ts';

export { preparePerson, type PersonInput, type PreparedPerson } from './prepare.ts';
export { blockingKeys } from './blocking.ts';
export {
  COMPARISONS,
  DEFAULT_MODEL,
  withPrior,
  type ComparisonName,
  type LevelParameters,
  type MatchField,
  type MatchModel,
} from './model.ts';
export { describeDirtyDate } from './dates.ts';

export interface MatchReason {
  field: MatchField;
  /** The agreement level, e.g. 'exact', 'nickname', 'transposed', 'different'. */
  level: string;
  /** Plain English for an officer, e.g. "First name: Bob is a short form of Robert". */
  description: string;
  /** Evidence in bits: positive for a match, negative against. */
  weight: number;
}

export interface MatchResult {
  /** Probability that the two records are the same person, 0..1. */
  probability: number;
  /** Total evidence in bits (the prior not included). */
  weight: number;
  /** Strongest evidence first. */
  reasons: MatchReason[];
}

/** Proportion of records with a given normalised name (the forms nameKeys gives first). */
export interface TermFrequencies {
  firstName(normalised: string): number | undefined;
  lastName(normalised: string): number | undefined;
}

export interface CompareOptions {
  frequencies?: TermFrequencies;
  model?: MatchModel;
  /** Describe the evidence without naming either record's values (for a record the reader may not see). */
  redact?: boolean;
}

export function comparePeople(a: PreparedPerson, b: PreparedPerson, opts: CompareOptions = {}): MatchResult {
  const model = opts.model ?? DEFAULT_MODEL;
  const table = weightTable(model);
  const levels = compareVector(a, b, new Uint8Array(VECTOR_LENGTH));
  const swapped = levels[NAMES_SWAPPED] === 0;
  const reasons: MatchReason[] = [];
  let total = 0;
  for (const c of COMPARISONS) {
    const level = levels[c.index]!;
    if (level === MISSING) continue;
    let weight = table[c.index]![level]!;
    const household = c.name === 'last_name' && level === 0 && !swapped && levels[SAME_DWELLING] === 0;
    if (household) weight = householdSurnameWeight(model);
    else if (
      level === 0 &&
      !swapped &&
      opts.frequencies &&
      (c.name === 'first_name' || c.name === 'last_name')
    ) {
      const tf =
        c.name === 'first_name' ? opts.frequencies.firstName(a.first) : opts.frequencies.lastName(a.last);
      if (tf !== undefined && tf > 0) {
        weight = Math.log2(model.comparisons[c.name][0]!.m / Math.max(tf, model.minimumTermFrequency));
      }
    }
    total += weight;
    reasons.push({
      field: c.field,
      level: c.levels[level]!,
      description:
        describe(
          c.name,
          level,
          a,
          b,
          swapped && (c.name === 'first_name' || c.name === 'last_name'),
          !!opts.redact,
        ) + (household ? ' (families share surnames and addresses, so this counts for little)' : ''),
      weight,
    });
  }
  if (swapped) {
    total += model.swappedNamesWeight;
    reasons.push({
      field: 'name',
      level: 'swapped',
      description: 'Name: first and last names appear to be the other way round',
      weight: model.swappedNamesWeight,
    });
  }
  reasons.sort((x, y) => y.weight - x.weight);
  return { probability: probabilityFromWeight(priorWeight(model) + total), weight: total, reasons };
}

/**
 * Normalised name forms for database indexes: folded first names (first the name as written, then
 * the full names it is a form of, then aliases), surnames (whole without spaces or hyphens, then
 * each part of a double-barrelled name, then aliases) and double metaphone codes of all of them.
 */
export function nameKeys(p: PersonInput): { firstNames: string[]; lastNames: string[]; phonetic: string[] } {
  const prepared = preparePerson(p);
  const firstNames = new Set<string>();
  if (prepared.first) firstNames.add(prepared.first);
  if (prepared.firstFull && prepared.firstFull !== prepared.first) firstNames.add(prepared.firstFull);
  for (const c of prepared.firstCanon) firstNames.add(c);
  for (const a of prepared.aliasFirst) {
    firstNames.add(a);
    for (const c of NICKNAMES.canonicals(a)) firstNames.add(c);
  }
  const lastNames = new Set<string>();
  if (prepared.last) lastNames.add(prepared.last);
  for (const part of prepared.lastParts) lastNames.add(part);
  for (const a of prepared.aliasLast) lastNames.add(a);
  const phonetic = new Set<string>();
  for (const n of [...firstNames, ...lastNames]) for (const code of phoneticCodes(n)) phonetic.add(code);
  return { firstNames: [...firstNames], lastNames: [...lastNames], phonetic: [...phonetic] };
}

/** The normalised forms used as term-frequency keys: nameKeys(p).firstNames[0] and lastNames[0]. */
export function normaliseFirstName(value: string | null | undefined): string {
  return fold(value).split(' ')[0] ?? '';
}

export function normaliseLastName(value: string | null | undefined): string {
  return squash(value);
}
