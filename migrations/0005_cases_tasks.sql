-- Cases and tasks: where a case's priority came from, what an assignee may know about the record a
-- task is on, and the counts a manager needs to supervise caseloads.

-- A case's priority follows the latest risk assessment of its people unless an officer deliberately
-- set it after that assessment. The assessment's date is kept on the case so that viewers who cannot
-- see the assessment itself still see why the case has its priority.
ALTER TABLE cases
  ADD COLUMN priority_source text NOT NULL DEFAULT 'officer' CHECK (priority_source IN ('officer', 'risk_assessment')),
  ADD COLUMN priority_assessment_id uuid REFERENCES risk_assessments(id),
  ADD COLUMN priority_assessed_at timestamptz,
  ADD COLUMN priority_overridden_at timestamptz;

CREATE INDEX case_links_other ON case_links (other_case_id);
CREATE INDEX cases_review_open ON cases (owner_organisation_id, review_date) WHERE status <> 'closed';

-- Whoever a task is assigned to may not be able to see the case or incident it is on. They still need
-- to know which record it concerns and who holds it, to ask them: only the reference and the holder's
-- name, and only for a task the acting user can see by the same rule as tasks_select.
CREATE FUNCTION app_task_context(p_task uuid)
  RETURNS TABLE (case_reference text, case_holder text, incident_reference text, incident_holder text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT c.reference, co.name, i.reference, io.name
    FROM tasks t
    LEFT JOIN cases c ON c.id = t.case_id
    LEFT JOIN organisations co ON co.id = c.owner_organisation_id
    LEFT JOIN incidents i ON i.id = t.incident_id
    LEFT JOIN organisations io ON io.id = i.owner_organisation_id
    WHERE t.id = p_task
      AND (t.owner_organisation_id = app_org_id()
        OR t.assigned_organisation_id = app_org_id()
        OR t.assigned_user_id = app_user_id()
        OR t.assigned_team_id = ANY (app_team_ids())
        OR app_has_share('task', t.id, 'view'))
  $$;

-- A manager supervises everything assigned to their officers, including tasks other organisations
-- set them, which the manager cannot otherwise see: counts only, for managers only, of their own
-- organisation's active users.
CREATE FUNCTION app_caseload_task_counts()
  RETURNS TABLE (user_id uuid, open_tasks integer, overdue_tasks integer)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT u.id,
      count(t.id) FILTER (WHERE t.status IN ('open', 'in_progress'))::integer,
      count(t.id) FILTER (WHERE t.status IN ('open', 'in_progress') AND t.due_date < current_date)::integer
    FROM users u
    LEFT JOIN tasks t ON t.assigned_user_id = u.id
    WHERE u.organisation_id = app_org_id()
      AND u.active
      AND EXISTS (SELECT 1 FROM users m WHERE m.id = app_user_id() AND m.active AND 'manager' = ANY (m.roles))
    GROUP BY u.id
  $$;

REVOKE ALL ON FUNCTION app_task_context(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION app_caseload_task_counts() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_task_context(uuid) TO endeavour_app;
GRANT EXECUTE ON FUNCTION app_caseload_task_counts() TO endeavour_app;
