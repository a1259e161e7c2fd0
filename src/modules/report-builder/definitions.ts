// What the report builder can count, filter and group by, as a fixed list. Every piece of SQL a
// report can contain is written here, in code: people choose entries from these lists by key, and
// the values they pick (dates, ids, codes) are bound as parameters. Nothing a person types ever
// becomes SQL. Adding a record type is one more entry in RECORD_TYPES (referrals was the last).
import { sql, type RawBuilder } from 'kysely';
import { CATEGORY_NAMES, FLAG_NAMES, HOW_REPORTED_NAMES, ROLE_NAMES, STATUS_NAMES as INCIDENT_STATUS_NAMES } from '../incidents/labels.ts';
import { OUTCOME_NAMES, PRIORITY_NAMES, STATUS_NAMES as CASE_STATUS_NAMES } from '../cases/labels.ts';
import { TASK_PRIORITY_NAMES, TASK_STATUS_NAMES } from '../tasks/labels.ts';
import { KINDS as INTERVENTION_KINDS, STATUS_LABELS as INTERVENTION_STATUS_NAMES, SUBJECT_LABELS } from '../interventions/kinds.ts';
import { CONSENT_NAMES as REFERRAL_CONSENT_NAMES, STATUS_NAMES as REFERRAL_STATUS_NAMES } from '../referrals/labels.ts';

type Sql = RawBuilder<unknown>;

/** Where the words for a code come from: a fixed list, or one of the partnership's own lists. */
export type Vocabulary =
  | { kind: 'fixed'; names: Record<string, string> }
  | { kind: 'list'; list: 'areas' | 'wards' | 'asbTypes' | 'caseTypes' | 'referralTypes' | 'organisations' | 'officers' }
  | { kind: 'month' | 'year' | 'weekday' | 'hour' | 'yesno' };

export interface Dimension {
  key: string;
  /** As a column heading and in the "Group by" list. */
  label: string;
  /** The value grouped on, as cheap to compute and hash as possible (it runs for every row). */
  expr: Sql;
  /** The group's key as text, computed once per group after grouping (by default the value as text). */
  asKey?: (grouped: Sql) => Sql;
  vocabulary: Vocabulary;
  /** Months, years, days and hours read in order; everything else largest first. */
  ordered: boolean;
  /** The same value from a row `a` of the record type's monthly aggregate, if it has one and it holds this. */
  monthly?: Sql;
}

export interface Measure {
  key: string;
  label: string;
  /** The value each row contributes (selected as s.m), if the aggregate needs one. */
  input: Sql | null;
  /** The aggregate over a group's rows, of s.m. */
  aggregate: Sql;
  /** Totals are sums of the groups (a plain count); otherwise the database computes every total. */
  additive: boolean;
  /** A join the measure needs, added to the record type's FROM only when this measure is chosen. */
  join?: Sql;
  /**
   * The measure counts records once per value of `input` they are linked to through this join (an
   * inner join; records without a link count one each): `aggregate` is then exactly
   * count(*) FILTER (WHERE s.m IS NULL) + count(DISTINCT s.m), and a monthly aggregate can give the
   * count of all records, from which the few linked ones are taken away (repository.ts).
   */
  countOnce?: { join: Sql };
}

export interface SelectFilter {
  kind: 'select';
  label: string;
  /** The choices; a key not in them is refused with a GOV.UK error. */
  vocabulary: Vocabulary;
  where: (value: string) => Sql;
  /** The same condition on a row `a` of the record type's monthly aggregate, if it holds the column. */
  monthly?: (value: string) => Sql;
}

export interface Flag {
  key: string;
  label: string;
  where: Sql;
  /** The aggregate's count of this row's records with the flag, if it keeps one. */
  monthly?: Sql;
}

export type FilterKey = 'area' | 'category' | 'type' | 'source' | 'status' | 'organisation' | 'officer' | 'role';
/** The order filters appear in on the page and in descriptions. */
export const FILTER_KEYS: FilterKey[] = ['area', 'category', 'type', 'source', 'role', 'status', 'organisation', 'officer'];

