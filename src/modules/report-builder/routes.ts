// Report pages: the builder (a GET form, so every report is a link), its downloads, and saved
// report definitions with their sharing. Everyone signed in may build reports: row-level security
// decides what each person's report counts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app.ts';
import { addNavigation, setFlash } from '../../platform/http/render.ts';
import { notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, type FormErrors } from '../../platform/http/forms.ts';
import { parseSaveForm, SHARING_NAMES, type SaveFormValues } from './save-form.ts';
import { builderFields, tableView } from './view-model.ts';
import { reportChart } from './chart.ts';
import { toCsv, toXlsx } from './export.ts';
import * as service from './service.ts';

const DEFINITION_KEYS = new Set(['record', 'from-day', 'from-month', 'from-year', 'to-day', 'to-month', 'to-year', 'area', 'category', 'type', 'source', 'role', 'status', 'organisation', 'officer', 'flag', 'group', 'group2', 'measure']);

/** Only the builder's own parameters, as pairs: for hidden fields and links. */
function definitionPairs(input: unknown): [string, string][] {
  const pairs: [string, string][] = [];
  if (!input || typeof input !== 'object') return pairs;
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    if (!DEFINITION_KEYS.has(k)) continue;
    for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string') pairs.push([k, x.slice(0, 100)]);
  }
  return pairs.slice(0, 60);
}

const idOf = (params: unknown) => {
  const id = (params as { id?: unknown }).id;
  if (!isUuid(id)) throw notFound('report');
  return id.toLowerCase();
};

const versionOf = (body: unknown) => {
  const v = formValue(body, 'version');
  return /^\d{1,9}$/.test(v) ? Number(v) : -1;
};

const today = () => new Date().toISOString().slice(0, 10);

function sendFile(reply: FastifyReply, filename: string, type: string, body: string | Buffer) {
  return reply
    .header('Content-Type', type)
    .header('Content-Disposition', `attachment; filename="${filename}"`)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Cache-Control', 'no-store')
    .send(body);
}

