// People pages: list, add, view, edit (with conflict detection) and share.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../app.ts';
import { addNavigation, setFlash } from '../../platform/http/render.ts';
import { notFound, forbidden } from '../../platform/http/errors.ts';
import { choice, dateInput, isUuid, requiredText, uuid } from '../../platform/http/fields.ts';
import { addError, formValue, zodToFormErrors } from '../../platform/http/forms.ts';
import { GENDERS, parsePersonForm, valuesFromPerson } from './fields.ts';
import { CONTACT_METHODS, VULNERABILITIES, WARNING_MARKERS } from './labels.ts';
import * as service from './service.ts';
import { personDetailRoutes } from './details-routes.ts';
import { personMergeRoutes } from './merge-routes.ts';
import { mergeNotices } from './merge-service.ts';
import { personPanelFor as caseReviewPanelFor } from '../case-reviews/service.ts';
import { personView } from './person-view.ts';
import { confirmNewPerson } from '../matching/confirm-step.ts';

export const WRITERS = ['case_officer', 'coordinator', 'manager', 'partner_user', 'partnership_admin'] as const;

/** What the add and edit forms need besides the values: the lists to choose from. */
const FORM_LISTS = { genders: GENDERS, contactMethods: CONTACT_METHODS, vulnerabilityList: VULNERABILITIES, warningList: WARNING_MARKERS };

const shareForm = z.object({
  target_kind: choice(['organisation', 'team', 'user'] as const, 'Select who to share with'),
  access: choice(['view', 'edit'] as const, 'Select whether they can view or also edit'),
  reason: requiredText('Enter the reason for sharing, for example the information sharing agreement it falls under', 500, 'Reason must be 500 characters or fewer'),
});

