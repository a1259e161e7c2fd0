-- ASB recording and case management: partnership lists, the gazetteer, incidents, people's details,
-- vehicles, businesses, cases, tasks, risk assessments, interventions, letters and documents.
-- Every record type is protected by row-level security in the same way as people (0001).

-- Records of one type shared with the acting user, as a set: used as `id IN (SELECT ...)` so the
-- planner computes it once per query (a hashed subplan) instead of once per row.
CREATE FUNCTION app_shared_ids(p_type text, p_access text) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT s.record_id FROM record_shares s
    WHERE s.record_type = p_type
      AND s.revoked_at IS NULL
      AND (s.expires_at IS NULL OR s.expires_at > now())
      AND (p_access = 'view' OR s.access = 'edit')
      AND (s.to_organisation_id = app_org_id() OR s.to_user_id = app_user_id() OR s.to_team_id = ANY (app_team_ids()))
  $$;

CREATE FUNCTION app_partnership_id() RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$ SELECT o.partnership_id FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.id = app_user_id() $$;

-- People: the same rule, in the set form.
DROP POLICY people_select ON people;
DROP POLICY people_update ON people;
CREATE POLICY people_select ON people FOR SELECT TO endeavour_app USING (
  owner_organisation_id = (SELECT app_org_id()) OR id IN (SELECT app_shared_ids('person', 'view'))
);
CREATE POLICY people_update ON people FOR UPDATE TO endeavour_app
  USING (owner_organisation_id = (SELECT app_org_id()) OR id IN (SELECT app_shared_ids('person', 'edit')))
  WITH CHECK (owner_organisation_id = (SELECT app_org_id()) OR id IN (SELECT app_shared_ids('person', 'edit')));

-- Partnership configuration ------------------------------------------------------------------------

CREATE TABLE asb_types (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  category text NOT NULL CHECK (category IN ('personal', 'nuisance', 'environmental')),
  name text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  sort integer NOT NULL DEFAULT 0,
  UNIQUE (partnership_id, name)
);

CREATE TABLE case_types (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  name text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  sort integer NOT NULL DEFAULT 0,
  UNIQUE (partnership_id, name)
);

-- Which optional fields the partnership's minimum standards make mandatory, per form.
CREATE TABLE required_fields (
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  form text NOT NULL,
  field text NOT NULL,
  PRIMARY KEY (partnership_id, form, field)
);

-- The gazetteer: the partnership's LLPG/AddressBase extract. Reference data, not personal data, so
-- readable by every user of the partnership; loaded by `endeavour import gazetteer`.
CREATE TABLE gazetteer_addresses (
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  uprn bigint NOT NULL,
  line_1 text NOT NULL,
  line_2 text,
  line_3 text,
  town text,
  postcode text,
  postcode_key text,
  easting double precision,
  northing double precision,
  latitude double precision,
  longitude double precision,
  area_id uuid REFERENCES areas(id),
  ward_id uuid REFERENCES areas(id),
  single_line text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (partnership_id, uprn)
);
CREATE INDEX gazetteer_postcode ON gazetteer_addresses (partnership_id, postcode_key);
CREATE INDEX gazetteer_text_trgm ON gazetteer_addresses USING gin (lower(single_line) gin_trgm_ops);

-- Area boundaries (GeoJSON geometry, WGS84) used to derive an address's district and ward.
CREATE TABLE area_boundaries (
  area_id uuid PRIMARY KEY REFERENCES areas(id) ON DELETE CASCADE,
  geometry jsonb NOT NULL,
  min_lon double precision NOT NULL,
  min_lat double precision NOT NULL,
  max_lon double precision NOT NULL,
  max_lat double precision NOT NULL
);

-- People: everything an officer needs to know about someone -------------------------------------

