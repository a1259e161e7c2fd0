-- The report builder's monthly aggregate of incidents (issue 6: reports over 2,000,000 incidents under
-- 1 s). An all-time report read every incident the viewer's organisation holds (666,720 in the
-- benchmark) from the covering index incidents_report (0015): 0.8-1.9 s. Here the organisation's OWN
-- incidents are counted by month they happened (UK time, as the builder's Month grouping has it) and by
-- every column the builder can group or filter on that has few values; the builder reads whole months
-- of its own incidents from here, the part-months at either end of a date range from the index, and
-- the incidents shared with it from incidents as before. See docs/report-builder.md.
--
-- Unlike incident_month_counts (0013, by month REPORTED, for the dashboard), this one is by
-- occurred_from, with the ward and status too. Kept exact by statement-level triggers in the same
-- transaction as the change. For the definer only: the app role reads its own organisation's rows
-- through app_report_incident_months() below, which applies the incidents_select rule's own half.
CREATE TABLE report_incident_months (
  owner_organisation_id uuid NOT NULL,
  month date NOT NULL,
  partnership_id uuid NOT NULL,
  area_id uuid,
  ward_id uuid,
  category text NOT NULL,
  asb_type_id uuid,
  source_organisation_id uuid,
  status text NOT NULL,
  incidents integer NOT NULL DEFAULT 0,
  hate integer NOT NULL DEFAULT 0,
  domestic integer NOT NULL DEFAULT 0,
  alcohol integer NOT NULL DEFAULT 0,
  drugs integer NOT NULL DEFAULT 0,
  youth integer NOT NULL DEFAULT 0,
  vulnerable_victim integer NOT NULL DEFAULT 0,
  -- Owner and month first: a report reads one organisation's months.
  CONSTRAINT report_incident_months_key UNIQUE NULLS NOT DISTINCT
    (owner_organisation_id, month, partnership_id, area_id, ward_id, category, asb_type_id, source_organisation_id, status)
);
ALTER TABLE report_incident_months ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_incident_months FORCE ROW LEVEL SECURITY;
CREATE POLICY definer_write ON report_incident_months FOR ALL TO endeavour_definer USING (true) WITH CHECK (true);
REVOKE ALL ON report_incident_months FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON report_incident_months TO endeavour_definer;

CREATE FUNCTION report_month(p_occurred timestamptz) RETURNS date
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT date_trunc('month', p_occurred AT TIME ZONE 'Europe/London')::date $$;

-- Adds new rows' counts and takes away old rows'; on update only rows whose counted columns changed.
-- Grouped so that no aggregate row is touched twice, in key order so concurrent writers lock in one order.
CREATE FUNCTION report_incident_months_apply() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    -- A statement's transition tables exist only for its own event: one branch per event.
    IF TG_OP = 'INSERT' THEN
      INSERT INTO report_incident_months AS c (owner_organisation_id, month, partnership_id, area_id, ward_id, category,
          asb_type_id, source_organisation_id, status, incidents, hate, domestic, alcohol, drugs, youth, vulnerable_victim)
        SELECT owner_organisation_id, month, partnership_id, area_id, ward_id, category, asb_type_id, source_organisation_id, status,
          sum(s), coalesce(sum(s) FILTER (WHERE hate), 0), coalesce(sum(s) FILTER (WHERE domestic), 0),
          coalesce(sum(s) FILTER (WHERE alcohol), 0), coalesce(sum(s) FILTER (WHERE drugs), 0),
          coalesce(sum(s) FILTER (WHERE youth), 0), coalesce(sum(s) FILTER (WHERE vulnerable_victim), 0)
        FROM (SELECT n.owner_organisation_id, report_month(n.occurred_from) AS month, n.partnership_id, n.area_id,
          n.ward_id, n.category, n.asb_type_id, n.source_organisation_id, n.status, n.hate,
          n.domestic, n.alcohol, n.drugs, n.youth, n.vulnerable_victim, 1 AS s FROM new_rows n) d
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
      ON CONFLICT ON CONSTRAINT report_incident_months_key DO UPDATE SET
        incidents = c.incidents + excluded.incidents, hate = c.hate + excluded.hate,
        domestic = c.domestic + excluded.domestic, alcohol = c.alcohol + excluded.alcohol,
        drugs = c.drugs + excluded.drugs, youth = c.youth + excluded.youth,
        vulnerable_victim = c.vulnerable_victim + excluded.vulnerable_victim;
    ELSIF TG_OP = 'DELETE' THEN
      INSERT INTO report_incident_months AS c (owner_organisation_id, month, partnership_id, area_id, ward_id, category,
          asb_type_id, source_organisation_id, status, incidents, hate, domestic, alcohol, drugs, youth, vulnerable_victim)
        SELECT owner_organisation_id, month, partnership_id, area_id, ward_id, category, asb_type_id, source_organisation_id, status,
          sum(s), coalesce(sum(s) FILTER (WHERE hate), 0), coalesce(sum(s) FILTER (WHERE domestic), 0),
          coalesce(sum(s) FILTER (WHERE alcohol), 0), coalesce(sum(s) FILTER (WHERE drugs), 0),
          coalesce(sum(s) FILTER (WHERE youth), 0), coalesce(sum(s) FILTER (WHERE vulnerable_victim), 0)
        FROM (SELECT o.owner_organisation_id, report_month(o.occurred_from) AS month, o.partnership_id, o.area_id,
          o.ward_id, o.category, o.asb_type_id, o.source_organisation_id, o.status, o.hate,
          o.domestic, o.alcohol, o.drugs, o.youth, o.vulnerable_victim, -1 AS s FROM old_rows o) d
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
      ON CONFLICT ON CONSTRAINT report_incident_months_key DO UPDATE SET
        incidents = c.incidents + excluded.incidents, hate = c.hate + excluded.hate,
        domestic = c.domestic + excluded.domestic, alcohol = c.alcohol + excluded.alcohol,
        drugs = c.drugs + excluded.drugs, youth = c.youth + excluded.youth,
        vulnerable_victim = c.vulnerable_victim + excluded.vulnerable_victim;
    ELSE
      -- Most edits (a description, a status) change nothing counted: only rows whose counted columns
      -- changed move between aggregate rows.
      INSERT INTO report_incident_months AS c (owner_organisation_id, month, partnership_id, area_id, ward_id, category,
          asb_type_id, source_organisation_id, status, incidents, hate, domestic, alcohol, drugs, youth, vulnerable_victim)
        SELECT owner_organisation_id, month, partnership_id, area_id, ward_id, category, asb_type_id, source_organisation_id, status,
          sum(s), coalesce(sum(s) FILTER (WHERE hate), 0), coalesce(sum(s) FILTER (WHERE domestic), 0),
          coalesce(sum(s) FILTER (WHERE alcohol), 0), coalesce(sum(s) FILTER (WHERE drugs), 0),
          coalesce(sum(s) FILTER (WHERE youth), 0), coalesce(sum(s) FILTER (WHERE vulnerable_victim), 0)
        FROM (SELECT o.owner_organisation_id, report_month(o.occurred_from) AS month, o.partnership_id, o.area_id,
          o.ward_id, o.category, o.asb_type_id, o.source_organisation_id, o.status, o.hate,
          o.domestic, o.alcohol, o.drugs, o.youth, o.vulnerable_victim, -1 AS s FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.owner_organisation_id, report_month(o.occurred_from), o.partnership_id, o.area_id, o.ward_id, o.category,
            o.asb_type_id, o.source_organisation_id, o.status, o.hate, o.domestic, o.alcohol, o.drugs, o.youth, o.vulnerable_victim)
          IS DISTINCT FROM (n.owner_organisation_id, report_month(n.occurred_from), n.partnership_id, n.area_id, n.ward_id, n.category,
            n.asb_type_id, n.source_organisation_id, n.status, n.hate, n.domestic, n.alcohol, n.drugs, n.youth, n.vulnerable_victim)
        UNION ALL SELECT n.owner_organisation_id, report_month(n.occurred_from) AS month, n.partnership_id, n.area_id,
          n.ward_id, n.category, n.asb_type_id, n.source_organisation_id, n.status, n.hate,
          n.domestic, n.alcohol, n.drugs, n.youth, n.vulnerable_victim, 1 AS s FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.owner_organisation_id, report_month(o.occurred_from), o.partnership_id, o.area_id, o.ward_id, o.category,
            o.asb_type_id, o.source_organisation_id, o.status, o.hate, o.domestic, o.alcohol, o.drugs, o.youth, o.vulnerable_victim)
          IS DISTINCT FROM (n.owner_organisation_id, report_month(n.occurred_from), n.partnership_id, n.area_id, n.ward_id, n.category,
            n.asb_type_id, n.source_organisation_id, n.status, n.hate, n.domestic, n.alcohol, n.drugs, n.youth, n.vulnerable_victim)) d
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
      ON CONFLICT ON CONSTRAINT report_incident_months_key DO UPDATE SET
        incidents = c.incidents + excluded.incidents, hate = c.hate + excluded.hate,
        domestic = c.domestic + excluded.domestic, alcohol = c.alcohol + excluded.alcohol,
        drugs = c.drugs + excluded.drugs, youth = c.youth + excluded.youth,
        vulnerable_victim = c.vulnerable_victim + excluded.vulnerable_victim;
    END IF;
    RETURN NULL;
  END $$;

