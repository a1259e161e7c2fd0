// Routes for incidents (being built).
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';

export async function incidentRoutes(_app: FastifyInstance, _deps: AppDeps) {}
