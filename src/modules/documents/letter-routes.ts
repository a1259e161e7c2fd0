// Creating a letter from a template, from a case (/cases/:id/letters/new) or from an intervention
// (/interventions/:id/letters/new): choose the template and the recipient, and the filled-in letter
// is stored as a document on the case, the intervention and the person, ready to download.
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { setFlash } from '../../platform/http/render.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue } from '../../platform/http/forms.ts';
import * as service from './service.ts';

const WRITERS = { config: { roles: ['case_officer', 'coordinator', 'manager', 'partner_user', 'partnership_admin'] as const } };

const SOURCES = [
  { base: '/cases', what: 'case', source: (id: string): service.LetterSource => ({ caseId: id, interventionId: null }) },
  { base: '/interventions', what: 'intervention', source: (id: string): service.LetterSource => ({ caseId: null, interventionId: id }) },
] as const;

export async function letterRoutes(app: FastifyInstance, db: Kysely<DB>) {
  for (const s of SOURCES) {
    const idOf = (params: unknown) => {
      const id = (params as { id?: string }).id;
      if (!isUuid(id)) throw notFound(s.what);
      return id;
    };
    const load = async (actor: Parameters<typeof service.letterContext>[1], id: string) => {
      const ctx = await service.letterContext(db, actor, s.source(id));
      if (ctx.kind === 'not_found') throw notFound(s.what);
      if (ctx.kind === 'forbidden') throw forbidden(`You can view this ${s.what} but not change it, so you cannot add a letter to it. Ask the organisation that holds it for edit access.`);
      return ctx;
    };
    const page = (id: string, ctx: Awaited<ReturnType<typeof load>>, values: Record<string, string>, errors = emptyErrors()) => ({
      pageTitle: 'Create a letter',
      ...ctx,
      action: `${s.base}/${id}/letters`,
      backLink: `${s.base}/${id}`,
      values,
      errors,
    });

    app.get(`${s.base}/:id/letters/new`, { config: { roles: [...WRITERS.config.roles] } }, async (request, reply) => {
      const id = idOf(request.params);
      const ctx = await load(request.actor!, id);
      const q = request.query;
      const intervention = isUuid(formValue(q, 'intervention')) ? formValue(q, 'intervention') : (ctx.intervention?.id ?? '');
      const person = isUuid(formValue(q, 'person')) ? formValue(q, 'person') : (ctx.intervention?.person_id ?? (ctx.people.length === 1 ? ctx.people[0]!.id : ''));
      const kind = ctx.interventions.find((v) => v.id === intervention)?.kind;
      const template = ctx.templates.find((t) => kind && t.intervention_kind === kind)?.id ?? '';
      return reply.render('documents/views/letter.njk', page(id, ctx, { intervention, person, template }));
    });

    app.post(`${s.base}/:id/letters`, { config: { roles: [...WRITERS.config.roles] } }, async (request, reply) => {
      const id = idOf(request.params);
      const actor = request.actor!;
      const values = { template: formValue(request.body, 'template').slice(0, 40), person: formValue(request.body, 'person').slice(0, 40), intervention: formValue(request.body, 'intervention').slice(0, 40) };
      const errors = emptyErrors();
      if (!isUuid(values.template)) addError(errors, 'template', 'Select a letter template');
      if (!isUuid(values.person)) addError(errors, 'person', 'Select who the letter is to');
      if (values.intervention && !isUuid(values.intervention)) addError(errors, 'intervention', 'Select an intervention on this case');
      const result = errors.list.length
        ? null
        : await service.generateLetter(db, actor, s.source(id), { templateId: values.template, personId: values.person, interventionId: values.intervention || null });
      if (result?.kind === 'not_found') throw notFound(s.what);
      if (result?.kind === 'forbidden') throw forbidden();
      if (result?.kind === 'invalid') addError(errors, result.field, result.message);
      if (!result || result.kind !== 'created') return reply.code(400).render('documents/views/letter.njk', page(id, await load(actor, id), values, errors));
      setFlash(reply, 'The letter has been created. Download it, check it and send it.');
      return reply.redirect(`/documents/${result.id}`);
    });
  }
}
