// The job runner: named jobs run on a schedule inside the app process (pg-boss cannot run on PGlite).
// Every app process runs one; each job runs in a transaction that first takes a PostgreSQL advisory
// lock for the job (pg_try_advisory_xact_lock, so a process finding it taken simply skips), then reads
// job_runs to see whether the current slot has already been run by anyone, so several processes run
// each job once per interval (or once per day) between them. A job does its work in that transaction.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

export type Schedule =
  /** Once in every window of this many milliseconds (windows counted from the Unix epoch). */
  | { every: number }
  /** Once a day at this local time ("HH:MM") in the time zone. */
  | { dailyAt: string; timeZone: string };

export interface Job {
  name: string;
  schedule: Schedule;
  /** Runs inside the locked transaction; `now` is the time the run was started for. */
  run(tx: Transaction<DB>, now: Date): Promise<unknown>;
}

export type RunOutcome = 'ran' | 'locked' | 'not_due' | 'failed';

export interface JobLog {
  info(data: Record<string, unknown>, message: string): void;
  error(data: Record<string, unknown>, message: string): void;
}

// The first key of the two-key advisory lock: the jobs' own space, apart from the audit and migration locks.
const LOCK_SPACE = 7201;

/** The offset of a time zone from UTC at an instant, in milliseconds (London: 0 or +1 hour). */
function zoneOffset(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const n = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - Math.floor(at / 1000) * 1000;
}

/** The instant a local wall-clock time on a local date happens in the time zone. */
function zonedInstant(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  const first = guess - zoneOffset(guess, timeZone);
  // Across a clock change the offset at the answer can differ from the offset at the guess.
  return guess - zoneOffset(first, timeZone);
}

/** The latest time at or before `now` the schedule says the job should run. */
export function slotFor(schedule: Schedule, now: Date): Date {
  const t = now.getTime();
  if ('every' in schedule) return new Date(Math.floor(t / schedule.every) * schedule.every);
  const [hour, minute] = schedule.dailyAt.split(':').map(Number) as [number, number];
  const local = new Date(t + zoneOffset(t, schedule.timeZone));
  let slot = zonedInstant(local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate(), hour, minute, schedule.timeZone);
  if (slot > t) {
    const yesterday = new Date(local.getTime() - 86_400_000);
    slot = zonedInstant(yesterday.getUTCFullYear(), yesterday.getUTCMonth() + 1, yesterday.getUTCDate(), hour, minute, schedule.timeZone);
  }
  return new Date(slot);
}

/** When the slot after the current one begins: nothing is due before then. */
export function nextSlotAfter(schedule: Schedule, now: Date): Date {
  if ('every' in schedule) return new Date(slotFor(schedule, now).getTime() + schedule.every);
  // The next day's slot: a day and a bit on, then back to that day's slot (clock changes move it by an hour).
  return slotFor(schedule, new Date(slotFor(schedule, now).getTime() + 25 * 3_600_000));
}

/**
 * Runs one job once if its current slot has not been run: under the job's advisory lock, in one
 * transaction with the job's work and its job_runs row. A failure rolls the work back, is recorded,
 * and is tried again at the next check.
 */
export async function runJob(db: Kysely<DB>, job: Job, now: Date): Promise<{ outcome: RunOutcome; error?: string }> {
  return db.transaction().execute(async (tx) => {
    const lock = await sql<{ got: boolean }>`SELECT pg_try_advisory_xact_lock(${LOCK_SPACE}, hashtext(${job.name})) AS got`.execute(tx);
    if (!lock.rows[0]?.got) return { outcome: 'locked' as const };
    const slot = slotFor(job.schedule, now);
    const last = await tx.selectFrom('job_runs').select('last_slot').where('name', '=', job.name).executeTakeFirst();
    if (last?.last_slot && new Date(last.last_slot).getTime() >= slot.getTime()) return { outcome: 'not_due' as const };
    const started = new Date();
    await sql`SAVEPOINT endeavour_job`.execute(tx);
    try {
      await job.run(tx, now);
      await sql`RELEASE SAVEPOINT endeavour_job`.execute(tx);
    } catch (err) {
      await sql`ROLLBACK TO SAVEPOINT endeavour_job`.execute(tx);
      const error = err instanceof Error ? err.message.slice(0, 500) : 'failed';
      await tx
        .insertInto('job_runs')
        .values({ name: job.name, last_started_at: started, last_finished_at: new Date(), last_outcome: 'failed', last_error: error })
        .onConflict((oc) => oc.column('name').doUpdateSet({ last_started_at: started, last_finished_at: new Date(), last_outcome: 'failed', last_error: error }))
        .execute();
      return { outcome: 'failed' as const, error };
    }
    const done = { last_slot: slot, last_started_at: started, last_finished_at: new Date(), last_outcome: 'ok' as const, last_error: null };
    await tx
      .insertInto('job_runs')
      .values({ name: job.name, ...done, runs: 1 })
      .onConflict((oc) => oc.column('name').doUpdateSet({ ...done, runs: sql`job_runs.runs + 1` }))
      .execute();
    return { outcome: 'ran' as const };
  });
}

export interface JobRunner {
  start(): void;
  /** Stops the timer and waits for a run in progress to finish. */
  stop(): Promise<void>;
  /** Checks every job now (the timer calls this); returns what happened to each. */
  tick(now?: Date): Promise<Record<string, RunOutcome | 'waiting'>>;
}

export function createJobRunner(db: Kysely<DB>, jobs: Job[], opts: { tickMs?: number; log?: JobLog; clock?: () => Date } = {}): JobRunner {
  const tickMs = opts.tickMs ?? 60_000;
  const clock = opts.clock ?? (() => new Date());
  const nextCheck = new Map<string, number>();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = false;

  async function tick(now = clock()) {
    const outcomes: Record<string, RunOutcome | 'waiting'> = {};
    for (const job of jobs) {
      if (stopped) break;
      if ((nextCheck.get(job.name) ?? 0) > now.getTime()) {
        outcomes[job.name] = 'waiting';
        continue;
      }
      let result: { outcome: RunOutcome; error?: string };
      try {
        result = await runJob(db, job, now);
      } catch (err) {
        result = { outcome: 'failed', error: err instanceof Error ? err.message : 'failed' };
      }
      outcomes[job.name] = result.outcome;
      if (result.outcome === 'failed') {
        opts.log?.error({ job: job.name, error: result.error }, 'background job failed; it will be tried again');
        nextCheck.set(job.name, now.getTime() + tickMs);
      } else {
        if (result.outcome === 'ran') opts.log?.info({ job: job.name }, 'background job ran');
        // Locked: another process is running this slot; either way nothing is due before the next one.
        nextCheck.set(job.name, nextSlotAfter(job.schedule, now).getTime());
      }
    }
    return outcomes;
  }

  const guardedTick = () => {
    if (running || stopped) return;
    running = tick().finally(() => {
      running = null;
    });
  };

  return {
    start() {
      if (timer || stopped) return;
      // A first look soon after start-up catches up on anything missed while no process was running.
      timer = setInterval(guardedTick, tickMs);
      timer.unref();
      setTimeout(guardedTick, Math.min(5_000, tickMs)).unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      if (running) await running.catch(() => undefined);
    },
    tick,
  };
}
