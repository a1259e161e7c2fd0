// Routes for interventions (being built).
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';

export async function interventionRoutes(_app: FastifyInstance, _deps: AppDeps) {}
