// Partnership administration: the rules for changing areas, organisations, teams, users and the
// partnership's settings, and the audit trail of every administrator's view and change. Everything
// works inside the administrator's own partnership and runs through withUser, so each change and its
// audit row commit together.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import type { Mailer } from '../../platform/mail/mailer.ts';
import { sendPasswordSetLink } from '../accounts/service.ts';
import type {
  AreaFields,
  OrganisationFields,
  PartnershipFields,
  PopulationFields,
  UserFields,
} from './fields.ts';
import * as repo from './repository.ts';

export { PAGE_SIZE } from './repository.ts';

export interface FieldProblem {
  field: string;
  message: string;
}

export type SaveResult<C = never> =
  | { kind: 'ok'; id: string }
  | { kind: 'invalid'; problems: FieldProblem[] }
  | { kind: 'not_found' }
  | { kind: 'conflict'; current: C };

const invalid = (field: string, message: string) => ({
  kind: 'invalid' as const,
  problems: [{ field, message }],
});
const ok = (id: string) => ({ kind: 'ok' as const, id });
const NOT_FOUND = { kind: 'not_found' as const };

function isUniqueViolation(err: unknown) {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

/**
 * Runs a change; if a uniqueness rule in the database catches what the checks before it could not
 * (two administrators saving the same name at once), answers with the field's message, not a 500.
 */
async function guardUnique<T>(
  work: () => Promise<T>,
  field: string,
  message: string,
): Promise<T | ReturnType<typeof invalid>> {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err)) return invalid(field, message);
    throw err;
  }
}

function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>) {
  const norm = (v: unknown) =>
    Array.isArray(v) ? JSON.stringify([...v].sort()) : v instanceof Date ? v.toISOString() : (v ?? null);
  return Object.keys(after).filter((k) => norm(before[k]) !== norm(after[k]));
}

const view = (
  tx: Tx,
  actor: Actor,
  recordType: string,
  recordId: string | null,
  details?: Record<string, unknown>,
) => auditBy(tx, actor, 'admin_view', recordType, recordId, details);

// --- overview and settings ----------------------------------------------------------------------

export function overview(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, async (tx) => {
    const counts = await repo.partnershipCounts(tx, actor.partnershipId);
    await view(tx, actor, 'partnership', actor.partnershipId, { page: 'overview' });
    return counts;
  });
}

export function partnershipSettings(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, async (tx) => {
    const partnership = await repo.findPartnership(tx, actor.partnershipId);
    await view(tx, actor, 'partnership', actor.partnershipId, { page: 'settings' });
    return partnership!;
  });
}

export type Partnership = NonNullable<Awaited<ReturnType<typeof repo.findPartnership>>>;

export function updatePartnership(
  db: Kysely<DB>,
  actor: Actor,
  version: number,
  fields: PartnershipFields,
): Promise<SaveResult<Partnership>> {
  return withUser(db, actor.userId, async (tx) => {
    const before = await repo.findPartnership(tx, actor.partnershipId);
    if (!before) return NOT_FOUND;
    if (!(await repo.updatePartnership(tx, actor.partnershipId, version, fields)))
      return { kind: 'conflict', current: before };
    await auditBy(tx, actor, 'admin_update', 'partnership', actor.partnershipId, {
      fields: changedKeys(before, fields),
      version: version + 1,
    });
    return ok(actor.partnershipId);
  });
}

// --- areas --------------------------------------------------------------------------------------

export function listAreas(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, async (tx) => {
    const areas = await repo.listAreas(tx, actor.partnershipId);
    const populations = await repo.partnershipPopulations(tx, actor.partnershipId);
    const byArea = new Map<string, { year: number; population: number }[]>();
    for (const p of populations)
      byArea.set(p.area_id, [...(byArea.get(p.area_id) ?? []), { year: p.year, population: p.population }]);
    await view(tx, actor, 'area', null, { shown: areas.length });
    return areas.map((a) => ({ ...a, populations: byArea.get(a.id) ?? [] }));
  });
}

