// Configuration comes from the environment only, is validated once at start-up, and every bad value
// gets its own plain-English message so whoever deploys Endeavour can fix it without reading code.
import path from 'node:path';
import { z } from 'zod';

const minutes = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a whole number of minutes above 0, not "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], {
    error: 'NODE_ENV must be development, production or test',
  }).default('development'),
  PORT: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return 3000;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) {
        ctx.addIssue({ code: 'custom', message: `PORT must be a port number from 0 to 65535, not "${v}"` });
        return z.NEVER;
      }
      return n;
    }),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || /^postgres(ql)?:\/\//.test(v), {
      message: 'DATABASE_URL must start with postgres:// or postgresql://',
    }),
  BASE_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || /^https?:\/\/[^\s]+$/.test(v), {
      message: 'BASE_URL must be the address people use to reach Endeavour, like https://endeavour.example.gov.uk',
    }),
  SESSION_IDLE_MINUTES: minutes('SESSION_IDLE_MINUTES', 30),
  SESSION_ABSOLUTE_MINUTES: minutes('SESSION_ABSOLUTE_MINUTES', 12 * 60),
  LOCKOUT_ATTEMPTS: minutes('LOCKOUT_ATTEMPTS', 5),
  LOCKOUT_MINUTES: minutes('LOCKOUT_MINUTES', 15),
  SIGN_IN_ATTEMPTS_PER_MINUTE: minutes('SIGN_IN_ATTEMPTS_PER_MINUTE', 30),
  TRUST_PROXY: z.enum(['true', 'false', '']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NOTIFY_API_KEY: z.string().optional(),
  NOTIFY_TEMPLATE_ID: z.string().optional(),
  SMTP_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || /^smtps?:\/\//.test(v), {
      message: 'SMTP_URL must start with smtp:// or smtps://',
    }),
  MAIL_FROM: z.string().default('endeavour@localhost'),
  DEMO_PASSWORD: z.string().optional(),
  MAP_TILE_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || (/^https?:\/\/[^\s/]+\/\S*$/.test(v) && ['{z}', '{x}', '{y}'].every((p) => v.includes(p))), {
      message: 'MAP_TILE_URL must be a tile server address with {z}, {x} and {y} in it, like https://tiles.example.org/{z}/{x}/{y}.png',
    }),
  MAP_TILE_ATTRIBUTION: z.string().optional(),
  JOBS_ENABLED: z.enum(['true', 'false', ''], { error: 'JOBS_ENABLED must be true or false' }).optional(),
  ESCALATION_EVERY_MINUTES: minutes('ESCALATION_EVERY_MINUTES', 5),
  DIGEST_TIME: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || v === 'off' || /^([01]\d|2[0-3]):[0-5]\d$/.test(v), {
      message: 'DIGEST_TIME must be a London time like 07:00 (24-hour), or off',
    }),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  baseUrl: string;
  secureCookies: boolean;
  trustProxy: boolean;
  sessionIdleMinutes: number;
  sessionAbsoluteMinutes: number;
  lockoutAttempts: number;
  lockoutMinutes: number;
  /** Per client address, across sign-in, two-factor and password-reset forms. */
  signInAttemptsPerMinute: number;
  logLevel: string;
  mail: { notifyApiKey?: string; notifyTemplateId?: string; smtpUrl?: string; from: string };
  demoPassword: string | undefined;
  /** Background map tiles for the hotspot map; with none, the map shows boundaries and incidents alone. */
  map: { tileUrl?: string; tileAttribution?: string };
  /**
   * Background jobs run in every app process (src/platform/jobs), each under an advisory lock so that
   * only one process runs a job at a time. Off under NODE_ENV=test unless JOBS_ENABLED=true.
   */
  jobs: { enabled: boolean; escalationEveryMinutes: number; digestTime: string | null };
};

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Endeavour cannot start because of its configuration:\n- ${problems.join('\n- ')}`);
    this.problems = problems;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => i.message));
  const c = parsed.data;
  const problems: string[] = [];
  if (c.NOTIFY_API_KEY && !c.NOTIFY_TEMPLATE_ID) {
    problems.push('NOTIFY_TEMPLATE_ID must be set when NOTIFY_API_KEY is (the id of a Notify template with ((subject)) and ((body)))');
  }
  if (c.SESSION_ABSOLUTE_MINUTES < c.SESSION_IDLE_MINUTES) {
    problems.push('SESSION_ABSOLUTE_MINUTES must not be shorter than SESSION_IDLE_MINUTES');
  }
  if (c.NODE_ENV === 'production' && !c.DATABASE_URL) {
    problems.push('DATABASE_URL must be set in production: the embedded database is for trying Endeavour out');
  }
  if (c.MAP_TILE_URL && !c.MAP_TILE_ATTRIBUTION) {
    problems.push('MAP_TILE_ATTRIBUTION must be set when MAP_TILE_URL is (the credit the tile provider requires, like © OpenStreetMap contributors)');
  }
  if (problems.length) throw new ConfigError(problems);
  const port = c.PORT;
  const baseUrl = (c.BASE_URL || `http://localhost:${port}`).replace(/\/$/, '');
  return {
    env: c.NODE_ENV,
    port,
    host: c.HOST,
    dataDir: path.resolve(c.DATA_DIR),
    databaseUrl: c.DATABASE_URL || undefined,
    baseUrl,
    secureCookies: baseUrl.startsWith('https://'),
    trustProxy: c.TRUST_PROXY === 'true',
    sessionIdleMinutes: c.SESSION_IDLE_MINUTES,
    sessionAbsoluteMinutes: c.SESSION_ABSOLUTE_MINUTES,
    lockoutAttempts: c.LOCKOUT_ATTEMPTS,
    lockoutMinutes: c.LOCKOUT_MINUTES,
    signInAttemptsPerMinute: c.SIGN_IN_ATTEMPTS_PER_MINUTE,
    logLevel: c.LOG_LEVEL,
    mail: {
      notifyApiKey: c.NOTIFY_API_KEY || undefined,
      notifyTemplateId: c.NOTIFY_TEMPLATE_ID || undefined,
      smtpUrl: c.SMTP_URL || undefined,
      from: c.MAIL_FROM,
    },
    demoPassword: c.DEMO_PASSWORD || undefined,
    map: { tileUrl: c.MAP_TILE_URL || undefined, tileAttribution: c.MAP_TILE_ATTRIBUTION || undefined },
    jobs: {
      enabled: c.JOBS_ENABLED ? c.JOBS_ENABLED === 'true' : c.NODE_ENV !== 'test',
      escalationEveryMinutes: c.ESCALATION_EVERY_MINUTES,
      digestTime: c.DIGEST_TIME === 'off' ? null : c.DIGEST_TIME || '07:00',
    },
  };
}
