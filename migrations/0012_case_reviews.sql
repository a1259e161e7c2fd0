-- ASB Case Review (formerly the Community Trigger, Anti-social Behaviour, Crime and Policing Act 2014
-- s.104): each partnership's threshold and timescales as data, the alerts raised when a victim meets
-- the threshold, and the case review itself as a protected record type. docs/case-reviews.md explains
-- the rules in full.

-- The partnership's threshold and timescales ------------------------------------------------------

-- One row per partnership, written by its administrators; a partnership without a row uses the
-- defaults below (the statutory position and the timescales in docs/case-reviews.md). The checks keep
-- any local threshold at least as generous as the statutory one: never more than three complaints,
-- never a window shorter than six months.
CREATE TABLE case_review_settings (
  partnership_id uuid PRIMARY KEY REFERENCES partnerships(id),
  complaints integer NOT NULL DEFAULT 3 CHECK (complaints BETWEEN 1 AND 3),
  window_months integer NOT NULL DEFAULT 6 CHECK (window_months BETWEEN 6 AND 24),
  hate_complaints integer CHECK (hate_complaints BETWEEN 1 AND 3),
  community_people integer CHECK (community_people BETWEEN 2 AND 50),
  decision_working_days integer NOT NULL DEFAULT 5 CHECK (decision_working_days BETWEEN 1 AND 60),
  meeting_working_days integer NOT NULL DEFAULT 15 CHECK (meeting_working_days BETWEEN 1 AND 60),
  response_working_days integer NOT NULL DEFAULT 5 CHECK (response_working_days BETWEEN 1 AND 60),
  updated_by uuid REFERENCES users(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1
);
ALTER TABLE case_review_settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY case_review_settings_partnership ON case_review_settings FOR ALL TO endeavour_app
  USING (partnership_id = (SELECT app_partnership_id()))
  WITH CHECK (partnership_id = (SELECT app_partnership_id()));
GRANT SELECT, INSERT, UPDATE ON case_review_settings TO endeavour_app;

-- Alerts -------------------------------------------------------------------------------------------

-- Raised only by case_review_check() below (the app role may not insert), so an alert always means
-- the threshold was really met. Visible, and dismissible, exactly when its person is visible.
CREATE TABLE case_review_alerts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  person_id uuid NOT NULL REFERENCES people(id),
  incident_id uuid NOT NULL REFERENCES incidents(id),
  rules text[] NOT NULL CHECK (rules <@ ARRAY['complaints', 'hate', 'community']::text[] AND cardinality(rules) > 0),
  complaints integer NOT NULL,
  window_months integer NOT NULL,
  first_complaint_at timestamptz NOT NULL,
  last_complaint_at timestamptz NOT NULL,
  raised_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'dismissed', 'application')),
  dismissed_reason text,
  dismissed_by uuid REFERENCES users(id),
  dismissed_at timestamptz,
  case_review_id uuid,
  version integer NOT NULL DEFAULT 1,
  CHECK (status <> 'dismissed' OR length(trim(coalesce(dismissed_reason, ''))) > 0)
);
CREATE INDEX case_review_alerts_person ON case_review_alerts (person_id, last_complaint_at DESC);
CREATE INDEX case_review_alerts_open ON case_review_alerts (partnership_id, raised_at DESC) WHERE status = 'open';
CREATE INDEX case_review_alerts_incident ON case_review_alerts (incident_id);

ALTER TABLE case_review_alerts ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_review_alerts FORCE ROW LEVEL SECURITY;
CREATE POLICY case_review_alerts_select ON case_review_alerts FOR SELECT TO endeavour_app
  USING (EXISTS (SELECT 1 FROM people p WHERE p.id = person_id));
CREATE POLICY case_review_alerts_update ON case_review_alerts FOR UPDATE TO endeavour_app
  USING (EXISTS (SELECT 1 FROM people p WHERE p.id = person_id))
  WITH CHECK (EXISTS (SELECT 1 FROM people p WHERE p.id = person_id));
