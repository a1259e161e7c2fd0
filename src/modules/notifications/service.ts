// Notifications: other capabilities call notify() inside the transaction that did the thing worth
// telling someone about. It records an in-app notification for each recipient (the count in the
// navigation, the list at /notifications) and, by each recipient's preference for that kind, emails
// them now, leaves it for the daily digest, or neither. Emails carry only a neutral title and a link
// (GOV.UK Notify style): what it is about is read in Endeavour, after signing in, under the record's
// own row-level security. Viewing, reading and changing preferences are audited like everything else.
import type { Kysely, Transaction } from 'kysely';
import type { DB, NotificationDelivery, NotificationKind } from '../../platform/db/schema.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { audit, auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import type { Mailer } from '../../platform/mail/mailer.ts';
import { KINDS } from './labels.ts';
import * as repo from './repository.ts';

export const RECORD_TYPE = 'notification';
export const PREFERENCES_RECORD = 'notification_preferences';
export const DIGEST_RECORD = 'notification_digest';

export interface NotificationInput {
  kind: NotificationKind;
  /** Neutral: it is emailed. "You have a new task", never a name, place or reference. */
  title: string;
  /** A path in Endeavour, like /tasks/<id>. */
  href: string;
  recordType?: string | null;
  recordId?: string | null;
}

/** How email leaves this process: the app's mailer and the address people reach Endeavour at. */
export interface Delivery {
  mailer: Mailer;
  baseUrl: string;
}

// One mailer per process: the app registers it when it is built (notificationRoutes), so every
// capability can notify without threading it through. With none (a command-line import), immediate
// emails are left for the next digest rather than lost.
let processDelivery: Delivery | null = null;

export function useDelivery(d: Delivery | null) {
  processDelivery = d;
}

export function emailBody(baseUrl: string, title: string, href: string) {
  return `${title}.\n\nSign in to Endeavour to see it:\n${baseUrl}${href}\n\nYou can choose which notifications are emailed to you, and when:\n${baseUrl}/account/notifications\n`;
}

export interface NotifyResult {
  notified: number;
  emailed: number;
}

/**
 * Tells users about something, inside the caller's transaction (a user's, or the job runner's). The
 * acting user is never told of their own act; users outside the actor's partnership are skipped.
 */
export async function notify(
  tx: Tx | Transaction<DB>,
  recipientUserIds: readonly (string | null | undefined)[],
  n: NotificationInput,
  opts: { delivery?: Delivery | null } = {},
): Promise<NotifyResult> {
  const ids = [...new Set(recipientUserIds.filter((x): x is string => !!x))];
  if (!ids.length) return { notified: 0, emailed: 0 };
  const delivery = opts.delivery === undefined ? processDelivery : opts.delivery;
  const rows = await repo.add(tx, ids, { kind: n.kind, title: n.title, href: n.href, recordType: n.recordType ?? null, recordId: n.recordId ?? null }, !!delivery);
  let emailed = 0;
  if (delivery) {
    for (const r of rows.filter((x) => x.delivery === 'email')) {
      await delivery.mailer.send(tx, { to: r.email, partnershipId: r.partnership_id, subject: n.title, body: emailBody(delivery.baseUrl, n.title, n.href) });
      emailed++;
    }
  }
  if (rows.length) {
    const by = await repo.actingUser(tx);
    await audit(tx, {
      partnershipId: rows[0]!.partnership_id,
      userId: by.user_id,
      organisationId: by.organisation_id,
      action: 'notify',
      recordType: n.recordType ?? RECORD_TYPE,
      recordId: n.recordId ?? null,
      details: { kind: n.kind, recipients: rows.map((r) => r.user_id), emailed },
    });
  }
  return { notified: rows.length, emailed };
}

/** The users who hear of work sent to a user, a team (its members) or an organisation (its managers and coordinators). */
export function usersReached(tx: Tx | Transaction<DB>, target: { userId?: string | null; teamId?: string | null; organisationId?: string | null }) {
  return repo.usersReached(tx, target);
}

/** Active users of the organisations holding any of the roles. */
export function usersWithRole(tx: Tx | Transaction<DB>, organisationIds: (string | null | undefined)[], roles: string[]) {
  return repo.usersWithRole(tx, organisationIds.filter((o): o is string => !!o), roles);
}

