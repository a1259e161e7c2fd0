// For tests only: the committed police.uk fixture counted independently of the importer (its own
// CSV reading, its own lookup, the populations as published), and actors for the demo's users.
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Actor } from '../../platform/http/context.ts';
import { AREAS } from '../../demo/partnership.ts';

export const FIXTURE_DIR = path.resolve(import.meta.dirname, 'fixtures', 'police-uk');
export const LOOKUP_FILE = path.resolve(import.meta.dirname, '../../../data-reference/lsoa11-to-lad-leicestershire.csv');

/** RFC 4180 CSV, written here rather than shared so that a bug in the importer's reading is not repeated. */
export function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function fixtureFiles(): string[] {
  return fs
    .readdirSync(FIXTURE_DIR, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.csv'))
    .map((f) => path.join(FIXTURE_DIR, f))
    .sort();
}

export interface IndependentCount {
  rows: number;
  noLocation: number;
  outside: number;
  /** district ONS code → crime type → rows */
  byDistrict: Map<string, Map<string, number>>;
  months: string[];
}

export function countFixture(files = fixtureFiles()): IndependentCount {
  const lookupRows = readCsv(fs.readFileSync(LOOKUP_FILE, 'utf8'));
  const lsoaCol = lookupRows[0]!.indexOf('LSOA11CD');
  const ladCol = lookupRows[0]!.indexOf('LAD13CD');
  const lad = new Map(lookupRows.slice(1).map((r) => [r[lsoaCol]!, r[ladCol]!]));
  const result: IndependentCount = { rows: 0, noLocation: 0, outside: 0, byDistrict: new Map(), months: [] };
  const months = new Set<string>();
  for (const file of files) {
    const [header, ...rows] = readCsv(fs.readFileSync(file, 'utf8'));
    const at = (name: string) => header!.indexOf(name);
    for (const r of rows) {
      result.rows++;
      months.add(r[at('Month')]!);
      const lsoa = r[at('LSOA code')]!;
      if (!lsoa) {
        result.noLocation++;
        continue;
      }
      const district = lad.get(lsoa);
      if (!district) {
        result.outside++;
        continue;
      }
      const types = result.byDistrict.get(district) ?? new Map<string, number>();
      const type = r[at('Crime type')]!;
      types.set(type, (types.get(type) ?? 0) + 1);
      result.byDistrict.set(district, types);
    }
  }
  result.months = [...months].sort();
  return result;
}

/** Census 2021 populations as ONS publishes them (rounded to 100), by district code. */
export function population2021(code: string): number {
  const a = AREAS.find((x) => x.code === code);
  if (!a) throw new Error(`no population for ${code}`);
  return a.population2021;
}

export const DISTRICT_CODES = AREAS.filter((a) => a.kind !== 'county').map((a) => a.code);

export async function actorFor(db: Kysely<DB>, email: string): Promise<Actor> {
  const u = await db
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .innerJoin('partnerships as p', 'p.id', 'o.partnership_id')
    .select(['u.id', 'u.email', 'u.display_name', 'u.roles', 'o.id as org_id', 'o.name as org_name', 'o.kind', 'p.id as partnership_id', 'p.name as partnership_name'])
    .where('u.email', '=', email)
    .executeTakeFirstOrThrow();
  return {
    userId: u.id,
    email: u.email,
    displayName: u.display_name,
    organisationId: u.org_id,
    organisationName: u.org_name,
    organisationKind: u.kind,
    partnershipId: u.partnership_id,
    partnershipName: u.partnership_name,
    roles: u.roles,
    ip: '127.0.0.1',
  };
}
