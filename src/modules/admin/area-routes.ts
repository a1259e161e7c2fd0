// Areas: districts, boroughs, unitary authorities, counties and wards with their ONS codes, and the
// population of each by year (the denominator of every "per 1,000 people" rate).
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';
import { setFlash } from '../../platform/http/render.ts';
import { notFound } from '../../platform/http/errors.ts';
import {
  AREA_KIND_NAMES,
  AREA_KINDS,
  AREA_ORDER,
  echo,
  parseAreaForm,
  parsePopulationForm,
} from './fields.ts';
import { ADMIN, conflictErrors, formatNumber, idParam, page, versionOf, withProblems } from './http.ts';
import * as service from './service.ts';

export async function areaRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const common = { kinds: AREA_KINDS, kindNames: AREA_KIND_NAMES };

  app.get('/admin/areas', ADMIN, async (request, reply) => {
    const areas = (await service.listAreas(db, request.actor!)).map((a) => ({
      ...a,
      populationText: a.populations.map((p) => `${p.year}: ${formatNumber(p.population)}`),
    }));
    return page(reply, 'areas/list.njk', {
      pageTitle: 'Areas',
      areas,
      kindNames: AREA_KIND_NAMES,
      backLink: '/admin',
    });
  });

  const newCtx = { ...common, pageTitle: 'Add an area', action: '/admin/areas', backLink: '/admin/areas' };

  app.get('/admin/areas/new', ADMIN, async (request, reply) => {
    const { parents } = await service.areaFormOptions(db, request.actor!, null, true);
    return page(reply, 'areas/form.njk', { ...newCtx, parents, values: {} });
  });

  app.post('/admin/areas', ADMIN, async (request, reply) => {
    const values = echo(request.body);
    const { fields, errors } = parseAreaForm(request.body);
    const result = fields ? await service.createArea(db, request.actor!, fields) : null;
    if (!result || result.kind !== 'ok') {
      const { parents } = await service.areaFormOptions(db, request.actor!, null, false);
      const all = withProblems(
        fields ? null : errors,
        result?.kind === 'invalid' ? result.problems : [],
        AREA_ORDER,
      );
      return page(reply, 'areas/form.njk', { ...newCtx, parents, values, errors: all }, 400);
    }
    setFlash(reply, `${fields!.name} has been added`);
    return reply.redirect(`/admin/areas/${result.id}`);
  });

  const renderArea = async (
    request: import('fastify').FastifyRequest,
    reply: import('fastify').FastifyReply,
    id: string,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const found = await service.viewArea(db, request.actor!, id);
    if (!found) throw notFound('area');
    const populations = found.populations.map((p) => ({ ...p, populationText: formatNumber(p.population) }));
    return page(
      reply,
      'areas/show.njk',
      {
        pageTitle: found.area.name,
        ...found,
        populations,
        kindNames: AREA_KIND_NAMES,
        values: {},
        backLink: '/admin/areas',
        ...extra,
      },
      status,
    );
  };

  app.get('/admin/areas/:id', ADMIN, async (request, reply) =>
    renderArea(request, reply, idParam(request.params, 'area')),
  );

  app.get('/admin/areas/:id/edit', ADMIN, async (request, reply) => {
    const id = idParam(request.params, 'area');
    const found = await service.areaForEdit(db, request.actor!, id);
    if (!found) throw notFound('area');
    const a = found.area;
    return page(reply, 'areas/form.njk', {
      ...common,
      pageTitle: `Change ${a.name}`,
      action: `/admin/areas/${id}/edit`,
      backLink: `/admin/areas/${id}`,
      parents: found.parents,
      version: a.version,
      values: { kind: a.kind, name: a.name, ons_code: a.ons_code ?? '', parent_id: a.parent_id ?? '' },
    });
  });

  app.post('/admin/areas/:id/edit', ADMIN, async (request, reply) => {
    const id = idParam(request.params, 'area');
    const values = echo(request.body);
    const version = versionOf(request.body);
    const { fields, errors } = parseAreaForm(request.body);
    const result = fields ? await service.updateArea(db, request.actor!, id, version, fields) : null;
    if (result?.kind === 'ok') {
      setFlash(reply, 'The area has been saved');
      return reply.redirect(`/admin/areas/${id}`);
    }
    if (result?.kind === 'not_found') throw notFound('area');
    const options = await service.areaFormOptions(db, request.actor!, id, false);
    const ctx = {
      ...common,
      pageTitle: 'Change an area',
      action: `/admin/areas/${id}/edit`,
      backLink: `/admin/areas/${id}`,
      parents: options.parents,
      values,
      version,
    };
    if (result?.kind === 'conflict') {
      const c = result.current;
      return page(
        reply,
        'areas/form.njk',
        {
          ...ctx,
          version: c.version,
          errors: conflictErrors('this area'),
          conflict: [
            { key: { text: 'Kind of area' }, value: { text: AREA_KIND_NAMES[c.kind] } },
            { key: { text: 'Name' }, value: { text: c.name } },
            { key: { text: 'ONS code' }, value: { text: c.ons_code ?? 'None' } },
            { key: { text: 'Part of' }, value: { text: c.parent_name ?? 'None' } },
          ],
        },
        409,
      );
    }
    return page(
      reply,
      'areas/form.njk',
      {
        ...ctx,
        errors: withProblems(
          fields ? null : errors,
          result?.kind === 'invalid' ? result.problems : [],
          AREA_ORDER,
        ),
      },
      400,
    );
  });

  app.post('/admin/areas/:id/populations', ADMIN, async (request, reply) => {
    const id = idParam(request.params, 'area');
    const { fields, errors } = parsePopulationForm(request.body);
    if (!fields) return renderArea(request, reply, id, { values: echo(request.body), errors }, 400);
    const result = await service.savePopulation(db, request.actor!, id, fields);
    if (result.kind !== 'ok') throw notFound('area');
    setFlash(reply, `The population for ${fields.year} has been saved`);
    return reply.redirect(`/admin/areas/${id}`);
  });

  app.post('/admin/areas/:id/populations/:year/remove', ADMIN, async (request, reply) => {
    const id = idParam(request.params, 'area');
    const year = (request.params as { year?: string }).year ?? '';
    if (!/^\d{4}$/.test(year)) throw notFound('population');
    const result = await service.removePopulation(db, request.actor!, id, Number(year));
    if (result.kind !== 'ok') throw notFound('population');
    setFlash(reply, `The population for ${year} has been removed`);
    return reply.redirect(`/admin/areas/${id}`);
  });
}
