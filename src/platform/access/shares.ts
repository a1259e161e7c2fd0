// The sharing model, the same for every protected record type: the owning organisation shares one
// record with an organisation, a team or a user, for view or edit, with a reason and optionally
// until a date. PostgreSQL's policies (migrations/0001) enforce who may create and see shares; this
// module is the typed way to use them and audits every change.
import type { Tx } from '../db/with-user.ts';
import { auditBy, type AuditActor } from '../audit/audit.ts';

export type ShareTarget = { kind: 'organisation' | 'team' | 'user'; id: string };

export interface NewShare {
  recordType: string;
  recordId: string;
  target: ShareTarget;
  access: 'view' | 'edit';
  reason: string;
  expiresAt: string | null;
}

export async function createShare(tx: Tx, actor: AuditActor, share: NewShare) {
  const row = await tx
    .insertInto('record_shares')
    .values({
      record_type: share.recordType,
      record_id: share.recordId,
      to_organisation_id: share.target.kind === 'organisation' ? share.target.id : null,
      to_team_id: share.target.kind === 'team' ? share.target.id : null,
      to_user_id: share.target.kind === 'user' ? share.target.id : null,
      access: share.access,
      reason: share.reason,
      expires_at: share.expiresAt ? new Date(`${share.expiresAt}T23:59:59Z`) : null,
      created_by: actor.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await auditBy(tx, actor, 'share', share.recordType, share.recordId, {
    share_id: row.id,
    to: share.target.kind,
    to_id: share.target.id,
    access: share.access,
    expires_at: share.expiresAt,
  });
  return row.id;
}

export async function revokeShare(tx: Tx, actor: AuditActor, recordType: string, recordId: string, shareId: string) {
  const result = await tx
    .updateTable('record_shares')
    .set({ revoked_at: new Date(), revoked_by: actor.userId })
    .where('id', '=', shareId)
    .where('record_type', '=', recordType)
    .where('record_id', '=', recordId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await auditBy(tx, actor, 'unshare', recordType, recordId, { share_id: shareId });
  return true;
}

/** Shares of one record as its owner sees them, with the recipient's name. */
export function listShares(tx: Tx, recordType: string, recordId: string) {
  return tx
    .selectFrom('record_shares as s')
    .leftJoin('organisations as o', 'o.id', 's.to_organisation_id')
    .leftJoin('teams as t', 't.id', 's.to_team_id')
    .leftJoin('organisations as tor', 'tor.id', 't.organisation_id')
    .leftJoin('users as u', 'u.id', 's.to_user_id')
    .innerJoin('users as by', 'by.id', 's.created_by')
    .select([
      's.id',
      's.access',
      's.reason',
      's.expires_at',
      's.created_at',
      's.revoked_at',
      'o.name as organisation_name',
      't.name as team_name',
      'tor.name as team_organisation_name',
      'u.display_name as user_name',
      'by.display_name as created_by_name',
    ])
    .where('s.record_type', '=', recordType)
    .where('s.record_id', '=', recordId)
    .orderBy('s.created_at', 'desc')
    .execute();
}

/** What the acting user may do with a record they can see: the owner organisation may edit and share. */
export async function accessTo(tx: Tx, recordType: string, recordId: string, ownerOrganisationId: string, organisationId: string) {
  if (ownerOrganisationId === organisationId) return { edit: true, share: true };
  const r = await tx
    .selectNoFrom((eb) => eb.fn<boolean>('app_has_share', [eb.val(recordType), eb.val(recordId), eb.val('edit')]).as('edit'))
    .executeTakeFirstOrThrow();
  return { edit: !!r.edit, share: false };
}

/** Organisations, teams and users of the partnership that a record can be shared with. */
export async function shareTargets(tx: Tx, partnershipId: string) {
  const organisations = await tx
    .selectFrom('organisations')
    .select(['id', 'name'])
    .where('partnership_id', '=', partnershipId)
    .where('active', '=', true)
    .orderBy('name')
    .execute();
  const teams = await tx
    .selectFrom('teams as t')
    .innerJoin('organisations as o', 'o.id', 't.organisation_id')
    .select(['t.id', 't.name', 'o.name as organisation_name'])
    .where('o.partnership_id', '=', partnershipId)
    .orderBy('o.name')
    .orderBy('t.name')
    .execute();
  const users = await tx
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .select(['u.id', 'u.display_name', 'o.name as organisation_name'])
    .where('o.partnership_id', '=', partnershipId)
    .where('u.active', '=', true)
    .orderBy('u.display_name')
    .execute();
  return { organisations, teams, users };
}
