// The job runner: daily slots in London time across the clock changes; a job runs once per slot
// however many runners there are (two runners at once: one runs, the other finds the lock taken or the
// slot done); a failed run leaves no work behind, is recorded and is tried again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../test/harness.ts';
import { createJobRunner, nextSlotAfter, runJob, slotFor, type Job } from './runner.ts';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
  await sql`CREATE TABLE job_test_work (job text NOT NULL, at timestamptz NOT NULL DEFAULT now())`.execute(t.database.db);
});
after(() => t.drop());

const db = () => t.database.db;
const work = async (job: string) => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM job_test_work WHERE job = ${job}`.execute(db())).rows[0]!.n);

test('a daily slot is the London time, in summer time and in winter', () => {
  const daily = { dailyAt: '07:00', timeZone: 'Europe/London' };
  assert.equal(slotFor(daily, new Date('2026-07-01T06:00:00Z')).toISOString(), '2026-07-01T06:00:00.000Z');
  assert.equal(slotFor(daily, new Date('2026-07-01T05:59:00Z')).toISOString(), '2026-06-30T06:00:00.000Z');
  assert.equal(slotFor(daily, new Date('2026-01-15T07:00:00Z')).toISOString(), '2026-01-15T07:00:00.000Z');
  assert.equal(slotFor(daily, new Date('2026-01-15T06:59:59Z')).toISOString(), '2026-01-14T07:00:00.000Z');
  // The clocks go forward on 29 March 2026: the day before is GMT, the day itself BST.
  assert.equal(nextSlotAfter(daily, new Date('2026-03-28T12:00:00Z')).toISOString(), '2026-03-29T06:00:00.000Z');
  assert.equal(nextSlotAfter(daily, new Date('2026-10-24T12:00:00Z')).toISOString(), '2026-10-25T07:00:00.000Z');
  const every = { every: 5 * 60_000 };
  assert.equal(slotFor(every, new Date('2026-01-15T07:04:59Z')).toISOString(), '2026-01-15T07:00:00.000Z');
  assert.equal(nextSlotAfter(every, new Date('2026-01-15T07:04:59Z')).toISOString(), '2026-01-15T07:05:00.000Z');
});

test('a job runs once per slot, in the same transaction as its record', async () => {
  const job: Job = { name: 'once', schedule: { every: 60_000 }, run: (tx) => sql`INSERT INTO job_test_work (job) VALUES ('once')`.execute(tx) };
  const now = new Date('2026-01-15T07:00:30Z');
  assert.equal((await runJob(db(), job, now)).outcome, 'ran');
  assert.equal((await runJob(db(), job, new Date('2026-01-15T07:00:59Z'))).outcome, 'not_due');
  assert.equal(await work('once'), 1);
  assert.equal((await runJob(db(), job, new Date('2026-01-15T07:01:00Z'))).outcome, 'ran');
  assert.equal(await work('once'), 2);
  const row = await db().selectFrom('job_runs').selectAll().where('name', '=', 'once').executeTakeFirstOrThrow();
  assert.equal(Number(row.runs), 2);
  assert.equal(row.last_outcome, 'ok');
  // The app role (every user's transaction) can neither read nor forge the record of runs.
  await assert.rejects(
    db().transaction().execute(async (tx) => {
      await sql`SET LOCAL ROLE endeavour_app`.execute(tx);
      await sql`SELECT * FROM job_runs`.execute(tx);
    }),
    /permission denied/,
  );
});

test('two runners at once: only one runs the job', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  let calls = 0;
  const job: Job = {
    name: 'contended',
    schedule: { every: 60_000 },
    run: async (tx) => {
      calls++;
      started();
      await gate;
      await sql`INSERT INTO job_test_work (job) VALUES ('contended')`.execute(tx);
    },
  };
  const now = new Date('2026-01-15T08:00:10Z');
  const a = createJobRunner(db(), [job]);
  const b = createJobRunner(db(), [job]);
  const first = a.tick(now);
  await running;
  // PostgreSQL: the second finds the advisory lock taken at once. PGlite (one connection, one
  // transaction at a time): it waits, then finds the slot already run.
  let second: Promise<Record<string, string>>;
  if (process.env.DATABASE_URL) {
    // The lock is held until the first commits: the second gives up at once.
    second = Promise.resolve(await b.tick(now));
    release();
  } else {
    second = b.tick(now);
    release();
  }
  const outcomes = [(await first).contended, (await second).contended];
  assert.equal(outcomes[0], 'ran');
  assert.equal(outcomes[1], process.env.DATABASE_URL ? 'locked' : 'not_due');
  assert.equal(calls, 1);
  assert.equal(await work('contended'), 1);
  // Each runner then leaves the job alone until the next slot.
  assert.equal((await a.tick(new Date('2026-01-15T08:00:50Z'))).contended, 'waiting');
  assert.equal((await b.tick(new Date('2026-01-15T08:01:05Z'))).contended, 'ran');
});

test('a failed run leaves no work behind, is recorded, and runs again at the next check', async () => {
  let fail = true;
  const job: Job = {
    name: 'flaky',
    schedule: { dailyAt: '07:00', timeZone: 'Europe/London' },
    run: async (tx) => {
      await sql`INSERT INTO job_test_work (job) VALUES ('flaky')`.execute(tx);
      if (fail) throw new Error('mail server down');
    },
  };
  const errors: string[] = [];
  const runner = createJobRunner(db(), [job], { tickMs: 60_000, log: { info: () => undefined, error: (d) => errors.push(String(d.error)) } });
  const now = new Date('2026-01-15T09:00:00Z');
  assert.equal((await runner.tick(now)).flaky, 'failed');
  assert.deepEqual(errors, ['mail server down']);
  assert.equal(await work('flaky'), 0);
  const row = await db().selectFrom('job_runs').selectAll().where('name', '=', 'flaky').executeTakeFirstOrThrow();
  assert.equal(row.last_outcome, 'failed');
  assert.equal(row.last_error, 'mail server down');
  fail = false;
  assert.equal((await runner.tick(new Date(now.getTime() + 30_000))).flaky, 'waiting');
  assert.equal((await runner.tick(new Date(now.getTime() + 60_000))).flaky, 'ran');
  assert.equal(await work('flaky'), 1);
  assert.equal((await runner.tick(new Date(now.getTime() + 3_600_000))).flaky, 'waiting', 'done for the day');
  await runner.stop();
});
