// Every capability registers its routes (and navigation entries) here, in one readable list; the
// order of registration is the order of the main navigation.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.ts';
import { accountRoutes } from './accounts/routes.ts';
import { homeRoutes } from './home/routes.ts';
import { notificationRoutes } from './notifications/routes.ts';
import { searchRoutes } from './search/routes.ts';
import { incidentRoutes } from './incidents/routes.ts';
import { caseRoutes } from './cases/routes.ts';
import { caseReviewRoutes } from './case-reviews/routes.ts';
import { repeatRoutes } from './repeats/routes.ts';
import { taskRoutes } from './tasks/routes.ts';
import { reviewRoutes } from './review/routes.ts';
import { peopleRoutes } from './people/routes.ts';
import { addressRoutes } from './addresses/routes.ts';
import { vehicleRoutes } from './vehicles/routes.ts';
import { businessRoutes } from './businesses/routes.ts';
import { riskRoutes } from './risk/routes.ts';
import { interventionRoutes } from './interventions/routes.ts';
import { documentRoutes } from './documents/routes.ts';
import { matchingRoutes } from './matching/routes.ts';
import { accessRequestRoutes } from './access-requests/routes.ts';
import { reportBuilderRoutes } from './report-builder/routes.ts';
import { mapRoutes } from './maps/routes.ts';
import { dashboardRoutes } from './dashboard/routes.ts';
import { boardReportRoutes } from './board-report/routes.ts';
import { indicatorRoutes } from './indicators/routes.ts';
import { adminRoutes } from './admin/routes.ts';

export async function registerModules(app: FastifyInstance, deps: AppDeps) {
  await accountRoutes(app, deps);
  await homeRoutes(app, deps);
  await notificationRoutes(app, deps);
  await searchRoutes(app, deps);
  await incidentRoutes(app, deps);
  await caseRoutes(app, deps);
  await caseReviewRoutes(app, deps);
  await repeatRoutes(app, deps);
  await taskRoutes(app, deps);
  await reviewRoutes(app, deps);
  await peopleRoutes(app, deps);
  await addressRoutes(app, deps);
  await vehicleRoutes(app, deps);
  await businessRoutes(app, deps);
  await riskRoutes(app, deps);
  await interventionRoutes(app, deps);
  await documentRoutes(app, deps);
  await matchingRoutes(app, deps);
  await accessRequestRoutes(app, deps);
  await reportBuilderRoutes(app, deps);
  await mapRoutes(app, deps);
  await dashboardRoutes(app, deps);
  await boardReportRoutes(app, deps);
  await indicatorRoutes(app, deps);
  await adminRoutes(app, deps);
}