ALTER TABLE people
  ADD COLUMN estimated_age integer CHECK (estimated_age BETWEEN 0 AND 130),
  ADD COLUMN estimated_age_on date,
  ADD COLUMN contact_preference text,
  ADD COLUMN communication_needs text,
  ADD COLUMN preferred_language text,
  ADD COLUMN vulnerabilities text[] NOT NULL DEFAULT '{}',
  ADD COLUMN warning_markers text[] NOT NULL DEFAULT '{}',
  ADD COLUMN pnc_id text,
  ADD COLUMN nhs_number text,
  ADD COLUMN ni_number text,
  ADD COLUMN name_key text GENERATED ALWAYS AS (lower(first_name || ' ' || last_name)) STORED;
CREATE INDEX people_partnership_name ON people (partnership_id, last_name, first_name);
CREATE INDEX people_metaphone ON people (partnership_id, dmetaphone(last_name), dmetaphone(first_name));
CREATE INDEX people_dob ON people (partnership_id, date_of_birth);
CREATE INDEX people_identifiers ON people (pnc_id, nhs_number, ni_number);

-- A person's children are visible exactly when the person is (the subquery runs under people's policy).
CREATE TABLE person_aliases (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  first_name text,
  last_name text NOT NULL,
  kind text NOT NULL DEFAULT 'alias' CHECK (kind IN ('alias', 'maiden_name', 'previous_name', 'nickname')),
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX person_aliases_person ON person_aliases (person_id);
CREATE INDEX person_aliases_name_trgm ON person_aliases USING gin (lower(coalesce(first_name, '') || ' ' || last_name) gin_trgm_ops);

CREATE TABLE person_addresses (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  uprn bigint,
  address text NOT NULL,
  postcode text,
  postcode_key text,
  from_date date,
  to_date date,
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX person_addresses_person ON person_addresses (person_id);
CREATE INDEX person_addresses_postcode ON person_addresses (postcode_key);
CREATE INDEX person_addresses_uprn ON person_addresses (uprn);

CREATE TABLE person_links (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  other_person_id uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  relationship text NOT NULL,
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (person_id <> other_person_id)
);
CREATE INDEX person_links_person ON person_links (person_id);
CREATE INDEX person_links_other ON person_links (other_person_id);

-- Vehicles and businesses as subjects ------------------------------------------------------------

CREATE TABLE vehicles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  owner_organisation_id uuid NOT NULL REFERENCES organisations(id),
  vrm text NOT NULL,
  vrm_key text NOT NULL,
  make text,
  model text,
  colour text,
  notes text,
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1
);
CREATE INDEX vehicles_vrm ON vehicles (partnership_id, vrm_key);
CREATE INDEX vehicles_owner ON vehicles (owner_organisation_id);

CREATE TABLE businesses (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  owner_organisation_id uuid NOT NULL REFERENCES organisations(id),
  name text NOT NULL,
  kind text,
  uprn bigint,
  address text,
  postcode text,
  postcode_key text,
  phone text,
  notes text,
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1
);
CREATE INDEX businesses_owner ON businesses (owner_organisation_id);
CREATE INDEX businesses_name_trgm ON businesses USING gin (lower(name) gin_trgm_ops);

-- Incidents ----------------------------------------------------------------------------------------

CREATE SEQUENCE incident_reference_seq;
CREATE TABLE incidents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  owner_organisation_id uuid NOT NULL REFERENCES organisations(id),
  reference text NOT NULL DEFAULT ('INC-' || lpad(nextval('incident_reference_seq')::text, 7, '0')),
  occurred_from timestamptz NOT NULL,
  occurred_to timestamptz,
  reported_at timestamptz NOT NULL,
  how_reported text NOT NULL CHECK (how_reported IN ('police_call', 'council_phone', 'council_online', 'public_online',
    'partner_referral', 'in_person', 'email', 'police_import', 'other')),
  source_organisation_id uuid REFERENCES organisations(id),
  police_log_number text,
  crime_number text,
  category text NOT NULL CHECK (category IN ('personal', 'nuisance', 'environmental')),
  asb_type_id uuid REFERENCES asb_types(id),
  description text NOT NULL,
  mo text,
  uprn bigint,
  location_text text,
  postcode text,
  postcode_key text,
  latitude double precision,
  longitude double precision,
  easting double precision,
  northing double precision,
  area_id uuid REFERENCES areas(id),
  ward_id uuid REFERENCES areas(id),
  hate boolean NOT NULL DEFAULT false,
  hate_strands text[] NOT NULL DEFAULT '{}',
  domestic boolean NOT NULL DEFAULT false,
  alcohol boolean NOT NULL DEFAULT false,
  drugs boolean NOT NULL DEFAULT false,
  youth boolean NOT NULL DEFAULT false,
  vulnerable_victim boolean NOT NULL DEFAULT false,
  consent_to_share boolean,
  consent_to_refer boolean,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  CHECK (occurred_to IS NULL OR occurred_to >= occurred_from)
);
CREATE UNIQUE INDEX incidents_reference ON incidents (reference);
CREATE INDEX incidents_owner_reported ON incidents (owner_organisation_id, reported_at DESC);
CREATE INDEX incidents_partnership_reported ON incidents (partnership_id, reported_at DESC);
CREATE INDEX incidents_area_reported ON incidents (area_id, reported_at);
CREATE INDEX incidents_uprn ON incidents (uprn) WHERE uprn IS NOT NULL;
CREATE INDEX incidents_postcode ON incidents (postcode_key) WHERE postcode_key IS NOT NULL;
CREATE INDEX incidents_crime_number ON incidents (crime_number) WHERE crime_number IS NOT NULL;
CREATE INDEX incidents_police_log ON incidents (police_log_number) WHERE police_log_number IS NOT NULL;

