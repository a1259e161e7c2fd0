// Partnership administration (being built): organisations, users, areas, teams, audit, outbox.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';
export async function adminRoutes(_app: FastifyInstance, _deps: AppDeps) {}
