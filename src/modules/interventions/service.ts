// Interventions: the incremental approach, from advice to court orders, given to a person, a
// household or a business, on a case or on its own. PostgreSQL decides who may see each one; this
// service checks the rules for each kind, keeps reminders as tasks, records breaches and audits
// every view and change.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import { accessTo, createShare, listShares } from '../../platform/access/shares.ts';
import { documentsFor } from '../documents/service.ts';
import { createTask } from '../tasks/service.ts';
import { kindByKey, type InterventionKind, type SubjectType } from './kinds.ts';
import { ageOn, checkIntervention, type InterventionInput, type Problem } from './rules.ts';
import * as repo from './repository.ts';

export const RECORD_TYPE = 'intervention';

export interface Target {
  caseId: string | null;
  personId: string | null;
  businessId: string | null;
  household: boolean;
}

export const subjectTypeOf = (t: Target): SubjectType => (t.household ? 'household' : t.businessId ? 'business' : 'person');

type Person = NonNullable<Awaited<ReturnType<typeof repo.findPerson>>>;
type Business = NonNullable<Awaited<ReturnType<typeof repo.findBusiness>>>;
type CaseRow = NonNullable<Awaited<ReturnType<typeof repo.findCase>>>;

export type Subject = { kind: 'ok'; subjectType: SubjectType; person: Person | null; business: Business | null; caseRow: CaseRow | null };
type SubjectResult = Subject | { kind: 'not_found' } | { kind: 'forbidden' };

/** The subject and the case: visible, and the case changeable by this user. */
async function subject(tx: Tx, actor: Actor, t: Target): Promise<SubjectResult> {
  const person = t.personId ? await repo.findPerson(tx, t.personId) : null;
  const business = t.businessId ? await repo.findBusiness(tx, t.businessId) : null;
  const caseRow = t.caseId ? await repo.findCase(tx, t.caseId) : null;
  if ((t.personId && !person) || (t.businessId && !business) || (t.caseId && !caseRow)) return { kind: 'not_found' };
  const subjectType = subjectTypeOf(t);
  if (subjectType === 'person' && !person) return { kind: 'not_found' };
  if (subjectType === 'household' && !caseRow && !person) return { kind: 'not_found' };
  if (caseRow && !(await accessTo(tx, 'case', caseRow.id, caseRow.owner_organisation_id, actor.organisationId)).edit) return { kind: 'forbidden' };
  return { kind: 'ok', subjectType, person: person ?? null, business: business ?? null, caseRow: caseRow ?? null };
}

/** What the choose-a-kind and details pages need, with the subject's interventions so far. */
export async function newContext(db: Kysely<DB>, actor: Actor, t: Target) {
  return withUser(db, actor.userId, async (tx) => {
    const s = await subject(tx, actor, t);
    if (s.kind !== 'ok') return s;
    const filter = s.person && s.subjectType === 'person' ? { personId: s.person.id } : s.business ? { businessId: s.business.id } : { caseId: s.caseRow!.id };
    return { ...s, existing: await repo.listInterventions(tx, filter) };
  });
}

export const reminderTitles = (k: InterventionKind) => ({ expiry: `${k.label} ends: record the outcome`, review: `Review: ${k.label}` });

/** Reminders as tasks for the officer who issued it: on the expiry date and on the review date. */
async function scheduleReminders(tx: Tx, actor: Actor, interventionId: string, caseId: string | null, kind: InterventionKind, dates: { expiresOn: string | null; reviewOn: string | null }) {
  const titles = reminderTitles(kind);
  const wanted = [
    dates.reviewOn && { title: titles.review, due: dates.reviewOn, details: 'Check whether the conditions are being kept, record any breach, and decide the next step.' },
    dates.expiresOn && { title: titles.expiry, due: dates.expiresOn, details: 'Record whether it was complied with, breached or discharged, and whether further action is needed.' },
  ].filter((x): x is { title: string; due: string; details: string } => !!x);
  for (const w of wanted) {
    await createTask(tx, actor, { title: w.title, details: w.details, case_id: caseId, intervention_id: interventionId, assigned_user_id: actor.userId, due_date: w.due });
  }
}

export type SaveResult = { kind: 'ok'; id: string } | { kind: 'invalid'; problems: Problem[] } | { kind: 'not_found' } | { kind: 'forbidden' };

export interface InterventionText {
  conditions: string | null;
  notes: string | null;
  householdAddress: string | null;
}

