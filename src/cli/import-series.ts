// `endeavour import series <file.csv>` loads the partnership's own statistics series (surveys, MARAC,
// youth justice…) by area and month (docs/indicators.md): idempotent (a series' month is replaced),
// all or nothing, audited; every problem is reported with its line number.
import fs from 'node:fs';
import type { Command } from 'commander';
import { audit } from '../platform/audit/audit.ts';
import { importSeriesCsv, SeriesFormatError } from '../modules/indicators/series-import.ts';
import { choosePartnership } from './import-gazetteer.ts';
import { importCommand, monthRange, mustExist } from './import-police-uk.ts';
import { CliFailure, EXIT_USAGE, plural, say, withDatabase } from './context.ts';

export function registerImportSeries(program: Command) {
  const importer = importCommand(program);

  importer
    .command('series')
    .description('load statistics series (surveys, MARAC, youth justice…) by area and month from CSV')
    .argument('<file>', 'CSV with the columns series,area_code,month,value (area_code empty for the whole partnership)')
    .option('--partnership <name>', 'the partnership (short name, name or id) when the database has several')
    .action(async (file: string, opts: { partnership?: string }, command: Command) => {
      mustExist(file, 'the file');
      if (!fs.statSync(file).isFile()) throw new CliFailure(`${file} is not a file.`, EXIT_USAGE);
      await withDatabase(command, async ({ database }) => {
        const partnership = await choosePartnership(database.db, opts.partnership);
        let report;
        try {
          report = await database.db.transaction().execute(async (tx) => {
            const r = await importSeriesCsv(tx, partnership.id, fs.readFileSync(file), { importedBy: null });
            await audit(tx, {
              partnershipId: partnership.id,
              action: 'admin_update',
              recordType: 'indicator_series',
              recordId: partnership.id,
              details: { import: 'series', rows: r.rows, series: r.series.map((s) => s.name) },
            });
            return r;
          });
        } catch (err) {
          if (err instanceof SeriesFormatError) {
            const lines = err.problems.slice(0, 20).map((p) => `  ${p.line ? `line ${p.line}: ` : ''}${p.message}`);
            const more = err.problems.length > 20 ? `\n  …and ${plural(err.problems.length - 20, 'more problem')}` : '';
            throw new CliFailure(`${file} was not imported (nothing was changed):\n${lines.join('\n')}${more}`);
          }
          throw err;
        }
        say(`Series for ${partnership.short_name}: ${plural(report.rows, 'figure')} imported from ${file}.`);
        for (const s of report.series) say(`  ${s.name}: ${monthRange(s.months)}, replacing ${plural(s.replaced, 'earlier figure')}`);
      });
    });
}
