// ASB Case Review: alerts when a victim meets the partnership's threshold, and the review itself from
// application to closure with working-day deadlines. Visibility is decided by PostgreSQL (an alert
// with its person; a review by its owner or a share; its incidents and recommendations through it);
// this service adds the rules for each stage, the deadlines and the audit trail, in the same
// transaction as each change.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { audit, auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import { accessTo, listShares } from '../../platform/access/shares.ts';
import { ownerSharing } from '../../platform/access/owner-sharing.ts';
import type {
  ApplicationFields,
  DecisionFields,
  EscalationFields,
  MeetingFields,
  RecommendationFields,
  ResponseFields,
} from './fields.ts';
import { canWrite, type AlertFilter, type ReviewFilter } from './labels.ts';
import { readSettings, type CaseReviewSettings } from './settings.ts';
import { allowed, decisionDue, dueAfterDecision, nextDue, responseDueAfterMeeting, tasks } from './stages.ts';
import { todayInLondon } from './working-days.ts';
import { notify, usersWithRole } from '../notifications/service.ts';
import * as repo from './repository.ts';

export const RECORD_TYPE = 'case_review';
export const ALERT_TYPE = 'case_review_alert';

type Access = { edit: boolean; share: boolean };

// --- the threshold check --------------------------------------------------------------------------

/**
 * Called (through incidents/after-change.ts) whenever an incident is recorded or changes, in the same
 * transaction: raises an alert for each victim or reporting party who now meets the threshold,
 * counting everything the partnership holds on them, and audits each alert as raised by this user.
 */
export async function checkThreshold(tx: Tx, actor: Actor, incidentId: string): Promise<number> {
  const raised = await repo.evaluate(tx, incidentId);
  for (const a of raised) {
    await auditBy(tx, actor, 'create', ALERT_TYPE, a.alert_id, { rules: a.alert_rules, incident_id: incidentId });
    // The coordinators and managers of the organisation holding the victim (who see the alert with them) are told.
    const holder = await tx
      .selectFrom('case_review_alerts as a')
      .innerJoin('people as p', 'p.id', 'a.person_id')
      .select('p.owner_organisation_id')
      .where('a.id', '=', a.alert_id)
      .executeTakeFirst();
    if (holder)
      await notify(tx, await usersWithRole(tx, [holder.owner_organisation_id], ['coordinator', 'manager']), {
        kind: 'case_review_alert',
        title: 'A Case Review threshold has been met',
        href: '/case-reviews/alerts',
        recordType: ALERT_TYPE,
        recordId: a.alert_id,
      });
  }
  return raised.length;
}

/**
 * For incidents loaded without the check (the demo's casework, imports): checks everyone with a
 * complaint in the partnership and audits each alert raised. Runs as the migrating role (set-up, not
 * a user's request); the app role cannot call it.
 */
export async function recheckPartnership(db: Kysely<DB>, partnershipId: string): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const raised = await repo.recheckPartnership(tx, partnershipId);
    for (const a of raised)
      await audit(tx, { partnershipId, action: 'create', recordType: ALERT_TYPE, recordId: a.alert_id, details: { rules: a.alert_rules, rechecked: true } });
    return raised.length;
  });
}

// --- what the person and incident pages show ------------------------------------------------------

/** Alerts and case reviews about a person, as far as the viewer can see them (for the person page). */
export async function personPanel(tx: Tx, actor: Actor, personId: string) {
  const alerts = await repo.alertsForPerson(tx, personId);
  const reviews = await repo.reviewsForPerson(tx, personId);
  if (alerts.length || reviews.length)
    await auditBy(tx, actor, 'list', ALERT_TYPE, null, { person_id: personId, alerts: alerts.length, case_reviews: reviews.length });
  return { alerts, reviews, today: todayInLondon(), canWrite: canWrite(actor.roles) };
}

/** Open alerts about the victims and reporting parties on an incident (for the incident page). */
export async function incidentPanel(tx: Tx, actor: Actor, incidentId: string) {
  const alerts = await repo.alertsForIncident(tx, incidentId);
  if (alerts.length) await auditBy(tx, actor, 'list', ALERT_TYPE, null, { incident_id: incidentId, alerts: alerts.length });
  return { alerts, canWrite: canWrite(actor.roles) };
}

