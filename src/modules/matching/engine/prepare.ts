// A person reduced to the features the comparisons use, computed once per record.
import doubleMetaphone from 'talisman/phonetics/double-metaphone.js';
import { fold, squash } from './text.ts';
import { NICKNAMES } from './nicknames.ts';
import { parseDate, type ParsedDate } from './dates.ts';
import { prepareAddress, type PreparedAddress } from './address.ts';
import {
  identifierShape,
  normaliseEmail,
  normaliseGender,
  normaliseIdentifier,
  normalisePhone,
} from './contact.ts';

export interface PersonInput {
  firstName?: string | null;
  middleNames?: string | null;
  lastName?: string | null;
  /** ISO YYYY-MM-DD preferred; dirty legacy text is kept and compared as text. */
  dateOfBirth?: string | null;
  /** Years, when no date of birth is known. */
  estimatedAge?: number | null;
  gender?: string | null;
  addressLine1?: string | null;
  addressLine2?: string | null;
  town?: string | null;
  postcode?: string | null;
  uprn?: string | null;
  phone?: string | null;
  email?: string | null;
  /** PNC, NHS, NI or other identifiers, in any spacing or case. */
  identifiers?: string[];
  aliases?: { firstName?: string | null; lastName: string }[];
}

/** Normalised features of one person. Callers should treat it as opaque: its shape may change. */
export interface PreparedPerson {
  /** First given name, folded. */
  readonly first: string;
  /** The whole first-name field without spaces ("Mary-Ann" → "maryann"). */
  readonly firstFull: string;
  /** Full names the first name is a form of (Bob → robert). */
  readonly firstCanon: readonly string[];
  readonly firstPhonetic: readonly string[];
  /** Further given names: the rest of the first-name field, then the middle names. */
  readonly middles: readonly string[];
  readonly aliasFirst: readonly string[];
  /** Surname without spaces or hyphens ("Smith-Jones" → "smithjones"). */
  readonly last: string;
  /** Parts of a double-barrelled or multi-word surname, when there is more than one. */
  readonly lastParts: readonly string[];
  readonly lastPhonetic: readonly string[];
  /** Other surnames the person is known by (aliases, previous names). */
  readonly aliasLast: readonly string[];
  readonly dob: ParsedDate;
  /** Year of birth implied by an estimated age, 0 when none was given. */
  readonly birthYearEstimate: number;
  readonly gender: string;
  readonly address: PreparedAddress;
  readonly phone: string;
  readonly email: string;
  readonly identifiers: readonly string[];
  readonly identifierShapes: readonly string[];
  /** The values as given, trimmed, for explanations. */
  readonly shown: {
    readonly first: string;
    readonly middles: string;
    readonly last: string;
    readonly address: string;
    readonly town: string;
  };
}

// Names repeat, so their codes are kept; cleared when large so that a long-running server stays bounded.
const phoneticCache = new Map<string, readonly string[]>();

export function phoneticCodes(word: string): readonly string[] {
  if (!word) return [];
  let codes = phoneticCache.get(word);
  if (codes) return codes;
  const [primary, secondary] = doubleMetaphone(word);
  const out: string[] = [];
  if (primary) out.push(primary);
  if (secondary && secondary !== primary) out.push(secondary);
  codes = Object.freeze(out);
  if (phoneticCache.size >= 200_000) phoneticCache.clear();
  phoneticCache.set(word, codes);
  return codes;
}

const EMPTY: readonly string[] = Object.freeze([]);

// Names, towns and dates repeat across records: caching their normal forms saves both time and
// memory (records share one copy). Cleared when large, so a long-running server stays bounded.
const foldCache = new Map<string, string>();
const dateCache = new Map<string, ParsedDate>();

function cachedFold(value: string | null | undefined): string {
  if (!value) return '';
  let f = foldCache.get(value);
  if (f === undefined) {
    f = fold(value);
    if (foldCache.size >= 500_000) foldCache.clear();
    foldCache.set(value, f);
  }
  return f;
}

