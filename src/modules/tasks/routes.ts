// Routes for tasks (being built).
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';

export async function taskRoutes(_app: FastifyInstance, _deps: AppDeps) {}
