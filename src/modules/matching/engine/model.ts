// The Fellegi–Sunter model: for each comparison, the probability of each agreement level among
// pairs that are the same person (m) and among pairs that are not (u). A level's weight is
// log2(m/u) bits of evidence; the weights add, and with the prior give the match probability.
import {
  ADDRESS,
  DATE_OF_BIRTH,
  EMAIL,
  FIRST_NAME,
  GENDER,
  IDENTIFIER,
  LAST_NAME,
  MIDDLE_NAMES,
  MISSING,
  NAMES_SWAPPED,
  PHONE,
  POSTCODE,
  SAME_DWELLING,
} from './comparisons.ts';

export type ComparisonName =
  | 'first_name'
  | 'last_name'
  | 'middle_names'
  | 'date_of_birth'
  | 'gender'
  | 'address'
  | 'postcode'
  | 'phone'
  | 'email'
  | 'identifier';

export type MatchField =
  | 'name'
  | 'first_name'
  | 'last_name'
  | 'date_of_birth'
  | 'address'
  | 'postcode'
  | 'identifier'
  | 'phone'
  | 'email'
  | 'gender';

export interface ComparisonDefinition {
  name: ComparisonName;
  /** Index in the comparison vector. */
  index: number;
  field: MatchField;
  levels: readonly string[];
}

/** The comparisons, in comparison-vector order, with their level names (strongest agreement first). */
export const COMPARISONS: readonly ComparisonDefinition[] = [
  {
    name: 'first_name',
    index: FIRST_NAME,
    field: 'first_name',
    levels: ['exact', 'nickname', 'typo', 'similar', 'partial', 'initial', 'different'],
  },
  {
    name: 'last_name',
    index: LAST_NAME,
    field: 'last_name',
    levels: ['exact', 'part', 'typo', 'similar', 'partial', 'different'],
  },
  { name: 'middle_names', index: MIDDLE_NAMES, field: 'name', levels: ['exact', 'initial', 'different'] },
  {
    name: 'date_of_birth',
    index: DATE_OF_BIRTH,
    field: 'date_of_birth',
    levels: ['exact', 'transposed', 'typo', 'two_digits', 'partial', 'month', 'year', 'decade', 'age', 'different'],
  },
  { name: 'gender', index: GENDER, field: 'gender', levels: ['same', 'different'] },
  {
    name: 'address',
    index: ADDRESS,
    field: 'address',
    levels: ['uprn', 'exact', 'similar', 'street', 'town', 'different'],
  },
  {
    name: 'postcode',
    index: POSTCODE,
    field: 'postcode',
    levels: ['exact', 'typo', 'sector', 'district', 'different'],
  },
  { name: 'phone', index: PHONE, field: 'phone', levels: ['exact', 'typo', 'different'] },
  { name: 'email', index: EMAIL, field: 'email', levels: ['exact', 'similar', 'fuzzy', 'different'] },
  { name: 'identifier', index: IDENTIFIER, field: 'identifier', levels: ['exact', 'typo', 'different'] },
];

export interface LevelParameters {
  /** P(level | same person). */
  m: number;
  /** P(level | different people). */
  u: number;
}

export interface MatchModel {
  /** Probability that two records picked at random are the same person (λ). */
  prior: number;
  /** m and u for each level of each comparison, in the order of COMPARISONS[].levels. */
  comparisons: Record<ComparisonName, LevelParameters[]>;
  /** Bits added when first and last names agree only crosswise (a recording slip, so a small penalty). */
  swappedNamesWeight: number;
  /**
   * How often different people recorded at the same dwelling share a surname (families): the u of
   * an exact surname match between records at the same address, postcode or landline.
   */
  householdSurnameU: number;
  /** Floor on a term-frequency u, so a value seen once cannot give unbounded weight. */
  minimumTermFrequency: number;
  /** Where the numbers came from, for people reading an exported model. */
  source?: string;
}

const lv = (pairs: [number, number][]): LevelParameters[] => pairs.map(([m, u]) => ({ m, u }));

/**
 * The starting model, set from general knowledge of UK person records rather than fitted to any one
 * file (docs/matching.md explains each number). `u` values follow from how common values are: about
 * 1 in 100 unrelated people share a first name and 1 in 300 a surname in England and Wales (the sum
 * of squared name frequencies), 1 in 30,000 a date of birth (365 days × ~80 birth years), 1 in 80
 * a year of birth, 1 in 50,000 a full postcode. `m` values assume the error rates typical of
 * keyed administrative data: 3–10% of names misspelt or shortened, 2–5% of dates of birth wrong,
 * and about one person in five recorded at an older address. Dedupe re-estimates them per file.
 */
