// A case's priority and review date follow risk: the latest risk assessment of anyone on the case
// (assessed on the case itself, or on a person involved in one of its incidents) sets the priority,
// unless an officer deliberately changed it after that assessment. Review dates default from the
// priority (DOMAIN.md: high every 14 days, medium 28, standard 56).
import { sql } from 'kysely';
import type { RiskBand } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/with-user.ts';
import { audit, type AuditActor } from '../../platform/audit/audit.ts';

export const REVIEW_DAYS: Record<RiskBand, number> = { high: 14, medium: 28, standard: 56 };

const DAY = 24 * 60 * 60 * 1000;

export function today(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export function defaultReviewDate(priority: RiskBand, now = new Date()): string {
  return new Date(Date.parse(`${today(now)}T00:00:00Z`) + REVIEW_DAYS[priority] * DAY)
    .toISOString()
    .slice(0, 10);
}

export interface LatestAssessment {
  id: string;
  final_band: RiskBand;
  assessed_at: Date;
}

/**
 * The newest assessment the acting user can see that bears on a case: made on the case, or on a
 * person in one of its incidents (or in `incidentIds`, for a case not yet saved).
 */
export async function latestAssessment(
  tx: Tx,
  scope: { caseId?: string; incidentIds?: string[] },
): Promise<LatestAssessment | null> {
  const incidentIds = scope.incidentIds ?? [];
  if (!scope.caseId && incidentIds.length === 0) return null;
  const row = await tx
    .selectFrom('risk_assessments as ra')
    .select(['ra.id', 'ra.final_band', 'ra.assessed_at'])
    .where((eb) => {
      const people = eb
        .selectFrom('incident_people as ip')
        .select('ip.person_id')
        .where((w) => {
          const ors = [];
          if (scope.caseId)
            ors.push(
              w(
                'ip.incident_id',
                'in',
                w
                  .selectFrom('case_incidents as ci')
                  .select('ci.incident_id')
                  .where('ci.case_id', '=', scope.caseId),
              ),
            );
          if (incidentIds.length) ors.push(w('ip.incident_id', 'in', incidentIds));
          return w.or(ors);
        });
      const ors = [eb('ra.person_id', 'in', people)];
      if (scope.caseId) ors.push(eb('ra.case_id', '=', scope.caseId));
      return eb.or(ors);
    })
    .orderBy('ra.assessed_at', 'desc')
    .orderBy('ra.id')
    .limit(1)
    .executeTakeFirst();
  return row ? { id: row.id, final_band: row.final_band, assessed_at: new Date(row.assessed_at) } : null;
}

/** The earlier of the case's review date and the one its new priority calls for. */
function reviewFor(current: string | null, priority: RiskBand): string {
  const due = defaultReviewDate(priority);
  return current && current < due ? current : due;
}

/**
 * Brings a case's priority into line with the latest risk assessment, if one exists and no officer
 * set the priority after it. Call it after recording a risk assessment or changing a case's
 * incidents. Works inside the caller's transaction (so row-level security applies: a user who may
 * not change the case changes nothing) and audits the change as the acting user.
 */
export async function refreshCasePriority(
  tx: Tx,
  caseId: string,
  actor?: AuditActor,
): Promise<{ changed: boolean; priority: RiskBand | null }> {
  const c = await tx
    .selectFrom('cases')
    .select([
      'priority',
      'priority_source',
      'priority_assessment_id',
      'priority_overridden_at',
      'review_date',
      'status',
    ])
    .where('id', '=', caseId)
    .executeTakeFirst();
  if (!c) return { changed: false, priority: null };
  const latest = await latestAssessment(tx, { caseId });
  const unchanged = { changed: false, priority: c.priority };
  if (!latest || c.status === 'closed') return unchanged;
  if (c.priority_source === 'risk_assessment' && c.priority_assessment_id === latest.id) return unchanged;
  if (
    c.priority_overridden_at &&
    new Date(c.priority_overridden_at).getTime() >= latest.assessed_at.getTime()
  )
    return unchanged;
  const reviewDate = reviewFor(c.review_date, latest.final_band);
  const result = await tx
    .updateTable('cases')
    .set((eb) => ({
      priority: latest.final_band,
      priority_source: 'risk_assessment' as const,
      priority_assessment_id: latest.id,
      priority_assessed_at: latest.assessed_at,
      review_date: reviewDate,
      updated_at: new Date(),
      version: eb('version', '+', 1),
    }))
    .where('id', '=', caseId)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return unchanged;
  const fields = ['priority_source'];
  if (c.priority !== latest.final_band) fields.push('priority');
  if (c.review_date !== reviewDate) fields.push('review_date');
  const who = actor ?? (await actingUser(tx));
  await audit(tx, {
    partnershipId: who.partnershipId,
    userId: who.userId,
    organisationId: who.organisationId,
    ip: who.ip || null,
    action: 'update',
    recordType: 'case',
    recordId: caseId,
    details: { fields, source: 'risk_assessment', risk_assessment_id: latest.id },
  });
  return { changed: true, priority: latest.final_band };
}

/** Who the transaction is acting for, as the database knows it (for callers without an actor). */
async function actingUser(tx: Tx): Promise<AuditActor> {
  const r = await sql<{ user_id: string; organisation_id: string; partnership_id: string }>`
    SELECT app_user_id() AS user_id, app_org_id() AS organisation_id, app_partnership_id() AS partnership_id`.execute(
    tx,
  );
  const row = r.rows[0]!;
  return {
    userId: row.user_id,
    organisationId: row.organisation_id,
    partnershipId: row.partnership_id,
    ip: '',
  };
}
