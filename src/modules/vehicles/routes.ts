// Routes for vehicles (being built).
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';

export async function vehicleRoutes(_app: FastifyInstance, _deps: AppDeps) {}
