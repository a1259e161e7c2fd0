// Typed queries on access requests, all under row-level security: a request is visible only to the
// organisation that asked and the organisation that holds the record (migrations/0009).
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';
import type { AccessRequestStatus } from '../../platform/db/schema.ts';

/** Roles that decide any request for their organisation's records; the recording officer decides theirs too. */
export const DECIDER_ROLES = ['manager', 'coordinator', 'partnership_admin'] as const;

export interface RequestRow {
  id: string;
  record_type: 'person' | 'vehicle';
  record_id: string;
  owner_organisation_id: string;
  owner_name: string;
  record_officer_id: string | null;
  requester_user_id: string;
  requester_name: string;
  requester_email: string;
  requester_organisation_id: string;
  requester_organisation_name: string;
  reason: string;
  status: AccessRequestStatus;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: Date | null;
  decision_note: string | null;
  share_id: string | null;
  created_at: Date;
  version: number;
}

function base(tx: Tx) {
  return tx
    .selectFrom('access_requests as r')
    .innerJoin('organisations as oo', 'oo.id', 'r.owner_organisation_id')
    .innerJoin('users as ru', 'ru.id', 'r.requester_user_id')
    .innerJoin('organisations as ro', 'ro.id', 'r.requester_organisation_id')
    .leftJoin('users as du', 'du.id', 'r.decided_by')
    .select([
      'r.id',
      'r.record_type',
      'r.record_id',
      'r.owner_organisation_id',
      'oo.name as owner_name',
      'r.record_officer_id',
      'r.requester_user_id',
      'ru.display_name as requester_name',
      'ru.email as requester_email',
      'r.requester_organisation_id',
      'ro.name as requester_organisation_name',
      'r.reason',
      'r.status',
      'r.decided_by',
      'du.display_name as decided_by_name',
      'r.decided_at',
      'r.decision_note',
      'r.share_id',
      'r.created_at',
      'r.version',
    ]);
}

export function findRequest(tx: Tx, id: string): Promise<RequestRow | undefined> {
  return base(tx).where('r.id', '=', id).executeTakeFirst();
}

/** Requests for the organisation's records: all of them for deciders, else those on records the user recorded. */
export function incoming(tx: Tx, organisationId: string, userId: string, everyRecord: boolean, status: 'pending' | 'decided', limit = 100): Promise<RequestRow[]> {
  let q = base(tx).where('r.owner_organisation_id', '=', organisationId);
  if (!everyRecord) q = q.where('r.record_officer_id', '=', userId);
  q = status === 'pending' ? q.where('r.status', '=', 'pending').orderBy('r.created_at') : q.where('r.status', '<>', 'pending').orderBy('r.created_at', 'desc');
  return q.limit(limit).execute();
}

export function outgoing(tx: Tx, userId: string, limit = 100): Promise<RequestRow[]> {
  return base(tx).where('r.requester_user_id', '=', userId).orderBy('r.created_at', 'desc').limit(limit).execute();
}

export async function pendingCount(tx: Tx, organisationId: string, userId: string, everyRecord: boolean): Promise<number> {
  const r = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM access_requests
    WHERE owner_organisation_id = ${organisationId} AND status = 'pending'
      AND (${everyRecord} OR record_officer_id = ${userId})`.execute(tx);
  return r.rows[0]?.n ?? 0;
}

export async function insertRequest(tx: Tx, values: { partnershipId: string; recordType: 'person' | 'vehicle'; recordId: string; userId: string; organisationId: string; reason: string }) {
  return tx
    .insertInto('access_requests')
    .values({
      partnership_id: values.partnershipId,
      record_type: values.recordType,
      record_id: values.recordId,
      requester_user_id: values.userId,
      requester_organisation_id: values.organisationId,
      reason: values.reason,
      updated_at: new Date(),
    })
    .returning(['id', 'owner_organisation_id', 'record_officer_id'])
    .executeTakeFirstOrThrow();
}

export async function openRequestFor(tx: Tx, userId: string, recordType: 'person' | 'vehicle', recordId: string) {
  return tx
    .selectFrom('access_requests')
    .select('id')
    .where('requester_user_id', '=', userId)
    .where('record_type', '=', recordType)
    .where('record_id', '=', recordId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
}

export async function setDecision(
  tx: Tx,
  id: string,
  version: number,
  decision: { status: 'granted' | 'declined' | 'withdrawn'; decidedBy: string | null; note: string | null; shareId: string | null },
) {
  const now = new Date();
  const r = await tx
    .updateTable('access_requests')
    .set((eb) => ({
      status: decision.status,
      decided_by: decision.decidedBy,
      decided_at: decision.decidedBy ? now : null,
      decision_note: decision.note,
      share_id: decision.shareId,
      updated_at: now,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', id)
    .where('version', '=', version)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A short description of the record for its owner (who can see it): the name or the registration. */
export async function recordSummary(tx: Tx, recordType: 'person' | 'vehicle', recordId: string): Promise<{ label: string; href: string } | null> {
  if (recordType === 'person') {
    const p = await tx.selectFrom('people').select(['first_name', 'last_name', 'date_of_birth']).where('id', '=', recordId).executeTakeFirst();
    return p ? { label: `${p.first_name} ${p.last_name}`, href: `/people/${recordId}` } : null;
  }
  const v = await tx.selectFrom('vehicles').select(['vrm']).where('id', '=', recordId).executeTakeFirst();
  return v ? { label: v.vrm, href: `/vehicles/${recordId}` } : null;
}

/** Who to email about a new request: the recording officer if still active there, else the deciders. */
export async function recipients(tx: Tx, organisationId: string, officerId: string | null) {
  const users = await tx
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'roles'])
    .where('organisation_id', '=', organisationId)
    .where('active', '=', true)
    .execute();
  const officer = users.find((u) => u.id === officerId);
  if (officer) return [officer];
  return users.filter((u) => u.roles.some((r) => (DECIDER_ROLES as readonly string[]).includes(r)));
}