/** The person page's Case Review section, in its own transaction (called from the people routes). */
export function personPanelFor(db: Kysely<DB>, actor: Actor, personId: string) {
  return withUser(db, actor.userId, (tx) => personPanel(tx, actor, personId));
}

/** The incident page's Case Review alerts, in their own transaction (called from the incident routes). */
export function incidentPanelFor(db: Kysely<DB>, actor: Actor, incidentId: string) {
  return withUser(db, actor.userId, (tx) => incidentPanel(tx, actor, incidentId));
}

// --- alerts ---------------------------------------------------------------------------------------

export async function listAlerts(db: Kysely<DB>, actor: Actor, filter: AlertFilter, page: number) {
  return withUser(db, actor.userId, async (tx) => {
    const rows = await repo.listAlerts(tx, actor.partnershipId, filter, page);
    await auditBy(tx, actor, 'list', ALERT_TYPE, null, { status: filter, page, shown: Math.min(rows.length, repo.PAGE_SIZE) });
    return { alerts: rows.slice(0, repo.PAGE_SIZE), hasMore: rows.length > repo.PAGE_SIZE };
  });
}

export async function alertForDismissal(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const alert = await repo.findAlert(tx, id);
    if (alert) await auditBy(tx, actor, 'view', ALERT_TYPE, id, { purpose: 'dismiss' });
    return alert ?? null;
  });
}

export type DismissResult = { kind: 'ok' } | { kind: 'not_found' } | { kind: 'not_open'; alert: repo.AlertRow } | { kind: 'conflict'; alert: repo.AlertRow };

export async function dismissAlert(db: Kysely<DB>, actor: Actor, id: string, version: number, reason: string): Promise<DismissResult> {
  return withUser(db, actor.userId, async (tx) => {
    const alert = await repo.findAlert(tx, id);
    if (!alert) return { kind: 'not_found' };
    if (alert.status !== 'open') return { kind: 'not_open', alert };
    if (alert.version !== version) return { kind: 'conflict', alert };
    if (!(await repo.dismissAlert(tx, id, version, actor.userId, reason))) return { kind: 'conflict', alert: (await repo.findAlert(tx, id)) ?? alert };
    // The reason is kept on the alert; the audit records that one was given, not what it says.
    await auditBy(tx, actor, 'update', ALERT_TYPE, id, { fields: ['status', 'dismissed_reason'], status: 'dismissed', version: version + 1 });
    return { kind: 'ok' };
  });
}

// --- recording an application ---------------------------------------------------------------------

/**
 * The application form for a person the user can see, optionally from an alert about them: the
 * incidents they complained about that the user can see, with those the alert counted ticked.
 */
export async function applicationForm(db: Kysely<DB>, actor: Actor, opts: { personId: string | null; alertId: string | null }) {
  return withUser(db, actor.userId, async (tx) => {
    const found = opts.alertId ? await repo.findAlert(tx, opts.alertId) : undefined;
    // An alert about someone else than the person named is ignored rather than trusted.
    const alert = found && (!opts.personId || found.person_id === opts.personId) ? found : undefined;
    const personId = opts.personId ?? alert?.person_id;
    if (!personId) return null;
    const person = await repo.visiblePerson(tx, personId);
    if (!person) return null;
    const incidents = await repo.complaintsOf(tx, personId);
    // The complaints the alert counted, as far as the user can see them: recorded by the time it was
    // raised and reported within its window.
    const at = (d: Date | string) => new Date(d).getTime();
    const preselected = alert
      ? incidents
          .filter((i) => at(i.created_at) <= at(alert.raised_at) && at(i.reported_at) >= at(alert.first_complaint_at) && at(i.reported_at) <= at(alert.last_complaint_at))
          .map((i) => i.id)
      : [];
    const settings = await readSettings(tx, actor.partnershipId);
    await auditBy(tx, actor, 'view', 'person', personId, { purpose: 'case_review_application', incidents: incidents.length });
    return { person, alert: alert ?? null, incidents, preselected, settings };
  });
}