CREATE TABLE incident_people (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  incident_id uuid NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  person_id uuid NOT NULL REFERENCES people(id),
  role text NOT NULL CHECK (role IN ('victim', 'witness', 'perpetrator', 'reporting_party', 'other')),
  notes text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (incident_id, person_id, role)
);
CREATE INDEX incident_people_person ON incident_people (person_id, role);

CREATE TABLE incident_vehicles (
  incident_id uuid NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  vehicle_id uuid NOT NULL REFERENCES vehicles(id),
  notes text,
  PRIMARY KEY (incident_id, vehicle_id)
);
CREATE INDEX incident_vehicles_vehicle ON incident_vehicles (vehicle_id);

CREATE TABLE incident_businesses (
  incident_id uuid NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  business_id uuid NOT NULL REFERENCES businesses(id),
  role text NOT NULL DEFAULT 'subject' CHECK (role IN ('subject', 'victim', 'location', 'reporting_party')),
  PRIMARY KEY (incident_id, business_id, role)
);
CREATE INDEX incident_businesses_business ON incident_businesses (business_id);

-- Cases --------------------------------------------------------------------------------------------

CREATE SEQUENCE case_reference_seq;
CREATE TABLE cases (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  owner_organisation_id uuid NOT NULL REFERENCES organisations(id),
  reference text NOT NULL DEFAULT ('CASE-' || lpad(nextval('case_reference_seq')::text, 6, '0')),
  case_type_id uuid REFERENCES case_types(id),
  title text NOT NULL,
  summary text,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'on_hold', 'closed')),
  outcome text,
  outcome_notes text,
  priority text NOT NULL DEFAULT 'standard' CHECK (priority IN ('standard', 'medium', 'high')),
  lead_officer_id uuid REFERENCES users(id),
  supervisor_id uuid REFERENCES users(id),
  review_date date,
  opened_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz,
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX cases_reference ON cases (reference);
CREATE INDEX cases_owner_status ON cases (owner_organisation_id, status, review_date);
CREATE INDEX cases_lead ON cases (lead_officer_id, status);
CREATE INDEX cases_title_trgm ON cases USING gin (lower(title) gin_trgm_ops);

CREATE TABLE case_incidents (
  case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  incident_id uuid NOT NULL REFERENCES incidents(id),
  added_by uuid NOT NULL REFERENCES users(id),
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, incident_id)
);
CREATE INDEX case_incidents_incident ON case_incidents (incident_id);

