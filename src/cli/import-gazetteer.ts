// `endeavour import gazetteer <file.csv>` loads the partnership's LLPG/AddressBase extract, and
// `endeavour import boundaries <file.geojson>` its districts' and wards' boundaries (see
// docs/data-formats.md). Both are idempotent, run in one transaction (all or nothing), are audited,
// and print what they did with the line number and reason of every row they could not use.
import fs from 'node:fs';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import { audit } from '../platform/audit/audit.ts';
import { GazetteerFormatError, importGazetteer, type RowProblem } from '../modules/addresses/gazetteer-import.ts';
import { BoundaryFormatError, importBoundaries } from '../modules/addresses/boundaries-import.ts';
import { CliFailure, EXIT_USAGE, plural, say, withDatabase } from './context.ts';

interface ImportOptions {
  partnership?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The partnership named (by short name, name or id), or the only one there is. */
export async function choosePartnership(db: Kysely<DB>, wanted?: string) {
  const all = await db.selectFrom('partnerships').select(['id', 'name', 'short_name']).orderBy('name').execute();
  if (wanted) {
    const w = wanted.trim().toLowerCase();
    const found = all.find((p) => (UUID.test(w) && p.id === w) || p.short_name.toLowerCase() === w || p.name.toLowerCase() === w);
    if (!found) throw new CliFailure(`There is no partnership called "${wanted}". The partnerships are: ${all.map((p) => p.short_name).join(', ') || 'none'}.`, EXIT_USAGE);
    return found;
  }
  if (all.length === 1) return all[0]!;
  if (!all.length) throw new CliFailure('The database has no partnership yet: create one (or the demo) first.');
  throw new CliFailure(`The database has several partnerships: choose one with --partnership (${all.map((p) => p.short_name).join(', ')}).`, EXIT_USAGE);
}

function readable(file: string) {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    if (!fs.statSync(file).isFile()) throw new Error('not a file');
  } catch {
    throw new CliFailure(`Cannot read the file ${file}.`, EXIT_USAGE);
  }
}

function listProblems(title: string, problems: RowProblem[], total: number) {
  if (!total) return;
  say(`${title}:`);
  for (const p of problems) say(`  line ${p.line}${p.uprn ? ` (UPRN ${p.uprn})` : ''}: ${p.reason}`);
  if (total > problems.length) say(`  …and ${plural(total - problems.length, 'more row')}`);
}

/** `import` may already exist if another command file added an importer of its own. */
function importCommand(program: Command) {
  return program.commands.find((c) => c.name() === 'import') ?? program.command('import').description('load reference data and records from files');
}

export function registerImportGazetteer(program: Command) {
  const importer = importCommand(program);
  importer
    .command('gazetteer')
    .description("load or refresh the partnership's gazetteer from an LLPG/AddressBase CSV extract")
    .argument('<file>', 'CSV with uprn,line_1,line_2,line_3,town,postcode and easting,northing or latitude,longitude')
    .option('--partnership <name>', 'the partnership (short name, name or id) when the database has several')
    .action(async (file: string, opts: ImportOptions, command: Command) => {
      readable(file);
      await withDatabase(command, async ({ database }) => {
        const partnership = await choosePartnership(database.db, opts.partnership);
        const started = Date.now();
        let report;
        try {
          report = await database.db.transaction().execute(async (tx) => {
            const r = await importGazetteer(tx, partnership.id, fs.createReadStream(file));
            await audit(tx, {
              partnershipId: partnership.id,
              action: 'admin_update',
              recordType: 'gazetteer',
              recordId: partnership.id,
              details: { import: 'gazetteer', rows: r.rows, inserted: r.inserted, updated: r.updated, unchanged: r.unchanged, rejected: r.rejected },
            });
            return r;
          });
        } catch (err) {
          if (err instanceof GazetteerFormatError) throw new CliFailure(`${file}: ${err.message}`);
          throw err;
        }
        say(`Gazetteer for ${partnership.short_name}: ${plural(report.rows, 'address row')} read from ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
        say(`  inserted:  ${report.inserted.toLocaleString('en-GB')}`);
        say(`  updated:   ${report.updated.toLocaleString('en-GB')}`);
        say(`  unchanged: ${report.unchanged.toLocaleString('en-GB')}`);
        say(`  rejected:  ${report.rejected.toLocaleString('en-GB')}`);
        if (!report.areasDerived) say('No area boundaries are loaded, so districts and wards were not derived (run `endeavour import boundaries` and they will be).');
        listProblems('Rejected rows (not imported)', report.rejects, report.rejected);
        listProblems('Imported without part of the row', report.warnings, report.warningCount);
      });
    });

  importer
    .command('boundaries')
    .description("load the boundaries of the partnership's areas (districts, wards) from GeoJSON, matched by ONS code")
    .argument('<file>', 'GeoJSON FeatureCollection in WGS84 longitude/latitude')
    .option('--code-property <name>', 'the feature property holding the ONS code, for example LAD21CD (found automatically if omitted)')
    .option('--partnership <name>', 'the partnership (short name, name or id) when the database has several')
    .action(async (file: string, opts: ImportOptions & { codeProperty?: string }, command: Command) => {
      readable(file);
      let json: unknown;
      try {
        json = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (err) {
        throw new CliFailure(`${file} is not valid JSON: ${(err as Error).message}`);
      }
      await withDatabase(command, async ({ database }) => {
        const partnership = await choosePartnership(database.db, opts.partnership);
        let report;
        try {
          report = await database.db.transaction().execute(async (tx) => {
            const r = await importBoundaries(tx, partnership.id, json, { codeProperty: opts.codeProperty });
            await audit(tx, {
              partnershipId: partnership.id,
              action: 'admin_update',
              recordType: 'area_boundaries',
              recordId: partnership.id,
              details: { import: 'boundaries', loaded: r.loaded.map((l) => l.code), unmatched: r.unmatched.length, addresses_updated: r.addressesUpdated },
            });
            return r;
          });
        } catch (err) {
          if (err instanceof BoundaryFormatError) throw new CliFailure(`${file}: ${err.message}`);
          throw err;
        }
        say(`Boundaries for ${partnership.short_name}: ${plural(report.loaded.length, 'area')} loaded from ${plural(report.features, 'feature')} in ${file}.`);
        for (const l of report.loaded) say(`  ${l.code}  ${l.name}`);
        if (report.unmatched.length) say(`Not areas of this partnership (skipped): ${report.unmatched.join(', ')}`);
        if (report.invalid.length) say(`No usable polygon (skipped): ${report.invalid.join(', ')}`);
        say(`Gazetteer addresses given a new district or ward: ${report.addressesUpdated.toLocaleString('en-GB')}`);
      });
    });
}
