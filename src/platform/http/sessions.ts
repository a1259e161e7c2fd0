// Server-side sessions in PostgreSQL. The browser holds only a random token; the database holds its
// SHA-256. A session ends after the idle timeout, at the absolute timeout, at sign-out, or when the
// user is deactivated. Two-factor state lives on the session so a half-signed-in user can do nothing
// but finish signing in.
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { withAnonymous } from '../db/with-user.ts';
import type { Actor, SessionState } from './context.ts';

export interface SessionOptions {
  secure: boolean;
  idleMinutes: number;
  absoluteMinutes: number;
}

export const sha256 = (v: string) => crypto.createHash('sha256').update(v).digest('hex');
export const newToken = () => crypto.randomBytes(32).toString('base64url');

export function sessionCookieName(secure: boolean) {
  return secure ? '__Host-endeavour_session' : 'endeavour_session';
}

export function twoFactorRequired(roles: string[], partnershipRequiresAll: boolean) {
  return partnershipRequiresAll || roles.includes('partnership_admin');
}

export async function registerSessions(app: FastifyInstance, db: Kysely<DB>, opts: SessionOptions) {
  const cookie = sessionCookieName(opts.secure);
  app.decorateRequest('actor', null);
  app.decorateRequest('session', null);

  app.addHook('onRequest', async (request, reply) => {
    const token = request.cookies[cookie];
    if (!token || token.length > 100) return;
    const tokenHash = sha256(token);
    const row = await withAnonymous(db, (tx) =>
      tx
        .selectFrom('sessions as s')
        .innerJoin('users as u', 'u.id', 's.user_id')
        .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
        .innerJoin('partnerships as p', 'p.id', 'o.partnership_id')
        .select([
          's.token_hash',
          's.two_factor_passed',
          's.created_at',
          's.last_seen_at',
          'u.id as user_id',
          'u.email',
          'u.display_name',
          'u.roles',
          'u.active',
          'u.totp_enabled_at',
          'o.id as organisation_id',
          'o.name as organisation_name',
          'o.kind as organisation_kind',
          'o.active as organisation_active',
          'p.id as partnership_id',
          'p.name as partnership_name',
          'p.require_two_factor_for_all',
        ])
        .where('s.token_hash', '=', tokenHash)
        .executeTakeFirst(),
    );
    if (!row) {
      clearSessionCookie(reply, opts.secure);
      return;
    }
    const now = Date.now();
    const idleExpired = now - new Date(row.last_seen_at).getTime() > opts.idleMinutes * 60_000;
    const absoluteExpired = now - new Date(row.created_at).getTime() > opts.absoluteMinutes * 60_000;
    if (idleExpired || absoluteExpired || !row.active || !row.organisation_active) {
      await withAnonymous(db, (tx) => tx.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute());
      clearSessionCookie(reply, opts.secure);
      if (idleExpired || absoluteExpired) {
        reply.setCookie('endeavour_expired', '1', { path: '/', httpOnly: true, sameSite: 'lax', secure: opts.secure });
        // The guard reads this on this same request to tell the person why they are signed out.
        request.cookies.endeavour_expired = '1';
      }
      return;
    }
    // Touch at most once a minute: enough precision for a 30-minute idle timeout, far fewer writes.
    if (now - new Date(row.last_seen_at).getTime() > 60_000) {
      await withAnonymous(db, (tx) =>
        tx.updateTable('sessions').set({ last_seen_at: new Date() }).where('token_hash', '=', tokenHash).execute(),
      );
    }
    const needsTwoFactor = twoFactorRequired(row.roles, row.require_two_factor_for_all);
    const session: SessionState = {
      tokenHash,
      userId: row.user_id,
      twoFactorPassed: row.two_factor_passed,
      twoFactorSetupRequired: row.two_factor_passed && needsTwoFactor && !row.totp_enabled_at,
      createdAt: new Date(row.created_at),
    };
    request.session = session;
    if (session.twoFactorPassed && !session.twoFactorSetupRequired) {
      request.actor = {
        userId: row.user_id,
        email: row.email,
        displayName: row.display_name,
        organisationId: row.organisation_id,
        organisationName: row.organisation_name,
        organisationKind: row.organisation_kind,
        partnershipId: row.partnership_id,
        partnershipName: row.partnership_name,
        roles: row.roles,
        ip: request.ip,
      } satisfies Actor;
    }
  });
}

export async function startSession(
  db: Kysely<DB>,
  reply: FastifyReply,
  request: FastifyRequest,
  userId: string,
  twoFactorPassed: boolean,
  secure: boolean,
) {
  // A new token at every sign-in defeats session fixation; any earlier session in this browser ends.
  if (request.session) await endSession(db, request.session.tokenHash);
  const token = newToken();
  await withAnonymous(db, (tx) =>
    tx
      .insertInto('sessions')
      .values({
        token_hash: sha256(token),
        user_id: userId,
        two_factor_passed: twoFactorPassed,
        created_at: new Date(),
        last_seen_at: new Date(),
        ip: request.ip,
        user_agent: (request.headers['user-agent'] ?? '').slice(0, 300),
      })
      .execute(),
  );
  reply.setCookie(sessionCookieName(secure), token, { path: '/', httpOnly: true, sameSite: 'lax', secure });
  return token;
}

export async function endSession(db: Kysely<DB>, tokenHash: string) {
  await withAnonymous(db, (tx) => tx.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute());
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean) {
  reply.clearCookie(sessionCookieName(secure), { path: '/', httpOnly: true, sameSite: 'lax', secure });
}
