// The hotspot map page (a GET form with the report builder's incident filters, and the map's
// non-map alternative), its data as JSON under /api, and the boundary layers as GeoJSON.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../app.ts';
import { addNavigation } from '../../platform/http/render.ts';
import { HttpError, notFound } from '../../platform/http/errors.ts';
import { filterFields, filterParams, describeFilters } from '../report-builder/service.ts';
import { LAYERS, REFERENCE_LAYERS, type Layer } from './boundaries.ts';
import { hexagonAreaKm2 } from './density.ts';
import * as service from './service.ts';

/** With a tile server configured, the page may load its images: add its origin to img-src. */
function allowTiles(reply: FastifyReply, tileUrl: string | undefined) {
  if (!tileUrl) return;
  const origin = new URL(tileUrl.replace(/\{[a-z]\}/g, 'a')).origin;
  const csp = reply.getHeader('content-security-policy');
  if (typeof csp === 'string') reply.header('content-security-policy', csp.replace(/img-src ([^;]*)/, `img-src $1 ${origin}`));
}

export async function mapRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const tiles = deps.config.map;
  addNavigation({ text: 'Maps', href: '/maps' });

  app.get('/maps', async (request, reply) => {
    const actor = request.actor!;
    const page = await service.mapPage(db, actor, request.query);
    const qs = new URLSearchParams(filterParams(page.filters)).toString();
    allowTiles(reply, tiles.tileUrl);
    return reply.code(page.errors.list.length ? 400 : 200).render('maps/views/map.njk', {
      pageTitle: 'Hotspot map',
      errors: page.errors,
      values: page.values,
      fields: { ...filterFields(page.record, page.options, page.values), dateLabel: page.record.date.label },
      summary: page.summary,
      about: page.summary ? describeFilters(page.filters, page.options) : [],
      dataUrl: `/api/maps/incidents${qs ? `?${qs}` : ''}`,
      reportUrl: `/reports/builder?${new URLSearchParams([['record', 'incidents'], ...filterParams(page.filters), ['group', 'area'], ['measure', 'count']])}`,
      tiles: tiles.tileUrl ? { url: tiles.tileUrl, attribution: tiles.tileAttribution ?? '' } : null,
      layers: [
        { key: 'districts', label: 'Districts' },
        { key: 'wards', label: REFERENCE_LAYERS.wards.label },
        { key: 'lsoa', label: REFERENCE_LAYERS.lsoa.label },
      ],
      hexArea: { small: hexagonAreaKm2(8).toFixed(1), large: hexagonAreaKm2(7).toFixed(0) },
      pointLimit: service.POINT_LIMIT,
    });
  });

  app.get('/api/maps/incidents', async (request, reply) => {
    const result = await service.mapData(db, request.actor!, request.query);
    if ('errors' in result) throw new HttpError(400, 'invalid_filters', result.errors.join(' '));
    return reply.type('application/json').send(result.data);
  });

  app.get('/maps/boundaries/:layer', async (request, reply) => {
    const file = String((request.params as { layer?: unknown }).layer ?? '');
    const layer = file.replace(/\.geojson$/, '') as Layer;
    if (!file.endsWith('.geojson') || !LAYERS.includes(layer)) throw notFound('boundary layer');
    return reply.type('application/geo+json').send(await service.boundaries(db, request.actor!, layer));
  });
}
