// `endeavour demo-data`: create the demo partnership in a database that has none, on either
// engine, with as many generated people as asked for (to try Endeavour out at scale).
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { plural, say, withDatabase } from './context.ts';
import { generateIncidents } from '../demo/scale.ts';

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
    .option('--incidents <n>', 'how many synthetic incidents to generate (for benchmarks), linked to the generated people', parseCount, 0)
    .action(async (opts: { people: number; incidents: number }, command: Command) => {
      await withDatabase(
        command,
        async ({ demo, database }, config) => {
          // Creating it was reported on opening; otherwise the database already had a partnership.
          if (demo) {
            if (opts.incidents > 0) {
              const started = Date.now();
              await generateIncidents(database.db, demo.partnershipId, opts.incidents, (done) => {
                if (done % 500_000 === 0 || done === opts.incidents) say(`  ${plural(done, 'incident')} generated`);
              });
              say(`Generated ${plural(opts.incidents, 'synthetic incident')} in ${Math.round((Date.now() - started) / 1000)} s.`);
            }
            return;
          }
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