GRANT SELECT, UPDATE ON case_review_alerts TO endeavour_app;
-- The one writer: case_review_check(), running as endeavour_definer.
CREATE POLICY case_review_alerts_definer_insert ON case_review_alerts FOR INSERT TO endeavour_definer WITH CHECK (true);
GRANT INSERT ON case_review_alerts TO endeavour_definer;

-- The case review ----------------------------------------------------------------------------------

CREATE SEQUENCE case_review_reference_seq;
CREATE TABLE case_reviews (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  owner_organisation_id uuid NOT NULL REFERENCES organisations(id),
  reference text NOT NULL DEFAULT ('CR-' || lpad(nextval('case_review_reference_seq')::text, 6, '0')),
  -- The victim the review is about; the applicant is the victim or someone on their behalf.
  person_id uuid NOT NULL REFERENCES people(id),
  alert_id uuid REFERENCES case_review_alerts(id),
  applicant_kind text NOT NULL CHECK (applicant_kind IN ('victim', 'on_behalf')),
  applicant_name text,
  applicant_relationship text CHECK (applicant_relationship IN ('councillor', 'mp', 'relative', 'advocate', 'landlord', 'other')),
  consent_confirmed boolean NOT NULL DEFAULT false,
  received_on date NOT NULL,
  how_received text NOT NULL CHECK (how_received IN ('online_form', 'phone', 'email', 'letter', 'in_person', 'other')),
  application_summary text,
  -- Threshold decision
  decision_due_on date NOT NULL,
  decision text CHECK (decision IN ('met', 'not_met')),
  decision_reasons text,
  decided_by uuid REFERENCES users(id),
  decided_on date,
  -- Review meeting (only when the threshold is met)
  meeting_due_on date,
  meeting_on date,
  meeting_organisation_ids uuid[] NOT NULL DEFAULT '{}',
  meeting_other_agencies text,
  meeting_summary text,
  -- Response to the applicant
  response_due_on date,
  response_on date,
  response_method text CHECK (response_method IN ('letter', 'email', 'phone', 'meeting', 'other')),
  response_summary text,
  -- The applicant's right to escalate (for example to the Police and Crime Commissioner)
  escalation_requested_on date,
  escalation_outcome text,
  escalation_outcome_on date,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  closed_on date,
  closure_notes text,
  -- What is due next and when, kept by the service so lists sort overdue work first from an index.
  next_due_on date,
  next_due_stage text,
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  CHECK (applicant_kind = 'victim' OR length(trim(coalesce(applicant_name, ''))) > 0),
  CHECK (decision IS NULL OR (decided_on IS NOT NULL AND length(trim(coalesce(decision_reasons, ''))) > 0)),
  CHECK (meeting_on IS NULL OR decision = 'met'),
  CHECK (status <> 'closed' OR (closed_on IS NOT NULL AND response_on IS NOT NULL))
);
CREATE UNIQUE INDEX case_reviews_reference ON case_reviews (reference);
CREATE INDEX case_reviews_owner_due ON case_reviews (owner_organisation_id, status, next_due_on);
CREATE INDEX case_reviews_person ON case_reviews (person_id);
CREATE INDEX case_reviews_alert ON case_reviews (alert_id) WHERE alert_id IS NOT NULL;
ALTER TABLE case_review_alerts ADD CONSTRAINT case_review_alerts_case_review FOREIGN KEY (case_review_id) REFERENCES case_reviews(id);

ALTER TABLE case_reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_reviews FORCE ROW LEVEL SECURITY;
CREATE POLICY case_reviews_select ON case_reviews FOR SELECT TO endeavour_app USING (
  owner_organisation_id = (SELECT app_org_id()) OR id IN (SELECT app_shared_ids('case_review', 'view')));
-- A review is opened only about a person the applicant's organisation can see.
CREATE POLICY case_reviews_insert ON case_reviews FOR INSERT TO endeavour_app WITH CHECK (
  owner_organisation_id = (SELECT app_org_id()) AND partnership_id = (SELECT app_partnership_id())
  AND created_by = (SELECT app_user_id()) AND EXISTS (SELECT 1 FROM people x WHERE x.id = person_id));
