-- Merging duplicate people, and undoing a merge. The duplicate is never deleted: it is marked as
-- merged into the survivor (and hidden from lists and searches), everything that referred to it is
-- moved to the survivor, and person_merges keeps both people's rows as they were and exactly which
-- rows were moved, created or removed, so that an unmerge can put everything back.
-- The list of what refers to a person, and how a merge treats each, is src/modules/people/person-references.ts.

ALTER TABLE people
  ADD COLUMN merged_into_id uuid REFERENCES people(id),
  ADD COLUMN merged_at timestamptz,
  ADD CONSTRAINT people_not_merged_into_self CHECK (merged_into_id IS NULL OR merged_into_id <> id);
CREATE INDEX people_merged_into ON people (merged_into_id) WHERE merged_into_id IS NOT NULL;

-- Whether the acting user may change a person: they can see it (people's policy applies, as this runs
-- as the caller) and their organisation owns it or an edit share reaches them.
CREATE FUNCTION app_can_edit_person(p_id uuid) RETURNS boolean
  LANGUAGE sql STABLE SET search_path = public
  AS $$
    SELECT EXISTS (
      SELECT 1 FROM people p
      WHERE p.id = p_id
        AND (p.owner_organisation_id = (SELECT app_org_id()) OR p.id IN (SELECT app_shared_ids('person', 'edit')))
    )
  $$;

CREATE TABLE person_merges (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  survivor_id uuid NOT NULL REFERENCES people(id),
  duplicate_id uuid NOT NULL REFERENCES people(id),
  reason text NOT NULL CHECK (length(trim(reason)) > 0),
  -- Both people's rows exactly as they were before the merge (to_jsonb of the whole row).
  survivor_before jsonb NOT NULL,
  duplicate_before jsonb NOT NULL,
  -- The survivor's row as the merge left it.
  survivor_after jsonb NOT NULL,
  -- The survivor's version straight after the merge: if it has moved on, the survivor was changed
  -- since, and an unmerge keeps those later changes.
  survivor_after_version integer NOT NULL,
  -- The survivor's fields the merge changed (taken from the duplicate or combined with it).
  fields_changed text[] NOT NULL DEFAULT '{}',
  -- What the merge did to other tables: [{table, column, action: moved|deleted|created, keys|rows}].
  changes jsonb NOT NULL DEFAULT '[]'::jsonb,
  merged_by uuid NOT NULL REFERENCES users(id),
  merged_at timestamptz NOT NULL DEFAULT now(),
  unmerged_by uuid REFERENCES users(id),
  unmerged_at timestamptz,
  unmerge_reason text,
  -- What an unmerge left with the survivor (changed or removed since the merge), for the record.
  unmerge_kept jsonb,
  version integer NOT NULL DEFAULT 1,
  CHECK (survivor_id <> duplicate_id),
  CHECK ((unmerged_at IS NULL) = (unmerged_by IS NULL))
);
CREATE INDEX person_merges_survivor ON person_merges (survivor_id, merged_at DESC);
CREATE INDEX person_merges_duplicate ON person_merges (duplicate_id, merged_at DESC);
-- A person is merged into at most one other at a time.
CREATE UNIQUE INDEX person_merges_live_duplicate ON person_merges (duplicate_id) WHERE unmerged_at IS NULL;

-- A merge is visible exactly when its survivor is, and made or undone only by someone who may change
-- both people.
ALTER TABLE person_merges ENABLE ROW LEVEL SECURITY;
ALTER TABLE person_merges FORCE ROW LEVEL SECURITY;
CREATE POLICY person_merges_select ON person_merges FOR SELECT TO endeavour_app
  USING (EXISTS (SELECT 1 FROM people p WHERE p.id = survivor_id));
CREATE POLICY person_merges_insert ON person_merges FOR INSERT TO endeavour_app
  WITH CHECK (merged_by = (SELECT app_user_id()) AND partnership_id = (SELECT app_partnership_id())
    AND app_can_edit_person(survivor_id) AND app_can_edit_person(duplicate_id));
CREATE POLICY person_merges_update ON person_merges FOR UPDATE TO endeavour_app
  USING (app_can_edit_person(survivor_id) AND app_can_edit_person(duplicate_id))
  WITH CHECK (app_can_edit_person(survivor_id) AND app_can_edit_person(duplicate_id)
    AND (unmerged_by IS NULL OR unmerged_by = (SELECT app_user_id())));
GRANT SELECT, INSERT, UPDATE ON person_merges TO endeavour_app;

-- How many rows refer to a person, across the whole partnership, per referring column: every foreign
-- key to people(id), found in the catalogue so that a table added later is counted without changing
-- this function, plus live shares. A merge moves what the actor can change under row-level security;
-- this count (of rows the actor may not be able to see) is how it knows nothing was left behind.
-- Counts only, and only about a person the caller may change. A share of the person that an equal or
-- wider live share of p_other already gives is not counted: leaving it does not hide anything.
CREATE FUNCTION app_person_references(p_person uuid, p_other uuid)
  RETURNS TABLE (table_name text, column_name text, n integer)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    r record;
    v_org uuid := app_org_id();
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM people p WHERE p.id = p_person
        AND (p.owner_organisation_id = v_org OR p.id IN (SELECT app_shared_ids('person', 'edit')))) THEN
      RETURN;
    END IF;
    FOR r IN
      SELECT c.conrelid::regclass AS tbl, c.relname, a.attname::text AS col
      FROM (SELECT k.conrelid, k.conkey, cl.relname::text AS relname FROM pg_constraint k JOIN pg_class cl ON cl.oid = k.conrelid
            WHERE k.contype = 'f' AND k.confrelid = 'public.people'::regclass AND array_length(k.conkey, 1) = 1) c
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      ORDER BY 2, 3
    LOOP
      table_name := r.relname;
      column_name := r.col;
      IF has_table_privilege(r.tbl, 'SELECT') THEN
        EXECUTE format('SELECT count(*)::integer FROM %s WHERE %I = $1', r.tbl, r.col) INTO n USING p_person;
      ELSE
        n := NULL; -- cannot be checked: the caller treats this as something left behind
      END IF;
      RETURN NEXT;
    END LOOP;
    table_name := 'record_shares';
    column_name := 'record_id';
    SELECT count(*)::integer INTO n FROM record_shares s
    WHERE s.record_type = 'person' AND s.record_id = p_person AND s.revoked_at IS NULL
      AND (s.expires_at IS NULL OR s.expires_at > now())
      AND NOT EXISTS (
        SELECT 1 FROM record_shares o
        WHERE o.record_type = 'person' AND o.record_id = p_other AND o.revoked_at IS NULL
          AND (o.expires_at IS NULL OR (s.expires_at IS NOT NULL AND o.expires_at >= s.expires_at))
          AND (o.access = 'edit' OR s.access = 'view')
          AND o.to_organisation_id IS NOT DISTINCT FROM s.to_organisation_id
          AND o.to_team_id IS NOT DISTINCT FROM s.to_team_id
          AND o.to_user_id IS NOT DISTINCT FROM s.to_user_id);
    RETURN NEXT;
  END $$;

REVOKE ALL ON FUNCTION app_person_references(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_person_references(uuid, uuid) TO endeavour_app;
GRANT EXECUTE ON FUNCTION app_can_edit_person(uuid) TO endeavour_app;

SELECT endeavour_adopt_definer_functions();