export const DEFAULT_MODEL: MatchModel = {
  prior: 1e-5,
  swappedNamesWeight: -1,
  householdSurnameU: 0.5,
  minimumTermFrequency: 1e-6,
  source: 'Endeavour default model (general UK figures; see docs/matching.md)',
  comparisons: {
    first_name: lv([
      [0.86, 0.01],
      [0.04, 0.002],
      [0.04, 0.002],
      [0.02, 0.01],
      [0.01, 0.05],
      [0.01, 0.004],
      [0.02, 0.922],
    ]),
    last_name: lv([
      [0.88, 0.0033],
      [0.02, 0.0002],
      [0.05, 0.0012],
      [0.015, 0.004],
      [0.01, 0.03],
      [0.025, 0.9613],
    ]),
    middle_names: lv([
      [0.8, 0.03],
      [0.12, 0.06],
      [0.08, 0.91],
    ]),
    date_of_birth: lv([
      [0.87, 0.000033],
      [0.015, 0.000012],
      [0.04, 0.0003],
      [0.01, 0.003],
      [0.015, 0.0015],
      [0.01, 0.002],
      [0.015, 0.02],
      [0.015, 0.11],
      [0.005, 0.03],
      [0.005, 0.833155],
    ]),
    gender: lv([
      [0.95, 0.5],
      [0.05, 0.5],
    ]),
    address: lv([
      [0.2, 0.000002],
      [0.45, 0.00001],
      [0.08, 0.00001],
      [0.05, 0.0015],
      [0.1, 0.1],
      [0.12, 0.898478],
    ]),
    postcode: lv([
      [0.75, 0.00002],
      [0.03, 0.0002],
      [0.04, 0.003],
      [0.04, 0.012],
      [0.14, 0.98478],
    ]),
    phone: lv([
      [0.7, 0.00001],
      [0.03, 0.00005],
      [0.27, 0.99994],
    ]),
    email: lv([
      [0.75, 0.000005],
      [0.08, 0.0001],
      [0.03, 0.002],
      [0.14, 0.997895],
    ]),
    identifier: lv([
      [0.95, 0.0000001],
      [0.03, 0.000001],
      [0.02, 0.9999989],
    ]),
  },
};

/** log2(m/u) for every level, indexed [comparison vector index][level]. */
export type WeightTable = Float64Array[];

const tables = new WeakMap<MatchModel, WeightTable>();

export function weightTable(model: MatchModel): WeightTable {
  let table = tables.get(model);
  if (table) return table;
  table = [];
  for (const c of COMPARISONS) {
    const levels = model.comparisons[c.name];
    table[c.index] = Float64Array.from(levels, (l) => Math.log2(Math.max(l.m, 1e-12) / Math.max(l.u, 1e-12)));
  }
  tables.set(model, table);
  return table;
}

export function priorWeight(model: MatchModel): number {
  return Math.log2(model.prior / (1 - model.prior));
}

export function probabilityFromWeight(totalWeight: number): number {
  return 1 / (1 + 2 ** -totalWeight);
}

/**
 * Total match weight of a comparison vector (without the prior). `firstTf`/`lastTf` are how common
 * the agreeing first and last names are, used in place of the average u when the names agree
 * exactly; 0 when unknown.
 */
export function vectorWeight(
  levels: Uint8Array,
  model: MatchModel,
  table: WeightTable,
  firstTf: number,
  lastTf: number,
): number {
  let w = 0;
  const swapped = levels[NAMES_SWAPPED] === 0;
  for (let i = 0; i < COMPARISONS.length; i++) {
    const level = levels[i]!;
    if (level === MISSING) continue;
    if (level === 0 && i === LAST_NAME && !swapped && levels[SAME_DWELLING] === 0) {
      w += householdSurnameWeight(model);
      continue;
    }
    if (level === 0 && !swapped && (i === FIRST_NAME || i === LAST_NAME)) {
      const tf = i === FIRST_NAME ? firstTf : lastTf;
      if (tf > 0) {
        const params = model.comparisons[i === FIRST_NAME ? 'first_name' : 'last_name'][0]!;
        w += Math.log2(params.m / Math.max(tf, model.minimumTermFrequency));
        continue;
      }
    }
    w += table[i]![level]!;
  }
  if (swapped) w += model.swappedNamesWeight;
  return w;
}

/** Weight of an exact surname match between records at the same dwelling. */
export function householdSurnameWeight(model: MatchModel): number {
  return Math.log2(model.comparisons.last_name[0]!.m / model.householdSurnameU);
}

/** A copy of a model with a different prior, e.g. one suited to the number of records searched. */
export function withPrior(model: MatchModel, prior: number): MatchModel {
  return { ...model, prior };
}
