// Reading the canonical people CSV of `endeavour dedupe` (docs/matching.md): a header row naming the
// columns, then one person per row. Values are kept as written; dirty dates of birth are reported
// and compared as text, never dropped.
import fs from 'node:fs';
import { parse } from 'csv-parse';
import { describeDirtyDate, type PersonInput } from '../modules/matching/engine/index.ts';

export const CANONICAL_COLUMNS = [
  'source_id',
  'first_name',
  'middle_names',
  'last_name',
  'date_of_birth',
  'gender',
  'address_line_1',
  'address_line_2',
  'town',
  'postcode',
  'phone',
  'email',
  'identifier',
] as const;

/** Accepted beyond the canonical columns when present. */
export const OPTIONAL_COLUMNS = ['uprn', 'estimated_age'] as const;

export class InputError extends Error {
  override name = 'InputError';
}

export interface PeopleFile {
  ids: string[];
  /** Plain-English notes about the file, one per problem, already capped in number. */
  notes: string[];
  dirtyDates: number;
}

/** Notes beyond this many are summarised in one line. */
const NOTE_LIMIT = 200;

function splitIdentifiers(value: string): string[] {
  return value
    .split(/[;|]/)
    .map((v) => v.trim())
    .filter(Boolean);
}

/** Reads the file, handing each person to `each` as it goes so that the raw rows need not all be kept. */
export async function readPeopleFile(file: string, each: (person: PersonInput) => void): Promise<PeopleFile> {
  const parser = fs
    .createReadStream(file)
    .pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true, trim: false }));
  const ids: string[] = [];
  const notes: string[] = [];
  let noteOverflow = 0;
  let dirtyDates = 0;
  const note = (text: string) => {
    if (notes.length < NOTE_LIMIT) notes.push(text);
    else noteOverflow++;
  };
  let col: Record<string, number> | null = null;
  const seen = new Map<string, number>();
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    if (!col) {
      col = {};
      record.forEach((name, i) => {
        col![name.trim().toLowerCase()] = i;
      });
      if (col.source_id === undefined) {
        throw new InputError(
          `the first row must be the header (${CANONICAL_COLUMNS.join(',')}); it has no source_id column`,
        );
      }
      const known = new Set<string>([...CANONICAL_COLUMNS, ...OPTIONAL_COLUMNS]);
      const unknown = Object.keys(col).filter((c) => !known.has(c));
      if (unknown.length)
        note(`header: column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} not used`);
      const missing = CANONICAL_COLUMNS.filter((c) => col![c] === undefined);
      if (missing.length) note(`header: no ${missing.join(', ')} column; treated as empty`);
      continue;
    }
    const c = col;
    const get = (name: string) => {
      const i = c[name];
      return i === undefined ? '' : (record[i] ?? '').trim();
    };
    const row = info.lines;
    const id = get('source_id');
    if (!id) throw new InputError(`row ${row} has no source_id`);
    const earlier = seen.get(id);
    if (earlier !== undefined)
      throw new InputError(`source_id ${id} is on row ${earlier} and row ${row}; each record needs its own`);
    seen.set(id, row);
    const dob = get('date_of_birth');
    const dirty = describeDirtyDate(dob);
    if (dirty) {
      dirtyDates++;
      note(`row ${row}: date_of_birth ${dirty}`);
    }
    const age = get('estimated_age');
    ids.push(id);
    each({
      firstName: get('first_name'),
      middleNames: get('middle_names'),
      lastName: get('last_name'),
      dateOfBirth: dob,
      estimatedAge: age && Number.isFinite(Number(age)) ? Number(age) : null,
      gender: get('gender'),
      addressLine1: get('address_line_1'),
      addressLine2: get('address_line_2'),
      town: get('town'),
      postcode: get('postcode'),
      uprn: get('uprn'),
      phone: get('phone'),
      email: get('email'),
      identifiers: splitIdentifiers(get('identifier')),
    });
  }
  if (!col) throw new InputError('the file is empty: it needs a header row and one row per person');
  if (noteOverflow) notes.push(`…and ${noteOverflow.toLocaleString('en-GB')} more notes like these`);
  return { ids, notes, dirtyDates };
}