CREATE TABLE case_notes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  body text NOT NULL,
  kind text NOT NULL DEFAULT 'note' CHECK (kind IN ('note', 'supervision', 'status_change')),
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_notes_case ON case_notes (case_id, created_at);

CREATE TABLE case_links (
  case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  other_case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  reason text,
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, other_case_id),
  CHECK (case_id <> other_case_id)
);

-- Tasks: visible to the organisation that set them and to whoever they are assigned to. ------------

CREATE TABLE tasks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  owner_organisation_id uuid NOT NULL REFERENCES organisations(id),
  case_id uuid REFERENCES cases(id),
  incident_id uuid REFERENCES incidents(id),
  intervention_id uuid,
  title text NOT NULL,
  details text,
  assigned_user_id uuid REFERENCES users(id),
  assigned_team_id uuid REFERENCES teams(id),
  assigned_organisation_id uuid REFERENCES organisations(id),
  due_date date,
  priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
  completion_notes text,
  completed_by uuid REFERENCES users(id),
  completed_at timestamptz,
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  CHECK (num_nonnulls(assigned_user_id, assigned_team_id, assigned_organisation_id) >= 1)
);
CREATE INDEX tasks_assigned_user ON tasks (assigned_user_id, status, due_date);
CREATE INDEX tasks_assigned_team ON tasks (assigned_team_id, status, due_date);
CREATE INDEX tasks_assigned_org ON tasks (assigned_organisation_id, status, due_date);
CREATE INDEX tasks_case ON tasks (case_id);
CREATE INDEX tasks_incident ON tasks (incident_id);
CREATE INDEX tasks_owner ON tasks (owner_organisation_id, status, due_date);

-- Risk assessments ---------------------------------------------------------------------------------

-- Questionnaire definitions are versioned data: a new version is a new row, so every assessment
-- keeps the exact questions and scoring it was made with.
CREATE TABLE risk_questionnaires (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid REFERENCES partnerships(id),
  key text NOT NULL,
  version integer NOT NULL,
  name text NOT NULL,
  definition jsonb NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX risk_questionnaires_key_version ON risk_questionnaires (coalesce(partnership_id, '00000000-0000-0000-0000-000000000000'::uuid), key, version);

CREATE TABLE risk_assessments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  owner_organisation_id uuid NOT NULL REFERENCES organisations(id),
  questionnaire_id uuid NOT NULL REFERENCES risk_questionnaires(id),
  person_id uuid NOT NULL REFERENCES people(id),
  incident_id uuid REFERENCES incidents(id),
  case_id uuid REFERENCES cases(id),
  answers jsonb NOT NULL,
  score integer NOT NULL,
  yes_count integer NOT NULL,
  computed_band text NOT NULL CHECK (computed_band IN ('standard', 'medium', 'high')),
  override_band text CHECK (override_band IN ('standard', 'medium', 'high')),
  override_rationale text,
  final_band text NOT NULL CHECK (final_band IN ('standard', 'medium', 'high')),
  marac_suggested boolean NOT NULL DEFAULT false,
  assessed_by uuid NOT NULL REFERENCES users(id),
  assessed_at timestamptz NOT NULL DEFAULT now(),
  CHECK (override_band IS NULL OR length(trim(coalesce(override_rationale, ''))) > 0)
);
CREATE INDEX risk_assessments_person ON risk_assessments (person_id, assessed_at DESC);
CREATE INDEX risk_assessments_case ON risk_assessments (case_id);
CREATE INDEX risk_assessments_incident ON risk_assessments (incident_id);

-- Interventions: the incremental approach and the 2014 Act's powers ---------------------------------

