-- Incidents loaded in bulk from another system's export (the police's overnight log, a council's
-- case system): the row's reference in that system, so the same file loaded twice adds nothing, and
-- a log of each load for the organisation that made it.
ALTER TABLE incidents ADD COLUMN source_reference text;
CREATE UNIQUE INDEX incidents_source_reference ON incidents (owner_organisation_id, source_reference)
  WHERE source_reference IS NOT NULL;

CREATE TABLE incident_imports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  owner_organisation_id uuid NOT NULL REFERENCES organisations(id),
  filename text NOT NULL,
  rows_read integer NOT NULL,
  created integer NOT NULL,
  already_loaded integer NOT NULL,
  rejected integer NOT NULL,
  -- The incidents this load added (each still seen only under its own policy).
  incident_ids uuid[] NOT NULL DEFAULT '{}',
  -- Each rejected row's line number and what was wrong, in the user's terms.
  problems jsonb NOT NULL DEFAULT '[]',
  shared_with_organisation_id uuid REFERENCES organisations(id),
  imported_by uuid NOT NULL REFERENCES users(id),
  imported_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incident_imports_owner ON incident_imports (owner_organisation_id, imported_at DESC);

-- A load is the loading organisation's business alone.
ALTER TABLE incident_imports ENABLE ROW LEVEL SECURITY;
ALTER TABLE incident_imports FORCE ROW LEVEL SECURITY;
CREATE POLICY incident_imports_select ON incident_imports FOR SELECT TO endeavour_app
  USING (owner_organisation_id = (SELECT app_org_id()));
CREATE POLICY incident_imports_insert ON incident_imports FOR INSERT TO endeavour_app WITH CHECK (
  owner_organisation_id = (SELECT app_org_id()) AND imported_by = (SELECT app_user_id())
  AND partnership_id = (SELECT app_partnership_id()));
GRANT SELECT, INSERT ON incident_imports TO endeavour_app;

-- The definer role reads it like every protected table (its definer_read policy).
SELECT endeavour_adopt_definer_functions();
