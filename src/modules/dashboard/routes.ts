// The dashboard page (a GET form: a period is a link anyone can bookmark or send), its CSV
// downloads (the summary, and each indicator's districts and months) and its charts, each an image.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../app.ts';
import type { Role } from '../../platform/db/schema.ts';
import { addNavigation } from '../../platform/http/render.ts';
import { HttpError, notFound } from '../../platform/http/errors.ts';
import { drawPanelChart, panelChartImages } from './charts.ts';
import { parsePeriod, periodQuery, QUARTER_SPANS, type Period } from './period.ts';
import { computeDashboard, viewDashboard, auditExport, type Dashboard } from './service.ts';
import { districtTable, monthTable, summaryCsv, summaryTables, tableCsv } from './tables.ts';
import { POLARITY_NAMES } from '../indicators/api.ts';

/** Analysts, board members (read only), coordinators, managers and administrators. */
export const DASHBOARD_ROLES: Role[] = ['analyst', 'read_only', 'coordinator', 'manager', 'partnership_admin'];

const KEY = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function csvReply(reply: FastifyReply, filename: string, body: string) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('Content-Disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '-')}"`)
    .send(body);
}

const slug = (p: Period) => p.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');

// The figures' part of the page (every panel and table, and each chart's <img>) depends only on the
// computed dashboard, which is kept for a minute per organisation and period (service.ts): it is
// rendered once per computed dashboard and kept with it, and goes when the dashboard does.
const figuresHtml = new WeakMap<Dashboard, string>();

export async function dashboardRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const allowed = { config: { roles: DASHBOARD_ROLES } };
  addNavigation({ text: 'Dashboard', href: '/dashboard', roles: DASHBOARD_ROLES });

  /** The period a download asks for; a bad one is a mistake in a link, not a form to correct. */
  function downloadPeriod(query: unknown): Period {
    const { period } = parsePeriod(query, new Date());
    if (!period) throw new HttpError(400, 'bad_period', 'Choose the period again on the dashboard, then download.');
    return period;
  }

  app.get('/dashboard', allowed, async (request, reply) => {
    const actor = request.actor!;
    const { period, errors, values } = parsePeriod(request.query, new Date());
    const base = { pageTitle: 'Safer communities dashboard', values, errors, quarterSpans: QUARTER_SPANS, polarityNames: POLARITY_NAMES };
    if (!period) return reply.code(400).render('dashboard/views/dashboard.njk', base);
    const dashboard = await viewDashboard(db, actor, period);
    const c = dashboard.comparisons;
    const groups = dashboard.groups.map((g, gi) => ({ ...g, id: `outcome-${gi + 1}` }));
    let figures = figuresHtml.get(dashboard);
    if (figures === undefined) {
      const summaries = summaryTables(dashboard);
      figures = reply.renderToString('dashboard/views/_figures.njk', {
        period,
        c,
        query: periodQuery(period),
        polarityNames: POLARITY_NAMES,
        groups: groups.map((g, gi) => ({
          ...g,
          summary: summaries[gi]!,
          panels: g.indicators.map((p) => ({ ...p, charts: panelChartImages(p, c, periodQuery(period)), districtTable: districtTable(p, c), monthTable: monthTable(p) })),
        })),
      });
      figuresHtml.set(dashboard, figures);
    }
    return reply.render('dashboard/views/dashboard.njk', { ...base, period, c, groups, figures, anyWithheld: dashboard.anyWithheld, computedAt: dashboard.computedAt, query: periodQuery(period) });
  });

  app.get('/dashboard/summary.csv', allowed, async (request, reply) => {
    const period = downloadPeriod(request.query);
    const dashboard = (await computeDashboard(db, request.actor!, period))!;
    await auditExport(db, request.actor!, { period, indicator: null, table: 'summary' });
    return csvReply(reply, `dashboard-${slug(period)}.csv`, summaryCsv(dashboard));
  });

  // An indicator's districts or months: as CSV (a download, audited as an export) or as the page's
  // chart (an image).
  app.get('/dashboard/indicators/:key/:file', allowed, async (request, reply) => {
    const { key, file } = request.params as { key: string; file: string };
    const match = /^(districts|months)\.(csv|svg)$/.exec(file);
    if (!KEY.test(key) || !match) throw notFound();
    const which = match[1] as 'districts' | 'months';
    const period = downloadPeriod(request.query);
    // Served from the page's cached figures when they are still there, so the picture matches the page.
    const dashboard = await computeDashboard(db, request.actor!, period, key);
    const panel = dashboard?.groups[0]?.indicators[0];
    if (!dashboard || !panel) throw notFound('indicator');
    if (match[2] === 'svg') {
      // Not audited: a chart is part of the page, whose view is audited already, and it shows only
      // figures the page's tables show; a row per image would be dozens of rows per page view.
      // Cached in the browser only, for as long as the figures are kept (service.ts): aggregate,
      // already-withheld figures, so a minute in the browser's own cache is no more than the page shows.
      return reply
        .type('image/svg+xml; charset=utf-8')
        .header('Cache-Control', 'private, max-age=60')
        .header('X-Content-Type-Options', 'nosniff')
        .send(drawPanelChart(panel, dashboard.comparisons, which));
    }
    await auditExport(db, request.actor!, { period, indicator: key, table: which });
    const model = which === 'districts' ? districtTable(panel, dashboard.comparisons) : monthTable(panel);
    return csvReply(reply, `${key}-${which}-${slug(period)}.csv`, tableCsv(model));
  });
}
