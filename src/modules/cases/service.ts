// Cases: group incidents into one problem with a lead officer, supervisor, priority, review date,
// notes, linked cases and a timeline. Visibility is decided by PostgreSQL (owner organisation or a
// live share; notes, incident links and case links through their case); this service adds the rules
// for changing and sharing, and the audit trail, in the same transaction as each change.
import type { Kysely } from 'kysely';
import type { DB, RiskBand } from '../../platform/db/schema.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import { accessTo, listShares } from '../../platform/access/shares.ts';
import { activeCaseTypes, allCaseTypes } from './case-types.ts';
import { defaultReviewDate, latestAssessment, refreshCasePriority } from './priority.ts';
import { caseTasks, caseTimeline } from './timeline-repository.ts';
import type { StatusFields } from './fields.ts';
import type { NoteKind } from './labels.ts';
import * as repo from './repository.ts';
import { ownerSharing } from '../../platform/access/owner-sharing.ts';
import * as repeats from '../repeats/service.ts';
import { supervisionNotesFor } from '../supervision/service.ts';

export { refreshCasePriority } from './priority.ts';

export const RECORD_TYPE = 'case';

type Access = { edit: boolean; share: boolean };
export type Outcome<T = undefined> = { kind: 'ok'; value: T } | { kind: 'not_found' } | { kind: 'forbidden' };

/** Cases whose incidents involve a person, as far as the viewer can see (for the person's page). */
export function casesForPerson(tx: Tx, personId: string) {
  return repo.casesForPerson(tx, personId);
}

/**
 * Recomputes the priority of every case the acting user may change whose incidents involve the
 * person: for use after recording a risk assessment on someone.
 */
export async function refreshPriorityForPerson(tx: Tx, personId: string) {
  const cases = await repo.casesForPerson(tx, personId);
  for (const c of cases) if (c.status !== 'closed') await refreshCasePriority(tx, c.id);
}

// --- list -----------------------------------------------------------------------------------------

export async function listCases(db: Kysely<DB>, actor: Actor, filters: repo.CaseListFilters) {
  return withUser(db, actor.userId, async (tx) => {
    const rows = await repo.listCases(tx, actor, filters);
    const types = await allCaseTypes(tx, actor.partnershipId);
    const officers = await repo.organisationUsers(tx, actor.organisationId);
    await auditBy(tx, actor, 'list', RECORD_TYPE, null, {
      scope: filters.scope,
      status: filters.status,
      filtered: !!(filters.typeId || filters.leadId || filters.overdue),
      page: filters.page,
      shown: Math.min(rows.length, repo.PAGE_SIZE),
    });
    return { cases: rows.slice(0, repo.PAGE_SIZE), hasMore: rows.length > repo.PAGE_SIZE, types, officers };
  });
}

// --- open a case ----------------------------------------------------------------------------------

export async function formOptions(tx: Tx, partnershipId: string, organisationId: string) {
  const types = await activeCaseTypes(tx, partnershipId);
  const users = await repo.organisationUsers(tx, organisationId);
  const managers = users.filter((u) => u.roles.includes('manager'));
  return {
    types,
    officers: users,
    managers,
    ids: {
      typeIds: types.map((t) => t.id),
      officerIds: users.map((u) => u.id),
      managerIds: managers.map((u) => u.id),
    },
  };
}
export type FormOptions = Awaited<ReturnType<typeof formOptions>>;

/** The open-a-case form: its choices, and the incidents chosen so far that the user can see. */
export async function newCaseForm(db: Kysely<DB>, actor: Actor, incidentIds: string[]) {
  return withUser(db, actor.userId, async (tx) => {
    const options = await formOptions(tx, actor.partnershipId, actor.organisationId);
    const incidents = await repo.visibleIncidents(tx, incidentIds);
    return { options, incidents };
  });
}

/** Finds an incident the user can see by its reference, to add to a case being opened. */
export async function incidentByReference(db: Kysely<DB>, actor: Actor, input: string) {
  const reference = repo.normaliseIncidentReference(input);
  if (!reference) return null;
  return withUser(db, actor.userId, async (tx) => {
    const incident = await repo.visibleIncidentByReference(tx, reference);
    if (incident) await auditBy(tx, actor, 'view', 'incident', incident.id, { purpose: 'add_to_case' });
    return incident ?? null;
  });
}

export async function createCase(
  db: Kysely<DB>,
  actor: Actor,
  fields: repo.CaseFields,
  incidentIds: string[],
) {
  return withUser(db, actor.userId, async (tx) => {
    // Only incidents the user can see; anything else in the form is ignored rather than trusted.
    const incidents = await repo.visibleIncidents(tx, incidentIds);
    const ids = incidents.map((i) => i.id);
    const assessed = await latestAssessment(tx, { incidentIds: ids });
    const priority: RiskBand = assessed ? assessed.final_band : fields.priority;
    const row = await repo.insertCase(tx, {
      ...fields,
      priority,
      priority_source: assessed ? 'risk_assessment' : 'officer',
      priority_assessment_id: assessed?.id ?? null,
      priority_assessed_at: assessed?.assessed_at ?? null,
      review_date: fields.review_date ?? defaultReviewDate(priority),
      partnership_id: actor.partnershipId,
      owner_organisation_id: actor.organisationId,
      created_by: actor.userId,
    });
    await repo.linkIncidents(tx, row.id, ids, actor.userId);
    await auditBy(tx, actor, 'create', RECORD_TYPE, row.id, {
      incident_ids: ids,
      priority_source: assessed ? 'risk_assessment' : 'officer',
      review_date_defaulted: !fields.review_date,
    });
    return row;
  });
}