CREATE POLICY case_reviews_update ON case_reviews FOR UPDATE TO endeavour_app
  USING (owner_organisation_id = (SELECT app_org_id()) OR id IN (SELECT app_shared_ids('case_review', 'edit')))
  WITH CHECK (owner_organisation_id = (SELECT app_org_id()) OR id IN (SELECT app_shared_ids('case_review', 'edit')));
GRANT SELECT, INSERT, UPDATE ON case_reviews TO endeavour_app;
GRANT USAGE ON SEQUENCE case_review_reference_seq TO endeavour_app;

-- Whether the acting user may change a case review (runs as the caller, so the select policy applies).
CREATE FUNCTION app_can_edit_case_review(p_id uuid) RETURNS boolean
  LANGUAGE sql STABLE SET search_path = public
  AS $$
    SELECT EXISTS (
      SELECT 1 FROM case_reviews r
      WHERE r.id = p_id
        AND (r.owner_organisation_id = (SELECT app_org_id()) OR r.id IN (SELECT app_shared_ids('case_review', 'edit')))
    )
  $$;

-- The incidents complained about: visible with the review; changed only by those who may change the
-- review, and only naming incidents they can see.
CREATE TABLE case_review_incidents (
  case_review_id uuid NOT NULL REFERENCES case_reviews(id) ON DELETE CASCADE,
  incident_id uuid NOT NULL REFERENCES incidents(id),
  added_by uuid NOT NULL REFERENCES users(id),
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_review_id, incident_id)
);
CREATE INDEX case_review_incidents_incident ON case_review_incidents (incident_id);
ALTER TABLE case_review_incidents ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_review_incidents FORCE ROW LEVEL SECURITY;
CREATE POLICY case_review_incidents_select ON case_review_incidents FOR SELECT TO endeavour_app
  USING (EXISTS (SELECT 1 FROM case_reviews p WHERE p.id = case_review_id));
CREATE POLICY case_review_incidents_insert ON case_review_incidents FOR INSERT TO endeavour_app
  WITH CHECK (app_can_edit_case_review(case_review_id) AND EXISTS (SELECT 1 FROM incidents x WHERE x.id = incident_id));
CREATE POLICY case_review_incidents_delete ON case_review_incidents FOR DELETE TO endeavour_app
  USING (app_can_edit_case_review(case_review_id));
GRANT SELECT, INSERT, DELETE ON case_review_incidents TO endeavour_app;

CREATE TABLE case_review_recommendations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_review_id uuid NOT NULL REFERENCES case_reviews(id) ON DELETE CASCADE,
  body text NOT NULL CHECK (length(trim(body)) > 0),
  responsible_organisation_id uuid NOT NULL REFERENCES organisations(id),
  due_on date NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done', 'not_done')),
  progress_notes text,
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1
);
CREATE INDEX case_review_recommendations_review ON case_review_recommendations (case_review_id, created_at);
ALTER TABLE case_review_recommendations ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_review_recommendations FORCE ROW LEVEL SECURITY;
CREATE POLICY case_review_recommendations_select ON case_review_recommendations FOR SELECT TO endeavour_app
  USING (EXISTS (SELECT 1 FROM case_reviews p WHERE p.id = case_review_id));
CREATE POLICY case_review_recommendations_insert ON case_review_recommendations FOR INSERT TO endeavour_app
  WITH CHECK (app_can_edit_case_review(case_review_id));
CREATE POLICY case_review_recommendations_update ON case_review_recommendations FOR UPDATE TO endeavour_app
  USING (app_can_edit_case_review(case_review_id)) WITH CHECK (app_can_edit_case_review(case_review_id));
GRANT SELECT, INSERT, UPDATE ON case_review_recommendations TO endeavour_app;

-- The owner of any protected record, for the sharing table's policies: 0003's list and case reviews.
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
      WHEN 'case_review' THEN (SELECT owner_organisation_id FROM case_reviews WHERE id = p_id)
      ELSE NULL
    END;
  END $$;

-- Counting complaints across the whole partnership ------------------------------------------------

-- Why SECURITY DEFINER: the threshold is about everything the partnership holds on the victim, not only
-- what the recording user may see (no agency could see that "isolated" incidents were the same victim
-- again and again). These functions read every incident but hand back only numbers.

