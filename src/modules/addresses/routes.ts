// Routes for addresses (being built).
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';

export async function addressRoutes(_app: FastifyInstance, _deps: AppDeps) {}
