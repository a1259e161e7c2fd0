// Changes to a case's parts, each from its section of the case page: notes (added, never edited),
// incidents on the case, linked cases, and sharing (owner organisation only).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../app.ts';
import { setFlash } from '../../platform/http/render.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import { choice, dateInput, requiredText, uuid } from '../../platform/http/fields.ts';
import {
  addError,
  emptyErrors,
  formValue,
  zodToFormErrors,
  type FormErrors,
} from '../../platform/http/forms.ts';
import { parseLinkForm, parseNoteForm } from './fields.ts';
import { WRITERS, idParam, labels } from './http.ts';
import * as service from './service.ts';

type SectionRenderer = (
  reply: FastifyReply,
  template: string,
  found: { case: { id: string; title: string; reference: string }; access: { share: boolean } },
  key: string,
  context: Record<string, unknown>,
  status?: number,
) => FastifyReply;

const shareForm = z.object({
  target_kind: choice(['organisation', 'team', 'user'] as const, 'Select who to share with'),
  access: choice(['view', 'edit'] as const, 'Select whether they can view or also edit'),
  reason: requiredText(
    'Enter the reason for sharing, for example the information sharing agreement it falls under',
    500,
    'Reason must be 500 characters or fewer',
  ),
});

const CANNOT_CHANGE =
  'You can view this case but not change it. Ask the organisation that holds it for edit access.';