/** Areas an area may be part of: any in the partnership except itself and the areas inside it. */
async function parentOptions(tx: Tx, partnershipId: string, exceptId: string | null) {
  const tree = await repo.areaTree(tx, partnershipId);
  if (!exceptId) return tree;
  return tree.filter((a) => !isWithin(tree, a.id, exceptId));
}

/** Whether `id` is `ancestorId` or lies (at any depth) inside it. */
function isWithin(tree: { id: string; parent_id: string | null }[], id: string, ancestorId: string) {
  const parents = new Map(tree.map((a) => [a.id, a.parent_id]));
  let at: string | null | undefined = id;
  for (let depth = 0; at && depth <= tree.length; depth++) {
    if (at === ancestorId) return true;
    at = parents.get(at);
  }
  return false;
}

export function areaFormOptions(db: Kysely<DB>, actor: Actor, areaId: string | null, audit: boolean) {
  return withUser(db, actor.userId, async (tx) => {
    const parents = await parentOptions(tx, actor.partnershipId, areaId);
    if (audit && !areaId) await view(tx, actor, 'area', null, { page: 'new' });
    return { parents };
  });
}

async function checkArea(tx: Tx, actor: Actor, id: string | null, fields: AreaFields) {
  if (fields.ons_code && (await repo.onsCodeTaken(tx, actor.partnershipId, fields.ons_code, id))) {
    return invalid(
      'ons_code',
      `Another area in this partnership already has the ONS code ${fields.ons_code}`,
    );
  }
  if (fields.parent_id) {
    const options = await parentOptions(tx, actor.partnershipId, id);
    if (!options.some((a) => a.id === fields.parent_id)) {
      return invalid(
        'parent_id',
        id
          ? 'Select an area this one is part of; it cannot be part of itself or of an area inside it'
          : 'Select the area this one is part of from the list',
      );
    }
  }
  return null;
}

const AREA_TAKEN = 'Another area in this partnership already has this ONS code';

export async function createArea(db: Kysely<DB>, actor: Actor, fields: AreaFields): Promise<SaveResult> {
  return guardUnique(
    () =>
      withUser(db, actor.userId, async (tx) => {
        const problem = await checkArea(tx, actor, null, fields);
        if (problem) return problem;
        const { id } = await repo.insertArea(tx, actor.partnershipId, fields);
        await auditBy(tx, actor, 'admin_create', 'area', id, {
          kind: fields.kind,
          ons_code: fields.ons_code,
          parent_id: fields.parent_id,
        });
        return ok(id);
      }),
    'ons_code',
    AREA_TAKEN,
  );
}

export function viewArea(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const area = await repo.findArea(tx, actor.partnershipId, id);
    if (!area) return null;
    const populations = await repo.areaPopulations(tx, id);
    const children = (await repo.areaTree(tx, actor.partnershipId)).filter((a) => a.parent_id === id);
    const organisations = await tx
      .selectFrom('organisation_areas as oa')
      .innerJoin('organisations as o', 'o.id', 'oa.organisation_id')
      .select(['o.id', 'o.name', 'o.active'])
      .where('oa.area_id', '=', id)
      .orderBy('o.name')
      .execute();
    await view(tx, actor, 'area', id);
    return { area, populations, children, organisations };
  });
}

export type Area = NonNullable<Awaited<ReturnType<typeof repo.findArea>>>;

export function areaForEdit(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const area = await repo.findArea(tx, actor.partnershipId, id);
    if (!area) return null;
    const parents = await parentOptions(tx, actor.partnershipId, id);
    await view(tx, actor, 'area', id, { page: 'edit' });
    return { area, parents };
  });
}

