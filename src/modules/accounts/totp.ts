// Time-based one-time passwords (RFC 6238) for two-factor sign-in, with a QR code for enrolment.
// A code is accepted once: the time step it matched is stored so it cannot be replayed.
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';

export function newTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

function totp(secret: string, label = 'Endeavour') {
  return new OTPAuth.TOTP({ issuer: 'Endeavour', label, algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secret) });
}

export function totpUri(secret: string, email: string) {
  return totp(secret, email).toString();
}

export function totpQrSvg(secret: string, email: string) {
  return QRCode.toString(totpUri(secret, email), { type: 'svg', margin: 1, width: 200 });
}

/** The matched time step, or null. Accepts the previous and next step for clock drift. */
export function checkTotp(secret: string, code: string, lastStep: number | null, now = Date.now()): number | null {
  const cleaned = code.replace(/[\s-]/g, '');
  if (!/^\d{6}$/.test(cleaned)) return null;
  const delta = totp(secret).validate({ token: cleaned, timestamp: now, window: 1 });
  if (delta === null) return null;
  const step = Math.floor(now / 30_000) + delta;
  if (lastStep !== null && step <= lastStep) return null;
  return step;
}

/** For tests and the demo: the code an authenticator app would show now. */
export function currentTotp(secret: string, now = Date.now()) {
  return totp(secret).generate({ timestamp: now });
}
