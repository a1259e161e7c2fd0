// The database's tables as Kysely sees them: declared once here, mirroring migrations/.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, never, never>;

export type Role =
  | 'partnership_admin'
  | 'coordinator'
  | 'case_officer'
  | 'manager'
  | 'analyst'
  | 'partner_user'
  | 'read_only';

export type OrganisationKind =
  | 'local_authority'
  | 'police'
  | 'fire_rescue'
  | 'housing_provider'
  | 'health'
  | 'probation'
  | 'opcc'
  | 'victim_service'
  | 'education'
  | 'other';

export type AreaKind = 'county' | 'district' | 'unitary' | 'ward' | 'other';

export interface PartnershipsTable {
  id: Generated<string>;
  name: string;
  short_name: string;
  require_two_factor_for_all: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface AreasTable {
  id: Generated<string>;
  partnership_id: string;
  parent_id: string | null;
  kind: AreaKind;
  ons_code: string | null;
  name: string;
  created_at: CreatedAt;
  version: Generated<number>;
}

export interface AreaPopulationsTable {
  area_id: string;
  year: number;
  population: number;
  source: string | null;
}

export interface OrganisationsTable {
  id: Generated<string>;
  partnership_id: string;
  name: string;
  short_name: string | null;
  kind: OrganisationKind;
  active: Generated<boolean>;
  created_at: CreatedAt;
  version: Generated<number>;
}

export interface OrganisationAreasTable {
  organisation_id: string;
  area_id: string;
}

export interface TeamsTable {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  created_at: CreatedAt;
  version: Generated<number>;
}

export interface TeamMembersTable {
  team_id: string;
  user_id: string;
}

export interface UsersTable {
  id: Generated<string>;
  organisation_id: string;
  email: string;
  display_name: string;
  job_title: string | null;
  roles: Role[];
  password_hash: string | null;
  password_changed_at: Timestamp | null;
  totp_secret: string | null;
  totp_enabled_at: Timestamp | null;
  totp_last_step: number | null;
  failed_attempts: Generated<number>;
  locked_until: Timestamp | null;
  active: Generated<boolean>;
  last_sign_in_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  two_factor_passed: Generated<boolean>;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface PasswordResetTokensTable {
  token_hash: string;
  user_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface OutboxMessagesTable {
  id: Generated<string>;
  partnership_id: string | null;
  to_address: string;
  subject: string;
  body: string;
  transport: string;
  status: 'stored' | 'sent' | 'failed';
  error: string | null;
  created_at: CreatedAt;
}

export interface RecordSharesTable {
  id: Generated<string>;
  record_type: string;
  record_id: string;
  to_organisation_id: string | null;
  to_team_id: string | null;
  to_user_id: string | null;
  access: 'view' | 'edit';
  reason: string;
  expires_at: Timestamp | null;
  created_by: string;
  created_at: CreatedAt;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
}

export interface PeopleTable {
  id: Generated<string>;
  partnership_id: string;
  owner_organisation_id: string;
  first_name: string;
  middle_names: string | null;
  last_name: string;
  date_of_birth: string | null;
  gender: string | null;
  phone: string | null;
  email: string | null;
  notes: string | null;
  created_by: string;
  created_at: CreatedAt;
  updated_by: string | null;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface AuditLogTable {
  seq: number;
  occurred_at: Timestamp;
  partnership_id: string | null;
  actor_user_id: string | null;
  actor_organisation_id: string | null;
  action: string;
  record_type: string | null;
  record_id: string | null;
  ip: string | null;
  details: unknown;
  hash: string;
}

export interface InstanceSecretsTable {
  name: string;
  value: string;
}

export interface DB {
  partnerships: PartnershipsTable;
  areas: AreasTable;
  area_populations: AreaPopulationsTable;
  organisations: OrganisationsTable;
  organisation_areas: OrganisationAreasTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  users: UsersTable;
  sessions: SessionsTable;
  password_reset_tokens: PasswordResetTokensTable;
  outbox_messages: OutboxMessagesTable;
  record_shares: RecordSharesTable;
  people: PeopleTable;
  audit_log: AuditLogTable;
  instance_secrets: InstanceSecretsTable;
}

export type User = Selectable<UsersTable>;
export type Person = Selectable<PeopleTable>;
export type NewPerson = Insertable<PeopleTable>;
export type PersonUpdate = Updateable<PeopleTable>;
export type Organisation = Selectable<OrganisationsTable>;
export type Area = Selectable<AreasTable>;
export type Team = Selectable<TeamsTable>;
export type Partnership = Selectable<PartnershipsTable>;
export type RecordShare = Selectable<RecordSharesTable>;
