-- Supervision by first-line managers: who line-manages whom, supervision notes on cases, and the
-- record of cases and tasks a manager moved from one officer to another (with the reason).

-- Line management ----------------------------------------------------------------------------------

-- "Cases will be managed by individual lead officers, and supervised by first line managers from lead
-- agency": a user's first-line manager is someone in the same organisation (never themselves).
ALTER TABLE users ADD COLUMN line_manager_id uuid REFERENCES users(id);
CREATE INDEX users_line_manager ON users (line_manager_id) WHERE line_manager_id IS NOT NULL;

-- A CHECK cannot look at another row, so a trigger keeps the link inside one organisation. It runs as
-- the caller: users has no row-level security, and the app role may read it.
CREATE FUNCTION users_line_manager_check() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF NEW.line_manager_id IS NULL THEN RETURN NEW; END IF;
    IF NEW.line_manager_id = NEW.id THEN
      RAISE EXCEPTION 'a user cannot be their own line manager' USING ERRCODE = 'check_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM users m WHERE m.id = NEW.line_manager_id AND m.organisation_id = NEW.organisation_id) THEN
      RAISE EXCEPTION 'a line manager must work for the same organisation' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END $$;
CREATE TRIGGER users_line_manager BEFORE INSERT OR UPDATE OF line_manager_id, organisation_id ON users
  FOR EACH ROW EXECUTE FUNCTION users_line_manager_check();

-- A manager who moves to another organisation stops line-managing the people they leave behind.
CREATE FUNCTION users_line_reports_release() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    UPDATE users SET line_manager_id = NULL
      WHERE line_manager_id = NEW.id AND organisation_id <> NEW.organisation_id;
    RETURN NULL;
  END $$;
CREATE TRIGGER users_line_reports_release AFTER UPDATE OF organisation_id ON users
  FOR EACH ROW WHEN (OLD.organisation_id IS DISTINCT FROM NEW.organisation_id)
  EXECUTE FUNCTION users_line_reports_release();

-- Supervision notes ---------------------------------------------------------------------------------

-- A manager's record of supervising a case, optionally with the date it is next to be reviewed. Notes
-- are never changed or deleted. Seen by whoever can see the case (the subquery runs under the case's
-- own policy); written only by a manager who may change the case.
CREATE TABLE case_supervision_notes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  author_id uuid NOT NULL REFERENCES users(id),
  note text NOT NULL CHECK (length(trim(note)) BETWEEN 1 AND 5000),
  next_review_date date,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_supervision_notes_case ON case_supervision_notes (case_id, created_at);

ALTER TABLE case_supervision_notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_supervision_notes FORCE ROW LEVEL SECURITY;
CREATE POLICY case_supervision_notes_select ON case_supervision_notes FOR SELECT TO endeavour_app
  USING (EXISTS (SELECT 1 FROM cases p WHERE p.id = case_id));
CREATE POLICY case_supervision_notes_insert ON case_supervision_notes FOR INSERT TO endeavour_app WITH CHECK (
  author_id = (SELECT app_user_id())
  AND (SELECT app_user_has_role(ARRAY['manager']))
  AND EXISTS (SELECT 1 FROM cases p WHERE p.id = case_id
    AND (p.owner_organisation_id = (SELECT app_org_id()) OR p.id IN (SELECT app_shared_ids('case', 'edit')))));
GRANT SELECT, INSERT ON case_supervision_notes TO endeavour_app;

-- Reassignments -------------------------------------------------------------------------------------

-- A case's lead officer, or a task's assignee, moved by a manager, and why. The change itself is made
-- on the case or task (with its version check); this row keeps the reason beside it. Seen by whoever
-- can see the case or task; written only by a manager of the organisation, about a record they can see.
CREATE TABLE supervision_reassignments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  -- The reassigning manager's organisation.
  owner_organisation_id uuid NOT NULL REFERENCES organisations(id),
  case_id uuid REFERENCES cases(id),
  task_id uuid REFERENCES tasks(id),
  from_user_id uuid REFERENCES users(id),
  to_user_id uuid NOT NULL REFERENCES users(id),
  reason text NOT NULL CHECK (length(trim(reason)) BETWEEN 1 AND 2000),
  reassigned_by uuid NOT NULL REFERENCES users(id),
  reassigned_at timestamptz NOT NULL DEFAULT now(),
  CHECK (num_nonnulls(case_id, task_id) = 1)
);
CREATE INDEX supervision_reassignments_case ON supervision_reassignments (case_id) WHERE case_id IS NOT NULL;
CREATE INDEX supervision_reassignments_task ON supervision_reassignments (task_id) WHERE task_id IS NOT NULL;

ALTER TABLE supervision_reassignments ENABLE ROW LEVEL SECURITY;
ALTER TABLE supervision_reassignments FORCE ROW LEVEL SECURITY;
CREATE POLICY supervision_reassignments_select ON supervision_reassignments FOR SELECT TO endeavour_app USING (
  (case_id IS NOT NULL AND EXISTS (SELECT 1 FROM cases p WHERE p.id = case_id))
  OR (task_id IS NOT NULL AND EXISTS (SELECT 1 FROM tasks p WHERE p.id = task_id)));
CREATE POLICY supervision_reassignments_insert ON supervision_reassignments FOR INSERT TO endeavour_app WITH CHECK (
  reassigned_by = (SELECT app_user_id())
  AND owner_organisation_id = (SELECT app_org_id())
  AND partnership_id = (SELECT app_partnership_id())
  AND (SELECT app_user_has_role(ARRAY['manager']))
  AND ((case_id IS NOT NULL AND EXISTS (SELECT 1 FROM cases p WHERE p.id = case_id))
    OR (task_id IS NOT NULL AND EXISTS (SELECT 1 FROM tasks p WHERE p.id = task_id))));
GRANT SELECT, INSERT ON supervision_reassignments TO endeavour_app;

-- The supervision page reads cases past review by lead officer.
CREATE INDEX cases_lead_review_open ON cases (lead_officer_id, review_date) WHERE status <> 'closed';

SELECT endeavour_adopt_definer_functions();
