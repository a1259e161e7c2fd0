// The sharing operations every owned record type offers, written once: only the owning
// organisation may see the sharing options, share or stop sharing, all inside withUser so that
// row-level security has the final word, and all audited by platform/access/shares.ts.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { withUser, type Tx } from '../db/with-user.ts';
import type { Actor } from '../http/context.ts';
import { createShare, revokeShare, shareTargets, type NewShare } from './shares.ts';

export function ownerSharing<T extends { owner_organisation_id: string }>(recordType: string, find: (tx: Tx, id: string) => Promise<T | undefined>) {
  return {
    /** The record and who it can be shared with, or null when the actor's organisation does not own it. */
    async options(db: Kysely<DB>, actor: Actor, id: string) {
      return withUser(db, actor.userId, async (tx) => {
        const record = await find(tx, id);
        if (!record || record.owner_organisation_id !== actor.organisationId) return null;
        return { record, targets: await shareTargets(tx, actor.partnershipId) };
      });
    },
    async share(db: Kysely<DB>, actor: Actor, share: Omit<NewShare, 'recordType'>) {
      return withUser(db, actor.userId, async (tx) => {
        const record = await find(tx, share.recordId);
        if (!record || record.owner_organisation_id !== actor.organisationId) return false;
        await createShare(tx, actor, { ...share, recordType });
        return true;
      });
    },
    async unshare(db: Kysely<DB>, actor: Actor, id: string, shareId: string) {
      return withUser(db, actor.userId, (tx) => revokeShare(tx, actor, recordType, id, shareId));
    },
  };
}
