// Pages for a person's aliases, address history and links to other people. Lookups (an address by
// postcode, a person by name) are GET forms that re-render the page, so no JavaScript is needed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../app.ts';
import { setFlash } from '../../platform/http/render.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import { checkbox, choice, dateInput, isUuid, optionalText, requiredText } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, zodToFormErrors } from '../../platform/http/forms.ts';
import { parsePostcode } from '../../platform/geo/postcode.ts';
import { parseUprn } from '../addresses/service.ts';
import { ALIAS_KINDS, keysOf, RELATIONSHIPS } from './labels.ts';
import * as details from './details-service.ts';

const WRITERS = ['case_officer', 'coordinator', 'manager', 'partner_user', 'partnership_admin'] as const;

const aliasForm = z.object({
  kind: choice(keysOf(ALIAS_KINDS), 'Select what kind of name this is'),
  first_name: optionalText(100, 'First name must be 100 characters or fewer'),
  last_name: requiredText('Enter the last name they use or used', 100, 'Last name must be 100 characters or fewer'),
});

const addressForm = z.object({
  uprn: optionalText(20, 'Select an address from the list'),
  address: optionalText(500, 'Address must be 500 characters or fewer'),
  postcode: optionalText(10, 'Enter a real postcode, like LE11 3AB').refine((v) => v === null || !!parsePostcode(v), { message: 'Enter a real postcode, like LE11 3AB' }),
  end_previous: checkbox(),
});

const linkForm = z.object({
  other_person_id: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string().refine(isUuid, { message: 'Select the person to link to' })),
  relationship: choice(keysOf(RELATIONSHIPS), 'Select how they are related'),
});

/** Query-string text, trimmed and capped: lookups never trust its length. */
const queryText = (query: unknown, key: string, max = 100) => {
  const v = (query as Record<string, unknown> | undefined)?.[key];
  const s = typeof v === 'string' ? v.trim().slice(0, max) : '';
  return s || null;
};

const echo = (body: unknown, keys: string[]) => Object.fromEntries(keys.map((k) => [k, formValue(body, k).slice(0, 500)]));

