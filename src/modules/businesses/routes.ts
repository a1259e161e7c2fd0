// Routes for businesses (being built).
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';

export async function businessRoutes(_app: FastifyInstance, _deps: AppDeps) {}
