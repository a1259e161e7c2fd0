// Routes for documents (being built).
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';

export async function documentRoutes(_app: FastifyInstance, _deps: AppDeps) {}
