// Routes for risk (being built).
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';

export async function riskRoutes(_app: FastifyInstance, _deps: AppDeps) {}
