// Loads a partnership's LLPG/AddressBase extract (the CSV format in docs/data-formats.md) into the
// gazetteer. Idempotent: rows are upserted on (partnership, UPRN) and a row whose values have not
// changed is left alone, so running the same file twice reports everything unchanged. Several
// thousand rows go in one statement (as one JSON parameter, the same on both engines).
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { parsePostcode } from '../../platform/geo/postcode.ts';
import { gridToLatLon, isGridReference, latLonToGrid } from '../../platform/geo/grid.ts';
import { boundariesNear, locate, type Boundary } from './areas.ts';
import { parseUprn } from './service.ts';

export const ROWS_PER_STATEMENT = 4000;
/** Problems listed one by one; beyond this they are only counted, so a wrong file cannot flood the terminal. */
export const PROBLEMS_LISTED = 1000;

export interface RowProblem {
  line: number;
  uprn: string;
  reason: string;
}

export interface GazetteerReport {
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** Rows rejected, with why. */
  rejects: RowProblem[];
  /** Rows imported with a part left out (an invalid postcode), with why. */
  warnings: RowProblem[];
  warningCount: number;
  areasDerived: boolean;
}

export class GazetteerFormatError extends Error {}

interface Columns {
  uprn: number;
  line_1: number;
  line_2: number | null;
  line_3: number | null;
  town: number | null;
  postcode: number | null;
  easting: number | null;
  northing: number | null;
  latitude: number | null;
  longitude: number | null;
}

// Accepted spellings of each column, compared case-insensitively with spaces and dashes as underscores.
const NAMES: Record<keyof Columns, string[]> = {
  uprn: ['uprn'],
  line_1: ['line_1', 'line1', 'address_line_1'],
  line_2: ['line_2', 'line2', 'address_line_2'],
  line_3: ['line_3', 'line3', 'address_line_3'],
  town: ['town', 'post_town', 'town_name'],
  postcode: ['postcode', 'postcode_locator', 'post_code'],
  easting: ['easting', 'x_coordinate'],
  northing: ['northing', 'y_coordinate'],
  latitude: ['latitude', 'lat'],
  longitude: ['longitude', 'lon', 'long', 'lng'],
};

export function mapHeader(header: string[]): Columns {
  const norm = header.map((h) => h.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s-]+/g, '_'));
  const find = (k: keyof Columns) => {
    const i = norm.findIndex((h) => NAMES[k].includes(h));
    return i === -1 ? null : i;
  };
  const cols = Object.fromEntries((Object.keys(NAMES) as (keyof Columns)[]).map((k) => [k, find(k)])) as Record<keyof Columns, number | null>;
  const missing = (['uprn', 'line_1'] as const).filter((k) => cols[k] === null);
  if (missing.length) throw new GazetteerFormatError(`The header row has no ${missing.join(' or ')} column. The first line must name the columns: uprn,line_1,line_2,line_3,town,postcode and easting,northing or latitude,longitude.`);
  const hasGrid = cols.easting !== null && cols.northing !== null;
  const hasLatLon = cols.latitude !== null && cols.longitude !== null;
  if (!hasGrid && !hasLatLon) throw new GazetteerFormatError('The header row needs easting and northing columns, or latitude and longitude columns.');
  return cols as Columns;
}

interface Prepared {
  uprn: number;
  line_1: string;
  line_2: string | null;
  line_3: string | null;
  town: string | null;
  postcode: string | null;
  postcode_key: string | null;
  easting: number | null;
  northing: number | null;
  latitude: number | null;
  longitude: number | null;
  area_id: string | null;
  ward_id: string | null;
  single_line: string;
}

const tidy = (v: string | undefined) => {
  const s = (v ?? '').replace(/\s+/g, ' ').trim();
  return s === '' ? null : s.slice(0, 200);
};

const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;

// Roughly Great Britain with its islands: a latitude/longitude outside this cannot be in a gazetteer.
const inGbLatLon = (lat: number, lon: number) => lat >= 49.7 && lat <= 61 && lon >= -8.8 && lon <= 2;

