// Partnership administration of referral types: list, add, edit (name, who receives it, the short
// form's fields) and deactivate or reactivate. Partnership administrators only.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app.ts';
import type { ReferralField } from '../../platform/db/schema.ts';
import { setFlash } from '../../platform/http/render.ts';
import { notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, formValues, type FormErrors } from '../../platform/http/forms.ts';
import { ADMIN, subNavigation, versionOf } from '../admin/http.ts';
import { fieldsFromRows, readFieldRows, rowsFromFields, MAX_FIELDS, type FieldRow } from './form.ts';
import { FIELD_KINDS, labels } from './labels.ts';
import * as service from './service.ts';

const BASE = '/admin/referral-types';
const BLANK_ROWS = 3;

export async function adminReferralTypeRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const idOf = (params: unknown) => {
    const id = (params as { id?: unknown }).id;
    if (!isUuid(id)) throw notFound('referral type');
    return id;
  };
  const render = (reply: FastifyReply, template: string, ctx: Record<string, unknown>, status = 200) =>
    reply.code(status).render(`referrals/views/${template}`, { adminNav: subNavigation(BASE), labels, ...ctx });

  app.get(BASE, ADMIN, async (request, reply) => {
    const { types, organisations } = await service.typesForAdmin(db, request.actor!);
    const names = new Map(organisations.map((o) => [o.id, o.name]));
    return render(reply, 'admin-types.njk', {
      pageTitle: 'Referral types',
      types: types.map((t) => ({ ...t, destination: t.to_organisation_name ?? t.allowed_organisation_ids.map((id) => names.get(id) ?? 'an organisation no longer active').join(', ') })),
      backLink: '/admin',
    });
  });

  type Values = { name: string; description: string; destination: string; to_organisation: string; allowed: string[]; version: number };
  const renderForm = (reply: FastifyReply, id: string | null, organisations: { id: string; name: string }[], values: Values, rows: FieldRow[], errors?: FormErrors, status = 200) => {
    const blanks = Math.max(0, Math.min(BLANK_ROWS, MAX_FIELDS + 3 - rows.length));
    const allRows = [...rows, ...Array.from({ length: blanks }, () => ({ key: '', label: '', kind: 'text', required: false, options: '', hint: '', remove: false }))];
    return render(
      reply,
      'admin-type-form.njk',
      {
        pageTitle: id ? `Change ${values.name || 'referral type'}` : 'Add a referral type',
        action: id ? `${BASE}/${id}` : BASE,
        organisations,
        values,
        rows: allRows,
        existingCount: rows.filter((r) => r.key).length,
        kinds: FIELD_KINDS,
        errors,
        backLink: BASE,
      },
      status,
    );
  };

  app.get(`${BASE}/new`, ADMIN, async (request, reply) => {
    const found = await service.typeForEdit(db, request.actor!, null);
    return renderForm(reply, null, found!.organisations, { name: '', description: '', destination: 'fixed', to_organisation: '', allowed: [], version: 0 }, []);
  });

  app.get(`${BASE}/:id/edit`, ADMIN, async (request, reply) => {
    const id = idOf(request.params);
    const found = await service.typeForEdit(db, request.actor!, id);
    if (!found?.type) throw notFound('referral type');
    const t = found.type;
    return renderForm(
      reply,
      id,
      found.organisations,
      { name: t.name, description: t.description ?? '', destination: t.to_organisation_id ? 'fixed' : 'choose', to_organisation: t.to_organisation_id ?? '', allowed: t.allowed_organisation_ids, version: t.version },
      rowsFromFields(t.fields),
    );
  });

  const save = async (request: FastifyRequest, reply: FastifyReply, id: string | null) => {
    const actor = request.actor!;
    const found = await service.typeForEdit(db, actor, id);
    if (!found || (id && !found.type)) throw notFound('referral type');
    const body = request.body;
    const errors = emptyErrors();
    const orgIds = new Set(found.organisations.map((o) => o.id));
    const values: Values = {
      name: formValue(body, 'name').trim().slice(0, 300),
      description: formValue(body, 'description').trim().slice(0, 1100),
      destination: formValue(body, 'destination'),
      to_organisation: formValue(body, 'to_organisation'),
      allowed: formValues(body, 'allowed').filter((v) => orgIds.has(v)),
      version: versionOf(body),
    };
    if (!values.name) addError(errors, 'name', 'Enter the referral type’s name');
    else if (values.name.length > 100) addError(errors, 'name', 'Name must be 100 characters or fewer');
    if (values.description.length > 1000) addError(errors, 'description', 'Description must be 1,000 characters or fewer');
    if (values.destination === 'fixed') {
      if (!orgIds.has(values.to_organisation)) addError(errors, 'to_organisation', 'Select the organisation that receives this referral');
    } else if (values.destination === 'choose') {
      if (values.allowed.length === 0) addError(errors, 'allowed', 'Select the organisations the sender can choose from');
    } else addError(errors, 'destination', 'Select who receives this referral');
    const rows = readFieldRows(body);
    const existing: ReferralField[] = found.type?.fields ?? [];
    const fields = fieldsFromRows(rows, errors, existing);
    if (errors.list.length) return renderForm(reply, id, found.organisations, values, rows, errors, 400);
    const result = await service.saveType(db, actor, id, id ? values.version : 0, {
      name: values.name,
      description: values.description || null,
      toOrganisationId: values.destination === 'fixed' ? values.to_organisation : null,
      allowedOrganisationIds: values.destination === 'choose' ? values.allowed : [],
      fields,
    });
    if (result.kind === 'not_found') throw notFound('referral type');
    if (result.kind === 'name_taken') return renderForm(reply, id, found.organisations, values, rows, addError(emptyErrors(), 'name', 'There is already a referral type with this name'), 400);
    if (result.kind === 'stale') {
      setFlash(reply, 'Someone else changed this referral type first: here it is as it is now. Make your changes again.');
      return reply.redirect(`${BASE}/${id}/edit`);
    }
    setFlash(reply, id ? `${values.name} saved` : `${values.name} added`);
    return reply.redirect(BASE);
  };

  app.post(BASE, ADMIN, (request, reply) => save(request, reply, null));
  app.post(`${BASE}/:id`, ADMIN, (request, reply) => save(request, reply, idOf(request.params)));

  for (const [path, active] of [['deactivate', false], ['activate', true]] as const) {
    app.post(`${BASE}/:id/${path}`, ADMIN, async (request, reply) => {
      if (!(await service.setTypeActive(db, request.actor!, idOf(request.params), active))) throw notFound('referral type');
      setFlash(reply, active ? 'Referral type reactivated' : 'Referral type deactivated: it can no longer be chosen for new referrals');
      return reply.redirect(BASE);
    });
  }
}
