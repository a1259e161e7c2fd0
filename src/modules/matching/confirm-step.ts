// The "Is this one of these people?" step of adding a person, for browsers without JavaScript (and
// as the backstop with it): a valid new person is not saved at once if the partnership may already
// hold them. The officer picks an existing record, says the person is new, or goes back to change
// what they typed — all of which travels in hidden fields, so nothing typed is lost.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { setFlash } from '../../platform/http/render.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue } from '../../platform/http/forms.ts';
import { lookupFromPersonFields } from './fields.ts';
import { lookUpPeople } from './service.ts';
import { stubView } from './present.ts';

type Step = { handled: true; reply: FastifyReply } | { handled: false };

export async function confirmNewPerson(
  db: Kysely<DB>,
  request: FastifyRequest,
  reply: FastifyReply,
  opts: {
    fields: Parameters<typeof lookupFromPersonFields>[0];
    values: Record<string, string>;
    lists: Record<string, string[]>;
    action: string;
    /** The form page to go back to, and what it needs besides the values. */
    formTemplate?: string;
    formPage: Record<string, unknown>;
  },
): Promise<Step> {
  const body = request.body;
  const values = Object.fromEntries(Object.entries(opts.values).filter(([k]) => !k.startsWith('match_')));
  if (formValue(body, 'match_edit')) {
    return { handled: true, reply: reply.render(opts.formTemplate ?? 'people/views/form.njk', { ...opts.formPage, values, lists: opts.lists, action: opts.action }) };
  }
  const choice = formValue(body, 'match_choice');
  if (choice === 'new') return { handled: false };
  if (isUuid(choice)) {
    setFlash(reply, 'Nothing new was saved. This is the record you chose.');
    return { handled: true, reply: reply.redirect(`/people/${choice}`) };
  }
  const found = await lookUpPeople(db, request.actor!, lookupFromPersonFields(opts.fields), 'people_form');
  if (!found.matches.length && !found.stubs.length) return { handled: false };
  const errors = emptyErrors();
  if (formValue(body, 'match_step')) addError(errors, 'match_choice', 'Select the person if they are one of these, or that they are someone new');
  const name = [opts.fields.first_name, opts.fields.last_name].join(' ');
  return {
    handled: true,
    reply: reply.code(errors.list.length ? 400 : 200).render('matching/views/confirm-person.njk', {
      pageTitle: found.matches.length ? 'Is this one of these people?' : 'This person may already be recorded',
      typed: { name, dateOfBirth: opts.fields.date_of_birth },
      found: { matches: found.matches, stubs: found.stubs.map(stubView) },
      values,
      lists: opts.lists,
      action: opts.action,
      errors,
    }),
  };
}