export async function updateArea(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  version: number,
  fields: AreaFields,
): Promise<SaveResult<Area>> {
  return guardUnique(
    () =>
      withUser(db, actor.userId, async (tx): Promise<SaveResult<Area>> => {
        const before = await repo.findArea(tx, actor.partnershipId, id);
        if (!before) return NOT_FOUND;
        if (before.version !== version) return { kind: 'conflict', current: before };
        const problem = await checkArea(tx, actor, id, fields);
        if (problem) return problem;
        if (!(await repo.updateArea(tx, actor.partnershipId, id, version, fields)))
          return { kind: 'conflict', current: before };
        await auditBy(tx, actor, 'admin_update', 'area', id, {
          fields: changedKeys(before, fields),
          version: version + 1,
        });
        return ok(id);
      }),
    'ons_code',
    AREA_TAKEN,
  );
}

export function savePopulation(
  db: Kysely<DB>,
  actor: Actor,
  areaId: string,
  fields: PopulationFields,
): Promise<SaveResult> {
  return withUser(db, actor.userId, async (tx) => {
    const area = await repo.findArea(tx, actor.partnershipId, areaId);
    if (!area) return NOT_FOUND;
    const existed = (await repo.areaPopulations(tx, areaId)).some((p) => p.year === fields.year);
    await repo.upsertPopulation(tx, areaId, fields);
    await auditBy(tx, actor, 'admin_update', 'area', areaId, {
      population_year: fields.year,
      change: existed ? 'population_changed' : 'population_added',
    });
    return ok(areaId);
  });
}

export function removePopulation(
  db: Kysely<DB>,
  actor: Actor,
  areaId: string,
  year: number,
): Promise<SaveResult> {
  return withUser(db, actor.userId, async (tx) => {
    const area = await repo.findArea(tx, actor.partnershipId, areaId);
    if (!area || !(await repo.deletePopulation(tx, areaId, year))) return NOT_FOUND;
    await auditBy(tx, actor, 'admin_update', 'area', areaId, {
      population_year: year,
      change: 'population_removed',
    });
    return ok(areaId);
  });
}

// --- organisations ------------------------------------------------------------------------------

export function listOrganisations(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, async (tx) => {
    const rows = await repo.listOrganisations(tx, actor.partnershipId);
    await view(tx, actor, 'organisation', null, { shown: rows.length });
    return rows.map((o) => ({
      ...o,
      areas: Number(o.areas),
      teams: Number(o.teams),
      users: Number(o.users),
    }));
  });
}

export function organisationFormOptions(db: Kysely<DB>, actor: Actor, audit: boolean) {
  return withUser(db, actor.userId, async (tx) => {
    const areas = await repo.areaTree(tx, actor.partnershipId);
    if (audit) await view(tx, actor, 'organisation', null, { page: 'new' });
    return { areas };
  });
}

async function checkOrganisation(tx: Tx, actor: Actor, id: string | null, fields: OrganisationFields) {
  if (await repo.organisationNameTaken(tx, actor.partnershipId, fields.name, id)) {
    return invalid('name', 'Another organisation in this partnership already has this name');
  }
  const areaIds = new Set((await repo.areaTree(tx, actor.partnershipId)).map((a) => a.id));
  if (!fields.areas.every((a) => areaIds.has(a))) return invalid('areas', 'Select areas from the list');
  if (id === actor.organisationId && !fields.active) {
    return invalid(
      'active',
      'You cannot make your own organisation inactive: you would be signed out. Ask another administrator to do it.',
    );
  }
  return null;
}

const ORG_TAKEN = 'Another organisation in this partnership already has this name';

export async function createOrganisation(
  db: Kysely<DB>,
  actor: Actor,
  fields: OrganisationFields,
): Promise<SaveResult> {
  return guardUnique(
    () =>
      withUser(db, actor.userId, async (tx) => {
        const problem = await checkOrganisation(tx, actor, null, fields);
        if (problem) return problem;
        const { areas, ...row } = fields;
        const { id } = await repo.insertOrganisation(tx, actor.partnershipId, row);
        await repo.setOrganisationAreas(tx, id, areas);
        await auditBy(tx, actor, 'admin_create', 'organisation', id, {
          kind: fields.kind,
          active: fields.active,
          areas,
        });
        return ok(id);
      }),
    'name',
    ORG_TAKEN,
  );
}

