// Reads what someone typed into the search box: a name ("John Smith", "Smith, John", with or without
// a date of birth), a postcode, a registration mark, a reference or an identifier. Several readings
// can apply at once ("LE11 3AB" is also a plausible plate); each is searched.
import { parsePostcode, type Postcode } from '../../platform/geo/postcode.ts';
import { vrmKey } from '../vehicles/vrm.ts';
import { parseNhsNumber, parseNiNumber, parsePncId } from '../people/identifiers.ts';

export const MAX_QUERY = 100;

export interface NameQuery {
  first: string | null;
  last: string;
  /** "first last" in lower case, the form people.name_key is kept in. */
  full: string;
  /** Two words without a comma could be either way round. */
  eitherOrder: boolean;
}

export interface ParsedQuery {
  text: string;
  name: NameQuery | null;
  /** Words of three letters or more, for trigram text search of addresses and case titles. */
  words: string[];
  dob: string | null;
  postcode: Postcode | null;
  vrm: string | null;
  incidentReference: string | null;
  caseReference: string | null;
  /** An external reference (crime number, police log number) as typed; compared in either case. */
  externalReference: string | null;
  nhsNumber: string | null;
  niNumber: string | null;
  pncId: string | null;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function isoDate(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || y > 2100 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/** Finds one date (27/03/1985, 27-3-1985, 1985-03-27, 27 March 1985) and returns it with the rest of the text. */
export function extractDate(text: string): { dob: string | null; rest: string } {
  const patterns: [RegExp, (m: RegExpExecArray) => string | null][] = [
    [/\b(\d{4})-(\d{1,2})-(\d{1,2})\b/, (m) => isoDate(+m[1]!, +m[2]!, +m[3]!)],
    [/\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b/, (m) => isoDate(+m[3]!, +m[2]!, +m[1]!)],
    [
      /\b(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\s+(\d{4})\b/i,
      (m) => {
        const month = MONTHS.indexOf(m[2]!.slice(0, 3).toLowerCase());
        return month === -1 ? null : isoDate(+m[3]!, month + 1, +m[1]!);
      },
    ],
  ];
  for (const [re, toDate] of patterns) {
    const m = re.exec(text);
    if (!m) continue;
    const dob = toDate(m);
    if (dob) return { dob, rest: `${text.slice(0, m.index)} ${text.slice(m.index + m[0].length)}` };
  }
  return { dob: null, rest: text };
}

const NAME_WORD = /^[\p{L}][\p{L}'’-]*$/u;

function nameFrom(rest: string): NameQuery | null {
  const lower = rest.toLowerCase().replace(/’/g, "'");
  if (lower.includes(',')) {
    const [last, ...firsts] = lower.split(',');
    const lastWords = (last ?? '').trim().split(/\s+/).filter((w) => NAME_WORD.test(w));
    const firstWords = firsts.join(' ').trim().split(/\s+/).filter((w) => NAME_WORD.test(w));
    if (!lastWords.length) return null;
    const l = lastWords.join(' ');
    const f = firstWords[0] ?? null;
    return { first: f, last: l, full: f ? `${f} ${l}` : l, eitherOrder: false };
  }
  const words = lower.split(/\s+/).filter(Boolean);
  if (!words.length || words.length > 5 || !words.every((w) => NAME_WORD.test(w))) return null;
  if (words.length === 1) return { first: null, last: words[0]!, full: words[0]!, eitherOrder: false };
  return { first: words[0]!, last: words[words.length - 1]!, full: words.join(' '), eitherOrder: words.length === 2 };
}

export function parseQuery(input: string): ParsedQuery {
  const text = input.normalize('NFKC').replace(/\s+/g, ' ').trim().slice(0, MAX_QUERY);
  const { dob, rest } = extractDate(text);
  const compact = text.replace(/\s+/g, '');
  const upper = compact.toUpperCase();
  const plate = vrmKey(text);
  const inc = /^INC-?(\d{1,10})$/i.exec(compact);
  const cas = /^CASE-?(\d{1,10})$/i.exec(compact);
  return {
    text,
    name: nameFrom(rest.replace(/\s+/g, ' ').trim()),
    words: text.toLowerCase().split(/[\s,]+/).filter((w) => w.length >= 3).slice(0, 8),
    dob,
    postcode: parsePostcode(text),
    vrm: /^[A-Z0-9]{2,10}$/.test(plate) && /\d/.test(plate) && /[A-Z]/.test(plate) && compact.length <= 12 ? plate : null,
    incidentReference: inc ? `INC-${inc[1]!.padStart(7, '0')}` : null,
    caseReference: cas ? `CASE-${cas[1]!.padStart(6, '0')}` : null,
    externalReference: /\d/.test(upper) && !/\s/.test(text) && upper.length >= 3 && upper.length <= 40 ? compact : null,
    nhsNumber: parseNhsNumber(text),
    niNumber: parseNiNumber(text),
    pncId: parsePncId(text),
  };
}

/** Whether anything in the query is worth searching for. */
export function isSearchable(q: ParsedQuery) {
  return !!(q.name || q.dob || q.postcode || q.vrm || q.incidentReference || q.caseReference || q.externalReference || q.nhsNumber || q.niNumber || q.pncId || q.words.length);
}
