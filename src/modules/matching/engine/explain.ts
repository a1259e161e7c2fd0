// Plain-English reasons for an officer: which fields agreed, how, and how strongly. With `redact`
// the sentences name no values, for a record the reader may not see.
import { ADDR, DOB, FIRST, ID, LAST, MAIL, MIDDLE, PC, PHONE_LEVEL, SEX } from './comparisons.ts';
import type { ComparisonName } from './model.ts';
import type { PreparedPerson } from './prepare.ts';
import { NICKNAMES } from './nicknames.ts';
import { formatDate } from './dates.ts';
import { formatPostcode } from './address.ts';

function title(word: string) {
  return word ? word[0]!.toUpperCase() + word.slice(1) : word;
}

function firstShown(p: PreparedPerson) {
  const w = p.shown.first.split(' ')[0];
  return w && w.length > 1 ? w.replace(/[.,]$/, '') : title(p.first);
}

function lastShown(p: PreparedPerson) {
  return p.shown.last || title(p.last);
}

function nicknameSentence(a: PreparedPerson, b: PreparedPerson, redact: boolean): string {
  const x = a.first;
  const y = b.first;
  if (a.aliasFirst.includes(y) || b.aliasFirst.includes(x)) {
    return redact
      ? 'one matches a recorded alias of the other'
      : `${firstShown(a.aliasFirst.includes(y) ? b : a)} matches a recorded alias`;
  }
  const shared = a.firstCanon.find((c) => b.firstCanon.includes(c)) ?? '';
  const kindOf = (p: PreparedPerson) =>
    p.first === shared ? 'full' : (NICKNAMES.kind(p.first, shared) ?? 'short');
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (redact) {
    if (ka === 'short' || kb === 'short') return 'one is a short form of the other or of the same name';
    return 'different spellings or forms of the same name';
  }
  if (ka === 'full' && kb === 'short') return `${firstShown(b)} is a short form of ${firstShown(a)}`;
  if (kb === 'full' && ka === 'short') return `${firstShown(a)} is a short form of ${firstShown(b)}`;
  if (ka === 'short' && kb === 'short')
    return `${firstShown(a)} and ${firstShown(b)} are both short forms of ${title(shared)}`;
  return `${firstShown(a)} and ${firstShown(b)} are forms of the same name`;
}

function describeFirst(
  level: number,
  a: PreparedPerson,
  b: PreparedPerson,
  swapped: boolean,
  redact: boolean,
): string {
  const A = swapped ? lastShown(b) : firstShown(a);
  const B = firstShown(b);
  const pre = swapped ? 'First name (against the other record’s last name)' : 'First name';
  switch (level) {
    case FIRST.EXACT:
      return redact ? `${pre}: the same` : `${pre}: ${firstShown(a)} agrees`;
    case FIRST.NICKNAME:
      return `${pre}: ${nicknameSentence(a, b, redact)}`;
    case FIRST.TYPO:
      return redact
        ? `${pre}: spelt almost the same`
        : `${pre}: ${firstShown(a)} and ${swapped ? A : B} are spelt almost the same`;
    case FIRST.SIMILAR:
      if (
        !swapped &&
        (b.middles.includes(a.first) || a.middles.includes(b.first)) &&
        !a.firstPhonetic.some((c) => b.firstPhonetic.includes(c))
      ) {
        return redact
          ? `${pre}: the same as the other record’s middle name`
          : `${pre}: ${b.middles.includes(a.first) ? firstShown(a) : B} is the other record’s middle name`;
      }
      return redact
        ? `${pre}: sounds alike or is spelt similarly`
        : `${pre}: ${firstShown(a)} and ${B} sound alike or are spelt similarly`;
    case FIRST.PARTIAL:
      return redact
        ? `${pre}: partly similar spelling`
        : `${pre}: ${firstShown(a)} and ${B} are partly similar`;
    case FIRST.INITIAL: {
      const [initial, full] = a.first.length === 1 ? [a.first, B] : [b.first, firstShown(a)];
      return redact
        ? `${pre}: only an initial recorded, and it agrees`
        : `${pre}: ${initial.toUpperCase()} is the initial of ${full}`;
    }
    default:
      return redact ? `${pre}: different` : `${pre}: ${firstShown(a)} and ${B} differ`;
  }
}

