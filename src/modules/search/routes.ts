// Routes for search (being built).
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';

export async function searchRoutes(_app: FastifyInstance, _deps: AppDeps) {}
