// The opaque token behind a "record exists" stub's "request access". The page must not carry the
// record's id (that would let a user collect ids of people they cannot see), so the id travels sealed:
// AES-256-GCM under a key derived from the instance secret, bound to the user it was shown to and
// valid for a day. Only the server can open it, and only for that user.
import crypto from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { isUuid } from '../../platform/http/fields.ts';

export type StubRecordType = 'person' | 'vehicle';

export interface StubClaim {
  recordType: StubRecordType;
  recordId: string;
}

const LIFETIME_SECONDS = 24 * 60 * 60;
const keys = new WeakMap<object, Promise<Buffer>>();

/**
 * The sealing key, derived once per database from the secret the first migration generated. Read
 * it before opening a transaction: on the embedded database a second query would wait for that one.
 */
export function stubKey(db: Kysely<DB>): Promise<Buffer> {
  let key = keys.get(db);
  if (!key) {
    key = sql<{ value: string }>`SELECT value FROM instance_secrets WHERE name = 'session'`
      .execute(db)
      .then((r) => Buffer.from(crypto.hkdfSync('sha256', r.rows[0]!.value, 'endeavour', 'matching-stub-token', 32)));
    keys.set(db, key);
  }
  return key;
}

export function sealStub(key: Buffer, userId: string, claim: StubClaim, now = Date.now()): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(userId));
  const body = JSON.stringify({ t: claim.recordType, r: claim.recordId, e: Math.floor(now / 1000) + LIFETIME_SECONDS });
  const ct = Buffer.concat([cipher.update(body, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url');
}

/** The record a token names, or null if it is malformed, altered, expired or was made for someone else. */
export function openStub(key: Buffer, userId: string, token: string, now = Date.now()): StubClaim | null {
  if (typeof token !== 'string' || token.length < 40 || token.length > 400 || !/^[\w-]+$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length < 29) return null;
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(userId));
    decipher.setAuthTag(raw.subarray(12, 28));
    const body = JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as { t?: unknown; r?: unknown; e?: unknown };
    if ((body.t !== 'person' && body.t !== 'vehicle') || !isUuid(body.r) || typeof body.e !== 'number') return null;
    if (body.e * 1000 < now) return null;
    return { recordType: body.t, recordId: body.r };
  } catch {
    return null;
  }
}
