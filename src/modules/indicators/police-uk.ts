// Imports police.uk street-level crime files (one CSV per force per month, as data.police.uk
// publishes them) as monthly counts by crime type and district: each row is placed by its 2011 LSOA
// code through an LSOA → local authority lookup, and counted in the series named after its crime type
// (and, unless it is anti-social behaviour, in the "All crime" total). Rows that cannot be placed (no
// location, or an LSOA outside the partnership) are counted and reported, not imported.
// Idempotent: a force's month is replaced as a whole each time it is imported.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import type { Executor } from './repository.ts';
import { ALL_CRIME_SERIES, ASB_CRIME_TYPE, POLICE_UK_CRIME_TYPES, policeUkSource } from './police-uk-types.ts';
import { isMonth } from './definitions.ts';

/** The demo partnership's lookup: Leicester, Leicestershire and Rutland's 2011 LSOAs (data-reference/README.md). */
export const DEFAULT_LSOA_LOOKUP = fileURLToPath(new URL('../../../data-reference/lsoa11-to-lad-leicestershire.csv', import.meta.url));

export class PoliceUkFormatError extends Error {}

export interface LsoaLookup {
  /** LSOA code → local authority district code. */
  districts: Map<string, string>;
}

const LSOA_COLUMN = /^lsoa\d*cd$/i;
const DISTRICT_COLUMN = /^(lad|ltla|lau)\d*cd$/i;

/** A CSV with an LSOA code column (LSOA11CD…) and a district code column (LAD13CD, LAD21CD, LTLA…CD). */
export async function readLsoaLookup(file: string): Promise<LsoaLookup> {
  const districts = new Map<string, string>();
  let lsoaCol = -1;
  let districtCol = -1;
  let line = 0;
  const parser = fs.createReadStream(file).pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: true }));
  for await (const record of parser as AsyncIterable<string[]>) {
    line++;
    if (line === 1) {
      lsoaCol = record.findIndex((h) => LSOA_COLUMN.test(h));
      districtCol = record.findIndex((h) => DISTRICT_COLUMN.test(h));
      if (lsoaCol < 0 || districtCol < 0) {
        throw new PoliceUkFormatError(
          `${file} is not an LSOA lookup: its first line must name an LSOA code column (such as LSOA11CD) and a district code column (such as LAD13CD or LAD21CD).`,
        );
      }
      continue;
    }
    const lsoa = record[lsoaCol];
    const district = record[districtCol];
    if (lsoa && district) districts.set(lsoa.toUpperCase(), district.toUpperCase());
  }
  if (!districts.size) throw new PoliceUkFormatError(`${file} has no LSOA codes in it.`);
  return { districts };
}

/** Files named on the command line, folders searched (recursively) for .csv files; each file once. */
export function expandInputs(inputs: string[]): string[] {
  const out = new Set<string>();
  const walk = (p: string) => {
    const stat = fs.statSync(p);
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(p).sort()) {
        const child = path.join(p, entry);
        if (fs.statSync(child).isDirectory() || entry.toLowerCase().endsWith('.csv')) walk(child);
      }
    } else out.add(fs.realpathSync(p));
  };
  for (const i of inputs) walk(i);
  return [...out].sort();
}

export interface UnplacedLsoa {
  code: string;
  name: string;
  rows: number;
}

export interface PoliceUkReport {
  files: number;
  rows: number;
  placed: number;
  /** Rows with no LSOA code (police.uk publishes some crimes without a location). */
  noLocation: number;
  /** Rows whose LSOA is not in the lookup, or maps to a district that is not one of the partnership's. */
  outside: number;
  /** Rows without a valid month or crime type. */
  invalid: number;
  /** The LSOAs behind `outside`, most rows first. */
  outsideLsoas: UnplacedLsoa[];
  /** Force months imported (replacing what was there), e.g. "Leicestershire Police 2022-10". */
  months: { force: string; month: string; rows: number }[];
  crimeTypes: string[];
  seriesRows: number;
}

interface Area {
  id: string;
  code: string;
}

const REQUIRED = ['Month', 'LSOA code', 'Crime type'] as const;

/**
 * Reads every file, then (in the caller's transaction) replaces the figures of each force month it
 * read. Reading comes first so that a bad file changes nothing.
 */