export async function createIntervention(db: Kysely<DB>, actor: Actor, t: Target, kindKey: string, input: InterventionInput, text: InterventionText, today: string): Promise<SaveResult> {
  const kind = kindByKey(kindKey);
  if (!kind) return { kind: 'invalid', problems: [{ field: 'kind', message: 'Select the kind of intervention from the list' }] };
  return withUser(db, actor.userId, async (tx) => {
    const s = await subject(tx, actor, t);
    if (s.kind !== 'ok') return s;
    const age = s.subjectType === 'person' && s.person ? ageOn(input.issuedOn, s.person) : null;
    const checked = checkIntervention(kind, s.subjectType, age, { ...input, status: 'issued' }, today);
    if (!checked.ok) return { kind: 'invalid', problems: checked.problems };
    const row = await repo.insertIntervention(tx, {
      partnership_id: actor.partnershipId,
      owner_organisation_id: actor.organisationId,
      case_id: s.caseRow?.id ?? null,
      subject_type: s.subjectType,
      person_id: s.person?.id ?? null,
      business_id: s.business?.id ?? null,
      household_address: s.subjectType === 'household' ? text.householdAddress : null,
      kind: kind.key,
      issued_on: input.issuedOn,
      expires_on: checked.value.expiresOn,
      review_on: checked.value.reviewOn,
      duration_hours: checked.value.durationHours,
      indefinite: input.indefinite && !kind.hourly,
      conviction_on: kind.requiresConviction ? input.convictionOn : null,
      yot_consulted: input.yotConsulted,
      authorised_by: kind.authoriserRanks ? input.authorisedBy : null,
      authoriser_rank: kind.authoriserRanks ? input.authoriserRank : null,
      conditions: text.conditions,
      notes: text.notes,
      created_by: actor.userId,
      updated_at: new Date(),
    });
    await auditBy(tx, actor, 'create', RECORD_TYPE, row.id, { kind: kind.key, case_id: s.caseRow?.id ?? null, person_id: s.person?.id ?? null, business_id: s.business?.id ?? null });
    await scheduleReminders(tx, actor, row.id, s.caseRow?.id ?? null, kind, checked.value);
    // Given on another organisation's case through an edit share: the case's owner sees it too.
    if (s.caseRow && s.caseRow.owner_organisation_id !== actor.organisationId) {
      await createShare(tx, actor, {
        recordType: RECORD_TYPE,
        recordId: row.id,
        target: { kind: 'organisation', id: s.caseRow.owner_organisation_id },
        access: 'view',
        reason: `Given on ${s.caseRow.reference}, held by ${s.caseRow.owner_name}`,
        expiresAt: null,
      });
    }
    return { kind: 'ok', id: row.id };
  });
}

export async function viewIntervention(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const intervention = await repo.findIntervention(tx, id);
    if (!intervention) return null;
    const access = await accessTo(tx, RECORD_TYPE, id, intervention.owner_organisation_id, actor.organisationId);
    const [breaches, reminders, documents] = [await repo.listBreaches(tx, id), await repo.listReminders(tx, id), await documentsFor(tx, { interventionId: id })];
    const shares = access.share ? await listShares(tx, RECORD_TYPE, id) : [];
    await auditBy(tx, actor, 'view', RECORD_TYPE, id);
    return { intervention, access, breaches, reminders, documents, shares };
  });
}

export async function interventionForEdit(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const intervention = await repo.findIntervention(tx, id);
    if (!intervention) return null;
    const access = await accessTo(tx, RECORD_TYPE, id, intervention.owner_organisation_id, actor.organisationId);
    if (!access.edit) return { intervention, canEdit: false as const };
    await auditBy(tx, actor, 'view', RECORD_TYPE, id, { purpose: 'edit' });
    return { intervention, canEdit: true as const };
  });
}

export type UpdateResult = SaveResult | { kind: 'conflict'; current: repo.InterventionRow };

const EDITABLE = ['issued_on', 'expires_on', 'review_on', 'duration_hours', 'indefinite', 'conviction_on', 'yot_consulted', 'authorised_by', 'authoriser_rank', 'conditions', 'notes', 'status', 'household_address'] as const;

