// The field comparisons: each reduces a pair of prepared people to one graded agreement level per
// field (MISSING when either side has nothing to compare). Levels are ordered from strongest to
// weakest agreement; their weights come from the model, not from here.
import { editDistance, jaroWinklerAtLeast, withinOneEdit } from './strings.ts';
import type { PreparedPerson } from './prepare.ts';

export const MISSING = 255;

export const FIRST_NAME = 0;
export const LAST_NAME = 1;
export const MIDDLE_NAMES = 2;
export const DATE_OF_BIRTH = 3;
export const GENDER = 4;
export const ADDRESS = 5;
export const POSTCODE = 6;
export const PHONE = 7;
export const EMAIL = 8;
export const IDENTIFIER = 9;
/** Not a field: set (to 0) when the first and last names agree only crosswise. */
export const NAMES_SWAPPED = 10;
/**
 * Not a field: set (to 0) when the two records place the person in the same dwelling (same address
 * or UPRN, the same landline, or the same full UK postcode when there are no address lines to
 * compare), where a shared surname says little.
 */
export const SAME_DWELLING = 11;
export const VECTOR_LENGTH = 12;

export const FIRST = {
  EXACT: 0,
  NICKNAME: 1,
  TYPO: 2,
  SIMILAR: 3,
  PARTIAL: 4,
  INITIAL: 5,
  DIFFERENT: 6,
} as const;
export const LAST = { EXACT: 0, PART: 1, TYPO: 2, SIMILAR: 3, PARTIAL: 4, DIFFERENT: 5 } as const;
export const MIDDLE = { EXACT: 0, INITIAL: 1, DIFFERENT: 2 } as const;
export const DOB = {
  EXACT: 0,
  TRANSPOSED: 1,
  TYPO: 2,
  TWO_DIGITS: 3,
  PARTIAL: 4,
  MONTH: 5,
  YEAR: 6,
  DECADE: 7,
  AGE: 8,
  DIFFERENT: 9,
} as const;
export const SEX = { SAME: 0, DIFFERENT: 1 } as const;
export const ADDR = { UPRN: 0, EXACT: 1, SIMILAR: 2, STREET: 3, TOWN: 4, DIFFERENT: 5 } as const;
export const PC = { EXACT: 0, TYPO: 1, SECTOR: 2, DISTRICT: 3, DIFFERENT: 4 } as const;
export const PHONE_LEVEL = { EXACT: 0, TYPO: 1, DIFFERENT: 2 } as const;
export const MAIL = { EXACT: 0, SIMILAR: 1, FUZZY: 2, DIFFERENT: 3 } as const;
export const ID = { EXACT: 0, TYPO: 1, DIFFERENT: 2 } as const;

/** Jaro–Winkler at or above which two names are treated as a slip of the keyboard. */
export const TYPO_SIMILARITY = 0.94;
/** … and at or above which they are "similar" (or they share a phonetic code). */
export const NAME_SIMILARITY = 0.88;
/** … and "partly similar": heavily mistyped, or a different name sharing much of its spelling. */
export const PARTIAL_SIMILARITY = 0.75;

function sharesAny(a: readonly string[], b: readonly string[]): boolean {
  const la = a.length;
  const lb = b.length;
  for (let i = 0; i < la; i++) {
    const x = a[i];
    for (let j = 0; j < lb; j++) if (b[j] === x) return true;
  }
  return false;
}

function has(list: readonly string[], x: string): boolean {
  for (let i = 0; i < list.length; i++) if (list[i] === x) return true;
  return false;
}

/** 0 identical, 2 one slip (edit or high Jaro–Winkler), 3 similar or sounds alike, 4 partly similar, -1 different. */
export function spellingLevel(x: string, y: string, px: readonly string[], py: readonly string[]): number {
  if (x === y) return 0;
  const shorter = Math.min(x.length, y.length);
  if (shorter >= 3 && withinOneEdit(x, y)) return 2;
  const jw = jaroWinklerAtLeast(x, y, PARTIAL_SIMILARITY);
  if (jw >= TYPO_SIMILARITY) return 2;
  if (jw >= NAME_SIMILARITY || (shorter >= 2 && sharesAny(px, py))) return 3;
  return jw >= PARTIAL_SIMILARITY ? 4 : -1;
}