export async function createReview(
  db: Kysely<DB>,
  actor: Actor,
  personId: string,
  alertId: string | null,
  fields: ApplicationFields,
): Promise<{ kind: 'ok'; id: string; reference: string } | { kind: 'not_found' }> {
  return withUser(db, actor.userId, async (tx) => {
    const person = await repo.visiblePerson(tx, personId);
    if (!person) return { kind: 'not_found' };
    const alert = alertId ? await repo.findAlert(tx, alertId) : undefined;
    const settings = await readSettings(tx, actor.partnershipId);
    const { incident_ids, ...application } = fields;
    // Only incidents the user can see about this person are linked; anything else in the form is ignored.
    const allowedIds = new Set((await repo.complaintsOf(tx, personId)).map((i) => i.id));
    const incidentIds = incident_ids.filter((i) => allowedIds.has(i));
    const row = await repo.insertReview(tx, {
      ...application,
      person_id: personId,
      alert_id: alert && alert.person_id === personId ? alert.id : null,
      decision_due_on: decisionDue(fields.received_on, settings),
      partnership_id: actor.partnershipId,
      owner_organisation_id: actor.organisationId,
      created_by: actor.userId,
      updated_at: new Date(),
    });
    await repo.setReviewIncidents(tx, row.id, incidentIds, actor.userId);
    if (alert && alert.person_id === personId) {
      if (await repo.markAlertApplication(tx, alert.id, row.id))
        await auditBy(tx, actor, 'update', ALERT_TYPE, alert.id, { fields: ['status', 'case_review_id'], status: 'application', case_review_id: row.id });
    }
    await refreshNextDue(tx, row.id);
    await auditBy(tx, actor, 'create', RECORD_TYPE, row.id, {
      person_id: personId,
      alert_id: alert?.id ?? null,
      incident_ids: incidentIds,
      applicant_kind: fields.applicant_kind,
    });
    return { kind: 'ok', id: row.id, reference: row.reference };
  });
}

// --- reading --------------------------------------------------------------------------------------

export async function listReviews(db: Kysely<DB>, actor: Actor, filter: ReviewFilter, page: number) {
  return withUser(db, actor.userId, async (tx) => {
    const rows = await repo.listReviews(tx, filter, page);
    await auditBy(tx, actor, 'list', RECORD_TYPE, null, { status: filter, page, shown: Math.min(rows.length, repo.PAGE_SIZE) });
    return { reviews: rows.slice(0, repo.PAGE_SIZE), hasMore: rows.length > repo.PAGE_SIZE, today: todayInLondon() };
  });
}

async function load(tx: Tx, actor: Actor, id: string) {
  const review = await repo.findReview(tx, id);
  if (!review) return null;
  const access: Access = await accessTo(tx, RECORD_TYPE, id, review.owner_organisation_id, actor.organisationId);
  const recommendations = await repo.recommendations(tx, id);
  return { review, access, recommendations };
}

/** The review's page: its stages with their deadlines, the incidents, recommendations and sharing. */
export async function viewReview(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const loaded = await load(tx, actor, id);
    if (!loaded) return null;
    const { review, recommendations } = loaded;
    const today = todayInLondon();
    const incidents = await repo.reviewIncidents(tx, id);
    const organisations = await repo.partnershipOrganisations(tx, actor.partnershipId);
    const shares = loaded.access.share ? await listShares(tx, RECORD_TYPE, id) : [];
    const settings = await readSettings(tx, review.partnership_id);
    await auditBy(tx, actor, 'view', RECORD_TYPE, id);
    return {
      ...loaded,
      incidents,
      shares,
      settings,
      today,
      tasks: tasks(review, recommendations, today),
      can: allowed(review),
      meetingAgencies: organisations.filter((o) => review.meeting_organisation_ids.includes(o.id)).map((o) => o.name),
    };
  });
}

// --- changing -------------------------------------------------------------------------------------

type StageKey = keyof ReturnType<typeof allowed>;

export type ChangeResult =
  | { kind: 'ok' }
  | { kind: 'not_found' }
  | { kind: 'forbidden' }
  | { kind: 'not_allowed'; review: repo.ReviewRow }
  | { kind: 'conflict'; review: repo.ReviewRow };

