-- People's contact preferences and communication needs in full, and what keeps the one search box
-- fast on a million people: indexes, and search functions that can use them.

ALTER TABLE people
  ADD COLUMN contact_safe_times text,
  ADD COLUMN do_not_leave_messages boolean NOT NULL DEFAULT false,
  ADD COLUMN interpreter_needed boolean NOT NULL DEFAULT false,
  ADD COLUMN vulnerability_notes text;

-- Exact names in any case, read in name order straight from the index (by last name, or by first
-- name when only one word is typed).
CREATE INDEX people_lower_name ON people (partnership_id, lower(last_name), lower(first_name));
CREATE INDEX people_lower_first_name ON people (partnership_id, lower(first_name), lower(last_name));
-- "first last" and one-word names by trigram (0001's index is on "last first").
CREATE INDEX people_name_key_trgm ON people USING gin (name_key gin_trgm_ops);
-- Identifiers typed into the search box (0003's composite index only serves pnc_id).
CREATE INDEX people_nhs_number ON people (nhs_number) WHERE nhs_number IS NOT NULL;
CREATE INDEX people_ni_number ON people (ni_number) WHERE ni_number IS NOT NULL;
-- Aliases that sound like the name typed.
CREATE INDEX person_aliases_metaphone ON person_aliases (dmetaphone(last_name), dmetaphone(coalesce(first_name, '')));
-- Part of a registration mark ("B12 C"), as witnesses often give.
CREATE INDEX vehicles_vrm_trgm ON vehicles USING gin (vrm_key gin_trgm_ops);

-- Why functions: under row-level security PostgreSQL applies a policy before any condition that calls
-- a function not marked LEAKPROOF (lower(), dmetaphone(), the trigram operators, LIKE), so such a
-- condition cannot use an index and a fuzzy name search reads every row the user may see. These
-- SECURITY DEFINER functions (owned by endeavour_definer, see 0008) search with the indexes and apply
-- the same visibility rule as the policies themselves: the owner organisation, or a live share. They
-- return only identifiers and scores; the caller then reads the rows through row-level security, which
-- checks every one again. Their ROWS estimates are what they typically return, so that the planner
-- joins the rows they name by primary key rather than reading the whole table.

-- People matching a name: exact, phonetic (double metaphone), trigram, and the same for aliases.
-- p_first is null for a one-word search; p_either tries two words either way round. Each branch is
-- bounded, so a common name costs no more than a rare one, and each looser branch runs only while the
-- closer ones have found less than a page. The trigram branches are the costliest (a near miss of a
-- common name makes thousands of rows to recheck) and use a similarity threshold of 0.45 rather than
-- 0.3: a mistyped letter or two still matches, sharing only initials no longer does. Sequential scans
-- are off because every branch is written for an index, and with LIMIT the planner would otherwise bet
-- on finding matches early in a full scan.
CREATE FUNCTION search_person_ids(p_partnership uuid, p_first text, p_last text, p_full text, p_dob date, p_either boolean)
  RETURNS TABLE (person_id uuid, score real, alias text)
  LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 50 SET search_path = public SET enable_seqscan = off
    SET pg_trgm.similarity_threshold = 0.45
  AS $$
  DECLARE
    v_found integer := 0;
    v_rows integer;
    v_org uuid := app_org_id();
    v_shared uuid[] := ARRAY(SELECT app_shared_ids('person', 'view'));
    v_dm_last text := dmetaphone(p_last);
    v_dm_first text := CASE WHEN p_first IS NULL THEN NULL ELSE dmetaphone(p_first) END;
    -- How few visible people make scoring them all the quicker way (a setting so tests can take the
    -- index-driven way on a small database).
    v_scan_below integer := coalesce(nullif(current_setting('endeavour.search_scan_below', true), '')::integer, 5000);
  BEGIN
    IF p_last IS NULL OR p_last = '' THEN
      RETURN;
    END IF;
    -- When the candidates are few anyway (the people born on the date given, or everyone the user may
    -- see when that is under a few thousand, as for most partner agencies), each is scored directly
    -- rather than through the name indexes, which would wade through every visible and invisible
    -- match of a common name.
    IF p_dob IS NOT NULL THEN
      RETURN QUERY
        SELECT p.id,
          (CASE
            WHEN lower(p.last_name) = p_last AND (p_first IS NULL OR lower(p.first_name) = p_first) THEN 1
            WHEN p_first IS NULL AND lower(p.first_name) = p_last THEN 0.95
            WHEN p_either AND lower(p.last_name) = p_first AND lower(p.first_name) = p_last THEN 0.9
            WHEN dmetaphone(p.last_name) = v_dm_last AND (v_dm_first IS NULL OR dmetaphone(p.first_name) = v_dm_first) THEN 0.5
            WHEN p_either AND dmetaphone(p.last_name) = v_dm_first AND dmetaphone(p.first_name) = v_dm_last THEN 0.45
            ELSE greatest(similarity(p.name_key, p_full), 0.9 * word_similarity(p_full, p.name_key))
          END)::real AS s, NULL::text
        FROM people p
        WHERE p.partnership_id = p_partnership AND p.date_of_birth = p_dob
          AND (p.owner_organisation_id = v_org OR p.id = ANY (v_shared))
          AND (lower(p.last_name) = p_last OR lower(p.first_name) = p_last OR lower(p.last_name) = p_first
            OR dmetaphone(p.last_name) = v_dm_last OR dmetaphone(p.last_name) = v_dm_first
            OR similarity(p.name_key, p_full) >= 0.45 OR word_similarity(p_full, p.name_key) >= 0.6)
        ORDER BY s DESC LIMIT 200;
      RETURN QUERY
        SELECT a.person_id, 0.8::real, concat_ws(' ', a.first_name, a.last_name)
        FROM people p JOIN person_aliases a ON a.person_id = p.id
        WHERE p.partnership_id = p_partnership AND p.date_of_birth = p_dob
          AND (p.owner_organisation_id = v_org OR p.id = ANY (v_shared))
          AND (lower(a.last_name) = p_last OR dmetaphone(a.last_name) = v_dm_last
            OR similarity(lower(coalesce(a.first_name, '') || ' ' || a.last_name), p_full) >= 0.45
            OR word_similarity(p_full, lower(coalesce(a.first_name, '') || ' ' || a.last_name)) >= 0.6)
        LIMIT 50;
      RETURN;
    END IF;
    IF (SELECT count(*) FROM (SELECT 1 FROM people o WHERE o.owner_organisation_id = v_org LIMIT v_scan_below) x)
        + coalesce(array_length(v_shared, 1), 0) < v_scan_below THEN
      RETURN QUERY
        SELECT p.id,
          (CASE
            WHEN lower(p.last_name) = p_last AND (p_first IS NULL OR lower(p.first_name) = p_first) THEN 1
            WHEN p_first IS NULL AND lower(p.first_name) = p_last THEN 0.95
            WHEN p_either AND lower(p.last_name) = p_first AND lower(p.first_name) = p_last THEN 0.9
            WHEN dmetaphone(p.last_name) = v_dm_last AND (v_dm_first IS NULL OR dmetaphone(p.first_name) = v_dm_first) THEN 0.5
            WHEN p_either AND dmetaphone(p.last_name) = v_dm_first AND dmetaphone(p.first_name) = v_dm_last THEN 0.45
            ELSE greatest(similarity(p.name_key, p_full), 0.9 * word_similarity(p_full, p.name_key))
          END)::real AS s, NULL::text
        FROM people p
        WHERE p.partnership_id = p_partnership AND (p.owner_organisation_id = v_org OR p.id = ANY (v_shared))
          AND (lower(p.last_name) = p_last OR lower(p.first_name) = p_last OR lower(p.last_name) = p_first
            OR dmetaphone(p.last_name) = v_dm_last OR dmetaphone(p.last_name) = v_dm_first
            OR similarity(p.name_key, p_full) >= 0.45 OR word_similarity(p_full, p.name_key) >= 0.6)
        ORDER BY s DESC LIMIT 200;
      RETURN QUERY
        SELECT a.person_id, 0.8::real, concat_ws(' ', a.first_name, a.last_name)
        FROM people p JOIN person_aliases a ON a.person_id = p.id
        WHERE p.partnership_id = p_partnership AND (p.owner_organisation_id = v_org OR p.id = ANY (v_shared))
          AND (lower(a.last_name) = p_last OR dmetaphone(a.last_name) = v_dm_last
            OR similarity(lower(coalesce(a.first_name, '') || ' ' || a.last_name), p_full) >= 0.45
            OR word_similarity(p_full, lower(coalesce(a.first_name, '') || ' ' || a.last_name)) >= 0.6)
        LIMIT 50;
      RETURN;
    END IF;
    -- Without one: exact names first; each later branch runs only while fewer than a page of people has been found.
    RETURN QUERY
      SELECT p.id, 1::real, NULL::text FROM people p
      WHERE p.partnership_id = p_partnership AND lower(p.last_name) = p_last
        AND (p_first IS NULL OR lower(p.first_name) = p_first)
        AND (p_dob IS NULL OR p.date_of_birth = p_dob)
        AND (p.owner_organisation_id = v_org OR p.id = ANY (v_shared))
      ORDER BY lower(p.last_name), lower(p.first_name) LIMIT 20;
    GET DIAGNOSTICS v_found = ROW_COUNT;
    IF p_first IS NULL AND v_found < 20 THEN
      RETURN QUERY
        SELECT p.id, 0.95::real, NULL::text FROM people p
        WHERE p.partnership_id = p_partnership AND lower(p.first_name) = p_last
          AND (p_dob IS NULL OR p.date_of_birth = p_dob)
          AND (p.owner_organisation_id = v_org OR p.id = ANY (v_shared))
        ORDER BY lower(p.first_name), lower(p.last_name) LIMIT 20;
      GET DIAGNOSTICS v_rows = ROW_COUNT;
      v_found := v_found + v_rows;
    END IF;
    IF p_either AND p_first IS NOT NULL AND v_found < 20 THEN
      RETURN QUERY
        SELECT p.id, 0.9::real, NULL::text FROM people p
        WHERE p.partnership_id = p_partnership AND lower(p.last_name) = p_first AND lower(p.first_name) = p_last
          AND (p_dob IS NULL OR p.date_of_birth = p_dob)
          AND (p.owner_organisation_id = v_org OR p.id = ANY (v_shared))
        LIMIT 20;
      GET DIAGNOSTICS v_rows = ROW_COUNT;
      v_found := v_found + v_rows;
    END IF;
    IF v_found < 20 THEN
      RETURN QUERY
        SELECT p.id, 0.5::real, NULL::text FROM people p
        WHERE p.partnership_id = p_partnership AND dmetaphone(p.last_name) = v_dm_last
          AND (v_dm_first IS NULL OR dmetaphone(p.first_name) = v_dm_first)
          AND (p_dob IS NULL OR p.date_of_birth = p_dob)
          AND (p.owner_organisation_id = v_org OR p.id = ANY (v_shared))
        LIMIT 50;
      GET DIAGNOSTICS v_rows = ROW_COUNT;
      v_found := v_found + v_rows;
    END IF;
    IF p_either AND p_first IS NOT NULL AND v_found < 20 THEN
      RETURN QUERY
        SELECT p.id, 0.45::real, NULL::text FROM people p
        WHERE p.partnership_id = p_partnership AND dmetaphone(p.last_name) = v_dm_first AND dmetaphone(p.first_name) = v_dm_last
          AND (p_dob IS NULL OR p.date_of_birth = p_dob)
          AND (p.owner_organisation_id = v_org OR p.id = ANY (v_shared))
        LIMIT 50;
      GET DIAGNOSTICS v_rows = ROW_COUNT;
      v_found := v_found + v_rows;
    END IF;
    -- The trigram matches are found in a materialised subquery, planned without the LIMIT: planned
    -- with it, the estimate that matches are common makes any index scan in name order look cheaper
    -- than the trigram index, and a search with no match would read the whole index.
    IF v_found < 20 AND p_first IS NOT NULL THEN
      RETURN QUERY
        WITH m AS MATERIALIZED (
          SELECT p.id, similarity(p.name_key, p_full) AS s, p.owner_organisation_id AS o FROM people p
          WHERE p.partnership_id = p_partnership AND p.name_key % p_full AND (p_dob IS NULL OR p.date_of_birth = p_dob))
        SELECT m.id, m.s, NULL::text FROM m WHERE m.o = v_org OR m.id = ANY (v_shared) LIMIT 100;
    ELSIF v_found < 20 THEN
      RETURN QUERY
        WITH m AS MATERIALIZED (
          SELECT p.id, (0.9 * word_similarity(p_full, p.name_key))::real AS s, p.owner_organisation_id AS o FROM people p
          WHERE p.partnership_id = p_partnership AND p_full <% p.name_key AND (p_dob IS NULL OR p.date_of_birth = p_dob))
        SELECT m.id, m.s, NULL::text FROM m WHERE m.o = v_org OR m.id = ANY (v_shared) LIMIT 100;
    END IF;
    -- Other names: aliases are few beside people, so these always run.
    IF p_first IS NOT NULL THEN
      RETURN QUERY
        WITH m AS MATERIALIZED (
          SELECT a.person_id, (0.95 * similarity(lower(coalesce(a.first_name, '') || ' ' || a.last_name), p_full))::real AS s,
            concat_ws(' ', a.first_name, a.last_name) AS alias
          FROM person_aliases a WHERE lower(coalesce(a.first_name, '') || ' ' || a.last_name) % p_full)
        SELECT m.person_id, m.s, m.alias FROM m JOIN people p ON p.id = m.person_id
        WHERE p.partnership_id = p_partnership AND (p_dob IS NULL OR p.date_of_birth = p_dob)
          AND (p.owner_organisation_id = v_org OR p.id = ANY (v_shared))
        LIMIT 50;
    ELSE
      RETURN QUERY
        WITH m AS MATERIALIZED (
          SELECT a.person_id, (0.85 * word_similarity(p_full, lower(coalesce(a.first_name, '') || ' ' || a.last_name)))::real AS s,
            concat_ws(' ', a.first_name, a.last_name) AS alias
          FROM person_aliases a WHERE p_full <% lower(coalesce(a.first_name, '') || ' ' || a.last_name))
        SELECT m.person_id, m.s, m.alias FROM m JOIN people p ON p.id = m.person_id
        WHERE p.partnership_id = p_partnership AND (p_dob IS NULL OR p.date_of_birth = p_dob)
          AND (p.owner_organisation_id = v_org OR p.id = ANY (v_shared))
        LIMIT 50;
    END IF;
    RETURN QUERY
      SELECT a.person_id, 0.45::real, concat_ws(' ', a.first_name, a.last_name)
      FROM person_aliases a JOIN people p ON p.id = a.person_id
      WHERE dmetaphone(a.last_name) = v_dm_last
        AND (v_dm_first IS NULL OR dmetaphone(coalesce(a.first_name, '')) = v_dm_first)
        AND p.partnership_id = p_partnership
        AND (p_dob IS NULL OR p.date_of_birth = p_dob)
        AND (p.owner_organisation_id = v_org OR p.id = ANY (v_shared))
      LIMIT 50;
  END $$;

-- Vehicles whose registration mark contains the characters typed (materialised, as in search_person_ids).
CREATE FUNCTION search_vehicle_ids(p_partnership uuid, p_key text)
  RETURNS TABLE (vehicle_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER ROWS 10 SET search_path = public SET enable_seqscan = off
  AS $$
    WITH m AS MATERIALIZED (
      SELECT v.id, v.owner_organisation_id AS o FROM vehicles v
      WHERE v.partnership_id = p_partnership
        AND v.vrm_key LIKE '%' || replace(replace(replace(p_key, '\', '\\'), '%', '\%'), '_', '\_') || '%')
    SELECT m.id FROM m
    WHERE m.o = (SELECT app_org_id()) OR m.id IN (SELECT app_shared_ids('vehicle', 'view'))
    LIMIT 50
  $$;

-- Cases whose title contains every word typed. Each word becomes its own LIKE with a literal pattern,
-- so that the trigram index on titles answers all of them (materialised, as in search_person_ids).
CREATE FUNCTION search_case_ids(p_partnership uuid, p_words text[])
  RETURNS TABLE (case_id uuid)
  LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 20 SET search_path = public SET enable_seqscan = off
  AS $$
  DECLARE
    v_conditions text;
  BEGIN
    SELECT string_agg(format('lower(c.title) LIKE %L', '%' || replace(replace(replace(w, '\', '\\'), '%', '\%'), '_', '\_') || '%'), ' AND ')
      INTO v_conditions FROM unnest(p_words[1:8]) w WHERE length(w) > 0;
    IF v_conditions IS NULL THEN
      RETURN;
    END IF;
    RETURN QUERY EXECUTE format(
      'WITH m AS MATERIALIZED (SELECT c.id, c.owner_organisation_id AS o FROM cases c WHERE c.partnership_id = $1 AND %s)
       SELECT m.id FROM m WHERE m.o = $2 OR m.id IN (SELECT app_shared_ids(''case'', ''view'')) LIMIT 200',
      v_conditions) USING p_partnership, app_org_id();
  END $$;

GRANT EXECUTE ON FUNCTION search_person_ids(uuid, text, text, text, date, boolean), search_vehicle_ids(uuid, text),
  search_case_ids(uuid, text[]) TO endeavour_app;
