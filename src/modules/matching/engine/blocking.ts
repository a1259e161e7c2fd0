// Blocking: cheap keys such that two records of the same person very probably share at least one,
// so that only pairs sharing a key are compared. Each kind of key survives different errors; a
// pair needs just one.
import type { PreparedPerson } from './prepare.ts';
import { phoneticCodes } from './prepare.ts';

/** Kinds of key starting with this are coarse: they get a smaller budget of pairs. */
export const COARSE_PREFIX = '~';

function add(keys: string[], key: string) {
  if (!keys.includes(key)) keys.push(key);
}

function initials(p: PreparedPerson): string[] {
  const out: string[] = [];
  for (const n of [p.first, ...p.firstCanon, ...p.aliasFirst]) {
    const c = n[0];
    if (c && !out.includes(c)) out.push(c);
  }
  return out;
}

function primaryCode(word: string): string {
  return phoneticCodes(word)[0] ?? '';
}

/**
 * The kinds of key (the prefix of each key says which):
 * - `n:` surname sound + first initial + decade of birth (Smith, Smyth, Smith-Jones → SM0; J, and R
 *   for Bob as for Robert);
 * - `s:` the sounds of first and last name, in either order (survives swapped names, a wrong date);
 * - `y:` first-name sound + year and month of birth (survives a changed surname);
 * - `D:` date of birth with day and month in either order, + the initial of either name (survives
 *   a transposed date and anything in the other name); `d:` a date of birth that is no date, as written;
 * - `p:` postcode + house number; `a:` house number + street + postcode district or town;
 * - `u:` UPRN, `e:` email, `l:` the part of an email before the @, `t:` phone, `x:` identifier;
 * - coarse kinds, starting `~`: `~n:` the sound of any one name alone, `~t:` town + year of birth,
 *   `~d:` date of birth alone, `~i:` year of birth + initials, `~p:` postcode alone.
 *   They find pairs with everything else garbled where they are rare, and get a small budget.
 * Batch matching gives each kind a budget of pairs and keeps its smallest blocks first (batch.ts).
 */
export const KEY_KINDS = [
  'n:',
  's:',
  'y:',
  'd:',
  'D:',
  'p:',
  'a:',
  'u:',
  'e:',
  'l:',
  't:',
  'x:',
  '~n:',
  '~t:',
  '~d:',
  '~i:',
  '~p:',
] as const;

export function keyKind(key: string): number {
  const colon = key.indexOf(':');
  return KEY_KINDS.indexOf(key.slice(0, colon + 1) as (typeof KEY_KINDS)[number]);
}

export function isCoarseKind(kind: number): boolean {
  return KEY_KINDS[kind]?.startsWith(COARSE_PREFIX) ?? false;
}

function firstCodes(p: PreparedPerson): string[] {
  const codes: string[] = [];
  for (const n of [p.first, ...p.firstCanon]) {
    const c = n.length > 1 ? primaryCode(n) : '';
    if (c && !codes.includes(c)) codes.push(c);
  }
  return codes;
}

export function blockingKeys(p: PreparedPerson): string[] {
  const keys: string[] = [];
  const year = p.dob.kind === 'date' || p.dob.kind === 'month' || p.dob.kind === 'year' ? p.dob.year : 0;
  const decade = year ? String(Math.floor(year / 10)) : '';
  const lastCodes: string[] = [];
  for (const v of [p.last, ...p.lastParts, ...p.aliasLast]) {
    const c = primaryCode(v);
    if (c && !lastCodes.includes(c)) lastCodes.push(c);
  }
  const inits = initials(p);
  for (const c of lastCodes) for (const i of inits.length ? inits : ['']) add(keys, `n:${c}:${i}:${decade}`);
  const fCodes = firstCodes(p);
  const lastCode = p.lastPhonetic[0] ?? '';
  if (lastCode) for (const f of fCodes) add(keys, f < lastCode ? `s:${f}:${lastCode}` : `s:${lastCode}:${f}`);
  if (year && (p.dob.kind === 'date' || p.dob.kind === 'month'))
    for (const f of fCodes) add(keys, `y:${year}:${p.dob.month}:${f}`);
  if (p.dob.kind === 'text' && p.dob.digits.length >= 6) add(keys, `d:${p.dob.digits}`);
  if (p.dob.kind === 'date') add(keys, `${COARSE_PREFIX}d:${p.dob.digits}`);
  if (year && p.first && p.last) add(keys, `${COARSE_PREFIX}i:${year}:${p.first[0]}${p.last[0]}`);
  if (p.dob.kind === 'date') {
    // Day and month in either order, so that a transposed date still meets its original; with
    // either initial, so that one changed name (a marriage, a nickname) still meets it too.
    const [lo, hi] = p.dob.day < p.dob.month ? [p.dob.day, p.dob.month] : [p.dob.month, p.dob.day];
    const date = `D:${p.dob.year}:${lo}:${hi}:`;
    if (!p.first && !p.last) add(keys, date);
    if (p.first) add(keys, `${date}f${p.first[0]}`);
    if (p.last) add(keys, `${date}l${p.last[0]}`);
  }
  const addr = p.address;
  // With the house number where there is one: a postcode alone is a street's worth of neighbours.
  if (addr.postcode.length >= 3) {
    add(keys, `p:${addr.postcode}:${addr.numbers[0] ?? ''}`);
    add(keys, `${COARSE_PREFIX}p:${addr.postcode}`);
  }
  if (addr.numbers.length && addr.streetWords.length)
    add(keys, `a:${addr.numbers[0]}:${addr.streetWords[0]}:${addr.outward || addr.town}`);
  if (addr.uprn) add(keys, `u:${addr.uprn}`);
  if (p.email) {
    add(keys, `e:${p.email}`);
    const local = p.email.slice(0, p.email.lastIndexOf('@'));
    if (local.length >= 3) add(keys, `l:${local}`);
  }
  if (p.phone) add(keys, `t:${p.phone}`);
  for (const id of p.identifiers) add(keys, `x:${id}`);
  for (const v of [p.first, p.last, ...p.lastParts]) {
    const c = v.length > 1 ? primaryCode(v) : '';
    if (c) add(keys, `${COARSE_PREFIX}n:${c}`);
  }
  if (addr.town && year) add(keys, `${COARSE_PREFIX}t:${addr.town}:${year}`);
  return keys;
}

/** Keys of the training rules: pairs agreeing exactly on these fields, used to estimate the other fields' m. */
export function trainingKey(p: PreparedPerson, rule: 'date_of_birth' | 'name'): string | null {
  if (rule === 'date_of_birth') return p.dob.kind === 'date' ? p.dob.digits : null;
  return p.first && p.last ? `${p.first}|${p.last}` : null;
}