-- A person's complaints where they are the victim or the reporting party, reported from p_from and
-- after p_after. Each incident counts once whatever roles the person has on it, and incidents linked
-- as one problem reported to several agencies (incident_problems, 0011) count once together.
CREATE FUNCTION case_review_person_complaints(p_person uuid, p_from timestamptz, p_after timestamptz, p_hate_only boolean)
  RETURNS TABLE (complaints integer, first_at timestamptz, last_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT count(DISTINCT coalesce(pr.problem_id, i.id))::integer, min(i.reported_at), max(i.reported_at)
    FROM incident_people ip
    JOIN incidents i ON i.id = ip.incident_id
    JOIN people p ON p.id = ip.person_id AND p.partnership_id = i.partnership_id
    LEFT JOIN incident_problems pr ON pr.incident_id = i.id
    WHERE ip.person_id = p_person
      AND ip.role IN ('victim', 'reporting_party')
      AND i.reported_at >= p_from
      AND (p_after IS NULL OR i.reported_at > p_after)
      AND (NOT p_hate_only OR i.hate)
  $$;

-- Different people complaining about the same place: the same UPRN, or the same postcode when the
-- incident has no UPRN.
CREATE FUNCTION case_review_place_complainants(p_partnership uuid, p_uprn bigint, p_postcode_key text,
    p_from timestamptz, p_after timestamptz)
  RETURNS integer
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT count(DISTINCT ip.person_id)::integer
    FROM incidents i
    JOIN incident_people ip ON ip.incident_id = i.id AND ip.role IN ('victim', 'reporting_party')
    WHERE i.partnership_id = p_partnership
      AND ((p_uprn IS NOT NULL AND i.uprn = p_uprn)
        OR (p_uprn IS NULL AND p_postcode_key IS NOT NULL AND i.postcode_key = p_postcode_key))
      AND i.reported_at >= p_from
      AND (p_after IS NULL OR i.reported_at > p_after)
  $$;

-- The one count the app may ask for: a person's complaints in the last p_months, across the
-- partnership, for a person the caller can see (null otherwise). Only a number comes back.
CREATE FUNCTION case_review_complaint_count(p_person uuid, p_months integer) RETURNS integer
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM people p WHERE p.id = p_person
        AND (p.owner_organisation_id = app_org_id() OR p.id IN (SELECT app_shared_ids('person', 'view')))) THEN
      RETURN NULL;
    END IF;
    RETURN (SELECT c.complaints FROM case_review_person_complaints(p_person,
      now() - make_interval(months => greatest(1, least(p_months, 120))), NULL, false) c);
  END $$;