export async function peopleRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  addNavigation({ text: 'People', href: '/people' });
  const writers = { config: { roles: [...WRITERS] } };

  const idParam = (params: unknown) => {
    const id = (params as { id?: string }).id;
    if (!isUuid(id)) throw notFound('person');
    return id;
  };

  app.get('/people', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const q = typeof query.q === 'string' ? query.q.trim().slice(0, 100) || null : null;
    const page = Math.min(Math.max(Number.parseInt(String(query.page ?? '1'), 10) || 1, 1), 10_000);
    const result = await service.listPeople(db, request.actor!, q, page);
    return reply.render('people/views/list.njk', { pageTitle: 'People', q, page, ...result });
  });

  app.get('/people/new', writers, async (_request, reply) =>
    reply.render('people/views/form.njk', { pageTitle: 'Add a person', values: {}, lists: {}, ...FORM_LISTS, action: '/people', backLink: '/people' }),
  );

  app.post('/people', writers, async (request, reply) => {
    const { fields, errors, values, lists } = parsePersonForm(request.body);
    if (!fields) return reply.code(400).render('people/views/form.njk', { pageTitle: 'Add a person', values, lists, errors, ...FORM_LISTS, action: '/people', backLink: '/people' });
    const missing = await service.missingRequiredFields(db, request.actor!, fields);
    if (missing.list.length) return reply.code(400).render('people/views/form.njk', { pageTitle: 'Add a person', values, lists, errors: missing, ...FORM_LISTS, action: '/people', backLink: '/people' });
    // Before a new record is made: anyone the partnership already holds who may be this person.
    const match = await confirmNewPerson(db, request, reply, { fields, values, lists, action: '/people', formPage: { pageTitle: 'Add a person', ...FORM_LISTS, backLink: '/people' } });
    if (match.handled) return match.reply;
    const id = await service.createPerson(db, request.actor!, fields);
    setFlash(reply, `${fields.first_name} ${fields.last_name} has been added`);
    return reply.redirect(`/people/${id}`);
  });

  app.get('/people/:id', async (request, reply) => {
    const found = await service.viewPerson(db, request.actor!, idParam(request.params));
    if (!found) throw notFound('person');
    const merges = await mergeNotices(db, request.actor!, found.person.id);
    const caseReviewPanel = await caseReviewPanelFor(db, request.actor!, found.person.id);
    return reply.render('people/views/show.njk', { pageTitle: `${found.person.first_name} ${found.person.last_name}`, ...found, ...personView(found), merges, caseReviewPanel, backLink: '/people' });
  });

  app.get('/people/:id/edit', writers, async (request, reply) => {
    const id = idParam(request.params);
    const found = await service.personForEdit(db, request.actor!, id);
    if (!found) throw notFound('person');
    if (!found.canEdit) throw forbidden('You can view this person but not change them. Ask the organisation that holds the record for edit access.');
    if (found.person.merged_into_id) throw forbidden('This record has been merged into another record. Make changes to that record instead.');
    return reply.render('people/views/form.njk', {
      pageTitle: 'Change person details',
      ...valuesFromPerson(found.person),
      version: found.person.version,
      ...FORM_LISTS,
      action: `/people/${id}/edit`,
      backLink: `/people/${id}`,
    });
  });

  app.post('/people/:id/edit', writers, async (request, reply) => {
    const id = idParam(request.params);
    const version = Number.parseInt(formValue(request.body, 'version'), 10);
    const { fields, errors, values, lists } = parsePersonForm(request.body);
    const formCtx = { pageTitle: 'Change person details', values, lists, version, ...FORM_LISTS, action: `/people/${id}/edit`, backLink: `/people/${id}` };
    if (!Number.isInteger(version)) throw notFound('person');
    if (!fields) return reply.code(400).render('people/views/form.njk', { ...formCtx, errors });
    const missing = await service.missingRequiredFields(db, request.actor!, fields);
    if (missing.list.length) return reply.code(400).render('people/views/form.njk', { ...formCtx, errors: missing });
    const result = await service.updatePerson(db, request.actor!, id, version, fields);
    if (result.kind === 'not_found') throw notFound('person');
    if (result.kind === 'merged') throw forbidden('This record has been merged into another record. Make changes to that record instead.');
    if (result.kind === 'conflict') {
      // Show both versions: what is saved now and what this user typed, so nothing is lost.
      return reply.code(409).render('people/views/conflict.njk', {
        ...formCtx,
        pageTitle: 'Someone else changed this person',
        current: result.current,
        yours: fields,
        version: result.current.version,
      });
    }
    setFlash(reply, 'The changes have been saved');
    return reply.redirect(`/people/${id}`);
  });

  app.get('/people/:id/share', writers, async (request, reply) => {
    const id = idParam(request.params);
    const options = await service.sharingOptions(db, request.actor!, id);
    if (!options) throw notFound('person');
    return reply.render('people/views/share.njk', { pageTitle: 'Share this person', ...options, values: {}, backLink: `/people/${id}` });
  });

  app.post('/people/:id/share', writers, async (request, reply) => {
    const id = idParam(request.params);
    const options = await service.sharingOptions(db, request.actor!, id);
    if (!options) throw notFound('person');
    const parsed = shareForm.safeParse(request.body);
    const errors = parsed.success ? { list: [], byField: {} } : zodToFormErrors(parsed.error);
    const kind = parsed.success ? parsed.data.target_kind : null;
    const targetId = kind ? formValue(request.body, `target_${kind}`) : '';
    const validIds = kind === 'organisation' ? options.targets.organisations : kind === 'team' ? options.targets.teams : kind === 'user' ? options.targets.users : [];
    if (kind && (!uuid('x').safeParse(targetId).success || !validIds.some((t) => t.id === targetId))) {
      addError(errors, `target_${kind}`, `Select the ${kind} to share with`);
    }
    const expiry = dateInput(request.body, 'expires', 'the date sharing ends');
    if ('error' in expiry && expiry.error) addError(errors, 'expires', expiry.error);
    else if (expiry.value && expiry.value < new Date().toISOString().slice(0, 10)) addError(errors, 'expires', 'The date sharing ends must be today or in the future');
    if (errors.list.length || !parsed.success || !kind) {
      const values: Record<string, string> = {};
      for (const k of ['target_kind', 'target_organisation', 'target_team', 'target_user', 'access', 'reason', 'expires-day', 'expires-month', 'expires-year']) values[k] = formValue(request.body, k).slice(0, 500);
      return reply.code(400).render('people/views/share.njk', { pageTitle: 'Share this person', ...options, values, errors, backLink: `/people/${id}` });
    }
    await service.sharePerson(db, request.actor!, {
      recordId: id,
      target: { kind, id: targetId },
      access: parsed.data.access,
      reason: parsed.data.reason,
      expiresAt: ('value' in expiry && expiry.value) || null,
    });
    setFlash(reply, 'The person has been shared');
    return reply.redirect(`/people/${id}`);
  });

  app.post('/people/:id/shares/:shareId/revoke', writers, async (request, reply) => {
    const id = idParam(request.params);
    const shareId = (request.params as { shareId: string }).shareId;
    if (!isUuid(shareId)) throw notFound('share');
    const ok = await service.unsharePerson(db, request.actor!, id, shareId);
    if (!ok) throw notFound('share');
    setFlash(reply, 'Sharing has been stopped');
    return reply.redirect(`/people/${id}`);
  });

  await personDetailRoutes(app, deps);
  await personMergeRoutes(app, deps);
}
