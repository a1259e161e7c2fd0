// `endeavour import police-uk <files or folders…> [--lsoa-lookup FILE]` loads police.uk street-level
// crime files as monthly counts by crime type and district (docs/indicators.md): idempotent, all or
// nothing (one transaction), audited, and reporting the rows it could not place.
import fs from 'node:fs';
import type { Command } from 'commander';
import { audit } from '../platform/audit/audit.ts';
import {
  DEFAULT_LSOA_LOOKUP,
  expandInputs,
  importPoliceUk,
  PoliceUkFormatError,
  readLsoaLookup,
} from '../modules/indicators/police-uk.ts';
import { choosePartnership } from './import-gazetteer.ts';
import { CliFailure, EXIT_USAGE, plural, say, withDatabase } from './context.ts';

const SHOW_LSOAS = 15;

export function importCommand(program: Command) {
  return program.commands.find((c) => c.name() === 'import') ?? program.command('import').description('load reference data and records from files');
}

export function mustExist(p: string, what: string) {
  try {
    fs.accessSync(p, fs.constants.R_OK);
  } catch {
    throw new CliFailure(`Cannot read ${what} ${p}.`, EXIT_USAGE);
  }
}

function count(n: number) {
  return n.toLocaleString('en-GB').padStart(9);
}

export function monthRange(months: string[]) {
  const sorted = [...new Set(months)].sort();
  if (!sorted.length) return 'none';
  return sorted.length === 1 ? sorted[0]! : `${sorted[0]} to ${sorted.at(-1)} (${plural(sorted.length, 'month')})`;
}

export function registerImportPoliceUk(program: Command) {
  const importer = importCommand(program);
  importer
    .command('police-uk')
    .description('load police.uk street-level crime CSVs as monthly counts by crime type and district')
    .argument('<paths...>', 'street-level crime CSV files, or folders holding them (searched recursively)')
    .option('--lsoa-lookup <file>', 'CSV mapping 2011 LSOA codes (LSOA11CD) to district codes (LAD13CD or LAD21CD); default: the demo partnership\'s, for Leicester, Leicestershire and Rutland')
    .option('--partnership <name>', 'the partnership (short name, name or id) when the database has several')
    .action(async (paths: string[], opts: { lsoaLookup?: string; partnership?: string }, command: Command) => {
      for (const p of paths) mustExist(p, 'the file or folder');
      const lookupFile = opts.lsoaLookup ?? DEFAULT_LSOA_LOOKUP;
      mustExist(lookupFile, 'the LSOA lookup');
      const files = expandInputs(paths);
      if (!files.length) throw new CliFailure(`There are no .csv files in ${paths.join(', ')}.`, EXIT_USAGE);
      let lookup;
      try {
        lookup = await readLsoaLookup(lookupFile);
      } catch (err) {
        if (err instanceof PoliceUkFormatError) throw new CliFailure(err.message, EXIT_USAGE);
        throw err;
      }
      await withDatabase(command, async ({ database }) => {
        const partnership = await choosePartnership(database.db, opts.partnership);
        const started = Date.now();
        let report;
        try {
          report = await database.db.transaction().execute(async (tx) => {
            const r = await importPoliceUk(tx, partnership.id, files, lookup);
            await audit(tx, {
              partnershipId: partnership.id,
              action: 'admin_update',
              recordType: 'indicator_series',
              recordId: partnership.id,
              details: {
                import: 'police-uk',
                files: r.files,
                rows: r.rows,
                placed: r.placed,
                no_location: r.noLocation,
                outside: r.outside,
                invalid: r.invalid,
                months: r.months.map((m) => `${m.force} ${m.month}`),
              },
            });
            return r;
          });
        } catch (err) {
          if (err instanceof PoliceUkFormatError) throw new CliFailure(err.message);
          throw err;
        }
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        say(`police.uk crime for ${partnership.short_name}: ${plural(report.rows, 'row')} read from ${plural(report.files, 'file')} in ${seconds} s.`);
        say(`  placed in a district:                    ${count(report.placed)}`);
        say(`  not placed, no location (no LSOA code):  ${count(report.noLocation)}`);
        say(`  not placed, LSOA outside the partnership:${count(report.outside)}`);
        if (report.invalid) say(`  not usable (no month or crime type):     ${count(report.invalid)}`);
        const forces = [...new Set(report.months.map((m) => m.force))];
        for (const force of forces) {
          say(`Months imported for ${force} (replacing any figures it had): ${monthRange(report.months.filter((m) => m.force === force).map((m) => m.month))}`);
        }
        say(`Series (one per crime type, and the total): ${report.crimeTypes.join('; ')}`);
        if (report.outsideLsoas.length) {
          say(`LSOAs outside the partnership (or missing from ${lookupFile}), most rows first:`);
          for (const l of report.outsideLsoas.slice(0, SHOW_LSOAS)) say(`  ${l.code}  ${l.name || '(no name)'}: ${plural(l.rows, 'row')}`);
          if (report.outsideLsoas.length > SHOW_LSOAS) say(`  …and ${plural(report.outsideLsoas.length - SHOW_LSOAS, 'more LSOA')}`);
        }
      });
    });

}