export interface RecordType {
  key: string;
  /** "Incidents" */
  label: string;
  /** "incidents", in sentences */
  noun: string;
  hint: string;
  /** FROM clause, given the date range as instants; the counted row is `r`. */
  from: (range: { from: Date | null; to: Date | null }) => Sql;
  /**
   * The FROM clause of the viewer's organisation's own records (the `visibility.own` half) when they
   * have a faster source than `from`, holding the same columns as `r` (migrations/0025).
   */
  ownFrom?: (range: { from: Date | null; to: Date | null }) => Sql;
  date: { expr: Sql; column: 'instant' | 'date'; label: string };
  filters: Partial<Record<FilterKey, SelectFilter>>;
  flags: Flag[];
  dimensions: Dimension[];
  measures: Measure[];
  defaultGroup: string;
  /**
   * The record's row-level security rule split in two, the rows the viewer's organisation holds and
   * those shared with it, so that each half can be read with an index (migrations/0015). Together they
   * are exactly the policy's rule; the policy still applies to both.
   */
  visibility?: { own: Sql; shared: Sql };
  /**
   * A monthly aggregate of the viewer's organisation's own records (migrations/0023), read as rows `a`
   * of `rows(fromMonth, toMonth)` with a count `a.<count>`: the report builder counts whole months of
   * the own half from it whenever every grouping, filter and flag chosen is one it holds (repository.ts).
   */
  monthly?: { rows: (from: string | null, to: string | null) => Sql; count: Sql };
}

// incidents_select (migrations/0003): the owner organisation, or a live share of the incident.
const INCIDENT_VISIBILITY = {
  own: sql`r.owner_organisation_id = (SELECT app_org_id())`,
  shared: sql`r.owner_organisation_id <> (SELECT app_org_id()) AND r.id IN (SELECT app_shared_ids('incident', 'view'))`,
};

// Months and years are London's, as officers see the date; formatted only once each group is counted.
const asMonth = (g: Sql) => sql`to_char(${g}, 'YYYY-MM')`;
const asYear = (g: Sql) => sql`to_char(${g}, 'YYYY')`;
const month = (col: Sql, label: string): Dimension => ({ key: 'month', label, expr: sql`date_trunc('month', ${col} AT TIME ZONE 'Europe/London')`, asKey: asMonth, vocabulary: { kind: 'month' }, ordered: true });
const year = (col: Sql, label: string): Dimension => ({ key: 'year', label, expr: sql`date_trunc('year', ${col} AT TIME ZONE 'Europe/London')`, asKey: asYear, vocabulary: { kind: 'year' }, ordered: true });
const dateMonth = (key: string, col: Sql, label: string): Dimension => ({ key, label, expr: sql`date_trunc('month', ${col})`, asKey: asMonth, vocabulary: { kind: 'month' }, ordered: true });
const dateYear = (col: Sql, label: string): Dimension => ({ key: 'year', label, expr: sql`date_trunc('year', ${col})`, asKey: asYear, vocabulary: { kind: 'year' }, ordered: true });
const category = (key: string, label: string, expr: Sql, vocabulary: Vocabulary): Dimension => ({ key, label, expr, vocabulary, ordered: false });

const COUNT: Measure = { key: 'count', label: 'Number', input: null, aggregate: sql`count(*)::int`, additive: true };

