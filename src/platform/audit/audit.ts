// The audit trail: every sign-in, view, change, share, export and admin action is appended inside
// the same transaction as the thing it records, so an action and its audit row commit together or
// not at all. Details hold identifiers and field names, never the personal data itself.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

export type AuditAction =
  | 'sign_in'
  | 'sign_in_failed'
  | 'sign_in_locked'
  | 'sign_out'
  | 'two_factor_enabled'
  | 'two_factor_failed'
  | 'two_factor_reset'
  | 'password_reset_requested'
  | 'password_reset'
  | 'view'
  | 'list'
  | 'create'
  | 'update'
  | 'share'
  | 'unshare'
  | 'export'
  | 'match_lookup'
  | 'match_stub_shown'
  | 'access_request'
  | 'access_request_withdrawn'
  | 'access_granted'
  | 'access_declined'
  | 'admin_create'
  | 'admin_update'
  | 'admin_view'
  | 'merge'
  | 'unmerge'
  | 'notify';

export interface AuditEntry {
  partnershipId?: string | null;
  userId?: string | null;
  organisationId?: string | null;
  action: AuditAction;
  recordType?: string | null;
  recordId?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditActor {
  partnershipId: string;
  userId: string;
  organisationId: string;
  ip: string;
}

export async function audit(db: Kysely<DB> | Transaction<DB>, entry: AuditEntry): Promise<void> {
  await sql`SELECT audit_append(${entry.partnershipId ?? null}::uuid, ${entry.userId ?? null}::uuid,
    ${entry.organisationId ?? null}::uuid, ${entry.action}, ${entry.recordType ?? null}, ${entry.recordId ?? null},
    ${entry.ip ?? null}, ${JSON.stringify(entry.details ?? {})}::jsonb)`.execute(db);
}

/** Shorthand for the common case: the signed-in actor did something to one record. */
export function auditBy(
  db: Kysely<DB> | Transaction<DB>,
  actor: AuditActor,
  action: AuditAction,
  recordType: string | null,
  recordId: string | null,
  details?: Record<string, unknown>,
) {
  return audit(db, {
    partnershipId: actor.partnershipId,
    userId: actor.userId,
    organisationId: actor.organisationId,
    action,
    recordType,
    recordId,
    ip: actor.ip,
    details,
  });
}

export interface VerifyResult {
  ok: boolean;
  rows: number;
  problems: string[];
}

/**
 * Recomputes every row's hash from its fields and its predecessor's stored hash, checks the
 * sequence has no gaps and that the head still points at the last row. Runs as the migrator
 * (not the app role), reading in order in one pass.
 */
export async function verifyAudit(db: Kysely<DB>): Promise<VerifyResult> {
  const problems: string[] = [];
  const result = await sql<{ seq: number; hash: string; expected: string; prev_seq: number | null }>`
    SELECT seq, hash,
      audit_row_hash(lag(hash) OVER w, seq, occurred_at, partnership_id, actor_user_id, actor_organisation_id,
        action, record_type, record_id, ip, details) AS expected,
      lag(seq) OVER w AS prev_seq
    FROM audit_log
    WINDOW w AS (ORDER BY seq)
    ORDER BY seq`.execute(db);
  let rows = 0;
  let last: { seq: number; hash: string } | null = null;
  for (const r of result.rows) {
    rows++;
    const expectedPrev = r.prev_seq === null ? 0 : r.prev_seq;
    if (r.seq !== expectedPrev + 1) {
      problems.push(`Rows ${expectedPrev + 1} to ${r.seq - 1} are missing (deleted).`);
    }
    if (r.hash !== r.expected) {
      problems.push(`Row ${r.seq} does not match its hash: it, or the row before it, was changed or removed.`);
    }
    last = { seq: r.seq, hash: r.hash };
  }
  const head = await sql<{ seq: number; hash: string }>`SELECT seq, hash FROM audit_head`.execute(db);
  const h = head.rows[0];
  if (h && (!last || h.seq !== last.seq || h.hash !== last.hash)) {
    problems.push(`The log ends at row ${last?.seq ?? 0} but its head records row ${h.seq}: rows were removed from the end.`);
  }
  if (!h && last) problems.push('The audit head is missing.');
  return { ok: problems.length === 0, rows, problems };
}
