// Typed queries on cases and their children (incidents on the case, notes, links). Every function
// runs inside withUser, so row-level security has already narrowed what it can see or change.
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';
import type { RiskBand } from '../../platform/db/schema.ts';
import type { CaseOutcome, CaseScope, CaseStatus, NoteKind, StatusFilter } from './labels.ts';

export const PAGE_SIZE = 50;

export interface CaseListFilters {
  scope: CaseScope;
  status: StatusFilter;
  typeId: string | null;
  leadId: string | null;
  overdue: boolean;
  page: number;
}

export function listCases(tx: Tx, me: { userId: string; organisationId: string }, f: CaseListFilters) {
  let q = tx
    .selectFrom('cases as c')
    .innerJoin('organisations as o', 'o.id', 'c.owner_organisation_id')
    .leftJoin('case_types as t', 't.id', 'c.case_type_id')
    .leftJoin('users as l', 'l.id', 'c.lead_officer_id')
    .select([
      'c.id',
      'c.reference',
      'c.title',
      'c.status',
      'c.priority',
      'c.review_date',
      'c.opened_at',
      'c.owner_organisation_id',
      'o.name as owner_name',
      't.name as type_name',
      'l.display_name as lead_name',
      sql<boolean>`c.status <> 'closed' AND c.review_date < current_date`.as('overdue'),
    ]);
  if (f.scope === 'mine') q = q.where('c.lead_officer_id', '=', me.userId);
  else if (f.scope === 'organisation') q = q.where('c.owner_organisation_id', '=', me.organisationId);
  else if (f.scope === 'shared') q = q.where('c.owner_organisation_id', '<>', me.organisationId);
  if (f.status === 'active') q = q.where('c.status', '<>', 'closed');
  else if (f.status !== 'any') q = q.where('c.status', '=', f.status);
  if (f.typeId) q = q.where('c.case_type_id', '=', f.typeId);
  if (f.leadId) q = q.where('c.lead_officer_id', '=', f.leadId);
  if (f.overdue) q = q.where('c.status', '<>', 'closed').where(sql<boolean>`c.review_date < current_date`);
  return q
    .orderBy(sql`c.status <> 'closed' AND c.review_date < current_date`, 'desc')
    .orderBy('c.review_date', (ob) => ob.asc().nullsLast())
    .orderBy('c.reference', 'desc')
    .limit(PAGE_SIZE + 1)
    .offset((f.page - 1) * PAGE_SIZE)
    .execute();
}

export function findCase(tx: Tx, id: string) {
  return tx
    .selectFrom('cases as c')
    .innerJoin('organisations as o', 'o.id', 'c.owner_organisation_id')
    .innerJoin('users as cb', 'cb.id', 'c.created_by')
    .leftJoin('users as ub', 'ub.id', 'c.updated_by')
    .leftJoin('users as l', 'l.id', 'c.lead_officer_id')
    .leftJoin('users as s', 's.id', 'c.supervisor_id')
    .leftJoin('case_types as t', 't.id', 'c.case_type_id')
    .selectAll('c')
    .select([
      'o.name as owner_name',
      'cb.display_name as created_by_name',
      'ub.display_name as updated_by_name',
      'l.display_name as lead_name',
      's.display_name as supervisor_name',
      't.name as type_name',
      sql<boolean>`c.status <> 'closed' AND c.review_date < current_date`.as('overdue'),
    ])
    .where('c.id', '=', id)
    .executeTakeFirst();
}
export type CaseRow = NonNullable<Awaited<ReturnType<typeof findCase>>>;

export interface CaseFields {
  case_type_id: string;
  title: string;
  summary: string | null;
  lead_officer_id: string;
  supervisor_id: string | null;
  priority: RiskBand;
  review_date: string | null;
}

export function insertCase(
  tx: Tx,
  row: CaseFields & {
    partnership_id: string;
    owner_organisation_id: string;
    created_by: string;
    review_date: string;
    priority_source: 'officer' | 'risk_assessment';
    priority_assessment_id: string | null;
    priority_assessed_at: Date | null;
  },
) {
  return tx
    .insertInto('cases')
    .values({ ...row, updated_by: row.created_by, updated_at: new Date() })
    .returning(['id', 'reference'])
    .executeTakeFirstOrThrow();
}

