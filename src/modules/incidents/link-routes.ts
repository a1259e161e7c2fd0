// Adding and removing the people, vehicles and businesses of an incident already recorded. Only
// someone who may change the incident can; the database refuses anyone else as well.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../app.ts';
import type { Actor } from '../../platform/http/context.ts';
import { setFlash } from '../../platform/http/render.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, type FormErrors } from '../../platform/http/forms.ts';
import { readNewPerson, readPick, readVehicle } from './entries.ts';
import { BUSINESS_ROLES, LABELS, ROLES, type BusinessRole } from './labels.ts';
import { WRITERS } from './form-routes.ts';
import * as service from './service.ts';

type Params = Record<string, string | undefined>;

function uuidParam(params: unknown, key: string, what: string): string {
  const v = (params as Params)[key];
  if (!isUuid(v)) throw notFound(what);
  return v;
}

const cannotChange = () => forbidden('You can view this incident but not change it. Ask the organisation that holds the record for edit access.');

function outcome(r: string, id: string, reply: FastifyReply, message: string) {
  if (r === 'not_found') throw notFound('incident');
  if (r === 'forbidden') throw cannotChange();
  setFlash(reply, r === 'unchanged' ? 'Nothing has changed' : message);
  return reply.redirect(`/incidents/${id}`);
}

