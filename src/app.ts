// createApp(deps): the whole web application built from its dependencies, with plugins registered in
// one fixed, readable order. Tests build it with an in-memory database; server.ts with the real one.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import { sql } from 'kysely';
import qs from 'node:querystring';
import type { Config } from './config.ts';
import type { Database } from './platform/db/connect.ts';
import type { Mailer } from './platform/mail/mailer.ts';
import './platform/http/context.ts';
import { registerSecurityHeaders } from './platform/http/security-headers.ts';
import { registerSessions } from './platform/http/sessions.ts';
import { registerCsrf } from './platform/http/csrf.ts';
import { registerGuard } from './platform/http/guard.ts';
import { registerRender } from './platform/http/render.ts';
import { registerErrorHandlers } from './platform/http/errors.ts';
import { createViewEnvironment, GOVUK_DIST, MOJ_ROOT } from './platform/views/nunjucks.ts';
import { loggerOptions } from './platform/http/logging.ts';
import { registerModules } from './modules/index.ts';

export interface AppDeps {
  config: Config;
  database: Database;
  mailer: Mailer;
  /** Where structured logs go; tests pass false to keep output quiet. */
  logger?: boolean;
}

export interface RouteSummary {
  method: string;
  url: string;
  public: boolean;
  roles?: string[];
}

declare module 'fastify' {
  interface FastifyInstance {
    endeavourRoutes: RouteSummary[];
  }
}

const PUBLIC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../public');
const LEAFLET_DIST = path.join(path.dirname(createRequire(import.meta.url).resolve('leaflet/package.json')), 'dist');

export async function createApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database } = deps;
  const app = Fastify({
    logger: deps.logger === false ? false : loggerOptions(config.logLevel),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{8,64}$/.test(given) ? given : crypto.randomUUID();
    },
    requestIdHeader: false,
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 200 },
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // The route table, kept so tests can exercise every form without a hand-kept list.
  const routes: RouteSummary[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url, public: !!r.config?.public, roles: r.config?.roles });
  });
  app.decorate('endeavourRoutes', routes);

  // 1. Error pages first: Fastify gives each route the error handler in force when it is registered,
  // so it must precede every route (GOV.UK-style pages, problem details on the API).
  registerErrorHandlers(app);

  // 2. Health checks: no session, no CSRF, no database writes.
  app.get('/health', { config: { public: true } }, async () => ({ status: 'ok' }));
  app.get('/ready', { config: { public: true } }, async (_request, reply) => {
    try {
      await sql`SELECT 1`.execute(database.db);
      return { status: 'ready', database: database.engine };
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: database.engine });
    }
  });

  // 3. Security headers, cookies, bodies, static assets.
  await registerSecurityHeaders(app, config.secureCookies);
  await app.register(cookie);
  // Keep every value a string or array of strings: forms are validated field by field later.
  await app.register(formbody, { parser: (body: string) => qs.parse(body) });
  await app.register(rateLimit, { global: false });
  await app.register(fastifyStatic, { root: [path.join(GOVUK_DIST, 'govuk/assets'), path.join(MOJ_ROOT, 'moj/assets')], prefix: '/assets/', decorateReply: false, maxAge: '1d' });
  await app.register(fastifyStatic, { root: PUBLIC_DIR + '/javascripts', prefix: '/javascripts/', decorateReply: false });
  // Leaflet (the hotspot map) from its own package, under our origin as the CSP requires.
  await app.register(fastifyStatic, { root: LEAFLET_DIST, prefix: '/assets/leaflet/', decorateReply: false, maxAge: '1d' });
  await app.register(fastifyStatic, { root: PUBLIC_DIR + '/stylesheets', prefix: '/stylesheets/', decorateReply: false });
  app.get('/stylesheets/govuk-frontend.min.css', { config: { public: true } }, (_req, reply) => sendFile(reply, path.join(GOVUK_DIST, 'govuk/govuk-frontend.min.css'), 'text/css'));
  app.get('/stylesheets/moj-frontend.min.css', { config: { public: true } }, (_req, reply) => sendFile(reply, path.join(MOJ_ROOT, 'moj/moj-frontend.min.css'), 'text/css'));
  app.get('/javascripts/govuk-frontend.min.js', { config: { public: true } }, (_req, reply) => sendFile(reply, path.join(GOVUK_DIST, 'govuk/govuk-frontend.min.js'), 'text/javascript'));

  // 4. Views, sessions, CSRF, the access gate, then the capabilities themselves.
  registerRender(app, createViewEnvironment());
  const secret = await sql<{ value: string }>`SELECT value FROM instance_secrets WHERE name = 'session'`.execute(database.db);
  await registerSessions(app, database.db, {
    secure: config.secureCookies,
    idleMinutes: config.sessionIdleMinutes,
    absoluteMinutes: config.sessionAbsoluteMinutes,
  });
  await registerCsrf(app, secret.rows[0]!.value, config.secureCookies);
  registerGuard(app);
  await registerModules(app, deps);

  return app;
}

function sendFile(reply: FastifyReply, file: string, type: string) {
  return reply.type(type).header('Cache-Control', 'public, max-age=86400').send(fs.createReadStream(file));
}
