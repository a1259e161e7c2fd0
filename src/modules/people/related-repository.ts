// What else the viewer may see about a person, read straight from the other capabilities' tables:
// row-level security on incidents, cases, interventions and risk assessments decides which rows.
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';

export const RELATED_LIMIT = 200;

export function incidents(tx: Tx, personId: string) {
  return tx
    .selectFrom('incident_people as ip')
    .innerJoin('incidents as i', 'i.id', 'ip.incident_id')
    .leftJoin('asb_types as t', 't.id', 'i.asb_type_id')
    .innerJoin('organisations as o', 'o.id', 'i.owner_organisation_id')
    .select(['i.id', 'i.reference', 'i.occurred_from', 'i.category', 'i.status', 'ip.role', 't.name as type_name', 'o.name as owner_name'])
    .where('ip.person_id', '=', personId)
    .orderBy('i.occurred_from', 'desc')
    .limit(RELATED_LIMIT)
    .execute();
}

/** Cases through the person's incidents, their interventions or their risk assessments. */
export function cases(tx: Tx, personId: string) {
  return sql<{ id: string; reference: string; title: string; status: string; priority: string; opened_at: Date; owner_name: string }>`
    SELECT c.id, c.reference, c.title, c.status, c.priority, c.opened_at, o.name AS owner_name
    FROM cases c JOIN organisations o ON o.id = c.owner_organisation_id
    WHERE c.id IN (
      SELECT ci.case_id FROM case_incidents ci JOIN incident_people ip ON ip.incident_id = ci.incident_id WHERE ip.person_id = ${personId}
      UNION SELECT n.case_id FROM interventions n WHERE n.person_id = ${personId} AND n.case_id IS NOT NULL
      UNION SELECT r.case_id FROM risk_assessments r WHERE r.person_id = ${personId} AND r.case_id IS NOT NULL
    )
    ORDER BY c.opened_at DESC
    LIMIT ${RELATED_LIMIT}`
    .execute(tx)
    .then((r) => r.rows);
}

export function interventions(tx: Tx, personId: string) {
  return tx
    .selectFrom('interventions as n')
    .innerJoin('organisations as o', 'o.id', 'n.owner_organisation_id')
    .select(['n.id', 'n.kind', 'n.issued_on', 'n.expires_on', 'n.status', 'n.case_id', 'o.name as owner_name'])
    .where('n.person_id', '=', personId)
    .orderBy('n.issued_on', 'desc')
    .limit(RELATED_LIMIT)
    .execute();
}

export function riskHistory(tx: Tx, personId: string) {
  return tx
    .selectFrom('risk_assessments as r')
    .innerJoin('risk_questionnaires as q', 'q.id', 'r.questionnaire_id')
    .innerJoin('users as u', 'u.id', 'r.assessed_by')
    .innerJoin('organisations as o', 'o.id', 'r.owner_organisation_id')
    .select(['r.id', 'r.assessed_at', 'r.final_band', 'r.computed_band', 'r.override_band', 'r.score', 'r.marac_suggested', 'q.name as questionnaire', 'u.display_name as assessed_by_name', 'o.name as owner_name'])
    .where('r.person_id', '=', personId)
    .orderBy('r.assessed_at', 'desc')
    .limit(RELATED_LIMIT)
    .execute();
}