export function compareFirstName(a: PreparedPerson, b: PreparedPerson): number {
  const x = a.first;
  const y = b.first;
  if (!x || !y) return MISSING;
  if (x === y || (a.firstFull === b.firstFull && a.firstFull.length > 1)) return FIRST.EXACT;
  if (x.length === 1 || y.length === 1) return x[0] === y[0] ? FIRST.INITIAL : FIRST.DIFFERENT;
  if (sharesAny(a.firstCanon, b.firstCanon) || has(a.aliasFirst, y) || has(b.aliasFirst, x)) {
    return FIRST.NICKNAME;
  }
  const s = spellingLevel(x, y, a.firstPhonetic, b.firstPhonetic);
  if (s >= 0 && s < FIRST.PARTIAL) return s;
  // Known by a middle name: "Anne" against "Mary Anne".
  if (has(b.middles, x) || has(a.middles, y)) return FIRST.SIMILAR;
  return s >= 0 ? s : FIRST.DIFFERENT;
}

export function compareLastName(a: PreparedPerson, b: PreparedPerson): number {
  const x = a.last;
  const y = b.last;
  if (!x || !y) return MISSING;
  if (x === y) return LAST.EXACT;
  if (
    (a.aliasLast.length || b.aliasLast.length || a.lastParts.length || b.lastParts.length) &&
    (has(a.aliasLast, y) ||
      has(b.aliasLast, x) ||
      has(a.lastParts, y) ||
      has(b.lastParts, x) ||
      sharesAny(a.lastParts, b.lastParts) ||
      sharesAny(a.aliasLast, b.aliasLast))
  ) {
    return LAST.PART;
  }
  const s = spellingLevel(x, y, a.lastPhonetic, b.lastPhonetic);
  return s >= 0 ? s : LAST.DIFFERENT;
}

/** Crosswise comparison of two names: MISSING when either is absent, -1 when different. */
function crossLevel(x: string, y: string, px: readonly string[], py: readonly string[]): number {
  if (x.length < 2 || y.length < 2) return MISSING;
  return spellingLevel(x, y, px, py);
}

/**
 * Fills first name, last name and the swapped flag. Names that agree only crosswise (a's first name
 * with b's last name, and the other way) count as swapped, also when one side has only one name
 * ("Barker Matilda" against "Matilda" with no surname).
 */
export function compareNames(a: PreparedPerson, b: PreparedPerson, out: Uint8Array): void {
  const f = compareFirstName(a, b);
  const l = compareLastName(a, b);
  out[FIRST_NAME] = f;
  out[LAST_NAME] = l;
  out[NAMES_SWAPPED] = MISSING;
  if (
    (f !== MISSING && f < FIRST.SIMILAR) ||
    (l !== MISSING && l < LAST.SIMILAR) ||
    (f === MISSING && l === MISSING)
  )
    return;
  const cf = crossLevel(a.first, b.last, a.firstPhonetic, b.lastPhonetic);
  const cl = crossLevel(a.last, b.first, a.lastPhonetic, b.firstPhonetic);
  // One crosswise comparison must be exact or a typo (one similar pair is common by chance), and
  // the other at least partly similar, or not there to compare.
  const strong = (c: number) => c !== MISSING && c >= 0 && c <= 2;
  const fair = (c: number) => c === MISSING || (c >= 0 && c <= 4);
  if (!(strong(cf) && fair(cl)) && !(strong(cl) && fair(cf))) return;
  out[FIRST_NAME] = cf;
  out[LAST_NAME] = cl;
  out[NAMES_SWAPPED] = 0;
}

export function compareMiddleNames(a: PreparedPerson, b: PreparedPerson): number {
  if (!a.middles.length || !b.middles.length) return MISSING;
  for (let i = 0; i < a.middles.length; i++) {
    const m = a.middles[i]!;
    if (m.length > 1 && has(b.middles, m)) return MIDDLE.EXACT;
  }
  const ia = a.middles[0]![0];
  const ib = b.middles[0]![0];
  if (ia === ib && (a.middles[0]!.length === 1 || b.middles[0]!.length === 1)) return MIDDLE.INITIAL;
  return MIDDLE.DIFFERENT;
}

/** How far an estimated age may be out and still be consistent, in years. */
export function ageTolerance(year: number, now: number = new Date().getUTCFullYear()) {
  return Math.max(2, Math.round((now - year) * 0.1));
}

function yearOf(p: PreparedPerson): number {
  if (p.dob.kind === 'date' || p.dob.kind === 'month' || p.dob.kind === 'year') return p.dob.year;
  return 0;
}

