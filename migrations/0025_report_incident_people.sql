-- The report builder's people on incidents (issue 6: reports over 2,000,000 incidents under 1 s).
-- "Different people by role, last 12 months" read every link of the year's incidents the viewer's
-- organisation holds through app_report_incident_people (0015): one index probe into incident_people
-- per incident, 445,240 links for Charnwood in the benchmark, 2.1 s however the join was planned.
--
-- Here each link of an incident carries a copy of its incident's reportable columns (one row per
-- incident_people row), so that the organisation's own links of a date range are one index range scan
-- with no join. Kept exact by triggers in the same transaction as the change: a new link copies its
-- incident, a changed link (a merge re-points person_id) is copied again, a removed link takes its
-- copy with it (the foreign key cascades, also when the incident itself goes), and an incident whose
-- reportable columns change updates its links' copies.
--
-- Unlike 0023's aggregate this holds nothing the reader could not see: exactly the links of the
-- incidents the reader's organisation owns in the reader's partnership (the own half of
-- incidents_select, which incident_people follows), so the app role reads it through its own
-- row-level security policy rather than a definer function. Links of incidents SHARED with the reader
-- are read from the records as before (app_report_shared_incident_people below).
CREATE TABLE report_incident_people (
  link_id uuid PRIMARY KEY REFERENCES incident_people(id) ON DELETE CASCADE,
  incident_id uuid NOT NULL,
  person_id uuid NOT NULL,
  role text NOT NULL,
  partnership_id uuid NOT NULL,
  owner_organisation_id uuid NOT NULL,
  occurred_from timestamptz NOT NULL,
  area_id uuid,
  ward_id uuid,
  category text NOT NULL,
  asb_type_id uuid,
  source_organisation_id uuid,
  how_reported text NOT NULL,
  created_by uuid NOT NULL,
  status text NOT NULL,
  hate boolean NOT NULL,
  domestic boolean NOT NULL,
  alcohol boolean NOT NULL,
  drugs boolean NOT NULL,
  youth boolean NOT NULL,
  vulnerable_victim boolean NOT NULL
);
-- A report reads one organisation's links by when their incidents happened. The row-level security
-- policy's columns and the person and role are in the index too, so that the commonest report
-- (different people by role over a period) reads the index alone: 80 ms instead of 270 ms for the
-- 444,000 links of Charnwood's year in the benchmark (once vacuumed; bench/README.md).
CREATE INDEX report_incident_people_read ON report_incident_people (owner_organisation_id, occurred_from)
  INCLUDE (partnership_id, role, person_id);
-- An incident's edit finds its links' copies.
CREATE INDEX report_incident_people_incident ON report_incident_people (incident_id);

ALTER TABLE report_incident_people ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_incident_people FORCE ROW LEVEL SECURITY;
CREATE POLICY definer_write ON report_incident_people FOR ALL TO endeavour_definer USING (true) WITH CHECK (true);
-- incidents_select's own half: the incident's organisation and partnership are the reader's.
CREATE POLICY report_incident_people_select ON report_incident_people FOR SELECT TO endeavour_app
  USING (owner_organisation_id = (SELECT app_org_id()) AND partnership_id = (SELECT app_partnership_id()));
REVOKE ALL ON report_incident_people FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON report_incident_people TO endeavour_definer;
GRANT SELECT ON report_incident_people TO endeavour_app;

-- What a link's copy holds, from the records. Read by the definer functions below as the definer
-- (security_invoker: the view has no rights of its own); the app role cannot read it.
CREATE VIEW report_incident_people_source WITH (security_invoker = true) AS
  SELECT ip.id AS link_id, ip.incident_id, ip.person_id, ip.role, i.partnership_id, i.owner_organisation_id,
    i.occurred_from, i.area_id, i.ward_id, i.category, i.asb_type_id, i.source_organisation_id, i.how_reported,
    i.created_by, i.status, i.hate, i.domestic, i.alcohol, i.drugs, i.youth, i.vulnerable_victim
  FROM incident_people ip JOIN incidents i ON i.id = ip.incident_id;
REVOKE ALL ON report_incident_people_source FROM PUBLIC;

