// Vehicle pages: list and search by registration, add, view (with the incidents it appears in),
// change (with conflict detection) and share.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';
import { setFlash } from '../../platform/http/render.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue } from '../../platform/http/forms.ts';
import { LABELS } from '../incidents/labels.ts';
import { parseShareForm } from '../incidents/share-form.ts';
import { parseVehicleForm, valuesFromVehicle } from './fields.ts';
import * as service from './service.ts';

const WRITERS = ['case_officer', 'coordinator', 'manager', 'partner_user', 'partnership_admin'] as const;

const duplicateMessage = (d: { vrm: string; owner_name: string }) =>
  `A vehicle with registration ${d.vrm} is already recorded by ${d.owner_name}: open that record instead of adding another`;

export async function vehicleRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const writers = { config: { roles: [...WRITERS] } };

  const idParam = (params: unknown) => {
    const id = (params as { id?: string }).id;
    if (!isUuid(id)) throw notFound('vehicle');
    return id;
  };

  app.get('/vehicles', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const q = formValue(query, 'q').trim().slice(0, 60) || null;
    const page = Math.min(Math.max(Number.parseInt(formValue(query, 'page') || '1', 10) || 1, 1), 10_000);
    const result = await service.listVehicles(db, request.actor!, q, page);
    return reply.render('vehicles/views/list.njk', { pageTitle: 'Vehicles', q, page, ...result });
  });

  const formPage = (extra: Record<string, unknown>) => ({ pageTitle: 'Add a vehicle', action: '/vehicles', backLink: '/vehicles', values: {}, ...extra });

  app.get('/vehicles/new', writers, async (_request, reply) => reply.render('vehicles/views/form.njk', formPage({})));

  app.post('/vehicles', writers, async (request, reply) => {
    const { fields, errors, values } = parseVehicleForm(request.body);
    if (!fields) return reply.code(400).render('vehicles/views/form.njk', formPage({ values, errors }));
    const result = await service.createVehicle(db, request.actor!, fields);
    if (result.kind === 'duplicate') {
      return reply.code(400).render('vehicles/views/form.njk', formPage({ values, errors: addError(emptyErrors(), 'vrm', duplicateMessage(result.existing)), duplicate: result.existing }));
    }
    setFlash(reply, `Vehicle ${fields.vrm} has been added`);
    return reply.redirect(`/vehicles/${result.id}`);
  });

  app.get('/vehicles/:id', async (request, reply) => {
    const found = await service.viewVehicle(db, request.actor!, idParam(request.params));
    if (!found) throw notFound('vehicle');
    return reply.render('vehicles/views/show.njk', { pageTitle: `Vehicle ${found.vehicle.vrm}`, ...found, labels: LABELS, backLink: '/vehicles' });
  });

  app.get('/vehicles/:id/edit', writers, async (request, reply) => {
    const id = idParam(request.params);
    const found = await service.vehicleForEdit(db, request.actor!, id);
    if (!found) throw notFound('vehicle');
    if (!found.canEdit) throw forbidden('You can view this vehicle but not change it. Ask the organisation that holds the record for edit access.');
    return reply.render('vehicles/views/form.njk', {
      pageTitle: 'Change vehicle details',
      values: valuesFromVehicle(found.vehicle),
      version: found.vehicle.version,
      action: `/vehicles/${id}/edit`,
      backLink: `/vehicles/${id}`,
    });
  });

  app.post('/vehicles/:id/edit', writers, async (request, reply) => {
    const id = idParam(request.params);
    const rawVersion = formValue(request.body, 'version');
    if (!/^\d{1,9}$/.test(rawVersion)) throw notFound('vehicle');
    const version = Number(rawVersion);
    const { fields, errors, values } = parseVehicleForm(request.body);
    const ctx = { pageTitle: 'Change vehicle details', values, version, action: `/vehicles/${id}/edit`, backLink: `/vehicles/${id}` };
    if (!fields) return reply.code(400).render('vehicles/views/form.njk', { ...ctx, errors });
    const result = await service.updateVehicle(db, request.actor!, id, version, fields);
    if (result.kind === 'not_found') throw notFound('vehicle');
    if (result.kind === 'duplicate') {
      return reply.code(400).render('vehicles/views/form.njk', { ...ctx, errors: addError(emptyErrors(), 'vrm', duplicateMessage(result.existing)), duplicate: result.existing });
    }
    if (result.kind === 'conflict') {
      return reply.code(409).render('vehicles/views/conflict.njk', { ...ctx, pageTitle: 'Someone else changed this vehicle', current: result.current, yours: fields, version: result.current.version });
    }
    setFlash(reply, 'The changes have been saved');
    return reply.redirect(`/vehicles/${id}`);
  });

  const shareCtx = (vehicle: { id: string; vrm: string }) => ({
    pageTitle: 'Share this vehicle',
    recordCaption: `Vehicle ${vehicle.vrm}`,
    action: `/vehicles/${vehicle.id}/share`,
    backLink: `/vehicles/${vehicle.id}`,
  });

  app.get('/vehicles/:id/share', writers, async (request, reply) => {
    const options = await service.sharingOptions(db, request.actor!, idParam(request.params));
    if (!options) throw notFound('vehicle');
    return reply.render('incidents/views/share.njk', { ...shareCtx(options.vehicle), targets: options.targets, values: {} });
  });

  app.post('/vehicles/:id/share', writers, async (request, reply) => {
    const id = idParam(request.params);
    const options = await service.sharingOptions(db, request.actor!, id);
    if (!options) throw notFound('vehicle');
    const { share, errors, values } = parseShareForm(request.body, options.targets, new Date().toISOString().slice(0, 10));
    if (!share) return reply.code(400).render('incidents/views/share.njk', { ...shareCtx(options.vehicle), targets: options.targets, values, errors });
    await service.shareVehicle(db, request.actor!, { ...share, recordId: id });
    setFlash(reply, 'The vehicle has been shared');
    return reply.redirect(`/vehicles/${id}`);
  });

  app.post('/vehicles/:id/shares/:shareId/revoke', writers, async (request, reply) => {
    const id = idParam(request.params);
    const shareId = (request.params as { shareId?: string }).shareId;
    if (!isUuid(shareId)) throw notFound('share');
    const ok = await service.unshareVehicle(db, request.actor!, id, shareId);
    if (!ok) throw notFound('share');
    setFlash(reply, 'Sharing has been stopped');
    return reply.redirect(`/vehicles/${id}`);
  });
}
