// The incident import file: one incident a row, in a CSV with a header, as another system's export
// is turned into (the police's overnight log, a council case system's new reports). Columns may come
// in any order; unknown ones are reported, never silently dropped. Each row is checked on its own, so
// one bad row is reported by line number while the others load. See docs/incident-import.md.
import { parse } from 'csv-parse/sync';
import type { AsbCategory, IncidentRole } from '../../platform/db/schema.ts';
import type { HowReported } from '../incidents/labels.ts';
import { CATEGORIES, FLAGS, HOW_REPORTED, HOW_REPORTED_NAMES, type Flag } from '../incidents/labels.ts';
import { fromLondon } from '../incidents/london-time.ts';
import { parsePostcode, type Postcode } from '../../platform/geo/postcode.ts';

export const PERSON_ROLES = ['victim', 'perpetrator'] as const satisfies readonly IncidentRole[];
const PERSON_COLUMNS = PERSON_ROLES.flatMap((r) => [`${r}_first_name`, `${r}_last_name`, `${r}_date_of_birth`]);

export const COLUMNS = [
  'reference',
  'occurred_at',
  'reported_at',
  'how_reported',
  'asb_type',
  'category',
  'description',
  'location',
  'postcode',
  'latitude',
  'longitude',
  ...FLAGS,
  ...PERSON_COLUMNS,
] as const;
export const REQUIRED_COLUMNS = ['reference', 'occurred_at', 'description', 'location'] as const;

export const MAX_ROWS = 5000;

export interface ImportPerson {
  role: (typeof PERSON_ROLES)[number];
  firstName: string;
  lastName: string;
  dateOfBirth: string | null;
}

export interface ImportRow {
  line: number;
  reference: string;
  occurredAt: Date;
  reportedAt: Date;
  howReported: HowReported | null;
  asbType: string | null;
  category: AsbCategory | null;
  description: string;
  location: string;
  postcode: Postcode | null;
  latitude: number | null;
  longitude: number | null;
  flags: Record<Flag, boolean>;
  people: ImportPerson[];
}

export interface RowProblem {
  line: number;
  message: string;
}

export type ParsedFile =
  | { kind: 'ok'; rows: ImportRow[]; problems: RowProblem[] }
  | { kind: 'unreadable'; message: string };

const YES = new Set(['y', 'yes', 'true', '1']);
const NO = new Set(['', 'n', 'no', 'false', '0']);