function describeLast(
  level: number,
  a: PreparedPerson,
  b: PreparedPerson,
  swapped: boolean,
  redact: boolean,
): string {
  const pre = swapped ? 'Last name (against the other record’s first name)' : 'Last name';
  const A = lastShown(a);
  const B = swapped ? firstShown(b) : lastShown(b);
  switch (level) {
    case LAST.EXACT:
      return redact ? `${pre}: the same` : `${pre}: ${A} agrees`;
    case LAST.PART: {
      const alias =
        a.aliasLast.includes(b.last) ||
        b.aliasLast.includes(a.last) ||
        a.aliasLast.some((x) => b.aliasLast.includes(x));
      if (alias)
        return redact
          ? `${pre}: matches a recorded alias or previous name`
          : `${pre}: ${A} and ${B} match through a recorded alias or previous name`;
      if (redact) return `${pre}: one part of a double-barrelled name agrees`;
      if (a.lastParts.includes(b.last)) return `${pre}: ${B} is part of ${A}`;
      if (b.lastParts.includes(a.last)) return `${pre}: ${A} is part of ${B}`;
      return `${pre}: ${A} and ${B} share part of a double-barrelled name`;
    }
    case LAST.TYPO:
      return redact ? `${pre}: spelt almost the same` : `${pre}: ${A} and ${B} are spelt almost the same`;
    case LAST.SIMILAR:
      return redact
        ? `${pre}: sounds alike or is spelt similarly`
        : `${pre}: ${A} and ${B} sound alike or are spelt similarly`;
    case LAST.PARTIAL:
      return redact ? `${pre}: partly similar spelling` : `${pre}: ${A} and ${B} are partly similar`;
    default:
      return redact ? `${pre}: different` : `${pre}: ${A} and ${B} differ`;
  }
}

function describeMiddle(level: number, a: PreparedPerson, b: PreparedPerson, redact: boolean): string {
  switch (level) {
    case MIDDLE.EXACT: {
      const shared = a.middles.find((m) => m.length > 1 && b.middles.includes(m)) ?? '';
      return redact ? 'Middle name: the same' : `Middle name: ${title(shared)} agrees`;
    }
    case MIDDLE.INITIAL:
      return redact
        ? 'Middle name: the initials agree'
        : `Middle name: initial ${a.middles[0]![0]!.toUpperCase()} agrees`;
    default:
      return 'Middle names: different';
  }
}

function describeDob(level: number, a: PreparedPerson, b: PreparedPerson, redact: boolean): string {
  const A = formatDate(a.dob);
  const B = formatDate(b.dob);
  const both = redact ? '' : ` (${A} and ${B})`;
  switch (level) {
    case DOB.EXACT:
      return redact ? 'Date of birth: the same' : `Date of birth: ${A} agrees`;
    case DOB.TRANSPOSED:
      return `Date of birth: day and month swapped${both}`;
    case DOB.TYPO:
      return `Date of birth: one digit different or two digits swapped${both}`;
    case DOB.TWO_DIGITS:
      return `Date of birth: two digits different${both}`;
    case DOB.PARTIAL:
      if (a.dob.kind === 'date' && b.dob.kind === 'date') {
        return `Date of birth: same year, and the same month or a 1 January placeholder${both}`;
      }
      return `Date of birth: agrees as far as both are known${both}`;
    case DOB.MONTH:
      return `Date of birth: within a month of each other${both}`;
    case DOB.YEAR:
      return `Date of birth: within a year of each other${both}`;
    case DOB.DECADE:
      return `Date of birth: within ten years of each other${both}`;
    case DOB.AGE:
      return 'Date of birth: consistent with the estimated age';
    default:
      if (a.birthYearEstimate || b.birthYearEstimate)
        return 'Date of birth: not consistent with the estimated age';
      return `Date of birth: different${both}`;
  }
}

