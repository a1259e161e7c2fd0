// What every request carries once the session layer has run: the signed-in actor (if any), the
// session, and the per-request CSRF token. Declared once so routes are typed end to end.
import type { Role, OrganisationKind } from '../db/schema.ts';

export interface Actor {
  userId: string;
  email: string;
  displayName: string;
  organisationId: string;
  organisationName: string;
  organisationKind: OrganisationKind;
  partnershipId: string;
  partnershipName: string;
  roles: Role[];
  ip: string;
}

export interface SessionState {
  tokenHash: string;
  userId: string;
  twoFactorPassed: boolean;
  /** The user must enrol an authenticator before doing anything else. */
  twoFactorSetupRequired: boolean;
  createdAt: Date;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    session: SessionState | null;
    csrfToken: string;
  }
  interface FastifyReply {
    render(template: string, context?: Record<string, unknown>): FastifyReply;
    /** A fragment without the page's per-request context (nonce, CSRF token, actor, navigation). */
    renderToString(template: string, context?: Record<string, unknown>): string;
  }
}

export function hasRole(actor: Actor | null, ...roles: Role[]): boolean {
  return !!actor && actor.roles.some((r) => roles.includes(r));
}
