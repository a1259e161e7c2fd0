// GET /search?q=…: one box over people, addresses, vehicles, incidents and cases. A plain GET form,
// so it works without JavaScript and results can be bookmarked within the session.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';
import { addNavigation } from '../../platform/http/render.ts';
import { MAX_QUERY, parseQuery } from './query.ts';
import * as service from './service.ts';

export async function searchRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  addNavigation({ text: 'Search', href: '/search' });

  app.get('/search', async (request, reply) => {
    const raw = (request.query as Record<string, unknown>).q;
    const q = typeof raw === 'string' ? raw.trim().slice(0, MAX_QUERY) : '';
    if (!q) return reply.render('search/views/results.njk', { pageTitle: 'Search', q: '', searched: false });
    const parsed = parseQuery(q);
    const results = await service.search(db, request.actor!, parsed);
    const total = results.people.length + results.addresses.length + results.vehicles.length + results.incidents.length + results.cases.length;
    return reply.render('search/views/results.njk', { pageTitle: 'Search results', q, searched: true, parsed, total, ...results });
  });
}
