// Sign-in, two-factor, sign-out, password reset and the account page. Thin: validate, call the
// service, render or redirect.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../app.ts';
import { addError, emptyErrors, formValue, zodToFormErrors } from '../../platform/http/forms.ts';
import { email, requiredText } from '../../platform/http/fields.ts';
import { clearSessionCookie, endSession, startSession } from '../../platform/http/sessions.ts';
import { setFlash } from '../../platform/http/render.ts';
import * as service from './service.ts';
import { totpQrSvg } from './totp.ts';
import { ROLE_NAMES } from './roles.ts';

const signInForm = z.object({
  email: email('Enter your email address'),
  password: requiredText('Enter your password', 256, 'Enter your password'),
});

const codeForm = z.object({
  code: requiredText('Enter the 6-digit code from your authenticator app', 20, 'Enter the 6-digit code from your authenticator app'),
});

const resetRequestForm = z.object({ email: email('Enter your email address') });

export async function accountRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const { config, mailer } = deps;
  const policy = { attempts: config.lockoutAttempts, minutes: config.lockoutMinutes };
  const pub = { config: { public: true } };
  const limit = { max: config.signInAttemptsPerMinute, timeWindow: '1 minute' };

  app.get('/sign-in', pub, async (request, reply) => {
    if (request.actor) return reply.redirect('/');
    const expired = (request.query as Record<string, string>).expired === '1';
    if (expired) reply.clearCookie('endeavour_expired', { path: '/' });
    return reply.render('accounts/views/sign-in.njk', { pageTitle: 'Sign in', expired, values: {} });
  });

  app.post(
    '/sign-in',
    { config: { public: true, rateLimit: limit } },
    async (request, reply) => {
      const parsed = signInForm.safeParse(request.body);
      const values = { email: formValue(request.body, 'email').slice(0, 254) };
      if (!parsed.success) {
        return reply.code(400).render('accounts/views/sign-in.njk', { pageTitle: 'Sign in', errors: zodToFormErrors(parsed.error), values });
      }
      const result = await service.signIn(db, policy, parsed.data.email, parsed.data.password, request.ip);
      if (result.kind !== 'ok') {
        const message =
          result.kind === 'locked'
            ? `Your account is locked after too many attempts. Try again in ${config.lockoutMinutes} minutes or reset your password.`
            : 'Enter a correct email address and password';
        return reply.code(result.kind === 'locked' ? 423 : 401).render('accounts/views/sign-in.njk', {
          pageTitle: 'Sign in',
          errors: addError(emptyErrors(), 'email', message),
          values,
        });
      }
      // Only a user with an authenticator still owes a code; one who must enrol has passed every factor
      // they have, and the session layer confines them to the set-up page until they enrol.
      await startSession(db, reply, request, result.userId, result.twoFactor !== 'code_needed', config.secureCookies);
      if (result.twoFactor === 'code_needed') return reply.redirect('/sign-in/two-factor');
      if (result.twoFactor === 'setup_needed') {
        // Set-up happens inside a signed-in session that cannot yet do anything else.
        return reply.redirect('/account/two-factor/setup');
      }
      return reply.redirect('/');
    },
  );

  app.get('/sign-in/two-factor', { config: { partialSession: true } }, async (request, reply) => {
    if (request.actor) return reply.redirect('/');
    return reply.render('accounts/views/two-factor.njk', { pageTitle: 'Enter your security code' });
  });

  app.post('/sign-in/two-factor', { config: { partialSession: true, rateLimit: limit } }, async (request, reply) => {
    const session = request.session!;
    if (session.twoFactorPassed) return reply.redirect('/');
    const parsed = codeForm.safeParse(request.body);
    if (!parsed.success) {
      return reply.code(400).render('accounts/views/two-factor.njk', { pageTitle: 'Enter your security code', errors: zodToFormErrors(parsed.error) });
    }
    const result = await service.verifySignInCode(db, policy, session.userId, session.tokenHash, parsed.data.code, request.ip);
    if (result === 'locked') {
      clearSessionCookie(reply, config.secureCookies);
      setFlash(reply, 'Your account is locked after too many attempts.');
      return reply.redirect('/sign-in');
    }
    if (result === 'wrong') {
      return reply.code(400).render('accounts/views/two-factor.njk', {
        pageTitle: 'Enter your security code',
        errors: addError(emptyErrors(), 'code', 'The code is not correct or has already been used – enter the latest code from your authenticator app'),
      });
    }
    return reply.redirect('/');
  });

  const renderSetup = async (userId: string, errors?: unknown) => {
    const pending = await service.pendingTotpSecret(db, userId);
    return { pending, qr: await totpQrSvg(pending.secret, pending.email), errors };
  };

  app.get('/account/two-factor/setup', { config: { partialSession: true } }, async (request, reply) => {
    const session = request.session!;
    if (!session.twoFactorPassed && !session.twoFactorSetupRequired) return reply.redirect('/sign-in/two-factor');
    const ctx = await renderSetup(session.userId);
    if (ctx.pending.enabled) return reply.redirect('/account');
    return reply.render('accounts/views/two-factor-setup.njk', { pageTitle: 'Set up two-factor authentication', ...ctx });
  });

  app.post('/account/two-factor/setup', { config: { partialSession: true, rateLimit: limit } }, async (request, reply) => {
    const session = request.session!;
    if (!session.twoFactorPassed) return reply.redirect('/sign-in/two-factor');
    const parsed = codeForm.safeParse(request.body);
    const ok = parsed.success && (await service.confirmTotpSetup(db, session.userId, session.tokenHash, parsed.data.code, request.ip));
    if (!ok) {
      const errors = parsed.success
        ? addError(emptyErrors(), 'code', 'The code is not correct – enter the 6-digit code your authenticator app shows now')
        : zodToFormErrors(parsed.error);
      return reply.code(400).render('accounts/views/two-factor-setup.njk', { pageTitle: 'Set up two-factor authentication', ...(await renderSetup(session.userId, errors)) });
    }
    setFlash(reply, 'Two-factor authentication is set up. You will be asked for a code each time you sign in.');
    return reply.redirect('/');
  });

  const signOut = async (request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
    if (request.session) {
      await service.recordSignOut(db, request.session.userId, request.ip);
      await endSession(db, request.session.tokenHash);
    }
    clearSessionCookie(reply, config.secureCookies);
    return reply.render('accounts/views/signed-out.njk', { pageTitle: 'You have signed out', actor: null, navigation: [] });
  };
  // GET as well as POST: the footer link must work without JavaScript, and signing someone out is harmless.
  app.get('/sign-out', pub, signOut);
  app.post('/sign-out', { config: { public: true } }, signOut);

  app.get('/forgot-password', pub, async (_request, reply) =>
    reply.render('accounts/views/forgot-password.njk', { pageTitle: 'Reset your password', values: {} }),
  );

  app.post('/forgot-password', { config: { public: true, rateLimit: limit } }, async (request, reply) => {
    const parsed = resetRequestForm.safeParse(request.body);
    if (!parsed.success) {
      return reply.code(400).render('accounts/views/forgot-password.njk', {
        pageTitle: 'Reset your password',
        errors: zodToFormErrors(parsed.error),
        values: { email: formValue(request.body, 'email').slice(0, 254) },
      });
    }
    await service.requestPasswordReset(db, mailer, config.baseUrl, parsed.data.email, request.ip);
    return reply.render('accounts/views/reset-sent.njk', { pageTitle: 'Check your email' });
  });

  app.get('/reset-password/:token', pub, async (request, reply) => {
    const { token } = request.params as { token: string };
    const state = await service.checkResetToken(db, token);
    if (state.kind !== 'valid') return reply.code(410).render('accounts/views/reset-invalid.njk', { pageTitle: 'This link has expired' });
    return reply.render('accounts/views/reset-password.njk', { pageTitle: 'Choose a new password', token });
  });

  app.post('/reset-password/:token', { config: { public: true, rateLimit: limit } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const password = formValue(request.body, 'password');
    const confirm = formValue(request.body, 'confirm');
    if (password !== confirm) {
      return reply.code(400).render('accounts/views/reset-password.njk', {
        pageTitle: 'Choose a new password',
        token,
        errors: addError(emptyErrors(), 'confirm', 'The passwords do not match – type the same password twice'),
      });
    }
    const result = await service.resetPassword(db, token, password, request.ip);
    if (!result.ok) {
      return reply.code(400).render('accounts/views/reset-password.njk', {
        pageTitle: 'Choose a new password',
        token,
        errors: addError(emptyErrors(), 'password', result.problem),
      });
    }
    setFlash(reply, 'Your password has been changed. Sign in with your new password.');
    return reply.redirect('/sign-in');
  });

  app.get('/account', async (request, reply) => {
    const twoFactorEnabled = await service.twoFactorEnabled(db, request.actor!.userId);
    return reply.render('accounts/views/account.njk', { pageTitle: 'Your account', twoFactorEnabled, roleNames: request.actor!.roles.map((r) => ROLE_NAMES[r]).join(', ') });
  });

  app.get('/accessibility', pub, async (_request, reply) => reply.render('accounts/views/accessibility.njk', { pageTitle: 'Accessibility statement' }));
}
