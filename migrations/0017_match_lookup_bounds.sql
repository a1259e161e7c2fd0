-- The on-entry lookup (0009) at a million people: its last-resort whole-name trigram search was
-- unbounded, so a common first name had every holder rechecked, and it ran even when a date of birth
-- had already found everyone born that day who shares the initial. Now it runs only without a date of
-- birth and reads at most 200 index matches. People merged into another (0010) are no longer offered.
CREATE OR REPLACE FUNCTION match_person_candidates(
    p_partnership uuid, p_first_names text[], p_last_raw text[], p_dob date,
    p_identifiers text[], p_phone text, p_email text, p_postcode_key text, p_uprn bigint)
  RETURNS TABLE (id uuid, owner_organisation_id uuid, recorded_by uuid, first_name text, middle_names text,
    last_name text, date_of_birth date, estimated_age integer, estimated_age_on date, gender text, phone text,
    email text, pnc_id text, nhs_number text, ni_number text, address text, postcode text, uprn bigint, aliases jsonb)
  LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 50 SET search_path = public SET enable_seqscan = off
    SET pg_trgm.similarity_threshold = 0.5
  AS $$
  DECLARE
    v_max constant integer := 50;
    v_ids uuid[] := '{}';
    v_first text := match_fold(p_first_names[1]);
    v_initial text := left(match_fold(p_first_names[1]), 1);
    v_next text;
    v_firsts text[] := ARRAY(SELECT DISTINCT match_fold(f) FROM unnest(p_first_names) f WHERE match_fold(f) IS NOT NULL);
    v_last text := array_to_string(p_last_raw, ' ');
    v_lasts text[] := ARRAY(SELECT DISTINCT x FROM unnest(match_name_parts(array_to_string(p_last_raw, ' ')) || match_fold(array_to_string(p_last_raw, ''))) x WHERE x IS NOT NULL);
    v_dm text[];
    v_dm_first text;
    v_swapped date;
    v_full text;
  BEGIN
    IF app_user_id() IS NULL OR app_partnership_id() IS DISTINCT FROM p_partnership THEN
      RAISE EXCEPTION 'match_person_candidates runs only for a signed-in user of the partnership';
    END IF;
    IF coalesce(cardinality(v_lasts), 0) = 0 AND coalesce(cardinality(p_identifiers), 0) = 0 THEN
      RETURN;
    END IF;
    v_dm := ARRAY(SELECT DISTINCT c FROM unnest(p_last_raw || v_last) w, LATERAL (VALUES (dmetaphone(w)), (dmetaphone_alt(w))) v(c) WHERE c <> '');
    v_dm_first := CASE WHEN v_first IS NULL THEN NULL ELSE dmetaphone(p_first_names[1]) END;
    -- Folded names are letters only, so every one starting with the initial sorts between these two,
    -- whatever the database's collation.
    v_next := v_initial || repeat('z', 60);
    v_full := lower(coalesce(p_first_names[1] || ' ', '') || v_last);

    IF cardinality(p_identifiers) > 0 THEN
      v_ids := v_ids || ARRAY(SELECT p.id FROM people p WHERE p.pnc_id = ANY (p_identifiers) AND p.partnership_id = p_partnership LIMIT 5)
        || ARRAY(SELECT p.id FROM people p WHERE p.nhs_number = ANY (p_identifiers) AND p.partnership_id = p_partnership LIMIT 5)
        || ARRAY(SELECT p.id FROM people p WHERE p.ni_number = ANY (p_identifiers) AND p.partnership_id = p_partnership LIMIT 5);
    END IF;
    IF p_email IS NOT NULL THEN
      v_ids := v_ids || ARRAY(SELECT p.id FROM people p WHERE lower(p.email) = p_email AND p.email IS NOT NULL AND p.partnership_id = p_partnership LIMIT 10);
    END IF;
    IF p_phone IS NOT NULL THEN
      v_ids := v_ids || ARRAY(SELECT p.id FROM people p WHERE match_phone(p.phone) = p_phone AND p.phone IS NOT NULL AND p.partnership_id = p_partnership LIMIT 10);
    END IF;
    IF cardinality(v_dm) > 0 THEN
      IF p_dob IS NOT NULL THEN
        -- Day and month swapped, when the day could be a month (every month has a 12th day).
        IF extract(day FROM p_dob) <= 12 THEN
          v_swapped := make_date(extract(year FROM p_dob)::int, extract(day FROM p_dob)::int, extract(month FROM p_dob)::int);
        END IF;
        v_ids := v_ids || ARRAY(
          SELECT p.id FROM people p
          WHERE p.partnership_id = p_partnership AND p.date_of_birth IN (p_dob, v_swapped)
            AND (dmetaphone(p.last_name) = ANY (v_dm) OR match_fold(p.last_name) = ANY (v_lasts)
              OR left(match_fold(p.first_name), 1) = v_initial OR dmetaphone(p.first_name) = ANY (v_dm))
          LIMIT 20);
      END IF;
      IF cardinality(v_firsts) > 0 AND cardinality(v_ids) < v_max THEN
        v_ids := v_ids || ARRAY(
          SELECT p.id FROM people p
          WHERE p.partnership_id = p_partnership AND dmetaphone(p.last_name) = ANY (v_dm) AND match_fold(p.first_name) = ANY (v_firsts)
          LIMIT 25);
      END IF;
      IF v_initial IS NOT NULL AND cardinality(v_ids) < v_max THEN
        v_ids := v_ids || ARRAY(
          SELECT p.id FROM people p
          WHERE p.partnership_id = p_partnership AND dmetaphone(p.last_name) = ANY (v_dm)
            AND match_fold(p.first_name) BETWEEN v_initial AND v_next
          LIMIT 15);
      ELSIF v_initial IS NULL THEN
        v_ids := v_ids || ARRAY(
          SELECT p.id FROM people p WHERE p.partnership_id = p_partnership AND dmetaphone(p.last_name) = ANY (v_dm) LIMIT 25);
      END IF;
      IF v_dm_first IS NOT NULL AND v_dm_first <> '' AND cardinality(v_ids) < v_max THEN
        v_ids := v_ids || ARRAY(
          SELECT p.id FROM people p
          WHERE p.partnership_id = p_partnership AND dmetaphone(p.last_name) = v_dm_first AND match_fold(p.first_name) = ANY (v_lasts)
          LIMIT 10);
      END IF;
    END IF;
    IF cardinality(v_lasts) > 0 AND cardinality(v_ids) < v_max THEN
      v_ids := v_ids || ARRAY(
        SELECT p.id FROM people p
        WHERE match_name_parts(p.last_name) && v_lasts AND p.last_name ~ '[\s-]' AND p.partnership_id = p_partnership
          AND (v_initial IS NULL OR left(match_fold(p.first_name), 1) = v_initial)
        LIMIT 10);
    END IF;
    IF p_uprn IS NOT NULL AND cardinality(v_ids) < v_max THEN
      v_ids := v_ids || ARRAY(
        SELECT a.person_id FROM person_addresses a JOIN people p ON p.id = a.person_id
        WHERE a.uprn = p_uprn AND p.partnership_id = p_partnership
          AND (v_initial IS NULL OR left(match_fold(p.first_name), 1) = v_initial OR dmetaphone(p.last_name) = ANY (v_dm))
        LIMIT 10);
    END IF;
    IF p_postcode_key IS NOT NULL AND cardinality(v_ids) < v_max THEN
      v_ids := v_ids || ARRAY(
        SELECT a.person_id FROM person_addresses a JOIN people p ON p.id = a.person_id
        WHERE a.postcode_key = p_postcode_key AND p.partnership_id = p_partnership
          AND (left(match_fold(p.first_name), 1) = v_initial OR dmetaphone(p.last_name) = ANY (v_dm))
        LIMIT 10);
    END IF;
    IF cardinality(v_dm) > 0 AND cardinality(v_ids) < v_max THEN
      v_ids := v_ids || ARRAY(
        SELECT a.person_id FROM person_aliases a JOIN people p ON p.id = a.person_id
        WHERE dmetaphone(a.last_name) = ANY (v_dm) AND p.partnership_id = p_partnership
          AND (v_initial IS NULL OR a.first_name IS NULL OR left(match_fold(a.first_name), 1) = v_initial
            OR match_fold(a.first_name) = ANY (v_firsts))
        LIMIT 10);
    END IF;
    -- The costliest branch, only when the others found little: a misspelt name that sounds different.
    -- Materialised so that it is planned for the trigram index rather than a scan in name order (0006).
    -- With a date of birth the date branch above has already looked at everyone born that day who
    -- shares the initial, so a misspelt surname is found there; and the work is bounded, as a common
    -- first name (every "George") would otherwise have each of its holders rechecked.
    IF v_first IS NOT NULL AND p_dob IS NULL AND cardinality(v_ids) < 10 THEN
      v_ids := v_ids || ARRAY(
        WITH m AS MATERIALIZED (
          SELECT p.id, similarity(p.name_key, v_full) AS s FROM people p
          WHERE p.name_key % v_full AND p.partnership_id = p_partnership LIMIT 200)
        SELECT m.id FROM m ORDER BY m.s DESC LIMIT 10);
    END IF;

    RETURN QUERY
      WITH found AS (
        SELECT f.pid, min(f.n) AS n FROM unnest(v_ids) WITH ORDINALITY f(pid, n) GROUP BY f.pid ORDER BY min(f.n) LIMIT v_max)
      SELECT p.id, p.owner_organisation_id, p.created_by, p.first_name, p.middle_names, p.last_name, p.date_of_birth,
        p.estimated_age, p.estimated_age_on, p.gender, p.phone, p.email, p.pnc_id, p.nhs_number, p.ni_number,
        addr.address, addr.postcode, addr.uprn,
        coalesce((SELECT jsonb_agg(jsonb_build_object('first_name', a.first_name, 'last_name', a.last_name))
          FROM (SELECT a.first_name, a.last_name FROM person_aliases a WHERE a.person_id = p.id LIMIT 10) a), '[]'::jsonb)
      FROM found JOIN people p ON p.id = found.pid
      LEFT JOIN LATERAL (
        SELECT a.address, a.postcode, a.uprn FROM person_addresses a WHERE a.person_id = p.id
        ORDER BY (a.to_date IS NULL) DESC, a.from_date DESC NULLS LAST, a.created_at DESC LIMIT 1) addr ON true
      WHERE p.merged_into_id IS NULL
      ORDER BY found.n;
  END $$;

SELECT endeavour_adopt_definer_functions();
