// The partnership administrator's pages for indicators (/admin/indicators): the list with the
// small-number threshold, the form to add or change one, and the statistics series with a CSV upload.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../app.ts';
import type { Role } from '../../platform/db/schema.ts';
import { setFlash } from '../../platform/http/render.ts';
import { notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, type FormErrors } from '../../platform/http/forms.ts';
import { subNavigation } from '../admin/http.ts';
import { readMultipart } from '../../platform/http/multipart.ts';
import {
  FLAG_NAMES,
  MEASURE_KEYS,
  MEASURES,
  POLARITIES,
  POLARITY_NAMES,
  UNIT_NAMES,
  UNITS,
  type Indicator,
} from './definitions.ts';
import { echo, parseIndicatorForm, parseThreshold, sortErrors, type FilterOptions } from './fields.ts';
import { SeriesFormatError } from './series-import.ts';
import * as service from './service.ts';

const ADMIN = { config: { roles: ['partnership_admin'] as Role[] } };
const SERIES_UPLOAD_LIMIT = 5 * 1024 * 1024;
const SHOW_PROBLEMS = 25;

function render(reply: FastifyReply, template: string, context: Record<string, unknown>, status = 200) {
  const path = reply.request.url.split('?')[0] ?? '/admin/indicators';
  return reply.code(status).render(`indicators/views/${template}`, { adminNav: subNavigation(path), ...context });
}

/** How an indicator's figures are found, in words. */
export function describeSource(i: Indicator, options: FilterOptions): string {
  if (i.source === 'series') return `Series “${i.seriesName}”`;
  const parts = [MEASURES[i.measure!]?.name ?? i.measure!];
  const f = i.filter;
  if (f.category) parts.push(`${f.category} ASB`);
  if (f.asbTypeId) parts.push(options.asbTypes.find((t) => t.id === f.asbTypeId)?.name ?? 'a retired ASB type');
  if (f.sourceOrganisationId) parts.push(`from ${options.organisations.find((o) => o.id === f.sourceOrganisationId)?.name ?? 'an organisation'}`);
  if (f.flag) parts.push(FLAG_NAMES[f.flag].toLowerCase());
  if (f.caseTypeId) parts.push(options.caseTypes.find((t) => t.id === f.caseTypeId)?.name ?? 'a case type');
  return parts.join(', ');
}

function targetText(i: Indicator) {
  const unit = i.unit === 'percentage' ? '%' : '';
  if (i.band) return `${i.band.low}${unit} to ${i.band.high}${unit}`;
  if (i.target !== null) return `${i.target}${unit}`;
  return 'None';
}

/** The form's values for a saved indicator. */
function valuesOf(i: Indicator): Record<string, string> {
  return {
    key: i.key,
    name: i.name,
    description: i.description,
    outcome: i.outcome,
    priority: i.priority,
    source: i.source,
    measure: i.measure ?? '',
    category: i.filter.category ?? '',
    asbTypeId: i.filter.asbTypeId ?? '',
    sourceOrganisationId: i.filter.sourceOrganisationId ?? '',
    flag: i.filter.flag ?? '',
    caseTypeId: i.filter.caseTypeId ?? '',
    seriesName: i.seriesName ?? '',
    unit: i.unit,
    polarity: i.polarity,
    target: i.target === null ? '' : String(i.target),
    bandLow: i.band ? String(i.band.low) : '',
    bandHigh: i.band ? String(i.band.high) : '',
    sortOrder: String(i.sortOrder),
    active: i.active ? 'yes' : '',
  };
}

function conflictRows(i: Indicator, options: FilterOptions) {
  return [
    { key: { text: 'Name' }, value: { text: i.name } },
    { key: { text: 'Outcome' }, value: { text: i.outcome } },
    { key: { text: 'Priority' }, value: { text: i.priority } },
    { key: { text: 'Figures from' }, value: { text: describeSource(i, options) } },
    { key: { text: 'Unit' }, value: { text: UNIT_NAMES[i.unit] } },
    { key: { text: 'Target or band' }, value: { text: targetText(i) } },
    { key: { text: 'Shown on the dashboard' }, value: { text: i.active ? 'Yes' : 'No' } },
  ];
}