// Incidents, and people by their role on incidents, share the incident's own columns.
const incidentDimensions = (): Dimension[] => [
  { ...category('area', 'District', sql`r.area_id`, { kind: 'list', list: 'areas' }), monthly: sql`a.area_id` },
  { ...category('ward', 'Ward', sql`r.ward_id`, { kind: 'list', list: 'wards' }), monthly: sql`a.ward_id` },
  // The aggregate's month is the same London month as a date (report_month, migrations/0023).
  { ...month(sql`r.occurred_from`, 'Month'), monthly: sql`a.month::timestamp` },
  { ...year(sql`r.occurred_from`, 'Year'), monthly: sql`date_trunc('year', a.month::timestamp)` },
  { key: 'weekday', label: 'Day of the week', expr: sql`extract(isodow FROM r.occurred_from AT TIME ZONE 'Europe/London')::int`, vocabulary: { kind: 'weekday' }, ordered: true },
  { key: 'hour', label: 'Hour of the day', expr: sql`extract(hour FROM r.occurred_from AT TIME ZONE 'Europe/London')::int`, vocabulary: { kind: 'hour' }, ordered: true },
  { ...category('category', 'Category', sql`r.category`, { kind: 'fixed', names: CATEGORY_NAMES }), monthly: sql`a.category` },
  { ...category('type', 'Type', sql`r.asb_type_id`, { kind: 'list', list: 'asbTypes' }), monthly: sql`a.asb_type_id` },
  { ...category('source', 'Source agency', sql`r.source_organisation_id`, { kind: 'list', list: 'organisations' }), monthly: sql`a.source_organisation_id` },
  category('how_reported', 'How it was reported', sql`r.how_reported`, { kind: 'fixed', names: HOW_REPORTED_NAMES }),
  { ...category('organisation', 'Held by', sql`r.owner_organisation_id`, { kind: 'list', list: 'organisations' }), monthly: sql`a.owner_organisation_id` },
  category('officer', 'Recorded by', sql`r.created_by`, { kind: 'list', list: 'officers' }),
  { ...category('status', 'Status', sql`r.status`, { kind: 'fixed', names: INCIDENT_STATUS_NAMES }), monthly: sql`a.status` },
  category('hate', 'Hate incident', sql`r.hate`, { kind: 'yesno' }),
  category('domestic', 'Domestic-related', sql`r.domestic`, { kind: 'yesno' }),
];

const incidentFilters = (): Partial<Record<FilterKey, SelectFilter>> => ({
  area: {
    kind: 'select',
    label: 'Area',
    vocabulary: { kind: 'list', list: 'areas' },
    where: (v) => sql`(r.area_id = ${v}::uuid OR r.ward_id = ${v}::uuid)`,
    monthly: (v) => sql`(a.area_id = ${v}::uuid OR a.ward_id = ${v}::uuid)`,
  },
  category: { kind: 'select', label: 'Category', vocabulary: { kind: 'fixed', names: CATEGORY_NAMES }, where: (v) => sql`r.category = ${v}`, monthly: (v) => sql`a.category = ${v}` },
  type: { kind: 'select', label: 'Type', vocabulary: { kind: 'list', list: 'asbTypes' }, where: (v) => sql`r.asb_type_id = ${v}::uuid`, monthly: (v) => sql`a.asb_type_id = ${v}::uuid` },
  source: {
    kind: 'select',
    label: 'Source agency',
    vocabulary: { kind: 'list', list: 'organisations' },
    where: (v) => sql`r.source_organisation_id = ${v}::uuid`,
    monthly: (v) => sql`a.source_organisation_id = ${v}::uuid`,
  },
  status: { kind: 'select', label: 'Status', vocabulary: { kind: 'fixed', names: INCIDENT_STATUS_NAMES }, where: (v) => sql`r.status = ${v}`, monthly: (v) => sql`a.status = ${v}` },
  organisation: {
    kind: 'select',
    label: 'Held by',
    vocabulary: { kind: 'list', list: 'organisations' },
    where: (v) => sql`r.owner_organisation_id = ${v}::uuid`,
    monthly: (v) => sql`a.owner_organisation_id = ${v}::uuid`,
  },
  officer: { kind: 'select', label: 'Recorded by', vocabulary: { kind: 'list', list: 'officers' }, where: (v) => sql`r.created_by = ${v}::uuid` },
});

