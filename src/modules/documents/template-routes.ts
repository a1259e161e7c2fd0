// The letter templates admin pages: the partnership's own Word templates with their merge fields,
// uploaded (checked by content), listed, downloaded, and switched off or on. Registered inside the
// multipart scope of routes.ts, as uploading a template is a file upload.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB, Role } from '../../platform/db/schema.ts';
import { setFlash } from '../../platform/http/render.ts';
import { notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, type FormErrors } from '../../platform/http/forms.ts';
import { KINDS } from '../interventions/kinds.ts';
import { checkTemplate, MERGE_FIELDS, TEMPLATE_LIMIT_BYTES } from './letters.ts';
import { readMultipart } from '../../platform/http/multipart.ts';
import { safeFilename } from './file-check.ts';
import { sendDownload } from './download.ts';
import * as service from './service.ts';

const ADMIN = { config: { roles: ['partnership_admin'] as Role[] } };
const KIND_LABELS = Object.fromEntries(KINDS.map((k) => [k.key, k.label]));

export async function templateRoutes(app: FastifyInstance, db: Kysely<DB>) {
  const listPage = async (request: FastifyRequest, values: Record<string, string>, errors: FormErrors = emptyErrors()) => ({
    pageTitle: 'Letter templates',
    templates: await service.listTemplates(db, request.actor!),
    fields: MERGE_FIELDS,
    kinds: KINDS,
    kindLabels: KIND_LABELS,
    action: `/admin/letter-templates?_csrf=${encodeURIComponent(request.csrfToken)}`,
    values,
    errors,
    backLink: '/admin',
  });

  app.get('/admin/letter-templates', ADMIN, async (request, reply) => reply.render('documents/views/templates.njk', await listPage(request, {})));

  app.post('/admin/letter-templates', ADMIN, async (request, reply) => {
    const form = await readMultipart(request, TEMPLATE_LIMIT_BYTES);
    const errors = emptyErrors();
    const fields = 'fields' in form ? form.fields : {};
    const values = { name: (fields.name ?? '').trim().slice(0, 200), intervention_kind: (fields.intervention_kind ?? '').slice(0, 40) };
    if (!values.name) addError(errors, 'name', 'Enter a name for the template, like Warning letter');
    else if (values.name.length > 100) addError(errors, 'name', 'The name must be 100 characters or fewer');
    if (values.intervention_kind && !KIND_LABELS[values.intervention_kind]) addError(errors, 'intervention_kind', 'Select an intervention from the list');
    const file = 'fields' in form ? form.file : null;
    if ('error' in form) addError(errors, 'file', form.error);
    else if (!file) addError(errors, 'file', 'Select a Word document (.docx) to upload');
    else if (file.tooLarge) addError(errors, 'file', 'The template must be smaller than 5 MB');
    else {
      const checked = checkTemplate(file.content);
      if (!checked.ok) addError(errors, 'file', checked.message);
    }
    if (errors.list.length || !file) return reply.code(file?.tooLarge ? 413 : 400).render('documents/views/templates.njk', await listPage(request, values, errors));
    const saved = await service.saveTemplate(db, request.actor!, { name: values.name, interventionKind: values.intervention_kind || null, filename: safeFilename(file.filename, 'docx'), content: file.content });
    setFlash(reply, saved.replaced ? `A new version of “${values.name}” has been saved` : `“${values.name}” has been added`);
    return reply.redirect('/admin/letter-templates');
  });

  app.get('/admin/letter-templates/:id/download', ADMIN, async (request, reply) => {
    const id = (request.params as { id?: string }).id;
    if (!isUuid(id)) throw notFound('template');
    const t = await service.downloadTemplate(db, request.actor!, id);
    if (!t) throw notFound('template');
    return sendDownload(reply, { filename: t.filename, content_type: service.DOCX, content: t.content });
  });

  for (const [action, active] of [['deactivate', false], ['activate', true]] as const) {
    app.post(`/admin/letter-templates/:id/${action}`, ADMIN, async (request, reply) => {
      const id = (request.params as { id?: string }).id;
      if (!isUuid(id)) throw notFound('template');
      const v = formValue(request.body, 'version');
      const version = /^\d{1,9}$/.test(v) ? Number(v) : -1;
      const result = await service.setTemplateActive(db, request.actor!, id, version, active);
      if (result === 'not_found') throw notFound('template');
      if (result === 'conflict') {
        const errors = addError(emptyErrors(), `template-${id}`, 'Someone else changed this template while you were looking at the list. Check what is saved now and try again.');
        return reply.code(409).render('documents/views/templates.njk', await listPage(request, {}, errors));
      }
      setFlash(reply, active ? 'The template can be used again' : 'The template has been switched off: it can no longer be used for new letters');
      return reply.redirect('/admin/letter-templates');
    });
  }
}
