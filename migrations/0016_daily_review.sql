-- The daily review: a queue of incidents nobody has decided on yet, decisions recorded in the
-- National Decision Model's five stages, and tasks set out of a decision (priority, due time,
-- acknowledgement, escalation when overdue, disputes resolved by managers).

-- The queue ------------------------------------------------------------------------------------------

-- One row per incident awaiting a review decision, with its priority worked out when the incident
-- changes rather than when the queue is read: the queue reads a few hundred rows by an index instead of
-- anti-joining millions of incidents against their decisions. Incidents recorded before this migration
-- were never in a daily review and are not queued; nor is history recorded later (see review_item_refresh).
CREATE TABLE review_items (
  incident_id uuid PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  owner_organisation_id uuid NOT NULL REFERENCES organisations(id),
  area_id uuid REFERENCES areas(id),
  how_reported text NOT NULL,
  source_organisation_id uuid REFERENCES organisations(id),
  category text NOT NULL,
  reported_at timestamptz NOT NULL,
  priority integer NOT NULL DEFAULT 0,
  -- Why the item is where it is, as keys the page turns into words (and the flag filter matches).
  reasons text[] NOT NULL DEFAULT '{}',
  queued_at timestamptz NOT NULL DEFAULT now(),
  refreshed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX review_items_queue ON review_items (partnership_id, priority DESC, reported_at DESC);
CREATE INDEX review_items_area ON review_items (area_id, priority DESC);

-- Visible exactly when the incident is; written only by the definer functions below.
ALTER TABLE review_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE review_items FORCE ROW LEVEL SECURITY;
CREATE POLICY review_items_via_incident ON review_items FOR SELECT TO endeavour_app
  USING (EXISTS (SELECT 1 FROM incidents p WHERE p.id = incident_id));
GRANT SELECT ON review_items TO endeavour_app;
CREATE POLICY definer_write ON review_items FOR ALL TO endeavour_definer USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON review_items TO endeavour_definer;

-- Decisions ------------------------------------------------------------------------------------------

CREATE TABLE review_decisions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  -- The deciding organisation; the decision is seen by whoever can see the incident.
  owner_organisation_id uuid NOT NULL REFERENCES organisations(id),
  incident_id uuid NOT NULL REFERENCES incidents(id),
  outcome text NOT NULL CHECK (outcome IN ('no_further_action', 'share', 'direct', 'task_out')),
  priority_at_decision integer NOT NULL DEFAULT 0,
  reasons_at_decision text[] NOT NULL DEFAULT '{}',
  nfa_reason text,
  ndm_information text,
  ndm_threat_risk text,
  ndm_powers_policy text,
  ndm_options text,
  ndm_action_review text,
  note text,
  share_id uuid REFERENCES record_shares(id),
  task_id uuid REFERENCES tasks(id),
  decided_by uuid NOT NULL REFERENCES users(id),
  decided_at timestamptz NOT NULL DEFAULT now(),
  CHECK (outcome <> 'no_further_action' OR length(trim(coalesce(nfa_reason, ''))) > 0),
  CHECK (outcome <> 'task_out' OR (length(trim(coalesce(ndm_information, ''))) > 0
    AND length(trim(coalesce(ndm_threat_risk, ''))) > 0 AND length(trim(coalesce(ndm_powers_policy, ''))) > 0
    AND length(trim(coalesce(ndm_options, ''))) > 0 AND length(trim(coalesce(ndm_action_review, ''))) > 0))
);
CREATE UNIQUE INDEX review_decisions_incident ON review_decisions (incident_id);
CREATE INDEX review_decisions_day ON review_decisions (partnership_id, decided_at);

ALTER TABLE review_decisions ENABLE ROW LEVEL SECURITY;
ALTER TABLE review_decisions FORCE ROW LEVEL SECURITY;
CREATE POLICY review_decisions_select ON review_decisions FOR SELECT TO endeavour_app
  USING (EXISTS (SELECT 1 FROM incidents p WHERE p.id = incident_id));
