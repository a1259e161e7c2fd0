// `endeavour audit verify`: recompute the audit log's hash chain and report any row that was
// edited or deleted. The report is the command's output (stdout); the exit code says whether the
// log is intact, so a scheduled job can alert on it.
import type { Command } from 'commander';
import { verifyAudit } from '../platform/audit/audit.ts';
import { EXIT_FAILURE, plural, say, withDatabase } from './context.ts';

export function registerAudit(program: Command) {
  const audit = program.command('audit').description('check the audit log');
  audit
    .command('verify')
    .description('check that no audit log row has been changed or deleted (exits 1 if any has)')
    .action(async (_opts: unknown, command: Command) => {
      await withDatabase(command, async ({ database }) => {
        const result = await verifyAudit(database.db);
        if (result.ok) {
          say(`Audit log verified: ${plural(result.rows, 'row')}, no tampering found`);
          return;
        }
        say(
          `Audit log verification FAILED: ${plural(result.problems.length, 'problem')} in ${plural(result.rows, 'row')}.`,
        );
        for (const problem of result.problems) say(`  - ${problem}`);
        process.exitCode = EXIT_FAILURE;
      });
    });
}
