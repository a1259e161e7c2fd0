-- Who has ever been involved, and how, in an organisation's incidents: one row per (owner organisation,
-- person, role) with the number of links, kept from report_incident_people (0025) by triggers in the
-- same transaction. The report builder's "different people by role, all time" counted every link the
-- organisation holds with an exact distinct count (1,333,403 links for Charnwood in the benchmark:
-- 2.7-3.0 s); here it is a count of rows, and the total a count of distinct people read in the
-- index's own order, without sorting. Reports with dates, filters or other groupings still count
-- the links (repository.ts). See docs/report-builder.md.
--
-- Like report_incident_people it holds nothing the reader could not see (people on the reader's
-- organisation's own incidents), so the app role reads its own organisation's rows through its own
-- row-level security policy.
CREATE TABLE report_person_roles (
  owner_organisation_id uuid NOT NULL,
  person_id uuid NOT NULL,
  role text NOT NULL,
  partnership_id uuid NOT NULL,
  -- Never 0 once a change is applied (such rows are deleted), so every row counts.
  links integer NOT NULL CHECK (links >= 0),
  -- Person before role: the distinct people are read in index order. The policy's column is carried
  -- so that both counts are index-only scans.
  PRIMARY KEY (owner_organisation_id, person_id, role) INCLUDE (partnership_id)
);
ALTER TABLE report_person_roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_person_roles FORCE ROW LEVEL SECURITY;
CREATE POLICY definer_write ON report_person_roles FOR ALL TO endeavour_definer USING (true) WITH CHECK (true);
CREATE POLICY report_person_roles_select ON report_person_roles FOR SELECT TO endeavour_app
  USING (owner_organisation_id = (SELECT app_org_id()) AND partnership_id = (SELECT app_partnership_id()));
REVOKE ALL ON report_person_roles FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON report_person_roles TO endeavour_definer;
GRANT SELECT ON report_person_roles TO endeavour_app;

-- A change in the number of links per (organisation, person, role).
CREATE TYPE report_person_roles_delta AS (owner_organisation_id uuid, person_id uuid, role text, partnership_id uuid, links bigint);

-- Applies changes (each key once): adds to rows or creates them, takes away from rows, then deletes
-- those left with no link; in key order so that concurrent writers lock in one order. One statement
-- after another (each sees the one before), so a concurrent change to the same row is waited for and
-- added to, never lost.
CREATE FUNCTION report_person_roles_add(p_changes report_person_roles_delta[]) RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = public
  AS $$
    INSERT INTO report_person_roles AS p (owner_organisation_id, person_id, role, partnership_id, links)
      SELECT owner_organisation_id, person_id, role, partnership_id, links FROM unnest(p_changes) WHERE links > 0 ORDER BY 1, 2, 3
    ON CONFLICT (owner_organisation_id, person_id, role) DO UPDATE SET links = p.links + excluded.links;
    UPDATE report_person_roles p SET links = p.links + d.links
      FROM (SELECT * FROM unnest(p_changes) WHERE links < 0 ORDER BY 1, 2, 3) d
      WHERE p.owner_organisation_id = d.owner_organisation_id AND p.person_id = d.person_id AND p.role = d.role;
    DELETE FROM report_person_roles p USING (SELECT * FROM unnest(p_changes) WHERE links < 0) d
      WHERE p.owner_organisation_id = d.owner_organisation_id AND p.person_id = d.person_id AND p.role = d.role
        AND p.links <= 0;
  $$;

-- New copies add their links, removed ones take theirs away; an update moves only the copies whose
-- organisation, partnership, person or role changed (a merge, an incident given to another
-- organisation), not those of an incident's status or district.
CREATE FUNCTION report_person_roles_apply() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    -- A statement's transition tables exist only for its own event: one branch per event.
    IF TG_OP = 'INSERT' THEN
      PERFORM report_person_roles_add(ARRAY(
        SELECT row(n.owner_organisation_id, n.person_id, n.role, n.partnership_id, count(*))::report_person_roles_delta
        FROM new_rows n GROUP BY n.owner_organisation_id, n.person_id, n.role, n.partnership_id));
    ELSIF TG_OP = 'DELETE' THEN
      PERFORM report_person_roles_add(ARRAY(
        SELECT row(o.owner_organisation_id, o.person_id, o.role, o.partnership_id, -count(*))::report_person_roles_delta
        FROM old_rows o GROUP BY o.owner_organisation_id, o.person_id, o.role, o.partnership_id));
    ELSE
      PERFORM report_person_roles_add(ARRAY(
        SELECT row(d.owner_organisation_id, d.person_id, d.role, d.partnership_id, sum(d.s))::report_person_roles_delta
        FROM (
          SELECT o.owner_organisation_id, o.person_id, o.role, o.partnership_id, -1 AS s
            FROM old_rows o JOIN new_rows n ON n.link_id = o.link_id
            WHERE (o.owner_organisation_id, o.person_id, o.role, o.partnership_id)
              IS DISTINCT FROM (n.owner_organisation_id, n.person_id, n.role, n.partnership_id)
          UNION ALL
          SELECT n.owner_organisation_id, n.person_id, n.role, n.partnership_id, 1
            FROM old_rows o JOIN new_rows n ON n.link_id = o.link_id
            WHERE (o.owner_organisation_id, o.person_id, o.role, o.partnership_id)
              IS DISTINCT FROM (n.owner_organisation_id, n.person_id, n.role, n.partnership_id)) d
        GROUP BY d.owner_organisation_id, d.person_id, d.role, d.partnership_id));
    END IF;
    RETURN NULL;
  END $$;

CREATE TRIGGER report_incident_people_roles_insert AFTER INSERT ON report_incident_people
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_person_roles_apply();
CREATE TRIGGER report_incident_people_roles_update AFTER UPDATE ON report_incident_people
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_person_roles_apply();
CREATE TRIGGER report_incident_people_roles_delete AFTER DELETE ON report_incident_people
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_person_roles_apply();

-- Rebuilds the rows from the copies: the backfill below, and a repair an operator can run
-- (`SELECT report_person_roles_rebuild()`).
CREATE FUNCTION report_person_roles_rebuild() RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    v_rows bigint;
  BEGIN
    DELETE FROM report_person_roles;
    INSERT INTO report_person_roles (owner_organisation_id, person_id, role, partnership_id, links)
      SELECT owner_organisation_id, person_id, role, partnership_id, count(*)
      FROM report_incident_people GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN v_rows;
  END $$;
REVOKE ALL ON FUNCTION report_person_roles_rebuild() FROM PUBLIC;
REVOKE ALL ON FUNCTION report_person_roles_apply() FROM PUBLIC;
REVOKE ALL ON FUNCTION report_person_roles_add(report_person_roles_delta[]) FROM PUBLIC;

SELECT endeavour_adopt_definer_functions();

SELECT report_person_roles_rebuild();