function describeAddress(level: number, a: PreparedPerson, b: PreparedPerson, redact: boolean): string {
  const A = a.address;
  switch (level) {
    case ADDR.UPRN:
      return redact ? 'Address: the same property (UPRN)' : `Address: the same property (UPRN ${A.uprn})`;
    case ADDR.EXACT:
      return redact ? 'Address: the same' : `Address: ${a.shown.address} agrees`;
    case ADDR.SIMILAR:
      return redact
        ? 'Address: the same address written differently'
        : `Address: ${a.shown.address} and ${b.shown.address} are the same address written differently`;
    case ADDR.STREET:
      return redact
        ? 'Address: the same street, a different house or flat number'
        : `Address: ${a.shown.address} and ${b.shown.address} are on the same street with a different house or flat number`;
    case ADDR.TOWN:
      return redact ? 'Address: the same town' : `Address: the same town (${a.shown.town})`;
    default:
      return 'Address: different';
  }
}

function describePostcode(level: number, a: PreparedPerson, b: PreparedPerson, redact: boolean): string {
  const A = formatPostcode(a.address.postcode);
  const B = formatPostcode(b.address.postcode);
  switch (level) {
    case PC.EXACT:
      return redact ? 'Postcode: the same' : `Postcode: ${A} agrees`;
    case PC.TYPO:
      return redact ? 'Postcode: one character different' : `Postcode: ${A} and ${B} differ by one character`;
    case PC.SECTOR:
      return redact
        ? 'Postcode: the same sector'
        : `Postcode: the same sector (${a.address.sector.slice(0, -1)} ${a.address.sector.slice(-1)})`;
    case PC.DISTRICT:
      return redact ? 'Postcode: the same district' : `Postcode: the same district (${a.address.outward})`;
    default:
      return redact ? 'Postcode: different' : `Postcode: ${A} and ${B} differ`;
  }
}

export function describe(
  comparison: ComparisonName,
  level: number,
  a: PreparedPerson,
  b: PreparedPerson,
  swapped: boolean,
  redact: boolean,
): string {
  switch (comparison) {
    case 'first_name':
      return describeFirst(level, a, b, swapped, redact);
    case 'last_name':
      return describeLast(level, a, b, swapped, redact);
    case 'middle_names':
      return describeMiddle(level, a, b, redact);
    case 'date_of_birth':
      return describeDob(level, a, b, redact);
    case 'gender':
      return level === SEX.SAME ? 'Gender: the same' : 'Gender: recorded differently';
    case 'address':
      return describeAddress(level, a, b, redact);
    case 'postcode':
      return describePostcode(level, a, b, redact);
    case 'phone':
      if (level === PHONE_LEVEL.EXACT) return redact ? 'Phone: the same number' : `Phone: ${a.phone} agrees`;
      return level === PHONE_LEVEL.TYPO ? 'Phone: numbers differ by one digit' : 'Phone: different numbers';
    case 'email':
      if (level === MAIL.EXACT) return redact ? 'Email: the same address' : `Email: ${a.email} agrees`;
      if (level === MAIL.SIMILAR)
        return 'Email: very similar addresses (one slip, or the same name at another provider)';
      return level === MAIL.FUZZY ? 'Email: partly similar addresses' : 'Email: different addresses';
    case 'identifier': {
      if (level === ID.EXACT) {
        const shared = a.identifiers.find((id) => b.identifiers.includes(id)) ?? '';
        return redact ? 'Identifier: the same reference number' : `Identifier: ${shared} agrees`;
      }
      return level === ID.TYPO
        ? 'Identifier: one character different'
        : 'Identifier: a reference number of the same kind differs';
    }
  }
}
