// Every capability registers its routes (and navigation entries) here, in one readable list.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.ts';
import { accountRoutes } from './accounts/routes.ts';
import { homeRoutes } from './home/routes.ts';
import { peopleRoutes } from './people/routes.ts';
import { adminRoutes } from './admin/routes.ts';

export async function registerModules(app: FastifyInstance, deps: AppDeps) {
  await accountRoutes(app, deps);
  await homeRoutes(app, deps);
  await peopleRoutes(app, deps);
  await adminRoutes(app, deps);
}
