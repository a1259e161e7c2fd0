// People's national identifiers, validated as far as each format allows: the NHS number's modulus 11
// check digit, the National Insurance number's allocation rules and the PNC ID's check letter.
// Each parser accepts what people type (spaces, lower case) and returns the stored form, or null.

/** NHS number: 10 digits, the last a modulus 11 check digit over the first nine (weights 10 down to 2). */
export function parseNhsNumber(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(digits)) return null;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  const expected = check === 11 ? 0 : check;
  // A remainder giving 10 means no number was ever issued with those nine digits.
  if (expected === 10 || expected !== Number(digits[9])) return null;
  return digits;
}

export const displayNhsNumber = (n: string) => `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;

// HMRC: neither letter may be D, F, I, Q, U or V; the second may not be O; these pairs are never issued.
const NINO_BAD_PREFIXES = new Set(['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ']);

/** National Insurance number: two letters, six digits, a final letter A to D ("QQ 12 34 56 C" as typed). */
export function parseNiNumber(input: string): string | null {
  const s = input.replace(/\s/g, '').toUpperCase();
  const m = /^([A-Z])([A-Z])(\d{6})([A-D])$/.exec(s);
  if (!m) return null;
  const [, first, second] = m as unknown as [string, string, string];
  if ('DFIQUV'.includes(first) || 'DFIOQUV'.includes(second)) return null;
  if (NINO_BAD_PREFIXES.has(first + second)) return null;
  return s;
}

export const displayNiNumber = (n: string) => `${n.slice(0, 2)} ${n.slice(2, 4)} ${n.slice(4, 6)} ${n.slice(6, 8)} ${n.slice(8)}`;

const PNC_LETTERS = 'ZABCDEFGHJKLMNPQRTUVWXY';

/** The PNC check letter: two-digit year then the seven-digit serial, read as one number, modulo 23. */
export function pncCheckLetter(year2: string, serial7: string): string {
  return PNC_LETTERS[Number(`${year2}${serial7}`) % 23]!;
}

/**
 * PNC ID: year, a slash, a serial number and a check letter, as in 98/1234567L. The year may be
 * typed with four digits and the serial without its leading zeros; the stored form is YY/NNNNNNNL.
 */
export function parsePncId(input: string): string | null {
  const m = /^(\d{2}|\d{4})\/(\d{1,7})([A-Z])$/.exec(input.replace(/\s/g, '').toUpperCase());
  if (!m) return null;
  const year = m[1]!.slice(-2);
  const serial = m[2]!.padStart(7, '0');
  if (pncCheckLetter(year, serial) !== m[3]) return null;
  return `${year}/${serial}${m[3]}`;
}