/** What a stage's form needs: the review (if the user may change it), the partnership's lists and rules. */
export async function stageForm(db: Kysely<DB>, actor: Actor, id: string, stage: StageKey) {
  return withUser(db, actor.userId, async (tx) => {
    const loaded = await load(tx, actor, id);
    if (!loaded) return { kind: 'not_found' as const };
    if (!loaded.access.edit) return { kind: 'forbidden' as const };
    if (!allowed(loaded.review)[stage]) return { kind: 'not_allowed' as const, review: loaded.review };
    const organisations = await repo.partnershipOrganisations(tx, actor.partnershipId);
    const settings = await readSettings(tx, loaded.review.partnership_id);
    const incidents = stage === 'application' ? await repo.complaintsOf(tx, loaded.review.person_id) : [];
    const linked = stage === 'application' ? await repo.reviewIncidents(tx, id) : { incidents: [], hidden: 0 };
    await auditBy(tx, actor, 'view', RECORD_TYPE, id, { purpose: stage });
    return { kind: 'ok' as const, ...loaded, organisations, settings, incidents, linked, today: todayInLondon() };
  });
}

/** Recomputes what is due next after any change to a review or its recommendations. */
async function refreshNextDue(tx: Tx, id: string) {
  const review = await repo.findReview(tx, id);
  if (!review) return;
  const next = nextDue(review, await repo.recommendations(tx, id));
  if (next.on !== review.next_due_on || next.stage !== review.next_due_stage) await repo.setNextDue(tx, id, next.on, next.stage);
}

/**
 * Runs one stage's change for someone who may change the review, when the stage may be recorded, at
 * the version the form was opened with; audits the fields it changed.
 */
async function change(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  version: number,
  stage: StageKey,
  build: (tx: Tx, review: repo.ReviewRow, settings: CaseReviewSettings) => Promise<repo.ReviewUpdate> | repo.ReviewUpdate,
  after?: (tx: Tx, review: repo.ReviewRow) => Promise<Record<string, unknown>>,
): Promise<ChangeResult> {
  return withUser(db, actor.userId, async (tx) => {
    const loaded = await load(tx, actor, id);
    if (!loaded) return { kind: 'not_found' };
    if (!loaded.access.edit) return { kind: 'forbidden' };
    const before = loaded.review;
    if (before.version !== version) return { kind: 'conflict', review: before };
    if (!allowed(before)[stage]) return { kind: 'not_allowed', review: before };
    const settings = await readSettings(tx, before.partnership_id);
    const fields = await build(tx, before, settings);
    if (!(await repo.updateReview(tx, id, version, actor.userId, fields))) return { kind: 'conflict', review: (await repo.findReview(tx, id)) ?? before };
    const extra = after ? await after(tx, before) : {};
    await refreshNextDue(tx, id);
    const changed = (Object.keys(fields) as (keyof repo.ReviewUpdate)[]).filter((k) => JSON.stringify(before[k as keyof repo.ReviewRow] ?? null) !== JSON.stringify(fields[k] ?? null));
    await auditBy(tx, actor, 'update', RECORD_TYPE, id, { stage, fields: changed, version: version + 1, ...extra });
    return { kind: 'ok' };
  });
}

export function updateApplication(db: Kysely<DB>, actor: Actor, id: string, version: number, fields: ApplicationFields) {
  const { incident_ids, ...application } = fields;
  return change(
    db,
    actor,
    id,
    version,
    'application',
    (_tx, before, settings) => ({
      ...application,
      // A new received date moves the decision deadline, unless the decision has already been made.
      ...(before.received_on !== fields.received_on && !before.decision ? { decision_due_on: decisionDue(fields.received_on, settings) } : {}),
    }),
    async (tx, before) => {
      const allowedIds = new Set((await repo.complaintsOf(tx, before.person_id)).map((i) => i.id));
      const { added, removed } = await repo.setReviewIncidents(
        tx,
        id,
        incident_ids.filter((i) => allowedIds.has(i)),
        actor.userId,
      );
      return { added_incident_ids: added, removed_incident_ids: removed };
    },
  );
}

