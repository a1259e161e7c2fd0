// Organisations in the partnership (councils, police, fire and rescue, housing providers and the
// rest), whether they are active, and the areas each serves.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';
import { setFlash } from '../../platform/http/render.ts';
import { notFound } from '../../platform/http/errors.ts';
import {
  AREA_KIND_NAMES,
  echo,
  ORGANISATION_KIND_NAMES,
  ORGANISATION_KINDS,
  ORGANISATION_ORDER,
  parseOrganisationForm,
} from './fields.ts';
import { ADMIN, conflictErrors, idParam, page, versionOf, withProblems, yesNo } from './http.ts';
import * as service from './service.ts';

export async function organisationRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const common = {
    kinds: ORGANISATION_KINDS,
    kindNames: ORGANISATION_KIND_NAMES,
    areaKindNames: AREA_KIND_NAMES,
  };

  app.get('/admin/organisations', ADMIN, async (request, reply) => {
    const organisations = await service.listOrganisations(db, request.actor!);
    return page(reply, 'organisations/list.njk', {
      pageTitle: 'Organisations',
      organisations,
      kindNames: ORGANISATION_KIND_NAMES,
      backLink: '/admin',
    });
  });

  const newCtx = {
    ...common,
    pageTitle: 'Add an organisation',
    action: '/admin/organisations',
    backLink: '/admin/organisations',
  };

  app.get('/admin/organisations/new', ADMIN, async (request, reply) => {
    const { areas } = await service.organisationFormOptions(db, request.actor!, true);
    return page(reply, 'organisations/form.njk', {
      ...newCtx,
      areas,
      values: { active: 'yes', lists: { areas: [] } },
    });
  });

  app.post('/admin/organisations', ADMIN, async (request, reply) => {
    const values = echo(request.body, ['areas']);
    const { fields, errors } = parseOrganisationForm(request.body);
    const result = fields ? await service.createOrganisation(db, request.actor!, fields) : null;
    if (!result || result.kind !== 'ok') {
      const { areas } = await service.organisationFormOptions(db, request.actor!, false);
      const all = withProblems(
        fields ? null : errors,
        result?.kind === 'invalid' ? result.problems : [],
        ORGANISATION_ORDER,
      );
      return page(reply, 'organisations/form.njk', { ...newCtx, areas, values, errors: all }, 400);
    }
    setFlash(reply, `${fields!.name} has been added`);
    return reply.redirect(`/admin/organisations/${result.id}`);
  });

  app.get('/admin/organisations/:id', ADMIN, async (request, reply) => {
    const found = await service.viewOrganisation(db, request.actor!, idParam(request.params, 'organisation'));
    if (!found) throw notFound('organisation');
    return page(reply, 'organisations/show.njk', {
      pageTitle: found.organisation.name,
      ...found,
      kindNames: ORGANISATION_KIND_NAMES,
      backLink: '/admin/organisations',
    });
  });

  app.get('/admin/organisations/:id/edit', ADMIN, async (request, reply) => {
    const id = idParam(request.params, 'organisation');
    const found = await service.organisationForEdit(db, request.actor!, id);
    if (!found) throw notFound('organisation');
    const o = found.organisation;
    return page(reply, 'organisations/form.njk', {
      ...common,
      pageTitle: `Change ${o.name}`,
      action: `/admin/organisations/${id}/edit`,
      backLink: `/admin/organisations/${id}`,
      areas: found.areas,
      version: o.version,
      editing: true,
      values: {
        name: o.name,
        short_name: o.short_name ?? '',
        kind: o.kind,
        active: o.active ? 'yes' : '',
        lists: { areas: found.served },
      },
    });
  });

  app.post('/admin/organisations/:id/edit', ADMIN, async (request, reply) => {
    const id = idParam(request.params, 'organisation');
    const values = echo(request.body, ['areas']);
    const version = versionOf(request.body);
    const { fields, errors } = parseOrganisationForm(request.body);
    const result = fields ? await service.updateOrganisation(db, request.actor!, id, version, fields) : null;
    if (result?.kind === 'ok') {
      setFlash(reply, 'The organisation has been saved');
      return reply.redirect(`/admin/organisations/${id}`);
    }
    if (result?.kind === 'not_found') throw notFound('organisation');
    const { areas } = await service.organisationFormOptions(db, request.actor!, false);
    const ctx = {
      ...common,
      pageTitle: 'Change an organisation',
      action: `/admin/organisations/${id}/edit`,
      backLink: `/admin/organisations/${id}`,
      areas,
      values,
      version,
      editing: true,
    };
    if (result?.kind === 'conflict') {
      const c = result.current;
      return page(
        reply,
        'organisations/form.njk',
        {
          ...ctx,
          version: c.version,
          errors: conflictErrors('this organisation'),
          conflict: [
            { key: { text: 'Name' }, value: { text: c.name } },
            { key: { text: 'Short name' }, value: { text: c.short_name ?? 'None' } },
            { key: { text: 'Kind of organisation' }, value: { text: ORGANISATION_KIND_NAMES[c.kind] } },
            { key: { text: 'Active' }, value: { text: yesNo(c.active) } },
            {
              key: { text: 'Areas served' },
              value: { text: c.areas.map((a) => a.name).join(', ') || 'None' },
            },
          ],
        },
        409,
      );
    }
    return page(
      reply,
      'organisations/form.njk',
      {
        ...ctx,
        errors: withProblems(
          fields ? null : errors,
          result?.kind === 'invalid' ? result.problems : [],
          ORGANISATION_ORDER,
        ),
      },
      400,
    );
  });
}