export function viewOrganisation(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const organisation = await repo.findOrganisation(tx, actor.partnershipId, id);
    if (!organisation) return null;
    const areas = await repo.organisationAreas(tx, id);
    const teams = (await repo.listTeams(tx, actor.partnershipId, id)).map((t) => ({
      ...t,
      members: Number(t.members),
    }));
    const users = await repo.userOptions(tx, actor.partnershipId, id);
    await view(tx, actor, 'organisation', id);
    return { organisation, areas, teams, userCount: users.filter((u) => u.active).length };
  });
}

export type Organisation = NonNullable<Awaited<ReturnType<typeof repo.findOrganisation>>> & {
  areas: { id: string; name: string }[];
};

export function organisationForEdit(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const organisation = await repo.findOrganisation(tx, actor.partnershipId, id);
    if (!organisation) return null;
    const served = await repo.organisationAreas(tx, id);
    const areas = await repo.areaTree(tx, actor.partnershipId);
    await view(tx, actor, 'organisation', id, { page: 'edit' });
    return { organisation, served: served.map((a) => a.id), areas };
  });
}

export async function updateOrganisation(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  version: number,
  fields: OrganisationFields,
): Promise<SaveResult<Organisation>> {
  return guardUnique(
    () =>
      withUser(db, actor.userId, async (tx): Promise<SaveResult<Organisation>> => {
        const found = await repo.findOrganisation(tx, actor.partnershipId, id);
        if (!found) return NOT_FOUND;
        const served = await repo.organisationAreas(tx, id);
        const before = { ...found, areas: served };
        if (found.version !== version) return { kind: 'conflict', current: before };
        const problem = await checkOrganisation(tx, actor, id, fields);
        if (problem) return problem;
        const { areas, ...row } = fields;
        if (!(await repo.updateOrganisation(tx, actor.partnershipId, id, version, row)))
          return { kind: 'conflict', current: before };
        await repo.setOrganisationAreas(tx, id, areas);
        const changed = changedKeys({ ...found, areas: served.map((a) => a.id) }, fields);
        await auditBy(tx, actor, 'admin_update', 'organisation', id, {
          fields: changed,
          version: version + 1,
          ...(changed.includes('areas') ? { areas } : {}),
        });
        return ok(id);
      }),
    'name',
    ORG_TAKEN,
  );
}

// --- teams --------------------------------------------------------------------------------------

export function listTeams(db: Kysely<DB>, actor: Actor, organisationId: string | null) {
  return withUser(db, actor.userId, async (tx) => {
    const organisations = await repo.organisationOptions(tx, actor.partnershipId);
    const org = organisationId && organisations.some((o) => o.id === organisationId) ? organisationId : null;
    const teams = (await repo.listTeams(tx, actor.partnershipId, org)).map((t) => ({
      ...t,
      members: Number(t.members),
    }));
    await view(tx, actor, 'team', null, { organisation_id: org, shown: teams.length });
    return { teams, organisations, organisationId: org };
  });
}

export function teamFormOptions(db: Kysely<DB>, actor: Actor, audit: boolean) {
  return withUser(db, actor.userId, async (tx) => {
    const organisations = await repo.organisationOptions(tx, actor.partnershipId);
    if (audit) await view(tx, actor, 'team', null, { page: 'new' });
    return { organisations };
  });
}

const TEAM_TAKEN = 'This organisation already has a team with this name';