-- For each victim or reporting party on an incident: raise an alert if they now meet the partnership's
-- threshold. One alert per window: only complaints reported after the last complaint counted by the
-- person's previous alert (open, dismissed or turned into an application) count towards a new one.
-- Returns the new alerts' ids and rules, nothing about anyone's incidents. Not callable by the app:
-- see case_review_evaluate() and case_review_recheck_partnership() below.
CREATE FUNCTION case_review_check(p_incident uuid)
  RETURNS TABLE (alert_id uuid, alert_rules text[])
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    v_inc record;
    v_complaints integer := 3;
    v_months integer := 6;
    v_hate integer;
    v_community integer;
    v_from timestamptz;
    v_person uuid;
    v_after timestamptz;
    v_all record;
    v_hated record;
    v_people integer;
    v_rules text[];
    v_id uuid;
  BEGIN
    SELECT i.id, i.partnership_id, i.uprn, i.postcode_key INTO v_inc FROM incidents i WHERE i.id = p_incident;
    IF NOT FOUND THEN
      RETURN;
    END IF;
    SELECT s.complaints, s.window_months, s.hate_complaints, s.community_people
      INTO v_complaints, v_months, v_hate, v_community
    FROM case_review_settings s WHERE s.partnership_id = v_inc.partnership_id;
    IF NOT FOUND THEN
      -- The statutory default: three complaints in six months; no local rules.
      v_complaints := 3; v_months := 6; v_hate := NULL; v_community := NULL;
    END IF;
    v_from := now() - make_interval(months => v_months);

    FOR v_person IN
      SELECT DISTINCT ip.person_id FROM incident_people ip
      WHERE ip.incident_id = p_incident AND ip.role IN ('victim', 'reporting_party')
      ORDER BY ip.person_id
    LOOP
      -- Two incidents about one person checked at once must not raise two alerts for one window.
      PERFORM pg_advisory_xact_lock(7201012, hashtext(v_person::text));
      SELECT max(a.last_complaint_at) INTO v_after FROM case_review_alerts a WHERE a.person_id = v_person;
      SELECT * INTO v_all FROM case_review_person_complaints(v_person, v_from, v_after, false);
      IF v_all.complaints = 0 THEN
        CONTINUE;
      END IF;
      v_rules := '{}';
      IF v_all.complaints >= v_complaints THEN
        v_rules := v_rules || 'complaints'::text;
      END IF;
      IF v_hate IS NOT NULL THEN
        SELECT * INTO v_hated FROM case_review_person_complaints(v_person, v_from, v_after, true);
        IF v_hated.complaints >= v_hate THEN
          v_rules := v_rules || 'hate'::text;
        END IF;
      END IF;
      IF v_community IS NOT NULL AND (v_inc.uprn IS NOT NULL OR v_inc.postcode_key IS NOT NULL) THEN
        v_people := case_review_place_complainants(v_inc.partnership_id, v_inc.uprn, v_inc.postcode_key, v_from, v_after);
        IF v_people >= v_community THEN
          v_rules := v_rules || 'community'::text;
        END IF;
      END IF;
      IF cardinality(v_rules) > 0 THEN
        INSERT INTO case_review_alerts (partnership_id, person_id, incident_id, rules, complaints, window_months,
          first_complaint_at, last_complaint_at)
        VALUES (v_inc.partnership_id, v_person, p_incident, v_rules, v_all.complaints, v_months, v_all.first_at, v_all.last_at)
        RETURNING id INTO v_id;
        alert_id := v_id;
        alert_rules := v_rules;
        RETURN NEXT;
      END IF;
    END LOOP;
  END $$;

-- After an incident is recorded or changed (incidents/after-change.ts): the check, for an incident the
-- caller can see (anything else is ignored).
CREATE FUNCTION case_review_evaluate(p_incident uuid)
  RETURNS TABLE (alert_id uuid, alert_rules text[])
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    IF EXISTS (SELECT 1 FROM incidents i WHERE i.id = p_incident
        AND (i.owner_organisation_id = app_org_id() OR i.id IN (SELECT app_shared_ids('incident', 'view')))) THEN
      RETURN QUERY SELECT c.alert_id, c.alert_rules FROM case_review_check(p_incident) c;
    END IF;
  END $$;

-- Incidents loaded without the check (the demo's casework, imports): checks everyone with a complaint in
-- the longest possible window, at their latest incident. For the command line and seeding, never the app.
CREATE FUNCTION case_review_recheck_partnership(p_partnership uuid)
  RETURNS TABLE (alert_id uuid, alert_rules text[])
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    v_incident uuid;
  BEGIN
    FOR v_incident IN
      SELECT DISTINCT ON (ip.person_id) ip.incident_id
      FROM incident_people ip JOIN incidents i ON i.id = ip.incident_id
      WHERE i.partnership_id = p_partnership AND ip.role IN ('victim', 'reporting_party')
        AND i.reported_at >= now() - interval '24 months'
      ORDER BY ip.person_id, i.reported_at DESC, i.id
    LOOP
      RETURN QUERY SELECT c.alert_id, c.alert_rules FROM case_review_check(v_incident) c;
    END LOOP;
  END $$;

REVOKE ALL ON FUNCTION case_review_person_complaints(uuid, timestamptz, timestamptz, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION case_review_place_complainants(uuid, bigint, text, timestamptz, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION case_review_complaint_count(uuid, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION case_review_check(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION case_review_evaluate(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION case_review_recheck_partnership(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION case_review_complaint_count(uuid, integer), case_review_evaluate(uuid) TO endeavour_app;

SELECT endeavour_adopt_definer_functions();
