-- Repeat victims, locations and perpetrators, and one problem reported to several agencies.
--
-- Each partnership's rules are data (repeat_rules, seeded with documented defaults for every
-- partnership). Counting must see the whole partnership, not only what the recording user may see:
-- that is why the partnership system exists. So counting and linking happen in SECURITY DEFINER
-- functions (owned by endeavour_definer, see 0008) that write flags and links and give the app back
-- only counts and flags, never another organisation's rows. Reading flags and links goes through
-- row-level security like everything else: a person's flag is visible exactly when the person is; a
-- place's flag when the reader can see at least one incident there; a link when both incidents are.
-- docs/repeats.md explains the rules and the counting.

-- Places ---------------------------------------------------------------------------------------------

-- The words of a described place, normalised so that two officers' descriptions of one place agree:
-- lower case, the postcode taken out, punctuation gone, common abbreviations spelt out, and words
-- that say where at a place ("outside", "rear of") dropped. Commas are kept so that a street can be
-- told from a flat or a town (endeavour_street_key). These run for every incident written (they make
-- its stored keys), so they use plain string replacement on space-padded words rather than a regular
-- expression per word, and no SET clause (which costs a settings save and restore per call).
CREATE FUNCTION endeavour_place_text(p_text text, p_postcode_key text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  AS $$
  DECLARE
    t text := lower(coalesce(p_text, ''));
    pk text := lower(replace(coalesce(p_postcode_key, ''), ' ', ''));
  BEGIN
    IF length(pk) BETWEEN 5 AND 7 AND pk ~ '^[a-z0-9]+$' AND strpos(t, right(pk, 3)) > 0 THEN
      t := regexp_replace(t, left(pk, length(pk) - 3) || '\s*' || right(pk, 3), ' ', 'g');
    END IF;
    t := ' ' || replace(regexp_replace(translate(t, '''’', ''), '[^a-z0-9,]+', ' ', 'g'), ',', ' , ') || ' ';
    -- Common abbreviations spelt out.
    t := replace(replace(replace(replace(t, ' st ', ' street '), ' rd ', ' road '), ' ave ', ' avenue '), ' av ', ' avenue ');
    t := replace(replace(replace(replace(t, ' ln ', ' lane '), ' cl ', ' close '), ' dr ', ' drive '), ' cres ', ' crescent ');
    t := replace(replace(replace(replace(t, ' ct ', ' court '), ' gdns ', ' gardens '), ' pl ', ' place '), ' sq ', ' square ');
    t := replace(replace(replace(replace(t, ' tce ', ' terrace '), ' terr ', ' terrace '), ' pk ', ' park '), ' gr ', ' grove ');
    -- Words that say where at a place, not which place.
    t := replace(replace(replace(replace(replace(replace(t, ' outside ', ' '), ' near ', ' '), ' nr ', ' '), ' opposite ', ' '), ' opp ', ' '), ' o s ', ' ');
    t := replace(replace(replace(replace(replace(replace(t, ' rear ', ' '), ' behind ', ' '), ' front ', ' '), ' adjacent ', ' '), ' adj ', ' '), ' junction ', ' ');
    t := replace(replace(replace(replace(replace(replace(t, ' jct ', ' '), ' corner ', ' '), ' of ', ' '), ' at ', ' '), ' by ', ' '), ' the ', ' ');
    t := replace(replace(replace(replace(replace(t, ' on ', ' '), ' in ', ' '), ' to ', ' '), ' and ', ' '), ' with ', ' ');
    t := regexp_replace(t, '\s*(,\s*)+', ',', 'g');
    RETURN btrim(regexp_replace(t, '\s+', ' ', 'g'), ' ,');
  END $$;

-- The key that says two incidents happened at the same address, for repeat locations: the UPRN when
-- the place came from the gazetteer, otherwise the postcode with the normalised description. A place
-- with neither (only a map point, or words without a postcode) has no key and is not counted.
CREATE FUNCTION endeavour_place_key(p_uprn bigint, p_postcode_key text, p_text text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  AS $$
  DECLARE
    words text;
  BEGIN
    IF p_uprn IS NOT NULL THEN
      RETURN 'uprn:' || p_uprn;
    END IF;
    IF p_postcode_key IS NULL THEN
      RETURN NULL;
    END IF;
    words := btrim(replace(public.endeavour_place_text(p_text, p_postcode_key), ',', ' '));
    words := regexp_replace(words, '\s+', ' ', 'g');
    RETURN CASE WHEN words <> '' THEN 'addr:' || upper(p_postcode_key) || ':' || words END;
  END $$;

-- The postcode and street of a place: the first part of the address that is more than a flat or
-- house number ("Flat 2, 12 High Street, Loughborough" and "outside 12 High St" both give "high
-- street"). Used to link incidents reported to different agencies at the same place.
CREATE FUNCTION endeavour_street_key(p_postcode_key text, p_text text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  AS $$
  DECLARE
    seg text;
    w text;
    words text;
  BEGIN
    IF p_postcode_key IS NULL THEN
      RETURN NULL;
    END IF;
    FOREACH seg IN ARRAY string_to_array(public.endeavour_place_text(p_text, p_postcode_key), ',') LOOP
      words := NULL;
      FOREACH w IN ARRAY string_to_array(seg, ' ') LOOP
        IF length(w) > 1 AND w !~ '[0-9]'
            AND NOT (w = ANY (ARRAY['flat', 'flats', 'unit', 'apartment', 'apt', 'room', 'floor', 'block', 'no', 'number'])) THEN
          words := CASE WHEN words IS NULL THEN w ELSE words || ' ' || w END;
        END IF;
      END LOOP;
      IF words IS NOT NULL THEN
        RETURN upper(p_postcode_key) || ':' || words;
      END IF;
    END LOOP;
    RETURN NULL;
  END $$;

-- Stored with each incident, so that finding the incidents at a place is an index lookup.
ALTER TABLE incidents
  ADD COLUMN place_key text GENERATED ALWAYS AS (endeavour_place_key(uprn, postcode_key, location_text)) STORED,
  ADD COLUMN street_key text GENERATED ALWAYS AS (endeavour_street_key(postcode_key, location_text)) STORED;
CREATE INDEX incidents_place_key ON incidents (partnership_id, place_key, occurred_from) WHERE place_key IS NOT NULL;
CREATE INDEX incidents_street_key ON incidents (partnership_id, street_key, occurred_from) WHERE street_key IS NOT NULL;
CREATE INDEX incidents_easting ON incidents (partnership_id, easting) WHERE easting IS NOT NULL;
CREATE INDEX incidents_partnership_occurred ON incidents (partnership_id, occurred_from);

-- The rules ------------------------------------------------------------------------------------------

CREATE TABLE repeat_rules (
  partnership_id uuid PRIMARY KEY REFERENCES partnerships(id),
  victim_threshold integer NOT NULL DEFAULT 3 CHECK (victim_threshold BETWEEN 2 AND 20),
  victim_window_months integer NOT NULL DEFAULT 12 CHECK (victim_window_months BETWEEN 1 AND 36),
  location_threshold integer NOT NULL DEFAULT 3 CHECK (location_threshold BETWEEN 2 AND 20),
  location_window_months integer NOT NULL DEFAULT 12 CHECK (location_window_months BETWEEN 1 AND 36),
  perpetrator_threshold integer NOT NULL DEFAULT 3 CHECK (perpetrator_threshold BETWEEN 2 AND 20),
  perpetrator_window_months integer NOT NULL DEFAULT 12 CHECK (perpetrator_window_months BETWEEN 1 AND 36),
  -- Incidents reported to different agencies are the same problem when they happened this close together...
  link_window_days integer NOT NULL DEFAULT 7 CHECK (link_window_days BETWEEN 1 AND 90),
  -- ...and concern the same victim or reporting party, or the same place: the same UPRN always; when
  -- either has no UPRN, within this many metres (0: never by distance) or at the same postcode and street.
  link_radius_metres integer NOT NULL DEFAULT 50 CHECK (link_radius_metres BETWEEN 0 AND 500),
  link_same_street boolean NOT NULL DEFAULT true,
  updated_by uuid REFERENCES users(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1
);
INSERT INTO repeat_rules (partnership_id) SELECT id FROM partnerships ON CONFLICT DO NOTHING;

-- Every new partnership starts with the defaults, however it is created.
CREATE FUNCTION repeat_rules_for_new_partnership() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    INSERT INTO repeat_rules (partnership_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
    RETURN NEW;
  END $$;
CREATE TRIGGER partnerships_repeat_rules AFTER INSERT ON partnerships
  FOR EACH ROW EXECUTE FUNCTION repeat_rules_for_new_partnership();

-- Flags ----------------------------------------------------------------------------------------------

-- One row per subject (a person as victim, a person as perpetrator, a place) that has been a repeat.
-- Active while expires_at is in the future: the moment, with no further incident, its count in the
-- rolling window falls below the threshold. So a flag expires on time without a job sweeping it.
CREATE TABLE repeat_flags (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  kind text NOT NULL CHECK (kind IN ('victim', 'perpetrator', 'location')),
  subject_key text NOT NULL,
  person_id uuid REFERENCES people(id),
  area_id uuid REFERENCES areas(id),
  first_qualified_at timestamptz NOT NULL,
  last_incident_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  incident_count integer NOT NULL,
  threshold integer NOT NULL,
  window_months integer NOT NULL,
  raised_at timestamptz NOT NULL DEFAULT now(),
  evaluated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'location') = (person_id IS NULL)),
  UNIQUE (partnership_id, kind, subject_key)
);
CREATE INDEX repeat_flags_person ON repeat_flags (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX repeat_flags_recent ON repeat_flags (partnership_id, last_incident_at DESC);

-- The incidents that made each flag's count when it was last evaluated.
CREATE TABLE repeat_flag_incidents (
  flag_id uuid NOT NULL REFERENCES repeat_flags(id) ON DELETE CASCADE,
  incident_id uuid NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  PRIMARY KEY (flag_id, incident_id)
);
CREATE INDEX repeat_flag_incidents_incident ON repeat_flag_incidents (incident_id);

-- Multi-agency links ----------------------------------------------------------------------------------

-- Two incidents recognised as one problem reported to two agencies (the lower id first).
CREATE TABLE incident_agency_links (
  incident_id uuid NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  other_incident_id uuid NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  basis text NOT NULL CHECK (basis IN ('person', 'place', 'person_and_place')),
  found_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (incident_id, other_incident_id),
  CHECK (incident_id < other_incident_id)
);
CREATE INDEX incident_agency_links_other ON incident_agency_links (other_incident_id);

-- Linked incidents share a problem id (the connected groups of the links above). An incident linked
-- to nothing has no row: it is a problem of its own.
CREATE TABLE incident_problems (
  incident_id uuid PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
  problem_id uuid NOT NULL,
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  linked_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incident_problems_problem ON incident_problems (problem_id);

-- What analysis counts once: every incident the reader may see with its problem id, the shared one
-- when it is linked, its own id otherwise. count(DISTINCT problem_id) counts each problem once.
CREATE VIEW incident_problem_keys WITH (security_invoker = true) AS
  SELECT i.id AS incident_id, i.partnership_id, coalesce(p.problem_id, i.id) AS problem_id, (p.incident_id IS NOT NULL) AS linked
  FROM incidents i LEFT JOIN incident_problems p ON p.incident_id = i.id;

-- Counting (SECURITY DEFINER: sees the whole partnership) ---------------------------------------------

-- The partnership's rules, created with the defaults if it has none yet.
CREATE FUNCTION repeat_rules_of(p_partnership uuid) RETURNS repeat_rules
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    r repeat_rules;
  BEGIN
    SELECT * INTO r FROM repeat_rules WHERE partnership_id = p_partnership;
    IF NOT FOUND THEN
      INSERT INTO repeat_rules (partnership_id) VALUES (p_partnership) ON CONFLICT DO NOTHING;
      SELECT * INTO r FROM repeat_rules WHERE partnership_id = p_partnership;
    END IF;
    RETURN r;
  END $$;

-- The incidents that count towards one kind of repeat, by subject (a person's id as text, or a place
-- key), in the window: for the subjects given, or every subject when p_subjects is null. Each with the
-- problem it belongs to, so that one problem reported to several agencies counts once.
CREATE FUNCTION repeat_events(p_partnership uuid, p_kind text, p_subjects text[], p_since timestamptz)
  RETURNS TABLE (subject text, person_id uuid, incident_id uuid, occurred_from timestamptz, area_id uuid, problem uuid)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public
  AS $$
  #variable_conflict use_column
  BEGIN
    IF p_kind = 'location' AND p_subjects IS NULL THEN
      RETURN QUERY
        SELECT i.place_key, NULL::uuid, i.id, i.occurred_from, i.area_id, coalesce(pr.problem_id, i.id)
        FROM incidents i LEFT JOIN incident_problems pr ON pr.incident_id = i.id
        WHERE i.partnership_id = p_partnership AND i.occurred_from > p_since AND i.place_key IS NOT NULL;
    ELSIF p_kind = 'location' THEN
      RETURN QUERY
        SELECT i.place_key, NULL::uuid, i.id, i.occurred_from, i.area_id, coalesce(pr.problem_id, i.id)
        FROM incidents i LEFT JOIN incident_problems pr ON pr.incident_id = i.id
        WHERE i.partnership_id = p_partnership AND i.place_key = ANY (p_subjects) AND i.occurred_from > p_since;
    ELSIF p_subjects IS NULL THEN
      RETURN QUERY
        SELECT ip.person_id::text, ip.person_id, i.id, i.occurred_from, i.area_id, coalesce(pr.problem_id, i.id)
        FROM incident_people ip JOIN incidents i ON i.id = ip.incident_id LEFT JOIN incident_problems pr ON pr.incident_id = i.id
        WHERE ip.role = p_kind AND i.partnership_id = p_partnership AND i.occurred_from > p_since;
    ELSE
      RETURN QUERY
        SELECT ip.person_id::text, ip.person_id, i.id, i.occurred_from, i.area_id, coalesce(pr.problem_id, i.id)
        FROM incident_people ip JOIN incidents i ON i.id = ip.incident_id LEFT JOIN incident_problems pr ON pr.incident_id = i.id
        WHERE ip.person_id = ANY (p_subjects::uuid[]) AND ip.role = p_kind AND i.partnership_id = p_partnership
          AND i.occurred_from > p_since;
    END IF;
  END $$;

-- Recounts one kind of repeat for the subjects given (person ids, or place keys), or for every subject
-- in the partnership when p_subjects is null, in one set-based statement: incidents in the rolling
-- window, each problem counted once, then flags raised, kept up to date, or expired, and their
-- incidents recorded. Returns what changed. Static SQL, so that its plan is kept between calls: it
-- runs for every incident recorded.
CREATE FUNCTION repeat_refresh(p_partnership uuid, p_kind text, p_subjects text[])
  RETURNS TABLE (flag_id uuid, flag_kind text, change text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
  #variable_conflict use_column
  DECLARE
    r repeat_rules;
    v_threshold integer;
    v_months integer;
  BEGIN
    IF p_kind NOT IN ('victim', 'perpetrator', 'location') THEN
      RAISE EXCEPTION 'unknown kind of repeat: %', p_kind;
    END IF;
    r := repeat_rules_of(p_partnership);
    v_threshold := CASE p_kind WHEN 'victim' THEN r.victim_threshold WHEN 'perpetrator' THEN r.perpetrator_threshold ELSE r.location_threshold END;
    v_months := CASE p_kind WHEN 'victim' THEN r.victim_window_months WHEN 'perpetrator' THEN r.perpetrator_window_months ELSE r.location_window_months END;
    -- Only the incidents inside the window are read, so the n-th of them (oldest first) is the one that
    -- made the subject a repeat, and the flag lasts until the oldest incident still needed leaves it.
    RETURN QUERY
      WITH ev AS MATERIALIZED (
        SELECT * FROM repeat_events(p_partnership, p_kind, p_subjects, now() - make_interval(months => v_months))),
      pe AS (SELECT ev.subject, ev.problem, min(ev.occurred_from) AS at FROM ev GROUP BY ev.subject, ev.problem),
      ranked AS (
        SELECT pe.subject, pe.at, row_number() OVER w AS rn, count(*) OVER (PARTITION BY pe.subject) AS k
        FROM pe WINDOW w AS (PARTITION BY pe.subject ORDER BY pe.at)),
      q AS (
        SELECT ranked.subject, max(ranked.k)::integer AS k, max(ranked.at) FILTER (WHERE ranked.rn = v_threshold) AS first_at,
          max(ranked.at) FILTER (WHERE ranked.rn = ranked.k - v_threshold + 1) AS oldest_needed, max(ranked.at) AS last_at
        FROM ranked GROUP BY ranked.subject HAVING max(ranked.k) >= v_threshold),
      evq AS (SELECT ev.* FROM ev JOIN q ON q.subject = ev.subject),
      latest AS (
        SELECT DISTINCT ON (evq.subject) evq.subject, evq.person_id, evq.area_id FROM evq
        ORDER BY evq.subject, evq.occurred_from DESC, evq.incident_id),
      cur AS (
        SELECT f.id, f.subject_key, f.expires_at, f.incident_count FROM repeat_flags f
        WHERE f.partnership_id = p_partnership AND f.kind = p_kind AND (p_subjects IS NULL OR f.subject_key = ANY (p_subjects))),
      up AS (
        INSERT INTO repeat_flags AS f (partnership_id, kind, subject_key, person_id, area_id, first_qualified_at, last_incident_at,
            expires_at, incident_count, threshold, window_months, raised_at, evaluated_at)
          SELECT p_partnership, p_kind, q.subject, l.person_id, l.area_id, q.first_at, q.last_at,
            q.oldest_needed + make_interval(months => v_months), q.k, v_threshold, v_months, now(), now()
          FROM q JOIN latest l ON l.subject = q.subject
        ON CONFLICT (partnership_id, kind, subject_key) DO UPDATE SET
          area_id = excluded.area_id,
          first_qualified_at = CASE WHEN f.expires_at > now() THEN f.first_qualified_at ELSE excluded.first_qualified_at END,
          raised_at = CASE WHEN f.expires_at > now() THEN f.raised_at ELSE now() END,
          last_incident_at = excluded.last_incident_at,
          expires_at = excluded.expires_at,
          incident_count = excluded.incident_count,
          threshold = excluded.threshold,
          window_months = excluded.window_months,
          evaluated_at = now()
        RETURNING f.id, f.subject_key, f.incident_count),
      gone AS (
        UPDATE repeat_flags f SET expires_at = now(), evaluated_at = now(),
          incident_count = (SELECT count(*) FROM pe WHERE pe.subject = f.subject_key)
        FROM cur
        WHERE f.id = cur.id AND cur.expires_at > now() AND NOT EXISTS (SELECT 1 FROM q WHERE q.subject = cur.subject_key)
        RETURNING f.id),
      dropped AS (
        DELETE FROM repeat_flag_incidents m USING up
        WHERE m.flag_id = up.id
          AND NOT EXISTS (SELECT 1 FROM evq WHERE evq.subject = up.subject_key AND evq.incident_id = m.incident_id)),
      added AS (
        INSERT INTO repeat_flag_incidents (flag_id, incident_id)
        SELECT up.id, evq.incident_id FROM up JOIN evq ON evq.subject = up.subject_key
        ON CONFLICT DO NOTHING)
      SELECT up.id, p_kind, CASE WHEN c.id IS NULL OR c.expires_at <= now() THEN 'raised' ELSE 'updated' END
      FROM up LEFT JOIN cur c ON c.subject_key = up.subject_key
      WHERE c.id IS NULL OR c.expires_at <= now() OR c.incident_count <> up.incident_count
      UNION ALL
      SELECT gone.id, p_kind, 'expired' FROM gone;
  END $$;

-- Whether the acting user may see an incident (the incidents_select policy's rule, for definer code).
CREATE FUNCTION app_sees_incident(p_incident uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT EXISTS (
      SELECT 1 FROM incidents i
      WHERE i.id = p_incident AND i.partnership_id = app_partnership_id()
        AND (i.owner_organisation_id = app_org_id() OR i.id IN (SELECT app_shared_ids('incident', 'view'))))
  $$;

-- After an incident is recorded or changed (called by the app as the user who did it, who must be
-- able to see the incident): recounts its victims, perpetrators and place, those of the incidents
-- linked to it as one problem, and every flag it counted towards before (a victim removed, a place
-- corrected). Returns what changed, as flag ids and kinds only.
CREATE FUNCTION repeat_evaluate_incident(p_incident uuid)
  RETURNS TABLE (flag_id uuid, flag_kind text, change text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    v_partnership uuid;
    v_incidents uuid[];
    v_subjects text[];
    v_kind text;
  BEGIN
    IF NOT app_sees_incident(p_incident) THEN
      RETURN;
    END IF;
    SELECT i.partnership_id INTO v_partnership FROM incidents i WHERE i.id = p_incident;
    v_incidents := ARRAY(
      SELECT p_incident
      UNION SELECT o.incident_id FROM incident_problems me JOIN incident_problems o ON o.problem_id = me.problem_id
      WHERE me.incident_id = p_incident);
    FOREACH v_kind IN ARRAY ARRAY['victim', 'perpetrator', 'location'] LOOP
      IF v_kind = 'location' THEN
        v_subjects := ARRAY(SELECT i.place_key FROM incidents i WHERE i.id = ANY (v_incidents) AND i.place_key IS NOT NULL);
      ELSE
        v_subjects := ARRAY(SELECT ip.person_id::text FROM incident_people ip WHERE ip.incident_id = ANY (v_incidents) AND ip.role = v_kind);
      END IF;
      v_subjects := ARRAY(
        SELECT unnest(v_subjects)
        UNION SELECT f.subject_key FROM repeat_flag_incidents m JOIN repeat_flags f ON f.id = m.flag_id
        WHERE m.incident_id = ANY (v_incidents) AND f.kind = v_kind);
      IF cardinality(v_subjects) > 0 THEN
        RETURN QUERY SELECT * FROM repeat_refresh(v_partnership, v_kind, v_subjects);
      END IF;
    END LOOP;
  END $$;

-- For changes that move incidents between people without changing an incident (merging two records
-- of one person, or undoing it): recounts the people given, as far as the acting user may see them.
CREATE FUNCTION repeat_evaluate_people(p_people uuid[])
  RETURNS TABLE (flag_id uuid, flag_kind text, change text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    v_partnership uuid := app_partnership_id();
    v_people text[];
  BEGIN
    v_people := ARRAY(
      SELECT p.id::text FROM people p
      WHERE p.id = ANY (p_people) AND p.partnership_id = v_partnership
        AND (p.owner_organisation_id = app_org_id() OR p.id IN (SELECT app_shared_ids('person', 'view'))));
    IF cardinality(v_people) = 0 THEN
      RETURN;
    END IF;
    RETURN QUERY SELECT * FROM repeat_refresh(v_partnership, 'victim', v_people);
    RETURN QUERY SELECT * FROM repeat_refresh(v_partnership, 'perpetrator', v_people);
  END $$;

-- After a partnership administrator changes the rules: every subject of the kinds whose rules changed
-- recounted, in their partnership.
CREATE FUNCTION repeat_reevaluate_partnership(p_kinds text[])
  RETURNS TABLE (flag_id uuid, flag_kind text, change text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    v_partnership uuid := app_partnership_id();
    v_kind text;
  BEGIN
    IF v_partnership IS NULL OR NOT EXISTS (
        SELECT 1 FROM users u WHERE u.id = app_user_id() AND u.active AND 'partnership_admin' = ANY (u.roles)) THEN
      RETURN;
    END IF;
    FOREACH v_kind IN ARRAY ARRAY['victim', 'perpetrator', 'location'] LOOP
      IF v_kind = ANY (p_kinds) THEN
        RETURN QUERY SELECT * FROM repeat_refresh(v_partnership, v_kind, NULL);
      END IF;
    END LOOP;
  END $$;

-- Regroups the incidents given, and everything linked to them, into problems: each connected group
-- of links is one problem, keeping the problem id most of its incidents had; an incident left on its
-- own is a problem of its own again.
CREATE FUNCTION multi_agency_regroup(p_incidents uuid[]) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    v_seen uuid[] := '{}';
    v_used uuid[] := '{}';
    v_group uuid[];
    v_problem uuid;
    a uuid;
  BEGIN
    FOREACH a IN ARRAY p_incidents LOOP
      CONTINUE WHEN a = ANY (v_seen);
      WITH RECURSIVE g(id) AS (
        SELECT a
        UNION
        SELECT CASE WHEN l.incident_id = g.id THEN l.other_incident_id ELSE l.incident_id END
        FROM g JOIN incident_agency_links l ON l.incident_id = g.id OR l.other_incident_id = g.id)
      SELECT array_agg(g.id) INTO v_group FROM g;
      v_seen := v_seen || v_group;
      IF cardinality(v_group) < 2 THEN
        DELETE FROM incident_problems WHERE incident_id = a;
        CONTINUE;
      END IF;
      SELECT p.problem_id INTO v_problem FROM incident_problems p
      WHERE p.incident_id = ANY (v_group) AND NOT (p.problem_id = ANY (v_used))
      GROUP BY p.problem_id ORDER BY count(*) DESC, min(p.linked_at), p.problem_id LIMIT 1;
      v_problem := coalesce(v_problem, gen_random_uuid());
      v_used := v_used || v_problem;
      INSERT INTO incident_problems AS p (incident_id, problem_id, partnership_id)
        SELECT i.id, v_problem, i.partnership_id FROM incidents i WHERE i.id = ANY (v_group)
        ON CONFLICT (incident_id) DO UPDATE SET problem_id = excluded.problem_id WHERE p.problem_id <> excluded.problem_id;
    END LOOP;
  END $$;

-- After an incident is recorded or changed (called as the user who did it, who must be able to see
-- it): finds the incidents from other agencies about the same problem (same victim or reporting
-- party, or same place, within the window), stores the links and regroups problems. Another agency
-- is another organisation: the incident's source organisation, or its owner when no source is given.
-- Returns counts only.
CREATE FUNCTION multi_agency_link_incident(p_incident uuid)
  RETURNS TABLE (links_added integer, links_removed integer, problem_size integer)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    x incidents;
    r repeat_rules;
    v_before uuid[];
    v_now uuid[];
    v_basis text[];
    v_removed integer;
  BEGIN
    IF NOT app_sees_incident(p_incident) THEN
      RETURN;
    END IF;
    SELECT * INTO x FROM incidents i WHERE i.id = p_incident;
    r := repeat_rules_of(x.partnership_id);
    v_before := ARRAY(
      SELECT CASE WHEN l.incident_id = x.id THEN l.other_incident_id ELSE l.incident_id END
      FROM incident_agency_links l WHERE l.incident_id = x.id OR l.other_incident_id = x.id);
    SELECT coalesce(array_agg(m.id ORDER BY m.id), '{}'), coalesce(array_agg(m.basis ORDER BY m.id), '{}') INTO v_now, v_basis
    FROM (
      SELECT c.id,
        CASE WHEN bool_or(c.by_person) AND NOT bool_and(c.by_person) THEN 'person_and_place'
          WHEN bool_or(c.by_person) THEN 'person' ELSE 'place' END AS basis
      FROM (
        SELECT b.incident_id AS id, true AS by_person
        FROM incident_people a JOIN incident_people b ON b.person_id = a.person_id AND b.role IN ('victim', 'reporting_party')
        WHERE a.incident_id = x.id AND a.role IN ('victim', 'reporting_party')
        UNION ALL
        SELECT i.id, false FROM incidents i WHERE x.uprn IS NOT NULL AND i.uprn = x.uprn
        UNION ALL
        SELECT i.id, false FROM incidents i
        WHERE r.link_same_street AND x.street_key IS NOT NULL AND i.partnership_id = x.partnership_id
          AND i.street_key = x.street_key AND (x.uprn IS NULL OR i.uprn IS NULL)
        UNION ALL
        SELECT i.id, false FROM incidents i
        WHERE r.link_radius_metres > 0 AND x.easting IS NOT NULL AND x.northing IS NOT NULL
          AND i.partnership_id = x.partnership_id
          AND i.easting BETWEEN x.easting - r.link_radius_metres AND x.easting + r.link_radius_metres
          AND i.northing BETWEEN x.northing - r.link_radius_metres AND x.northing + r.link_radius_metres
          AND (x.uprn IS NULL OR i.uprn IS NULL)
          AND (i.easting - x.easting) ^ 2 + (i.northing - x.northing) ^ 2 <= r.link_radius_metres ^ 2
      ) c
      JOIN incidents i ON i.id = c.id
      WHERE i.id <> x.id AND i.partnership_id = x.partnership_id
        AND i.occurred_from BETWEEN x.occurred_from - make_interval(days => r.link_window_days)
          AND x.occurred_from + make_interval(days => r.link_window_days)
        AND coalesce(i.source_organisation_id, i.owner_organisation_id) <> coalesce(x.source_organisation_id, x.owner_organisation_id)
      GROUP BY c.id
    ) m;
    DELETE FROM incident_agency_links l
    WHERE (l.incident_id = x.id OR l.other_incident_id = x.id)
      AND NOT ((CASE WHEN l.incident_id = x.id THEN l.other_incident_id ELSE l.incident_id END) = ANY (v_now));
    GET DIAGNOSTICS v_removed = ROW_COUNT;
    INSERT INTO incident_agency_links AS l (incident_id, other_incident_id, partnership_id, basis)
      SELECT least(x.id, n.id), greatest(x.id, n.id), x.partnership_id, n.basis FROM unnest(v_now, v_basis) AS n(id, basis)
      ON CONFLICT (incident_id, other_incident_id) DO UPDATE SET basis = excluded.basis WHERE l.basis <> excluded.basis;
    IF v_removed > 0 OR cardinality(v_now) > 0 THEN
      PERFORM multi_agency_regroup(ARRAY(SELECT x.id UNION SELECT unnest(v_before) UNION SELECT unnest(v_now)));
    END IF;
    RETURN QUERY SELECT
      cardinality(ARRAY(SELECT unnest(v_now) EXCEPT SELECT unnest(v_before)))::integer,
      v_removed,
      (SELECT count(*)::integer FROM incident_problems me JOIN incident_problems o ON o.problem_id = me.problem_id WHERE me.incident_id = x.id);
  END $$;

-- The other incidents recognised as the same problem as one the acting user can see: in full (id,
-- reference, holder, when) only for those they may see themselves; for the rest only the agency it
-- was reported to, so that the user knows to ask.
CREATE FUNCTION incident_problem_siblings(p_incident uuid)
  RETURNS TABLE (incident_id uuid, reference text, agency text, held_by text, occurred_from timestamptz, directly_linked boolean, basis text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT CASE WHEN v.visible THEN i.id END, CASE WHEN v.visible THEN i.reference END, coalesce(s.name, o.name),
      CASE WHEN v.visible THEN o.name END, CASE WHEN v.visible THEN i.occurred_from END,
      l.basis IS NOT NULL, CASE WHEN v.visible THEN l.basis END
    FROM incident_problems me
    JOIN incident_problems pr ON pr.problem_id = me.problem_id AND pr.incident_id <> me.incident_id
    JOIN incidents i ON i.id = pr.incident_id
    JOIN organisations o ON o.id = i.owner_organisation_id
    LEFT JOIN organisations s ON s.id = i.source_organisation_id
    LEFT JOIN incident_agency_links l ON l.incident_id = least(me.incident_id, i.id) AND l.other_incident_id = greatest(me.incident_id, i.id)
    CROSS JOIN LATERAL (SELECT (i.owner_organisation_id = app_org_id() OR i.id IN (SELECT app_shared_ids('incident', 'view'))) AS visible) v
    WHERE me.incident_id = p_incident AND app_sees_incident(p_incident)
    ORDER BY v.visible DESC, i.occurred_from, i.id
  $$;

-- Row-level security -----------------------------------------------------------------------------------

ALTER TABLE repeat_rules ENABLE ROW LEVEL SECURITY;
ALTER TABLE repeat_rules FORCE ROW LEVEL SECURITY;
CREATE POLICY repeat_rules_select ON repeat_rules FOR SELECT TO endeavour_app
  USING (partnership_id = (SELECT app_partnership_id()));
CREATE POLICY repeat_rules_update ON repeat_rules FOR UPDATE TO endeavour_app
  USING (partnership_id = (SELECT app_partnership_id())
    AND EXISTS (SELECT 1 FROM users u WHERE u.id = (SELECT app_user_id()) AND u.active AND 'partnership_admin' = ANY (u.roles)))
  WITH CHECK (partnership_id = (SELECT app_partnership_id()));

-- A person's flag is visible exactly when the person is; a place's flag when the reader can see at
-- least one of the incidents that made it (each membership row is visible only with its incident).
ALTER TABLE repeat_flags ENABLE ROW LEVEL SECURITY;
ALTER TABLE repeat_flags FORCE ROW LEVEL SECURITY;
CREATE POLICY repeat_flags_select ON repeat_flags FOR SELECT TO endeavour_app USING (
  partnership_id = (SELECT app_partnership_id())
  AND CASE WHEN repeat_flags.person_id IS NOT NULL THEN EXISTS (SELECT 1 FROM people p WHERE p.id = repeat_flags.person_id)
    ELSE EXISTS (SELECT 1 FROM repeat_flag_incidents m WHERE m.flag_id = repeat_flags.id) END
);

ALTER TABLE repeat_flag_incidents ENABLE ROW LEVEL SECURITY;
ALTER TABLE repeat_flag_incidents FORCE ROW LEVEL SECURITY;
CREATE POLICY repeat_flag_incidents_select ON repeat_flag_incidents FOR SELECT TO endeavour_app
  USING (EXISTS (SELECT 1 FROM incidents i WHERE i.id = repeat_flag_incidents.incident_id));

ALTER TABLE incident_agency_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE incident_agency_links FORCE ROW LEVEL SECURITY;
CREATE POLICY incident_agency_links_select ON incident_agency_links FOR SELECT TO endeavour_app USING (
  EXISTS (SELECT 1 FROM incidents i WHERE i.id = incident_agency_links.incident_id)
  AND EXISTS (SELECT 1 FROM incidents i WHERE i.id = incident_agency_links.other_incident_id)
);

ALTER TABLE incident_problems ENABLE ROW LEVEL SECURITY;
ALTER TABLE incident_problems FORCE ROW LEVEL SECURITY;
CREATE POLICY incident_problems_select ON incident_problems FOR SELECT TO endeavour_app
  USING (EXISTS (SELECT 1 FROM incidents i WHERE i.id = incident_problems.incident_id));

-- Only the counting functions write flags and links; the app reads them.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['repeat_rules', 'repeat_flags', 'repeat_flag_incidents', 'incident_agency_links', 'incident_problems'] LOOP
    EXECUTE format('CREATE POLICY definer_write ON %I FOR ALL TO endeavour_definer USING (true) WITH CHECK (true)', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO endeavour_definer', t);
    EXECUTE format('GRANT SELECT ON %I TO endeavour_app', t);
  END LOOP;
END $$;
GRANT UPDATE ON repeat_rules TO endeavour_app;
GRANT SELECT ON incident_problem_keys TO endeavour_app;

REVOKE ALL ON FUNCTION repeat_rules_for_new_partnership(), repeat_rules_of(uuid), repeat_events(uuid, text, text[], timestamptz),
  repeat_refresh(uuid, text, text[]),
  multi_agency_regroup(uuid[]), app_sees_incident(uuid), repeat_evaluate_incident(uuid), repeat_evaluate_people(uuid[]),
  repeat_reevaluate_partnership(text[]), multi_agency_link_incident(uuid), incident_problem_siblings(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_sees_incident(uuid), repeat_evaluate_incident(uuid), repeat_evaluate_people(uuid[]),
  repeat_reevaluate_partnership(text[]), multi_agency_link_incident(uuid), incident_problem_siblings(uuid) TO endeavour_app;

SELECT endeavour_adopt_definer_functions();
