// What `npm start` and every `endeavour` command do first: open the configured database, apply
// migrations, and on an empty embedded database seed the demo partnership (with DATABASE_URL, the
// demo is seeded only when asked for).
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './platform/db/connect.ts';
import { migrate } from './platform/db/migrate.ts';
import { hasPartnership, seedDemo, type DemoSeedResult } from './demo/seed.ts';
import { seedDemoCasework } from './demo/casework.ts';
import { recountPartnership } from './modules/repeats/service.ts';
import { recheckPartnership as recheckCaseReviews } from './modules/case-reviews/service.ts';

export interface Prepared {
  database: Database;
  migrations: string[];
  demo: DemoSeedResult | null;
}

export interface PrepareOptions {
  demo?: 'auto' | 'always' | 'never';
  /** How many generated people a newly seeded demo gets (seedDemo's default when omitted). */
  people?: number;
}

export async function prepareDatabase(config: Config, opts: PrepareOptions = {}): Promise<Prepared> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir });
  try {
    const { applied } = await migrate(database);
    const mode = opts.demo ?? 'auto';
    let demo: DemoSeedResult | null = null;
    const empty = !(await hasPartnership(database.db));
    if (empty && (mode === 'always' || (mode === 'auto' && !config.databaseUrl))) {
      demo = await seedDemo(database.db, { password: config.demoPassword, people: opts.people });
      const partnershipId = demo.partnershipId;
      await database.db.transaction().execute((tx) => seedDemoCasework(tx, partnershipId));
      // The casework is inserted directly, so its repeat victims and perpetrators are counted afterwards.
      await recountPartnership(database.db, partnershipId);
      // Likewise its victims who meet the Case Review threshold are alerted.
      await recheckCaseReviews(database.db, partnershipId);
      if (!config.databaseUrl) writeSignInNote(config.dataDir, config.baseUrl, demo);
    }
    return { database, migrations: applied, demo };
  } catch (err) {
    await database.close().catch(() => undefined);
    throw err;
  }
}

// The demo password is generated on first start; it is kept beside the embedded database (readable
// by this account only) so it can be found again, and is never written to the logs.
function writeSignInNote(dataDir: string, baseUrl: string, demo: DemoSeedResult) {
  const file = path.join(dataDir, 'demo-sign-ins.txt');
  fs.writeFileSync(file, describeDemo(baseUrl, demo), { mode: 0o600 });
}

export function describeDemo(baseUrl: string, demo: DemoSeedResult) {
  const width = Math.max(...demo.users.map((u) => u.email.length));
  return [
    `Sign in at ${baseUrl}/sign-in with any of these demo accounts.`,
    `Password for all of them: ${demo.password}`,
    '',
    ...demo.users.map((u) => `  ${u.email.padEnd(width)}  ${u.roles.join(', ').padEnd(26)} ${u.organisation}`),
    '',
    'The administrator is asked to set up two-factor authentication at first sign-in.',
    '',
  ].join('\n');
}