CREATE TABLE interventions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  owner_organisation_id uuid NOT NULL REFERENCES organisations(id),
  case_id uuid REFERENCES cases(id),
  subject_type text NOT NULL CHECK (subject_type IN ('person', 'household', 'business')),
  person_id uuid REFERENCES people(id),
  business_id uuid REFERENCES businesses(id),
  household_address text,
  kind text NOT NULL,
  issued_on date NOT NULL,
  expires_on date,
  review_on date,
  conditions text,
  status text NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'complied', 'breached', 'varied', 'discharged', 'expired')),
  notes text,
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  CHECK ((subject_type = 'person' AND person_id IS NOT NULL) OR (subject_type = 'business' AND business_id IS NOT NULL)
    OR (subject_type = 'household' AND household_address IS NOT NULL))
);
CREATE INDEX interventions_case ON interventions (case_id);
CREATE INDEX interventions_person ON interventions (person_id);
CREATE INDEX interventions_owner ON interventions (owner_organisation_id, status, expires_on);
ALTER TABLE tasks ADD CONSTRAINT tasks_intervention FOREIGN KEY (intervention_id) REFERENCES interventions(id);

CREATE TABLE intervention_breaches (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  intervention_id uuid NOT NULL REFERENCES interventions(id) ON DELETE CASCADE,
  occurred_on date NOT NULL,
  details text NOT NULL,
  action_taken text,
  recorded_by uuid NOT NULL REFERENCES users(id),
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX intervention_breaches_intervention ON intervention_breaches (intervention_id);

-- Letter templates: the partnership's own Word documents with merge fields.
CREATE TABLE letter_templates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  name text NOT NULL,
  intervention_kind text,
  filename text NOT NULL,
  content bytea NOT NULL,
  active boolean NOT NULL DEFAULT true,
  uploaded_by uuid REFERENCES users(id),
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  UNIQUE (partnership_id, name)
);

-- Documents: generated letters and uploads, stored with the record they belong to and protected like it.
CREATE TABLE documents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  owner_organisation_id uuid NOT NULL REFERENCES organisations(id),
  case_id uuid REFERENCES cases(id),
  incident_id uuid REFERENCES incidents(id),
  person_id uuid REFERENCES people(id),
  intervention_id uuid REFERENCES interventions(id),
  kind text NOT NULL CHECK (kind IN ('letter', 'upload')),
  title text NOT NULL,
  filename text NOT NULL,
  content_type text NOT NULL,
  size_bytes integer NOT NULL,
  sha256 text NOT NULL,
  content bytea NOT NULL,
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (num_nonnulls(case_id, incident_id, person_id, intervention_id) >= 1)
);
CREATE INDEX documents_case ON documents (case_id);
CREATE INDEX documents_incident ON documents (incident_id);
CREATE INDEX documents_person ON documents (person_id);

-- Row-level security for every new record type ---------------------------------------------------

-- Owned records: seen by the owner organisation or through a share; changed by the owner or an edit share.
DO $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES ('vehicles', 'vehicle'), ('businesses', 'business'), ('incidents', 'incident'),
      ('cases', 'case'), ('risk_assessments', 'risk_assessment'), ('interventions', 'intervention'),
      ('documents', 'document')) AS v(tbl, kind)
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t.tbl);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t.tbl);
    EXECUTE format($p$CREATE POLICY %I ON %I FOR SELECT TO endeavour_app USING (
      owner_organisation_id = (SELECT app_org_id()) OR id IN (SELECT app_shared_ids(%L, 'view')))$p$,
      t.tbl || '_select', t.tbl, t.kind);
    EXECUTE format($p$CREATE POLICY %I ON %I FOR INSERT TO endeavour_app WITH CHECK (
      owner_organisation_id = (SELECT app_org_id()) AND partnership_id = (SELECT app_partnership_id()))$p$,
      t.tbl || '_insert', t.tbl);
    EXECUTE format($p$CREATE POLICY %I ON %I FOR UPDATE TO endeavour_app
      USING (owner_organisation_id = (SELECT app_org_id()) OR id IN (SELECT app_shared_ids(%L, 'edit')))
      WITH CHECK (owner_organisation_id = (SELECT app_org_id()) OR id IN (SELECT app_shared_ids(%L, 'edit')))$p$,
      t.tbl || '_update', t.tbl, t.kind, t.kind);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON %I TO endeavour_app', t.tbl);
  END LOOP;
END $$;

