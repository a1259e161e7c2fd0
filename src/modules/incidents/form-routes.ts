// The incident recording form (/incidents/new) and the change form (/incidents/:id/edit). One page,
// keyboard-fast, no JavaScript needed: "Find address", "Find person", "Add" and "Remove" are submit
// buttons that send the whole form back and re-render it, so nothing typed is ever lost.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../app.ts';
import type { Actor } from '../../platform/http/context.ts';
import { setFlash } from '../../platform/http/render.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, type FormErrors } from '../../platform/http/forms.ts';
import {
  addPerson,
  addVehicle,
  clearFields,
  encode,
  NEW_PERSON_FIELDS,
  newPersonStarted,
  PICK_FIELDS,
  readNewPerson,
  readPeople,
  readPick,
  readVehicle,
  readVehicles,
  removeIndex,
  VEHICLE_FIELDS,
  vehicleStarted,
  type PersonEntry,
  type VehicleEntry,
} from './entries.ts';
import { defaultValues, echo, parseIncidentForm, sortErrors, valuesFromIncident, type FormContext, type Values } from './fields.ts';
import { defaultHowReported, HOW_REPORTED_BY_HAND, LABELS, type HowReported } from './labels.ts';
import * as service from './service.ts';
import { CHOICE_FIELD as NEW_PERSON_CHOICE, checkNewPerson, type NewPersonStep } from '../matching/incident-step.ts';

export const WRITERS = ['case_officer', 'coordinator', 'manager', 'partner_user', 'partnership_admin'] as const;

/** What an incident being changed keeps choosable even if the partnership has since retired it. */
interface Keep {
  typeId: string | null;
  sourceId: string | null;
  howReported: string;
}

interface FormState {
  values: Values;
  errors: FormErrors;
  people: PersonEntry[];
  vehicles: VehicleEntry[];
  addressQuery: string | null;
  personQuery: string | null;
  /** People the partnership may already hold who may be the "someone new" typed (matching on entry). */
  newPersonMatches?: Extract<NewPersonStep, { kind: 'ask' }>['found'];
}

const text = (values: Values, key: string) => {
  const v = values[key];
  return typeof v === 'string' ? v : '';
};

function mergeErrors(into: FormErrors, from: FormErrors) {
  for (const e of from.list) addError(into, e.href.slice(1), e.text);
}

