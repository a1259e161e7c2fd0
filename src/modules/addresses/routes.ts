// Address pages: look up the gazetteer by postcode or free text, and see one address with the
// incidents and people recorded there that the viewer may see.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';
import { notFound } from '../../platform/http/errors.ts';
import { addError, emptyErrors } from '../../platform/http/forms.ts';
import { parsePostcode } from '../../platform/geo/postcode.ts';
import * as service from './service.ts';

const text = (query: unknown, key: string, max: number) => {
  const v = (query as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'string' ? v.trim().slice(0, max) || null : null;
};

export async function addressRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;

  app.get('/addresses', async (request, reply) => {
    const postcode = text(request.query, 'postcode', 20);
    const q = text(request.query, 'q', 100);
    const errors = emptyErrors();
    if (postcode && !parsePostcode(postcode)) addError(errors, 'postcode', 'Enter a real postcode, like LE11 3AB');
    const looked = !!(postcode || q) && !errors.list.length;
    const addresses = looked ? await service.lookup(db, request.actor!, { postcode, text: q }) : [];
    return reply.code(errors.list.length ? 400 : 200).render('addresses/views/lookup.njk', {
      pageTitle: 'Find an address',
      postcode,
      q,
      looked,
      addresses,
      errors: errors.list.length ? errors : undefined,
    });
  });

  app.get('/addresses/:uprn', async (request, reply) => {
    const uprn = service.parseUprn((request.params as { uprn?: string }).uprn);
    if (!uprn) throw notFound('address');
    const found = await service.viewAddress(db, request.actor!, uprn);
    if (!found) throw notFound('address');
    return reply.render('addresses/views/show.njk', { pageTitle: found.address.singleLine, ...found, backLink: '/addresses' });
  });
}
