// UK postcodes: validated and normalised by the `postcode` library. `key` is the form stored for
// matching (no space, upper case), `display` the form shown to people ("LE1 5WW").
import { parse } from 'postcode';

export interface Postcode {
  display: string;
  key: string;
  outcode: string;
  sector: string;
  district: string;
}

export function parsePostcode(input: string | null | undefined): Postcode | null {
  if (!input) return null;
  const p = parse(input.trim());
  if (!p.valid) return null;
  return { display: p.postcode, key: p.postcode.replace(/\s+/g, ''), outcode: p.outcode, sector: p.sector, district: p.district };
}

export function postcodeKey(input: string | null | undefined): string | null {
  return parsePostcode(input)?.key ?? null;
}
