-- Indicators: the partnership's performance measures as data, the external statistics series they may
-- be computed from (police.uk street-level crime, survey results...), and the monthly aggregate of
-- incidents that keeps the dashboard fast without scanning incidents. See docs/indicators.md.

-- Partnership configuration ---------------------------------------------------------------------

-- Counts from 1 to suppression_threshold are hidden at area level from users who could not see every
-- record behind them. defaults_seeded_at records that the default indicator set was given once, so
-- deleting every indicator does not bring the defaults back.
CREATE TABLE indicator_settings (
  partnership_id uuid PRIMARY KEY REFERENCES partnerships(id),
  suppression_threshold integer NOT NULL DEFAULT 4 CHECK (suppression_threshold BETWEEN 0 AND 100),
  defaults_seeded_at timestamptz,
  updated_by uuid REFERENCES users(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1
);

CREATE TABLE indicators (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  key text NOT NULL CHECK (key ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name text NOT NULL CHECK (length(trim(name)) > 0),
  description text NOT NULL DEFAULT '',
  outcome text NOT NULL,
  priority text NOT NULL,
  source text NOT NULL CHECK (source IN ('records', 'series')),
  -- From records: one of a fixed list of measures (indicator_raw_counts), narrowed by a filter.
  measure text CHECK (measure IN ('incidents', 'cases_opened', 'cases_closed', 'tasks_overdue', 'repeat_victims',
    'case_review_applications')),
  filter jsonb NOT NULL DEFAULT '{}',
  -- From an imported series: its name, exactly as imported (police.uk's crime types are series names).
  series_name text,
  unit text NOT NULL CHECK (unit IN ('count', 'rate_per_1000', 'percentage')),
  polarity text NOT NULL CHECK (polarity IN ('up_is_good', 'down_is_good', 'neutral')),
  target numeric,
  band_low numeric,
  band_high numeric,
  sort_order integer NOT NULL DEFAULT 0,
  active boolean NOT NULL DEFAULT true,
  created_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  UNIQUE (partnership_id, key),
  CHECK ((source = 'records' AND measure IS NOT NULL AND series_name IS NULL)
      OR (source = 'series' AND measure IS NULL AND series_name IS NOT NULL)),
  CHECK ((band_low IS NULL) = (band_high IS NULL) AND (band_low IS NULL OR band_low <= band_high))
);
CREATE INDEX indicators_partnership ON indicators (partnership_id, sort_order);

-- Imported series -------------------------------------------------------------------------------

-- One figure per series, area and month from one source. area_id NULL is a figure for the whole
-- partnership. Each source's figures are kept apart (a partnership on a force boundary imports two
-- forces' police.uk files for the same months) and summed when read; re-importing a source's month
-- replaces that source's figures for it.
CREATE TABLE indicator_series_values (
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  series text NOT NULL CHECK (length(trim(series)) > 0),
  source text NOT NULL,
  area_id uuid REFERENCES areas(id) ON DELETE CASCADE,
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  value numeric NOT NULL,
  imported_by uuid REFERENCES users(id),
  imported_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT indicator_series_values_key UNIQUE NULLS NOT DISTINCT (partnership_id, series, source, area_id, month)
);
CREATE INDEX indicator_series_values_month ON indicator_series_values (partnership_id, series, month);

-- Configuration and public statistics, not protected records: every user of the partnership reads
-- them; only its administrators change them (checked by the service). Row-level security keeps each
-- partnership's rows to itself; it is not forced, so set-up run as the owner (the demo seed, the
-- importers) can write them.
ALTER TABLE indicator_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE indicators ENABLE ROW LEVEL SECURITY;
ALTER TABLE indicator_series_values ENABLE ROW LEVEL SECURITY;
CREATE POLICY indicator_settings_partnership ON indicator_settings FOR ALL TO endeavour_app
  USING (partnership_id = (SELECT app_partnership_id())) WITH CHECK (partnership_id = (SELECT app_partnership_id()));
CREATE POLICY indicators_partnership ON indicators FOR ALL TO endeavour_app
  USING (partnership_id = (SELECT app_partnership_id())) WITH CHECK (partnership_id = (SELECT app_partnership_id()));
CREATE POLICY indicator_series_values_partnership ON indicator_series_values FOR ALL TO endeavour_app
  USING (partnership_id = (SELECT app_partnership_id())) WITH CHECK (partnership_id = (SELECT app_partnership_id()));
GRANT SELECT, INSERT, UPDATE, DELETE ON indicator_settings, indicators, indicator_series_values TO endeavour_app;

-- The monthly incident aggregate --------------------------------------------------------------------

-- Incidents counted by partnership, district, month reported (UK time), category, ASB type, source
-- and owner organisation, with a count per flag. Kept exact by statement-level triggers on incidents
-- in the same transaction as the change, so the dashboard reads thousands of rows, not millions.
-- Flags are counted, not part of the key: any one flag can be filtered on, and the table stays small.
-- Counts of other organisations' records are not for users to read: no grant to the app role, and
-- forced row-level security with no policy for it. Only the definer (triggers, indicator functions).
CREATE TABLE incident_month_counts (
  partnership_id uuid NOT NULL,
  month date NOT NULL,
  area_id uuid,
  category text NOT NULL,
  asb_type_id uuid,
  source_organisation_id uuid,
  owner_organisation_id uuid NOT NULL,
  incidents integer NOT NULL DEFAULT 0,
  hate integer NOT NULL DEFAULT 0,
  domestic integer NOT NULL DEFAULT 0,
  alcohol integer NOT NULL DEFAULT 0,
  drugs integer NOT NULL DEFAULT 0,
  youth integer NOT NULL DEFAULT 0,
  vulnerable_victim integer NOT NULL DEFAULT 0,
  CONSTRAINT incident_month_counts_key UNIQUE NULLS NOT DISTINCT
    (partnership_id, month, area_id, category, asb_type_id, source_organisation_id, owner_organisation_id)
);
ALTER TABLE incident_month_counts ENABLE ROW LEVEL SECURITY;
ALTER TABLE incident_month_counts FORCE ROW LEVEL SECURITY;
CREATE POLICY definer_write ON incident_month_counts FOR ALL TO endeavour_definer USING (true) WITH CHECK (true);
REVOKE ALL ON incident_month_counts FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON incident_month_counts TO endeavour_definer;

-- The district a case is counted in: that of the first incident it was opened from (the earliest
-- linked still linked). Kept by triggers on case_incidents and on incidents' districts, so that
-- counting cases by district never looks through their links. Derived from records other
-- organisations hold: like the aggregate, for the definer only.
CREATE TABLE case_areas (
  case_id uuid PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
  area_id uuid
);
ALTER TABLE case_areas ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_areas FORCE ROW LEVEL SECURITY;
CREATE POLICY definer_write ON case_areas FOR ALL TO endeavour_definer USING (true) WITH CHECK (true);
REVOKE ALL ON case_areas FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON case_areas TO endeavour_definer;

CREATE FUNCTION case_areas_refresh(p_cases uuid[]) RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = public
  AS $$
    DELETE FROM case_areas WHERE case_id = ANY (p_cases);
    INSERT INTO case_areas (case_id, area_id)
      SELECT DISTINCT ON (ci.case_id) ci.case_id, i.area_id
      FROM case_incidents ci JOIN incidents i ON i.id = ci.incident_id
      WHERE ci.case_id = ANY (p_cases)
      ORDER BY ci.case_id, ci.added_at, i.reported_at, i.id;
  $$;

CREATE FUNCTION case_areas_apply() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      PERFORM case_areas_refresh(ARRAY(SELECT DISTINCT case_id FROM new_links));
    ELSE
      PERFORM case_areas_refresh(ARRAY(SELECT DISTINCT case_id FROM old_links));
    END IF;
    RETURN NULL;
  END $$;

CREATE TRIGGER case_incidents_areas_insert AFTER INSERT ON case_incidents
  REFERENCING NEW TABLE AS new_links FOR EACH STATEMENT EXECUTE FUNCTION case_areas_apply();
CREATE TRIGGER case_incidents_areas_delete AFTER DELETE ON case_incidents
  REFERENCING OLD TABLE AS old_links FOR EACH STATEMENT EXECUTE FUNCTION case_areas_apply();

CREATE FUNCTION incident_month(p_reported timestamptz) RETURNS date
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT date_trunc('month', p_reported AT TIME ZONE 'Europe/London')::date $$;

-- Adds the new rows' counts and takes away the old rows'. One upsert per statement, grouped so that
-- no aggregate row is touched twice, in key order so that concurrent writers lock rows in one order.
CREATE FUNCTION incident_month_counts_apply() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      INSERT INTO incident_month_counts AS c (partnership_id, month, area_id, category, asb_type_id, source_organisation_id,
          owner_organisation_id, incidents, hate, domestic, alcohol, drugs, youth, vulnerable_victim)
        SELECT partnership_id, incident_month(reported_at), area_id, category, asb_type_id, source_organisation_id,
          owner_organisation_id, count(*), count(*) FILTER (WHERE hate), count(*) FILTER (WHERE domestic),
          count(*) FILTER (WHERE alcohol), count(*) FILTER (WHERE drugs), count(*) FILTER (WHERE youth),
          count(*) FILTER (WHERE vulnerable_victim)
        FROM new_rows
        GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
      ON CONFLICT ON CONSTRAINT incident_month_counts_key DO UPDATE SET
        incidents = c.incidents + excluded.incidents, hate = c.hate + excluded.hate,
        domestic = c.domestic + excluded.domestic, alcohol = c.alcohol + excluded.alcohol,
        drugs = c.drugs + excluded.drugs, youth = c.youth + excluded.youth,
        vulnerable_victim = c.vulnerable_victim + excluded.vulnerable_victim;
    ELSIF TG_OP = 'UPDATE' THEN
      -- Most edits (a description, a status) change nothing counted: only rows whose counted columns
      -- changed move between aggregate rows.
      INSERT INTO incident_month_counts AS c (partnership_id, month, area_id, category, asb_type_id, source_organisation_id,
          owner_organisation_id, incidents, hate, domestic, alcohol, drugs, youth, vulnerable_victim)
        SELECT partnership_id, month, area_id, category, asb_type_id, source_organisation_id, owner_organisation_id,
          sum(s), coalesce(sum(s) FILTER (WHERE hate), 0), coalesce(sum(s) FILTER (WHERE domestic), 0), coalesce(sum(s) FILTER (WHERE alcohol), 0),
          coalesce(sum(s) FILTER (WHERE drugs), 0), coalesce(sum(s) FILTER (WHERE youth), 0), coalesce(sum(s) FILTER (WHERE vulnerable_victim), 0)
        FROM (
          SELECT o.partnership_id, incident_month(o.reported_at) AS month, o.area_id, o.category, o.asb_type_id,
            o.source_organisation_id, o.owner_organisation_id, o.hate, o.domestic, o.alcohol, o.drugs, o.youth,
            o.vulnerable_victim, -1 AS s
          FROM old_rows o JOIN new_rows n ON n.id = o.id
          WHERE (o.partnership_id, incident_month(o.reported_at), o.area_id, o.category, o.asb_type_id, o.source_organisation_id,
              o.owner_organisation_id, o.hate, o.domestic, o.alcohol, o.drugs, o.youth, o.vulnerable_victim)
            IS DISTINCT FROM (n.partnership_id, incident_month(n.reported_at), n.area_id, n.category, n.asb_type_id,
              n.source_organisation_id, n.owner_organisation_id, n.hate, n.domestic, n.alcohol, n.drugs, n.youth, n.vulnerable_victim)
          UNION ALL
          SELECT n.partnership_id, incident_month(n.reported_at), n.area_id, n.category, n.asb_type_id,
            n.source_organisation_id, n.owner_organisation_id, n.hate, n.domestic, n.alcohol, n.drugs, n.youth,
            n.vulnerable_victim, 1
          FROM old_rows o JOIN new_rows n ON n.id = o.id
          WHERE (o.partnership_id, incident_month(o.reported_at), o.area_id, o.category, o.asb_type_id, o.source_organisation_id,
              o.owner_organisation_id, o.hate, o.domestic, o.alcohol, o.drugs, o.youth, o.vulnerable_victim)
            IS DISTINCT FROM (n.partnership_id, incident_month(n.reported_at), n.area_id, n.category, n.asb_type_id,
              n.source_organisation_id, n.owner_organisation_id, n.hate, n.domestic, n.alcohol, n.drugs, n.youth, n.vulnerable_victim)
        ) d
        GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
      ON CONFLICT ON CONSTRAINT incident_month_counts_key DO UPDATE SET
        incidents = c.incidents + excluded.incidents, hate = c.hate + excluded.hate,
        domestic = c.domestic + excluded.domestic, alcohol = c.alcohol + excluded.alcohol,
        drugs = c.drugs + excluded.drugs, youth = c.youth + excluded.youth,
        vulnerable_victim = c.vulnerable_victim + excluded.vulnerable_victim;
      -- A case opened from an incident that has moved district moves with it.
      PERFORM case_areas_refresh(ARRAY(
        SELECT DISTINCT ci.case_id FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN case_incidents ci ON ci.incident_id = n.id
        WHERE o.area_id IS DISTINCT FROM n.area_id OR o.reported_at IS DISTINCT FROM n.reported_at));
    ELSIF TG_OP = 'DELETE' THEN
      INSERT INTO incident_month_counts AS c (partnership_id, month, area_id, category, asb_type_id, source_organisation_id,
          owner_organisation_id, incidents, hate, domestic, alcohol, drugs, youth, vulnerable_victim)
        SELECT partnership_id, incident_month(reported_at), area_id, category, asb_type_id, source_organisation_id,
          owner_organisation_id, -count(*), -count(*) FILTER (WHERE hate), -count(*) FILTER (WHERE domestic),
          -count(*) FILTER (WHERE alcohol), -count(*) FILTER (WHERE drugs), -count(*) FILTER (WHERE youth),
          -count(*) FILTER (WHERE vulnerable_victim)
        FROM old_rows
        GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
      ON CONFLICT ON CONSTRAINT incident_month_counts_key DO UPDATE SET
        incidents = c.incidents + excluded.incidents, hate = c.hate + excluded.hate,
        domestic = c.domestic + excluded.domestic, alcohol = c.alcohol + excluded.alcohol,
        drugs = c.drugs + excluded.drugs, youth = c.youth + excluded.youth,
        vulnerable_victim = c.vulnerable_victim + excluded.vulnerable_victim;
    END IF;
    RETURN NULL;
  END $$;

-- PostgreSQL allows transition tables only on single-event triggers: one trigger per event.
CREATE TRIGGER incidents_month_counts_insert AFTER INSERT ON incidents
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_month_counts_apply();
CREATE TRIGGER incidents_month_counts_update AFTER UPDATE ON incidents
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_month_counts_apply();
CREATE TRIGGER incidents_month_counts_delete AFTER DELETE ON incidents
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_month_counts_apply();

-- Rebuilds the aggregate and the cases' districts from the records themselves: the backfill below,
-- and a repair an operator can run (`SELECT indicator_aggregates_rebuild()`) should they be doubted. As the definer, which
-- reads every incident through its definer_read policy (the migrating role, subject to forced
-- row-level security, would see none).
CREATE FUNCTION indicator_aggregates_rebuild() RETURNS bigint
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
    DELETE FROM case_areas;
    INSERT INTO case_areas (case_id, area_id)
      SELECT DISTINCT ON (ci.case_id) ci.case_id, i.area_id
      FROM case_incidents ci JOIN incidents i ON i.id = ci.incident_id
      ORDER BY ci.case_id, ci.added_at, i.reported_at, i.id;
    RETURN v_rows;
  END $$;
REVOKE ALL ON FUNCTION indicator_aggregates_rebuild() FROM PUBLIC;

-- Indexes for the case measures, which read cases by the month they opened or closed.
CREATE INDEX cases_partnership_opened ON cases (partnership_id, opened_at);
CREATE INDEX cases_partnership_closed ON cases (partnership_id, closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX tasks_partnership_due ON tasks (partnership_id, due_date) WHERE due_date IS NOT NULL;

-- Counting ---------------------------------------------------------------------------------------

-- The raw monthly counts behind a records indicator, per area (NULL: not placed in an area), for a
-- partnership: the numerator, the denominator where the measure has one (percentages), and how many
-- of the records counted the viewing organisation does not own. Never granted to the app role: only
-- indicator_values_for (below) reads it, and that returns nothing a user may not see.
-- A case's area is the area of the first incident it was opened from; a task's, its incident's or else
-- its case's. An unknown measure counts nothing.
CREATE FUNCTION indicator_raw_counts(p_partnership uuid, p_viewer_org uuid, p_measure text, p_filter jsonb,
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
        SELECT a.area_id, incident_month(c.opened_at), count(*), NULL::bigint,
          count(*) FILTER (WHERE c.owner_organisation_id IS DISTINCT FROM p_viewer_org)
        FROM cases c LEFT JOIN case_areas a ON a.case_id = c.id
        WHERE c.partnership_id = p_partnership AND c.opened_at >= v_from AND c.opened_at < v_to
          AND (v_case_type IS NULL OR c.case_type_id = v_case_type)
        GROUP BY 1, 2;
    ELSIF p_measure = 'cases_closed' THEN
      RETURN QUERY
        SELECT a.area_id, incident_month(c.closed_at), count(*), NULL::bigint,
          count(*) FILTER (WHERE c.owner_organisation_id IS DISTINCT FROM p_viewer_org)
        FROM cases c LEFT JOIN case_areas a ON a.case_id = c.id
        WHERE c.partnership_id = p_partnership AND c.closed_at >= v_from AND c.closed_at < v_to
          AND (v_case_type IS NULL OR c.case_type_id = v_case_type)
        GROUP BY 1, 2;
    ELSIF p_measure = 'tasks_overdue' THEN
      -- Of the tasks due in a month (not cancelled), those finished after their due date or still not
      -- finished now that it has passed; the denominator is every task due.
      RETURN QUERY
        -- The incident's district by a lookup per task that has one (most are on cases): a join would
        -- have the planner hash every incident in the partnership.
        SELECT CASE WHEN t.incident_id IS NULL THEN a.area_id
            ELSE coalesce((SELECT i.area_id FROM incidents i WHERE i.id = t.incident_id), a.area_id) END,
          date_trunc('month', t.due_date)::date,
          count(*) FILTER (WHERE (t.status IN ('open', 'in_progress') AND t.due_date < current_date)
            OR (t.status = 'done' AND (t.completed_at AT TIME ZONE 'Europe/London')::date > t.due_date)),
          count(*),
          count(*) FILTER (WHERE t.owner_organisation_id IS DISTINCT FROM p_viewer_org)
        FROM tasks t
        LEFT JOIN case_areas a ON a.case_id = t.case_id
        WHERE t.partnership_id = p_partnership AND t.due_date >= p_from AND t.due_date < (p_to + interval '1 month')
          AND t.status <> 'cancelled'
        GROUP BY 1, 2;
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

-- What a user may know of a records indicator: per district (or unitary) over the period, or per
-- month for one district or the whole partnership. The partnership and viewing organisation are the
-- acting user's (indicator_values below); this form, which takes them as arguments, is for the
-- command line run by the operator and is not granted to the app role.
-- Small numbers: an area's figure from 1 to the partnership's threshold (default 4), in its numerator
-- or denominator, is suppressed unless the viewer's organisation owns every record counted. If exactly
-- one area is suppressed, the next smallest that could be is suppressed too, so that the partnership
-- total minus the others does not give it away (and if none can be, the total is suppressed). The
-- partnership total and the partnership's monthly trend are not suppressed.
CREATE FUNCTION indicator_values_for(p_partnership uuid, p_viewer_org uuid, p_measure text, p_filter jsonb,
    p_from date, p_to date, p_by_month boolean, p_area uuid)
  RETURNS TABLE (area_id uuid, month date, numerator bigint, denominator bigint, suppressed boolean)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    t integer := coalesce((SELECT s.suppression_threshold FROM indicator_settings s WHERE s.partnership_id = p_partnership), 4);
  BEGIN
    IF p_by_month THEN
      RETURN QUERY
        WITH r AS (SELECT * FROM indicator_raw_counts(p_partnership, p_viewer_org, p_measure, p_filter, p_from, p_to)),
        m AS (
          SELECT g::date AS month, coalesce(sum(r.numerator), 0)::bigint AS n, sum(r.denominator)::bigint AS d,
            coalesce(sum(r.others), 0) AS o
          FROM generate_series(p_from::timestamp, p_to::timestamp, interval '1 month') g
          LEFT JOIN r ON r.month = g::date AND (p_area IS NULL OR r.area_id = p_area)
          GROUP BY g
        ),
        s AS (SELECT m.*, (p_area IS NOT NULL AND m.o > 0 AND (m.n BETWEEN 1 AND t OR coalesce(m.d, 0) BETWEEN 1 AND t)) AS sup FROM m)
        SELECT p_area, s.month, CASE WHEN s.sup THEN NULL ELSE s.n END, CASE WHEN s.sup THEN NULL ELSE s.d END, s.sup
        FROM s ORDER BY s.month;
    ELSE
      RETURN QUERY
        WITH r AS (SELECT * FROM indicator_raw_counts(p_partnership, p_viewer_org, p_measure, p_filter, p_from, p_to)),
        per AS (
          SELECT ar.id AS area_id, coalesce(sum(r.numerator), 0)::bigint AS n, sum(r.denominator)::bigint AS d,
            coalesce(sum(r.others), 0) AS o
          FROM areas ar LEFT JOIN r ON r.area_id = ar.id
          WHERE ar.partnership_id = p_partnership AND ar.kind IN ('district', 'unitary')
          GROUP BY ar.id
        ),
        prim AS (SELECT per.*, (per.o > 0 AND (per.n BETWEEN 1 AND t OR coalesce(per.d, 0) BETWEEN 1 AND t)) AS sup FROM per),
        second AS (
          SELECT prim.area_id FROM prim
          WHERE NOT prim.sup AND prim.o > 0 AND prim.n > 0 AND (SELECT count(*) FROM prim p2 WHERE p2.sup) = 1
          ORDER BY prim.n, prim.area_id LIMIT 1
        ),
        fin AS (SELECT prim.area_id, prim.n, prim.d, prim.sup OR prim.area_id IN (SELECT second.area_id FROM second) AS sup FROM prim),
        total AS (
          SELECT coalesce(sum(r.numerator), 0)::bigint AS n, sum(r.denominator)::bigint AS d,
            ((SELECT count(*) FROM fin WHERE fin.sup) = 1) AS sup
          FROM r
        )
        SELECT fin.area_id, NULL::date, CASE WHEN fin.sup THEN NULL ELSE fin.n END, CASE WHEN fin.sup THEN NULL ELSE fin.d END, fin.sup FROM fin
        UNION ALL
        SELECT NULL::uuid, NULL::date, CASE WHEN total.sup THEN NULL ELSE total.n END, CASE WHEN total.sup THEN NULL ELSE total.d END, total.sup FROM total;
    END IF;
  END $$;

-- The same for the acting user: their partnership, suppression by their organisation.
CREATE FUNCTION indicator_values(p_measure text, p_filter jsonb, p_from date, p_to date, p_by_month boolean, p_area uuid)
  RETURNS TABLE (area_id uuid, month date, numerator bigint, denominator bigint, suppressed boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT * FROM indicator_values_for(app_partnership_id(), app_org_id(), p_measure, p_filter, p_from, p_to, p_by_month, p_area)
    WHERE app_partnership_id() IS NOT NULL
  $$;

REVOKE ALL ON FUNCTION indicator_raw_counts(uuid, uuid, text, jsonb, date, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION indicator_values_for(uuid, uuid, text, jsonb, date, date, boolean, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION indicator_values(text, jsonb, date, date, boolean, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION incident_month_counts_apply() FROM PUBLIC;
REVOKE ALL ON FUNCTION case_areas_apply() FROM PUBLIC;
REVOKE ALL ON FUNCTION case_areas_refresh(uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION indicator_values(text, jsonb, date, date, boolean, uuid) TO endeavour_app;

SELECT endeavour_adopt_definer_functions();

-- Backfill, now that the functions belong to the definer.
SELECT indicator_aggregates_rebuild();