export async function createTeam(
  db: Kysely<DB>,
  actor: Actor,
  organisationId: string,
  name: string,
): Promise<SaveResult> {
  return guardUnique(
    () =>
      withUser(db, actor.userId, async (tx) => {
        const org = await repo.findOrganisation(tx, actor.partnershipId, organisationId);
        if (!org) return invalid('organisation_id', 'Select the organisation the team belongs to');
        if (await repo.teamNameTaken(tx, organisationId, name, null)) return invalid('name', TEAM_TAKEN);
        const { id } = await repo.insertTeam(tx, organisationId, name);
        await auditBy(tx, actor, 'admin_create', 'team', id, { organisation_id: organisationId });
        return ok(id);
      }),
    'name',
    TEAM_TAKEN,
  );
}

async function teamPage(tx: Tx, actor: Actor, id: string) {
  const team = await repo.findTeam(tx, actor.partnershipId, id);
  if (!team) return null;
  const members = await repo.teamMembers(tx, id);
  const memberIds = new Set(members.map((m) => m.id));
  const candidates = (await repo.userOptions(tx, actor.partnershipId, team.organisation_id)).filter(
    (u) => u.active && !memberIds.has(u.id),
  );
  return { team, members, candidates };
}

export function viewTeam(db: Kysely<DB>, actor: Actor, id: string, audit = true) {
  return withUser(db, actor.userId, async (tx) => {
    const page = await teamPage(tx, actor, id);
    if (page && audit) await view(tx, actor, 'team', id);
    return page;
  });
}

export type Team = NonNullable<Awaited<ReturnType<typeof repo.findTeam>>>;

export function teamForEdit(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const team = await repo.findTeam(tx, actor.partnershipId, id);
    if (team) await view(tx, actor, 'team', id, { page: 'edit' });
    return team ?? null;
  });
}

export async function renameTeam(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  version: number,
  name: string,
): Promise<SaveResult<Team>> {
  return guardUnique(
    () =>
      withUser(db, actor.userId, async (tx): Promise<SaveResult<Team>> => {
        const before = await repo.findTeam(tx, actor.partnershipId, id);
        if (!before) return NOT_FOUND;
        if (before.version !== version) return { kind: 'conflict', current: before };
        if (await repo.teamNameTaken(tx, before.organisation_id, name, id))
          return invalid('name', TEAM_TAKEN);
        if (!(await repo.renameTeam(tx, id, version, name))) return { kind: 'conflict', current: before };
        await auditBy(tx, actor, 'admin_update', 'team', id, {
          fields: before.name === name ? [] : ['name'],
          version: version + 1,
        });
        return ok(id);
      }),
    'name',
    TEAM_TAKEN,
  );
}

export function addTeamMember(
  db: Kysely<DB>,
  actor: Actor,
  teamId: string,
  userId: string,
): Promise<SaveResult> {
  return withUser(db, actor.userId, async (tx) => {
    const team = await repo.findTeam(tx, actor.partnershipId, teamId);
    if (!team) return NOT_FOUND;
    const user = await repo.findUser(tx, actor.partnershipId, userId);
    if (!user || user.organisation_id !== team.organisation_id || !user.active) {
      return invalid('user_id', `Select someone from ${team.organisation_name} to add to the team`);
    }
    if (await repo.addTeamMember(tx, teamId, userId)) {
      await auditBy(tx, actor, 'admin_update', 'team', teamId, { change: 'member_added', user_id: userId });
    }
    return ok(teamId);
  });
}

export function removeTeamMember(
  db: Kysely<DB>,
  actor: Actor,
  teamId: string,
  userId: string,
): Promise<SaveResult> {
  return withUser(db, actor.userId, async (tx) => {
    const team = await repo.findTeam(tx, actor.partnershipId, teamId);
    if (!team || !(await repo.removeTeamMember(tx, teamId, userId))) return NOT_FOUND;
    await auditBy(tx, actor, 'admin_update', 'team', teamId, { change: 'member_removed', user_id: userId });
    return ok(teamId);
  });
}

// --- users --------------------------------------------------------------------------------------