export async function incidentLinkRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const writers = { config: { roles: [...WRITERS] } };

  // --- people ---------------------------------------------------------------------------------------

  async function peoplePage(reply: FastifyReply, actor: Actor, id: string, status: number, values: Record<string, string>, errors: FormErrors) {
    const q = values.q?.trim().slice(0, 100) || null;
    const data = await service.linkPageData(db, actor, id, { personQuery: q });
    if (!data) throw notFound('incident');
    if (!data.canEdit) throw cannotChange();
    return reply.code(status).render('incidents/views/add-person.njk', {
      pageTitle: 'Add a person to the incident',
      incident: data.incident,
      matches: data.personMatches,
      personMarkers: data.personMarkers,
      searched: !!q,
      q,
      values,
      errors,
      dobRequired: data.personRequired.has('date_of_birth'),
      roles: ROLES,
      labels: LABELS,
      backLink: `/incidents/${id}`,
    });
  }

  app.get('/incidents/:id/people/add', writers, async (request, reply) => {
    const id = uuidParam(request.params, 'id', 'incident');
    return peoplePage(reply, request.actor!, id, 200, { q: formValue(request.query, 'q') }, emptyErrors());
  });

  app.post('/incidents/:id/people', writers, async (request, reply) => {
    const id = uuidParam(request.params, 'id', 'incident');
    const pick = readPick(request.body);
    const values = { q: formValue(request.body, 'q').slice(0, 100), person_pick: formValue(request.body, 'person_pick'), person_role: formValue(request.body, 'person_role') };
    if (!pick.id || !pick.role) return peoplePage(reply, request.actor!, id, 400, values, pick.errors);
    const r = await service.addExistingPerson(db, request.actor!, id, pick.id, pick.role);
    if (r === 'person_not_found') return peoplePage(reply, request.actor!, id, 400, values, addError(emptyErrors(), 'person_pick', 'Select the person to add from the list'));
    return outcome(r, id, reply, 'The person has been added to the incident');
  });

  app.post('/incidents/:id/people/new', writers, async (request, reply) => {
    const id = uuidParam(request.params, 'id', 'incident');
    const actor = request.actor!;
    const data = await service.linkPageData(db, actor, id, {});
    if (!data) throw notFound('incident');
    if (!data.canEdit) throw cannotChange();
    const r = readNewPerson(request.body, { dobRequired: data.personRequired.has('date_of_birth') });
    if (!r.entry) {
      const values: Record<string, string> = {};
      for (const k of ['new_first_name', 'new_last_name', 'new_dob-day', 'new_dob-month', 'new_dob-year', 'new_role']) values[k] = formValue(request.body, k).slice(0, 200);
      return peoplePage(reply, actor, id, 400, values, r.errors);
    }
    if (r.entry.kind !== 'new') throw notFound('incident');
    return outcome(await service.addNewPerson(db, actor, id, r.entry), id, reply, `${r.entry.first_name} ${r.entry.last_name} has been added to the incident`);
  });

  app.post('/incidents/:id/people/:linkId/remove', writers, async (request, reply) => {
    const id = uuidParam(request.params, 'id', 'incident');
    const linkId = uuidParam(request.params, 'linkId', 'person');
    return outcome(await service.removePerson(db, request.actor!, id, linkId), id, reply, 'The person has been removed from the incident');
  });

  // --- vehicles -------------------------------------------------------------------------------------

  async function vehiclePage(reply: FastifyReply, actor: Actor, id: string, status: number, values: Record<string, string>, errors: FormErrors) {
    const data = await service.linkPageData(db, actor, id, {});
    if (!data) throw notFound('incident');
    if (!data.canEdit) throw cannotChange();
    return reply.code(status).render('incidents/views/add-vehicle.njk', { pageTitle: 'Add a vehicle to the incident', incident: data.incident, values, errors, backLink: `/incidents/${id}` });
  }

  app.get('/incidents/:id/vehicles/add', writers, async (request, reply) => vehiclePage(reply, request.actor!, uuidParam(request.params, 'id', 'incident'), 200, {}, emptyErrors()));

  app.post('/incidents/:id/vehicles', writers, async (request, reply) => {
    const id = uuidParam(request.params, 'id', 'incident');
    const r = readVehicle(request.body);
    if (!r.entry) {
      const values: Record<string, string> = {};
      for (const k of ['vehicle_vrm', 'vehicle_make', 'vehicle_model', 'vehicle_colour']) values[k] = formValue(request.body, k).slice(0, 200);
      return vehiclePage(reply, request.actor!, id, 400, values, r.errors);
    }
    return outcome(await service.addVehicle(db, request.actor!, id, r.entry), id, reply, `Vehicle ${r.entry.vrm} has been added to the incident`);
  });

  app.post('/incidents/:id/vehicles/:vehicleId/remove', writers, async (request, reply) => {
    const id = uuidParam(request.params, 'id', 'incident');
    const vehicleId = uuidParam(request.params, 'vehicleId', 'vehicle');
    return outcome(await service.removeVehicle(db, request.actor!, id, vehicleId), id, reply, 'The vehicle has been removed from the incident');
  });

  // --- businesses and places ------------------------------------------------------------------------

  async function businessPage(reply: FastifyReply, actor: Actor, id: string, status: number, values: Record<string, string>, errors: FormErrors) {
    const q = values.q?.trim().slice(0, 100) || null;
    const data = await service.linkPageData(db, actor, id, { businessQuery: q });
    if (!data) throw notFound('incident');
    if (!data.canEdit) throw cannotChange();
    return reply.code(status).render('incidents/views/add-business.njk', {
      pageTitle: 'Link a business or place to the incident',
      incident: data.incident,
      matches: data.businessMatches,
      searched: !!q,
      q,
      values,
      errors,
      roles: BUSINESS_ROLES,
      labels: LABELS,
      backLink: `/incidents/${id}`,
    });
  }

  app.get('/incidents/:id/businesses/add', writers, async (request, reply) =>
    businessPage(reply, request.actor!, uuidParam(request.params, 'id', 'incident'), 200, { q: formValue(request.query, 'q') }, emptyErrors()),
  );

  const businessRole = (v: string): BusinessRole | null => ((BUSINESS_ROLES as readonly string[]).includes(v) ? (v as BusinessRole) : null);

  app.post('/incidents/:id/businesses', writers, async (request, reply) => {
    const id = uuidParam(request.params, 'id', 'incident');
    const values = { q: formValue(request.body, 'q').slice(0, 100), business_id: formValue(request.body, 'business_id'), business_role: formValue(request.body, 'business_role') };
    const errors = emptyErrors();
    const role = businessRole(values.business_role);
    if (!isUuid(values.business_id)) addError(errors, 'business_id', 'Select the business or place to link');
    if (!role) addError(errors, 'business_role', 'Select how it is involved in the incident');
    if (errors.list.length || !role) return businessPage(reply, request.actor!, id, 400, values, errors);
    const r = await service.addBusiness(db, request.actor!, id, values.business_id, role);
    if (r === 'business_not_found') return businessPage(reply, request.actor!, id, 400, values, addError(emptyErrors(), 'business_id', 'Select the business or place to link'));
    return outcome(r, id, reply, 'The business or place has been linked to the incident');
  });

  app.post('/incidents/:id/businesses/:businessId/remove', writers, async (request, reply) => {
    const id = uuidParam(request.params, 'id', 'incident');
    const businessId = uuidParam(request.params, 'businessId', 'business');
    const role = businessRole(formValue(request.body, 'role'));
    if (!role) throw notFound('link');
    return outcome(await service.removeBusiness(db, request.actor!, id, businessId, role), id, reply, 'The business or place has been unlinked from the incident');
  });
}
