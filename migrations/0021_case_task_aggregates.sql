-- Monthly aggregates for the indicators on cases and tasks, as 0013 keeps one for incidents, so that
-- the dashboard reads a few thousand aggregate rows instead of every case and task in the partnership
-- on each figure. See docs/indicators.md ("Fast on millions of incidents").
--
-- Each aggregate is kept from a table of per-record facts (one row per case, one per task due), each
-- fact holding exactly what its record is counted under (partnership, owner, month, district...).
-- Facts are refreshed from the records by triggers wherever something they depend on changes (the
-- case or task itself, a case's links to incidents, an incident's district), and the aggregates
-- follow the facts by statement-level triggers that add the new facts and take away the old ones.
-- Because a fact remembers what it was counted under, taking it away is exact even when the record
-- itself is already gone (a deleted case). Everything here is for the definer only, like
-- incident_month_counts: the app role can neither read nor write these tables.

-- Cases -------------------------------------------------------------------------------------------

-- case_areas (0013) kept the district of cases opened from an incident; it now holds one row per
-- case, with what the case is counted under. Emptied here and refilled by the rebuild below.
TRUNCATE case_areas;
ALTER TABLE case_areas
  ADD COLUMN partnership_id uuid NOT NULL,
  ADD COLUMN owner_organisation_id uuid NOT NULL,
  ADD COLUMN case_type_id uuid,
  ADD COLUMN opened_month date NOT NULL,
  ADD COLUMN closed_month date;

CREATE TABLE case_month_counts (
  partnership_id uuid NOT NULL,
  month date NOT NULL,
  area_id uuid,
  case_type_id uuid,
  owner_organisation_id uuid NOT NULL,
  opened integer NOT NULL DEFAULT 0,
  closed integer NOT NULL DEFAULT 0,
  CONSTRAINT case_month_counts_key UNIQUE NULLS NOT DISTINCT (partnership_id, month, area_id, case_type_id, owner_organisation_id)
);
ALTER TABLE case_month_counts ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_month_counts FORCE ROW LEVEL SECURITY;
CREATE POLICY definer_write ON case_month_counts FOR ALL TO endeavour_definer USING (true) WITH CHECK (true);
REVOKE ALL ON case_month_counts FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON case_month_counts TO endeavour_definer;

-- A case's facts from the records: its district is that of the first incident it was opened from (the
-- earliest linked still linked; none: no district), its months UK months. Only rows that differ are
-- written, so the aggregate's triggers see only real changes; cases that no longer exist lose theirs.
CREATE OR REPLACE FUNCTION case_areas_refresh(p_cases uuid[]) RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = public
  AS $$
    DELETE FROM case_areas a WHERE a.case_id = ANY (p_cases) AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = a.case_id);
    INSERT INTO case_areas AS a (case_id, area_id, partnership_id, owner_organisation_id, case_type_id, opened_month, closed_month)
      SELECT c.id,
        (SELECT i.area_id FROM case_incidents ci JOIN incidents i ON i.id = ci.incident_id
          WHERE ci.case_id = c.id ORDER BY ci.added_at, i.reported_at, i.id LIMIT 1),
        c.partnership_id, c.owner_organisation_id, c.case_type_id, incident_month(c.opened_at), incident_month(c.closed_at)
      FROM cases c WHERE c.id = ANY (p_cases)
      ORDER BY c.id
    ON CONFLICT (case_id) DO UPDATE SET
      area_id = excluded.area_id, partnership_id = excluded.partnership_id,
      owner_organisation_id = excluded.owner_organisation_id, case_type_id = excluded.case_type_id,
      opened_month = excluded.opened_month, closed_month = excluded.closed_month
    WHERE (a.area_id, a.partnership_id, a.owner_organisation_id, a.case_type_id, a.opened_month, a.closed_month)
      IS DISTINCT FROM (excluded.area_id, excluded.partnership_id, excluded.owner_organisation_id, excluded.case_type_id,
        excluded.opened_month, excluded.closed_month);
  $$;

