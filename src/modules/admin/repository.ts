// Typed queries for partnership administration. The configuration tables have no row-level security,
// so every query here names the partnership it works in: an id from a URL is only ever looked up
// together with the administrator's own partnership.
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';
import type { AreaKind, OrganisationKind, Role } from '../../platform/db/schema.ts';

export const PAGE_SIZE = 50;

// --- partnership --------------------------------------------------------------------------------

export function findPartnership(tx: Tx, id: string) {
  return tx
    .selectFrom('partnerships')
    .select(['id', 'name', 'short_name', 'require_two_factor_for_all', 'version', 'updated_at'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function updatePartnership(
  tx: Tx,
  id: string,
  version: number,
  fields: { name: string; short_name: string; require_two_factor_for_all: boolean },
) {
  const r = await tx
    .updateTable('partnerships')
    .set((eb) => ({ ...fields, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function partnershipCounts(tx: Tx, partnershipId: string) {
  const r = await tx
    .selectFrom('partnerships as p')
    .select((eb) => [
      eb
        .selectFrom('areas')
        .select(eb.fn.countAll<string>().as('n'))
        .where('partnership_id', '=', partnershipId)
        .as('areas'),
      eb
        .selectFrom('organisations')
        .select(eb.fn.countAll<string>().as('n'))
        .where('partnership_id', '=', partnershipId)
        .as('organisations'),
      eb
        .selectFrom('teams as t')
        .innerJoin('organisations as o', 'o.id', 't.organisation_id')
        .select(eb.fn.countAll<string>().as('n'))
        .where('o.partnership_id', '=', partnershipId)
        .as('teams'),
      eb
        .selectFrom('users as u')
        .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
        .select(eb.fn.countAll<string>().as('n'))
        .where('o.partnership_id', '=', partnershipId)
        .where('u.active', '=', true)
        .as('users'),
    ])
    .where('p.id', '=', partnershipId)
    .executeTakeFirstOrThrow();
  return {
    areas: Number(r.areas),
    organisations: Number(r.organisations),
    teams: Number(r.teams),
    users: Number(r.users),
  };
}

// --- areas --------------------------------------------------------------------------------------

export function listAreas(tx: Tx, partnershipId: string) {
  return tx
    .selectFrom('areas as a')
    .leftJoin('areas as p', 'p.id', 'a.parent_id')
    .select(['a.id', 'a.kind', 'a.ons_code', 'a.name', 'a.parent_id', 'a.version', 'p.name as parent_name'])
    .where('a.partnership_id', '=', partnershipId)
    .orderBy(
      sql`CASE a.kind WHEN 'county' THEN 1 WHEN 'unitary' THEN 2 WHEN 'district' THEN 3 WHEN 'ward' THEN 4 ELSE 5 END`,
    )
    .orderBy('a.name')
    .orderBy('a.id')
    .execute();
}

export function partnershipPopulations(tx: Tx, partnershipId: string) {
  return tx
    .selectFrom('area_populations as ap')
    .innerJoin('areas as a', 'a.id', 'ap.area_id')
    .select(['ap.area_id', 'ap.year', 'ap.population'])
    .where('a.partnership_id', '=', partnershipId)
    .orderBy('ap.year')
    .execute();
}

export function findArea(tx: Tx, partnershipId: string, id: string) {
  return tx
    .selectFrom('areas as a')
    .leftJoin('areas as p', 'p.id', 'a.parent_id')
    .select([
      'a.id',
      'a.kind',
      'a.ons_code',
      'a.name',
      'a.parent_id',
      'a.version',
      'a.created_at',
      'p.name as parent_name',
    ])
    .where('a.partnership_id', '=', partnershipId)
    .where('a.id', '=', id)
    .executeTakeFirst();
}

/** Every area's id and parent, for checking a new parent would not make a loop. */
export function areaTree(tx: Tx, partnershipId: string) {
  return tx
    .selectFrom('areas')
    .select(['id', 'parent_id', 'name', 'kind'])
    .where('partnership_id', '=', partnershipId)
    .orderBy('name')
    .execute();
}

export async function onsCodeTaken(tx: Tx, partnershipId: string, code: string, exceptId: string | null) {
  let q = tx
    .selectFrom('areas')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .where('ons_code', '=', code);
  if (exceptId) q = q.where('id', '<>', exceptId);
  return !!(await q.executeTakeFirst());
}

export interface AreaRow {
  kind: AreaKind;
  name: string;
  ons_code: string | null;
  parent_id: string | null;
}

export function insertArea(tx: Tx, partnershipId: string, area: AreaRow) {
  return tx
    .insertInto('areas')
    .values({ ...area, partnership_id: partnershipId })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function updateArea(tx: Tx, partnershipId: string, id: string, version: number, area: AreaRow) {
  const r = await tx
    .updateTable('areas')
    .set((eb) => ({ ...area, version: eb('version', '+', 1) }))
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function areaPopulations(tx: Tx, areaId: string) {
  return tx
    .selectFrom('area_populations')
    .select(['year', 'population', 'source'])
    .where('area_id', '=', areaId)
    .orderBy('year', 'desc')
    .execute();
}

export function upsertPopulation(
  tx: Tx,
  areaId: string,
  p: { year: number; population: number; source: string | null },
) {
  return tx
    .insertInto('area_populations')
    .values({ area_id: areaId, ...p })
    .onConflict((oc) =>
      oc.columns(['area_id', 'year']).doUpdateSet({ population: p.population, source: p.source }),
    )
    .execute();
}

export async function deletePopulation(tx: Tx, areaId: string, year: number) {
  const r = await tx
    .deleteFrom('area_populations')
    .where('area_id', '=', areaId)
    .where('year', '=', year)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

// --- organisations ------------------------------------------------------------------------------

export function listOrganisations(tx: Tx, partnershipId: string) {
  return tx
    .selectFrom('organisations as o')
    .select((eb) => [
      'o.id',
      'o.name',
      'o.short_name',
      'o.kind',
      'o.active',
      eb
        .selectFrom('organisation_areas as oa')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('oa.organisation_id', '=', 'o.id')
        .as('areas'),
      eb
        .selectFrom('teams as t')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('t.organisation_id', '=', 'o.id')
        .as('teams'),
      eb
        .selectFrom('users as u')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('u.organisation_id', '=', 'o.id')
        .where('u.active', '=', true)
        .as('users'),
    ])
    .where('o.partnership_id', '=', partnershipId)
    .orderBy('o.name')
    .execute();
}

export function organisationOptions(tx: Tx, partnershipId: string) {
  return tx
    .selectFrom('organisations')
    .select(['id', 'name', 'short_name', 'active'])
    .where('partnership_id', '=', partnershipId)
    .orderBy('name')
    .execute();
}

export function findOrganisation(tx: Tx, partnershipId: string, id: string) {
  return tx
    .selectFrom('organisations')
    .select(['id', 'name', 'short_name', 'kind', 'active', 'version', 'created_at'])
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function organisationAreas(tx: Tx, organisationId: string) {
  return tx
    .selectFrom('organisation_areas as oa')
    .innerJoin('areas as a', 'a.id', 'oa.area_id')
    .select(['a.id', 'a.name', 'a.ons_code', 'a.kind'])
    .where('oa.organisation_id', '=', organisationId)
    .orderBy('a.name')
    .execute();
}

export async function organisationNameTaken(
  tx: Tx,
  partnershipId: string,
  name: string,
  exceptId: string | null,
) {
  let q = tx
    .selectFrom('organisations')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
  if (exceptId) q = q.where('id', '<>', exceptId);
  return !!(await q.executeTakeFirst());
}

export interface OrganisationRow {
  name: string;
  short_name: string | null;
  kind: OrganisationKind;
  active: boolean;
}

export function insertOrganisation(tx: Tx, partnershipId: string, org: OrganisationRow) {
  return tx
    .insertInto('organisations')
    .values({ ...org, partnership_id: partnershipId })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function updateOrganisation(
  tx: Tx,
  partnershipId: string,
  id: string,
  version: number,
  org: OrganisationRow,
) {
  const r = await tx
    .updateTable('organisations')
    .set((eb) => ({ ...org, version: eb('version', '+', 1) }))
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function setOrganisationAreas(tx: Tx, organisationId: string, areaIds: string[]) {
  await tx.deleteFrom('organisation_areas').where('organisation_id', '=', organisationId).execute();
  if (areaIds.length)
    await tx
      .insertInto('organisation_areas')
      .values(areaIds.map((area_id) => ({ organisation_id: organisationId, area_id })))
      .execute();
}

// --- teams --------------------------------------------------------------------------------------

export function listTeams(tx: Tx, partnershipId: string, organisationId: string | null) {
  let q = tx
    .selectFrom('teams as t')
    .innerJoin('organisations as o', 'o.id', 't.organisation_id')
    .select((eb) => [
      't.id',
      't.name',
      't.organisation_id',
      'o.name as organisation_name',
      eb
        .selectFrom('team_members as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('m.team_id', '=', 't.id')
        .where('u.active', '=', true)
        .as('members'),
    ])
    .where('o.partnership_id', '=', partnershipId);
  if (organisationId) q = q.where('t.organisation_id', '=', organisationId);
  return q.orderBy('o.name').orderBy('t.name').orderBy('t.id').execute();
}

export function findTeam(tx: Tx, partnershipId: string, id: string) {
  return tx
    .selectFrom('teams as t')
    .innerJoin('organisations as o', 'o.id', 't.organisation_id')
    .select(['t.id', 't.name', 't.organisation_id', 't.version', 'o.name as organisation_name'])
    .where('o.partnership_id', '=', partnershipId)
    .where('t.id', '=', id)
    .executeTakeFirst();
}

export function teamMembers(tx: Tx, teamId: string) {
  return tx
    .selectFrom('team_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.display_name', 'u.email', 'u.job_title', 'u.active'])
    .where('m.team_id', '=', teamId)
    .orderBy('u.display_name')
    .orderBy('u.id')
    .execute();
}

export async function teamNameTaken(tx: Tx, organisationId: string, name: string, exceptId: string | null) {
  let q = tx
    .selectFrom('teams')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
  if (exceptId) q = q.where('id', '<>', exceptId);
  return !!(await q.executeTakeFirst());
}

export function insertTeam(tx: Tx, organisationId: string, name: string) {
  return tx
    .insertInto('teams')
    .values({ organisation_id: organisationId, name })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function renameTeam(tx: Tx, id: string, version: number, name: string) {
  const r = await tx
    .updateTable('teams')
    .set((eb) => ({ name, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function addTeamMember(tx: Tx, teamId: string, userId: string) {
  const r = await tx
    .insertInto('team_members')
    .values({ team_id: teamId, user_id: userId })
    .onConflict((oc) => oc.doNothing())
    .returning('team_id')
    .executeTakeFirst();
  return !!r;
}

export async function removeTeamMember(tx: Tx, teamId: string, userId: string) {
  const r = await tx
    .deleteFrom('team_members')
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

// --- users --------------------------------------------------------------------------------------

export interface UserFilters {
  organisationId: string | null;
  role: Role | null;
  q: string | null;
  status: 'active' | 'inactive' | null;
}

export function listUsers(tx: Tx, partnershipId: string, f: UserFilters, page: number) {
  let q = tx
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .select([
      'u.id',
      'u.display_name',
      'u.email',
      'u.job_title',
      'u.roles',
      'u.active',
      'u.locked_until',
      'u.last_sign_in_at',
      'u.totp_enabled_at',
      'o.name as organisation_name',
    ])
    .where('o.partnership_id', '=', partnershipId);
  if (f.organisationId) q = q.where('u.organisation_id', '=', f.organisationId);
  if (f.role) q = q.where(sql<boolean>`${f.role} = ANY(u.roles)`);
  if (f.status) q = q.where('u.active', '=', f.status === 'active');
  if (f.q) {
    const like = `%${f.q.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['u.display_name']), 'like', like),
        eb(eb.fn('lower', ['u.email']), 'like', like),
      ]),
    );
  }
  return q
    .orderBy('u.display_name')
    .orderBy('u.id')
    .limit(PAGE_SIZE + 1)
    .offset((page - 1) * PAGE_SIZE)
    .execute();
}

/** Users for picking from a list (audit filter, team membership), active first. */
export function userOptions(tx: Tx, partnershipId: string, organisationId: string | null = null) {
  let q = tx
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .select([
      'u.id',
      'u.display_name',
      'u.email',
      'u.active',
      'u.organisation_id',
      'o.name as organisation_name',
    ])
    .where('o.partnership_id', '=', partnershipId);
  if (organisationId) q = q.where('u.organisation_id', '=', organisationId);
  return q.orderBy('u.display_name').orderBy('u.id').execute();
}

export function findUser(tx: Tx, partnershipId: string, id: string) {
  return tx
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .leftJoin('users as lm', 'lm.id', 'u.line_manager_id')
    .select([
      'u.id',
      'u.email',
      'u.display_name',
      'u.job_title',
      'u.roles',
      'u.organisation_id',
      'u.active',
      'u.locked_until',
      'u.failed_attempts',
      'u.totp_secret',
      'u.totp_enabled_at',
      'u.password_hash',
      'u.last_sign_in_at',
      'u.created_at',
      'u.updated_at',
      'u.version',
      'u.line_manager_id',
      'lm.display_name as line_manager_name',
      'o.name as organisation_name',
      'o.active as organisation_active',
    ])
    .where('o.partnership_id', '=', partnershipId)
    .where('u.id', '=', id)
    .executeTakeFirst();
}

export function userTeams(tx: Tx, userId: string) {
  return tx
    .selectFrom('team_members as m')
    .innerJoin('teams as t', 't.id', 'm.team_id')
    .select(['t.id', 't.name', 't.organisation_id'])
    .where('m.user_id', '=', userId)
    .orderBy('t.name')
    .execute();
}

/** Active managers of the partnership, who can be someone's line manager in their own organisation. */
export function lineManagerOptions(tx: Tx, partnershipId: string) {
  return tx
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .select(['u.id', 'u.display_name', 'u.organisation_id', 'o.name as organisation_name'])
    .where('o.partnership_id', '=', partnershipId)
    .where('u.active', '=', true)
    .where(sql<boolean>`'manager' = ANY (u.roles)`)
    .orderBy('o.name')
    .orderBy('u.display_name')
    .execute();
}

/** Email addresses are unique across the whole instance, ignoring case. */
export async function emailTaken(tx: Tx, email: string, exceptId: string | null) {
  let q = tx
    .selectFrom('users')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()));
  if (exceptId) q = q.where('id', '<>', exceptId);
  return !!(await q.executeTakeFirst());
}

export interface UserRow {
  email: string;
  display_name: string;
  job_title: string | null;
  organisation_id: string;
  roles: Role[];
  line_manager_id: string | null;
}

export function insertUser(tx: Tx, user: UserRow) {
  return tx
    .insertInto('users')
    .values({ ...user, updated_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function updateUser(tx: Tx, id: string, version: number, user: UserRow) {
  const r = await tx
    .updateTable('users')
    .set((eb) => ({ ...user, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function setUserTeams(tx: Tx, userId: string, teamIds: string[]) {
  await tx.deleteFrom('team_members').where('user_id', '=', userId).execute();
  if (teamIds.length)
    await tx
      .insertInto('team_members')
      .values(teamIds.map((team_id) => ({ team_id, user_id: userId })))
      .execute();
}

export function setUserActive(tx: Tx, id: string, active: boolean) {
  return tx
    .updateTable('users')
    .set((eb) => ({ active, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

export function unlockUser(tx: Tx, id: string) {
  return tx
    .updateTable('users')
    .set({ locked_until: null, failed_attempts: 0, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export function resetTwoFactor(tx: Tx, id: string) {
  return tx
    .updateTable('users')
    .set({ totp_secret: null, totp_enabled_at: null, totp_last_step: null, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function endSessions(tx: Tx, userId: string) {
  const r = await tx.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Unused links to set or reset a password stop working, so reactivating an account revives none. */
export function expireResetTokens(tx: Tx, userId: string) {
  return tx
    .updateTable('password_reset_tokens')
    .set({ used_at: new Date() })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute();
}

// --- audit log ----------------------------------------------------------------------------------

export interface AuditFilters {
  userId: string | null;
  organisationId: string | null;
  action: string | null;
  recordType: string | null;
  recordId: string | null;
  from: string | null; // ISO date, inclusive, UK local time
  to: string | null; // ISO date, inclusive, UK local time
}

export function listAudit(tx: Tx, partnershipId: string, f: AuditFilters, page: number) {
  let q = tx
    .selectFrom('audit_log as l')
    .leftJoin('users as u', 'u.id', 'l.actor_user_id')
    .leftJoin('organisations as o', 'o.id', 'l.actor_organisation_id')
    .select([
      'l.seq',
      'l.occurred_at',
      'l.action',
      'l.record_type',
      'l.record_id',
      'l.ip',
      'l.details',
      'l.actor_user_id',
      'u.display_name as user_name',
      'u.email as user_email',
      'o.name as organisation_name',
    ])
    .where('l.partnership_id', '=', partnershipId);
  if (f.userId) q = q.where('l.actor_user_id', '=', f.userId);
  if (f.organisationId) q = q.where('l.actor_organisation_id', '=', f.organisationId);
  if (f.action) q = q.where('l.action', '=', f.action);
  if (f.recordType) q = q.where('l.record_type', '=', f.recordType);
  if (f.recordId) q = q.where('l.record_id', '=', f.recordId);
  // Dates are days in the UK: from the start of "from" to the end of "to", whatever the server's zone.
  if (f.from)
    q = q.where('l.occurred_at', '>=', sql<Date>`(${f.from}::date)::timestamp AT TIME ZONE 'Europe/London'`);
  if (f.to)
    q = q.where('l.occurred_at', '<', sql<Date>`(${f.to}::date + 1)::timestamp AT TIME ZONE 'Europe/London'`);
  return q
    .orderBy('l.seq', 'desc')
    .limit(PAGE_SIZE + 1)
    .offset((page - 1) * PAGE_SIZE)
    .execute();
}

// --- outbox -------------------------------------------------------------------------------------

export function listOutbox(tx: Tx, partnershipId: string, page: number) {
  return tx
    .selectFrom('outbox_messages')
    .select(['id', 'to_address', 'subject', 'transport', 'status', 'error', 'created_at'])
    .where('partnership_id', '=', partnershipId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(PAGE_SIZE + 1)
    .offset((page - 1) * PAGE_SIZE)
    .execute();
}

export function findOutboxMessage(tx: Tx, partnershipId: string, id: string) {
  return tx
    .selectFrom('outbox_messages')
    .select(['id', 'to_address', 'subject', 'body', 'transport', 'status', 'error', 'created_at'])
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .executeTakeFirst();
}
