// Routes for cases (being built).
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';

export async function caseRoutes(_app: FastifyInstance, _deps: AppDeps) {}