// ---- The user's own notifications ----

export async function listNotifications(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, async (tx) => {
    const rows = await repo.list(tx, actor.userId);
    const unread = await repo.unreadCount(tx, actor.userId);
    await auditBy(tx, actor, 'list', RECORD_TYPE, null, { shown: Math.min(rows.length, repo.PAGE_SIZE), unread });
    return { notifications: rows.slice(0, repo.PAGE_SIZE), more: rows.length > repo.PAGE_SIZE, unread };
  });
}

/**
 * For the navigation's count, on each page: marks read the user's unread notifications that link to
 * this page (they are looking at what it was about), then counts the rest. The page's own view is
 * audited by the page.
 */
export async function visited(db: Kysely<DB>, actor: Actor, path: string) {
  return withUser(db, actor.userId, async (tx) => {
    await repo.markReadAt(tx, actor.userId, path);
    return repo.unreadCount(tx, actor.userId);
  });
}

/** Marks one read; null when it is not the user's. */
export async function markRead(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const n = await repo.find(tx, id);
    if (!n) return null;
    const changed = await repo.markRead(tx, id);
    await auditBy(tx, actor, 'update', RECORD_TYPE, id, { kind: n.kind, ...(changed ? { read: true } : {}) });
    return { href: n.href };
  });
}

export async function markAllRead(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, async (tx) => {
    const n = await repo.markAllRead(tx, actor.userId);
    await auditBy(tx, actor, 'update', RECORD_TYPE, null, { marked_read: n });
    return n;
  });
}

export async function preferences(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, async (tx) => {
    const prefs = await repo.preferences(tx, actor.userId);
    await auditBy(tx, actor, 'view', PREFERENCES_RECORD, actor.userId);
    return prefs;
  });
}

export async function savePreferences(db: Kysely<DB>, actor: Actor, chosen: Partial<Record<NotificationKind, NotificationDelivery>>) {
  return withUser(db, actor.userId, async (tx) => {
    const before = await repo.preferences(tx, actor.userId);
    const changed: NotificationKind[] = [];
    for (const kind of KINDS) {
      const d = chosen[kind];
      if (!d || !before.has(kind)) continue;
      if (before.get(kind)!.delivery !== d || !before.get(kind)!.chosen) await repo.setPreference(tx, actor.userId, kind, d);
      if (before.get(kind)!.delivery !== d) changed.push(kind);
    }
    await auditBy(tx, actor, 'update', PREFERENCES_RECORD, actor.userId, { changed });
    return changed;
  });
}

// ---- The daily digest (the job runner's) ----

const DIGEST_LINES = 20;

/**
 * Emails each user one summary of the notifications waiting for the digest, up to `until`, and marks
 * them so no later digest sends them again. Notifications already read in Endeavour are marked but not
 * listed; a user with nothing unread gets no email. Runs in the job runner's transaction, with no user.
 */
export async function sendDigest(tx: Transaction<DB>, until: Date, delivery: Delivery) {
  const rows = await repo.claimDigest(tx, until);
  let emails = 0;
  for (const r of rows) {
    if (r.titles.length) {
      const lines = r.titles.slice(0, DIGEST_LINES).map((t, i) => `- ${t}: ${delivery.baseUrl}${r.hrefs[i]}`);
      const more = r.titles.length > DIGEST_LINES ? `\n…and ${r.titles.length - DIGEST_LINES} more.` : '';
      await delivery.mailer.send(tx, {
        to: r.email,
        partnershipId: r.partnership_id,
        subject: r.titles.length === 1 ? 'Your daily summary from Endeavour: 1 new notification' : `Your daily summary from Endeavour: ${r.titles.length} new notifications`,
        body: `Since your last summary:\n\n${lines.join('\n')}${more}\n\nSee them all:\n${delivery.baseUrl}/notifications\n\nYou can choose which notifications are emailed to you, and when:\n${delivery.baseUrl}/account/notifications\n`,
      });
      emails++;
    }
    await audit(tx, { partnershipId: r.partnership_id, action: 'notify', recordType: DIGEST_RECORD, recordId: r.user_id, details: { claimed: r.claimed, listed: r.titles.length } });
  }
  return { recipients: rows.length, emails };
}