export async function incidentFormRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const writers = { config: { roles: [...WRITERS] } };

  async function render(
    reply: FastifyReply,
    actor: Actor,
    status: number,
    state: FormState,
    page: { mode: 'new' | 'edit'; action: string; pageTitle: string; backLink: string; version?: number; reference?: string; keepTypeId?: string | null; keepSourceId?: string | null; keepHowReported?: string },
  ) {
    const data = await service.formData(db, actor, { addressQuery: state.addressQuery, personQuery: state.personQuery, keepTypeId: page.keepTypeId, keepSourceId: page.keepSourceId }, {
      people: state.people,
      vehicles: state.vehicles,
      uprn: text(state.values, 'uprn') || null,
    });
    // Checkbox groups are tested with "in", which needs a list even when nothing is ticked.
    for (const k of ['flags', 'hate_strands']) if (!Array.isArray(state.values[k])) state.values[k] = state.values[k] ? [String(state.values[k])] : [];
    const howReported = page.keepHowReported === 'police_import' ? [...HOW_REPORTED_BY_HAND, 'police_import' as HowReported] : HOW_REPORTED_BY_HAND;
    return reply.code(status).render('incidents/views/form.njk', {
      ...page,
      values: state.values,
      errors: state.errors,
      asbTypes: data.asbTypes,
      organisations: data.organisations,
      howReported,
      required: Object.fromEntries([...data.required].map((f) => [f, true])),
      personRequired: Object.fromEntries([...data.personRequired].map((f) => [f, true])),
      addressMatches: data.addressMatches,
      addressSearched: !!state.addressQuery,
      personMatches: data.personMatches,
      personMarkers: data.personMarkers,
      personSearched: !!state.personQuery,
      newPersonMatches: state.newPersonMatches ?? null,
      peopleRows: data.peopleRows.map((r) => ({ ...r, encoded: encode(r.entry) })),
      vehicleRows: data.vehicleRows.map((r) => ({ ...r, encoded: encode(r.entry) })),
      labels: LABELS,
    });
  }

  /** Options the parser checks choices against (the lists offered on the page). */
  async function parserContext(actor: Actor, edit: boolean, keep: Keep | Record<string, never>) {
    const data = await service.formData(db, actor, { keepTypeId: keep.typeId ?? null, keepSourceId: keep.sourceId ?? null }, { people: [], vehicles: [] });
    const ctx: FormContext = {
      required: data.required,
      asbTypes: data.asbTypes,
      organisationIds: data.organisations.map((o) => o.id),
      howReported: keep.howReported === 'police_import' ? [...HOW_REPORTED_BY_HAND, 'police_import'] : HOW_REPORTED_BY_HAND,
      now: new Date(),
      edit,
    };
    return { ctx, personRequired: data.personRequired };
  }

  /** Adds the "someone new" person, unless the partnership may already hold them: then the form asks first. */
  async function resolveNewPerson(actor: Actor, body: unknown, state: FormState, entry: Extract<PersonEntry, { kind: 'new' }>, saving: boolean) {
    const step = await checkNewPerson(db, actor, body, entry);
    if (step.kind === 'ask') {
      state.newPersonMatches = step.found;
      if (saving) addError(state.errors, NEW_PERSON_CHOICE, 'Check the people already recorded who may be this person: choose one, or say they are someone new');
      return;
    }
    state.people = addPerson(state.people, step.kind === 'existing' ? { kind: 'existing', id: step.id, role: entry.role } : entry);
    clearFields(state.values, [...NEW_PERSON_FIELDS, NEW_PERSON_CHOICE]);
  }

  /** The lookups ("Find address") every form shares; true when one was handled. */
  function lookupAction(action: string, state: FormState) {
    if (action !== 'find_address') return false;
    const q = text(state.values, 'address_query').trim();
    if (!q) addError(state.errors, 'address_query', 'Enter a postcode or part of the address to find it');
    state.addressQuery = q || null;
    state.values.uprn = '';
    return true;
  }

  /** The save button was pressed while a search was typed but never run: run it now instead of failing. */
  function pendingAddress(state: FormState) {
    const q = text(state.values, 'address_query').trim();
    if (q && state.errors.byField.address_query && !text(state.values, 'uprn')) {
      state.errors.byField.address_query.text = 'Select the address from the list, or describe the place';
      const entry = state.errors.list.find((e) => e.href === '#address_query');
      if (entry) entry.text = state.errors.byField.address_query.text;
      state.addressQuery = q;
    } else if (text(state.values, 'uprn') && q) {
      state.addressQuery = q;
    }
  }

  // --- recording a new incident -------------------------------------------------------------------

  const newPage = { mode: 'new' as const, action: '/incidents', pageTitle: 'Record an incident', backLink: '/incidents' };

  app.get('/incidents/new', writers, async (request, reply) => {
    const actor = request.actor!;
    const values = defaultValues(new Date(), actor.organisationId, defaultHowReported(actor.organisationKind));
    return render(reply, actor, 200, { values, errors: emptyErrors(), people: [], vehicles: [], addressQuery: null, personQuery: null }, newPage);
  });

  app.post('/incidents', writers, async (request, reply) => {
    const actor = request.actor!;
    const body = request.body;
    const action = formValue(body, 'action');
    const state: FormState = { values: echo(body), errors: emptyErrors(), people: readPeople(body), vehicles: readVehicles(body), addressQuery: null, personQuery: null };
    const keepLookups = () => {
      if (text(state.values, 'uprn')) state.addressQuery = text(state.values, 'address_query').trim() || null;
    };
    const rerender = (status = 200) => {
      sortErrors(state.errors);
      return render(reply, actor, state.errors.list.length ? Math.max(status, 400) : status, state, newPage);
    };

    const removePerson = removeIndex(body, 'remove_person', state.people.length);
    const removeVehicle = removeIndex(body, 'remove_vehicle', state.vehicles.length);
    if (removePerson !== null || removeVehicle !== null) {
      if (removePerson !== null) state.people = state.people.filter((_, i) => i !== removePerson);
      if (removeVehicle !== null) state.vehicles = state.vehicles.filter((_, i) => i !== removeVehicle);
      keepLookups();
      return rerender();
    }
    if (lookupAction(action, state)) return rerender();
    if (action === 'find_person') {
      const q = text(state.values, 'person_query').trim().slice(0, 100);
      if (!q) addError(state.errors, 'person_query', 'Enter a name to search for');
      state.personQuery = q || null;
      delete state.values.person_pick;
      keepLookups();
      return rerender();
    }
    const { ctx, personRequired } = await parserContext(actor, false, {});
    if (action === 'add_person') {
      const pick = readPick(body);
      if (pick.id && pick.role) {
        state.people = addPerson(state.people, { kind: 'existing', id: pick.id, role: pick.role });
        clearFields(state.values, PICK_FIELDS);
      } else {
        mergeErrors(state.errors, pick.errors);
        state.personQuery = text(state.values, 'person_query').trim() || null;
      }
      keepLookups();
      return rerender();
    }
    if (action === 'add_new_person') {
      const r = readNewPerson(body, { dobRequired: personRequired.has('date_of_birth') });
      if (r.entry?.kind === 'new') await resolveNewPerson(actor, body, state, r.entry, false);
      else mergeErrors(state.errors, r.errors);
      keepLookups();
      return rerender();
    }
    if (action === 'add_vehicle') {
      const r = readVehicle(body);
      if (r.entry) {
        state.vehicles = addVehicle(state.vehicles, r.entry);
        clearFields(state.values, VEHICLE_FIELDS);
      } else mergeErrors(state.errors, r.errors);
      keepLookups();
      return rerender();
    }

    // Save. Whatever is typed in the "add" sections but not yet added is added now.
    if (newPersonStarted(body)) {
      const r = readNewPerson(body, { dobRequired: personRequired.has('date_of_birth') });
      if (r.entry?.kind === 'new') await resolveNewPerson(actor, body, state, r.entry, true);
      else mergeErrors(state.errors, r.errors);
    }
    if (formValue(body, 'person_pick').trim()) {
      const pick = readPick(body);
      if (pick.id && pick.role) {
        state.people = addPerson(state.people, { kind: 'existing', id: pick.id, role: pick.role });
        clearFields(state.values, PICK_FIELDS);
      } else {
        mergeErrors(state.errors, pick.errors);
        state.personQuery = text(state.values, 'person_query').trim() || null;
      }
    } else if (text(state.values, 'person_query').trim()) {
      state.personQuery = text(state.values, 'person_query').trim().slice(0, 100);
      addError(state.errors, 'person_pick', 'Select the person to add from the list, or clear the name you searched for');
    }
    if (vehicleStarted(body)) {
      const r = readVehicle(body);
      if (r.entry) {
        state.vehicles = addVehicle(state.vehicles, r.entry);
        clearFields(state.values, VEHICLE_FIELDS);
      } else mergeErrors(state.errors, r.errors);
    }
    const parsed = parseIncidentForm(body, ctx);
    mergeErrors(state.errors, parsed.errors);
    if (ctx.required.has('people') && !state.people.length) addError(state.errors, 'people', 'Add at least one person involved');
    if (ctx.required.has('victim') && !state.people.some((p) => p.role === 'victim')) addError(state.errors, 'people', 'Add at least one victim');
    pendingAddress(state);
    if (state.errors.list.length || !parsed.core || !parsed.location) return rerender(400);

    const result = await service.createIncident(db, actor, { core: parsed.core, location: parsed.location, people: state.people, vehicles: state.vehicles });
    if (result.kind === 'invalid') {
      addError(state.errors, result.problem.field, result.problem.message);
      if (result.problem.field === 'uprn') state.values.uprn = '';
      keepLookups();
      state.addressQuery ??= text(state.values, 'address_query').trim() || null;
      return rerender(400);
    }
    setFlash(reply, `Incident ${result.reference} has been recorded`);
    return reply.redirect(`/incidents/${result.id}`);
  });

  // --- changing an incident -----------------------------------------------------------------------

  const idParam = (params: unknown) => {
    const id = (params as { id?: string }).id;
    if (!isUuid(id)) throw notFound('incident');
    return id;
  };
  const editPage = (id: string, reference: string, version: number, keep: Keep) => ({
    mode: 'edit' as const,
    action: `/incidents/${id}/edit`,
    pageTitle: 'Change incident details',
    backLink: `/incidents/${id}`,
    version,
    reference,
    keepTypeId: keep.typeId,
    keepSourceId: keep.sourceId,
    keepHowReported: keep.howReported,
  });
  const cannotChange = () => forbidden('You can view this incident but not change it. Ask the organisation that holds the record for edit access.');

  app.get('/incidents/:id/edit', writers, async (request, reply) => {
    const id = idParam(request.params);
    const found = await service.incidentForEdit(db, request.actor!, id);
    if (!found) throw notFound('incident');
    if (!found.canEdit) throw cannotChange();
    const i = found.incident;
    const state: FormState = { values: valuesFromIncident(i), errors: emptyErrors(), people: [], vehicles: [], addressQuery: null, personQuery: null };
    return render(reply, request.actor!, 200, state, editPage(id, i.reference, i.version, { typeId: i.asb_type_id, sourceId: i.source_organisation_id, howReported: i.how_reported }));
  });

  app.post('/incidents/:id/edit', writers, async (request, reply) => {
    const actor = request.actor!;
    const id = idParam(request.params);
    const access = await service.editAccess(db, actor, id);
    if (access.access === 'not_found') throw notFound('incident');
    if (access.access === 'view') throw cannotChange();
    const rawVersion = formValue(request.body, 'version');
    if (!/^\d{1,9}$/.test(rawVersion)) throw notFound('incident');
    const version = Number(rawVersion);
    const keep: Keep = { typeId: access.asb_type_id ?? null, sourceId: access.source_organisation_id ?? null, howReported: access.how_reported ?? '' };
    const page = editPage(id, access.reference ?? '', version, keep);
    const state: FormState = { values: echo(request.body), errors: emptyErrors(), people: [], vehicles: [], addressQuery: null, personQuery: null };
    const rerender = (status: number) => {
      sortErrors(state.errors);
      return render(reply, actor, state.errors.list.length ? Math.max(status, 400) : status, state, page);
    };
    if (lookupAction(formValue(request.body, 'action'), state)) return rerender(200);

    const { ctx } = await parserContext(actor, true, keep);
    const parsed = parseIncidentForm(request.body, ctx);
    mergeErrors(state.errors, parsed.errors);
    pendingAddress(state);
    if (state.errors.list.length || !parsed.core || !parsed.location) return rerender(400);
    const result = await service.updateIncident(db, actor, id, version, parsed.core, parsed.location);
    if (result.kind === 'not_found') throw notFound('incident');
    if (result.kind === 'forbidden') throw cannotChange();
    if (result.kind === 'invalid') {
      addError(state.errors, result.problem.field, result.problem.message);
      state.values.uprn = '';
      state.addressQuery = text(state.values, 'address_query').trim() || null;
      return rerender(400);
    }
    if (result.kind === 'conflict') {
      const c = result.current;
      return reply.code(409).render('incidents/views/conflict.njk', {
        pageTitle: 'Someone else changed this incident',
        current: c,
        yours: { ...parsed.core, location_text: parsed.location.kind === 'described' ? parsed.location.text : null, uprn: parsed.location.kind === 'gazetteer' ? parsed.location.uprn : null },
        yourType: ctx.asbTypes.find((t) => t.id === parsed.core!.asb_type_id)?.name ?? null,
        values: state.values,
        version: c.version,
        action: page.action,
        labels: LABELS,
      });
    }
    setFlash(reply, 'The changes have been saved');
    return reply.redirect(`/incidents/${id}`);
  });
}
