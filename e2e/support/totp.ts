// What an authenticator app does: the 6-digit code for a base32 secret at a given moment.
import * as OTPAuth from 'otpauth';
import { expect, type Page } from '@playwright/test';

export function totpCode(secret: string, at = Date.now()): string {
  return new OTPAuth.TOTP({
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: OTPAuth.Secret.fromBase32(secret),
  }).generate({ timestamp: at });
}

/**
 * The code for the next 30-second step. Each code is accepted once (the server remembers the step
 * it matched, allowing one step of clock drift), so a sign-in straight after enrolment uses this.
 */
export function nextTotpCode(secret: string): string {
  return totpCode(secret, Date.now() + 30_000);
}

/** Reads the set-up key from the "I cannot scan the QR code" details on the 2FA set-up page, by keyboard. */
export async function readTotpSecret(page: Page): Promise<string> {
  const summary = page.locator('summary', { hasText: 'I cannot scan the QR code' });
  await summary.focus();
  await page.keyboard.press('Enter');
  const secret = page.getByTestId('totp-secret');
  await expect(secret).toBeVisible();
  const text = (await secret.textContent())?.trim() ?? '';
  expect(text, 'the set-up key is a base32 secret').toMatch(/^[A-Z2-7]{16,}$/);
  return text;
}
