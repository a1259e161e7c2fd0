// Loading incidents from a file: the form (file and an optional partner to share them with), the
// result of a load (what was added, what was there already, each rejected row and why) and the
// format's description. Multipart bodies are parsed only in this scope, as for document uploads.
import type { FastifyInstance, FastifyReply } from 'fastify';
import multipart from '@fastify/multipart';
import type { AppDeps } from '../../app.ts';
import type { Role } from '../../platform/db/schema.ts';
import type { Actor } from '../../platform/http/context.ts';
import { notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, type FormErrors } from '../../platform/http/forms.ts';
import { readMultipart } from '../../platform/http/multipart.ts';
import { COLUMNS, MAX_ROWS, parseImportFile, REQUIRED_COLUMNS } from './format.ts';
import * as service from './service.ts';
import { CATEGORY_NAMES } from '../incidents/labels.ts';

/** Who loads files: the organisation's own recording staff, not partners or analysts. */
export const IMPORTERS: Role[] = ['case_officer', 'coordinator', 'manager'];
export const FILE_LIMIT_BYTES = 5 * 1024 * 1024;

export async function incidentImportRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const importers = { config: { roles: IMPORTERS } };

  const formPage = async (reply: FastifyReply, actor: Actor, ctx: { values?: Record<string, string>; errors?: FormErrors }, status = 200) => {
    const context = await service.importContext(db, actor);
    return reply.code(status).render('incident-import/views/form.njk', {
      pageTitle: 'Load incidents from a file',
      backLink: '/incidents',
      action: `/incidents/import?_csrf=${encodeURIComponent(reply.request.csrfToken)}`,
      columns: COLUMNS,
      required: REQUIRED_COLUMNS,
      maxRows: MAX_ROWS,
      values: {},
      ...context,
      ...ctx,
    });
  };

  app.get('/incidents/import', importers, async (request, reply) => formPage(reply, request.actor!, {}));

  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: FILE_LIMIT_BYTES, files: 1 }, throwFileSizeLimit: false });
    scope.post('/incidents/import', importers, async (request, reply) => {
      const actor = request.actor!;
      const form = await readMultipart(request, FILE_LIMIT_BYTES);
      const errors = emptyErrors();
      const values = 'fields' in form ? { share_with: form.fields.share_with ?? '' } : { share_with: '' };
      const context = await service.importContext(db, actor);
      const shareWith = values.share_with && values.share_with !== 'none' ? values.share_with : null;
      if (shareWith && !(isUuid(shareWith) && context.partners.some((p) => p.id === shareWith))) addError(errors, 'share_with', 'Select an organisation of the partnership, or not to share');
      if ('error' in form) addError(errors, 'file', form.error);
      else if (!form.file) addError(errors, 'file', 'Select a CSV file to load');
      else if (form.file.tooLarge) addError(errors, 'file', 'The selected file must be smaller than 5 MB');
      const file = 'fields' in form ? form.file : null;
      const parsed = file && !errors.list.length ? parseImportFile(file.content, new Date()) : null;
      if (parsed?.kind === 'unreadable') addError(errors, 'file', parsed.message);
      else if (parsed?.kind === 'ok' && parsed.rows.length === 0) addError(errors, 'file', `No row of the file could be loaded. ${parsed.problems.slice(0, 3).map((p) => p.message).join('. ')}`);
      if (errors.list.length || !file || parsed?.kind !== 'ok') return formPage(reply, actor, { values, errors }, file?.tooLarge ? 413 : 400);
      const filename = (file.filename || 'incidents.csv').slice(0, 200);
      const summary = await service.importIncidents(db, actor, { filename, rows: parsed.rows, problems: parsed.problems }, shareWith);
      return reply.redirect(`/incidents/import/${summary.id}`, 303);
    });
  });

  app.get('/incidents/import/:id', importers, async (request, reply) => {
    const id = (request.params as { id?: string }).id;
    if (!isUuid(id)) throw notFound('load');
    const found = await service.viewImport(db, request.actor!, id);
    if (!found) throw notFound('load');
    const created = await service.incidentsOfImport(db, request.actor!, found.id);
    return reply.render('incident-import/views/result.njk', {
      pageTitle: `Loaded ${found.filename}`,
      backLink: '/incidents/import',
      load: found,
      created,
      categoryNames: CATEGORY_NAMES,
    });
  });
}
