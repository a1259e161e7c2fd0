// Queries on users, sessions and reset tokens for signing in. Runs inside the caller's transaction.
import type { Tx } from '../../platform/db/with-user.ts';

export function findUserForSignIn(tx: Tx, email: string) {
  return tx
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .innerJoin('partnerships as p', 'p.id', 'o.partnership_id')
    .select([
      'u.id',
      'u.email',
      'u.display_name',
      'u.password_hash',
      'u.roles',
      'u.active',
      'u.failed_attempts',
      'u.locked_until',
      'u.totp_secret',
      'u.totp_enabled_at',
      'u.totp_last_step',
      'u.organisation_id',
      'o.active as organisation_active',
      'p.id as partnership_id',
      'p.require_two_factor_for_all',
    ])
    .where((eb) => eb(eb.fn('lower', ['u.email']), '=', email.toLowerCase()))
    .executeTakeFirst();
}

export function findUserById(tx: Tx, id: string) {
  return tx
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .select(['u.id', 'u.email', 'u.display_name', 'u.roles', 'u.totp_secret', 'u.totp_enabled_at', 'u.totp_last_step', 'u.organisation_id', 'o.partnership_id', 'u.failed_attempts'])
    .where('u.id', '=', id)
    .executeTakeFirst();
}

export function recordFailure(tx: Tx, id: string, failedAttempts: number, lockedUntil: Date | null) {
  return tx.updateTable('users').set({ failed_attempts: failedAttempts, locked_until: lockedUntil }).where('id', '=', id).execute();
}

export function recordSuccess(tx: Tx, id: string) {
  return tx.updateTable('users').set({ failed_attempts: 0, locked_until: null, last_sign_in_at: new Date() }).where('id', '=', id).execute();
}

export function setTotpStep(tx: Tx, id: string, step: number) {
  return tx.updateTable('users').set({ totp_last_step: step }).where('id', '=', id).execute();
}

export function enableTotp(tx: Tx, id: string, secret: string, step: number) {
  return tx
    .updateTable('users')
    .set({ totp_secret: secret, totp_enabled_at: new Date(), totp_last_step: step, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export function markSessionTwoFactorPassed(tx: Tx, tokenHash: string) {
  return tx.updateTable('sessions').set({ two_factor_passed: true }).where('token_hash', '=', tokenHash).execute();
}

export function insertResetToken(tx: Tx, userId: string, tokenHash: string, expiresAt: Date) {
  return tx.insertInto('password_reset_tokens').values({ user_id: userId, token_hash: tokenHash, expires_at: expiresAt }).execute();
}

export function findResetToken(tx: Tx, tokenHash: string) {
  return tx
    .selectFrom('password_reset_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['t.token_hash', 't.user_id', 't.expires_at', 't.used_at', 'u.email', 'u.display_name', 'u.active'])
    .where('t.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function consumeResetToken(tx: Tx, tokenHash: string, userId: string, passwordHash: string) {
  await tx.updateTable('password_reset_tokens').set({ used_at: new Date() }).where('token_hash', '=', tokenHash).execute();
  await tx
    .updateTable('users')
    .set({ password_hash: passwordHash, password_changed_at: new Date(), failed_attempts: 0, locked_until: null, updated_at: new Date() })
    .where('id', '=', userId)
    .execute();
  // A new password ends every existing session of that user.
  await tx.deleteFrom('sessions').where('user_id', '=', userId).execute();
}
