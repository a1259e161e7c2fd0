// `endeavour demo-data`: create the demo partnership in a database that has none, on either
// engine, with as many generated people as asked for (to try Endeavour out at scale).
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { say, withDatabase } from './context.ts';

const DEFAULT_PEOPLE = 120;

function parseCount(value: string): number {
  const n = Number(value.replace(/[,_]/g, ''));
  if (!/^\d[\d,_]*$/.test(value) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('It must be a whole number, like 5000.');
  return n;
}

export function registerDemoData(program: Command) {
  program
    .command('demo-data')
    .description(
      'create the demo partnership, its users and generated people, if the database has no partnership yet',
    )
    .option('--people <n>', 'how many generated people to create', parseCount, DEFAULT_PEOPLE)
    .action(async (opts: { people: number }, command: Command) => {
      await withDatabase(
        command,
        async ({ demo }, config) => {
          // Creating it was reported on opening; otherwise the database already had a partnership.
          if (demo) return;
          const signIns = path.join(config.dataDir, 'demo-sign-ins.txt');
          const note =
            !config.databaseUrl && fs.existsSync(signIns) ? `\nThe demo sign-ins are in ${signIns}` : '';
          say(
            `The database already has a partnership, so no demo data was added: demo data only goes into an empty database.${note}`,
          );
        },
        { demo: 'always', people: opts.people },
      );
    });
}