function dayNumber(year: number, month: number, day: number) {
  return Date.UTC(year, month - 1, day) / 86_400_000;
}

function byDistance(days: number): number {
  if (days <= 31) return DOB.MONTH;
  if (days <= 366) return DOB.YEAR;
  if (days <= 3653) return DOB.DECADE;
  return DOB.DIFFERENT;
}

export function compareDateOfBirth(a: PreparedPerson, b: PreparedPerson): number {
  const da = a.dob;
  const db = b.dob;
  if (da.kind === 'none' || db.kind === 'none') {
    // An estimated age can only be checked against a year.
    const ya = a.birthYearEstimate || yearOf(a);
    const yb = b.birthYearEstimate || yearOf(b);
    if (!ya || !yb || (!a.birthYearEstimate && !b.birthYearEstimate)) return MISSING;
    const tol = Math.max(ageTolerance(a.birthYearEstimate || ya), ageTolerance(b.birthYearEstimate || yb));
    return Math.abs(ya - yb) <= tol ? DOB.AGE : DOB.DIFFERENT;
  }
  if (da.kind === 'date' && db.kind === 'date') {
    if (da.digits === db.digits) return DOB.EXACT;
    if (da.year === db.year && da.month === db.day && da.day === db.month) return DOB.TRANSPOSED;
    if (withinOneEdit(da.digits, db.digits)) return DOB.TYPO;
    if (editDistance(da.digits, db.digits, 2) <= 2) return DOB.TWO_DIGITS;
    // 1 January is what many systems record when only the year is known.
    if (da.year === db.year && ((da.month === 1 && da.day === 1) || (db.month === 1 && db.day === 1)))
      return DOB.PARTIAL;
    return byDistance(Math.abs(dayNumber(da.year, da.month, da.day) - dayNumber(db.year, db.month, db.day)));
  }
  if (da.kind === 'text' || db.kind === 'text') {
    if (da.digits === db.digits) return DOB.EXACT;
    if (da.digits.length >= 6 && db.digits.length >= 6 && withinOneEdit(da.digits, db.digits))
      return DOB.TYPO;
    return DOB.DIFFERENT;
  }
  // At least one side is a year or a year and month.
  if (da.year === db.year && (!da.month || !db.month || da.month === db.month)) return DOB.PARTIAL;
  const years = Math.abs(da.year - db.year);
  return years <= 1 ? DOB.YEAR : years <= 10 ? DOB.DECADE : DOB.DIFFERENT;
}

export function compareGender(a: PreparedPerson, b: PreparedPerson): number {
  if (!a.gender || !b.gender) return MISSING;
  return a.gender === b.gender ? SEX.SAME : SEX.DIFFERENT;
}

/** Share of the shorter list of street words found, exactly or nearly, in the other. */
export function streetSimilarity(x: readonly string[], y: readonly string[]): number {
  if (!x.length || !y.length) return 0;
  const small = x.length <= y.length ? x : y;
  const large = x.length <= y.length ? y : x;
  let found = 0;
  for (let i = 0; i < small.length; i++) {
    const w = small[i]!;
    if (has(large, w)) found++;
    else if (w.length >= 4) {
      for (let j = 0; j < large.length; j++) {
        const v = large[j]!;
        if (v.length >= 4 && jaroWinklerAtLeast(w, v, 0.9) >= 0.9) {
          found++;
          break;
        }
      }
    }
  }
  return found / small.length;
}

