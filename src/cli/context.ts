// What every command shares: the configuration and the first-run behaviour of `npm start`, exit
// codes a script can rely on, and failures reported as one clear message rather than a stack trace.
import type { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { describeDemo, prepareDatabase, type PrepareOptions, type Prepared } from '../bootstrap.ts';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** sysexits.h EX_CONFIG, as `npm start` uses for a bad configuration. */
export const EXIT_CONFIG = 78;

/** A failure the person at the terminal can act on: its message is all they are shown. */
export class CliFailure extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT_FAILURE) {
    super(message);
    this.exitCode = exitCode;
  }
}

export interface GlobalOptions {
  demo?: boolean;
}

export function plural(n: number, one: string, many = `${one}s`) {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

export function say(text: string) {
  process.stdout.write(`${text}\n`);
}

/** The reason an error carries; pg reports a refused connection to several addresses as an AggregateError with no message. */
export function reason(err: unknown): string {
  if (err instanceof AggregateError && !err.message) return [...new Set(err.errors.map(reason))].join('; ');
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

export function loadCliConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) throw new CliFailure(err.message, EXIT_CONFIG);
    throw err;
  }
}

/**
 * Opens the configured database as `npm start` does (migrated; an empty embedded database gets the
 * demo partnership; with DATABASE_URL only when --demo asks), runs the command, and always closes it.
 * A command may ask for its own demo behaviour, as demo-data does.
 */
export async function withDatabase<T>(
  command: Command,
  fn: (prepared: Prepared, config: Config) => Promise<T>,
  prepare: PrepareOptions = {},
  output: { machineReadable?: boolean } = {},
): Promise<T> {
  const config = loadCliConfig();
  const { demo } = command.optsWithGlobals<GlobalOptions>();
  let prepared: Prepared;
  try {
    prepared = await prepareDatabase(config, { demo: demo ? 'always' : 'auto', ...prepare });
  } catch (err) {
    const where = config.databaseUrl
      ? 'the PostgreSQL database in DATABASE_URL'
      : `the embedded database in ${config.dataDir}`;
    throw new CliFailure(`Endeavour could not open ${where}: ${reason(err)}`);
  }
  try {
    // A command whose output is data (CSV) keeps set-up news off stdout, so the output stays parseable.
    reportPreparation(prepared, config, output.machineReadable ? note : say);
    return await fn(prepared, config);
  } finally {
    await prepared.database.close();
  }
}

function note(text: string) {
  process.stderr.write(`${text}\n`);
}

function reportPreparation({ migrations, demo }: Prepared, config: Config, say: (text: string) => void) {
  if (migrations.length) {
    say(`Applied ${plural(migrations.length, 'migration')}:\n${migrations.map((m) => `  ${m}`).join('\n')}`);
  }
  // The demo password is generated, so this is the one time it is shown (embedded, it is also kept
  // in the data folder).
  if (demo) {
    const people = plural(demo.people, 'generated person', 'generated people');
    say(`A demo partnership was created with ${people}.\n${describeDemo(config.baseUrl, demo)}`);
  }
}