CREATE POLICY review_decisions_insert ON review_decisions FOR INSERT TO endeavour_app WITH CHECK (
  decided_by = (SELECT app_user_id()) AND owner_organisation_id = (SELECT app_org_id())
  AND partnership_id = (SELECT app_partnership_id())
  AND EXISTS (SELECT 1 FROM incidents p WHERE p.id = incident_id));
CREATE POLICY review_decisions_update ON review_decisions FOR UPDATE TO endeavour_app
  USING (owner_organisation_id = (SELECT app_org_id()))
  WITH CHECK (owner_organisation_id = (SELECT app_org_id()));
GRANT SELECT, INSERT ON review_decisions TO endeavour_app;
-- Only the links to what the decision created are filled in after it is recorded.
GRANT UPDATE (share_id, task_id) ON review_decisions TO endeavour_app;

-- Tasks set out of a review ------------------------------------------------------------------------

ALTER TABLE tasks
  ADD COLUMN due_at timestamptz,
  ADD COLUMN review_decision_id uuid REFERENCES review_decisions(id),
  ADD COLUMN acknowledged_by uuid REFERENCES users(id),
  ADD COLUMN acknowledged_at timestamptz,
  ADD COLUMN escalation_level smallint NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 2),
  ADD COLUMN escalated_at timestamptz;
CREATE INDEX tasks_overdue_escalation ON tasks (due_at) WHERE due_at IS NOT NULL AND status IN ('open', 'in_progress') AND escalation_level < 2;
CREATE INDEX tasks_review_decision ON tasks (review_decision_id) WHERE review_decision_id IS NOT NULL;

-- Escalation runs from the job runner with no user: the definer may move only these two columns.
CREATE POLICY definer_escalate ON tasks FOR UPDATE TO endeavour_definer USING (true) WITH CHECK (true);
GRANT UPDATE (escalation_level, escalated_at) ON tasks TO endeavour_definer;

-- A receiving agency disputes a task; managers of either agency resolve it.
CREATE TABLE task_disputes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  task_id uuid NOT NULL REFERENCES tasks(id),
  -- The disputing (receiving) organisation.
  owner_organisation_id uuid NOT NULL REFERENCES organisations(id),
  -- The organisation that set the task.
  setting_organisation_id uuid NOT NULL REFERENCES organisations(id),
  reason text NOT NULL CHECK (length(trim(reason)) > 0),
  raised_by uuid NOT NULL REFERENCES users(id),
  raised_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'withdrawn', 'reassigned')),
  resolution_note text,
  resolved_by uuid REFERENCES users(id),
  resolved_at timestamptz,
  reassigned_organisation_id uuid REFERENCES organisations(id),
  version integer NOT NULL DEFAULT 1,
  CHECK ((status = 'open') = (resolved_at IS NULL))
);
CREATE INDEX task_disputes_task ON task_disputes (task_id);
CREATE INDEX task_disputes_open ON task_disputes (partnership_id, raised_at) WHERE status = 'open';
CREATE UNIQUE INDEX task_disputes_one_open ON task_disputes (task_id) WHERE status = 'open';

ALTER TABLE task_disputes ENABLE ROW LEVEL SECURITY;
ALTER TABLE task_disputes FORCE ROW LEVEL SECURITY;
-- Both organisations keep sight of the dispute, even once the task has gone elsewhere; anyone who can
-- see the task sees its disputes.
CREATE POLICY task_disputes_select ON task_disputes FOR SELECT TO endeavour_app
  USING (owner_organisation_id = (SELECT app_org_id()) OR setting_organisation_id = (SELECT app_org_id())
    OR EXISTS (SELECT 1 FROM tasks p WHERE p.id = task_id));
CREATE POLICY task_disputes_insert ON task_disputes FOR INSERT TO endeavour_app WITH CHECK (
  raised_by = (SELECT app_user_id()) AND owner_organisation_id = (SELECT app_org_id())
  AND partnership_id = (SELECT app_partnership_id())
  AND EXISTS (SELECT 1 FROM tasks p WHERE p.id = task_id));
