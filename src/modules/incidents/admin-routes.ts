// Administration of the incident form: the partnership's ASB types (/admin/asb-types) and its
// minimum standards (/admin/required-fields). Partnership administrators only.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../app.ts';
import type { Role } from '../../platform/db/schema.ts';
import { setFlash } from '../../platform/http/render.ts';
import { notFound } from '../../platform/http/errors.ts';
import { choice, choices, isUuid, requiredText } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, formValues, zodToFormErrors, type FormErrors } from '../../platform/http/forms.ts';
import { CATEGORIES, CATEGORY_HINTS, CATEGORY_NAMES } from './labels.ts';
import { FORM_NAMES, OPTIONAL_FIELDS, REQUIRED_FORMS } from './required-fields.ts';
import * as service from './admin-service.ts';

const ADMIN = { config: { roles: ['partnership_admin'] as Role[] } };

const typeSchema = z.object({
  name: requiredText('Enter the name of the ASB type', 100, 'Name must be 100 characters or fewer'),
  category: choice(CATEGORIES, 'Select the category it is usually recorded under'),
});

const typeId = (params: unknown) => {
  const id = (params as { id?: string }).id;
  if (!isUuid(id)) throw notFound('ASB type');
  return id;
};

export async function incidentAdminRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;

  // --- ASB types ---------------------------------------------------------------------------------

  app.get('/admin/asb-types', ADMIN, async (request, reply) => {
    const types = await service.listTypes(db, request.actor!);
    return reply.render('incidents/views/admin/asb-types.njk', { pageTitle: 'ASB types', types, categoryNames: CATEGORY_NAMES, backLink: '/admin' });
  });

  const typeForm = (reply: FastifyReply, status: number, ctx: { pageTitle: string; action: string; values: Record<string, string>; errors?: FormErrors; conflict?: { name: string; category: string } }) =>
    reply.code(status).render('incidents/views/admin/asb-type-form.njk', { categories: CATEGORIES, categoryNames: CATEGORY_NAMES, categoryHints: CATEGORY_HINTS, backLink: '/admin/asb-types', ...ctx });

  const typeValues = (body: unknown) => ({
    name: formValue(body, 'name').slice(0, 500),
    category: formValue(body, 'category').slice(0, 50),
    original_name: formValue(body, 'original_name').slice(0, 500),
    original_category: formValue(body, 'original_category').slice(0, 50),
  });
  const duplicate = (name: string) => addError(emptyErrors(), 'name', `There is already an ASB type called ${name}`);

  app.get('/admin/asb-types/new', ADMIN, async (_request, reply) => typeForm(reply, 200, { pageTitle: 'Add an ASB type', action: '/admin/asb-types', values: {} }));

  app.post('/admin/asb-types', ADMIN, async (request, reply) => {
    const values = typeValues(request.body);
    const ctx = { pageTitle: 'Add an ASB type', action: '/admin/asb-types', values };
    const parsed = typeSchema.safeParse(request.body ?? {});
    if (!parsed.success) return typeForm(reply, 400, { ...ctx, errors: zodToFormErrors(parsed.error) });
    const r = await service.addType(db, request.actor!, parsed.data.name, parsed.data.category);
    if (r.kind === 'duplicate') return typeForm(reply, 400, { ...ctx, errors: duplicate(parsed.data.name) });
    setFlash(reply, `${parsed.data.name} has been added to the ASB types`);
    return reply.redirect('/admin/asb-types');
  });

  app.get('/admin/asb-types/:id/edit', ADMIN, async (request, reply) => {
    const id = typeId(request.params);
    const t = await service.findType(db, request.actor!, id);
    if (!t) throw notFound('ASB type');
    return typeForm(reply, 200, {
      pageTitle: 'Change an ASB type',
      action: `/admin/asb-types/${id}/edit`,
      values: { name: t.name, category: t.category, original_name: t.name, original_category: t.category },
    });
  });

  app.post('/admin/asb-types/:id/edit', ADMIN, async (request, reply) => {
    const id = typeId(request.params);
    const values = typeValues(request.body);
    const ctx = { pageTitle: 'Change an ASB type', action: `/admin/asb-types/${id}/edit`, values };
    const parsed = typeSchema.safeParse(request.body ?? {});
    if (!parsed.success) return typeForm(reply, 400, { ...ctx, errors: zodToFormErrors(parsed.error) });
    const r = await service.renameType(db, request.actor!, id, { name: values.original_name, category: values.original_category }, parsed.data);
    if (r.kind === 'not_found') throw notFound('ASB type');
    if (r.kind === 'duplicate') return typeForm(reply, 400, { ...ctx, errors: duplicate(parsed.data.name) });
    if (r.kind === 'conflict') {
      // Keep what this administrator typed; the next save deliberately replaces the other change.
      return typeForm(reply, 409, {
        ...ctx,
        values: { ...values, original_name: r.current.name, original_category: r.current.category },
        conflict: r.current,
        errors: addError(emptyErrors(), 'name', 'Someone else changed this ASB type while you were editing. Check what is saved now, then save again'),
      });
    }
    setFlash(reply, 'The ASB type has been saved');
    return reply.redirect('/admin/asb-types');
  });

  app.post('/admin/asb-types/:id/move', ADMIN, async (request, reply) => {
    const id = typeId(request.params);
    const direction = formValue(request.body, 'direction');
    if (direction !== 'up' && direction !== 'down') throw notFound('ASB type');
    const moved = await service.moveType(db, request.actor!, id, direction);
    if (!moved) throw notFound('ASB type');
    setFlash(reply, `${moved.name} has been moved ${direction}`);
    return reply.redirect('/admin/asb-types');
  });

  app.post('/admin/asb-types/:id/active', ADMIN, async (request, reply) => {
    const id = typeId(request.params);
    const active = formValue(request.body, 'active');
    if (active !== 'yes' && active !== 'no') throw notFound('ASB type');
    const t = await service.setTypeActive(db, request.actor!, id, active === 'yes');
    if (!t) throw notFound('ASB type');
    setFlash(reply, active === 'yes' ? `${t.name} can be chosen again` : `${t.name} can no longer be chosen for new incidents`);
    return reply.redirect('/admin/asb-types');
  });

  // --- minimum standards -------------------------------------------------------------------------

  const requiredPage = (reply: FastifyReply, status: number, ctx: { chosen: service.RequiredSettings; seen: string; errors?: FormErrors; current?: service.RequiredSettings }) =>
    reply.code(status).render('incidents/views/admin/required-fields.njk', {
      pageTitle: 'Minimum standards',
      forms: REQUIRED_FORMS.map((f) => ({ key: f, name: FORM_NAMES[f], fields: OPTIONAL_FIELDS[f] })),
      backLink: '/admin',
      ...ctx,
    });

  app.get('/admin/required-fields', ADMIN, async (request, reply) => {
    const settings = await service.requiredSettings(db, request.actor!, { audit: true });
    return requiredPage(reply, 200, { chosen: settings, seen: service.fingerprint(settings) });
  });

  app.post('/admin/required-fields', ADMIN, async (request, reply) => {
    const errors = emptyErrors();
    const wanted = {} as service.RequiredSettings;
    for (const form of REQUIRED_FORMS) {
      const parsed = choices(
        OPTIONAL_FIELDS[form].map((f) => f.field),
        'Select fields from the list',
      ).safeParse(formValues(request.body, `required_${form}`));
      if (parsed.success) wanted[form] = [...new Set(parsed.data)];
      else {
        addError(errors, `required_${form}`, 'Select fields from the list');
        wanted[form] = [];
      }
    }
    const seen = formValue(request.body, 'seen').slice(0, 2000);
    if (errors.list.length) return requiredPage(reply, 400, { chosen: wanted, seen, errors });
    const r = await service.saveRequired(db, request.actor!, seen, wanted);
    if (r.kind === 'conflict') {
      return requiredPage(reply, 409, {
        chosen: wanted,
        seen: service.fingerprint(r.current),
        current: r.current,
        errors: addError(emptyErrors(), `required_${REQUIRED_FORMS[0]}`, 'Someone else changed the minimum standards while you were editing. Check what is saved now, then save again'),
      });
    }
    setFlash(reply, 'The minimum standards have been saved');
    return reply.redirect('/admin/required-fields');
  });
}