export async function importPoliceUk(
  db: Executor,
  partnershipId: string,
  files: string[],
  lookup: LsoaLookup,
): Promise<PoliceUkReport> {
  const areas: Area[] = (
    await db
      .selectFrom('areas')
      .select(['id', 'ons_code'])
      .where('partnership_id', '=', partnershipId)
      .where('kind', 'in', ['district', 'unitary'])
      .execute()
  )
    .filter((a) => a.ons_code)
    .map((a) => ({ id: a.id, code: a.ons_code!.toUpperCase() }));
  if (!areas.length) throw new PoliceUkFormatError('The partnership has no districts with ONS codes to place crimes in (see /admin/areas).');
  const areaByDistrict = new Map(areas.map((a) => [a.code, a.id]));
  // Resolved once per LSOA: its area id, or null when it is outside the partnership.
  const lsoaArea = new Map<string, string | null>();
  for (const [lsoa, district] of lookup.districts) lsoaArea.set(lsoa, areaByDistrict.get(district) ?? null);

  const report: PoliceUkReport = { files: files.length, rows: 0, placed: 0, noLocation: 0, outside: 0, invalid: 0, outsideLsoas: [], months: [], crimeTypes: [], seriesRows: 0 };
  const outside = new Map<string, UnplacedLsoa>();
  // force → month → "areaId\u0000crime type" → count
  const counts = new Map<string, Map<string, Map<string, number>>>();
  const monthRows = new Map<string, number>();
  const fileOfMonth = new Map<string, string>();
  const crimeTypes = new Set<string>();

  for (const file of files) {
    const seenHere = new Set<string>();
    let header: string[] | null = null;
    let col: Record<(typeof REQUIRED)[number] | 'Reported by' | 'Falls within' | 'LSOA name', number> | null = null;
    const parser = fs.createReadStream(file).pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true }));
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = record.map((h) => h.trim());
        const idx = (name: string) => header!.findIndex((h) => h.toLowerCase() === name.toLowerCase());
        col = { Month: idx('Month'), 'LSOA code': idx('LSOA code'), 'Crime type': idx('Crime type'), 'Reported by': idx('Reported by'), 'Falls within': idx('Falls within'), 'LSOA name': idx('LSOA name') };
        const missing = REQUIRED.filter((r) => col![r] < 0);
        if (missing.length) {
          throw new PoliceUkFormatError(`${file} is not a police.uk street-level crime file: it has no ${missing.map((m) => `"${m}"`).join(', ')} column.`);
        }
        continue;
      }
      const c = col!;
      report.rows++;
      const month = (record[c.Month] ?? '').trim();
      const type = (record[c['Crime type']] ?? '').trim();
      if (!isMonth(month) || !type) {
        report.invalid++;
        continue;
      }
      const force = ((c['Reported by'] >= 0 ? record[c['Reported by']] : '') || (c['Falls within'] >= 0 ? record[c['Falls within']] : '') || 'Unknown force').trim();
      const forceMonth = `${force}\u0000${month}`;
      if (!seenHere.has(forceMonth)) {
        seenHere.add(forceMonth);
        const other = fileOfMonth.get(forceMonth);
        if (other) {
          throw new PoliceUkFormatError(`${other} and ${file} both hold ${force}'s crimes for ${month}: import one of them.`);
        }
        fileOfMonth.set(forceMonth, file);
        const forMonth = counts.get(force) ?? new Map<string, Map<string, number>>();
        forMonth.set(month, new Map());
        counts.set(force, forMonth);
      }
      monthRows.set(forceMonth, (monthRows.get(forceMonth) ?? 0) + 1);
      const lsoa = (record[c['LSOA code']] ?? '').trim().toUpperCase();
      if (!lsoa) {
        report.noLocation++;
        continue;
      }
      const areaId = lsoaArea.get(lsoa);
      if (!areaId) {
        report.outside++;
        const o = outside.get(lsoa) ?? { code: lsoa, name: (c['LSOA name'] >= 0 ? record[c['LSOA name']] : '')?.trim() ?? '', rows: 0 };
        o.rows++;
        outside.set(lsoa, o);
        continue;
      }
      report.placed++;
      crimeTypes.add(type);
      const cell = counts.get(force)!.get(month)!;
      const key = `${areaId}\u0000${type}`;
      cell.set(key, (cell.get(key) ?? 0) + 1);
    }
  }

  report.crimeTypes = [...new Set([...POLICE_UK_CRIME_TYPES, ...crimeTypes])].sort();
  report.outsideLsoas = [...outside.values()].sort((a, b) => b.rows - a.rows || a.code.localeCompare(b.code));

  // Every district gets a figure for every crime type in every month imported, zero included: a
  // district with no burglaries that month had none, which is not the same as no figures.
  for (const [force, months] of counts) {
    const source = policeUkSource(force);
    for (const [month, cell] of months) {
      await db
        .deleteFrom('indicator_series_values')
        .where('partnership_id', '=', partnershipId)
        .where('source', '=', source)
        .where('month', '=', `${month}-01`)
        .execute();
      const rows: { partnership_id: string; series: string; source: string; area_id: string; month: string; value: number }[] = [];
      for (const area of areas) {
        let all = 0;
        for (const type of report.crimeTypes) {
          const n = cell.get(`${area.id}\u0000${type}`) ?? 0;
          if (type !== ASB_CRIME_TYPE) all += n;
          rows.push({ partnership_id: partnershipId, series: type, source, area_id: area.id, month: `${month}-01`, value: n });
        }
        rows.push({ partnership_id: partnershipId, series: ALL_CRIME_SERIES, source, area_id: area.id, month: `${month}-01`, value: all });
      }
      for (let i = 0; i < rows.length; i += 2000) {
        await db.insertInto('indicator_series_values').values(rows.slice(i, i + 2000)).execute();
      }
      report.seriesRows += rows.length;
      report.months.push({ force, month, rows: monthRows.get(`${force}\u0000${month}`) ?? 0 });
    }
  }
  report.months.sort((a, b) => a.month.localeCompare(b.month) || a.force.localeCompare(b.force));
  return report;
}
