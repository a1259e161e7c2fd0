// `endeavour migrate`: apply any migrations not yet applied. Opening the database already does
// this (as on every start), and reports what it applied; this command says where that leaves it.
import type { Command } from 'commander';
import { sql } from 'kysely';
import { plural, say, withDatabase } from './context.ts';

export function registerMigrate(program: Command) {
  program
    .command('migrate')
    .description('apply the database migrations not yet applied, and list them')
    .action(async (_opts: unknown, command: Command) => {
      await withDatabase(command, async ({ database, migrations }) => {
        const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM schema_migrations`.execute(
          database.db,
        );
        const total = r.rows[0]?.n ?? 0;
        say(
          migrations.length
            ? `The database is up to date (${plural(total, 'migration')} applied in all).`
            : `No migrations to apply: the database is up to date (${plural(total, 'migration')} applied before).`,
        );
      });
    });
}