export async function indicatorRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const formContext = (options: FilterOptions) => ({
    options,
    measures: MEASURE_KEYS.map((k) => ({ value: k, text: MEASURES[k].name, hint: MEASURES[k].hint })),
    units: UNITS.map((u) => ({ value: u, text: UNIT_NAMES[u] })),
    polarities: POLARITIES.map((p) => ({ value: p, text: POLARITY_NAMES[p] })),
    flags: Object.entries(FLAG_NAMES).map(([value, text]) => ({ value, text })),
  });

  const listPage = async (reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) => {
    const actor = reply.request.actor!;
    const [{ indicators, settings }, options] = await Promise.all([service.adminOverview(db, actor), service.filterOptions(db, actor)]);
    const groups: { priority: string; rows: { indicator: Indicator; from: string; unit: string; better: string; target: string }[] }[] = [];
    for (const i of indicators) {
      let g = groups.find((x) => x.priority === i.priority);
      if (!g) groups.push((g = { priority: i.priority, rows: [] }));
      g.rows.push({ indicator: i, from: describeSource(i, options), unit: UNIT_NAMES[i.unit], better: POLARITY_NAMES[i.polarity], target: targetText(i) });
    }
    return render(reply, 'admin-list.njk', { pageTitle: 'Indicators', groups, settings, thresholdValue: String(settings.threshold), backLink: '/admin', ...extra }, status);
  };

  app.get('/admin/indicators', ADMIN, async (_request, reply) => listPage(reply));

  app.post('/admin/indicators/settings', ADMIN, async (request, reply) => {
    const { value, errors } = parseThreshold(request.body);
    const versionText = formValue(request.body, 'version');
    const version = /^\d{1,9}$/.test(versionText) ? Number(versionText) : -1;
    if (value === null) return listPage(reply, { errors, thresholdValue: formValue(request.body, 'threshold').slice(0, 20) }, 400);
    const result = await service.saveThreshold(db, request.actor!, version, value);
    if (result.kind === 'conflict') {
      const conflict = addError(emptyErrors(), 'threshold', `Someone else changed the threshold to ${result.threshold} while you were editing. Check it, then save yours again.`);
      return listPage(reply, { errors: conflict, thresholdValue: String(value) }, 409);
    }
    setFlash(reply, value === 0 ? 'Small numbers are no longer suppressed' : `Counts from 1 to ${value} are now suppressed for people who could not see every record behind them`);
    return reply.redirect('/admin/indicators');
  });

  const newContext = { pageTitle: 'Add an indicator', action: '/admin/indicators', creating: true, backLink: '/admin/indicators' };

  app.get('/admin/indicators/new', ADMIN, async (request, reply) => {
    const options = await service.filterOptions(db, request.actor!);
    return render(reply, 'admin-form.njk', { ...newContext, ...formContext(options), values: { source: 'records', unit: 'count', polarity: 'down_is_good', active: 'yes', sortOrder: '1000' } });
  });

  app.post('/admin/indicators', ADMIN, async (request, reply) => {
    const actor = request.actor!;
    const options = await service.filterOptions(db, actor);
    const values = echo(request.body);
    const { fields, errors } = parseIndicatorForm(request.body, options, { creating: true });
    const result = fields ? await service.createIndicator(db, actor, fields) : null;
    if (!fields || !result || result.kind !== 'ok') {
      if (result?.kind === 'invalid') for (const p of result.problems) addError(errors, p.field, p.message);
      return render(reply, 'admin-form.njk', { ...newContext, ...formContext(options), values, errors: sortErrors(errors) }, 400);
    }
    setFlash(reply, `${fields.name} has been added`);
    return reply.redirect('/admin/indicators');
  });

  // Static paths first: Fastify prefers them to /admin/indicators/:id anyway, but the id check below
  // makes any other word a 404 rather than a database error.
  const seriesPage = async (reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) => {
    const series = await service.seriesSummary(db, reply.request.actor!);
    return render(
      reply,
      'admin-series.njk',
      {
        pageTitle: 'Statistics series',
        series,
        uploadAction: `/admin/indicators/series?_csrf=${encodeURIComponent(reply.request.csrfToken)}`,
        backLink: '/admin/indicators',
        ...extra,
      },
      status,
    );
  };

  app.get('/admin/indicators/series', ADMIN, async (_request, reply) => seriesPage(reply));

  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: SERIES_UPLOAD_LIMIT, files: 1 }, throwFileSizeLimit: false });
    scope.post('/admin/indicators/series', ADMIN, async (request, reply) => {
      const form = await readMultipart(request, SERIES_UPLOAD_LIMIT);
      const errors: FormErrors = emptyErrors();
      if ('error' in form) addError(errors, 'file', form.error);
      else if (!form.file) addError(errors, 'file', 'Select a CSV file of figures to upload');
      else if (form.file.tooLarge) addError(errors, 'file', 'The selected file must be smaller than 5 MB');
      const file = 'fields' in form ? form.file : null;
      if (errors.list.length || !file) return seriesPage(reply, { errors }, file?.tooLarge ? 413 : 400);
      try {
        const report = await service.uploadSeries(db, request.actor!, file.filename, file.content);
        setFlash(reply, `${report.rows} ${report.rows === 1 ? 'figure' : 'figures'} imported for ${report.series.map((s) => s.name).join(', ')}`);
        return reply.redirect('/admin/indicators/series');
      } catch (err) {
        if (!(err instanceof SeriesFormatError)) throw err;
        const problems: FormErrors = { list: [], byField: { file: { text: `The file was not imported: ${err.problems.length === 1 ? 'fix the problem' : `fix the ${err.problems.length} problems`} listed above, then upload it again` } } };
        for (const p of err.problems.slice(0, SHOW_PROBLEMS)) problems.list.push({ text: p.line ? `Line ${p.line}: ${p.message}` : p.message, href: '#file' });
        if (err.problems.length > SHOW_PROBLEMS) problems.list.push({ text: `…and ${err.problems.length - SHOW_PROBLEMS} more problems`, href: '#file' });
        return seriesPage(reply, { errors: problems }, 400);
      }
    });
  });

  const editContext = (i: Indicator) => ({ pageTitle: `Change ${i.name}`, action: `/admin/indicators/${i.id}`, creating: false, version: i.version, indicator: i, backLink: '/admin/indicators' });

  app.get('/admin/indicators/:id', ADMIN, async (request, reply) => {
    const id = (request.params as { id?: string }).id;
    if (!isUuid(id)) throw notFound('indicator');
    const actor = request.actor!;
    const indicator = await service.viewIndicator(db, actor, id);
    if (!indicator) throw notFound('indicator');
    const options = await service.filterOptions(db, actor);
    return render(reply, 'admin-form.njk', { ...editContext(indicator), ...formContext(options), values: valuesOf(indicator) });
  });

  app.post('/admin/indicators/:id', ADMIN, async (request, reply) => {
    const id = (request.params as { id?: string }).id;
    if (!isUuid(id)) throw notFound('indicator');
    const actor = request.actor!;
    const indicator = await service.viewIndicator(db, actor, id);
    if (!indicator) throw notFound('indicator');
    const options = await service.filterOptions(db, actor);
    const values = { ...echo(request.body), key: indicator.key };
    const versionText = formValue(request.body, 'version');
    const version = /^\d{1,9}$/.test(versionText) ? Number(versionText) : -1;
    const { fields, errors } = parseIndicatorForm(request.body, options, { creating: false, existingKey: indicator.key });
    if (!fields) return render(reply, 'admin-form.njk', { ...editContext(indicator), version, ...formContext(options), values, errors }, 400);
    const result = await service.updateIndicator(db, actor, id, version, fields);
    if (result.kind === 'not_found') throw notFound('indicator');
    if (result.kind === 'conflict') {
      const conflictErrors = addError(emptyErrors(), 'conflict', 'Someone else changed this indicator while you were editing. Your changes have not been saved yet: check what is saved now, then save again.');
      return render(
        reply,
        'admin-form.njk',
        { ...editContext(result.current), ...formContext(options), values, errors: conflictErrors, conflict: conflictRows(result.current, options) },
        409,
      );
    }
    setFlash(reply, `${fields.name} has been saved`);
    return reply.redirect('/admin/indicators');
  });
}