export function recordDecision(db: Kysely<DB>, actor: Actor, id: string, version: number, fields: DecisionFields) {
  // The decision can be corrected until the meeting or the response is recorded (see stages.allowed),
  // so its deadlines can simply follow it.
  return change(db, actor, id, version, 'decision', (_tx, _before, settings) => ({
    ...fields,
    decided_by: actor.userId,
    ...dueAfterDecision(fields.decision, fields.decided_on, settings),
  }));
}

export function recordMeeting(db: Kysely<DB>, actor: Actor, id: string, version: number, fields: MeetingFields) {
  return change(db, actor, id, version, 'meeting', (_tx, before, settings) => ({
    ...fields,
    ...(before.meeting_on !== fields.meeting_on ? { response_due_on: responseDueAfterMeeting(fields.meeting_on, settings) } : {}),
  }));
}

export function recordResponse(db: Kysely<DB>, actor: Actor, id: string, version: number, fields: ResponseFields) {
  return change(db, actor, id, version, 'response', () => ({ ...fields }));
}

export function recordEscalation(db: Kysely<DB>, actor: Actor, id: string, version: number, fields: EscalationFields) {
  return change(db, actor, id, version, 'escalation', () => ({ ...fields }));
}

export function closeReview(db: Kysely<DB>, actor: Actor, id: string, version: number, notes: string | null) {
  return change(db, actor, id, version, 'closure', () => ({ status: 'closed' as const, closed_on: todayInLondon(), closure_notes: notes }));
}

// --- recommendations ------------------------------------------------------------------------------

export type RecommendationResult = ChangeResult | { kind: 'recommendation_not_found' } | { kind: 'recommendation_conflict'; current: repo.RecommendationRow };

export async function addRecommendation(db: Kysely<DB>, actor: Actor, id: string, fields: RecommendationFields): Promise<RecommendationResult> {
  return withUser(db, actor.userId, async (tx) => {
    const loaded = await load(tx, actor, id);
    if (!loaded) return { kind: 'not_found' };
    if (!loaded.access.edit) return { kind: 'forbidden' };
    if (!allowed(loaded.review).recommendations) return { kind: 'not_allowed', review: loaded.review };
    const row = await repo.insertRecommendation(tx, {
      case_review_id: id,
      body: fields.body,
      responsible_organisation_id: fields.responsible_organisation_id,
      due_on: fields.due_on,
      created_by: actor.userId,
    });
    await refreshNextDue(tx, id);
    await auditBy(tx, actor, 'create', 'case_review_recommendation', row.id, { case_review_id: id, responsible_organisation_id: fields.responsible_organisation_id });
    return { kind: 'ok' };
  });
}

export async function updateRecommendation(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  recommendationId: string,
  version: number,
  fields: RecommendationFields,
): Promise<RecommendationResult> {
  return withUser(db, actor.userId, async (tx) => {
    const loaded = await load(tx, actor, id);
    if (!loaded) return { kind: 'not_found' };
    if (!loaded.access.edit) return { kind: 'forbidden' };
    if (!allowed(loaded.review).recommendations) return { kind: 'not_allowed', review: loaded.review };
    const before = loaded.recommendations.find((x) => x.id === recommendationId);
    if (!before) return { kind: 'recommendation_not_found' };
    if (before.version !== version || !(await repo.updateRecommendation(tx, id, recommendationId, version, actor.userId, fields)))
      return { kind: 'recommendation_conflict', current: before };
    await refreshNextDue(tx, id);
    const changed = (Object.keys(fields) as (keyof RecommendationFields)[]).filter((k) => (before[k] ?? null) !== (fields[k] ?? null));
    await auditBy(tx, actor, 'update', 'case_review_recommendation', recommendationId, { case_review_id: id, fields: changed, version: version + 1 });
    return { kind: 'ok' };
  });
}

// --- sharing --------------------------------------------------------------------------------------

const sharing = ownerSharing(RECORD_TYPE, repo.findReview);

export async function sharingOptions(db: Kysely<DB>, actor: Actor, id: string) {
  const options = await sharing.options(db, actor, id);
  return options && { review: options.record, targets: options.targets };
}

export const shareReview = sharing.share;
export const unshareReview = sharing.unshare;
