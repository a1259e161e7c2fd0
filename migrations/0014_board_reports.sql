-- Quarterly board reports: the partnership's performance report for a quarter, in the shape boards
-- read (a summary, a section per priority with its figures and their movement, the dashboard table
-- as an appendix), with narrative text per section that analysts and coordinators write.
--
-- A report belongs to the partnership, not to one organisation: it holds aggregate figures (already
-- suppressed as the indicators' rules require when it was generated) and narrative, no personal data.
-- Who may read it is decided by role: the partnership's administrators, coordinators, managers,
-- analysts and read-only users (board members); who may write it, its administrators, coordinators
-- and analysts. Row-level security enforces both, so a query that forgot a check still cannot show a
-- report to a case officer or to another partnership.

-- Whether the acting user holds any of the given roles. SECURITY DEFINER (adopted by
-- endeavour_definer below) because policies call it and the users table is not the app role's to
-- read freely; the roles come from the users table, never from the session.
CREATE FUNCTION app_user_has_role(p_roles text[]) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$ SELECT coalesce((SELECT u.roles && p_roles FROM users u WHERE u.id = app_user_id() AND u.active), false) $$;

CREATE TABLE board_reports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  period_kind text NOT NULL CHECK (period_kind IN ('quarter')),
  -- First days of the period's first and last months.
  period_from date NOT NULL CHECK (extract(day FROM period_from) = 1),
  period_to date NOT NULL CHECK (extract(day FROM period_to) = 1),
  title text NOT NULL CHECK (length(trim(title)) BETWEEN 1 AND 200),
  -- The figures as they stood when generated (or last refreshed), so the narrative written about them
  -- keeps matching what the board reads. Shape: src/modules/board-report/figures.ts.
  figures jsonb NOT NULL,
  figures_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  CHECK (period_to >= period_from),
  UNIQUE (partnership_id, period_kind, period_from)
);

-- One row per section: the summary, each priority, the recommendations. Each has its own version, so
-- two people writing different sections never conflict.
CREATE TABLE board_report_sections (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  report_id uuid NOT NULL REFERENCES board_reports(id) ON DELETE CASCADE,
  key text NOT NULL CHECK (key ~ '^[a-z0-9][a-z0-9-]{0,80}$'),
  heading text NOT NULL CHECK (length(trim(heading)) BETWEEN 1 AND 200),
  position integer NOT NULL,
  -- The priority a section reports on (null for the summary and recommendations).
  priority text,
  narrative text NOT NULL DEFAULT '' CHECK (length(narrative) <= 20000),
  updated_by uuid REFERENCES users(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  UNIQUE (report_id, key)
);
CREATE INDEX board_report_sections_report ON board_report_sections (report_id, position);

ALTER TABLE board_reports ENABLE ROW LEVEL SECURITY;
ALTER TABLE board_reports FORCE ROW LEVEL SECURITY;
CREATE POLICY board_reports_select ON board_reports FOR SELECT TO endeavour_app USING (
  partnership_id = (SELECT app_partnership_id())
  AND (SELECT app_user_has_role(ARRAY['partnership_admin', 'coordinator', 'manager', 'analyst', 'read_only']))
);
CREATE POLICY board_reports_insert ON board_reports FOR INSERT TO endeavour_app WITH CHECK (
  partnership_id = (SELECT app_partnership_id())
  AND (SELECT app_user_has_role(ARRAY['partnership_admin', 'coordinator', 'analyst']))
);
CREATE POLICY board_reports_update ON board_reports FOR UPDATE TO endeavour_app
  USING (partnership_id = (SELECT app_partnership_id()) AND (SELECT app_user_has_role(ARRAY['partnership_admin', 'coordinator', 'analyst'])))
  WITH CHECK (partnership_id = (SELECT app_partnership_id()) AND (SELECT app_user_has_role(ARRAY['partnership_admin', 'coordinator', 'analyst'])));

-- Sections are visible exactly when their report is (the subquery runs under the report's policy);
-- writing one also needs a writer's role.
ALTER TABLE board_report_sections ENABLE ROW LEVEL SECURITY;
ALTER TABLE board_report_sections FORCE ROW LEVEL SECURITY;
CREATE POLICY board_report_sections_select ON board_report_sections FOR SELECT TO endeavour_app USING (
  EXISTS (SELECT 1 FROM board_reports r WHERE r.id = report_id)
);
CREATE POLICY board_report_sections_insert ON board_report_sections FOR INSERT TO endeavour_app WITH CHECK (
  EXISTS (SELECT 1 FROM board_reports r WHERE r.id = report_id)
  AND (SELECT app_user_has_role(ARRAY['partnership_admin', 'coordinator', 'analyst']))
);
CREATE POLICY board_report_sections_update ON board_report_sections FOR UPDATE TO endeavour_app
  USING (EXISTS (SELECT 1 FROM board_reports r WHERE r.id = report_id) AND (SELECT app_user_has_role(ARRAY['partnership_admin', 'coordinator', 'analyst'])))
  WITH CHECK (EXISTS (SELECT 1 FROM board_reports r WHERE r.id = report_id) AND (SELECT app_user_has_role(ARRAY['partnership_admin', 'coordinator', 'analyst'])));

-- Reports are kept: no DELETE for the app role.
GRANT SELECT, INSERT, UPDATE ON board_reports, board_report_sections TO endeavour_app;
GRANT EXECUTE ON FUNCTION app_user_has_role(text[]) TO endeavour_app;

SELECT endeavour_adopt_definer_functions();
