// The `endeavour` command line (bin/endeavour.js runs this). Each command lives in its own file and
// registers itself here. Exit codes: 0 done, 1 failed, 2 the command line was wrong, 78 a bad
// configuration value (as `npm start`).
import fs from 'node:fs';
import { Command, CommanderError } from 'commander';
import { CliFailure, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, reason } from './context.ts';
import { registerMigrate } from './migrate.ts';
import { registerAudit } from './audit.ts';
import { registerDemoData } from './demo-data.ts';
import { registerImportGazetteer } from './import-gazetteer.ts';
import { registerImportPoliceUk } from './import-police-uk.ts';
import { registerImportSeries } from './import-series.ts';
import { registerIndicators } from './indicators.ts';
import { registerDedupe } from './dedupe.ts';

// Read, not imported, so that the build (rooted at src/) need not reach outside src/.
const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

function buildProgram() {
  const program = new Command('endeavour')
    .description('Endeavour: community-safety case management for Community Safety Partnerships.')
    .addHelpText(
      'after',
      `
Configuration comes from the environment, as for \`npm start\`: the embedded database is in
DATA_DIR (default ./data), or set DATABASE_URL to use a PostgreSQL server. Every command first
applies any new migrations; an empty embedded database also gets the demo partnership (with
DATABASE_URL, only when --demo is given).

Exit codes: 0 done, 1 failed, 2 the command line was wrong, 78 a configuration value is wrong.`,
    )
    .version(
      `endeavour ${pkg.version} on Node.js ${process.version}`,
      '-V, --version',
      'show the version of Endeavour and of Node.js running it',
    )
    .option('--demo', 'with DATABASE_URL, give an empty database the demo partnership too')
    .showSuggestionAfterError()
    // Settings are copied to subcommands as they are created, so these come before registering them.
    .exitOverride()
    .configureHelp({ sortSubcommands: false });
  registerMigrate(program);
  registerAudit(program);
  registerDemoData(program);
  registerImportGazetteer(program);
  registerImportPoliceUk(program);
  registerImportSeries(program);
  registerIndicators(program);
  registerDedupe(program);
  return program;
}

async function run(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (err) {
    // Commander has already printed its own message (or the help) for these.
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    if (err instanceof CliFailure) {
      process.stderr.write(`${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`endeavour: ${reason(err)}\n`);
    return EXIT_FAILURE;
  }
}

// Exit explicitly: a command is done once it has closed its database, and nothing left behind
// (a timer in a library, say) should keep the terminal waiting.
process.exit(await run(process.argv));
