// Statistics series from a CSV (docs/indicators.md): one figure a line, `series,area_code,month,value`.
// area_code is a district's ONS code, or empty for a figure for the whole partnership; month is
// YYYY-MM. The whole file is checked first and nothing is imported if any line is wrong. Importing
// replaces each series' figures for the months in the file (this source's only: police.uk's stay).
import { parse } from 'csv-parse/sync';
import type { Executor } from './repository.ts';
import { isMonth } from './definitions.ts';

export const CSV_SOURCE = 'csv';
export const MAX_SERIES_ROWS = 50_000;
export const MAX_SERIES_NAME = 120;

export interface SeriesProblem {
  line: number | null;
  message: string;
}

export class SeriesFormatError extends Error {
  readonly problems: SeriesProblem[];
  constructor(problems: SeriesProblem[]) {
    super(problems.map((p) => (p.line ? `line ${p.line}: ${p.message}` : p.message)).join('; '));
    this.problems = problems;
  }
}

export interface SeriesImportReport {
  rows: number;
  series: { name: string; months: string[]; replaced: number }[];
}

const COLUMNS = ['series', 'area_code', 'month', 'value'] as const;
const NUMBER = /^-?\d+(\.\d+)?$/;

interface Parsed {
  series: string;
  areaId: string | null;
  month: string;
  value: number;
}

export async function importSeriesCsv(
  db: Executor,
  partnershipId: string,
  content: Buffer | string,
  opts: { importedBy: string | null },
): Promise<SeriesImportReport> {
  let records: string[][];
  try {
    records = parse(content, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (err) {
    throw new SeriesFormatError([{ line: null, message: `The file is not readable as CSV: ${(err as Error).message}` }]);
  }
  if (!records.length) throw new SeriesFormatError([{ line: null, message: 'The file is empty: its first line must be series,area_code,month,value' }]);
  const header = records[0]!.map((h) => h.toLowerCase());
  const col = Object.fromEntries(COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<(typeof COLUMNS)[number], number>;
  const missing = COLUMNS.filter((c) => col[c] < 0);
  if (missing.length) {
    throw new SeriesFormatError([{ line: 1, message: `The first line must name the columns series,area_code,month,value (missing: ${missing.join(', ')})` }]);
  }
  if (records.length === 1) throw new SeriesFormatError([{ line: null, message: 'The file has no figures, only its first line' }]);
  if (records.length - 1 > MAX_SERIES_ROWS) {
    throw new SeriesFormatError([{ line: null, message: `The file has ${records.length - 1} figures: import at most ${MAX_SERIES_ROWS.toLocaleString('en-GB')} at a time` }]);
  }

  const areas = await db
    .selectFrom('areas')
    .select(['id', 'ons_code'])
    .where('partnership_id', '=', partnershipId)
    .where('kind', 'in', ['district', 'unitary'])
    .execute();
  const areaByCode = new Map(areas.filter((a) => a.ons_code).map((a) => [a.ons_code!.toUpperCase(), a.id]));

  const problems: SeriesProblem[] = [];
  const parsed: Parsed[] = [];
  const seen = new Map<string, number>();
  records.slice(1).forEach((r, i) => {
    const line = i + 2;
    const series = r[col.series] ?? '';
    const code = (r[col.area_code] ?? '').toUpperCase();
    const month = r[col.month] ?? '';
    const raw = (r[col.value] ?? '').replace(/,/g, '');
    const before = problems.length;
    if (!series) problems.push({ line, message: 'Enter the name of the series' });
    else if (series.length > MAX_SERIES_NAME) problems.push({ line, message: `The series name must be ${MAX_SERIES_NAME} characters or fewer` });
    const areaId = code ? areaByCode.get(code) : null;
    if (areaId === undefined) problems.push({ line, message: `${code} is not the ONS code of one of the partnership's districts (leave area_code empty for the whole partnership)` });
    if (!isMonth(month)) problems.push({ line, message: `The month must be written as YYYY-MM, like 2024-03 (not "${month.slice(0, 20)}")` });
    if (!NUMBER.test(raw)) problems.push({ line, message: `The value must be a number, like 37.5, without a % sign (not "${raw.slice(0, 20)}")` });
    if (problems.length > before) return;
    const key = `${series}\u0000${areaId ?? ''}\u0000${month}`;
    const first = seen.get(key);
    if (first) {
      problems.push({ line, message: `This repeats line ${first}: one figure for each series, area and month` });
      return;
    }
    seen.set(key, line);
    parsed.push({ series, areaId: areaId ?? null, month, value: Number(raw) });
  });
  if (problems.length) throw new SeriesFormatError(problems);

  const bySeries = new Map<string, Set<string>>();
  for (const p of parsed) bySeries.set(p.series, (bySeries.get(p.series) ?? new Set()).add(p.month));
  const report: SeriesImportReport = { rows: parsed.length, series: [] };
  for (const [name, months] of [...bySeries].sort((a, b) => a[0].localeCompare(b[0]))) {
    const removed = await db
      .deleteFrom('indicator_series_values')
      .where('partnership_id', '=', partnershipId)
      .where('source', '=', CSV_SOURCE)
      .where('series', '=', name)
      .where('month', 'in', [...months].map((m) => `${m}-01`))
      .executeTakeFirst();
    report.series.push({ name, months: [...months].sort(), replaced: Number(removed.numDeletedRows) });
  }
  for (let i = 0; i < parsed.length; i += 2000) {
    await db
      .insertInto('indicator_series_values')
      .values(
        parsed.slice(i, i + 2000).map((p) => ({
          partnership_id: partnershipId,
          series: p.series,
          source: CSV_SOURCE,
          area_id: p.areaId,
          month: `${p.month}-01`,
          value: p.value,
          imported_by: opts.importedBy,
        })),
      )
      .execute();
  }
  return report;
}
