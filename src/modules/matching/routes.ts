// The JSON routes behind suggestions-as-you-type (public/javascripts/matching.js). POST, with the CSRF
// token in a header, so that names and dates of birth never travel in a URL. Bad input is answered
// with RFC 9457 problem details, as everywhere under /api.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app.ts';
import { WRITERS } from '../people/routes.ts';
import { addressSchema, parsePersonLookup, vrmSchema } from './fields.ts';
import * as service from './service.ts';
import { stubView } from './present.ts';

function problem(request: FastifyRequest, reply: FastifyReply, details: string[]) {
  return reply.code(400).type('application/problem+json').send({
    type: 'https://endeavour.invalid/problems/bad_request',
    title: 'There is a problem with your request',
    status: 400,
    detail: details.join(' '),
    instance: request.url,
    errors: details,
  });
}

export async function matchingRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const writers = { config: { roles: [...WRITERS] } };

  app.post('/api/matching/people', writers, async (request, reply) => {
    const parsed = parsePersonLookup(request.body);
    if (!parsed.lookup) return problem(request, reply, parsed.problems);
    const result = await service.lookUpPeople(db, request.actor!, parsed.lookup, 'api');
    return reply.header('cache-control', 'no-store').send({ matches: result.matches, stubs: result.stubs.map(stubView) });
  });

  app.post('/api/matching/vehicles', writers, async (request, reply) => {
    const parsed = vrmSchema.safeParse(request.body && typeof request.body === 'object' ? request.body : {});
    if (!parsed.success) return problem(request, reply, parsed.error.issues.map((i) => i.message));
    const result = await service.lookUpVehicles(db, request.actor!, parsed.data.vrm, 'api');
    if (!result.vrm) return problem(request, reply, ['Enter a registration number using letters and numbers, like AB12 CDE']);
    return reply.header('cache-control', 'no-store').send({ vrm: result.vrm, matches: result.matches, stubs: result.stubs.map(stubView) });
  });

  app.post('/api/matching/addresses', writers, async (request, reply) => {
    const parsed = addressSchema.safeParse(request.body && typeof request.body === 'object' ? request.body : {});
    if (!parsed.success) return problem(request, reply, parsed.error.issues.map((i) => i.message));
    const addresses = await service.lookUpAddresses(db, request.actor!, parsed.data.q, 'api');
    return reply.header('cache-control', 'no-store').send({ addresses });
  });
}
