-- Saved report definitions for the report builder (issue 6). A saved report stores only the
-- question (record type, filters, grouping, measure) as the builder's own parameters, never results:
-- whoever opens it runs it under their own row-level security, so sharing a definition with a team,
-- an organisation or the whole partnership never shows anyone a record they could not already see.

CREATE TABLE saved_reports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  owner_organisation_id uuid NOT NULL REFERENCES organisations(id),
  name text NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 120),
  description text CHECK (description IS NULL OR length(description) <= 1000),
  definition jsonb NOT NULL,
  shared_with text NOT NULL DEFAULT 'private' CHECK (shared_with IN ('private', 'team', 'organisation', 'partnership')),
  team_id uuid REFERENCES teams(id),
  archived_at timestamptz,
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  CHECK ((shared_with = 'team') = (team_id IS NOT NULL))
);
CREATE INDEX saved_reports_creator ON saved_reports (created_by) WHERE archived_at IS NULL;
CREATE INDEX saved_reports_partnership ON saved_reports (partnership_id, shared_with) WHERE archived_at IS NULL;

-- Seen by its author, and by the team, organisation or partnership it was shared with; changed only
-- by its author, who can share it only with a team they belong to. No DELETE: archiving keeps the
-- audit trail's references meaningful.
ALTER TABLE saved_reports ENABLE ROW LEVEL SECURITY;
ALTER TABLE saved_reports FORCE ROW LEVEL SECURITY;
CREATE POLICY saved_reports_select ON saved_reports FOR SELECT TO endeavour_app USING (
  partnership_id = (SELECT app_partnership_id())
  AND (created_by = (SELECT app_user_id())
    OR (shared_with = 'organisation' AND owner_organisation_id = (SELECT app_org_id()))
    OR (shared_with = 'team' AND team_id = ANY (app_team_ids()))
    OR shared_with = 'partnership')
);
CREATE POLICY saved_reports_insert ON saved_reports FOR INSERT TO endeavour_app WITH CHECK (
  created_by = (SELECT app_user_id())
  AND owner_organisation_id = (SELECT app_org_id())
  AND partnership_id = (SELECT app_partnership_id())
  AND (team_id IS NULL OR team_id = ANY (app_team_ids()))
);
CREATE POLICY saved_reports_update ON saved_reports FOR UPDATE TO endeavour_app
  USING (created_by = (SELECT app_user_id()))
  WITH CHECK (
    created_by = (SELECT app_user_id())
    AND owner_organisation_id = (SELECT app_org_id())
    AND partnership_id = (SELECT app_partnership_id())
    AND (team_id IS NULL OR team_id = ANY (app_team_ids()))
  );
GRANT SELECT, INSERT, UPDATE ON saved_reports TO endeavour_app;

-- What a report reads of the incidents its viewer's organisation holds, in one index: reports read
-- the holder's incidents through it alone (an index-only scan), a third of the rows of a
-- three-agency partnership and a fraction of each row, instead of every incident in full. It has
-- every column a report can filter or group incidents by, and id, which the row-level security policy
-- itself reads. Coordinates too, for the hotspot map's counts and density.
CREATE INDEX incidents_report ON incidents (owner_organisation_id, occurred_from)
  INCLUDE (id, area_id, ward_id, category, asb_type_id, source_organisation_id, how_reported, status, created_by,
    hate, domestic, alcohol, drugs, youth, vulnerable_victim, latitude, longitude);

-- People on incidents, for reports that count them. incident_people is visible exactly when its
-- incident is, and its policy checks that row by row: right for one incident's page, but over a
-- partnership's millions of links it is a nested loop with a subquery per link. This function applies
-- the same rule once, as a join (the incident's organisation is the reader's, or a live share of the
-- incident reaches them: incidents_select), in two halves that can each use an index, and returns only
-- the links. Reports join them to incidents through row-level security as well, so the rule is applied
-- twice and can only narrow. The dates (occurred_from, half-open) let a report of a year read a year.
CREATE FUNCTION app_report_incident_people(p_from timestamptz, p_to timestamptz)
  RETURNS TABLE (incident_id uuid, person_id uuid, role text)
  LANGUAGE sql STABLE SECURITY DEFINER ROWS 100000 SET search_path = public SET work_mem = '64MB'
  AS $$
    SELECT ip.incident_id, ip.person_id, ip.role
    FROM incidents i JOIN incident_people ip ON ip.incident_id = i.id
    WHERE i.owner_organisation_id = (SELECT app_org_id())
      AND i.occurred_from >= coalesce(p_from, '-infinity') AND i.occurred_from < coalesce(p_to, 'infinity')
    UNION ALL
    SELECT ip.incident_id, ip.person_id, ip.role
    FROM incidents i JOIN incident_people ip ON ip.incident_id = i.id
    WHERE i.owner_organisation_id <> (SELECT app_org_id()) AND i.id IN (SELECT app_shared_ids('incident', 'view'))
      AND i.occurred_from >= coalesce(p_from, '-infinity') AND i.occurred_from < coalesce(p_to, 'infinity')
  $$;
REVOKE ALL ON FUNCTION app_report_incident_people(timestamptz, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_report_incident_people(timestamptz, timestamptz) TO endeavour_app;

SELECT endeavour_adopt_definer_functions();
