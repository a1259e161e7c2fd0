// CSRF protection for every state-changing request. The token is an HMAC of the session (or, before
// sign-in, of a random per-browser id in its own cookie) under the instance secret, so it needs no
// storage and changes whenever the session does. Forms carry it as _csrf; scripts as x-csrf-token;
// file-upload (multipart) forms as ?_csrf= in their action.
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './errors.ts';

const ANON_COOKIE = 'endeavour_browser';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function registerCsrf(app: FastifyInstance, secret: string, secure: boolean) {
  const tokenFor = (basis: string) => crypto.createHmac('sha256', secret).update(`csrf:${basis}`).digest('base64url');
  const basisOf = (request: FastifyRequest) => request.session?.tokenHash ?? request.cookies[ANON_COOKIE] ?? '';

  app.decorateRequest('csrfToken', '');

  app.addHook('preHandler', async (request, reply) => {
    if (!request.session && !request.cookies[ANON_COOKIE]) {
      const id = crypto.randomBytes(24).toString('base64url');
      request.cookies[ANON_COOKIE] = id;
      reply.setCookie(ANON_COOKIE, id, { path: '/', httpOnly: true, sameSite: 'lax', secure });
    }
    request.csrfToken = tokenFor(basisOf(request));
    if (SAFE.has(request.method)) return;
    const body = request.body as Record<string, unknown> | undefined;
    // A multipart body is read by its route only after this check, so that no file is buffered for a
    // forged request; upload forms therefore carry the token in their action's query string.
    const multipart = /^multipart\/form-data/i.test(request.headers['content-type'] ?? '');
    const query = request.query as Record<string, unknown> | undefined;
    const fromQuery = multipart && typeof query?._csrf === 'string' ? query._csrf : undefined;
    const sent = (typeof body?._csrf === 'string' ? body._csrf : undefined) ?? fromQuery ?? request.headers['x-csrf-token'];
    const expected = Buffer.from(request.csrfToken);
    const given = Buffer.from(typeof sent === 'string' ? sent : '');
    if (!basisOf(request) || given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
      throw new HttpError(403, 'csrf', 'This form has expired or did not come from Endeavour. Go back, reload the page and try again.');
    }
  });
}
