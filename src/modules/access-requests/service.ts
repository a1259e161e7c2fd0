// Access requests: a user shown a "record exists, held by <organisation>" stub asks that organisation
// to share the record. The owner's recording officer, or a manager, coordinator or administrator of the
// owning organisation, grants it (a view share through platform/access/shares.ts, to the requester or
// their whole organisation, optionally until a date) or declines it with a reason. Each step is
// audited, and the deciders (then the requester) are notified in Endeavour and, by their preference, by
// email (src/modules/notifications).
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import type { Mailer } from '../../platform/mail/mailer.ts';
import { createShare } from '../../platform/access/shares.ts';
import { openStub, stubKey } from '../matching/stub-token.ts';
import { notify as tell } from '../notifications/service.ts';
import * as repo from './repository.ts';

export const RECORD_TYPE = 'access_request';

export interface Notify {
  mailer: Mailer;
  baseUrl: string;
}

export function decidesEveryRequest(actor: Actor) {
  return actor.roles.some((r) => (repo.DECIDER_ROLES as readonly string[]).includes(r));
}

function canDecide(actor: Actor, r: repo.RequestRow) {
  return r.owner_organisation_id === actor.organisationId && (decidesEveryRequest(actor) || r.record_officer_id === actor.userId);
}

/** What the request page for a stub shows before anything is asked: who holds it and whom to contact. */
export async function prepareRequest(db: Kysely<DB>, actor: Actor, token: string) {
  const claim = openStub(await stubKey(db), actor.userId, token);
  if (!claim) return null;
  return withUser(db, actor.userId, async (tx) => {
    const held = await heldBy(tx, claim.recordType, claim.recordId);
    if (!held || held.ownerId === actor.organisationId) return null;
    const open = await repo.openRequestFor(tx, actor.userId, claim.recordType, claim.recordId);
    return { recordType: claim.recordType, heldBy: held.ownerName, contact: held.contact, openRequestId: open?.id ?? null };
  });
}

/** The owner and the contact for a record, through the definer functions: the record itself stays unread. */
async function heldBy(tx: Tx, recordType: 'person' | 'vehicle', recordId: string) {
  const r = await tx
    .selectNoFrom((eb) => [
      eb.fn<string | null>('app_record_owner', [eb.val(recordType), eb.val(recordId)]).as('owner'),
      eb.fn<string | null>('app_record_recorded_by', [eb.val(recordType), eb.val(recordId)]).as('officer'),
    ])
    .executeTakeFirstOrThrow();
  if (!r.owner) return null;
  const org = await tx.selectFrom('organisations').select(['name', 'partnership_id']).where('id', '=', r.owner).executeTakeFirst();
  if (!org) return null;
  const people = await repo.recipients(tx, r.owner, r.officer);
  const contact = people[0] ? { name: people[0].display_name, email: people[0].email, role: people[0].id === r.officer ? ('recording officer' as const) : ('manager' as const) } : null;
  return { ownerId: r.owner, ownerName: org.name, partnershipId: org.partnership_id, contact };
}

export type RequestResult = { kind: 'created'; id: string } | { kind: 'already'; id: string } | { kind: 'invalid' };

/** Asks the owner of the record behind a stub's token to share it with the actor. */
export async function requestAccess(db: Kysely<DB>, notify: Notify, actor: Actor, input: { token: string; reason: string }): Promise<RequestResult> {
  const claim = openStub(await stubKey(db), actor.userId, input.token);
  if (!claim) return { kind: 'invalid' };
  return withUser(db, actor.userId, async (tx) => {
    const held = await heldBy(tx, claim.recordType, claim.recordId);
    if (!held || held.ownerId === actor.organisationId || held.partnershipId !== actor.partnershipId) return { kind: 'invalid' };
    const open = await repo.openRequestFor(tx, actor.userId, claim.recordType, claim.recordId);
    if (open) return { kind: 'already', id: open.id };
    const row = await repo.insertRequest(tx, {
      partnershipId: actor.partnershipId,
      recordType: claim.recordType,
      recordId: claim.recordId,
      userId: actor.userId,
      organisationId: actor.organisationId,
      reason: input.reason,
    });
    await auditBy(tx, actor, 'access_request', claim.recordType, claim.recordId, { access_request_id: row.id, owner_organisation_id: row.owner_organisation_id });
    // The notification (and its email) names neither the record nor the reason: both are read in Endeavour.
    const deciders = await repo.recipients(tx, row.owner_organisation_id, row.record_officer_id);
    await tell(tx, deciders.map((d) => d.id), { kind: 'access_request_received', title: 'A request to see a record your organisation holds', href: `/access-requests/${row.id}`, recordType: RECORD_TYPE, recordId: row.id }, { delivery: notify });
    return { kind: 'created', id: row.id };
  });
}