// Flags are columns of the incident, named here one by one (never built from what was sent).
const INCIDENT_FLAG_SQL: Record<keyof typeof FLAG_NAMES, Sql> = {
  hate: sql`r.hate`,
  domestic: sql`r.domestic`,
  alcohol: sql`r.alcohol`,
  drugs: sql`r.drugs`,
  youth: sql`r.youth`,
  vulnerable_victim: sql`r.vulnerable_victim`,
};
// Repeats (src/modules/repeats, migrations/0011): the incident is one of those that made a repeat
// victim's or a repeat location's flag. Flags are read through row-level security like everything else.
const REPEAT_FLAGS: Flag[] = [
  {
    key: 'repeat_victim',
    label: 'Repeat victim',
    where: sql`EXISTS (SELECT 1 FROM repeat_flag_incidents rfi JOIN repeat_flags rf ON rf.id = rfi.flag_id WHERE rfi.incident_id = r.id AND rf.kind = 'victim')`,
  },
  {
    key: 'repeat_location',
    label: 'Repeat location',
    where: sql`EXISTS (SELECT 1 FROM repeat_flag_incidents rfi JOIN repeat_flags rf ON rf.id = rfi.flag_id WHERE rfi.incident_id = r.id AND rf.kind = 'location')`,
  },
];
// The aggregate keeps a count per flag (one flag at a time can be read from it, not two together).
const INCIDENT_FLAG_COUNT: Record<keyof typeof FLAG_NAMES, Sql> = {
  hate: sql`a.hate`,
  domestic: sql`a.domestic`,
  alcohol: sql`a.alcohol`,
  drugs: sql`a.drugs`,
  youth: sql`a.youth`,
  vulnerable_victim: sql`a.vulnerable_victim`,
};
const incidentFlags = (): Flag[] => [
  ...(Object.keys(FLAG_NAMES) as (keyof typeof FLAG_NAMES)[]).map((k) => ({ key: k, label: FLAG_NAMES[k], where: INCIDENT_FLAG_SQL[k], monthly: INCIDENT_FLAG_COUNT[k] })),
  ...REPEAT_FLAGS,
];

// One problem reported to several agencies counts once: incidents linked by the multi-agency check
// share a problem id (incident_problems, migrations/0011); an incident linked to nothing is a problem
// of its own. incident_problems rows are visible only with their incident, so this counts the
// problems among the incidents the viewer may see.
// count(DISTINCT coalesce(problem_id, id)), computed without sorting every incident's id: each
// unlinked incident is a problem of its own, and linked ones count once per problem id.
const PROBLEMS: Measure = {
  key: 'problems',
  label: 'Problems (reports of one problem to several agencies counted once)',
  input: sql`pr.problem_id`,
  aggregate: sql`(count(*) FILTER (WHERE s.m IS NULL) + count(DISTINCT s.m))::int`,
  additive: false,
  join: sql`LEFT JOIN incident_problems pr ON pr.incident_id = r.id`,
  countOnce: { join: sql`JOIN incident_problems pr ON pr.incident_id = r.id` },
};
const INCIDENT_MEASURES: Measure[] = [COUNT, PROBLEMS];

const incidents: RecordType = {
  key: 'incidents',
  label: 'Incidents',
  noun: 'incidents',
  hint: 'Reports of anti-social behaviour, by when they happened',
  from: () => sql`incidents r`,
  date: { expr: sql`r.occurred_from`, column: 'instant', label: 'Happened' },
  filters: incidentFilters(),
  flags: incidentFlags(),
  dimensions: incidentDimensions(),
  measures: INCIDENT_MEASURES,
  defaultGroup: 'area',
  visibility: INCIDENT_VISIBILITY,
  monthly: { rows: (from, to) => sql`app_report_incident_months(${from}::date, ${to}::date)`, count: sql`a.incidents` },
};

