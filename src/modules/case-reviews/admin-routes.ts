// Partnership administration of the Case Review threshold and timescales: one form, for partnership
// administrators, saved only if nobody else changed the settings since it was opened.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../app.ts';
import { setFlash } from '../../platform/http/render.ts';
import { subNavigation } from '../admin/http.ts';
import { addError, emptyErrors } from '../../platform/http/forms.ts';
import { parseSettings, versionOf } from './fields.ts';
import { ADMIN, labels } from './http.ts';
import { DEFAULTS, SETTING_KEYS, saveSettings, settingsForAdmin, type CaseReviewSettings } from './settings.ts';

const valuesOf = (s: CaseReviewSettings) => Object.fromEntries(SETTING_KEYS.map((k) => [k, s[k] === null ? '' : String(s[k])]));

export async function caseReviewAdminRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;

  const page = (reply: FastifyReply, context: Record<string, unknown>, status = 200) =>
    reply.code(status).render('case-reviews/views/settings.njk', {
      pageTitle: 'Case Review threshold and timescales',
      labels,
      defaults: DEFAULTS,
      // Shown among the other administration pages, with their navigation.
      adminNav: subNavigation('/admin/case-reviews'),
      ...context,
    });

  app.get('/admin/case-reviews', ADMIN, async (request, reply) => {
    const settings = await settingsForAdmin(db, request.actor!);
    return page(reply, { settings, values: valuesOf(settings), version: settings.version });
  });

  app.post('/admin/case-reviews', ADMIN, async (request, reply) => {
    const version = versionOf(request.body);
    const { fields, errors, values } = parseSettings(request.body);
    if (!fields) {
      const settings = await settingsForAdmin(db, request.actor!);
      return page(reply, { settings, values, errors, version }, 400);
    }
    const result = await saveSettings(db, request.actor!, version, fields);
    if (result.kind === 'conflict') {
      return page(
        reply,
        {
          settings: result.current,
          values,
          version: result.current.version,
          conflict: true,
          errors: addError(
            emptyErrors(),
            'saved-now',
            'Someone else changed these settings while you were working on them. Your answers are still below: check what is saved now, then save again.',
          ),
        },
        409,
      );
    }
    setFlash(reply, result.changed.length ? 'The Case Review settings have been saved' : 'Nothing was changed');
    return reply.redirect('/admin/case-reviews');
  });
}