export async function updateIntervention(db: Kysely<DB>, actor: Actor, id: string, version: number, input: InterventionInput, text: InterventionText, today: string): Promise<UpdateResult> {
  return withUser(db, actor.userId, async (tx) => {
    const before = await repo.findIntervention(tx, id);
    if (!before) return { kind: 'not_found' };
    if (before.version !== version) return { kind: 'conflict', current: before };
    const kind = kindByKey(before.kind);
    if (!kind) return { kind: 'not_found' };
    const age = before.subject_type === 'person' ? ageOn(input.issuedOn, before) : null;
    const checked = checkIntervention(kind, before.subject_type, age, input, today);
    if (!checked.ok) return { kind: 'invalid', problems: checked.problems };
    const fields = {
      issued_on: input.issuedOn,
      expires_on: checked.value.expiresOn,
      review_on: checked.value.reviewOn,
      duration_hours: checked.value.durationHours,
      indefinite: input.indefinite && !kind.hourly,
      conviction_on: kind.requiresConviction ? input.convictionOn : null,
      yot_consulted: input.yotConsulted,
      authorised_by: kind.authoriserRanks ? input.authorisedBy : null,
      authoriser_rank: kind.authoriserRanks ? input.authoriserRank : null,
      conditions: text.conditions,
      notes: text.notes,
      status: input.status,
      household_address: before.subject_type === 'household' ? text.householdAddress : null,
    };
    const ok = await repo.updateIntervention(tx, id, version, actor.userId, fields);
    if (!ok) {
      // Someone saved between the read and the write, or this user may view but not change it.
      const now = await repo.findIntervention(tx, id);
      if (now && now.version !== version) return { kind: 'conflict', current: now };
      return { kind: 'forbidden' };
    }
    const changed = EDITABLE.filter((k) => (before[k] ?? null) !== (fields[k] ?? null));
    await auditBy(tx, actor, 'update', RECORD_TYPE, id, { fields: changed, version: version + 1 });
    // Dates moved: the old reminders are replaced by new ones on the new dates.
    const titles = reminderTitles(kind);
    const moved = {
      expiresOn: changed.includes('expires_on') ? checked.value.expiresOn : null,
      reviewOn: changed.includes('review_on') ? checked.value.reviewOn : null,
    };
    const stale = [changed.includes('expires_on') && titles.expiry, changed.includes('review_on') && titles.review].filter((x): x is string => !!x);
    const cancelled = await repo.cancelReminders(tx, id, stale, actor.userId);
    for (const c of cancelled) await auditBy(tx, actor, 'update', 'task', c.id, { fields: ['status'], intervention_id: id });
    await scheduleReminders(tx, actor, id, before.case_id, kind, moved);
    return { kind: 'ok', id };
  });
}

export type BreachResult = { kind: 'ok' } | { kind: 'not_found' } | { kind: 'forbidden' };

/** A breach is recorded and the intervention's status becomes "breached". */
export async function recordBreach(db: Kysely<DB>, actor: Actor, id: string, breach: { occurredOn: string; details: string; actionTaken: string | null }): Promise<BreachResult> {
  return withUser(db, actor.userId, async (tx) => {
    const v = await repo.findIntervention(tx, id);
    if (!v) return { kind: 'not_found' };
    if (!(await accessTo(tx, RECORD_TYPE, id, v.owner_organisation_id, actor.organisationId)).edit) return { kind: 'forbidden' };
    const row = await repo.insertBreach(tx, { intervention_id: id, occurred_on: breach.occurredOn, details: breach.details, action_taken: breach.actionTaken, recorded_by: actor.userId });
    // Not a version check: a breach adds to the record whatever else was changed meanwhile.
    const version = await repo.markBreached(tx, id, actor.userId);
    await auditBy(tx, actor, 'update', RECORD_TYPE, id, { fields: v.status === 'breached' ? [] : ['status'], breach_id: row.id, version });
    return { kind: 'ok' };
  });
}

/** For the breach form: the intervention, if this user may change it. */
export async function breachContext(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const v = await repo.findIntervention(tx, id);
    if (!v) return null;
    const access = await accessTo(tx, RECORD_TYPE, id, v.owner_organisation_id, actor.organisationId);
    return { intervention: v, canEdit: access.edit };
  });
}

/** The incremental approach for a person, business or case: every intervention the user may see. */
export async function ladder(db: Kysely<DB>, actor: Actor, filter: repo.InterventionFilter) {
  return withUser(db, actor.userId, async (tx) => {
    const person = filter.personId ? await repo.findPerson(tx, filter.personId) : null;
    const business = filter.businessId ? await repo.findBusiness(tx, filter.businessId) : null;
    const caseRow = filter.caseId ? await repo.findCase(tx, filter.caseId) : null;
    if ((filter.personId && !person) || (filter.businessId && !business) || (filter.caseId && !caseRow)) return null;
    const rows = await repo.listInterventions(tx, filter);
    await auditBy(tx, actor, 'list', RECORD_TYPE, null, { person_id: filter.personId ?? null, case_id: filter.caseId ?? null, business_id: filter.businessId ?? null, shown: rows.length });
    return { rows, person, business, caseRow };
  });
}

export async function shareable(tx: Tx, id: string) {
  const v = await repo.findIntervention(tx, id);
  if (!v) return undefined;
  const kind = kindByKey(v.kind);
  const who = v.first_name ? `${v.first_name} ${v.last_name}` : (v.business_name ?? v.household_address ?? 'a subject');
  return { owner_organisation_id: v.owner_organisation_id, caption: `${kind?.label ?? v.kind} for ${who}` };
}

/** For other capabilities' pages (a person's page, a case's timeline), inside the caller's transaction. */
export function interventionsFor(tx: Tx, filter: repo.InterventionFilter) {
  return repo.listInterventions(tx, filter);
}
