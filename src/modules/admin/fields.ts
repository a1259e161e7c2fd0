// The administration forms' fields, their validation and the words shown for stored codes. Every
// parser accepts any body (strings, arrays, nothing) and returns either clean values or GOV.UK errors
// in the order the fields appear on the page, plus what was typed so it can be shown again.
import { z } from 'zod';
import type { AreaKind, OrganisationKind, Role } from '../../platform/db/schema.ts';
import type { AuditAction } from '../../platform/audit/audit.ts';
import {
  optionalUuid,
  checkbox,
  choice,
  choices,
  email,
  isUuid,
  optionalText,
  requiredText,
  uuid,
} from '../../platform/http/fields.ts';
import {
  emptyErrors,
  formValue,
  formValues,
  zodToFormErrors,
  type FormErrors,
} from '../../platform/http/forms.ts';
import { ROLE_NAMES, ROLES } from '../accounts/roles.ts';

export { ROLE_NAMES, ROLES };

export const ROLE_HINTS: Record<Role, string> = {
  partnership_admin: 'Manages organisations, users, areas and settings; reads the audit log and outbox',
  coordinator: 'Reviews everything new each day and tasks it out',
  case_officer: 'Records incidents and people, manages cases',
  manager: 'Supervises caseloads, tasks and case reviews',
  analyst: 'Dashboards, reports and maps',
  partner_user: 'Sees records shared with their organisation; sends and receives referrals',
  read_only: 'Can view what their organisation holds but change nothing',
};

export const AREA_KINDS = [
  'county',
  'district',
  'unitary',
  'ward',
  'other',
] as const satisfies readonly AreaKind[];
export const AREA_KIND_NAMES: Record<AreaKind, string> = {
  county: 'County',
  district: 'District or borough',
  unitary: 'Unitary authority',
  ward: 'Ward',
  other: 'Other area',
};

export const ORGANISATION_KINDS = [
  'local_authority',
  'police',
  'fire_rescue',
  'housing_provider',
  'health',
  'probation',
  'opcc',
  'victim_service',
  'education',
  'other',
] as const satisfies readonly OrganisationKind[];
export const ORGANISATION_KIND_NAMES: Record<OrganisationKind, string> = {
  local_authority: 'Local authority',
  police: 'Police',
  fire_rescue: 'Fire and rescue',
  housing_provider: 'Housing provider',
  health: 'Health',
  probation: 'Probation',
  opcc: "Police and Crime Commissioner's office",
  victim_service: 'Victim or voluntary service',
  education: 'Education',
  other: 'Other',
};

export const AUDIT_ACTION_NAMES: Record<AuditAction, string> = {
  sign_in: 'Signed in',
  sign_in_failed: 'Sign-in failed',
  sign_in_locked: 'Sign-in refused: account locked',
  sign_out: 'Signed out',
  two_factor_enabled: 'Set up two-factor authentication',
  two_factor_failed: 'Wrong two-factor code',
  two_factor_reset: 'Two-factor authentication reset',
  password_reset_requested: 'Asked to reset password',
  password_reset: 'Reset password',
  view: 'Viewed a record',
  list: 'Viewed a list',
  create: 'Created a record',
  update: 'Changed a record',
  share: 'Shared a record',
  unshare: 'Stopped sharing a record',
  export: 'Exported',
  match_lookup: 'Looked for existing records while entering one',
  match_stub_shown: 'Was told another organisation holds a matching record',
  access_request: 'Asked for access to a record',
  access_request_withdrawn: 'Withdrew a request for access',
  access_granted: 'Granted a request for access',
  access_declined: 'Declined a request for access',
  admin_create: 'Administration: added',
  admin_update: 'Administration: changed',
  admin_view: 'Administration: viewed',
  merge: 'Merged two records of a person',
  unmerge: 'Undid a merge of two records',
  notify: 'Notified users (in Endeavour or by email)',
};
export const AUDIT_ACTIONS = Object.keys(AUDIT_ACTION_NAMES) as AuditAction[];

// ONS GSS codes: a country letter and eight digits; the first three characters name the kind of area.
const ONS_FORMAT = /^[ENSW]\d{8}$/;
const ONS_PREFIXES: Record<AreaKind, string[] | null> = {
  county: ['E10'],
  district: ['E07', 'E08', 'E09'],
  unitary: ['E06', 'E08', 'E09', 'W06', 'S12', 'N09'],
  ward: ['E05', 'W05', 'S13', 'N08'],
  other: null,
};
const ONS_EXAMPLES: Record<AreaKind, string> = {
  county: 'E10000018',
  district: 'E07000130',
  unitary: 'E06000016',
  ward: 'E05005401',
  other: 'E07000130',
};