function cachedDate(value: string | null | undefined): ParsedDate {
  const key = value ?? '';
  let d = dateCache.get(key);
  if (!d) {
    d = Object.freeze(parseDate(key));
    if (dateCache.size >= 200_000) dateCache.clear();
    dateCache.set(key, d);
  }
  return d;
}

function words(folded: string): string[] {
  return folded ? folded.split(' ') : [];
}

function clean(value: string | null | undefined) {
  return (value ?? '').trim().replace(/\s+/g, ' ');
}

const NOT_SHOWN: PreparedPerson['shown'] = Object.freeze({ first: '', middles: '', last: '', address: '', town: '' });

/**
 * `now` dates an estimated age. A batch that never explains a match passes `explain: false` to save
 * keeping the values as written (explanations then show normalised values).
 */
export function preparePerson(
  p: PersonInput,
  now: Date = new Date(),
  options: { explain?: boolean } = {},
): PreparedPerson {
  const firstFolded = cachedFold(p.firstName);
  const firstWords = words(firstFolded);
  const first = firstWords[0] ?? '';
  const middleWords = words(cachedFold(p.middleNames));
  const middles =
    firstWords.length > 1 || middleWords.length ? [...firstWords.slice(1), ...middleWords] : EMPTY;
  const lastFolded = cachedFold(p.lastName);
  const last = lastFolded.includes(' ') ? lastFolded.replace(/ /g, '') : lastFolded;
  const lastParts = lastFolded.includes(' ') ? lastFolded.split(' ').filter((w) => w.length > 1) : EMPTY;
  const aliasFirst: string[] = [];
  const aliasLast: string[] = [];
  for (const alias of p.aliases ?? []) {
    const f = fold(alias.firstName).split(' ')[0];
    if (f && f !== first && !aliasFirst.includes(f)) aliasFirst.push(f);
    const l = squash(alias.lastName);
    if (l && l !== last && !aliasLast.includes(l)) aliasLast.push(l);
  }
  const dob = cachedDate(p.dateOfBirth);
  const age = p.estimatedAge;
  const birthYearEstimate =
    dob.kind === 'none' && typeof age === 'number' && Number.isFinite(age) && age >= 0 && age < 130
      ? now.getUTCFullYear() - Math.round(age)
      : 0;
  const identifiers = p.identifiers?.length
    ? [...new Set(p.identifiers.map(normaliseIdentifier).filter((id) => id.length >= 3))]
    : EMPTY;
  const firstFull = firstWords.length > 1 ? firstWords.join('') : first;
  let firstCanon = NICKNAMES.canonicals(first);
  if (firstFull !== first) firstCanon = [...new Set([...firstCanon, ...NICKNAMES.canonicals(firstFull)])];
  return {
    first,
    firstFull,
    firstCanon,
    firstPhonetic: phoneticCodes(first),
    middles,
    aliasFirst: aliasFirst.length ? aliasFirst : EMPTY,
    last,
    lastParts: lastParts.length > 1 ? lastParts : EMPTY,
    lastPhonetic: phoneticCodes(last),
    aliasLast: aliasLast.length ? aliasLast : EMPTY,
    dob,
    birthYearEstimate,
    gender: normaliseGender(p.gender),
    address: prepareAddress(p.addressLine1, p.addressLine2, p.town, p.postcode, p.uprn),
    phone: normalisePhone(p.phone),
    email: normaliseEmail(p.email),
    identifiers,
    identifierShapes: identifiers.length ? identifiers.map(identifierShape) : EMPTY,
    shown:
      options.explain === false
        ? NOT_SHOWN
        : {
            first: clean(p.firstName),
            middles: clean(p.middleNames),
            last: clean(p.lastName),
            address: [clean(p.addressLine1), clean(p.addressLine2)].filter(Boolean).join(', '),
            town: clean(p.town),
          },
  };
}
