// Signing in: password, lockout after repeated failures, two-factor codes, enrolment and password
// reset by emailed one-time link. Every outcome is audited; no message says whether an email exists.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { withAnonymous, type Tx } from '../../platform/db/with-user.ts';
import { audit } from '../../platform/audit/audit.ts';
import { newToken, sha256 } from '../../platform/http/sessions.ts';
import type { Mailer } from '../../platform/mail/mailer.ts';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { checkTotp, newTotpSecret } from './totp.ts';
import * as repo from './repository.ts';

export interface LockoutPolicy {
  attempts: number;
  minutes: number;
}

export type SignInResult =
  | { kind: 'ok'; userId: string; twoFactor: 'passed' | 'code_needed' | 'setup_needed' }
  | { kind: 'invalid' }
  | { kind: 'locked' };

export async function signIn(db: Kysely<DB>, policy: LockoutPolicy, email: string, password: string, ip: string): Promise<SignInResult> {
  return withAnonymous(db, async (tx) => {
    const user = await repo.findUserForSignIn(tx, email);
    const usable = user && user.active && user.organisation_active;
    const base = { partnershipId: user?.partnership_id, userId: user?.id, organisationId: user?.organisation_id, ip };
    if (usable && user.locked_until && new Date(user.locked_until).getTime() > Date.now()) {
      await audit(tx, { ...base, action: 'sign_in_locked', details: { reason: 'account_locked' } });
      return { kind: 'locked' };
    }
    const ok = await verifyPassword(usable ? user.password_hash : null, password);
    if (!usable || !ok) {
      if (user && usable) {
        const failures = user.failed_attempts + 1;
        const lock = failures >= policy.attempts ? new Date(Date.now() + policy.minutes * 60_000) : null;
        await repo.recordFailure(tx, user.id, lock ? 0 : failures, lock);
        await audit(tx, { ...base, action: 'sign_in_failed', details: { reason: 'wrong_password', locked: !!lock } });
        if (lock) return { kind: 'locked' };
      } else {
        await audit(tx, { ...base, action: 'sign_in_failed', details: { reason: user ? 'inactive_account' : 'unknown_email' } });
      }
      return { kind: 'invalid' };
    }
    await repo.recordSuccess(tx, user.id);
    const required = user.require_two_factor_for_all || user.roles.includes('partnership_admin');
    const twoFactor = user.totp_enabled_at ? 'code_needed' : required ? 'setup_needed' : 'passed';
    await audit(tx, { ...base, action: 'sign_in', details: { two_factor: twoFactor } });
    return { kind: 'ok', userId: user.id, twoFactor };
  });
}

export type CodeResult = 'ok' | 'wrong' | 'locked';

export async function verifySignInCode(db: Kysely<DB>, policy: LockoutPolicy, userId: string, tokenHash: string, code: string, ip: string): Promise<CodeResult> {
  return withAnonymous(db, async (tx) => {
    const user = await repo.findUserById(tx, userId);
    if (!user?.totp_secret || !user.totp_enabled_at) return 'wrong';
    const base = { partnershipId: user.partnership_id, userId: user.id, organisationId: user.organisation_id, ip };
    const step = checkTotp(user.totp_secret, code, user.totp_last_step);
    if (step === null) {
      const failures = user.failed_attempts + 1;
      const lock = failures >= policy.attempts ? new Date(Date.now() + policy.minutes * 60_000) : null;
      await repo.recordFailure(tx, user.id, lock ? 0 : failures, lock);
      await audit(tx, { ...base, action: 'two_factor_failed', details: { locked: !!lock } });
      if (lock) {
        // A locked account loses its half-finished session too.
        await tx.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
        return 'locked';
      }
      return 'wrong';
    }
    await repo.setTotpStep(tx, user.id, step);
    await repo.recordSuccess(tx, user.id);
    await repo.markSessionTwoFactorPassed(tx, tokenHash);
    await audit(tx, { ...base, action: 'sign_in', details: { two_factor: 'code_accepted' } });
    return 'ok';
  });
}

/** The secret being enrolled: kept on the user but not enabled until a code from it is confirmed. */
export async function pendingTotpSecret(db: Kysely<DB>, userId: string): Promise<{ email: string; secret: string; enabled: boolean }> {
  return withAnonymous(db, async (tx) => {
    const user = await repo.findUserById(tx, userId);
    if (!user) throw new Error('user not found');
    if (user.totp_enabled_at && user.totp_secret) return { email: user.email, secret: user.totp_secret, enabled: true };
    if (user.totp_secret) return { email: user.email, secret: user.totp_secret, enabled: false };
    const secret = newTotpSecret();
    await tx.updateTable('users').set({ totp_secret: secret }).where('id', '=', userId).execute();
    return { email: user.email, secret, enabled: false };
  });
}

