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
  estimated_age: number | null;
  estimated_age_on: string | null;
  contact_preference: string | null;
  communication_needs: string | null;
  preferred_language: string | null;
  vulnerabilities: Generated<string[]>;
  warning_markers: Generated<string[]>;
  pnc_id: string | null;
  nhs_number: string | null;
  ni_number: string | null;
  name_key: ColumnType<string, never, never>;
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


// ---- Recording and case management (migrations/0003_recording.sql) ----

export type AsbCategory = 'personal' | 'nuisance' | 'environmental';
export type RiskBand = 'standard' | 'medium' | 'high';
export type IncidentRole = 'victim' | 'witness' | 'perpetrator' | 'reporting_party' | 'other';

interface Owned {
  id: Generated<string>;
  partnership_id: string;
  owner_organisation_id: string;
  created_by: string;
  created_at: CreatedAt;
}
interface Versioned {
  updated_by: string | null;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface AsbTypesTable {
  id: Generated<string>;
  partnership_id: string;
  category: AsbCategory;
  name: string;
  active: Generated<boolean>;
  sort: Generated<number>;
}

export interface CaseTypesTable {
  id: Generated<string>;
  partnership_id: string;
  name: string;
  active: Generated<boolean>;
  sort: Generated<number>;
}

export interface RequiredFieldsTable {
  partnership_id: string;
  form: string;
  field: string;
}

export interface GazetteerAddressesTable {
  partnership_id: string;
  uprn: number;
  line_1: string;
  line_2: string | null;
  line_3: string | null;
  town: string | null;
  postcode: string | null;
  postcode_key: string | null;
  easting: number | null;
  northing: number | null;
  latitude: number | null;
  longitude: number | null;
  area_id: string | null;
  ward_id: string | null;
  single_line: string;
  updated_at: Generated<Date>;
}

export interface AreaBoundariesTable {
  area_id: string;
  geometry: unknown;
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
}

export interface PersonAliasesTable {
  id: Generated<string>;
  person_id: string;
  first_name: string | null;
  last_name: string;
  kind: Generated<'alias' | 'maiden_name' | 'previous_name' | 'nickname'>;
  created_by: string;
  created_at: CreatedAt;
}

export interface PersonAddressesTable {
  id: Generated<string>;
  person_id: string;
  uprn: number | null;
  address: string;
  postcode: string | null;
  postcode_key: string | null;
  from_date: string | null;
  to_date: string | null;
  created_by: string;
  created_at: CreatedAt;
}

export interface PersonLinksTable {
  id: Generated<string>;
  person_id: string;
  other_person_id: string;
  relationship: string;
  created_by: string;
  created_at: CreatedAt;
}

export interface VehiclesTable extends Owned, Versioned {
  vrm: string;
  vrm_key: string;
  make: string | null;
  model: string | null;
  colour: string | null;
  notes: string | null;
}

export interface BusinessesTable extends Owned, Versioned {
  name: string;
  kind: string | null;
  uprn: number | null;
  address: string | null;
  postcode: string | null;
  postcode_key: string | null;
  phone: string | null;
  notes: string | null;
}

export interface IncidentsTable extends Owned, Versioned {
  reference: Generated<string>;
  occurred_from: Timestamp;
  occurred_to: Timestamp | null;
  reported_at: Timestamp;
  how_reported: 'police_call' | 'council_phone' | 'council_online' | 'public_online' | 'partner_referral' | 'in_person' | 'email' | 'police_import' | 'other';
  source_organisation_id: string | null;
  police_log_number: string | null;
  crime_number: string | null;
  category: AsbCategory;
  asb_type_id: string | null;
  description: string;
  mo: string | null;
  uprn: number | null;
  location_text: string | null;
  postcode: string | null;
  postcode_key: string | null;
  latitude: number | null;
  longitude: number | null;
  easting: number | null;
  northing: number | null;
  area_id: string | null;
  ward_id: string | null;
  hate: Generated<boolean>;
  hate_strands: Generated<string[]>;
  domestic: Generated<boolean>;
  alcohol: Generated<boolean>;
  drugs: Generated<boolean>;
  youth: Generated<boolean>;
  vulnerable_victim: Generated<boolean>;
  consent_to_share: boolean | null;
  consent_to_refer: boolean | null;
  status: Generated<'open' | 'closed'>;
}

export interface IncidentPeopleTable {
  id: Generated<string>;
  incident_id: string;
  person_id: string;
  role: IncidentRole;
  notes: string | null;
  created_at: CreatedAt;
}

export interface IncidentVehiclesTable {
  incident_id: string;
  vehicle_id: string;
  notes: string | null;
}

export interface IncidentBusinessesTable {
  incident_id: string;
  business_id: string;
  role: Generated<'subject' | 'victim' | 'location' | 'reporting_party'>;
}

export interface CasesTable extends Owned, Versioned {
  reference: Generated<string>;
  case_type_id: string | null;
  title: string;
  summary: string | null;
  status: Generated<'open' | 'on_hold' | 'closed'>;
  outcome: string | null;
  outcome_notes: string | null;
  priority: Generated<RiskBand>;
  lead_officer_id: string | null;
  supervisor_id: string | null;
  review_date: string | null;
  opened_at: Generated<Date>;
  closed_at: Timestamp | null;
}

export interface CaseIncidentsTable {
  case_id: string;
  incident_id: string;
  added_by: string;
  added_at: CreatedAt;
}

export interface CaseNotesTable {
  id: Generated<string>;
  case_id: string;
  body: string;
  kind: Generated<'note' | 'supervision' | 'status_change'>;
  created_by: string;
  created_at: CreatedAt;
}

export interface CaseLinksTable {
  case_id: string;
  other_case_id: string;
  reason: string | null;
  created_by: string;
  created_at: CreatedAt;
}

export interface TasksTable extends Owned, Versioned {
  case_id: string | null;
  incident_id: string | null;
  intervention_id: string | null;
  title: string;
  details: string | null;
  assigned_user_id: string | null;
  assigned_team_id: string | null;
  assigned_organisation_id: string | null;
  due_date: string | null;
  priority: Generated<'low' | 'normal' | 'high' | 'urgent'>;
  status: Generated<'open' | 'in_progress' | 'done' | 'cancelled'>;
  completion_notes: string | null;
  completed_by: string | null;
  completed_at: Timestamp | null;
}

export interface RiskQuestionnairesTable {
  id: Generated<string>;
  partnership_id: string | null;
  key: string;
  version: number;
  name: string;
  definition: unknown;
  active: Generated<boolean>;
  created_at: CreatedAt;
}

export interface RiskAssessmentsTable {
  id: Generated<string>;
  partnership_id: string;
  owner_organisation_id: string;
  questionnaire_id: string;
  person_id: string;
  incident_id: string | null;
  case_id: string | null;
  answers: unknown;
  score: number;
  yes_count: number;
  computed_band: RiskBand;
  override_band: RiskBand | null;
  override_rationale: string | null;
  final_band: RiskBand;
  marac_suggested: Generated<boolean>;
  assessed_by: string;
  assessed_at: Generated<Date>;
}

export interface InterventionsTable extends Owned, Versioned {
  case_id: string | null;
  subject_type: 'person' | 'household' | 'business';
  person_id: string | null;
  business_id: string | null;
  household_address: string | null;
  kind: string;
  issued_on: string;
  expires_on: string | null;
  review_on: string | null;
  conditions: string | null;
  status: Generated<'issued' | 'complied' | 'breached' | 'varied' | 'discharged' | 'expired'>;
  notes: string | null;
  // migrations/0007
  duration_hours: number | null;
  authorised_by: string | null;
  authoriser_rank: string | null;
  conviction_on: string | null;
  yot_consulted: Generated<boolean>;
  indefinite: Generated<boolean>;
}

export interface InterventionBreachesTable {
  id: Generated<string>;
  intervention_id: string;
  occurred_on: string;
  details: string;
  action_taken: string | null;
  recorded_by: string;
  recorded_at: CreatedAt;
}

export interface LetterTemplatesTable {
  id: Generated<string>;
  partnership_id: string;
  name: string;
  intervention_kind: string | null;
  filename: string;
  content: Buffer;
  active: Generated<boolean>;
  uploaded_by: string | null;
  uploaded_at: Generated<Date>;
  version: Generated<number>;
}

export interface DocumentsTable extends Owned {
  case_id: string | null;
  incident_id: string | null;
  person_id: string | null;
  intervention_id: string | null;
  kind: 'letter' | 'upload';
  title: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  content: Buffer;
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
  asb_types: AsbTypesTable;
  case_types: CaseTypesTable;
  required_fields: RequiredFieldsTable;
  gazetteer_addresses: GazetteerAddressesTable;
  area_boundaries: AreaBoundariesTable;
  person_aliases: PersonAliasesTable;
  person_addresses: PersonAddressesTable;
  person_links: PersonLinksTable;
  vehicles: VehiclesTable;
  businesses: BusinessesTable;
  incidents: IncidentsTable;
  incident_people: IncidentPeopleTable;
  incident_vehicles: IncidentVehiclesTable;
  incident_businesses: IncidentBusinessesTable;
  cases: CasesTable;
  case_incidents: CaseIncidentsTable;
  case_notes: CaseNotesTable;
  case_links: CaseLinksTable;
  tasks: TasksTable;
  risk_questionnaires: RiskQuestionnairesTable;
  risk_assessments: RiskAssessmentsTable;
  interventions: InterventionsTable;
  intervention_breaches: InterventionBreachesTable;
  letter_templates: LetterTemplatesTable;
  documents: DocumentsTable;
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

// ---- Cases and tasks (migrations/0005_cases_tasks.sql): merged into the declarations above ----

export interface CasesTable {
  priority_source: Generated<'officer' | 'risk_assessment'>;
  priority_assessment_id: string | null;
  priority_assessed_at: Timestamp | null;
  priority_overridden_at: Timestamp | null;
}

// ---- People's details (migrations/0006_people_details_search.sql): merged into PeopleTable above ----

export interface PeopleTable {
  contact_safe_times: string | null;
  do_not_leave_messages: Generated<boolean>;
  interpreter_needed: Generated<boolean>;
  vulnerability_notes: string | null;
}

// ---- Merging duplicate people (migrations/0010_person_merges.sql) ----

export interface PeopleTable {
  merged_into_id: string | null;
  merged_at: Timestamp | null;
}

export interface PersonMergesTable {
  id: Generated<string>;
  partnership_id: string;
  survivor_id: string;
  duplicate_id: string;
  reason: string;
  survivor_before: ColumnType<Record<string, unknown>, string, string>;
  duplicate_before: ColumnType<Record<string, unknown>, string, string>;
  survivor_after: ColumnType<Record<string, unknown>, string, string>;
  survivor_after_version: number;
  fields_changed: Generated<string[]>;
  changes: ColumnType<unknown, string, string>;
  merged_by: string;
  merged_at: CreatedAt;
  unmerged_by: string | null;
  unmerged_at: Timestamp | null;
  unmerge_reason: string | null;
  unmerge_kept: ColumnType<unknown, string | null, string | null>;
  version: Generated<number>;
}

export interface DB {
  person_merges: PersonMergesTable;
}

// ---- ASB Case Review (migrations/0012_case_reviews.sql): merged into DB above ----

export type CaseReviewRule = 'complaints' | 'hate' | 'community';

export interface CaseReviewSettingsTable {
  partnership_id: string;
  complaints: Generated<number>;
  window_months: Generated<number>;
  hate_complaints: number | null;
  community_people: number | null;
  decision_working_days: Generated<number>;
  meeting_working_days: Generated<number>;
  response_working_days: Generated<number>;
  updated_by: string | null;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface CaseReviewAlertsTable {
  id: Generated<string>;
  partnership_id: string;
  person_id: string;
  incident_id: string;
  rules: CaseReviewRule[];
  complaints: number;
  window_months: number;
  first_complaint_at: Timestamp;
  last_complaint_at: Timestamp;
  raised_at: CreatedAt;
  status: Generated<'open' | 'dismissed' | 'application'>;
  dismissed_reason: string | null;
  dismissed_by: string | null;
  dismissed_at: Timestamp | null;
  case_review_id: string | null;
  version: Generated<number>;
}

export interface CaseReviewsTable extends Owned, Versioned {
  reference: Generated<string>;
  person_id: string;
  alert_id: string | null;
  applicant_kind: 'victim' | 'on_behalf';
  applicant_name: string | null;
  applicant_relationship: 'councillor' | 'mp' | 'relative' | 'advocate' | 'landlord' | 'other' | null;
  consent_confirmed: Generated<boolean>;
  received_on: string;
  how_received: 'online_form' | 'phone' | 'email' | 'letter' | 'in_person' | 'other';
  application_summary: string | null;
  decision_due_on: string;
  decision: 'met' | 'not_met' | null;
  decision_reasons: string | null;
  decided_by: string | null;
  decided_on: string | null;
  meeting_due_on: string | null;
  meeting_on: string | null;
  meeting_organisation_ids: Generated<string[]>;
  meeting_other_agencies: string | null;
  meeting_summary: string | null;
  response_due_on: string | null;
  response_on: string | null;
  response_method: 'letter' | 'email' | 'phone' | 'meeting' | 'other' | null;
  response_summary: string | null;
  escalation_requested_on: string | null;
  escalation_outcome: string | null;
  escalation_outcome_on: string | null;
  status: Generated<'open' | 'closed'>;
  closed_on: string | null;
  closure_notes: string | null;
  next_due_on: string | null;
  next_due_stage: string | null;
}

export interface CaseReviewIncidentsTable {
  case_review_id: string;
  incident_id: string;
  added_by: string;
  added_at: CreatedAt;
}

export interface CaseReviewRecommendationsTable {
  id: Generated<string>;
  case_review_id: string;
  body: string;
  responsible_organisation_id: string;
  due_on: string;
  status: Generated<'open' | 'in_progress' | 'done' | 'not_done'>;
  progress_notes: string | null;
  created_by: string;
  created_at: CreatedAt;
  updated_by: string | null;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface DB {
  case_review_settings: CaseReviewSettingsTable;
  case_review_alerts: CaseReviewAlertsTable;
  case_reviews: CaseReviewsTable;
  case_review_incidents: CaseReviewIncidentsTable;
  case_review_recommendations: CaseReviewRecommendationsTable;
}

// ---- Saved report definitions (migrations/0015_saved_reports.sql) ----

export interface SavedReportsTable {
  id: Generated<string>;
  partnership_id: string;
  owner_organisation_id: string;
  name: string;
  description: string | null;
  /** The builder's query parameters ({ format: 1, params: [[key, value], ...] }), never results. */
  definition: unknown;
  shared_with: Generated<'private' | 'team' | 'organisation' | 'partnership'>;
  team_id: string | null;
  archived_at: Timestamp | null;
  created_by: string;
  created_at: CreatedAt;
  updated_by: string | null;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface DB {
  saved_reports: SavedReportsTable;
}

// ---- On-entry matching and access requests (migrations/0009_matching_lookup.sql) ----

export type AccessRequestStatus = 'pending' | 'granted' | 'declined' | 'withdrawn';

export interface AccessRequestsTable {
  id: Generated<string>;
  partnership_id: string;
  record_type: 'person' | 'vehicle';
  record_id: string;
  /** Filled in by the database from the record itself (a trigger), whatever the insert says. */
  owner_organisation_id: ColumnType<string, string | undefined, string>;
  record_officer_id: ColumnType<string | null, string | null | undefined, string | null>;
  requester_user_id: string;
  requester_organisation_id: string;
  reason: string;
  status: Generated<AccessRequestStatus>;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_note: string | null;
  share_id: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface DB {
  access_requests: AccessRequestsTable;
}

// ---- Indicators (migrations/0013_indicators.sql); incident_month_counts is for the definer only ----

export interface IndicatorSettingsTable {
  partnership_id: string;
  suppression_threshold: Generated<number>;
  defaults_seeded_at: Timestamp | null;
  updated_by: string | null;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface IndicatorsTable {
  id: Generated<string>;
  partnership_id: string;
  key: string;
  name: string;
  description: Generated<string>;
  outcome: string;
  priority: string;
  source: 'records' | 'series';
  measure: string | null;
  filter: ColumnType<unknown, string | undefined, string>;
  series_name: string | null;
  unit: 'count' | 'rate_per_1000' | 'percentage';
  polarity: 'up_is_good' | 'down_is_good' | 'neutral';
  target: number | null;
  band_low: number | null;
  band_high: number | null;
  sort_order: Generated<number>;
  active: Generated<boolean>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_by: string | null;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface IndicatorSeriesValuesTable {
  partnership_id: string;
  series: string;
  source: string;
  area_id: string | null;
  month: string;
  value: number;
  imported_by: string | null;
  imported_at: Generated<Date>;
}

export interface DB {
  indicator_settings: IndicatorSettingsTable;
  indicators: IndicatorsTable;
  indicator_series_values: IndicatorSeriesValuesTable;
}

// ---- Quarterly board reports (migrations/0014_board_reports.sql): merged into DB above ----

export interface BoardReportsTable {
  id: Generated<string>;
  partnership_id: string;
  period_kind: 'quarter';
  period_from: string;
  period_to: string;
  title: string;
  /** The figures snapshot: src/modules/board-report/figures.ts. Written as a JSON string. */
  figures: ColumnType<unknown, string, string>;
  figures_at: Timestamp;
  created_by: string;
  created_at: CreatedAt;
  updated_by: string | null;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface BoardReportSectionsTable {
  id: Generated<string>;
  report_id: string;
  key: string;
  heading: string;
  position: number;
  priority: string | null;
  narrative: Generated<string>;
  updated_by: string | null;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface DB {
  board_reports: BoardReportsTable;
  board_report_sections: BoardReportSectionsTable;
}

// ---- Repeats and multi-agency links (migrations/0011_repeats_links.sql): merged into DB above ----

export interface IncidentsTable {
  /** Same address (UPRN, or postcode and normalised description): generated by the database. */
  place_key: ColumnType<string | null, never, never>;
  /** Postcode and street: generated by the database. */
  street_key: ColumnType<string | null, never, never>;
}

export type RepeatKind = 'victim' | 'perpetrator' | 'location';

export interface RepeatRulesTable {
  partnership_id: string;
  victim_threshold: Generated<number>;
  victim_window_months: Generated<number>;
  location_threshold: Generated<number>;
  location_window_months: Generated<number>;
  perpetrator_threshold: Generated<number>;
  perpetrator_window_months: Generated<number>;
  link_window_days: Generated<number>;
  link_radius_metres: Generated<number>;
  link_same_street: Generated<boolean>;
  updated_by: string | null;
  updated_at: Timestamp;
  version: Generated<number>;
}

/** Written only by the counting functions (SECURITY DEFINER); the app reads. */
export interface RepeatFlagsTable {
  id: Generated<string>;
  partnership_id: string;
  kind: RepeatKind;
  subject_key: string;
  person_id: string | null;
  area_id: string | null;
  first_qualified_at: Timestamp;
  last_incident_at: Timestamp;
  expires_at: Timestamp;
  incident_count: number;
  threshold: number;
  window_months: number;
  raised_at: Timestamp;
  evaluated_at: Timestamp;
}

export interface RepeatFlagIncidentsTable {
  flag_id: string;
  incident_id: string;
}

export interface IncidentAgencyLinksTable {
  incident_id: string;
  other_incident_id: string;
  partnership_id: string;
  basis: 'person' | 'place' | 'person_and_place';
  found_at: Timestamp;
}

export interface IncidentProblemsTable {
  incident_id: string;
  problem_id: string;
  partnership_id: string;
  linked_at: Timestamp;
}

/** A view: each incident the reader may see with the problem it belongs to (count DISTINCT problem_id). */
export interface IncidentProblemKeysView {
  incident_id: string;
  partnership_id: string;
  problem_id: string;
  linked: boolean;
}

export interface DB {
  repeat_rules: RepeatRulesTable;
  repeat_flags: RepeatFlagsTable;
  repeat_flag_incidents: RepeatFlagIncidentsTable;
  incident_agency_links: IncidentAgencyLinksTable;
  incident_problems: IncidentProblemsTable;
  incident_problem_keys: IncidentProblemKeysView;
}

// ---- Daily review and tasking out (migrations/0016_daily_review.sql): merged into DB and TasksTable above ----

export type ReviewOutcome = 'no_further_action' | 'share' | 'direct' | 'task_out';

export interface ReviewItemsTable {
  incident_id: string;
  partnership_id: string;
  owner_organisation_id: string;
  area_id: string | null;
  how_reported: string;
  source_organisation_id: string | null;
  category: string;
  reported_at: Timestamp;
  priority: Generated<number>;
  reasons: Generated<string[]>;
  queued_at: CreatedAt;
  refreshed_at: CreatedAt;
}

export interface ReviewDecisionsTable {
  id: Generated<string>;
  partnership_id: string;
  owner_organisation_id: string;
  incident_id: string;
  outcome: ReviewOutcome;
  priority_at_decision: Generated<number>;
  reasons_at_decision: Generated<string[]>;
  nfa_reason: string | null;
  ndm_information: string | null;
  ndm_threat_risk: string | null;
  ndm_powers_policy: string | null;
  ndm_options: string | null;
  ndm_action_review: string | null;
  note: string | null;
  share_id: string | null;
  task_id: string | null;
  decided_by: string;
  decided_at: CreatedAt;
}

export interface TaskDisputesTable {
  id: Generated<string>;
  partnership_id: string;
  task_id: string;
  owner_organisation_id: string;
  setting_organisation_id: string;
  reason: string;
  raised_by: string;
  raised_at: CreatedAt;
  status: Generated<'open' | 'upheld' | 'withdrawn' | 'reassigned'>;
  resolution_note: string | null;
  resolved_by: string | null;
  resolved_at: Timestamp | null;
  reassigned_organisation_id: string | null;
  version: Generated<number>;
}

export interface TasksTable {
  due_at: Timestamp | null;
  review_decision_id: string | null;
  acknowledged_by: string | null;
  acknowledged_at: Timestamp | null;
  escalation_level: Generated<number>;
  escalated_at: Timestamp | null;
}

export interface DB {
  review_items: ReviewItemsTable;
  review_decisions: ReviewDecisionsTable;
  task_disputes: TaskDisputesTable;
}

// 0022: incidents loaded from another system's export, and the log of each load.
export interface IncidentsTable {
  source_reference: string | null;
}

export interface IncidentImportsTable {
  id: Generated<string>;
  partnership_id: string;
  owner_organisation_id: string;
  filename: string;
  rows_read: number;
  created: number;
  already_loaded: number;
  rejected: number;
  incident_ids: Generated<string[]>;
  problems: ColumnType<ImportProblem[], string, string>;
  shared_with_organisation_id: string | null;
  imported_by: string;
  imported_at: Generated<Date>;
}

export interface ImportProblem {
  line: number;
  message: string;
}

export interface DB {
  incident_imports: IncidentImportsTable;
}

// ---- Supervision (migrations/0020_supervision.sql) ----

export interface UsersTable {
  /** The user's first-line manager, in the same organisation (a trigger enforces it). */
  line_manager_id: string | null;
}

export interface CaseSupervisionNotesTable {
  id: Generated<string>;
  case_id: string;
  author_id: string;
  note: string;
  next_review_date: string | null;
  created_at: CreatedAt;
}

export interface SupervisionReassignmentsTable {
  id: Generated<string>;
  partnership_id: string;
  owner_organisation_id: string;
  case_id: string | null;
  task_id: string | null;
  from_user_id: string | null;
  to_user_id: string;
  reason: string;
  reassigned_by: string;
  reassigned_at: CreatedAt;
}

export interface DB {
  case_supervision_notes: CaseSupervisionNotesTable;
  supervision_reassignments: SupervisionReassignmentsTable;
}

// ---- Referrals between agencies (migrations/0018_referrals.sql) ----

export type ReferralFieldKind = 'text' | 'textarea' | 'yesno' | 'choice' | 'date';

/** One question of a referral type's short form, held as data. */
export interface ReferralField {
  key: string;
  label: string;
  kind: ReferralFieldKind;
  required: boolean;
  options: string[];
  hint?: string;
}

export type ReferralStatus = 'sent' | 'accepted' | 'declined' | 'completed' | 'withdrawn';
export type ReferralConsent = 'given' | 'refused' | 'not_asked';
export type ReferralLawfulBasis = 'public_task' | 'crime_disorder_s115' | 'vital_interests' | 'safeguarding';
export type ReferralRecordType = 'person' | 'incident' | 'case';

export interface ReferralTypesTable {
  id: Generated<string>;
  partnership_id: string;
  name: string;
  description: string | null;
  to_organisation_id: string | null;
  allowed_organisation_ids: ColumnType<string[], string[] | undefined, string[]>;
  fields: ColumnType<ReferralField[], string, string>;
  active: Generated<boolean>;
  sort: Generated<number>;
  created_at: CreatedAt;
  updated_by: string | null;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface ReferralsTable {
  id: Generated<string>;
  reference: Generated<string>;
  partnership_id: string;
  referral_type_id: string;
  type_name: string;
  form: ColumnType<ReferralField[], string, never>;
  answers: ColumnType<Record<string, string>, string, never>;
  owner_organisation_id: string;
  to_organisation_id: string;
  subject_type: ReferralRecordType;
  subject_id: string;
  consent: ReferralConsent;
  lawful_basis: ReferralLawfulBasis | null;
  lawful_basis_reason: string | null;
  status: Generated<ReferralStatus>;
  sent_by: string;
  sent_at: ColumnType<Date, Date | undefined, never>;
  accepted_by: string | null;
  accepted_at: Timestamp | null;
  declined_by: string | null;
  declined_at: Timestamp | null;
  decline_reason: string | null;
  completed_by: string | null;
  completed_at: Timestamp | null;
  outcome: string | null;
  withdrawn_by: string | null;
  withdrawn_at: Timestamp | null;
  withdraw_reason: string | null;
  updated_at: Generated<Date>;
  version: Generated<number>;
}

export interface ReferralRecordsTable {
  referral_id: string;
  record_type: ReferralRecordType;
  record_id: string;
  share_id: string;
}

export interface DB {
  referral_types: ReferralTypesTable;
  referrals: ReferralsTable;
  referral_records: ReferralRecordsTable;
}

// ---- Notifications and the job runner (migrations/0019_notifications.sql) ----

export type NotificationKind =
  | 'task_assigned'
  | 'task_escalated'
  | 'task_disputed'
  | 'task_dispute_resolved'
  | 'access_request_received'
  | 'access_request_answered'
  | 'referral_received'
  | 'referral_updated'
  | 'case_review_alert';

export type NotificationDelivery = 'email' | 'digest' | 'in_app';

export interface NotificationKindsTable {
  kind: NotificationKind;
  default_delivery: NotificationDelivery;
}

export interface NotificationsTable {
  id: Generated<string>;
  partnership_id: string;
  recipient_user_id: string;
  kind: NotificationKind;
  title: string;
  href: string;
  record_type: string | null;
  record_id: string | null;
  delivery: NotificationDelivery;
  created_at: CreatedAt;
  read_at: Timestamp | null;
  emailed_at: Timestamp | null;
  digested_at: Timestamp | null;
}

export interface NotificationPreferencesTable {
  user_id: string;
  kind: NotificationKind;
  delivery: NotificationDelivery;
  updated_at: Generated<Date>;
}

export interface JobRunsTable {
  name: string;
  last_slot: Timestamp | null;
  last_started_at: Timestamp | null;
  last_finished_at: Timestamp | null;
  last_outcome: 'ok' | 'failed' | null;
  last_error: string | null;
  runs: Generated<number>;
}

export interface DB {
  notification_kinds: NotificationKindsTable;
  notifications: NotificationsTable;
  notification_preferences: NotificationPreferencesTable;
  job_runs: JobRunsTable;
}