// A person on an incident is read as a row `r` with the incident's reportable columns and the link's
// person_id and role, so that everything said of incidents above applies to it unchanged.
const INCIDENT_COPY_COLUMNS = [
  'partnership_id', 'owner_organisation_id', 'occurred_from', 'area_id', 'ward_id', 'category', 'asb_type_id',
  'source_organisation_id', 'how_reported', 'created_by', 'status', 'hate', 'domestic', 'alcohol', 'drugs', 'youth', 'vulnerable_victim',
] as const;
const copied = (alias: string) => sql.join(INCIDENT_COPY_COLUMNS.map((c) => sql.ref(`${alias}.${c}`)));

const people: RecordType = {
  key: 'people',
  label: 'People by their role on incidents',
  noun: 'people on incidents',
  hint: 'Victims, witnesses, perpetrators and reporting parties, by when the incident happened',
  // Links of incidents shared with the viewer: the links (app_report_shared_incident_people applies
  // incident_people's rule as one join) joined to the incidents through row-level security.
  from: (range) =>
    sql`(SELECT i.id, l.person_id, l.role, ${copied('i')} FROM app_report_shared_incident_people(${range.from}::timestamptz, ${range.to}::timestamptz) l JOIN incidents i ON i.id = l.incident_id) r`,
  // Links of the organisation's own incidents: each link's copy of its incident (migrations/0025),
  // one index range scan, read through its own row-level security policy.
  ownFrom: () => sql`(SELECT l.incident_id AS id, l.person_id, l.role, ${copied('l')} FROM report_incident_people l) r`,
  date: { expr: sql`r.occurred_from`, column: 'instant', label: 'Incident happened' },
  filters: {
    ...incidentFilters(),
    role: { kind: 'select', label: 'Role', vocabulary: { kind: 'fixed', names: ROLE_NAMES }, where: (v) => sql`r.role = ${v}` },
  },
  flags: incidentFlags(),
  dimensions: [category('role', 'Role', sql`r.role`, { kind: 'fixed', names: ROLE_NAMES }), ...incidentDimensions()],
  measures: [
    { ...COUNT, label: 'Times involved' },
    { key: 'people', label: 'Different people', input: sql`r.person_id`, aggregate: sql`count(DISTINCT s.m)::int`, additive: false },
  ],
  defaultGroup: 'role',
  visibility: INCIDENT_VISIBILITY,
};

const cases: RecordType = {
  key: 'cases',
  label: 'Cases',
  noun: 'cases',
  hint: 'Cases, by when they were opened',
  from: () => sql`cases r`,
  date: { expr: sql`r.opened_at`, column: 'instant', label: 'Opened' },
  filters: {
    // A case has no area of its own: it is in an area when one of its incidents the viewer can see is.
    area: {
      kind: 'select',
      label: 'Area of one of its incidents',
      vocabulary: { kind: 'list', list: 'areas' },
      where: (v) => sql`EXISTS (SELECT 1 FROM case_incidents ci JOIN incidents i ON i.id = ci.incident_id WHERE ci.case_id = r.id AND (i.area_id = ${v}::uuid OR i.ward_id = ${v}::uuid))`,
    },
    type: { kind: 'select', label: 'Case type', vocabulary: { kind: 'list', list: 'caseTypes' }, where: (v) => sql`r.case_type_id = ${v}::uuid` },
    status: { kind: 'select', label: 'Status', vocabulary: { kind: 'fixed', names: CASE_STATUS_NAMES }, where: (v) => sql`r.status = ${v}` },
    organisation: { kind: 'select', label: 'Held by', vocabulary: { kind: 'list', list: 'organisations' }, where: (v) => sql`r.owner_organisation_id = ${v}::uuid` },
    officer: { kind: 'select', label: 'Lead officer', vocabulary: { kind: 'list', list: 'officers' }, where: (v) => sql`r.lead_officer_id = ${v}::uuid` },
  },
  flags: [
    { key: 'high_priority', label: 'High priority', where: sql`r.priority = 'high'` },
    { key: 'review_overdue', label: 'Review overdue', where: sql`(r.status <> 'closed' AND r.review_date < current_date)` },
  ],
  dimensions: [
    month(sql`r.opened_at`, 'Month opened'),
    year(sql`r.opened_at`, 'Year opened'),
    category('type', 'Case type', sql`r.case_type_id`, { kind: 'list', list: 'caseTypes' }),
    category('status', 'Status', sql`r.status`, { kind: 'fixed', names: CASE_STATUS_NAMES }),
    category('priority', 'Priority', sql`r.priority`, { kind: 'fixed', names: PRIORITY_NAMES }),
    category('outcome', 'Outcome', sql`r.outcome`, { kind: 'fixed', names: OUTCOME_NAMES }),
    category('organisation', 'Held by', sql`r.owner_organisation_id`, { kind: 'list', list: 'organisations' }),
    category('officer', 'Lead officer', sql`r.lead_officer_id`, { kind: 'list', list: 'officers' }),
  ],
  measures: [COUNT],
  defaultGroup: 'status',
};