-- A new case, or a change to what a case is counted under (opened, closed, type, owner).
CREATE FUNCTION case_facts_apply() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      PERFORM case_areas_refresh(ARRAY(SELECT id FROM new_rows));
    ELSE
      PERFORM case_areas_refresh(ARRAY(
        SELECT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.partnership_id, o.owner_organisation_id, o.case_type_id, incident_month(o.opened_at), incident_month(o.closed_at))
          IS DISTINCT FROM (n.partnership_id, n.owner_organisation_id, n.case_type_id, incident_month(n.opened_at), incident_month(n.closed_at))));
    END IF;
    RETURN NULL;
  END $$;

CREATE TRIGGER cases_facts_insert AFTER INSERT ON cases
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_facts_apply();
CREATE TRIGGER cases_facts_update AFTER UPDATE ON cases
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_facts_apply();

-- Tasks -------------------------------------------------------------------------------------------

-- One row per task that counts (due, not cancelled): its district (its incident's, else its case's),
-- the month it is due, whether it was finished late and whether it is still open.
CREATE TABLE task_areas (
  task_id uuid PRIMARY KEY REFERENCES tasks(id) ON DELETE CASCADE,
  partnership_id uuid NOT NULL,
  owner_organisation_id uuid NOT NULL,
  area_id uuid,
  due_month date NOT NULL,
  late boolean NOT NULL,
  open boolean NOT NULL
);
ALTER TABLE task_areas ENABLE ROW LEVEL SECURITY;
ALTER TABLE task_areas FORCE ROW LEVEL SECURITY;
CREATE POLICY definer_write ON task_areas FOR ALL TO endeavour_definer USING (true) WITH CHECK (true);
REVOKE ALL ON task_areas FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON task_areas TO endeavour_definer;

CREATE TABLE task_month_counts (
  partnership_id uuid NOT NULL,
  month date NOT NULL,
  area_id uuid,
  owner_organisation_id uuid NOT NULL,
  due integer NOT NULL DEFAULT 0,
  late integer NOT NULL DEFAULT 0,
  open integer NOT NULL DEFAULT 0,
  CONSTRAINT task_month_counts_key UNIQUE NULLS NOT DISTINCT (partnership_id, month, area_id, owner_organisation_id)
);
ALTER TABLE task_month_counts ENABLE ROW LEVEL SECURITY;
ALTER TABLE task_month_counts FORCE ROW LEVEL SECURITY;
CREATE POLICY definer_write ON task_month_counts FOR ALL TO endeavour_definer USING (true) WITH CHECK (true);
REVOKE ALL ON task_month_counts FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON task_month_counts TO endeavour_definer;

CREATE FUNCTION task_areas_refresh(p_tasks uuid[]) RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = public
  AS $$
    DELETE FROM task_areas a WHERE a.task_id = ANY (p_tasks) AND NOT EXISTS (
      SELECT 1 FROM tasks t WHERE t.id = a.task_id AND t.due_date IS NOT NULL AND t.status <> 'cancelled');
    INSERT INTO task_areas AS a (task_id, partnership_id, owner_organisation_id, area_id, due_month, late, open)
      SELECT t.id, t.partnership_id, t.owner_organisation_id,
        CASE WHEN t.incident_id IS NULL THEN ca.area_id
          ELSE coalesce((SELECT i.area_id FROM incidents i WHERE i.id = t.incident_id), ca.area_id) END,
        date_trunc('month', t.due_date)::date,
        coalesce(t.status = 'done' AND (t.completed_at AT TIME ZONE 'Europe/London')::date > t.due_date, false),
        t.status IN ('open', 'in_progress')
      FROM tasks t LEFT JOIN case_areas ca ON ca.case_id = t.case_id
      WHERE t.id = ANY (p_tasks) AND t.due_date IS NOT NULL AND t.status <> 'cancelled'
      ORDER BY t.id
    ON CONFLICT (task_id) DO UPDATE SET
      partnership_id = excluded.partnership_id, owner_organisation_id = excluded.owner_organisation_id,
      area_id = excluded.area_id, due_month = excluded.due_month, late = excluded.late, open = excluded.open
    WHERE (a.partnership_id, a.owner_organisation_id, a.area_id, a.due_month, a.late, a.open)
      IS DISTINCT FROM (excluded.partnership_id, excluded.owner_organisation_id, excluded.area_id, excluded.due_month,
        excluded.late, excluded.open);
  $$;