export async function confirmTotpSetup(db: Kysely<DB>, userId: string, tokenHash: string, code: string, ip: string): Promise<boolean> {
  return withAnonymous(db, async (tx) => {
    const user = await repo.findUserById(tx, userId);
    if (!user?.totp_secret || user.totp_enabled_at) return false;
    const step = checkTotp(user.totp_secret, code, null);
    if (step === null) return false;
    await repo.enableTotp(tx, userId, user.totp_secret, step);
    await repo.markSessionTwoFactorPassed(tx, tokenHash);
    await audit(tx, { partnershipId: user.partnership_id, userId, organisationId: user.organisation_id, ip, action: 'two_factor_enabled' });
    return true;
  });
}

export async function twoFactorEnabled(db: Kysely<DB>, userId: string): Promise<boolean> {
  return withAnonymous(db, async (tx) => !!(await repo.findUserById(tx, userId))?.totp_enabled_at);
}

const RESET_MINUTES = 60;

export async function requestPasswordReset(db: Kysely<DB>, mailer: Mailer, baseUrl: string, email: string, ip: string) {
  await withAnonymous(db, async (tx) => {
    const user = await repo.findUserForSignIn(tx, email);
    if (!user || !user.active) {
      await audit(tx, { action: 'password_reset_requested', ip, details: { known: false } });
      return;
    }
    const token = newToken();
    await repo.insertResetToken(tx, user.id, sha256(token), new Date(Date.now() + RESET_MINUTES * 60_000));
    await audit(tx, { partnershipId: user.partnership_id, userId: user.id, organisationId: user.organisation_id, action: 'password_reset_requested', ip, details: { known: true } });
    await mailer.send(tx, {
      to: user.email,
      partnershipId: user.partnership_id,
      subject: 'Reset your Endeavour password',
      body: `Dear ${user.display_name},\n\nUse this link to choose a new password for Endeavour. It works once, for ${RESET_MINUTES} minutes:\n\n${baseUrl}/reset-password/${token}\n\nIf you did not ask to reset your password, you can ignore this email and your password will not change.`,
    });
  });
}

const SET_PASSWORD_DAYS = 7;

/**
 * Emails a user a one-time link to choose their password: for a new account made by an
 * administrator, or when one sends the link again. Uses the password-reset tokens, valid for longer
 * because the person may not see it at once; runs inside the caller's transaction so the link exists
 * only if what caused it commits. Returns false if there is no such active user.
 */
export async function sendPasswordSetLink(tx: Tx, mailer: Mailer, baseUrl: string, userId: string): Promise<boolean> {
  const user = await tx
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .innerJoin('partnerships as p', 'p.id', 'o.partnership_id')
    .select(['u.id', 'u.email', 'u.display_name', 'u.active', 'o.partnership_id', 'p.name as partnership_name'])
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (!user || !user.active) return false;
  const token = newToken();
  await repo.insertResetToken(tx, user.id, sha256(token), new Date(Date.now() + SET_PASSWORD_DAYS * 24 * 60 * 60_000));
  await mailer.send(tx, {
    to: user.email,
    partnershipId: user.partnership_id,
    subject: 'Set your Endeavour password',
    body: `Dear ${user.display_name},\n\nYou have an Endeavour account with ${user.partnership_name}. Use this link to choose your password. It works once, within ${SET_PASSWORD_DAYS} days:\n\n${baseUrl}/reset-password/${token}\n\nThen sign in at ${baseUrl}/sign-in with this email address.\n\nIf you were not expecting this email, tell your partnership's Endeavour administrator.`,
  });
  return true;
}

export type ResetTokenState = { kind: 'valid'; email: string } | { kind: 'invalid' };

export async function checkResetToken(db: Kysely<DB>, token: string): Promise<ResetTokenState> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { kind: 'invalid' };
  return withAnonymous(db, async (tx) => {
    const row = await repo.findResetToken(tx, sha256(token));
    if (!row || row.used_at || !row.active || new Date(row.expires_at).getTime() < Date.now()) return { kind: 'invalid' };
    return { kind: 'valid', email: row.email };
  });
}

export async function resetPassword(db: Kysely<DB>, token: string, password: string, ip: string): Promise<{ ok: true } | { ok: false; problem: string }> {
  const state = await checkResetToken(db, token);
  if (state.kind !== 'valid') return { ok: false, problem: 'This link has expired or has already been used. Ask for a new one.' };
  const problem = passwordProblem(password, { email: state.email });
  if (problem) return { ok: false, problem };
  const passwordHash = await hashPassword(password);
  await withAnonymous(db, async (tx) => {
    const row = await repo.findResetToken(tx, sha256(token));
    if (!row) return;
    await repo.consumeResetToken(tx, row.token_hash, row.user_id, passwordHash);
    const user = await repo.findUserById(tx, row.user_id);
    await audit(tx, { partnershipId: user?.partnership_id, userId: row.user_id, organisationId: user?.organisation_id, action: 'password_reset', ip });
  });
  return { ok: true };
}

export async function recordSignOut(db: Kysely<DB>, userId: string, ip: string) {
  await withAnonymous(db, async (tx) => {
    const user = await repo.findUserById(tx, userId);
    await audit(tx, { partnershipId: user?.partnership_id, userId, organisationId: user?.organisation_id, action: 'sign_out', ip });
  });
}