CREATE POLICY task_disputes_update ON task_disputes FOR UPDATE TO endeavour_app
  USING (owner_organisation_id = (SELECT app_org_id()) OR setting_organisation_id = (SELECT app_org_id()))
  WITH CHECK (owner_organisation_id = (SELECT app_org_id()) OR setting_organisation_id = (SELECT app_org_id()));
GRANT SELECT, INSERT, UPDATE ON task_disputes TO endeavour_app;

-- Working out an item's priority -----------------------------------------------------------------

-- Reads everything that bears on an incident across the partnership (people's risk, vulnerabilities,
-- warnings, repeat flags, Case Review alerts, links to other agencies' reports) as the definer, and
-- stores only a score and reason keys, which the queue shows to those who can see the incident.
-- An incident with a decision is never queued again.
CREATE FUNCTION review_item_refresh(p_incident uuid) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    i incidents%ROWTYPE;
    v_band text;
    v_reasons text[] := '{}';
    v_score integer := 0;
  BEGIN
    SELECT * INTO i FROM incidents WHERE id = p_incident;
    IF NOT FOUND OR EXISTS (SELECT 1 FROM review_decisions d WHERE d.incident_id = p_incident) THEN
      RETURN;
    END IF;
    -- History loaded in bulk (imports of past years, the demo's year of casework) is not news: only
    -- incidents reported in the last 14 days join the queue; one already queued stays until decided.
    IF i.reported_at < now() - interval '14 days' AND NOT EXISTS (SELECT 1 FROM review_items r WHERE r.incident_id = p_incident) THEN
      RETURN;
    END IF;
    SELECT max(CASE ra.final_band WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END)::text
      INTO v_band
      FROM incident_people ip
      JOIN LATERAL (SELECT r.final_band FROM risk_assessments r
        WHERE r.person_id = ip.person_id ORDER BY r.assessed_at DESC LIMIT 1) ra ON true
      WHERE ip.incident_id = p_incident;
    IF v_band = '3' THEN v_score := v_score + 40; v_reasons := v_reasons || 'high_risk'::text;
    ELSIF v_band = '2' THEN v_score := v_score + 20; v_reasons := v_reasons || 'medium_risk'::text;
    END IF;
    IF i.vulnerable_victim OR EXISTS (SELECT 1 FROM incident_people ip JOIN people p ON p.id = ip.person_id
        WHERE ip.incident_id = p_incident AND ip.role = 'victim'
          AND (cardinality(p.vulnerabilities) > 0 OR length(trim(coalesce(p.vulnerability_notes, ''))) > 0)) THEN
      v_score := v_score + 15; v_reasons := v_reasons || 'vulnerable'::text;
    END IF;
    IF EXISTS (SELECT 1 FROM incident_people ip JOIN repeat_flags f ON f.person_id = ip.person_id
        WHERE ip.incident_id = p_incident AND ip.role = 'victim' AND f.kind = 'victim' AND f.expires_at > now()) THEN
      v_score := v_score + 25; v_reasons := v_reasons || 'repeat_victim'::text;
    END IF;
    IF EXISTS (SELECT 1 FROM incident_people ip JOIN repeat_flags f ON f.person_id = ip.person_id
        WHERE ip.incident_id = p_incident AND ip.role = 'perpetrator' AND f.kind = 'perpetrator' AND f.expires_at > now()) THEN
      v_score := v_score + 10; v_reasons := v_reasons || 'repeat_perpetrator'::text;
    END IF;
    IF EXISTS (SELECT 1 FROM repeat_flag_incidents fi JOIN repeat_flags f ON f.id = fi.flag_id
        WHERE fi.incident_id = p_incident AND f.kind = 'location' AND f.expires_at > now()) THEN
      v_score := v_score + 10; v_reasons := v_reasons || 'repeat_location'::text;
    END IF;
    IF EXISTS (SELECT 1 FROM case_review_alerts a WHERE a.status = 'open' AND (a.incident_id = p_incident
        OR a.person_id IN (SELECT person_id FROM incident_people WHERE incident_id = p_incident))) THEN
      v_score := v_score + 20; v_reasons := v_reasons || 'case_review'::text;
    END IF;
    IF i.hate THEN v_score := v_score + 15; v_reasons := v_reasons || 'hate'::text; END IF;
    IF i.domestic THEN v_score := v_score + 15; v_reasons := v_reasons || 'domestic'::text; END IF;
    IF EXISTS (SELECT 1 FROM incident_agency_links l WHERE l.incident_id = p_incident OR l.other_incident_id = p_incident) THEN
      v_score := v_score + 10; v_reasons := v_reasons || 'multi_agency'::text;
    END IF;
    IF EXISTS (SELECT 1 FROM incident_people ip JOIN people p ON p.id = ip.person_id
        WHERE ip.incident_id = p_incident AND cardinality(p.warning_markers) > 0) THEN
      v_score := v_score + 10; v_reasons := v_reasons || 'officer_safety'::text;
    END IF;
    INSERT INTO review_items (incident_id, partnership_id, owner_organisation_id, area_id, how_reported,
        source_organisation_id, category, reported_at, priority, reasons)
      VALUES (i.id, i.partnership_id, i.owner_organisation_id, i.area_id, i.how_reported,
        coalesce(i.source_organisation_id, i.owner_organisation_id), i.category, i.reported_at, v_score, v_reasons)
      ON CONFLICT (incident_id) DO UPDATE SET area_id = excluded.area_id, how_reported = excluded.how_reported,
        source_organisation_id = excluded.source_organisation_id, category = excluded.category,
        reported_at = excluded.reported_at, priority = excluded.priority, reasons = excluded.reasons, refreshed_at = now();
  END $$;

-- Every path that records an incident (forms, imports, the demo) queues it, with what is known so far;
-- afterIncidentChange refreshes it once the people are on it.
CREATE FUNCTION review_items_on_incident() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$ BEGIN PERFORM review_item_refresh(NEW.id); RETURN NULL; END $$;
CREATE TRIGGER incidents_review_queue AFTER INSERT ON incidents
  FOR EACH ROW EXECUTE FUNCTION review_items_on_incident();

-- A decision takes the item off the queue.
CREATE FUNCTION review_items_on_decision() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$ BEGIN DELETE FROM review_items WHERE incident_id = NEW.incident_id; RETURN NULL; END $$;
CREATE TRIGGER review_decisions_dequeue AFTER INSERT ON review_decisions
  FOR EACH ROW EXECUTE FUNCTION review_items_on_decision();

-- Overdue tasks move up one level: 1, the receiving organisation's managers; 2, a day later, the
-- managers of both organisations (the second line). Returns what moved, for the caller to audit and tell.
CREATE FUNCTION review_escalate_overdue(p_now timestamptz)
  RETURNS TABLE (task_id uuid, partnership_id uuid, level smallint, title text, owner_organisation_id uuid,
    receiving_organisation_id uuid)
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
    WITH due AS (
      SELECT t.id, CASE WHEN t.escalation_level = 0 THEN 1 ELSE 2 END::smallint AS next_level
      FROM tasks t
      WHERE t.due_at IS NOT NULL AND t.status IN ('open', 'in_progress') AND t.escalation_level < 2
        AND t.due_at < p_now
        AND (t.escalation_level = 0 OR t.escalated_at <= p_now - interval '1 day')
      FOR UPDATE
    ), moved AS (
      UPDATE tasks t SET escalation_level = due.next_level, escalated_at = p_now
      FROM due WHERE t.id = due.id
      RETURNING t.id, t.partnership_id, t.escalation_level, t.title, t.owner_organisation_id,
        coalesce(t.assigned_organisation_id,
          (SELECT u.organisation_id FROM users u WHERE u.id = t.assigned_user_id),
          (SELECT tm.organisation_id FROM teams tm WHERE tm.id = t.assigned_team_id)) AS receiving
    )
    SELECT id, partnership_id, escalation_level, title, owner_organisation_id, receiving FROM moved
  $$;

REVOKE ALL ON FUNCTION review_item_refresh(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION review_escalate_overdue(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION review_item_refresh(uuid) TO endeavour_app;

SELECT endeavour_adopt_definer_functions();