type Outcome = { row: Prepared; warning?: string } | { reject: string };

export function prepareRow(record: string[], cols: Columns, boundaries: Boundary[]): Outcome {
  const at = (i: number | null) => (i === null ? undefined : record[i]);
  const uprnText = (at(cols.uprn) ?? '').trim();
  const uprn = parseUprn(uprnText);
  if (!uprn) return { reject: uprnText ? `UPRN "${uprnText.slice(0, 20)}" is not a whole number of 1 to 12 digits` : 'UPRN is empty' };
  const line1 = tidy(at(cols.line_1));
  if (!line1) return { reject: 'line_1 is empty' };
  const line2 = tidy(at(cols.line_2));
  const line3 = tidy(at(cols.line_3));
  const town = tidy(at(cols.town));
  const postcodeText = tidy(at(cols.postcode));
  const pc = parsePostcode(postcodeText);
  let warning: string | undefined;
  if (postcodeText && !pc) warning = `postcode "${postcodeText.slice(0, 20)}" is not a valid UK postcode: imported without a postcode`;

  let easting: number | null = null;
  let northing: number | null = null;
  let latitude: number | null = null;
  let longitude: number | null = null;
  const num = (i: number | null) => {
    const s = (at(i) ?? '').trim();
    return s === '' ? null : Number(s);
  };
  const e = num(cols.easting);
  const n = num(cols.northing);
  const la = num(cols.latitude);
  const lo = num(cols.longitude);
  if (e !== null || n !== null) {
    if (e === null || n === null || !isGridReference(e, n)) return { reject: 'easting and northing are not a British National Grid reference in Great Britain' };
    easting = round(e, 2);
    northing = round(n, 2);
    const ll = gridToLatLon(easting, northing);
    latitude = round(ll.latitude, 7);
    longitude = round(ll.longitude, 7);
  } else if (la !== null || lo !== null) {
    if (la === null || lo === null || !Number.isFinite(la) || !Number.isFinite(lo) || !inGbLatLon(la, lo)) return { reject: 'latitude and longitude are not a point in Great Britain' };
    latitude = round(la, 7);
    longitude = round(lo, 7);
    const g = latLonToGrid(latitude, longitude);
    easting = round(g.easting, 2);
    northing = round(g.northing, 2);
  }
  const where = latitude !== null && longitude !== null ? locate(boundaries, latitude, longitude) : { areaId: null, wardId: null };
  const postcode = pc?.display ?? null;
  return {
    row: {
      uprn,
      line_1: line1,
      line_2: line2,
      line_3: line3,
      town,
      postcode,
      postcode_key: pc?.key ?? null,
      easting,
      northing,
      latitude,
      longitude,
      area_id: where.areaId,
      ward_id: where.wardId,
      single_line: singleLine({ line_1: line1, line_2: line2, line_3: line3, town, postcode }),
    },
    warning,
  };
}

export function singleLine(a: { line_1: string; line_2: string | null; line_3: string | null; town: string | null; postcode: string | null }) {
  return [a.line_1, a.line_2, a.line_3, a.town, a.postcode].filter((x): x is string => !!x).join(', ');
}