export function listUsers(db: Kysely<DB>, actor: Actor, filters: repo.UserFilters, page: number) {
  return withUser(db, actor.userId, async (tx) => {
    const organisations = await repo.organisationOptions(tx, actor.partnershipId);
    const rows = await repo.listUsers(tx, actor.partnershipId, filters, page);
    await view(tx, actor, 'user', null, {
      page,
      organisation_id: filters.organisationId,
      role: filters.role,
      status: filters.status,
      searched: !!filters.q,
      shown: Math.min(rows.length, repo.PAGE_SIZE),
    });
    return { users: rows.slice(0, repo.PAGE_SIZE), hasMore: rows.length > repo.PAGE_SIZE, organisations };
  });
}

async function userOptions(tx: Tx, actor: Actor) {
  const organisations = await repo.organisationOptions(tx, actor.partnershipId);
  const teams = await repo.listTeams(tx, actor.partnershipId, null);
  const lineManagers = await repo.lineManagerOptions(tx, actor.partnershipId);
  return {
    organisations,
    lineManagers,
    teams: teams.map((t) => ({
      id: t.id,
      name: t.name,
      organisation_id: t.organisation_id,
      organisation_name: t.organisation_name,
    })),
  };
}

export function userFormOptions(db: Kysely<DB>, actor: Actor, audit: boolean) {
  return withUser(db, actor.userId, async (tx) => {
    const options = await userOptions(tx, actor);
    if (audit) await view(tx, actor, 'user', null, { page: 'new' });
    return options;
  });
}

async function checkUser(
  tx: Tx,
  actor: Actor,
  id: string | null,
  fields: UserFields,
  currentOrganisationId: string | null,
) {
  const problems: FieldProblem[] = [];
  if (await repo.emailTaken(tx, fields.email, id))
    problems.push({
      field: 'email',
      message: 'Someone already has an Endeavour account with this email address',
    });
  const org = await repo.findOrganisation(tx, actor.partnershipId, fields.organisation_id);
  if (!org || (!org.active && org.id !== currentOrganisationId)) {
    problems.push({ field: 'organisation_id', message: 'Select the organisation they work for' });
  } else if (fields.teams.length) {
    const teams = await repo.listTeams(tx, actor.partnershipId, org.id);
    const own = new Set(teams.map((t) => t.id));
    if (!fields.teams.every((t) => own.has(t)))
      problems.push({
        field: 'teams',
        message: `Select only teams in ${org.name}, the organisation they work for`,
      });
  }
  if (fields.line_manager_id) {
    const managers = await repo.lineManagerOptions(tx, actor.partnershipId);
    const m = managers.find((x) => x.id === fields.line_manager_id);
    if (!m || m.id === id || m.organisation_id !== fields.organisation_id)
      problems.push({
        field: 'line_manager_id',
        message:
          m && m.id === id
            ? 'Someone cannot be their own line manager'
            : 'Select a line manager who is a manager in the organisation they work for',
      });
  }
  if (id === actor.userId && !fields.roles.includes('partnership_admin')) {
    problems.push({
      field: 'roles',
      message:
        'You cannot remove the partnership administrator role from your own account. Ask another administrator to do it.',
    });
  }
  return problems.length ? { kind: 'invalid' as const, problems } : null;
}

const EMAIL_TAKEN = 'Someone already has an Endeavour account with this email address';

export async function createUser(
  db: Kysely<DB>,
  actor: Actor,
  mailer: Mailer,
  baseUrl: string,
  fields: UserFields,
): Promise<SaveResult> {
  return guardUnique(
    () =>
      withUser(db, actor.userId, async (tx) => {
        const problem = await checkUser(tx, actor, null, fields, null);
        if (problem) return problem;
        const { teams, ...row } = fields;
        const { id } = await repo.insertUser(tx, row);
        await repo.setUserTeams(tx, id, teams);
        await auditBy(tx, actor, 'admin_create', 'user', id, {
          organisation_id: fields.organisation_id,
          roles: fields.roles,
          teams,
          line_manager_id: fields.line_manager_id,
        });
        await sendPasswordSetLink(tx, mailer, baseUrl, id);
        return ok(id);
      }),
    'email',
    EMAIL_TAKEN,
  );
}

