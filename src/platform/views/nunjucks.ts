// One Nunjucks environment for every page: autoescaped, loading GOV.UK Frontend, MoJ Frontend, the
// shared layout and each module's own views (referenced as "<module>/views/<page>.njk").
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export const GOVUK_DIST = path.join(path.dirname(require.resolve('govuk-frontend/package.json')), 'dist');
export const MOJ_ROOT = path.dirname(require.resolve('@ministryofjustice/frontend/package.json'));

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
});

export function createViewEnvironment(): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader(
      [GOVUK_DIST, MOJ_ROOT, path.join(here, 'templates'), path.resolve(here, '../../modules')],
      { noCache: process.env.NODE_ENV === 'development' },
    ),
    { autoescape: true, throwOnUndefined: false },
  );
  env.addFilter('date', (v: unknown) => {
    if (v === null || v === undefined || v === '') return '';
    const d = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T12:00:00Z`) : new Date(v as string);
    return Number.isNaN(d.getTime()) ? String(v) : dateFormat.format(d);
  });
  env.addFilter('datetime', (v: unknown) => {
    if (v === null || v === undefined || v === '') return '';
    const d = new Date(v as string);
    return Number.isNaN(d.getTime()) ? String(v) : dateTimeFormat.format(d);
  });
  env.addFilter('label', (v: unknown, labels: Record<string, string>) => labels?.[String(v)] ?? String(v ?? ''));
  env.addFilter('json', (v: unknown) => JSON.stringify(v));
  return env;
}