export async function personDetailRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const writers = { config: { roles: [...WRITERS] } };

  const ids = (params: unknown, child?: string) => {
    const p = params as Record<string, string | undefined>;
    if (!isUuid(p.id)) throw notFound('person');
    if (child && !isUuid(p[child])) throw notFound('page');
    return { id: p.id, childId: child ? p[child]! : '' };
  };

  /** Turns a refusal from the service into the right error page. */
  const refuse = (kind: string) => {
    if (kind === 'forbidden') return forbidden('You can view this person but not change them. Ask the organisation that holds the record for edit access.');
    if (kind === 'merged') return forbidden('This record has been merged into another record. Make changes to that record instead.');
    return notFound('person');
  };

  const done = (reply: FastifyReply, id: string, message: string, anchor: string) => {
    setFlash(reply, message);
    return reply.redirect(`/people/${id}#${anchor}`);
  };

  // Aliases ------------------------------------------------------------------------------------------

  app.get('/people/:id/aliases/new', writers, async (request, reply) => {
    const { id } = ids(request.params);
    const r = await details.personToChange(db, request.actor!, id);
    if (r.kind !== 'ok') throw refuse(r.kind);
    return reply.render('people/views/alias-form.njk', { pageTitle: 'Add another name', person: r.person, kinds: ALIAS_KINDS, values: {}, backLink: `/people/${id}` });
  });

  app.post('/people/:id/aliases', writers, async (request, reply) => {
    const { id } = ids(request.params);
    const parsed = aliasForm.safeParse(request.body ?? {});
    if (!parsed.success) {
      const r = await details.personToChange(db, request.actor!, id);
      if (r.kind !== 'ok') throw refuse(r.kind);
      return reply.code(400).render('people/views/alias-form.njk', {
        pageTitle: 'Add another name',
        person: r.person,
        kinds: ALIAS_KINDS,
        values: echo(request.body, ['kind', 'first_name', 'last_name']),
        errors: zodToFormErrors(parsed.error),
        backLink: `/people/${id}`,
      });
    }
    const r = await details.addAlias(db, request.actor!, id, parsed.data);
    if (r.kind !== 'ok') throw refuse(r.kind);
    return done(reply, id, 'The name has been added', 'names');
  });

  app.post('/people/:id/aliases/:aliasId/remove', writers, async (request, reply) => {
    const { id, childId } = ids(request.params, 'aliasId');
    const r = await details.removeAlias(db, request.actor!, id, childId);
    if (r.kind !== 'ok') throw refuse(r.kind);
    return done(reply, id, 'The name has been removed', 'names');
  });

  // Address history ----------------------------------------------------------------------------------

  const renderAddressForm = async (request: FastifyRequest, reply: FastifyReply, id: string, lookup: { postcode: string | null; text: string | null }, extra: Record<string, unknown> = {}) => {
    const pc = lookup.postcode;
    const lookupErrors = emptyErrors();
    if (pc && !parsePostcode(pc)) addError(lookupErrors, 'lookup_postcode', 'Enter a real postcode, like LE11 3AB');
    const r = await details.addressChoices(db, request.actor!, id, { postcode: lookupErrors.list.length ? null : pc, text: lookup.text });
    if (r.kind !== 'ok') throw refuse(r.kind);
    return reply.render('people/views/address-form.njk', {
      pageTitle: 'Add an address',
      person: r.person,
      found: r.found,
      lookup,
      looked: !!(pc || lookup.text),
      lookupErrors,
      values: {},
      backLink: `/people/${id}`,
      ...(lookupErrors.list.length && !extra.errors ? { errors: lookupErrors } : {}),
      ...extra,
    });
  };

  app.get('/people/:id/addresses/new', writers, async (request, reply) => {
    const { id } = ids(request.params);
    return renderAddressForm(request, reply, id, { postcode: queryText(request.query, 'postcode', 20), text: queryText(request.query, 'q') });
  });

  app.post('/people/:id/addresses', writers, async (request, reply) => {
    const { id } = ids(request.params);
    const body = request.body;
    const parsed = addressForm.safeParse(body ?? {});
    const errors = parsed.success ? emptyErrors() : zodToFormErrors(parsed.error);
    const from = dateInput(body, 'from_date', 'the date they moved in', { past: true });
    const to = dateInput(body, 'to_date', 'the date they moved out', { past: true });
    if ('error' in from && from.error) addError(errors, 'from_date', from.error);
    if ('error' in to && to.error) addError(errors, 'to_date', to.error);
    const fromDate = 'value' in from ? (from.value ?? null) : null;
    const toDate = 'value' in to ? (to.value ?? null) : null;
    if (fromDate && toDate && toDate < fromDate) addError(errors, 'to_date', 'The date they moved out must be on or after the date they moved in');
    let uprn: number | null = null;
    if (parsed.success) {
      if (parsed.data.uprn) {
        uprn = parseUprn(parsed.data.uprn);
        if (!uprn) addError(errors, 'uprn', 'Select an address from the list');
      } else if (!parsed.data.address) {
        addError(errors, 'address', 'Select an address from the list or enter the address');
      }
    }
    const lookup = { postcode: formValue(body, 'lookup_postcode').trim().slice(0, 20) || null, text: formValue(body, 'lookup_q').trim().slice(0, 100) || null };
    const values = echo(body, ['uprn', 'address', 'postcode', 'end_previous', 'from_date-day', 'from_date-month', 'from_date-year', 'to_date-day', 'to_date-month', 'to_date-year']);
    if (!parsed.success || errors.list.length) return renderAddressForm(request, reply.code(400), id, lookup, { errors, values });
    const pc = parsePostcode(parsed.data.postcode);
    const r = await details.addAddress(db, request.actor!, id, {
      uprn,
      address: parsed.data.address,
      postcode: pc?.display ?? null,
      from_date: fromDate,
      to_date: toDate,
      end_previous: parsed.data.end_previous,
    });
    if (r.kind === 'unknown_uprn') {
      addError(errors, 'uprn', 'That address is not in the gazetteer: look it up again or enter it yourself');
      return renderAddressForm(request, reply.code(400), id, lookup, { errors, values });
    }
    if (r.kind !== 'ok') throw refuse(r.kind);
    return done(reply, id, 'The address has been added', 'addresses');
  });

  app.post('/people/:id/addresses/:addressId/remove', writers, async (request, reply) => {
    const { id, childId } = ids(request.params, 'addressId');
    const r = await details.removeAddress(db, request.actor!, id, childId);
    if (r.kind !== 'ok') throw refuse(r.kind);
    return done(reply, id, 'The address has been removed', 'addresses');
  });

  // Links between people -------------------------------------------------------------------------------

  const renderLinkForm = async (request: FastifyRequest, reply: FastifyReply, id: string, q: string | null, extra: Record<string, unknown> = {}) => {
    const r = await details.linkChoices(db, request.actor!, id, q);
    if (r.kind !== 'ok') throw refuse(r.kind);
    return reply.render('people/views/link-form.njk', {
      pageTitle: 'Link to another person',
      person: r.person,
      candidates: r.candidates,
      relationships: RELATIONSHIPS,
      q,
      values: {},
      backLink: `/people/${id}`,
      ...extra,
    });
  };

  app.get('/people/:id/links/new', writers, async (request, reply) => {
    const { id } = ids(request.params);
    return renderLinkForm(request, reply, id, queryText(request.query, 'q'));
  });

  app.post('/people/:id/links', writers, async (request, reply) => {
    const { id } = ids(request.params);
    const body = request.body;
    const q = formValue(body, 'q').trim().slice(0, 100) || null;
    const values = echo(body, ['other_person_id', 'relationship']);
    const parsed = linkForm.safeParse(body ?? {});
    if (!parsed.success) return renderLinkForm(request, reply.code(400), id, q, { errors: zodToFormErrors(parsed.error), values });
    const r = await details.addLink(db, request.actor!, id, parsed.data.other_person_id, parsed.data.relationship);
    const problem =
      r.kind === 'unknown_other' || r.kind === 'self' ? 'Select the person to link to' : r.kind === 'duplicate' ? 'These two people are already linked in this way' : null;
    if (problem) {
      const errors = addError(emptyErrors(), r.kind === 'duplicate' ? 'relationship' : 'other_person_id', problem);
      return renderLinkForm(request, reply.code(400), id, q, { errors, values });
    }
    if (r.kind !== 'ok') throw refuse(r.kind);
    return done(reply, id, 'The link has been added', 'links');
  });

  app.post('/people/:id/links/:linkId/remove', writers, async (request, reply) => {
    const { id, childId } = ids(request.params, 'linkId');
    const r = await details.removeLink(db, request.actor!, id, childId);
    if (r.kind !== 'ok') throw refuse(r.kind);
    return done(reply, id, 'The link has been removed', 'links');
  });
}