-- A new task, or a change to what a task is counted under. Most edits (notes, assignment, escalation)
-- change none of these and refresh nothing.
CREATE FUNCTION task_facts_apply() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      PERFORM task_areas_refresh(ARRAY(SELECT id FROM new_rows));
    ELSE
      PERFORM task_areas_refresh(ARRAY(
        SELECT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.partnership_id, o.owner_organisation_id, o.case_id, o.incident_id, o.due_date, o.status, o.completed_at)
          IS DISTINCT FROM (n.partnership_id, n.owner_organisation_id, n.case_id, n.incident_id, n.due_date, n.status, n.completed_at)));
    END IF;
    RETURN NULL;
  END $$;

CREATE TRIGGER tasks_facts_insert AFTER INSERT ON tasks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION task_facts_apply();
CREATE TRIGGER tasks_facts_update AFTER UPDATE ON tasks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION task_facts_apply();

-- A task on an incident that moves district moves with it.
CREATE FUNCTION incident_task_areas_apply() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    PERFORM task_areas_refresh(ARRAY(
      SELECT t.id FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN tasks t ON t.incident_id = n.id
      WHERE o.area_id IS DISTINCT FROM n.area_id));
    RETURN NULL;
  END $$;

CREATE TRIGGER incidents_task_areas_update AFTER UPDATE ON incidents
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_task_areas_apply();

-- The aggregates follow the facts ---------------------------------------------------------------

-- Adds new facts and takes away old ones, grouped so that no aggregate row is touched twice, in key
-- order so that concurrent writers lock rows in one order. The trigger functions pass their
-- transition tables as arrays, so that one statement serves inserts, updates and deletes.
CREATE FUNCTION case_month_counts_add(p_new case_areas[], p_old case_areas[]) RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = public
  AS $$
    INSERT INTO case_month_counts AS m (partnership_id, month, area_id, case_type_id, owner_organisation_id, opened, closed)
      SELECT partnership_id, month, area_id, case_type_id, owner_organisation_id, sum(opened), sum(closed)
      FROM (
        SELECT f.partnership_id, f.opened_month AS month, f.area_id, f.case_type_id, f.owner_organisation_id, f.s AS opened, 0 AS closed
        FROM (SELECT n.*, 1 AS s FROM unnest(p_new) n UNION ALL SELECT o.*, -1 FROM unnest(p_old) o) f
        UNION ALL
        SELECT f.partnership_id, f.closed_month, f.area_id, f.case_type_id, f.owner_organisation_id, 0, f.s
        FROM (SELECT n.*, 1 AS s FROM unnest(p_new) n UNION ALL SELECT o.*, -1 FROM unnest(p_old) o) f
        WHERE f.closed_month IS NOT NULL
      ) x
      GROUP BY 1, 2, 3, 4, 5
      HAVING sum(opened) <> 0 OR sum(closed) <> 0
      ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ON CONSTRAINT case_month_counts_key DO UPDATE SET
      opened = m.opened + excluded.opened, closed = m.closed + excluded.closed;
  $$;

CREATE FUNCTION task_month_counts_add(p_new task_areas[], p_old task_areas[]) RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = public
  AS $$
    INSERT INTO task_month_counts AS m (partnership_id, month, area_id, owner_organisation_id, due, late, open)
      SELECT f.partnership_id, f.due_month, f.area_id, f.owner_organisation_id, sum(f.s),
        coalesce(sum(f.s) FILTER (WHERE f.late), 0), coalesce(sum(f.s) FILTER (WHERE f.open), 0)
      FROM (SELECT n.*, 1 AS s FROM unnest(p_new) n UNION ALL SELECT o.*, -1 FROM unnest(p_old) o) f
      GROUP BY 1, 2, 3, 4
      HAVING sum(f.s) <> 0 OR sum(f.s) FILTER (WHERE f.late) <> 0 OR sum(f.s) FILTER (WHERE f.open) <> 0
      ORDER BY 1, 2, 3, 4
    ON CONFLICT ON CONSTRAINT task_month_counts_key DO UPDATE SET
      due = m.due + excluded.due, late = m.late + excluded.late, open = m.open + excluded.open;
  $$;