-- Transition tables are allowed only on single-event triggers: one trigger per event.
CREATE TRIGGER incidents_report_months_insert AFTER INSERT ON incidents
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_incident_months_apply();
CREATE TRIGGER incidents_report_months_update AFTER UPDATE ON incidents
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_incident_months_apply();
CREATE TRIGGER incidents_report_months_delete AFTER DELETE ON incidents
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_incident_months_apply();

-- Rebuilds the aggregate from the incidents: the backfill below, and a repair an operator can run
-- (`SELECT report_incident_months_rebuild()`). As the definer, which reads every incident.
CREATE FUNCTION report_incident_months_rebuild() RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    v_rows bigint;
  BEGIN
    DELETE FROM report_incident_months;
    INSERT INTO report_incident_months (owner_organisation_id, month, partnership_id, area_id, ward_id, category,
        asb_type_id, source_organisation_id, status, incidents, hate, domestic, alcohol, drugs, youth, vulnerable_victim)
      SELECT owner_organisation_id, report_month(occurred_from), partnership_id, area_id, ward_id, category,
        asb_type_id, source_organisation_id, status, count(*), count(*) FILTER (WHERE hate), count(*) FILTER (WHERE domestic),
        count(*) FILTER (WHERE alcohol), count(*) FILTER (WHERE drugs), count(*) FILTER (WHERE youth),
        count(*) FILTER (WHERE vulnerable_victim)
      FROM incidents
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN v_rows;
  END $$;