export async function reportBuilderRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  addNavigation({ text: 'Reports', href: '/reports' });

  /** The results part of a page: summary, chart, table and the links that act on this report. */
  const results = (run: service.ReportRun) => {
    const d = run.parsed.definition!;
    const table = run.table!;
    const query = service.toQueryString(d);
    return {
      query,
      about: service.describe(d, run.options),
      chart: reportChart(d, table),
      table: tableView(table),
      tableLayout: table.layout,
      total: table.total,
      tooMany: table.tooMany,
      downloads: { csv: `/reports/builder.csv?${query}`, xlsx: `/reports/builder.xlsx?${query}` },
    };
  };

  app.get('/reports', async (request, reply) => {
    const actor = request.actor!;
    const saved = await service.listSaved(db, actor);
    return reply.render('report-builder/views/index.njk', {
      pageTitle: 'Reports',
      mine: saved.filter((s) => s.created_by === actor.userId),
      shared: saved.filter((s) => s.created_by !== actor.userId),
      sharingNames: SHARING_NAMES,
    });
  });

  app.get('/reports/builder', async (request, reply) => {
    const actor = request.actor!;
    const run = await service.runReport(db, actor, request.query);
    const { parsed, options } = run;
    return reply.code(parsed.errors.list.length ? 400 : 200).render('report-builder/views/builder.njk', {
      pageTitle: 'Build a report',
      backLink: '/reports',
      errors: parsed.errors,
      values: parsed.values,
      record: parsed.record,
      switched: parsed.switched,
      fields: builderFields(parsed.record, options, parsed.values),
      ...(run.table ? results(run) : {}),
    });
  });

  const download = (format: 'csv' | 'xlsx') => async (request: FastifyRequest, reply: FastifyReply) => {
    const actor = request.actor!;
    const run = await service.exportReport(db, actor, request.query, format);
    if (!run.table || !run.parsed.definition) {
      // Nothing to download until the report is complete: show the builder with what is missing.
      const qs = new URLSearchParams(definitionPairs(request.query));
      return reply.redirect(`/reports/builder?${qs}`, 303);
    }
    const name = `endeavour-${run.parsed.definition.record.key}-by-${run.parsed.definition.group.key}-${today()}`;
    if (format === 'csv') return sendFile(reply, `${name}.csv`, 'text/csv; charset=utf-8', toCsv(run.table));
    const about = service.describe(run.parsed.definition, run.options);
    const generated = `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC by ${actor.displayName}, ${actor.organisationName}`;
    return sendFile(reply, `${name}.xlsx`, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', await toXlsx(run.table, { title: about.summary, lines: about.lines, generated }));
  };
  app.get('/reports/builder.csv', download('csv'));
  app.get('/reports/builder.xlsx', download('xlsx'));

  // --- saving and sharing a definition -------------------------------------------------------------

  const saveForm = async (reply: FastifyReply, ctx: { action: string; definition: [string, string][]; values: SaveFormValues; errors?: FormErrors; editing?: { id: string; version: number; name: string } }, status = 200) => {
    const actor = reply.request.actor!;
    const teams = await service.myTeams(db, actor);
    return reply.code(status).render('report-builder/views/save.njk', {
      pageTitle: ctx.editing ? `Change ‘${ctx.editing.name}’` : 'Save this report',
      backLink: ctx.editing ? `/reports/saved/${ctx.editing.id}` : `/reports/builder?${new URLSearchParams(ctx.definition)}`,
      teams,
      organisationName: actor.organisationName,
      partnershipName: actor.partnershipName,
      errors: ctx.errors ?? emptyErrors(),
      ...ctx,
    });
  };

  app.get('/reports/saved/new', async (request, reply) => {
    const run = await service.reportOptions(db, request.actor!);
    const parsed = service.parseReport(request.query, run);
    if (!parsed.definition) return reply.redirect(`/reports/builder?${new URLSearchParams(definitionPairs(request.query))}`, 303);
    return saveForm(reply, { action: '/reports/saved', definition: service.toParams(parsed.definition), values: { name: '', description: '', sharing: 'private', team: '' } });
  });

  app.post('/reports/saved', async (request, reply) => {
    const actor = request.actor!;
    const definition = definitionPairs(request.body);
    const teams = await service.myTeams(db, actor);
    const { input, values, errors } = parseSaveForm(request.body, teams);
    if (!input) return saveForm(reply, { action: '/reports/saved', definition, values, errors }, 400);
    const query: Record<string, string[]> = {};
    for (const [k, v] of definition) (query[k] ??= []).push(v);
    const saved = await service.saveReport(db, actor, query, input);
    if ('problem' in saved) {
      const e = emptyErrors();
      if (saved.problem === 'team') addError(e, 'sharing', 'Select a team you belong to');
      else addError(e, 'form', 'The report could not be saved because its choices are no longer valid. Go back and check them');
      return saveForm(reply, { action: '/reports/saved', definition, values, errors: e }, 400);
    }
    setFlash(reply, `‘${input.name}’ has been saved`);
    return reply.redirect(`/reports/saved/${saved.id}`);
  });

  app.get('/reports/saved/:id', async (request, reply) => {
    const actor = request.actor!;
    const id = idOf(request.params);
    const found = await service.findSaved(db, actor, id);
    if (!found) throw notFound('report');
    const run = await service.runSavedReport(db, actor, id, found.query);
    const builderLink = `/reports/builder?${new URLSearchParams(definitionPairs(found.query))}`;
    return reply.render('report-builder/views/saved.njk', {
      pageTitle: found.report.name,
      backLink: '/reports',
      report: found.report,
      mine: found.mine,
      sharing: SHARING_NAMES[found.report.shared_with],
      builderLink,
      invalid: !run.table,
      ...(run.table ? results(run) : {}),
    });
  });

  app.get('/reports/saved/:id/edit', async (request, reply) => {
    const actor = request.actor!;
    const id = idOf(request.params);
    const found = await service.findSaved(db, actor, id, 'edit');
    if (!found || !found.mine) throw notFound('report');
    const r = found.report;
    return saveForm(reply, {
      action: `/reports/saved/${id}/edit`,
      definition: [],
      values: { name: r.name, description: r.description ?? '', sharing: r.shared_with, team: r.team_id ?? '' },
      editing: { id, version: r.version, name: r.name },
    });
  });

  app.post('/reports/saved/:id/edit', async (request, reply) => {
    const actor = request.actor!;
    const id = idOf(request.params);
    const found = await service.findSaved(db, actor, id);
    if (!found || !found.mine) throw notFound('report');
    const teams = await service.myTeams(db, actor);
    const { input, values, errors } = parseSaveForm(request.body, teams);
    const editing = { id, version: versionOf(request.body), name: found.report.name };
    if (!input) return saveForm(reply, { action: `/reports/saved/${id}/edit`, definition: [], values, errors, editing }, 400);
    const result = await service.updateSaved(db, actor, id, editing.version, input);
    if (result === 'not_found') throw notFound('report');
    if (result !== 'ok') {
      const e = emptyErrors();
      if (result === 'team') addError(e, 'sharing', 'Select a team you belong to');
      else addError(e, 'form', 'Someone changed this report since you opened it. Check its details and save again');
      return saveForm(reply, { action: `/reports/saved/${id}/edit`, definition: [], values, errors: e, editing: { ...editing, version: found.report.version } }, result === 'conflict' ? 409 : 400);
    }
    setFlash(reply, `‘${input.name}’ has been changed`);
    return reply.redirect(`/reports/saved/${id}`);
  });

  app.post('/reports/saved/:id/archive', async (request, reply) => {
    const id = idOf(request.params);
    const result = await service.archiveSaved(db, request.actor!, id, versionOf(request.body));
    if (result === 'not_found') throw notFound('report');
    if (result === 'conflict') {
      setFlash(reply, 'Someone changed this report since you opened it: check it and try again');
      return reply.redirect(`/reports/saved/${id}`);
    }
    setFlash(reply, 'The report has been removed from your saved reports');
    return reply.redirect('/reports');
  });
}