CREATE FUNCTION report_incident_people_links_changed() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    -- A statement's transition tables exist only for its own event: one branch per event.
    IF TG_OP = 'INSERT' THEN
      INSERT INTO report_incident_people
        SELECT s.* FROM report_incident_people_source s WHERE s.link_id IN (SELECT n.id FROM new_rows n)
        ORDER BY s.owner_organisation_id, s.occurred_from;
    ELSE
      -- A link re-pointed (a merge moves it to the surviving person): copied again.
      DELETE FROM report_incident_people WHERE link_id IN (
        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (o.incident_id, o.person_id, o.role) IS DISTINCT FROM (n.incident_id, n.person_id, n.role));
      INSERT INTO report_incident_people
        SELECT s.* FROM report_incident_people_source s WHERE s.link_id IN (
          SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
          WHERE (o.incident_id, o.person_id, o.role) IS DISTINCT FROM (n.incident_id, n.person_id, n.role));
    END IF;
    RETURN NULL;
  END $$;

CREATE TRIGGER incident_people_report_insert AFTER INSERT ON incident_people
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_incident_people_links_changed();
CREATE TRIGGER incident_people_report_update AFTER UPDATE ON incident_people
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_incident_people_links_changed();

-- An incident's edit: only incidents whose reportable columns changed touch their links' copies (most
-- edits, a description or a review note, change none of them).
CREATE FUNCTION report_incident_people_incidents_changed() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    UPDATE report_incident_people r SET
      partnership_id = n.partnership_id, owner_organisation_id = n.owner_organisation_id, occurred_from = n.occurred_from,
      area_id = n.area_id, ward_id = n.ward_id, category = n.category, asb_type_id = n.asb_type_id,
      source_organisation_id = n.source_organisation_id, how_reported = n.how_reported, created_by = n.created_by,
      status = n.status, hate = n.hate, domestic = n.domestic, alcohol = n.alcohol, drugs = n.drugs, youth = n.youth,
      vulnerable_victim = n.vulnerable_victim
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE r.incident_id = n.id
      AND (o.partnership_id, o.owner_organisation_id, o.occurred_from, o.area_id, o.ward_id, o.category, o.asb_type_id,
        o.source_organisation_id, o.how_reported, o.created_by, o.status, o.hate, o.domestic, o.alcohol, o.drugs, o.youth,
        o.vulnerable_victim)
      IS DISTINCT FROM (n.partnership_id, n.owner_organisation_id, n.occurred_from, n.area_id, n.ward_id, n.category,
        n.asb_type_id, n.source_organisation_id, n.how_reported, n.created_by, n.status, n.hate, n.domestic, n.alcohol,
        n.drugs, n.youth, n.vulnerable_victim);
    RETURN NULL;
  END $$;

CREATE TRIGGER incidents_report_people_update AFTER UPDATE ON incidents
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_incident_people_incidents_changed();

-- Rebuilds the copies from the records: the backfill below, and a repair an operator can run
-- (`SELECT report_incident_people_rebuild()`). In (organisation, date) order, so that a report's range
-- scan reads neighbouring pages.
CREATE FUNCTION report_incident_people_rebuild() RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    v_rows bigint;
  BEGIN
    DELETE FROM report_incident_people;
    INSERT INTO report_incident_people
      SELECT s.* FROM report_incident_people_source s ORDER BY s.owner_organisation_id, s.occurred_from;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN v_rows;
  END $$;
REVOKE ALL ON FUNCTION report_incident_people_rebuild() FROM PUBLIC;
REVOKE ALL ON FUNCTION report_incident_people_links_changed() FROM PUBLIC;
REVOKE ALL ON FUNCTION report_incident_people_incidents_changed() FROM PUBLIC;

-- The links of incidents SHARED with the reader's organisation (a live share reaches them: the other
-- half of incidents_select), for months in [p_from, p_to) (NULL: no bound). The own half is
-- report_incident_people above. Replaces app_report_incident_people, which returned both halves.
CREATE FUNCTION app_report_shared_incident_people(p_from timestamptz, p_to timestamptz)
  RETURNS TABLE (incident_id uuid, person_id uuid, role text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT ip.incident_id, ip.person_id, ip.role
    FROM incidents i JOIN incident_people ip ON ip.incident_id = i.id
    WHERE i.owner_organisation_id <> (SELECT app_org_id()) AND i.id IN (SELECT app_shared_ids('incident', 'view'))
      AND i.occurred_from >= coalesce(p_from, '-infinity') AND i.occurred_from < coalesce(p_to, 'infinity')
  $$;
REVOKE ALL ON FUNCTION app_report_shared_incident_people(timestamptz, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_report_shared_incident_people(timestamptz, timestamptz) TO endeavour_app;

DROP FUNCTION app_report_incident_people(timestamptz, timestamptz);

SELECT endeavour_adopt_definer_functions();

-- Backfill, now that the functions belong to the definer.
SELECT report_incident_people_rebuild();