function sameList(x: readonly string[], y: readonly string[]) {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Town names are often mistyped; a slip still names the same town. */
function sameTown(x: string, y: string): boolean {
  return (
    x === y ||
    (Math.min(x.length, y.length) >= 4 && (withinOneEdit(x, y) || jaroWinklerAtLeast(x, y, 0.9) >= 0.9))
  );
}

export function compareAddress(a: PreparedPerson, b: PreparedPerson): number {
  const x = a.address;
  const y = b.address;
  if (x.uprn && y.uprn && x.uprn === y.uprn) return ADDR.UPRN;
  if (x.line && y.line) {
    if (x.line === y.line) return ADDR.EXACT;
    const street = streetSimilarity(x.streetWords, y.streetWords);
    const sameNumbers = sameList(x.numbers, y.numbers);
    if (sameNumbers && street >= 0.7) return ADDR.SIMILAR;
    if (street >= 0.7) return ADDR.STREET;
    return ADDR.DIFFERENT;
  }
  if (x.town && y.town) return sameTown(x.town, y.town) ? ADDR.TOWN : ADDR.DIFFERENT;
  return MISSING;
}

export function comparePostcode(a: PreparedPerson, b: PreparedPerson): number {
  const x = a.address;
  const y = b.address;
  if (!x.postcode || !y.postcode) return MISSING;
  if (x.postcode === y.postcode) return PC.EXACT;
  if (Math.min(x.postcode.length, y.postcode.length) >= 4 && withinOneEdit(x.postcode, y.postcode))
    return PC.TYPO;
  if (x.sector && x.sector === y.sector) return PC.SECTOR;
  if (x.outward && x.outward === y.outward) return PC.DISTRICT;
  return PC.DIFFERENT;
}

/** UK geographic numbers (01…, 02…) belong to a household rather than a person. */
export function isLandline(phone: string): boolean {
  return phone.startsWith('01') || phone.startsWith('02');
}

/** Whether the postcode or phone was left out of a vector because the address already counts it. */
export function impliedByAddress(levels: Uint8Array): boolean {
  return levels[ADDRESS]! <= ADDR.SIMILAR;
}

export function comparePhone(a: PreparedPerson, b: PreparedPerson): number {
  if (!a.phone || !b.phone) return MISSING;
  if (a.phone === b.phone) return PHONE_LEVEL.EXACT;
  return withinOneEdit(a.phone, b.phone) ? PHONE_LEVEL.TYPO : PHONE_LEVEL.DIFFERENT;
}

export function compareEmail(a: PreparedPerson, b: PreparedPerson): number {
  if (!a.email || !b.email) return MISSING;
  if (a.email === b.email) return MAIL.EXACT;
  const at = a.email.lastIndexOf('@');
  const bt = b.email.lastIndexOf('@');
  if (at > 0 && bt > 0 && a.email.slice(0, at) === b.email.slice(0, bt)) return MAIL.SIMILAR;
  const jw = jaroWinklerAtLeast(a.email, b.email, 0.8);
  if (withinOneEdit(a.email, b.email) || jw >= 0.92) return MAIL.SIMILAR;
  return jw >= 0.8 ? MAIL.FUZZY : MAIL.DIFFERENT;
}

export function compareIdentifiers(a: PreparedPerson, b: PreparedPerson): number {
  if (!a.identifiers.length || !b.identifiers.length) return MISSING;
  let level: number = MISSING;
  for (let i = 0; i < a.identifiers.length; i++) {
    for (let j = 0; j < b.identifiers.length; j++) {
      if (a.identifiers[i] === b.identifiers[j]) return ID.EXACT;
      if (a.identifierShapes[i] !== b.identifierShapes[j]) continue;
      const near = withinOneEdit(a.identifiers[i]!, b.identifiers[j]!);
      level = Math.min(level, near ? ID.TYPO : ID.DIFFERENT);
    }
  }
  return level;
}

/** The comparison vector of a pair: one level per field, MISSING where there is nothing to compare. */
export function compareVector(a: PreparedPerson, b: PreparedPerson, out: Uint8Array): Uint8Array {
  compareNames(a, b, out);
  out[MIDDLE_NAMES] = compareMiddleNames(a, b);
  out[DATE_OF_BIRTH] = compareDateOfBirth(a, b);
  out[GENDER] = compareGender(a, b);
  const address = compareAddress(a, b);
  out[ADDRESS] = address;
  // The same dwelling has the same postcode and landline, for the person and everyone they live
  // with: counting them again would treat one fact as three (and match relatives).
  const sameDwelling = address <= ADDR.SIMILAR;
  out[POSTCODE] = sameDwelling ? MISSING : comparePostcode(a, b);
  const phone = comparePhone(a, b);
  const sharedLandline = phone === PHONE_LEVEL.EXACT && isLandline(a.phone);
  out[PHONE] = sameDwelling && sharedLandline ? MISSING : phone;
  // A full UK postcode stands in for the dwelling only when the address lines cannot be compared:
  // with lines that differ it is a neighbour, and other countries' codes cover whole suburbs.
  const postcodeOnly =
    out[POSTCODE] === PC.EXACT && !!a.address.outward && (address === MISSING || address === ADDR.TOWN);
  out[SAME_DWELLING] = sameDwelling || sharedLandline || postcodeOnly ? 0 : MISSING;
  out[EMAIL] = compareEmail(a, b);
  out[IDENTIFIER] = compareIdentifiers(a, b);
  return out;
}