/** Optimistic concurrency: applies only if nobody changed the case since `version`. */
export async function updateCase(
  tx: Tx,
  id: string,
  version: number,
  userId: string,
  set: Partial<CaseFields> & {
    priority_source?: 'officer';
    priority_overridden_at?: Date;
    status?: CaseStatus;
    outcome?: CaseOutcome | null;
    outcome_notes?: string | null;
    closed_at?: Date | null;
  },
) {
  const result = await tx
    .updateTable('cases')
    .set((eb) => ({ ...set, updated_by: userId, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// --- incidents on a case ---------------------------------------------------------------------------

const INCIDENT_REF = /^(?:INC-?)?0*(\d{1,9})$/i;

/** "INC-0000123", "inc123" or "123" all mean INC-0000123. */
export function normaliseIncidentReference(input: string): string | null {
  const m = INCIDENT_REF.exec(input.replace(/\s+/g, ''));
  return m ? `INC-${m[1]!.padStart(7, '0')}` : null;
}

const CASE_REF = /^(?:CASE-?)?0*(\d{1,9})$/i;
export function normaliseCaseReference(input: string): string | null {
  const m = CASE_REF.exec(input.replace(/\s+/g, ''));
  return m ? `CASE-${m[1]!.padStart(6, '0')}` : null;
}

function incidentSummary(tx: Tx) {
  return tx
    .selectFrom('incidents as i')
    .innerJoin('organisations as o', 'o.id', 'i.owner_organisation_id')
    .leftJoin('asb_types as at', 'at.id', 'i.asb_type_id')
    .select([
      'i.id',
      'i.reference',
      'i.occurred_from',
      'i.reported_at',
      'i.category',
      'at.name as type_name',
      'i.location_text',
      'i.postcode',
      'i.owner_organisation_id',
      'o.name as owner_name',
    ]);
}
export type IncidentSummary = Awaited<ReturnType<ReturnType<typeof incidentSummary>['execute']>>[number];

export function visibleIncidentByReference(tx: Tx, reference: string) {
  return incidentSummary(tx).where('i.reference', '=', reference).executeTakeFirst();
}

export function visibleIncidents(tx: Tx, ids: string[]) {
  if (!ids.length) return Promise.resolve([] as IncidentSummary[]);
  return incidentSummary(tx).where('i.id', 'in', ids).orderBy('i.occurred_from', 'desc').execute();
}

/** The incidents on a case the viewer can see, and how many more it has that they cannot. */
export async function caseIncidents(tx: Tx, caseId: string) {
  const links = await tx
    .selectFrom('case_incidents as ci')
    .innerJoin('users as u', 'u.id', 'ci.added_by')
    .select(['ci.incident_id', 'ci.added_at', 'u.display_name as added_by_name'])
    .where('ci.case_id', '=', caseId)
    .execute();
  const visible = await visibleIncidents(
    tx,
    links.map((l) => l.incident_id),
  );
  const byId = new Map(links.map((l) => [l.incident_id, l]));
  return {
    incidents: visible.map((i) => ({
      ...i,
      added_at: byId.get(i.id)!.added_at,
      added_by_name: byId.get(i.id)!.added_by_name,
    })),
    hidden: links.length - visible.length,
  };
}

export async function linkIncidents(tx: Tx, caseId: string, incidentIds: string[], userId: string) {
  if (!incidentIds.length) return 0;
  const rows = await tx
    .insertInto('case_incidents')
    .values(incidentIds.map((incident_id) => ({ case_id: caseId, incident_id, added_by: userId })))
    .onConflict((oc) => oc.columns(['case_id', 'incident_id']).doNothing())
    .returning('incident_id')
    .execute();
  return rows.length;
}

export async function unlinkIncident(tx: Tx, caseId: string, incidentId: string) {
  const r = await tx
    .deleteFrom('case_incidents')
    .where('case_id', '=', caseId)
    .where('incident_id', '=', incidentId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

// --- notes --------------------------------------------------------------------------------------

export function caseNotes(tx: Tx, caseId: string) {
  return tx
    .selectFrom('case_notes as n')
    .innerJoin('users as u', 'u.id', 'n.created_by')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .select([
      'n.id',
      'n.body',
      'n.kind',
      'n.created_at',
      'u.display_name as created_by_name',
      'o.name as created_by_organisation',
    ])
    .where('n.case_id', '=', caseId)
    .orderBy('n.created_at', 'desc')
    .orderBy('n.id')
    .execute();
}

export function insertNote(tx: Tx, caseId: string, kind: NoteKind, body: string, userId: string) {
  return tx
    .insertInto('case_notes')
    .values({ case_id: caseId, kind, body, created_by: userId })
    .returning('id')
    .executeTakeFirstOrThrow();
}

// --- linked cases -------------------------------------------------------------------------------

export function visibleCaseByReference(tx: Tx, reference: string) {
  return tx
    .selectFrom('cases')
    .select(['id', 'reference', 'title'])
    .where('reference', '=', reference)
    .executeTakeFirst();
}

/** Links in either direction, to cases the viewer can see. */
export async function caseLinks(tx: Tx, caseId: string) {
  const out = await tx
    .selectFrom('case_links as k')
    .innerJoin('cases as c', 'c.id', 'k.other_case_id')
    .innerJoin('organisations as o', 'o.id', 'c.owner_organisation_id')
    .innerJoin('users as u', 'u.id', 'k.created_by')
    .select([
      'k.case_id',
      'k.other_case_id',
      'c.id',
      'c.reference',
      'c.title',
      'c.status',
      'o.name as owner_name',
      'k.reason',
      'k.created_at',
      'u.display_name as created_by_name',
    ])
    .where('k.case_id', '=', caseId)
    .execute();
  const back = await tx
    .selectFrom('case_links as k')
    .innerJoin('cases as c', 'c.id', 'k.case_id')
    .innerJoin('organisations as o', 'o.id', 'c.owner_organisation_id')
    .innerJoin('users as u', 'u.id', 'k.created_by')
    .select([
      'k.case_id',
      'k.other_case_id',
      'c.id',
      'c.reference',
      'c.title',
      'c.status',
      'o.name as owner_name',
      'k.reason',
      'k.created_at',
      'u.display_name as created_by_name',
    ])
    .where('k.other_case_id', '=', caseId)
    .execute();
  return [...out, ...back].sort(
    (a, b) => new Date(b.created_at).getTime() - new Date(a.created_at).getTime(),
  );
}

export async function linkExists(tx: Tx, a: string, b: string) {
  const r = await tx
    .selectFrom('case_links')
    .select('case_id')
    .where((eb) =>
      eb.or([
        eb.and([eb('case_id', '=', a), eb('other_case_id', '=', b)]),
        eb.and([eb('case_id', '=', b), eb('other_case_id', '=', a)]),
      ]),
    )
    .executeTakeFirst();
  return !!r;
}

export function insertLink(tx: Tx, caseId: string, otherCaseId: string, reason: string, userId: string) {
  return tx
    .insertInto('case_links')
    .values({ case_id: caseId, other_case_id: otherCaseId, reason, created_by: userId })
    .execute();
}

export async function deleteLink(tx: Tx, caseId: string, otherCaseId: string) {
  const r = await tx
    .deleteFrom('case_links')
    .where((eb) =>
      eb.or([
        eb.and([eb('case_id', '=', caseId), eb('other_case_id', '=', otherCaseId)]),
        eb.and([eb('case_id', '=', otherCaseId), eb('other_case_id', '=', caseId)]),
      ]),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

// --- people on a case ----------------------------------------------------------------------------

/** People in the case's incidents that the viewer can see, with their roles across those incidents. */
export function casePeople(tx: Tx, caseId: string) {
  return tx
    .selectFrom('case_incidents as ci')
    .innerJoin('incident_people as ip', 'ip.incident_id', 'ci.incident_id')
    .innerJoin('people as p', 'p.id', 'ip.person_id')
    .select([
      'p.id',
      'p.first_name',
      'p.last_name',
      'p.date_of_birth',
      sql<string[]>`array_agg(DISTINCT ip.role ORDER BY ip.role)`.as('roles'),
    ])
    .where('ci.case_id', '=', caseId)
    .groupBy(['p.id', 'p.first_name', 'p.last_name', 'p.date_of_birth'])
    .orderBy('p.last_name')
    .orderBy('p.first_name')
    .execute();
}

// --- people who can lead and supervise ----------------------------------------------------------

export function organisationUsers(tx: Tx, organisationId: string) {
  return tx
    .selectFrom('users')
    .select(['id', 'display_name', 'roles'])
    .where('organisation_id', '=', organisationId)
    .where('active', '=', true)
    .orderBy('display_name')
    .execute();
}

// --- a person's cases ---------------------------------------------------------------------------

export function casesForPerson(tx: Tx, personId: string) {
  return tx
    .selectFrom('cases as c')
    .innerJoin('organisations as o', 'o.id', 'c.owner_organisation_id')
    .leftJoin('case_types as t', 't.id', 'c.case_type_id')
    .select([
      'c.id',
      'c.reference',
      'c.title',
      'c.status',
      'c.priority',
      'c.opened_at',
      'o.name as owner_name',
      't.name as type_name',
      (eb) =>
        eb
          .selectFrom('case_incidents as ci')
          .innerJoin('incident_people as ip', 'ip.incident_id', 'ci.incident_id')
          .select(sql<string[]>`array_agg(DISTINCT ip.role ORDER BY ip.role)`.as('roles'))
          .whereRef('ci.case_id', '=', 'c.id')
          .where('ip.person_id', '=', personId)
          .as('roles'),
    ])
    .where('c.id', 'in', (eb) =>
      eb
        .selectFrom('case_incidents as ci')
        .innerJoin('incident_people as ip', 'ip.incident_id', 'ci.incident_id')
        .select('ci.case_id')
        .where('ip.person_id', '=', personId),
    )
    .orderBy('c.opened_at', 'desc')
    .execute();
}