/** Null when the code suits the kind of area; otherwise the message to show. */
export function onsCodeProblem(kind: AreaKind | null, code: string | null): string | null {
  const example = ONS_EXAMPLES[kind ?? 'district'];
  if (!code) return kind === 'other' ? null : `Enter an ONS code, like ${example}`;
  if (!ONS_FORMAT.test(code))
    return `Enter an ONS code as a letter (E, W, S or N) followed by 8 digits, like ${example}`;
  const prefixes = kind ? ONS_PREFIXES[kind] : null;
  if (prefixes && !prefixes.includes(code.slice(0, 3))) {
    const list =
      prefixes.length === 1 ? prefixes[0] : `${prefixes.slice(0, -1).join(', ')} or ${prefixes.at(-1)}`;
    return `The ONS code of a ${AREA_KIND_NAMES[kind!].toLowerCase()} starts with ${list}, like ${example}`;
  }
  return null;
}

// --- helpers ------------------------------------------------------------------------------------

/** A list of record ids from checkboxes: strings only, trimmed, de-duplicated, each a UUID. */
const idList = (message: string) =>
  z.preprocess(
    (v) => [
      ...new Set(
        (Array.isArray(v) ? v : v === undefined ? [] : [v])
          .filter((x): x is string => typeof x === 'string')
          .map((x) => x.trim())
          .filter(Boolean),
      ),
    ],
    z
      .array(z.string())
      .max(1000, message)
      .refine((a) => a.every(isUuid), { message }),
  ) as unknown as z.ZodType<string[]>;

/** A whole number typed by a person: commas and spaces between digits are allowed ("182,000"). */
const count = (message: string, min: number, max: number) =>
  z.preprocess(
    (v) => (Array.isArray(v) ? v[0] : v),
    z.preprocess(
      (v) => (typeof v === 'string' ? v.replace(/[,\s]/g, '') : ''),
      z
        .string()
        .min(1, message)
        .regex(/^\d{1,10}$/, message)
        .transform(Number)
        .refine((n) => n >= min && n <= max, { message }),
    ),
  ) as unknown as z.ZodType<number>;

/** What the person typed, for showing again beside the errors: single values cut to a sane length. */
export function echo(
  body: unknown,
  listFields: string[] = [],
): Record<string, string> & { lists: Record<string, string[]> } {
  const out: Record<string, string> = {};
  if (body && typeof body === 'object') {
    for (const k of Object.keys(body as Record<string, unknown>)) {
      if (k === '_csrf' || listFields.includes(k)) continue;
      out[k] = formValue(body, k).slice(0, 1000);
    }
  }
  const lists: Record<string, string[]> = {};
  for (const f of listFields)
    lists[f] = formValues(body, f)
      .slice(0, 1000)
      .map((s) => s.slice(0, 100));
  return Object.assign(out, { lists });
}

export interface Parsed<T> {
  fields: T | null;
  errors: FormErrors;
}

function parseWith<T>(schema: z.ZodType<T>, body: unknown, order: string[]): Parsed<T> {
  const parsed = schema.safeParse(body && typeof body === 'object' ? body : {});
  if (parsed.success) return { fields: parsed.data, errors: emptyErrors() };
  return { fields: null, errors: sortErrors(zodToFormErrors(parsed.error), order) };
}

export function sortErrors(errors: FormErrors, order: string[]): FormErrors {
  const rank = (href: string) => {
    const i = order.indexOf(href.slice(1));
    return i === -1 ? order.length : i;
  };
  errors.list.sort((a, b) => rank(a.href) - rank(b.href));
  return errors;
}

// --- forms --------------------------------------------------------------------------------------

const partnershipSchema = z.object({
  name: requiredText('Enter the name of the partnership', 200, 'The name must be 200 characters or fewer'),
  short_name: requiredText(
    'Enter a short name, like LLR CSP',
    50,
    'The short name must be 50 characters or fewer',
  ),
  require_two_factor_for_all: checkbox(),
});
export type PartnershipFields = z.infer<typeof partnershipSchema>;
export const PARTNERSHIP_ORDER = ['name', 'short_name', 'require_two_factor_for_all'];
export const parsePartnershipForm = (body: unknown) => parseWith(partnershipSchema, body, PARTNERSHIP_ORDER);

