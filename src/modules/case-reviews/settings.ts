// The partnership's Case Review threshold and timescales: configuration kept by partnership
// administrators, read by the alert check (in SQL, migrations/0012) and by the due-date rules here.
// A partnership that has never saved them uses DEFAULTS, which case_review_evaluate() repeats.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';

export interface CaseReviewSettings {
  /** Complaints in the window that meet the threshold: the statutory position is at most three... */
  complaints: number;
  /** ...in a window of at least six months. */
  window_months: number;
  /** Local threshold: this many hate-motivated complaints in the window (off when null). */
  hate_complaints: number | null;
  /** Local threshold: this many different people complaining about the same place (off when null). */
  community_people: number | null;
  /** Working days from receiving the application to the threshold decision. */
  decision_working_days: number;
  /** Working days from a "threshold met" decision to the review meeting. */
  meeting_working_days: number;
  /** Working days from the meeting (or a "not met" decision) to telling the applicant. */
  response_working_days: number;
}

export const DEFAULTS: Readonly<CaseReviewSettings> = {
  complaints: 3,
  window_months: 6,
  hate_complaints: null,
  community_people: null,
  decision_working_days: 5,
  meeting_working_days: 15,
  response_working_days: 5,
};

export const SETTING_KEYS = Object.keys(DEFAULTS) as (keyof CaseReviewSettings)[];

export const RECORD_TYPE = 'case_review_settings';

/** The partnership's settings and their version (0 while it still uses the defaults). */
export async function readSettings(tx: Tx, partnershipId: string): Promise<CaseReviewSettings & { version: number; saved: boolean }> {
  const row = await tx
    .selectFrom('case_review_settings')
    .select([...SETTING_KEYS, 'version'])
    .where('partnership_id', '=', partnershipId)
    .executeTakeFirst();
  return row ? { ...row, saved: true } : { ...DEFAULTS, version: 0, saved: false };
}

export async function settingsForAdmin(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, async (tx) => {
    const settings = await readSettings(tx, actor.partnershipId);
    await auditBy(tx, actor, 'admin_view', RECORD_TYPE, actor.partnershipId);
    return settings;
  });
}

export type SaveSettingsResult = { kind: 'ok'; changed: string[] } | { kind: 'conflict'; current: CaseReviewSettings & { version: number } };

/** Saves the settings if nobody else has since `version` (0 = the defaults, never saved). */
export async function saveSettings(db: Kysely<DB>, actor: Actor, version: number, fields: CaseReviewSettings): Promise<SaveSettingsResult> {
  return withUser(db, actor.userId, async (tx) => {
    const before = await readSettings(tx, actor.partnershipId);
    if (before.version !== version) return { kind: 'conflict', current: before };
    const changed = SETTING_KEYS.filter((k) => before[k] !== fields[k]);
    let ok: boolean;
    if (version === 0) {
      const inserted = await tx
        .insertInto('case_review_settings')
        .values({ partnership_id: actor.partnershipId, ...fields, updated_by: actor.userId, updated_at: new Date() })
        .onConflict((oc) => oc.column('partnership_id').doNothing())
        .returning('partnership_id')
        .executeTakeFirst();
      ok = !!inserted;
    } else {
      const updated = await tx
        .updateTable('case_review_settings')
        .set((eb) => ({ ...fields, updated_by: actor.userId, updated_at: new Date(), version: eb('version', '+', 1) }))
        .where('partnership_id', '=', actor.partnershipId)
        .where('version', '=', version)
        .executeTakeFirst();
      ok = Number(updated.numUpdatedRows) === 1;
    }
    if (!ok) return { kind: 'conflict', current: await readSettings(tx, actor.partnershipId) };
    await auditBy(tx, actor, 'admin_update', RECORD_TYPE, actor.partnershipId, { fields: changed, version: version + 1 });
    return { kind: 'ok', changed };
  });
}