-- A case's district changing also moves its tasks that take their district from it.
CREATE FUNCTION case_month_counts_apply() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      PERFORM case_month_counts_add(ARRAY(SELECT ROW(n.*)::case_areas FROM new_rows n), '{}'::case_areas[]);
      PERFORM task_areas_refresh(ARRAY(SELECT t.id FROM new_rows n JOIN tasks t ON t.case_id = n.case_id));
    ELSIF TG_OP = 'UPDATE' THEN
      PERFORM case_month_counts_add(ARRAY(SELECT ROW(n.*)::case_areas FROM new_rows n), ARRAY(SELECT ROW(o.*)::case_areas FROM old_rows o));
      PERFORM task_areas_refresh(ARRAY(
        SELECT t.id FROM old_rows o JOIN new_rows n ON n.case_id = o.case_id JOIN tasks t ON t.case_id = n.case_id
        WHERE o.area_id IS DISTINCT FROM n.area_id));
    ELSE
      PERFORM case_month_counts_add('{}'::case_areas[], ARRAY(SELECT ROW(o.*)::case_areas FROM old_rows o));
    END IF;
    RETURN NULL;
  END $$;

CREATE TRIGGER case_areas_counts_insert AFTER INSERT ON case_areas
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_month_counts_apply();
CREATE TRIGGER case_areas_counts_update AFTER UPDATE ON case_areas
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_month_counts_apply();
CREATE TRIGGER case_areas_counts_delete AFTER DELETE ON case_areas
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION case_month_counts_apply();

CREATE FUNCTION task_month_counts_apply() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      PERFORM task_month_counts_add(ARRAY(SELECT ROW(n.*)::task_areas FROM new_rows n), '{}'::task_areas[]);
    ELSIF TG_OP = 'UPDATE' THEN
      PERFORM task_month_counts_add(ARRAY(SELECT ROW(n.*)::task_areas FROM new_rows n), ARRAY(SELECT ROW(o.*)::task_areas FROM old_rows o));
    ELSE
      PERFORM task_month_counts_add('{}'::task_areas[], ARRAY(SELECT ROW(o.*)::task_areas FROM old_rows o));
    END IF;
    RETURN NULL;
  END $$;

CREATE TRIGGER task_areas_counts_insert AFTER INSERT ON task_areas
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION task_month_counts_apply();
CREATE TRIGGER task_areas_counts_update AFTER UPDATE ON task_areas
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION task_month_counts_apply();
CREATE TRIGGER task_areas_counts_delete AFTER DELETE ON task_areas
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION task_month_counts_apply();

-- Rebuilding ----------------------------------------------------------------------------------------

-- The case and task facts refreshed from the records, then both aggregates counted afresh from them.
CREATE FUNCTION case_task_aggregates_rebuild() RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    v_rows bigint;
    v_more bigint;
  BEGIN
    PERFORM case_areas_refresh(ARRAY(SELECT id FROM cases));
    PERFORM task_areas_refresh(ARRAY(SELECT id FROM tasks));
    DELETE FROM case_month_counts;
    INSERT INTO case_month_counts (partnership_id, month, area_id, case_type_id, owner_organisation_id, opened, closed)
      SELECT partnership_id, month, area_id, case_type_id, owner_organisation_id, sum(opened), sum(closed)
      FROM (
        SELECT partnership_id, opened_month AS month, area_id, case_type_id, owner_organisation_id, 1 AS opened, 0 AS closed FROM case_areas
        UNION ALL
        SELECT partnership_id, closed_month, area_id, case_type_id, owner_organisation_id, 0, 1 FROM case_areas WHERE closed_month IS NOT NULL
      ) d
      GROUP BY 1, 2, 3, 4, 5;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    DELETE FROM task_month_counts;
    INSERT INTO task_month_counts (partnership_id, month, area_id, owner_organisation_id, due, late, open)
      SELECT partnership_id, due_month, area_id, owner_organisation_id, count(*), count(*) FILTER (WHERE late), count(*) FILTER (WHERE open)
      FROM task_areas
      GROUP BY 1, 2, 3, 4;
    GET DIAGNOSTICS v_more = ROW_COUNT;
    RETURN v_rows + v_more;
  END $$;

