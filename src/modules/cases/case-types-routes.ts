// Partnership administration of case types: list, add, rename, deactivate and reactivate. Lives with
// cases because the list is theirs; registered from caseRoutes.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../app.ts';
import type { Role } from '../../platform/db/schema.ts';
import { setFlash } from '../../platform/http/render.ts';
import { notFound } from '../../platform/http/errors.ts';
import { isUuid, requiredText } from '../../platform/http/fields.ts';
import { addError, formValue, zodToFormErrors } from '../../platform/http/forms.ts';
import * as caseTypes from './case-types.ts';

const ADMIN = { config: { roles: ['partnership_admin'] as Role[] } };

const nameForm = z.object({
  name: requiredText('Enter the case type’s name', 100, 'Name must be 100 characters or fewer'),
});

export async function caseTypeRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const idOf = (params: unknown) => {
    const id = (params as { id?: unknown }).id;
    if (!isUuid(id)) throw notFound('case type');
    return id;
  };

  app.get('/admin/case-types', ADMIN, async (request, reply) => {
    const types = await caseTypes.listForAdmin(db, request.actor!);
    return reply.render('cases/views/case-types.njk', { pageTitle: 'Case types', types, backLink: '/admin' });
  });

  app.get('/admin/case-types/new', ADMIN, async (_request, reply) =>
    reply.render('cases/views/case-type-form.njk', {
      pageTitle: 'Add a case type',
      action: '/admin/case-types',
      values: {},
      backLink: '/admin/case-types',
    }),
  );

  app.post('/admin/case-types', ADMIN, async (request, reply) => {
    const parsed = nameForm.safeParse(request.body ?? {});
    const values = { name: formValue(request.body, 'name').slice(0, 500) };
    const ctx = {
      pageTitle: 'Add a case type',
      action: '/admin/case-types',
      values,
      backLink: '/admin/case-types',
    };
    if (!parsed.success)
      return reply
        .code(400)
        .render('cases/views/case-type-form.njk', { ...ctx, errors: zodToFormErrors(parsed.error) });
    const result = await caseTypes.addCaseType(db, request.actor!, parsed.data.name);
    if (!result.ok) {
      return reply.code(400).render('cases/views/case-type-form.njk', {
        ...ctx,
        errors: addError({ list: [], byField: {} }, 'name', 'There is already a case type with this name'),
      });
    }
    setFlash(reply, `The case type ${parsed.data.name} has been added`);
    return reply.redirect('/admin/case-types');
  });

  app.get('/admin/case-types/:id/edit', ADMIN, async (request, reply) => {
    const type = await caseTypes.findCaseType(db, request.actor!, idOf(request.params));
    if (!type) throw notFound('case type');
    return reply.render('cases/views/case-type-form.njk', {
      pageTitle: 'Rename case type',
      action: `/admin/case-types/${type.id}/edit`,
      values: { name: type.name },
      backLink: '/admin/case-types',
    });
  });

  app.post('/admin/case-types/:id/edit', ADMIN, async (request, reply) => {
    const id = idOf(request.params);
    const parsed = nameForm.safeParse(request.body ?? {});
    const ctx = {
      pageTitle: 'Rename case type',
      action: `/admin/case-types/${id}/edit`,
      values: { name: formValue(request.body, 'name').slice(0, 500) },
      backLink: '/admin/case-types',
    };
    if (!parsed.success) {
      if (!(await caseTypes.findCaseType(db, request.actor!, id))) throw notFound('case type');
      return reply
        .code(400)
        .render('cases/views/case-type-form.njk', { ...ctx, errors: zodToFormErrors(parsed.error) });
    }
    const result = await caseTypes.renameCaseType(db, request.actor!, id, parsed.data.name);
    if (result === 'not_found') throw notFound('case type');
    if (result === 'taken') {
      return reply.code(400).render('cases/views/case-type-form.njk', {
        ...ctx,
        errors: addError({ list: [], byField: {} }, 'name', 'There is already a case type with this name'),
      });
    }
    setFlash(reply, 'The case type has been renamed');
    return reply.redirect('/admin/case-types');
  });

  for (const [path, active] of [
    ['deactivate', false],
    ['activate', true],
  ] as const) {
    app.post(`/admin/case-types/:id/${path}`, ADMIN, async (request, reply) => {
      const ok = await caseTypes.setCaseTypeActive(db, request.actor!, idOf(request.params), active);
      if (!ok) throw notFound('case type');
      setFlash(
        reply,
        active ? 'The case type can be chosen again' : 'The case type can no longer be chosen for new cases',
      );
      return reply.redirect('/admin/case-types');
    });
  }
}
