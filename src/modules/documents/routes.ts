// Document pages: upload a file to a case, incident, person or intervention; see and download a
// document; share it. Letters and the letter templates admin pages are in their own files. The
// multipart parser is registered in a scope holding only the upload routes.
import type { FastifyInstance, FastifyReply } from 'fastify';
import multipart from '@fastify/multipart';
import type { AppDeps } from '../../app.ts';
import type { Role } from '../../platform/db/schema.ts';
import type { Actor } from '../../platform/http/context.ts';
import { setFlash } from '../../platform/http/render.ts';
import { forbidden, HttpError, notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue } from '../../platform/http/forms.ts';
import { registerShareRoutes } from './share-routes.ts';
import { letterRoutes } from './letter-routes.ts';
import { templateRoutes } from './template-routes.ts';
import { ALLOWED_DESCRIPTION, checkUpload, UPLOAD_LIMIT_BYTES } from './file-check.ts';
import { readMultipart } from '../../platform/http/multipart.ts';
import { sendDownload } from './download.ts';
import * as service from './service.ts';

export const WRITERS: Role[] = ['case_officer', 'coordinator', 'manager', 'partner_user', 'partnership_admin'];

const CONTAINERS = ['case', 'incident', 'person', 'intervention'] as const;

/** Which record an upload is for, from the query string: exactly one of case, incident, person, intervention. */
function containerOf(query: unknown): { type: service.ContainerType; id: string } {
  const given = CONTAINERS.map((type) => ({ type, id: formValue(query, type) })).filter((c) => c.id);
  if (given.length !== 1 || !isUuid(given[0]!.id)) throw new HttpError(404, 'not_found', 'Add a document from the case, incident, person or intervention it belongs to.');
  return given[0]!;
}

export async function documentRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const writers = { config: { roles: WRITERS } };

  const uploadPage = (reply: FastifyReply, container: service.Container, ctx: Record<string, unknown>, status = 200) =>
    reply.code(status).render('documents/views/upload.njk', {
      pageTitle: 'Add a document',
      container,
      action: `/documents/upload?${container.type}=${container.id}&_csrf=${encodeURIComponent(reply.request.csrfToken)}`,
      allowed: ALLOWED_DESCRIPTION,
      backLink: container.href,
      values: {},
      ...ctx,
    });

  const editable = async (actor: Actor, query: unknown) => {
    const c = containerOf(query);
    const found = await service.uploadContext(db, actor, c.type, c.id);
    if (found.kind === 'not_found') throw notFound(c.type);
    if (found.kind === 'forbidden') throw forbidden(`You can view this ${c.type} but not change it, so you cannot add documents to it. Ask the organisation that holds it for edit access.`);
    return found.container;
  };

  app.get('/documents/upload', writers, async (request, reply) => uploadPage(reply, await editable(request.actor!, request.query), {}));

  // Uploads: the only routes that accept multipart bodies, with the file size limit enforced as it streams.
  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: UPLOAD_LIMIT_BYTES, files: 1 }, throwFileSizeLimit: false });
    scope.post('/documents/upload', writers, async (request, reply) => {
      const actor = request.actor!;
      const container = await editable(actor, request.query);
      const form = await readMultipart(request, UPLOAD_LIMIT_BYTES);
      const errors = emptyErrors();
      const values = 'fields' in form ? { title: (form.fields.title ?? '').slice(0, 200) } : {};
      const title = (values.title ?? '').trim();
      if ('error' in form) addError(errors, 'file', form.error);
      else if (!form.file) addError(errors, 'file', 'Select a file to upload');
      else if (form.file.tooLarge) addError(errors, 'file', 'The selected file must be smaller than 10 MB');
      if (title.length > 150) addError(errors, 'title', 'The title must be 150 characters or fewer');
      const file = 'fields' in form ? form.file : null;
      const checked = file && !errors.list.length ? await checkUpload(file.content, file.filename) : null;
      if (checked && !checked.ok) addError(errors, 'file', checked.message);
      if (errors.list.length || !file || !checked?.ok) {
        const status = file?.tooLarge ? 413 : 400;
        return uploadPage(reply, container, { values, errors }, status);
      }
      const result = await service.uploadDocument(db, actor, container.type, container.id, {
        title: title || checked.filename,
        filename: checked.filename,
        contentType: checked.contentType,
        content: file.content,
      });
      if (result.kind !== 'created') throw result.kind === 'forbidden' ? forbidden() : notFound(container.type);
      setFlash(reply, `${checked.kindName} “${title || checked.filename}” has been added`);
      return reply.redirect(`/documents/${result.id}`);
    });
    await templateRoutes(scope, db);
  });

  app.get('/documents/:id', async (request, reply) => {
    const id = (request.params as { id?: string }).id;
    if (!isUuid(id)) throw notFound('document');
    const found = await service.viewDocument(db, request.actor!, id);
    if (!found) throw notFound('document');
    const d = found.document;
    const on = [
      d.case_id && { href: `/cases/${d.case_id}`, text: d.case_reference ? `Case ${d.case_reference}` : 'A case you cannot see' },
      d.incident_id && { href: `/incidents/${d.incident_id}`, text: d.incident_reference ? `Incident ${d.incident_reference}` : 'An incident you cannot see' },
      d.person_id && { href: `/people/${d.person_id}`, text: d.first_name ? `${d.first_name} ${d.last_name}` : 'A person you cannot see' },
      d.intervention_id && { href: `/interventions/${d.intervention_id}`, text: d.intervention_kind ? 'The intervention' : 'An intervention you cannot see' },
    ].filter((x): x is { href: string; text: string } => !!x);
    return reply.render('documents/views/show.njk', {
      pageTitle: d.title,
      ...found,
      on,
      shareBase: `/documents/${id}`,
      what: 'document',
      ownerName: d.owner_name,
      backLink: on[0]?.href,
    });
  });

  app.get('/documents/:id/download', async (request, reply) => {
    const id = (request.params as { id?: string }).id;
    if (!isUuid(id)) throw notFound('document');
    const doc = await service.downloadDocument(db, request.actor!, id);
    if (!doc) throw notFound('document');
    return sendDownload(reply, doc);
  });

  registerShareRoutes(app, db, { recordType: service.RECORD_TYPE, base: '/documents', what: 'document', roles: WRITERS, find: service.shareable });
  await letterRoutes(app, db);
}