/** "2026-11-25 07:40", "2026-11-25T07:40:00" (London time) or a date alone (midnight). */
function readDateTime(value: string): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2})?)?$/.exec(value);
  if (!m) return null;
  const d = new Date(`${m[1]}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== m[1]) return null;
  const time = m[2] ? `${m[2]}:${m[3]}` : '00:00';
  if (Number(m[2] ?? 0) > 23 || Number(m[3] ?? 0) > 59) return null;
  return fromLondon(m[1]!, time);
}

function readDate(value: string): string | null | 'invalid' {
  if (!value) return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'invalid';
  const d = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value ? 'invalid' : value;
}

function readHowReported(value: string): HowReported | null | 'invalid' {
  if (!value) return null;
  const v = value.trim().toLowerCase();
  const byCode = HOW_REPORTED.find((h) => h === v.replace(/[\s-]+/g, '_'));
  if (byCode) return byCode;
  return HOW_REPORTED.find((h) => HOW_REPORTED_NAMES[h].toLowerCase() === v) ?? 'invalid';
}

/** Reads the file; a problem with the file as a whole (no header, a missing column) stops it. */
export function parseImportFile(content: Buffer, now: Date): ParsedFile {
  let records: string[][];
  try {
    records = parse(content, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch {
    return { kind: 'unreadable', message: 'The file could not be read as CSV. Save it as “CSV UTF-8” and try again' };
  }
  if (records.length < 1) return { kind: 'unreadable', message: 'The file is empty: it needs a header row and at least one incident' };
  const header = records[0]!.map((h) => h.trim().toLowerCase().replace(/[\s-]+/g, '_'));
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) return { kind: 'unreadable', message: `The file must have a column called ${missing.map((c) => `“${c}”`).join(', ')}` };
  const unknown = header.filter((h) => !(COLUMNS as readonly string[]).includes(h));
  if (unknown.length) return { kind: 'unreadable', message: `The file has columns Endeavour does not know: ${unknown.map((c) => `“${c}”`).join(', ')}. Remove or rename them (see the list of columns below)` };
  if (!header.includes('asb_type') && !header.includes('category')) return { kind: 'unreadable', message: 'The file must have a column called “asb_type” or “category”' };
  if (records.length < 2) return { kind: 'unreadable', message: 'The file has no incidents in it: it needs at least one row after the header' };
  if (records.length - 1 > MAX_ROWS) return { kind: 'unreadable', message: `The file has ${records.length - 1} incidents; load at most ${MAX_ROWS} at a time` };

  const rows: ImportRow[] = [];
  const problems: RowProblem[] = [];
  const seen = new Set<string>();
  records.slice(1).forEach((record, i) => {
    const line = i + 2;
    const get = (column: string) => (record[header.indexOf(column)] ?? '').trim();
    const wrong: string[] = [];
    const reference = get('reference');
    if (!reference) wrong.push('the reference is missing');
    else if (reference.length > 60) wrong.push('the reference must be 60 characters or fewer');
    else if (seen.has(reference)) wrong.push(`the reference ${reference} is on an earlier row too`);
    const occurredAt = readDateTime(get('occurred_at'));
    if (!occurredAt) wrong.push('“occurred_at” must be a date and time like 2026-11-25 07:40');
    else if (occurredAt > now) wrong.push('“occurred_at” is in the future');
    const reportedText = get('reported_at');
    const reportedAt = reportedText ? readDateTime(reportedText) : occurredAt;
    if (!reportedAt) wrong.push('“reported_at” must be a date and time like 2026-11-25 08:05');
    else if (occurredAt && reportedAt < occurredAt) wrong.push('“reported_at” is before the incident happened');
    const howReported = readHowReported(get('how_reported'));
    if (howReported === 'invalid') wrong.push(`“how_reported” must be one of: ${HOW_REPORTED.join(', ')}`);
    const categoryText = get('category').toLowerCase();
    const category = categoryText ? (CATEGORIES.find((c) => c === categoryText) ?? 'invalid') : null;
    if (category === 'invalid') wrong.push('“category” must be personal, nuisance or environmental');
    const asbType = get('asb_type') || null;
    if (!asbType && !category) wrong.push('give the “asb_type” or the “category”');
    const description = get('description');
    if (!description) wrong.push('the description is missing');
    else if (description.length > 5000) wrong.push('the description must be 5,000 characters or fewer');
    const location = get('location');
    if (!location) wrong.push('the location is missing');
    const postcodeText = get('postcode');
    const postcode = postcodeText ? parsePostcode(postcodeText) : null;
    if (postcodeText && !postcode) wrong.push(`“${postcodeText}” is not a UK postcode`);
    const latText = get('latitude');
    const lonText = get('longitude');
    const latitude = latText ? Number(latText) : null;
    const longitude = lonText ? Number(lonText) : null;
    if ((latitude === null) !== (longitude === null)) wrong.push('give both the latitude and the longitude, or neither');
    else if (latitude !== null && longitude !== null && !(Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180 && latitude > 49 && latitude < 61 && longitude > -9 && longitude < 2))
      wrong.push('the latitude and longitude must be a place in the UK, in decimal degrees');
    const flags = {} as Record<Flag, boolean>;
    for (const f of FLAGS) {
      const v = get(f).toLowerCase();
      if (YES.has(v)) flags[f] = true;
      else if (NO.has(v)) flags[f] = false;
      else wrong.push(`“${f}” must be yes or no`);
    }
    const people: ImportPerson[] = [];
    for (const role of PERSON_ROLES) {
      const firstName = get(`${role}_first_name`);
      const lastName = get(`${role}_last_name`);
      const dob = readDate(get(`${role}_date_of_birth`));
      if (!firstName && !lastName && !dob) continue;
      if (!firstName || !lastName) wrong.push(`give the ${role}’s first and last name`);
      else if (firstName.length > 100 || lastName.length > 100) wrong.push(`the ${role}’s names must be 100 characters or fewer`);
      if (dob === 'invalid') wrong.push(`the ${role}’s date of birth must be a date like 1984-03-17`);
      else if (dob && dob > now.toISOString().slice(0, 10)) wrong.push(`the ${role}’s date of birth is in the future`);
      else if (firstName && lastName) people.push({ role, firstName, lastName, dateOfBirth: dob });
    }
    if (wrong.length) {
      problems.push({ line, message: `Row ${line}${reference ? ` (${reference})` : ''}: ${wrong.join('; ')}` });
      return;
    }
    seen.add(reference);
    rows.push({
      line,
      reference,
      occurredAt: occurredAt!,
      reportedAt: reportedAt!,
      howReported: howReported as HowReported | null,
      asbType,
      category: category as AsbCategory | null,
      description,
      location,
      postcode,
      latitude,
      longitude,
      flags,
      people,
    });
  });
  return { kind: 'ok', rows, problems };
}