export function viewUser(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const user = await repo.findUser(tx, actor.partnershipId, id);
    if (!user) return null;
    const teams = await repo.userTeams(tx, id);
    await view(tx, actor, 'user', id);
    const { totp_secret, password_hash, ...safe } = user;
    return {
      user: {
        ...safe,
        two_factor: user.totp_enabled_at
          ? ('enabled' as const)
          : totp_secret
            ? ('pending' as const)
            : ('none' as const),
        has_password: !!password_hash,
      },
      teams,
      locked: !!user.locked_until && new Date(user.locked_until).getTime() > Date.now(),
      self: id === actor.userId,
    };
  });
}

export type User = Omit<
  NonNullable<Awaited<ReturnType<typeof repo.findUser>>>,
  'totp_secret' | 'password_hash'
> & { teams: { id: string; name: string }[] };

export function userForEdit(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const found = await repo.findUser(tx, actor.partnershipId, id);
    if (!found) return null;
    const { totp_secret: _s, password_hash: _p, ...user } = found;
    const teams = await repo.userTeams(tx, id);
    const options = await userOptions(tx, actor);
    await view(tx, actor, 'user', id, { page: 'edit' });
    return { user: { ...user, teams }, ...options };
  });
}

export async function updateUser(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  version: number,
  fields: UserFields,
): Promise<SaveResult<User>> {
  return guardUnique(
    () =>
      withUser(db, actor.userId, async (tx): Promise<SaveResult<User>> => {
        const found = await repo.findUser(tx, actor.partnershipId, id);
        if (!found) return NOT_FOUND;
        const { totp_secret: _s, password_hash: _p, ...user } = found;
        const teams = await repo.userTeams(tx, id);
        const before = { ...user, teams };
        if (found.version !== version) return { kind: 'conflict', current: before };
        const problem = await checkUser(tx, actor, id, fields, found.organisation_id);
        if (problem) return problem;
        const { teams: teamIds, ...row } = fields;
        if (!(await repo.updateUser(tx, id, version, row))) return { kind: 'conflict', current: before };
        await repo.setUserTeams(tx, id, teamIds);
        const changed = changedKeys({ ...found, teams: teams.map((t) => t.id) }, fields);
        await auditBy(tx, actor, 'admin_update', 'user', id, {
          fields: changed,
          version: version + 1,
          ...(changed.includes('roles') ? { roles: fields.roles } : {}),
          ...(changed.includes('organisation_id') ? { organisation_id: fields.organisation_id } : {}),
          ...(changed.includes('teams') ? { teams: teamIds } : {}),
          ...(changed.includes('line_manager_id') ? { line_manager_id: fields.line_manager_id } : {}),
        });
        return ok(id);
      }),
    'email',
    EMAIL_TAKEN,
  );
}

export type AccountAction =
  'deactivate' | 'reactivate' | 'unlock' | 'reset_two_factor' | 'send_password_link';

export type AccountActionResult =
  { kind: 'ok'; message: string } | { kind: 'not_found' } | { kind: 'refused'; message: string };