const tasks: RecordType = {
  key: 'tasks',
  label: 'Tasks',
  noun: 'tasks',
  hint: 'Tasks set by or for your organisation, by when they were set',
  from: () => sql`tasks r`,
  date: { expr: sql`r.created_at`, column: 'instant', label: 'Set' },
  filters: {
    status: { kind: 'select', label: 'Status', vocabulary: { kind: 'fixed', names: TASK_STATUS_NAMES }, where: (v) => sql`r.status = ${v}` },
    organisation: { kind: 'select', label: 'Set by', vocabulary: { kind: 'list', list: 'organisations' }, where: (v) => sql`r.owner_organisation_id = ${v}::uuid` },
    officer: { kind: 'select', label: 'Assigned to', vocabulary: { kind: 'list', list: 'officers' }, where: (v) => sql`r.assigned_user_id = ${v}::uuid` },
  },
  flags: [{ key: 'overdue', label: 'Overdue', where: sql`(r.status IN ('open', 'in_progress') AND r.due_date < current_date)` }],
  dimensions: [
    month(sql`r.created_at`, 'Month set'),
    dateMonth('due_month', sql`r.due_date`, 'Month due'),
    category('status', 'Status', sql`r.status`, { kind: 'fixed', names: TASK_STATUS_NAMES }),
    category('priority', 'Priority', sql`r.priority`, { kind: 'fixed', names: TASK_PRIORITY_NAMES }),
    category('overdue', 'Overdue', sql`coalesce(r.status IN ('open', 'in_progress') AND r.due_date < current_date, false)`, { kind: 'yesno' }),
    category('organisation', 'Set by', sql`r.owner_organisation_id`, { kind: 'list', list: 'organisations' }),
    category('officer', 'Assigned to', sql`r.assigned_user_id`, { kind: 'list', list: 'officers' }),
  ],
  measures: [COUNT],
  defaultGroup: 'status',
};

