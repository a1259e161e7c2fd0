// The one gate in front of every route: pages need a fully signed-in user unless the route says it
// is public, and may name the roles allowed to use them. Half-signed-in sessions (two-factor still
// to do) are sent to finish signing in and can reach nothing else.
import type { FastifyInstance } from 'fastify';
import type { Role } from '../db/schema.ts';
import { forbidden } from './errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without signing in. */
    public?: boolean;
    /** Reachable while two-factor sign-in or set-up is still to do. */
    partialSession?: boolean;
    /** Only these roles may use the route. */
    roles?: Role[];
  }
}

// Static files (GOV.UK Frontend's fonts and images, the app's CSS and JS) are the same for everyone
// and the sign-in page needs them; @fastify/static cannot mark its routes public, so match its prefixes.
const STATIC_ROUTES = ['/assets/', '/stylesheets/', '/javascripts/'];

export function registerGuard(app: FastifyInstance) {
  app.addHook('preHandler', async (request, reply) => {
    const config = request.routeOptions.config ?? {};
    if (config.public) return;
    const route = request.routeOptions.url;
    if (!route) return; // 404s: let the not-found handler answer
    if (STATIC_ROUTES.some((prefix) => route.startsWith(prefix))) return;
    if (!request.actor) {
      if (config.partialSession && request.session) return;
      if (request.session && !request.session.twoFactorPassed) return reply.redirect('/sign-in/two-factor');
      if (request.session?.twoFactorSetupRequired) return reply.redirect('/account/two-factor/setup');
      if (request.url.startsWith('/api/')) {
        return reply.code(401).type('application/problem+json').send({ title: 'Sign in required', status: 401 });
      }
      const expired = request.cookies.endeavour_expired === '1';
      return reply.redirect(expired ? '/sign-in?expired=1' : '/sign-in');
    }
    if (config.roles && !config.roles.some((r) => request.actor!.roles.includes(r))) {
      throw forbidden();
    }
  });
}