/** The account actions on a user's page: each a single change, audited, some ending their sessions. */
export function accountAction(
  db: Kysely<DB>,
  actor: Actor,
  mailer: Mailer,
  baseUrl: string,
  id: string,
  action: AccountAction,
): Promise<AccountActionResult> {
  return withUser(db, actor.userId, async (tx): Promise<AccountActionResult> => {
    const user = await repo.findUser(tx, actor.partnershipId, id);
    if (!user) return NOT_FOUND;
    const name = user.display_name;
    if (id === actor.userId && (action === 'deactivate' || action === 'reset_two_factor')) {
      return {
        kind: 'refused',
        message:
          action === 'deactivate'
            ? 'You cannot deactivate your own account. Ask another administrator to do it.'
            : 'You cannot reset your own two-factor authentication here. Ask another administrator to do it.',
      };
    }
    switch (action) {
      case 'deactivate': {
        if (!user.active) return { kind: 'ok', message: `${name}'s account is already deactivated` };
        await repo.setUserActive(tx, id, false);
        const ended = await repo.endSessions(tx, id);
        await repo.expireResetTokens(tx, id);
        await auditBy(tx, actor, 'admin_update', 'user', id, {
          change: 'deactivated',
          sessions_ended: ended,
        });
        return {
          kind: 'ok',
          message: `${name}'s account has been deactivated and they have been signed out`,
        };
      }
      case 'reactivate': {
        if (user.active) return { kind: 'ok', message: `${name}'s account is already active` };
        await repo.setUserActive(tx, id, true);
        await auditBy(tx, actor, 'admin_update', 'user', id, { change: 'reactivated' });
        return { kind: 'ok', message: `${name}'s account has been reactivated` };
      }
      case 'unlock': {
        await repo.unlockUser(tx, id);
        await auditBy(tx, actor, 'admin_update', 'user', id, {
          change: 'unlocked',
          failed_attempts: user.failed_attempts,
          was_locked: !!user.locked_until,
        });
        return { kind: 'ok', message: `${name}'s account has been unlocked` };
      }
      case 'reset_two_factor': {
        await repo.resetTwoFactor(tx, id);
        const ended = await repo.endSessions(tx, id);
        await auditBy(tx, actor, 'two_factor_reset', 'user', id, { by_admin: true, sessions_ended: ended });
        return {
          kind: 'ok',
          message: `${name}'s two-factor authentication has been reset. They will set it up again when they next sign in.`,
        };
      }
      case 'send_password_link': {
        if (!user.active)
          return {
            kind: 'refused',
            message: 'Reactivate the account before sending a link to set a password.',
          };
        await sendPasswordSetLink(tx, mailer, baseUrl, id);
        await auditBy(tx, actor, 'admin_update', 'user', id, { change: 'password_link_sent' });
        return { kind: 'ok', message: `A link to set a password has been emailed to ${name}` };
      }
    }
  });
}

// --- audit log and outbox -----------------------------------------------------------------------

export function auditFilterOptions(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, async (tx) => ({
    users: await repo.userOptions(tx, actor.partnershipId),
    organisations: await repo.organisationOptions(tx, actor.partnershipId),
  }));
}

export function auditLog(db: Kysely<DB>, actor: Actor, filters: repo.AuditFilters, page: number) {
  return withUser(db, actor.userId, async (tx) => {
    const rows = await repo.listAudit(tx, actor.partnershipId, filters, page);
    const users = await repo.userOptions(tx, actor.partnershipId);
    const organisations = await repo.organisationOptions(tx, actor.partnershipId);
    // Viewing the audit log is itself recorded, after reading, so it does not list itself.
    const used = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== null));
    await view(tx, actor, 'audit_log', null, {
      page,
      filters: used,
      shown: Math.min(rows.length, repo.PAGE_SIZE),
    });
    return {
      rows: rows.slice(0, repo.PAGE_SIZE),
      hasMore: rows.length > repo.PAGE_SIZE,
      users,
      organisations,
    };
  });
}

export function listOutbox(db: Kysely<DB>, actor: Actor, page: number) {
  return withUser(db, actor.userId, async (tx) => {
    const rows = await repo.listOutbox(tx, actor.partnershipId, page);
    await view(tx, actor, 'outbox_message', null, { page, shown: Math.min(rows.length, repo.PAGE_SIZE) });
    return { messages: rows.slice(0, repo.PAGE_SIZE), hasMore: rows.length > repo.PAGE_SIZE };
  });
}

export function viewOutboxMessage(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const message = await repo.findOutboxMessage(tx, actor.partnershipId, id);
    if (message) await view(tx, actor, 'outbox_message', id);
    return message ?? null;
  });
}