export async function caseChildRoutes(app: FastifyInstance, deps: AppDeps, section: SectionRenderer) {
  const { db } = deps.database;

  /** Shows a section again with the form's errors and what was typed. */
  const again = async (
    reply: FastifyReply,
    id: string,
    key: 'notes' | 'incidents' | 'links',
    template: string,
    errors: FormErrors,
    values: Record<string, unknown>,
  ) => {
    const actor = reply.request.actor!;
    const found = await service.viewCase(db, actor, id, key);
    if (!found) throw notFound('case');
    if (!found.access.edit) throw forbidden(CANNOT_CHANGE);
    return section(
      reply,
      template,
      found,
      key,
      { errors, values, canWrite: true, canSupervise: actor.roles.includes('manager'), timeline: [] },
      400,
    );
  };

  const settle = <T>(result: service.Outcome<T>): T => {
    if (result.kind === 'not_found') throw notFound('case');
    if (result.kind === 'forbidden') throw forbidden(CANNOT_CHANGE);
    return result.value;
  };

  // --- notes --------------------------------------------------------------------------------------

  app.post('/cases/:id/notes', WRITERS, async (request, reply) => {
    const id = idParam(request.params);
    const actor = request.actor!;
    const { fields, errors, values } = parseNoteForm(request.body, actor.roles.includes('manager'));
    if (!fields) return again(reply, id, 'notes', 'notes.njk', errors, values);
    settle(await service.addNote(db, actor, id, fields.kind, fields.body));
    setFlash(
      reply,
      fields.kind === 'supervision' ? 'The supervision note has been added' : 'The note has been added',
    );
    return reply.redirect(`/cases/${id}/notes`);
  });

  // --- incidents on the case ----------------------------------------------------------------------

  app.post('/cases/:id/incidents', WRITERS, async (request, reply) => {
    const id = idParam(request.params);
    const reference = formValue(request.body, 'incident_reference').trim().slice(0, 40);
    const values = { incident_reference: reference };
    if (!reference)
      return again(
        reply,
        id,
        'incidents',
        'incidents.njk',
        addError(
          emptyErrors(),
          'incident_reference',
          'Enter the reference of the incident to add, like INC-0000123',
        ),
        values,
      );
    const result = settle(await service.addIncident(db, request.actor!, id, reference));
    if (result === 'no_such_incident') {
      return again(
        reply,
        id,
        'incidents',
        'incidents.njk',
        addError(
          emptyErrors(),
          'incident_reference',
          'There is no incident you can see with that reference. Check it and try again',
        ),
        values,
      );
    }
    if (result === 'already_on_case') {
      return again(
        reply,
        id,
        'incidents',
        'incidents.njk',
        addError(emptyErrors(), 'incident_reference', 'That incident is already on this case'),
        values,
      );
    }
    setFlash(reply, 'The incident has been added to the case');
    return reply.redirect(`/cases/${id}/incidents`);
  });

  app.post('/cases/:id/incidents/:incidentId/remove', WRITERS, async (request, reply) => {
    const id = idParam(request.params);
    const incidentId = idParam(request.params, 'incidentId', 'incident');
    const removed = settle(await service.removeIncident(db, request.actor!, id, incidentId));
    if (!removed) throw notFound('incident on this case');
    setFlash(reply, 'The incident has been taken off the case');
    return reply.redirect(`/cases/${id}/incidents`);
  });

  // --- linked cases -------------------------------------------------------------------------------

  app.post('/cases/:id/links', WRITERS, async (request, reply) => {
    const id = idParam(request.params);
    const { fields, errors, values } = parseLinkForm(request.body);
    if (!fields) return again(reply, id, 'links', 'links.njk', errors, values);
    const result = settle(await service.addLink(db, request.actor!, id, fields.reference, fields.reason));
    const problem: Record<string, string> = {
      no_such_case: 'There is no case you can see with that reference. Check it and try again',
      same_case: 'A case cannot be linked to itself',
      already_linked: 'The cases are already linked',
    };
    if (result !== 'linked')
      return again(
        reply,
        id,
        'links',
        'links.njk',
        addError(emptyErrors(), 'reference', problem[result]!),
        values,
      );
    setFlash(reply, 'The cases have been linked');
    return reply.redirect(`/cases/${id}/links`);
  });

  app.post('/cases/:id/links/:otherId/remove', WRITERS, async (request, reply) => {
    const id = idParam(request.params);
    const otherId = idParam(request.params, 'otherId', 'linked case');
    const removed = settle(await service.removeLink(db, request.actor!, id, otherId));
    if (!removed) throw notFound('linked case');
    setFlash(reply, 'The cases are no longer linked');
    return reply.redirect(`/cases/${id}/links`);
  });

  // --- sharing --------------------------------------------------------------------------------------

  const sharePage = (
    reply: FastifyReply,
    options: NonNullable<Awaited<ReturnType<typeof service.sharingOptions>>>,
    values: Record<string, string>,
    errors?: FormErrors,
  ) =>
    reply.code(errors ? 400 : 200).render('cases/views/share.njk', {
      pageTitle: 'Share this case',
      labels,
      ...options,
      values,
      errors,
      backLink: `/cases/${options.case.id}/sharing`,
    });

  app.get('/cases/:id/share', WRITERS, async (request, reply) => {
    const options = await service.sharingOptions(db, request.actor!, idParam(request.params));
    if (!options) throw notFound('case');
    return sharePage(reply, options, {});
  });

  app.post('/cases/:id/share', WRITERS, async (request, reply) => {
    const id = idParam(request.params);
    const options = await service.sharingOptions(db, request.actor!, id);
    if (!options) throw notFound('case');
    const parsed = shareForm.safeParse(request.body ?? {});
    const errors = parsed.success ? emptyErrors() : zodToFormErrors(parsed.error);
    const kind = parsed.success ? parsed.data.target_kind : null;
    const targetId = kind ? formValue(request.body, `target_${kind}`).trim().toLowerCase() : '';
    const valid =
      kind === 'organisation'
        ? options.targets.organisations
        : kind === 'team'
          ? options.targets.teams
          : kind === 'user'
            ? options.targets.users
            : [];
    if (kind && (!uuid('x').safeParse(targetId).success || !valid.some((t) => t.id === targetId)))
      addError(errors, `target_${kind}`, `Select the ${kind} to share with`);
    const expiry = dateInput(request.body, 'expires', 'the date sharing ends');
    if ('error' in expiry && expiry.error) addError(errors, 'expires', expiry.error);
    else if (expiry.value && expiry.value < new Date().toISOString().slice(0, 10))
      addError(errors, 'expires', 'The date sharing ends must be today or in the future');
    if (errors.list.length || !parsed.success || !kind) {
      const values: Record<string, string> = {};
      for (const k of [
        'target_kind',
        'target_organisation',
        'target_team',
        'target_user',
        'access',
        'reason',
        'expires-day',
        'expires-month',
        'expires-year',
      ])
        values[k] = formValue(request.body, k).slice(0, 500);
      return sharePage(reply, options, values, errors);
    }
    await service.shareCase(db, request.actor!, {
      recordId: id,
      target: { kind, id: targetId },
      access: parsed.data.access,
      reason: parsed.data.reason,
      expiresAt: ('value' in expiry && expiry.value) || null,
    });
    setFlash(reply, 'The case has been shared');
    return reply.redirect(`/cases/${id}/sharing`);
  });

  app.post('/cases/:id/shares/:shareId/revoke', WRITERS, async (request, reply) => {
    const id = idParam(request.params);
    const shareId = idParam(request.params, 'shareId', 'share');
    const ok = await service.unshareCase(db, request.actor!, id, shareId);
    if (!ok) throw notFound('share');
    setFlash(reply, 'Sharing has been stopped');
    return reply.redirect(`/cases/${id}/sharing`);
  });
}