// --- view -----------------------------------------------------------------------------------------

async function loadCase(tx: Tx, actor: Actor, id: string) {
  const found = await repo.findCase(tx, id);
  if (!found) return null;
  const access: Access = await accessTo(
    tx,
    RECORD_TYPE,
    id,
    found.owner_organisation_id,
    actor.organisationId,
  );
  return { case: found, access };
}

export type CaseSection = 'overview' | 'incidents' | 'notes' | 'tasks' | 'links' | 'sharing';

/** One section of the case page, audited as a view of the case. */
export async function viewCase(db: Kysely<DB>, actor: Actor, id: string, section: CaseSection) {
  return withUser(db, actor.userId, async (tx) => {
    const loaded = await loadCase(tx, actor, id);
    if (!loaded) return null;
    if (section === 'sharing' && !loaded.access.share) return { ...loaded, forbidden: true as const };
    const c = loaded.case;
    const data = {
      timeline:
        section === 'overview'
          ? await caseTimeline(tx, id, { at: c.opened_at, by: c.created_by_name, reference: c.reference })
          : [],
      incidents: section === 'incidents' ? await repo.caseIncidents(tx, id) : { incidents: [], hidden: 0 },
      people: section === 'overview' ? await repo.casePeople(tx, id) : [],
      notes: section === 'notes' ? await repo.caseNotes(tx, id) : [],
      supervisionNotes: section === 'notes' ? await supervisionNotesFor(tx, id) : [],
      tasks: section === 'tasks' ? await caseTasks(tx, id) : [],
      links: section === 'links' ? await repo.caseLinks(tx, id) : [],
      shares: section === 'sharing' ? await listShares(tx, RECORD_TYPE, id) : [],
      repeatFlags: await repeats.flagsForCase(tx, id),
    };
    const markers = section === 'overview' ? await repeats.markersFor(tx, data.people.map((p) => p.id)) : {};
    await auditBy(tx, actor, 'view', RECORD_TYPE, id, { section });
    return { ...loaded, ...data, markers, forbidden: false as const };
  });
}

// --- change ---------------------------------------------------------------------------------------

export async function caseForEdit(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const loaded = await loadCase(tx, actor, id);
    if (!loaded) return null;
    if (!loaded.access.edit) return { ...loaded, canEdit: false as const };
    const options = await formOptions(tx, actor.partnershipId, loaded.case.owner_organisation_id);
    await auditBy(tx, actor, 'view', RECORD_TYPE, id, { purpose: 'edit' });
    return { ...loaded, options, canEdit: true as const };
  });
}

export type ChangeResult =
  | { kind: 'ok' }
  | { kind: 'not_found' }
  | { kind: 'forbidden' }
  | { kind: 'conflict'; current: repo.CaseRow };

const CASE_FIELDS: (keyof repo.CaseFields)[] = [
  'case_type_id',
  'title',
  'summary',
  'lead_officer_id',
  'supervisor_id',
  'priority',
  'review_date',
];

export async function updateCase(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  version: number,
  fields: repo.CaseFields,
): Promise<ChangeResult> {
  return withUser(db, actor.userId, async (tx) => {
    const loaded = await loadCase(tx, actor, id);
    if (!loaded) return { kind: 'not_found' };
    if (!loaded.access.edit) return { kind: 'forbidden' };
    const before = loaded.case;
    if (before.version !== version) return { kind: 'conflict', current: before };
    // A blank review date means "work it out from the priority", as when opening a case.
    const effective = { ...fields, review_date: fields.review_date ?? defaultReviewDate(fields.priority) };
    const changed = CASE_FIELDS.filter((k) => (before[k] ?? null) !== (effective[k] ?? null));
    // A priority the officer changes by hand is their decision until a newer risk assessment.
    const override =
      fields.priority !== before.priority
        ? { priority_source: 'officer' as const, priority_overridden_at: new Date() }
        : {};
    const ok = await repo.updateCase(tx, id, version, actor.userId, { ...effective, ...override });
    if (!ok) return { kind: 'conflict', current: (await repo.findCase(tx, id)) ?? before };
    await auditBy(tx, actor, 'update', RECORD_TYPE, id, { fields: changed, version: version + 1 });
    return { kind: 'ok' };
  });
}

export async function statusForm(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const loaded = await loadCase(tx, actor, id);
    if (loaded?.access.edit) await auditBy(tx, actor, 'view', RECORD_TYPE, id, { purpose: 'status' });
    return loaded;
  });
}