const interventions: RecordType = {
  key: 'interventions',
  label: 'Interventions',
  noun: 'interventions',
  hint: 'Warnings, agreements, notices and orders, by the date issued',
  from: () => sql`interventions r`,
  date: { expr: sql`r.issued_on`, column: 'date', label: 'Issued' },
  filters: {
    type: { kind: 'select', label: 'Kind', vocabulary: { kind: 'fixed', names: Object.fromEntries(INTERVENTION_KINDS.map((k) => [k.key, k.label])) }, where: (v) => sql`r.kind = ${v}` },
    status: { kind: 'select', label: 'Status', vocabulary: { kind: 'fixed', names: INTERVENTION_STATUS_NAMES }, where: (v) => sql`r.status = ${v}` },
    organisation: { kind: 'select', label: 'Held by', vocabulary: { kind: 'list', list: 'organisations' }, where: (v) => sql`r.owner_organisation_id = ${v}::uuid` },
    officer: { kind: 'select', label: 'Recorded by', vocabulary: { kind: 'list', list: 'officers' }, where: (v) => sql`r.created_by = ${v}::uuid` },
  },
  flags: [{ key: 'breached', label: 'Breached', where: sql`EXISTS (SELECT 1 FROM intervention_breaches b WHERE b.intervention_id = r.id)` }],
  dimensions: [
    dateMonth('month', sql`r.issued_on`, 'Month issued'),
    dateYear(sql`r.issued_on`, 'Year issued'),
    category('type', 'Kind', sql`r.kind`, { kind: 'fixed', names: Object.fromEntries(INTERVENTION_KINDS.map((k) => [k.key, k.label])) }),
    category('status', 'Status', sql`r.status`, { kind: 'fixed', names: INTERVENTION_STATUS_NAMES }),
    category('subject', 'Issued to', sql`r.subject_type`, { kind: 'fixed', names: SUBJECT_LABELS }),
    category('organisation', 'Held by', sql`r.owner_organisation_id`, { kind: 'list', list: 'organisations' }),
    category('officer', 'Recorded by', sql`r.created_by`, { kind: 'list', list: 'officers' }),
  ],
  measures: [COUNT],
  defaultGroup: 'type',
};

// Referrals (src/modules/referrals, migrations/0018): those the viewer's organisation sent or received,
// as row-level security has it. Durations are in the referrals' own timings report.
const referrals: RecordType = {
  key: 'referrals',
  label: 'Referrals between agencies',
  noun: 'referrals',
  hint: 'Referrals your organisation sent or received, by when they were sent',
  from: () => sql`referrals r`,
  date: { expr: sql`r.sent_at`, column: 'instant', label: 'Sent' },
  filters: {
    type: { kind: 'select', label: 'Kind of referral', vocabulary: { kind: 'list', list: 'referralTypes' }, where: (v) => sql`r.referral_type_id = ${v}::uuid` },
    status: { kind: 'select', label: 'Status', vocabulary: { kind: 'fixed', names: REFERRAL_STATUS_NAMES }, where: (v) => sql`r.status = ${v}` },
    source: { kind: 'select', label: 'Sent to', vocabulary: { kind: 'list', list: 'organisations' }, where: (v) => sql`r.to_organisation_id = ${v}::uuid` },
    organisation: { kind: 'select', label: 'Sent by organisation', vocabulary: { kind: 'list', list: 'organisations' }, where: (v) => sql`r.owner_organisation_id = ${v}::uuid` },
    officer: { kind: 'select', label: 'Sent by', vocabulary: { kind: 'list', list: 'officers' }, where: (v) => sql`r.sent_by = ${v}::uuid` },
  },
  flags: [{ key: 'without_consent', label: 'Shared without consent', where: sql`r.consent <> 'given'` }],
  dimensions: [
    month(sql`r.sent_at`, 'Month sent'),
    year(sql`r.sent_at`, 'Year sent'),
    category('type', 'Kind of referral', sql`r.referral_type_id`, { kind: 'list', list: 'referralTypes' }),
    category('status', 'Status', sql`r.status`, { kind: 'fixed', names: REFERRAL_STATUS_NAMES }),
    category('consent', 'Consent', sql`r.consent`, { kind: 'fixed', names: REFERRAL_CONSENT_NAMES }),
    category('to', 'Sent to', sql`r.to_organisation_id`, { kind: 'list', list: 'organisations' }),
    category('organisation', 'Sent by organisation', sql`r.owner_organisation_id`, { kind: 'list', list: 'organisations' }),
    category('officer', 'Sent by', sql`r.sent_by`, { kind: 'list', list: 'officers' }),
  ],
  measures: [COUNT],
  defaultGroup: 'type',
};

export const RECORD_TYPES: RecordType[] = [incidents, people, cases, tasks, interventions, referrals];
export const recordType = (key: string): RecordType | undefined => RECORD_TYPES.find((t) => t.key === key);
