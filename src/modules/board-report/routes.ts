// Board report pages: the list with a form to generate a quarter's report, the report itself, a
// section's narrative form (with conflict handling), refreshing the figures, and the print view,
// PDF and CSV downloads.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../app.ts';
import type { Actor } from '../../platform/http/context.ts';
import { addNavigation, setFlash } from '../../platform/http/render.ts';
import { notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, type FormErrors } from '../../platform/http/forms.ts';
import { parsePeriod, QUARTER_SPANS } from '../dashboard/service.ts';
import { appendixCsv } from './appendix.ts';
import { reportView } from './view-model.ts';
import { reportPdf } from './pdf.ts';
import * as service from './service.ts';

const KEY = /^[a-z0-9][a-z0-9-]{0,80}$/;

export async function boardReportRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const readers = { config: { roles: service.READERS } };
  const writers = { config: { roles: service.WRITERS } };
  addNavigation({ text: 'Board reports', href: '/board-reports', roles: service.READERS });

  const idParam = (params: unknown) => {
    const id = (params as { id?: string }).id;
    if (!isUuid(id)) throw notFound('report');
    return id;
  };
  const keyParam = (params: unknown) => {
    const key = (params as { key?: string }).key;
    if (typeof key !== 'string' || !KEY.test(key)) throw notFound('section');
    return key;
  };

  async function renderList(reply: FastifyReply, actor: Actor, status: number, values: Record<string, string>, errors: FormErrors) {
    const reports = await service.listReports(db, actor);
    return reply.code(status).render('board-report/views/list.njk', {
      pageTitle: 'Board reports',
      reports,
      canWrite: service.canWrite(actor),
      values,
      errors,
      quarterSpans: QUARTER_SPANS,
    });
  }

  app.get('/board-reports', readers, async (request, reply) => renderList(reply, request.actor!, 200, {}, emptyErrors()));

  app.post('/board-reports', writers, async (request, reply) => {
    const actor = request.actor!;
    const body = { year: formValue(request.body, 'year'), quarter: formValue(request.body, 'quarter') };
    const anything = body.year.trim() || body.quarter.trim();
    const parsed = anything ? parsePeriod(body, new Date(), { kinds: ['quarter'] }) : null;
    if (!parsed?.period) {
      const errors = parsed?.errors ?? emptyErrors();
      if (!parsed) {
        addError(errors, 'year', 'Enter the financial year, like 2023/24');
        addError(errors, 'quarter', 'Select a quarter');
      }
      return renderList(reply, actor, 400, { year: body.year.slice(0, 20), quarter: body.quarter.slice(0, 2) }, errors);
    }
    const result = await service.generateReport(db, actor, parsed.period);
    setFlash(reply, result.kind === 'created' ? `The report for ${parsed.period.name} has been generated` : `There is already a report for ${parsed.period.name}: here it is`);
    return reply.redirect(`/board-reports/${result.id}`);
  });

  app.get('/board-reports/:id', readers, async (request, reply) => {
    const actor = request.actor!;
    const report = await service.viewReport(db, actor, idParam(request.params));
    if (!report) throw notFound('report');
    return reply.render('board-report/views/show.njk', { pageTitle: report.title, ...reportView(report), canWrite: service.canWrite(actor), backLink: '/board-reports' });
  });

  app.get('/board-reports/:id/print', readers, async (request, reply) => {
    const report = await service.exportReport(db, request.actor!, idParam(request.params), 'print');
    if (!report) throw notFound('report');
    return reply.render('board-report/views/print.njk', { pageTitle: report.title, ...reportView(report), backLink: `/board-reports/${report.id}` });
  });

  app.get('/board-reports/:id/report.pdf', readers, async (request, reply) => {
    const actor = request.actor!;
    const report = await service.exportReport(db, actor, idParam(request.params), 'pdf');
    if (!report) throw notFound('report');
    const pdf = await reportPdf(report, actor.partnershipName);
    return reply
      .type('application/pdf')
      .header('Content-Disposition', `attachment; filename="board-report-${report.period_from.slice(0, 7)}.pdf"`)
      .send(pdf);
  });

  app.get('/board-reports/:id/figures.csv', readers, async (request, reply) => {
    const report = await service.exportReport(db, request.actor!, idParam(request.params), 'csv');
    if (!report) throw notFound('report');
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="board-report-${report.period_from.slice(0, 7)}-figures.csv"`)
      .send(appendixCsv(report.figures));
  });

  const sectionPage = (report: { id: string; title: string }, section: { key: string; heading: string }) => ({
    pageTitle: `Change ${section.heading}`,
    report,
    section,
    action: `/board-reports/${report.id}/sections/${section.key}`,
    backLink: `/board-reports/${report.id}#section-${section.key}`,
    maxLength: service.MAX_NARRATIVE,
  });

  app.get('/board-reports/:id/sections/:key', writers, async (request, reply) => {
    const found = await service.sectionForEdit(db, request.actor!, idParam(request.params), keyParam(request.params));
    if (!found) throw notFound('section');
    return reply.render('board-report/views/section-form.njk', {
      ...sectionPage(found.report, found.section),
      ...reportView({ ...found.report, sections: [found.section] }),
      values: { narrative: found.section.narrative },
      version: found.section.version,
    });
  });

  app.post('/board-reports/:id/sections/:key', writers, async (request, reply) => {
    const actor = request.actor!;
    const id = idParam(request.params);
    const key = keyParam(request.params);
    const versionRaw = formValue(request.body, 'version');
    const narrative = formValue(request.body, 'narrative').replace(/\r\n?/g, '\n');
    const found = await service.sectionForEdit(db, actor, id, key);
    if (!found) throw notFound('section');
    if (!/^\d{1,9}$/.test(versionRaw)) throw notFound('section');
    const version = Number(versionRaw);
    const page = { ...sectionPage(found.report, found.section), ...reportView({ ...found.report, sections: [found.section] }) };
    // eslint-disable-next-line no-control-regex -- control characters never belong in narrative text
    const cleaned = narrative.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
    if (cleaned.length > service.MAX_NARRATIVE) {
      const errors = addError(emptyErrors(), 'narrative', `The text must be ${service.MAX_NARRATIVE.toLocaleString('en-GB')} characters or fewer`);
      return reply.code(400).render('board-report/views/section-form.njk', { ...page, values: { narrative: narrative.slice(0, service.MAX_NARRATIVE + 1000) }, version, errors });
    }
    const result = await service.saveNarrative(db, actor, id, key, version, cleaned);
    if (result.kind === 'not_found') throw notFound('section');
    if (result.kind === 'conflict') {
      return reply.code(409).render('board-report/views/conflict.njk', {
        ...page,
        pageTitle: `Someone else changed ${found.section.heading}`,
        current: result.current,
        yours: cleaned,
        version: result.current.version,
      });
    }
    setFlash(reply, `${found.section.heading} has been saved`);
    return reply.redirect(`/board-reports/${id}#section-${key}`);
  });

  app.post('/board-reports/:id/refresh', writers, async (request, reply) => {
    const id = idParam(request.params);
    const versionRaw = formValue(request.body, 'version');
    if (!/^\d{1,9}$/.test(versionRaw)) throw notFound('report');
    const actor = request.actor!;
    const result = await service.refreshFigures(db, actor, id, Number(versionRaw));
    if (result.kind === 'not_found') throw notFound('report');
    if (result.kind === 'conflict') {
      const report = await service.viewReport(db, actor, id);
      if (!report) throw notFound('report');
      const errors = addError(emptyErrors(), 'refresh', 'Someone changed the report while you were reading it, so the figures were not refreshed. Check the report below, then refresh again if you still need to.');
      return reply.code(409).render('board-report/views/show.njk', { pageTitle: report.title, ...reportView(report), canWrite: true, errors, backLink: '/board-reports' });
    }
    setFlash(reply, `The figures have been refreshed${result.added ? ` and ${result.added} new section${result.added === 1 ? '' : 's'} added` : ''}`);
    return reply.redirect(`/board-reports/${id}`);
  });
}