REVOKE ALL ON FUNCTION report_incident_months_rebuild() FROM PUBLIC;
REVOKE ALL ON FUNCTION report_incident_months_apply() FROM PUBLIC;

-- The acting user's organisation's own incidents, counted, for months in [p_from, p_to) (NULL: no
-- bound): exactly the own half of incidents_select (the incident's partnership and organisation are the
-- user's). Incidents shared with the organisation are not here: the builder reads those from
-- incidents through row-level security. Rows counting nothing (all their incidents gone) are left out.
CREATE FUNCTION app_report_incident_months(p_from date, p_to date)
  RETURNS TABLE (month date, area_id uuid, ward_id uuid, category text, asb_type_id uuid, source_organisation_id uuid,
    owner_organisation_id uuid, status text, incidents integer, hate integer, domestic integer, alcohol integer,
    drugs integer, youth integer, vulnerable_victim integer)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT c.month, c.area_id, c.ward_id, c.category, c.asb_type_id, c.source_organisation_id, c.owner_organisation_id,
      c.status, c.incidents, c.hate, c.domestic, c.alcohol, c.drugs, c.youth, c.vulnerable_victim
    FROM report_incident_months c
    WHERE c.owner_organisation_id = (SELECT app_org_id()) AND c.partnership_id = (SELECT app_partnership_id())
      AND c.month >= coalesce(p_from, '-infinity'::date) AND c.month < coalesce(p_to, 'infinity'::date)
      AND c.incidents > 0
  $$;
REVOKE ALL ON FUNCTION app_report_incident_months(date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_report_incident_months(date, date) TO endeavour_app;

SELECT endeavour_adopt_definer_functions();

-- Backfill, now that the functions belong to the definer.
SELECT report_incident_months_rebuild();