export async function changeStatus(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  version: number,
  fields: StatusFields,
): Promise<ChangeResult> {
  return withUser(db, actor.userId, async (tx) => {
    const loaded = await loadCase(tx, actor, id);
    if (!loaded) return { kind: 'not_found' };
    if (!loaded.access.edit) return { kind: 'forbidden' };
    const before = loaded.case;
    if (before.version !== version) return { kind: 'conflict', current: before };
    const closing = fields.status === 'closed';
    const ok = await repo.updateCase(tx, id, version, actor.userId, {
      status: fields.status,
      outcome: fields.outcome,
      outcome_notes: fields.outcome_notes,
      closed_at: closing ? new Date() : null,
    });
    if (!ok) return { kind: 'conflict', current: (await repo.findCase(tx, id)) ?? before };
    const from = before.status;
    const line = `Status changed from ${from.replace('_', ' ')} to ${fields.status.replace('_', ' ')}.`;
    await repo.insertNote(
      tx,
      id,
      'status_change',
      [line, fields.note].filter(Boolean).join('\n\n'),
      actor.userId,
    );
    await auditBy(tx, actor, 'update', RECORD_TYPE, id, {
      fields: ['status', ...(closing ? ['outcome', 'outcome_notes'] : [])],
      from,
      to: fields.status,
      version: version + 1,
    });
    // A reopened case takes up the current risk picture again.
    if (from === 'closed') await refreshCasePriority(tx, id, actor);
    return { kind: 'ok' };
  });
}

/** Runs a change to a case's children, for users who may change the case. */
async function onEditableCase<T>(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  fn: (tx: Tx, c: repo.CaseRow) => Promise<T>,
): Promise<Outcome<T>> {
  return withUser(db, actor.userId, async (tx) => {
    const loaded = await loadCase(tx, actor, id);
    if (!loaded) return { kind: 'not_found' };
    if (!loaded.access.edit) return { kind: 'forbidden' };
    return { kind: 'ok', value: await fn(tx, loaded.case) };
  });
}

export function addNote(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  kind: Exclude<NoteKind, 'status_change'>,
  body: string,
) {
  return onEditableCase(db, actor, id, async (tx) => {
    const note = await repo.insertNote(tx, id, kind, body, actor.userId);
    await auditBy(tx, actor, 'create', 'case_note', note.id, { case_id: id, kind });
    return note.id;
  });
}

export type AddIncidentResult = 'added' | 'no_such_incident' | 'already_on_case';

export function addIncident(db: Kysely<DB>, actor: Actor, id: string, input: string) {
  return onEditableCase(db, actor, id, async (tx): Promise<AddIncidentResult> => {
    const reference = repo.normaliseIncidentReference(input);
    const incident = reference ? await repo.visibleIncidentByReference(tx, reference) : undefined;
    if (!incident) return 'no_such_incident';
    const added = await repo.linkIncidents(tx, id, [incident.id], actor.userId);
    if (!added) return 'already_on_case';
    await auditBy(tx, actor, 'update', RECORD_TYPE, id, {
      fields: ['incidents'],
      added_incident_id: incident.id,
    });
    await refreshCasePriority(tx, id, actor);
    return 'added';
  });
}

export function removeIncident(db: Kysely<DB>, actor: Actor, id: string, incidentId: string) {
  return onEditableCase(db, actor, id, async (tx) => {
    const removed = await repo.unlinkIncident(tx, id, incidentId);
    if (removed) {
      await auditBy(tx, actor, 'update', RECORD_TYPE, id, {
        fields: ['incidents'],
        removed_incident_id: incidentId,
      });
      await refreshCasePriority(tx, id, actor);
    }
    return removed;
  });
}

export type AddLinkResult = 'linked' | 'no_such_case' | 'same_case' | 'already_linked';

export function addLink(db: Kysely<DB>, actor: Actor, id: string, input: string, reason: string) {
  return onEditableCase(db, actor, id, async (tx): Promise<AddLinkResult> => {
    const reference = repo.normaliseCaseReference(input);
    const other = reference ? await repo.visibleCaseByReference(tx, reference) : undefined;
    if (!other) return 'no_such_case';
    if (other.id === id) return 'same_case';
    if (await repo.linkExists(tx, id, other.id)) return 'already_linked';
    await repo.insertLink(tx, id, other.id, reason, actor.userId);
    await auditBy(tx, actor, 'update', RECORD_TYPE, id, { fields: ['links'], linked_case_id: other.id });
    return 'linked';
  });
}

export function removeLink(db: Kysely<DB>, actor: Actor, id: string, otherId: string) {
  return onEditableCase(db, actor, id, async (tx) => {
    const removed = await repo.deleteLink(tx, id, otherId);
    if (removed)
      await auditBy(tx, actor, 'update', RECORD_TYPE, id, { fields: ['links'], unlinked_case_id: otherId });
    return removed;
  });
}

// --- sharing --------------------------------------------------------------------------------------

const sharing = ownerSharing(RECORD_TYPE, repo.findCase);

export async function sharingOptions(db: Kysely<DB>, actor: Actor, id: string) {
  const options = await sharing.options(db, actor, id);
  return options && { case: options.record, targets: options.targets };
}

export const shareCase = sharing.share;
export const unshareCase = sharing.unshare;
