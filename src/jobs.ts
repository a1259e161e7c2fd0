// The background jobs every app process runs (src/platform/jobs/runner.ts), built from the config:
// escalating overdue tasks every few minutes and the daily digest of notifications at a London time.
import type { Config } from './config.ts';
import type { Mailer } from './platform/mail/mailer.ts';
import type { Job } from './platform/jobs/runner.ts';
import { escalateOverdueTasks } from './modules/review/service.ts';
import { sendDigest } from './modules/notifications/service.ts';

export const LONDON = 'Europe/London';

export function backgroundJobs(config: Config, mailer: Mailer): Job[] {
  const delivery = { mailer, baseUrl: config.baseUrl };
  const jobs: Job[] = [
    {
      name: 'escalate-overdue-tasks',
      schedule: { every: config.jobs.escalationEveryMinutes * 60_000 },
      run: (tx, now) => escalateOverdueTasks(tx, now, delivery),
    },
  ];
  if (config.jobs.digestTime) {
    jobs.push({ name: 'daily-digest', schedule: { dailyAt: config.jobs.digestTime, timeZone: LONDON }, run: (tx, now) => sendDigest(tx, now, delivery) });
  }
  return jobs;
}
