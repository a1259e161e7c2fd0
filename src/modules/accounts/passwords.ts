// Password policy after NCSC guidance: length over complexity (at least 12 characters, no composition
// rules), refuse the most common passwords, and store only an argon2id hash.
import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

export const MIN_LENGTH = 12;
export const MAX_LENGTH = 256;

const common = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

/** Returns a message for the person choosing the password, or null when it is acceptable. */
export function passwordProblem(password: string, context: { email?: string; name?: string } = {}): string | null {
  if (password.length === 0) return 'Enter a password';
  if (password.length < MIN_LENGTH) return `Password must be ${MIN_LENGTH} characters or more – three random words work well`;
  if (password.length > MAX_LENGTH) return `Password must be ${MAX_LENGTH} characters or fewer`;
  const lower = password.toLowerCase();
  const squashed = lower.replace(/[\s\d!@#$%^&*()_+\-=.,]+$/g, '');
  if (common.has(lower) || common.has(squashed) || /^(.)\1+$/.test(password)) {
    return 'Password is too common and easy to guess – choose a different one';
  }
  const local = context.email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) return 'Password must not contain your email address';
  return null;
}

// OWASP's argon2id baseline (19 MiB, 2 iterations, 1 lane).
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string) {
  return hash(password, OPTIONS);
}

// Verified against when the email is unknown, so a wrong email takes as long as a wrong password.
let decoy: Promise<string> | null = null;

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    decoy ??= hashPassword('endeavour-decoy-password-for-timing');
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}