export async function listRequests(db: Kysely<DB>, actor: Actor) {
  const every = decidesEveryRequest(actor);
  return withUser(db, actor.userId, async (tx) => {
    const waiting = await repo.incoming(tx, actor.organisationId, actor.userId, every, 'pending');
    const decided = await repo.incoming(tx, actor.organisationId, actor.userId, every, 'decided', 20);
    const mine = await repo.outgoing(tx, actor.userId);
    await auditBy(tx, actor, 'list', RECORD_TYPE, null, { waiting: waiting.length, decided: decided.length, mine: mine.length });
    return { waiting, decided, mine };
  });
}

/** The number of requests waiting for this user's decision, for the navigation. */
export async function waitingCount(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, (tx) => repo.pendingCount(tx, actor.organisationId, actor.userId, decidesEveryRequest(actor)));
}

export async function viewRequest(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const request = await repo.findRequest(tx, id);
    if (!request) return null;
    const owner = request.owner_organisation_id === actor.organisationId;
    // The requester learns nothing about the record until it is shared; then it is theirs to open.
    const record = await repo.recordSummary(tx, request.record_type, request.record_id);
    const contact = owner ? null : (await heldBy(tx, request.record_type, request.record_id))?.contact ?? null;
    await auditBy(tx, actor, 'view', RECORD_TYPE, id, { status: request.status });
    return { request, owner, record, contact, canDecide: canDecide(actor, request) && request.status === 'pending', canWithdraw: request.requester_user_id === actor.userId && request.status === 'pending' };
  });
}

export type Decision =
  | { decision: 'grant'; to: 'user' | 'organisation'; expiresAt: string | null; note: string | null }
  | { decision: 'decline'; note: string };

export type DecideResult = { kind: 'ok' } | { kind: 'not_found' } | { kind: 'forbidden' } | { kind: 'already_decided' };

/** Grants (sharing the record for view) or declines a request; only the owner's deciders may. */
export async function decide(db: Kysely<DB>, notify: Notify, actor: Actor, id: string, version: number, d: Decision): Promise<DecideResult> {
  return withUser(db, actor.userId, async (tx) => {
    const request = await repo.findRequest(tx, id);
    if (!request) return { kind: 'not_found' };
    if (!canDecide(actor, request)) return { kind: 'forbidden' };
    if (request.status !== 'pending' || request.version !== version) return { kind: 'already_decided' };
    let shareId: string | null = null;
    if (d.decision === 'grant') {
      shareId = await createShare(tx, actor, {
        recordType: request.record_type,
        recordId: request.record_id,
        target: d.to === 'user' ? { kind: 'user', id: request.requester_user_id } : { kind: 'organisation', id: request.requester_organisation_id },
        access: 'view',
        reason: `Access request from ${request.requester_name} (${request.requester_organisation_name}): ${request.reason}`.slice(0, 500),
        expiresAt: d.expiresAt,
      });
    }
    const ok = await repo.setDecision(tx, id, version, { status: d.decision === 'grant' ? 'granted' : 'declined', decidedBy: actor.userId, note: d.note, shareId });
    if (!ok) throw new Error('access request changed while it was being decided');
    await auditBy(tx, actor, d.decision === 'grant' ? 'access_granted' : 'access_declined', request.record_type, request.record_id, {
      access_request_id: id,
      ...(shareId ? { share_id: shareId, to: d.decision === 'grant' ? d.to : null } : {}),
    });
    await tell(
      tx,
      [request.requester_user_id],
      { kind: 'access_request_answered', title: d.decision === 'grant' ? 'Your request to see a record was granted' : 'Your request to see a record was declined', href: `/access-requests/${id}`, recordType: RECORD_TYPE, recordId: id },
      { delivery: notify },
    );
    return { kind: 'ok' };
  });
}

export async function withdraw(db: Kysely<DB>, actor: Actor, id: string, version: number): Promise<DecideResult> {
  return withUser(db, actor.userId, async (tx) => {
    const request = await repo.findRequest(tx, id);
    if (!request) return { kind: 'not_found' };
    if (request.requester_user_id !== actor.userId) return { kind: 'forbidden' };
    if (request.status !== 'pending' || request.version !== version) return { kind: 'already_decided' };
    const ok = await repo.setDecision(tx, id, version, { status: 'withdrawn', decidedBy: null, note: null, shareId: null });
    if (!ok) return { kind: 'already_decided' };
    await auditBy(tx, actor, 'access_request_withdrawn', request.record_type, request.record_id, { access_request_id: id });
    return { kind: 'ok' };
  });
}
