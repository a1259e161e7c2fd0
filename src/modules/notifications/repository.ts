// Queries on notifications and preferences. In a user's transaction row-level security shows each user
// only their own; adding notifications and claiming the digest go through definer functions
// (migrations/0019_notifications.sql), the only ways to write for someone else.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, NotificationDelivery, NotificationKind } from '../../platform/db/schema.ts';

type Q = Kysely<DB> | Transaction<DB>;

export const PAGE_SIZE = 50;

export interface Added {
  notification_id: string;
  user_id: string;
  partnership_id: string;
  email: string;
  display_name: string;
  delivery: NotificationDelivery;
}

export async function add(
  tx: Q,
  recipients: string[],
  n: { kind: NotificationKind; title: string; href: string; recordType: string | null; recordId: string | null },
  emailNow: boolean,
) {
  const r = await sql<Added>`
    SELECT * FROM notification_add(${recipients}::uuid[], ${n.kind}, ${n.title}, ${n.href}, ${n.recordType}, ${n.recordId}::uuid, ${emailNow})`.execute(tx);
  return r.rows;
}

/** The acting user and organisation of the transaction (none in the job runner's). */
export async function actingUser(tx: Q) {
  const r = await sql<{ user_id: string | null; organisation_id: string | null }>`SELECT app_user_id() AS user_id, app_org_id() AS organisation_id`.execute(tx);
  return r.rows[0] ?? { user_id: null, organisation_id: null };
}

export function list(tx: Q, userId: string, limit = PAGE_SIZE + 1) {
  return tx
    .selectFrom('notifications')
    .select(['id', 'kind', 'title', 'href', 'created_at', 'read_at'])
    .where('recipient_user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}
export type NotificationRow = Awaited<ReturnType<typeof list>>[number];

export async function unreadCount(tx: Q, userId: string) {
  const r = await tx
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('recipient_user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export function find(tx: Q, id: string) {
  return tx.selectFrom('notifications').select(['id', 'href', 'read_at', 'kind']).where('id', '=', id).executeTakeFirst();
}

/** Marks one notification read; false when it is not the user's (row-level security) or already read. */
export async function markRead(tx: Q, id: string) {
  const r = await tx.updateTable('notifications').set({ read_at: new Date() }).where('id', '=', id).where('read_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Marks read the user's unread notifications that link to a page (the unread index, then the path). */
export async function markReadAt(tx: Q, userId: string, href: string) {
  const r = await tx.updateTable('notifications').set({ read_at: new Date() }).where('recipient_user_id', '=', userId).where('read_at', 'is', null).where('href', '=', href).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function markAllRead(tx: Q, userId: string) {
  const r = await tx.updateTable('notifications').set({ read_at: new Date() }).where('recipient_user_id', '=', userId).where('read_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function preferences(tx: Q, userId: string) {
  const kinds = await tx.selectFrom('notification_kinds').select(['kind', 'default_delivery']).execute();
  const chosen = await tx.selectFrom('notification_preferences').select(['kind', 'delivery']).where('user_id', '=', userId).execute();
  const byKind = new Map(chosen.map((c) => [c.kind, c.delivery]));
  return new Map(kinds.map((k) => [k.kind, { delivery: byKind.get(k.kind) ?? k.default_delivery, chosen: byKind.has(k.kind) }]));
}

export async function setPreference(tx: Q, userId: string, kind: NotificationKind, delivery: NotificationDelivery) {
  await tx
    .insertInto('notification_preferences')
    .values({ user_id: userId, kind, delivery })
    .onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet({ delivery, updated_at: new Date() }))
    .execute();
}

export interface DigestRow {
  user_id: string;
  partnership_id: string;
  email: string;
  display_name: string;
  claimed: number;
  titles: string[];
  hrefs: string[];
}

export async function claimDigest(tx: Q, until: Date) {
  const r = await sql<DigestRow>`SELECT * FROM notification_digest_claim(${until.toISOString()}::timestamptz)`.execute(tx);
  return r.rows;
}

/** Who hears of work sent to a user, a team (its members) or an organisation (its managers and coordinators). */
export async function usersReached(tx: Q, target: { userId?: string | null; teamId?: string | null; organisationId?: string | null }) {
  if (target.userId) return [target.userId];
  if (target.teamId) {
    const rows = await tx
      .selectFrom('team_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select('u.id')
      .where('m.team_id', '=', target.teamId)
      .where('u.active', '=', true)
      .execute();
    return rows.map((r) => r.id);
  }
  if (target.organisationId) return usersWithRole(tx, [target.organisationId], ['manager', 'coordinator']);
  return [];
}

export async function usersWithRole(tx: Q, organisationIds: string[], roles: string[]) {
  if (!organisationIds.length) return [];
  const rows = await tx
    .selectFrom('users')
    .select('id')
    .where('organisation_id', 'in', organisationIds)
    .where('active', '=', true)
    .where(sql<boolean>`roles && ${sql.val(roles)}::text[]`)
    .execute();
  return rows.map((r) => r.id);
}