/** Upserts one batch; returns how many rows were new and how many changed (the rest were identical). */
export async function upsertBatch(tx: Kysely<DB>, partnershipId: string, rows: Prepared[]) {
  if (!rows.length) return { inserted: 0, updated: 0 };
  const result = await sql<{ inserted: boolean }>`
    INSERT INTO gazetteer_addresses AS g (partnership_id, uprn, line_1, line_2, line_3, town, postcode, postcode_key,
      easting, northing, latitude, longitude, area_id, ward_id, single_line, updated_at)
    SELECT ${partnershipId}::uuid, r.uprn, r.line_1, r.line_2, r.line_3, r.town, r.postcode, r.postcode_key,
      r.easting, r.northing, r.latitude, r.longitude, r.area_id, r.ward_id, r.single_line, now()
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(uprn bigint, line_1 text, line_2 text, line_3 text,
      town text, postcode text, postcode_key text, easting double precision, northing double precision,
      latitude double precision, longitude double precision, area_id uuid, ward_id uuid, single_line text)
    ON CONFLICT (partnership_id, uprn) DO UPDATE SET
      line_1 = excluded.line_1, line_2 = excluded.line_2, line_3 = excluded.line_3, town = excluded.town,
      postcode = excluded.postcode, postcode_key = excluded.postcode_key, easting = excluded.easting,
      northing = excluded.northing, latitude = excluded.latitude, longitude = excluded.longitude,
      area_id = excluded.area_id, ward_id = excluded.ward_id, single_line = excluded.single_line, updated_at = now()
    WHERE (g.line_1, g.line_2, g.line_3, g.town, g.postcode, g.easting, g.northing, g.latitude, g.longitude, g.area_id, g.ward_id)
      IS DISTINCT FROM (excluded.line_1, excluded.line_2, excluded.line_3, excluded.town, excluded.postcode, excluded.easting,
        excluded.northing, excluded.latitude, excluded.longitude, excluded.area_id, excluded.ward_id)
    RETURNING (xmax = 0) AS inserted`.execute(tx);
  const inserted = result.rows.filter((r) => r.inserted).length;
  return { inserted, updated: result.rows.length - inserted };
}

/**
 * Reads the CSV and loads it in the caller's transaction (so a failure part-way loads nothing).
 * `source` is the file's stream or its whole text.
 */
export async function importGazetteer(tx: Kysely<DB>, partnershipId: string, source: Readable | string): Promise<GazetteerReport> {
  const boundaries = await boundariesNear(tx, partnershipId);
  const report: GazetteerReport = { rows: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, rejects: [], warnings: [], warningCount: 0, areasDerived: boundaries.length > 0 };
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: true, info: true, max_record_size: 100_000 });
  if (typeof source === 'string') parser.end(source);
  else source.pipe(parser);
  let cols: Columns | null = null;
  let batch: Prepared[] = [];
  const seen = new Map<number, number>();
  const flush = async () => {
    const r = await upsertBatch(tx, partnershipId, batch);
    report.inserted += r.inserted;
    report.updated += r.updated;
    report.unchanged += batch.length - r.inserted - r.updated;
    batch = [];
  };
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!cols) {
        cols = mapHeader(item.record);
        continue;
      }
      const line = item.info.lines;
      report.rows++;
      const out = prepareRow(item.record, cols, boundaries);
      const uprnText = (item.record[cols.uprn] ?? '').trim().slice(0, 20);
      if ('reject' in out) {
        report.rejected++;
        if (report.rejects.length < PROBLEMS_LISTED) report.rejects.push({ line, uprn: uprnText, reason: out.reject });
        continue;
      }
      const first = seen.get(out.row.uprn);
      if (first !== undefined) {
        report.rejected++;
        if (report.rejects.length < PROBLEMS_LISTED) report.rejects.push({ line, uprn: uprnText, reason: `UPRN repeats line ${first}; the first one was kept` });
        continue;
      }
      seen.set(out.row.uprn, line);
      if (out.warning) {
        report.warningCount++;
        if (report.warnings.length < PROBLEMS_LISTED) report.warnings.push({ line, uprn: uprnText, reason: out.warning });
      }
      batch.push(out.row);
      if (batch.length >= ROWS_PER_STATEMENT) await flush();
    }
  } catch (err) {
    if (err instanceof GazetteerFormatError) throw err;
    const code = (err as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('CSV_')) throw new GazetteerFormatError(`The file is not valid CSV: ${(err as Error).message}`);
    throw err;
  }
  if (!cols) throw new GazetteerFormatError('The file is empty: it needs a header row and then one address a line.');
  await flush();
  return report;
}