-- The operator's repair (0013's), now also of the cases' and tasks' facts and aggregates.
CREATE OR REPLACE FUNCTION indicator_aggregates_rebuild() RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    v_rows bigint;
  BEGIN
    DELETE FROM incident_month_counts;
    INSERT INTO incident_month_counts (partnership_id, month, area_id, category, asb_type_id, source_organisation_id,
        owner_organisation_id, incidents, hate, domestic, alcohol, drugs, youth, vulnerable_victim)
      SELECT partnership_id, incident_month(reported_at), area_id, category, asb_type_id, source_organisation_id,
        owner_organisation_id, count(*), count(*) FILTER (WHERE hate), count(*) FILTER (WHERE domestic),
        count(*) FILTER (WHERE alcohol), count(*) FILTER (WHERE drugs), count(*) FILTER (WHERE youth),
        count(*) FILTER (WHERE vulnerable_victim)
      FROM incidents
      GROUP BY 1, 2, 3, 4, 5, 6, 7;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN v_rows + case_task_aggregates_rebuild();
  END $$;

-- Counting ------------------------------------------------------------------------------------------

-- As 0013's, with cases and tasks counted from their aggregates. Groups are returned only where
-- something was counted (a case opened, a task due), as counting the records directly did.
-- tasks_overdue: a task still open counts as overdue once its due date has passed, which for every
-- month before the current one is all of them; from the current month on, whether it has passed
-- depends on today, so those months are counted from the tasks themselves (only the tasks due from
-- this month on: a small range).
CREATE OR REPLACE FUNCTION indicator_raw_counts(p_partnership uuid, p_viewer_org uuid, p_measure text, p_filter jsonb,
    p_from date, p_to date)
  RETURNS TABLE (area_id uuid, month date, numerator bigint, denominator bigint, others bigint)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public SET jit = off
  AS $$
  DECLARE
    v_from timestamptz := (p_from::timestamp AT TIME ZONE 'Europe/London');
    v_to timestamptz := ((p_to + interval '1 month')::timestamp AT TIME ZONE 'Europe/London');
    v_flag text := p_filter->>'flag';
    v_category text := p_filter->>'category';
    v_type uuid := (p_filter->>'asbTypeId')::uuid;
    v_source uuid := (p_filter->>'sourceOrganisationId')::uuid;
    v_case_type uuid := (p_filter->>'caseTypeId')::uuid;
    v_this_month date := date_trunc('month', current_date)::date;
  BEGIN
    IF p_measure = 'incidents' THEN
      RETURN QUERY
        SELECT c.area_id, c.month,
          sum(CASE v_flag WHEN 'hate' THEN c.hate WHEN 'domestic' THEN c.domestic WHEN 'alcohol' THEN c.alcohol
            WHEN 'drugs' THEN c.drugs WHEN 'youth' THEN c.youth WHEN 'vulnerable_victim' THEN c.vulnerable_victim
            ELSE c.incidents END)::bigint,
          sum(c.incidents)::bigint,
          coalesce(sum(c.incidents) FILTER (WHERE c.owner_organisation_id IS DISTINCT FROM p_viewer_org), 0)::bigint
        FROM incident_month_counts c
        WHERE c.partnership_id = p_partnership AND c.month BETWEEN p_from AND p_to
          AND (v_category IS NULL OR c.category = v_category)
          AND (v_type IS NULL OR c.asb_type_id = v_type)
          AND (v_source IS NULL OR c.source_organisation_id = v_source)
        GROUP BY c.area_id, c.month;
    ELSIF p_measure = 'cases_opened' THEN
      RETURN QUERY
        SELECT c.area_id, c.month, sum(c.opened)::bigint, NULL::bigint,
          coalesce(sum(c.opened) FILTER (WHERE c.owner_organisation_id IS DISTINCT FROM p_viewer_org), 0)::bigint
        FROM case_month_counts c
        WHERE c.partnership_id = p_partnership AND c.month BETWEEN p_from AND p_to
          AND (v_case_type IS NULL OR c.case_type_id = v_case_type)
        GROUP BY c.area_id, c.month
        HAVING sum(c.opened) > 0;
    ELSIF p_measure = 'cases_closed' THEN
      RETURN QUERY
        SELECT c.area_id, c.month, sum(c.closed)::bigint, NULL::bigint,
          coalesce(sum(c.closed) FILTER (WHERE c.owner_organisation_id IS DISTINCT FROM p_viewer_org), 0)::bigint
        FROM case_month_counts c
        WHERE c.partnership_id = p_partnership AND c.month BETWEEN p_from AND p_to
          AND (v_case_type IS NULL OR c.case_type_id = v_case_type)
        GROUP BY c.area_id, c.month
        HAVING sum(c.closed) > 0;
    ELSIF p_measure = 'tasks_overdue' THEN
      -- Of the tasks due in a month (not cancelled), those finished after their due date or still not
      -- finished now that it has passed; the denominator is every task due.
      RETURN QUERY
        SELECT c.area_id, c.month, sum(c.late + c.open)::bigint, sum(c.due)::bigint,
          coalesce(sum(c.due) FILTER (WHERE c.owner_organisation_id IS DISTINCT FROM p_viewer_org), 0)::bigint
        FROM task_month_counts c
        WHERE c.partnership_id = p_partnership AND c.month BETWEEN p_from AND p_to AND c.month < v_this_month
        GROUP BY c.area_id, c.month
        HAVING sum(c.due) > 0;
      IF p_to >= v_this_month THEN
        RETURN QUERY
          SELECT t.area_id, t.due_month,
            count(*) FILTER (WHERE t.late OR (t.open AND s.due_date < current_date)),
            count(*),
            count(*) FILTER (WHERE t.owner_organisation_id IS DISTINCT FROM p_viewer_org)
          FROM task_areas t JOIN tasks s ON s.id = t.task_id
          WHERE t.partnership_id = p_partnership AND t.due_month BETWEEN greatest(p_from, v_this_month) AND p_to
          GROUP BY 1, 2;
      END IF;
    ELSIF p_measure = 'repeat_victims' THEN
      -- People who became repeat victims (migrations/0011's flags), by the month they qualified, in the
      -- district of their latest incident.
      RETURN QUERY
        SELECT f.area_id, incident_month(f.first_qualified_at), count(*), NULL::bigint,
          count(*) FILTER (WHERE p.owner_organisation_id IS DISTINCT FROM p_viewer_org)
        FROM repeat_flags f JOIN people p ON p.id = f.person_id
        WHERE f.partnership_id = p_partnership AND f.kind = 'victim'
          AND f.first_qualified_at >= v_from AND f.first_qualified_at < v_to
        GROUP BY 1, 2;
    ELSIF p_measure = 'case_review_applications' THEN
      -- ASB Case Review applications (migrations/0012) by the month received, in the district of the
      -- victim's latest incident before then.
      RETURN QUERY
        SELECT a.area_id, date_trunc('month', r.received_on)::date, count(*), NULL::bigint,
          count(*) FILTER (WHERE r.owner_organisation_id IS DISTINCT FROM p_viewer_org)
        FROM case_reviews r
        LEFT JOIN LATERAL (
          SELECT i.area_id FROM incident_people ip JOIN incidents i ON i.id = ip.incident_id
          WHERE ip.person_id = r.person_id AND ip.role IN ('victim', 'reporting_party')
            AND i.reported_at < ((r.received_on + 1)::timestamp AT TIME ZONE 'Europe/London')
          ORDER BY i.reported_at DESC LIMIT 1
        ) a ON true
        WHERE r.partnership_id = p_partnership AND r.received_on >= p_from AND r.received_on < (p_to + interval '1 month')
        GROUP BY 1, 2;
    END IF;
  END $$;

-- The aggregates are read by month within a partnership.
CREATE INDEX task_areas_month ON task_areas (partnership_id, due_month);

REVOKE ALL ON FUNCTION case_facts_apply() FROM PUBLIC;
REVOKE ALL ON FUNCTION task_facts_apply() FROM PUBLIC;
REVOKE ALL ON FUNCTION task_areas_refresh(uuid[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION incident_task_areas_apply() FROM PUBLIC;
REVOKE ALL ON FUNCTION case_month_counts_apply() FROM PUBLIC;
REVOKE ALL ON FUNCTION task_month_counts_apply() FROM PUBLIC;
REVOKE ALL ON FUNCTION case_month_counts_add(case_areas[], case_areas[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION task_month_counts_add(task_areas[], task_areas[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION case_task_aggregates_rebuild() FROM PUBLIC;

SELECT endeavour_adopt_definer_functions();

-- Backfill the facts and aggregates of cases and tasks (the incident aggregate is already exact).
SELECT case_task_aggregates_rebuild();
