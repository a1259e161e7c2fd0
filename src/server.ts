// Entry point: read config → open and prepare the database → build the app → listen; shut down
// gracefully on SIGINT/SIGTERM, letting requests in flight finish.
import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig } from './config.ts';
import { prepareDatabase, describeDemo } from './bootstrap.ts';
import { createApp } from './app.ts';
import { createMailer } from './platform/mail/mailer.ts';
import { createJobRunner, type JobRunner } from './platform/jobs/runner.ts';
import { backgroundJobs } from './jobs.ts';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const { database, demo, migrations } = await prepareDatabase(config);
  const mailer = createMailer(config.mail);
  const app = await createApp({ config, database, mailer });
  let jobs: JobRunner | null = null;
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) app.log.error({ err: { message: err.message } }, 'shutting down after an error');
    await jobs?.stop();
    await app.close();
    await database.close();
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = config.baseUrl.includes(`:${config.port}`) ? config.baseUrl.replace(`:${config.port}`, `:${port}`) : config.baseUrl;
  app.log.info({ engine: database.engine, migrationsApplied: migrations.length, port }, 'Endeavour is listening');
  if (config.jobs.enabled) {
    jobs = createJobRunner(database.db, backgroundJobs(config, mailer), { log: app.log });
    jobs.start();
  }
  // Printed for the person at the terminal, not through the structured log.
  const lines = [`\nEndeavour is running at ${url}  (database: ${database.engine === 'pglite' ? `embedded, in ${config.dataDir}` : 'PostgreSQL'})`];
  if (demo) lines.push(`A demo partnership was created.\n${describeDemo(url, demo)}`);
  else if (database.engine === 'pglite') lines.push(`Demo sign-ins are in ${config.dataDir}/demo-sign-ins.txt\n`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`Endeavour could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
