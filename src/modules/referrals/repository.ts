// Typed queries on referral types and referrals, all under row-level security: types are the
// partnership's; a referral is visible to the sending and the receiving organisation only, and its
// records' names only while the reader can see the records themselves (migrations/0018).
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';
import type { ReferralField, ReferralRecordType, ReferralStatus, Role } from '../../platform/db/schema.ts';

// ---- Types -----------------------------------------------------------------------------------

export function listTypes(tx: Tx, partnershipId: string, activeOnly: boolean) {
  let q = tx
    .selectFrom('referral_types as t')
    .leftJoin('organisations as o', 'o.id', 't.to_organisation_id')
    .select(['t.id', 't.name', 't.description', 't.to_organisation_id', 't.allowed_organisation_ids', 't.fields', 't.active', 't.version', 'o.name as to_organisation_name'])
    .where('t.partnership_id', '=', partnershipId);
  if (activeOnly) q = q.where('t.active', '=', true);
  return q.orderBy('t.sort').orderBy('t.name').execute();
}

export function findType(tx: Tx, id: string) {
  return tx
    .selectFrom('referral_types')
    .select(['id', 'partnership_id', 'name', 'description', 'to_organisation_id', 'allowed_organisation_ids', 'fields', 'active', 'version'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export type TypeValues = { name: string; description: string | null; toOrganisationId: string | null; allowedOrganisationIds: string[]; fields: ReferralField[] };

export function insertType(tx: Tx, partnershipId: string, userId: string, v: TypeValues) {
  return tx
    .insertInto('referral_types')
    .values({
      partnership_id: partnershipId,
      name: v.name,
      description: v.description,
      to_organisation_id: v.toOrganisationId,
      allowed_organisation_ids: v.allowedOrganisationIds,
      fields: JSON.stringify(v.fields),
      updated_by: userId,
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function updateType(tx: Tx, id: string, version: number, userId: string, v: Partial<TypeValues> & { active?: boolean }) {
  const r = await tx
    .updateTable('referral_types')
    .set((eb) => ({
      ...(v.name !== undefined ? { name: v.name } : {}),
      ...(v.description !== undefined ? { description: v.description } : {}),
      ...(v.toOrganisationId !== undefined ? { to_organisation_id: v.toOrganisationId } : {}),
      ...(v.allowedOrganisationIds !== undefined ? { allowed_organisation_ids: v.allowedOrganisationIds } : {}),
      ...(v.fields !== undefined ? { fields: JSON.stringify(v.fields) } : {}),
      ...(v.active !== undefined ? { active: v.active } : {}),
      updated_by: userId,
      updated_at: new Date(),
      version: eb('version', '+', 1),
    }))
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function typeNameTaken(tx: Tx, partnershipId: string, name: string, exceptId: string | null) {
  const r = await tx
    .selectFrom('referral_types')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .where(sql<boolean>`lower(name) = lower(${name})`)
    .$if(exceptId !== null, (q) => q.where('id', '<>', exceptId!))
    .executeTakeFirst();
  return !!r;
}

export function organisations(tx: Tx, partnershipId: string) {
  return tx.selectFrom('organisations').select(['id', 'name']).where('partnership_id', '=', partnershipId).where('active', '=', true).orderBy('name').execute();
}

// ---- What can be shared ---------------------------------------------------------------------------

export interface Candidate {
  type: ReferralRecordType;
  id: string;
  label: string;
  /** Only the organisation that holds a record can share it. */
  owned: boolean;
  heldBy: string;
}

const personLabel = sql<string>`p.first_name || ' ' || p.last_name || coalesce(' (born ' || to_char(p.date_of_birth::date, 'FMDD FMMonth YYYY') || ')', '')`;
const incidentLabel = sql<string>`i.reference || ', ' || coalesce(a.name, 'incident') || ', ' || to_char(i.occurred_from AT TIME ZONE 'Europe/London', 'FMDD FMMonth YYYY')`;
const caseLabel = sql<string>`c.reference || ': ' || c.title`;

/** People as the actor sees them; a person merged into another is offered no more but is still named where a referral lists them. */
function people(tx: Tx, includeMerged = false) {
  return tx
    .selectFrom('people as p')
    .innerJoin('organisations as o', 'o.id', 'p.owner_organisation_id')
    .select(['p.id', personLabel.as('label'), 'p.owner_organisation_id', 'o.name as held_by'])
    .$if(!includeMerged, (q) => q.where('p.merged_into_id', 'is', null));
}
function incidents(tx: Tx) {
  return tx
    .selectFrom('incidents as i')
    .innerJoin('organisations as o', 'o.id', 'i.owner_organisation_id')
    .leftJoin('asb_types as a', 'a.id', 'i.asb_type_id')
    .select(['i.id', incidentLabel.as('label'), 'i.owner_organisation_id', 'o.name as held_by']);
}
function cases(tx: Tx) {
  return tx.selectFrom('cases as c').innerJoin('organisations as o', 'o.id', 'c.owner_organisation_id').select(['c.id', caseLabel.as('label'), 'c.owner_organisation_id', 'o.name as held_by']);
}

type Row = { id: string; label: string; owner_organisation_id: string; held_by: string };
const toCandidates = (type: ReferralRecordType, rows: Row[], orgId: string): Candidate[] =>
  rows.map((r) => ({ type, id: r.id, label: r.label, owned: r.owner_organisation_id === orgId, heldBy: r.held_by }));

/**
 * The record a referral is made from and the records around it that could go with it, as the actor
 * sees them: a person with their incidents and those incidents' cases; an incident with its people and
 * cases; a case with its incidents and their people. Null when the actor cannot see the record.
 */
export async function candidatesFor(tx: Tx, from: ReferralRecordType, id: string, orgId: string): Promise<{ subject: Candidate; others: Candidate[] } | null> {
  const LIMIT = 30;
  if (from === 'person') {
    const subject = await people(tx).where('p.id', '=', id).executeTakeFirst();
    if (!subject) return null;
    const inc = await incidents(tx)
      .where('i.id', 'in', tx.selectFrom('incident_people').select('incident_id').where('person_id', '=', id))
      .orderBy('i.occurred_from', 'desc')
      .limit(LIMIT)
      .execute();
    const cs = inc.length
      ? await cases(tx).where('c.id', 'in', tx.selectFrom('case_incidents').select('case_id').where('incident_id', 'in', inc.map((i) => i.id))).orderBy('c.reference', 'desc').limit(LIMIT).execute()
      : [];
    return { subject: toCandidates('person', [subject], orgId)[0]!, others: [...toCandidates('incident', inc, orgId), ...toCandidates('case', cs, orgId)] };
  }
  if (from === 'incident') {
    const subject = await incidents(tx).where('i.id', '=', id).executeTakeFirst();
    if (!subject) return null;
    const ppl = await people(tx).where('p.id', 'in', tx.selectFrom('incident_people').select('person_id').where('incident_id', '=', id)).orderBy('p.last_name').limit(LIMIT).execute();
    const cs = await cases(tx).where('c.id', 'in', tx.selectFrom('case_incidents').select('case_id').where('incident_id', '=', id)).limit(LIMIT).execute();
    return { subject: toCandidates('incident', [subject], orgId)[0]!, others: [...toCandidates('person', ppl, orgId), ...toCandidates('case', cs, orgId)] };
  }
  const subject = await cases(tx).where('c.id', '=', id).executeTakeFirst();
  if (!subject) return null;
  const incIds = tx.selectFrom('case_incidents').select('incident_id').where('case_id', '=', id);
  const inc = await incidents(tx).where('i.id', 'in', incIds).orderBy('i.occurred_from', 'desc').limit(LIMIT).execute();
  const ppl = await people(tx)
    .where('p.id', 'in', tx.selectFrom('incident_people').select('person_id').where('incident_id', 'in', incIds))
    .orderBy('p.last_name')
    .limit(LIMIT)
    .execute();
  return { subject: toCandidates('case', [subject], orgId)[0]!, others: [...toCandidates('person', ppl, orgId), ...toCandidates('incident', inc, orgId)] };
}

/** The label of each record of a referral the reader can still see (null: not, or no longer, shared with them). */
export async function recordLabels(tx: Tx, records: { record_type: ReferralRecordType; record_id: string }[]) {
  const ids = (t: ReferralRecordType) => records.filter((r) => r.record_type === t).map((r) => r.record_id);
  const found = new Map<string, string>();
  const add = (t: ReferralRecordType, rows: { id: string; label: string }[]) => rows.forEach((r) => found.set(`${t}:${r.id}`, r.label));
  if (ids('person').length) add('person', await people(tx, true).where('p.id', 'in', ids('person')).execute());
  if (ids('incident').length) add('incident', await incidents(tx).where('i.id', 'in', ids('incident')).execute());
  if (ids('case').length) add('case', await cases(tx).where('c.id', 'in', ids('case')).execute());
  return found;
}

// ---- Referrals --------------------------------------------------------------------------------------

export interface NewReferral {
  partnershipId: string;
  typeId: string;
  typeName: string;
  form: ReferralField[];
  answers: Record<string, string>;
  organisationId: string;
  toOrganisationId: string;
  subjectType: ReferralRecordType;
  subjectId: string;
  consent: 'given' | 'refused' | 'not_asked';
  lawfulBasis: 'public_task' | 'crime_disorder_s115' | 'vital_interests' | 'safeguarding' | null;
  lawfulBasisReason: string | null;
  userId: string;
}

export function insertReferral(tx: Tx, r: NewReferral) {
  return tx
    .insertInto('referrals')
    .values({
      partnership_id: r.partnershipId,
      referral_type_id: r.typeId,
      type_name: r.typeName,
      form: JSON.stringify(r.form),
      answers: JSON.stringify(r.answers),
      owner_organisation_id: r.organisationId,
      to_organisation_id: r.toOrganisationId,
      subject_type: r.subjectType,
      subject_id: r.subjectId,
      consent: r.consent,
      lawful_basis: r.lawfulBasis,
      lawful_basis_reason: r.lawfulBasisReason,
      sent_by: r.userId,
    })
    .returning(['id', 'reference'])
    .executeTakeFirstOrThrow();
}

export async function insertRecord(tx: Tx, referralId: string, recordType: ReferralRecordType, recordId: string, shareId: string) {
  await tx.insertInto('referral_records').values({ referral_id: referralId, record_type: recordType, record_id: recordId, share_id: shareId }).execute();
}

function base(tx: Tx) {
  return tx
    .selectFrom('referrals as r')
    .innerJoin('organisations as fo', 'fo.id', 'r.owner_organisation_id')
    .innerJoin('organisations as tor', 'tor.id', 'r.to_organisation_id')
    .innerJoin('users as su', 'su.id', 'r.sent_by')
    .leftJoin('users as au', 'au.id', 'r.accepted_by')
    .leftJoin('users as du', 'du.id', 'r.declined_by')
    .leftJoin('users as cu', 'cu.id', 'r.completed_by')
    .leftJoin('users as wu', 'wu.id', 'r.withdrawn_by')
    .selectAll('r')
    .select([
      'fo.name as from_name',
      'tor.name as to_name',
      'su.display_name as sent_by_name',
      'au.display_name as accepted_by_name',
      'du.display_name as declined_by_name',
      'cu.display_name as completed_by_name',
      'wu.display_name as withdrawn_by_name',
    ]);
}

export function findReferral(tx: Tx, id: string) {
  return base(tx).where('r.id', '=', id).executeTakeFirst();
}
export type ReferralRow = NonNullable<Awaited<ReturnType<typeof findReferral>>>;

export function records(tx: Tx, referralId: string) {
  return tx
    .selectFrom('referral_records as rr')
    .innerJoin('record_shares as s', 's.id', 'rr.share_id')
    .select(['rr.record_type', 'rr.record_id', 'rr.share_id', 's.revoked_at'])
    .where('rr.referral_id', '=', referralId)
    .orderBy('rr.record_type', 'desc')
    .execute();
}

export function received(tx: Tx, organisationId: string, status: ReferralStatus | null, limit = 200) {
  return base(tx)
    .where('r.to_organisation_id', '=', organisationId)
    .$if(status !== null, (q) => q.where('r.status', '=', status!))
    .orderBy('r.sent_at', status === 'sent' ? 'asc' : 'desc')
    .limit(limit)
    .execute();
}

export function sent(tx: Tx, organisationId: string, status: ReferralStatus | null, limit = 200) {
  return base(tx)
    .where('r.owner_organisation_id', '=', organisationId)
    .$if(status !== null, (q) => q.where('r.status', '=', status!))
    .orderBy('r.sent_at', 'desc')
    .limit(limit)
    .execute();
}

export async function waitingCount(tx: Tx, organisationId: string) {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM referrals WHERE to_organisation_id = ${organisationId} AND status = 'sent'`.execute(tx);
  return r.rows[0]?.n ?? 0;
}

export type Step =
  | { status: 'accepted'; userId: string }
  | { status: 'declined'; userId: string; reason: string }
  | { status: 'completed'; userId: string; outcome: string }
  | { status: 'withdrawn'; userId: string; reason: string | null };

const FROM: Record<Step['status'], ReferralStatus> = { accepted: 'sent', declined: 'sent', completed: 'accepted', withdrawn: 'sent' };

/** Takes one step of the lifecycle if the referral is still where the page showed it (its version). */
export async function takeStep(tx: Tx, id: string, version: number, step: Step) {
  const now = new Date();
  const values =
    step.status === 'accepted'
      ? { accepted_by: step.userId, accepted_at: now }
      : step.status === 'declined'
        ? { declined_by: step.userId, declined_at: now, decline_reason: step.reason }
        : step.status === 'completed'
          ? { completed_by: step.userId, completed_at: now, outcome: step.outcome }
          : { withdrawn_by: step.userId, withdrawn_at: now, withdraw_reason: step.reason };
  const r = await tx
    .updateTable('referrals')
    .set({ ...values, status: step.status })
    .where('id', '=', id)
    .where('version', '=', version)
    .where('status', '=', FROM[step.status])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// ---- Who to tell ------------------------------------------------------------------------------------

export async function usersWithRoles(tx: Tx, organisationId: string, roles: readonly Role[]) {
  const rows = await tx.selectFrom('users').select(['id', 'roles']).where('organisation_id', '=', organisationId).where('active', '=', true).orderBy('display_name').execute();
  return rows.filter((u) => u.roles.some((r) => roles.includes(r))).map((u) => u.id);
}

export async function activeUser(tx: Tx, userId: string) {
  return tx.selectFrom('users').select('id').where('id', '=', userId).where('active', '=', true).executeTakeFirst();
}

// ---- Timings ------------------------------------------------------------------------------------------

export interface TimingRow {
  type_name: string;
  status: ReferralStatus;
  n: number;
}

/** Referrals sent in [from, to) that the actor's organisation sent or received, counted by type and status. */
export async function countsByTypeAndStatus(tx: Tx, organisationId: string, from: Date, to: Date) {
  const r = await sql<TimingRow>`
    SELECT type_name, status, count(*)::int AS n FROM referrals
    WHERE (owner_organisation_id = ${organisationId} OR to_organisation_id = ${organisationId})
      AND sent_at >= ${from} AND sent_at < ${to}
    GROUP BY type_name, status ORDER BY type_name, status`.execute(tx);
  return r.rows;
}

export interface Durations {
  type_name: string | null;
  accepted_n: number;
  accept_median: number | null;
  accept_p90: number | null;
  completed_n: number;
  complete_median: number | null;
  complete_p90: number | null;
}

/** Median and 90th percentile days sent → accepted and accepted → completed, by type and overall. */
export async function durations(tx: Tx, organisationId: string, from: Date, to: Date) {
  const r = await sql<Durations>`
    WITH x AS (
      SELECT type_name,
        extract(epoch FROM accepted_at - sent_at) / 86400.0 AS to_accept,
        extract(epoch FROM completed_at - accepted_at) / 86400.0 AS to_complete
      FROM referrals
      WHERE (owner_organisation_id = ${organisationId} OR to_organisation_id = ${organisationId})
        AND sent_at >= ${from} AND sent_at < ${to})
    SELECT type_name,
      count(to_accept)::int AS accepted_n,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY to_accept)::float8 AS accept_median,
      percentile_cont(0.9) WITHIN GROUP (ORDER BY to_accept)::float8 AS accept_p90,
      count(to_complete)::int AS completed_n,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY to_complete)::float8 AS complete_median,
      percentile_cont(0.9) WITHIN GROUP (ORDER BY to_complete)::float8 AS complete_p90
    FROM x GROUP BY GROUPING SETS ((type_name), ())
    ORDER BY type_name NULLS LAST`.execute(tx);
  return r.rows;
}