const areaSchema = z
  .object({
    kind: choice(AREA_KINDS, 'Select the kind of area'),
    name: requiredText('Enter the name of the area', 100, 'The name must be 100 characters or fewer'),
    ons_code: optionalText(20, 'Enter an ONS code, like E07000130').transform((v) =>
      v ? v.replace(/\s+/g, '').toUpperCase() : null,
    ),
    parent_id: optionalText(100).refine((v) => v === null || isUuid(v), {
      message: 'Select the area this one is part of from the list',
    }),
  })
  .superRefine((v, ctx) => {
    const problem = onsCodeProblem(v.kind, v.ons_code);
    if (problem) ctx.addIssue({ code: 'custom', path: ['ons_code'], message: problem });
  });
export type AreaFields = z.infer<typeof areaSchema>;
export const AREA_ORDER = ['kind', 'name', 'ons_code', 'parent_id'];
export function parseAreaForm(body: unknown): Parsed<AreaFields> {
  const result = parseWith(areaSchema, body, AREA_ORDER);
  // The ONS check needs a valid kind; when the kind is missing, still say what is wrong with the code.
  if (!result.fields && !result.errors.byField.ons_code && result.errors.byField.kind) {
    const code = formValue(body, 'ons_code').replace(/\s+/g, '').toUpperCase();
    const problem = code ? onsCodeProblem(null, code) : null;
    if (problem) {
      result.errors.byField.ons_code = { text: problem };
      result.errors.list.push({ text: problem, href: '#ons_code' });
      sortErrors(result.errors, AREA_ORDER);
    }
  }
  return result;
}

const THIS_YEAR = new Date().getUTCFullYear();
const populationSchema = z.object({
  year: count(`Enter a year from 1900 to ${THIS_YEAR + 5}, like 2021`, 1900, THIS_YEAR + 5),
  population: count('Enter the population as a whole number, like 182,000', 0, 100_000_000),
  source: optionalText(200, 'The source must be 200 characters or fewer'),
});
export type PopulationFields = z.infer<typeof populationSchema>;
export const parsePopulationForm = (body: unknown) =>
  parseWith(populationSchema, body, ['year', 'population', 'source']);

const organisationSchema = z.object({
  name: requiredText('Enter the name of the organisation', 200, 'The name must be 200 characters or fewer'),
  short_name: optionalText(50, 'The short name must be 50 characters or fewer'),
  kind: choice(ORGANISATION_KINDS, 'Select the kind of organisation'),
  active: checkbox(),
  areas: idList('Select areas from the list'),
});
export type OrganisationFields = z.infer<typeof organisationSchema>;
export const ORGANISATION_ORDER = ['name', 'short_name', 'kind', 'active', 'areas'];
export const parseOrganisationForm = (body: unknown) =>
  parseWith(organisationSchema, body, ORGANISATION_ORDER);

const teamSchema = z.object({
  organisation_id: uuid('Select the organisation the team belongs to'),
  name: requiredText('Enter the name of the team', 100, 'The name must be 100 characters or fewer'),
});
export type TeamFields = z.infer<typeof teamSchema>;
export const TEAM_ORDER = ['organisation_id', 'name'];
export const parseTeamForm = (body: unknown) => parseWith(teamSchema, body, TEAM_ORDER);

const teamRenameSchema = z.object({ name: teamSchema.shape.name });
export const parseTeamRenameForm = (body: unknown) => parseWith(teamRenameSchema, body, ['name']);

const memberSchema = z.object({ user_id: uuid('Select the person to add to the team') });
export const parseMemberForm = (body: unknown) => parseWith(memberSchema, body, ['user_id']);

const userSchema = z.object({
  email: email('Enter their email address, like name@example.gov.uk'),
  display_name: requiredText('Enter their full name', 100, 'The name must be 100 characters or fewer'),
  job_title: optionalText(100, 'The job title must be 100 characters or fewer'),
  organisation_id: uuid('Select the organisation they work for'),
  roles: choices(ROLES, 'Select roles from the list').refine((r) => r.length > 0, {
    message: 'Select at least one role',
  }),
  teams: idList('Select teams from the list'),
  line_manager_id: optionalUuid('Select their line manager from the list'),
});
export type UserFields = z.infer<typeof userSchema>;
export const USER_ORDER = ['email', 'display_name', 'job_title', 'organisation_id', 'roles', 'teams', 'line_manager_id'];
export const parseUserForm = (body: unknown) => parseWith(userSchema, body, USER_ORDER);
