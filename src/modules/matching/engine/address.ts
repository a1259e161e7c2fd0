// Addresses and postcodes. Street words are reduced to one spelling (Road and Rd both "rd") so that
// the way an address was typed does not count against a match. Postcodes are compared as UK
// postcodes when they look like one, and as plain codes otherwise (other countries' data, typos).
import { fold } from './text.ts';

const ABBREVIATIONS: Record<string, string> = {
  road: 'rd',
  street: 'st',
  saint: 'st',
  avenue: 'ave',
  av: 'ave',
  avenu: 'ave',
  close: 'cl',
  crescent: 'cres',
  cresc: 'cres',
  cr: 'cres',
  drive: 'dr',
  drv: 'dr',
  lane: 'ln',
  la: 'ln',
  place: 'pl',
  square: 'sq',
  terrace: 'terr',
  tce: 'terr',
  ter: 'terr',
  court: 'ct',
  crt: 'ct',
  gardens: 'gdns',
  garden: 'gdns',
  gdn: 'gdns',
  grove: 'gr',
  gro: 'gr',
  grv: 'gr',
  park: 'pk',
  parade: 'pde',
  walk: 'wlk',
  mount: 'mt',
  highway: 'hwy',
  boulevard: 'blvd',
  circuit: 'cct',
  circle: 'cir',
  esplanade: 'esp',
  estate: 'est',
  cottages: 'cotts',
  cottage: 'cott',
  house: 'ho',
  building: 'bldg',
  buildings: 'bldgs',
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
  upper: 'upr',
  lower: 'lwr',
  green: 'grn',
  apartment: 'flat',
  apartments: 'flat',
  apt: 'flat',
  flt: 'flat',
  unit: 'flat',
  maisonette: 'flat',
  room: 'flat',
  first: '1st',
  second: '2nd',
  third: '3rd',
  fourth: '4th',
  ground: 'gnd',
  floor: 'flr',
};

// Words that say what kind of unit a number is, not where it is.
const UNIT_WORDS = new Set(['flat', 'flr', 'gnd', 'no', 'number', 'the', 'of', 'and']);

export interface PreparedAddress {
  /** Normalised line 1 and line 2 together, for exact comparison. */
  line: string;
  /** House, flat and building numbers, sorted. */
  numbers: string[];
  /** Street and building words, normalised. */
  streetWords: string[];
  town: string;
  uprn: string;
  postcode: string;
  /** UK outward code (LE11) and sector (LE11 3), empty unless the postcode looks like a UK one. */
  outward: string;
  sector: string;
}

export function normaliseAddressWords(value: string): string[] {
  const out: string[] = [];
  for (const word of fold(value).split(' ')) {
    if (!word) continue;
    out.push(ABBREVIATIONS[word] ?? word);
  }
  return out;
}

const UK_POSTCODE = /^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9])[A-Z]{2}$/;

export function normalisePostcode(value: string | null | undefined): string {
  return (value ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '');
}

export function prepareAddress(
  line1: string | null | undefined,
  line2: string | null | undefined,
  town: string | null | undefined,
  postcode: string | null | undefined,
  uprn: string | null | undefined,
): PreparedAddress {
  const tokens = [...normaliseAddressWords(line1 ?? ''), ...normaliseAddressWords(line2 ?? '')];
  const numbers: string[] = [];
  const streetWords: string[] = [];
  for (const t of tokens) {
    if (/\d/.test(t)) numbers.push(t);
    else if (!UNIT_WORDS.has(t)) streetWords.push(t);
  }
  numbers.sort();
  const pc = normalisePostcode(postcode);
  const uk = UK_POSTCODE.exec(pc);
  return {
    line: tokens.join(' '),
    numbers,
    streetWords,
    town: fold(town).replace(/ /g, ''),
    uprn: (uprn ?? '').replace(/\D/g, '').replace(/^0+/, ''),
    postcode: pc,
    outward: uk ? uk[1]! : '',
    sector: uk ? `${uk[1]}${uk[2]}` : '',
  };
}

/** "LE113TR" → "LE11 3TR"; other codes unchanged. */
export function formatPostcode(pc: string): string {
  return UK_POSTCODE.test(pc) ? `${pc.slice(0, -3)} ${pc.slice(-3)}` : pc;
}