-- Tasks: also seen, and updated, by whoever they are assigned to.
ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY tasks_select ON tasks FOR SELECT TO endeavour_app USING (
  owner_organisation_id = (SELECT app_org_id())
  OR assigned_organisation_id = (SELECT app_org_id())
  OR assigned_user_id = (SELECT app_user_id())
  OR assigned_team_id = ANY (app_team_ids())
  OR id IN (SELECT app_shared_ids('task', 'view'))
);
CREATE POLICY tasks_insert ON tasks FOR INSERT TO endeavour_app WITH CHECK (
  owner_organisation_id = (SELECT app_org_id()) AND partnership_id = (SELECT app_partnership_id())
);
CREATE POLICY tasks_update ON tasks FOR UPDATE TO endeavour_app
  USING (owner_organisation_id = (SELECT app_org_id()) OR assigned_organisation_id = (SELECT app_org_id())
    OR assigned_user_id = (SELECT app_user_id()) OR assigned_team_id = ANY (app_team_ids())
    OR id IN (SELECT app_shared_ids('task', 'edit')))
  WITH CHECK (partnership_id = (SELECT app_partnership_id()));
GRANT SELECT, INSERT, UPDATE ON tasks TO endeavour_app;

-- Children of a record are visible, and writable, exactly when their parent is: each policy's
-- subquery runs under the parent table's own policy.
DO $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES
      ('person_aliases', 'people', 'person_id'), ('person_addresses', 'people', 'person_id'),
      ('person_links', 'people', 'person_id'), ('incident_people', 'incidents', 'incident_id'),
      ('incident_vehicles', 'incidents', 'incident_id'), ('incident_businesses', 'incidents', 'incident_id'),
      ('case_incidents', 'cases', 'case_id'), ('case_notes', 'cases', 'case_id'), ('case_links', 'cases', 'case_id'),
      ('intervention_breaches', 'interventions', 'intervention_id')) AS v(tbl, parent, fk)
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t.tbl);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t.tbl);
    EXECUTE format('CREATE POLICY %I ON %I FOR ALL TO endeavour_app USING (EXISTS (SELECT 1 FROM %I p WHERE p.id = %I)) WITH CHECK (EXISTS (SELECT 1 FROM %I p WHERE p.id = %I))',
      t.tbl || '_via_parent', t.tbl, t.parent, t.fk, t.parent, t.fk);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO endeavour_app', t.tbl);
  END LOOP;
END $$;

-- The owner of any protected record, for the sharing table's policies.
CREATE OR REPLACE FUNCTION app_record_owner(p_type text, p_id uuid) RETURNS uuid
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    RETURN CASE p_type
      WHEN 'person' THEN (SELECT owner_organisation_id FROM people WHERE id = p_id)
      WHEN 'incident' THEN (SELECT owner_organisation_id FROM incidents WHERE id = p_id)
      WHEN 'case' THEN (SELECT owner_organisation_id FROM cases WHERE id = p_id)
      WHEN 'vehicle' THEN (SELECT owner_organisation_id FROM vehicles WHERE id = p_id)
      WHEN 'business' THEN (SELECT owner_organisation_id FROM businesses WHERE id = p_id)
      WHEN 'task' THEN (SELECT owner_organisation_id FROM tasks WHERE id = p_id)
      WHEN 'risk_assessment' THEN (SELECT owner_organisation_id FROM risk_assessments WHERE id = p_id)
      WHEN 'intervention' THEN (SELECT owner_organisation_id FROM interventions WHERE id = p_id)
      WHEN 'document' THEN (SELECT owner_organisation_id FROM documents WHERE id = p_id)
      ELSE NULL
    END;
  END $$;

-- Configuration and reference tables: readable by the app, changed only through admin pages.
GRANT SELECT, INSERT, UPDATE, DELETE ON asb_types, case_types, required_fields, gazetteer_addresses, area_boundaries,
  letter_templates TO endeavour_app;
GRANT SELECT ON risk_questionnaires TO endeavour_app;
GRANT USAGE ON SEQUENCE incident_reference_seq, case_reference_seq TO endeavour_app;
