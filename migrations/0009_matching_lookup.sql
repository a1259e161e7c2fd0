-- Matching on entry: while an officer types a person (or a vehicle), the records the whole partnership
-- already holds that may be the same one are found, scored in the app by the matching engine, and shown
-- in full when the officer may see them or as a bare "a record exists, held by <organisation>" stub when
-- not. Then access requests: the stub's "request access" goes to the owning organisation, who may share.

-- Normalised keys -----------------------------------------------------------------------------------

-- A name folded for comparison: accents removed, lower case, letters only ("O'Brien-Zoë" → "obrienzoe").
-- Written with translate() rather than unaccent(), which is only STABLE (its dictionary can change) and
-- so cannot be indexed; src/modules/matching/keys.ts folds the same way in the app.
CREATE FUNCTION match_fold(p text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN nullif(regexp_replace(lower(translate(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(p,
      'ß', 'ss'), 'æ', 'ae'), 'Æ', 'ae'), 'œ', 'oe'), 'Œ', 'oe'), 'ð', 'd'), 'Ð', 'd'), 'þ', 'th'), 'Þ', 'th'),
    'àÀáÁâÂãÃäÄåÅāĀăĂąĄǎǍçÇćĆĉĈċĊčČďĎđĐèÈéÉêÊëËēĒĕĔėĖęĘěĚĝĜğĞġĠģĢĥĤħĦìÌíÍîÎïÏĩĨīĪĭĬįĮıĵĴķĶĺĹļĻľĽŀĿłŁñÑńŃņŅňŇòÒóÓôÔõÕöÖøØōŌŏŎőŐǒǑŕŔŗŖřŘśŚŝŜşŞšŠșȘţŢťŤŧŦțȚùÙúÚûÛüÜũŨūŪŭŬůŮűŰųŲǔǓŵŴýÝÿŸŷŶźŹżŻžŽİ',
    'aaaaaaaaaaaaaaaaaaaaccccccccccddddeeeeeeeeeeeeeeeeeegggggggghhhhiiiiiiiiiiiiiiiiijjkkllllllllllnnnnnnnnoooooooooooooooooooorrrrrrssssssssssttttttttuuuuuuuuuuuuuuuuuuuuuuwwyyyyyyzzzzzzi')),
    '[^a-z]', '', 'g'), '');

-- The parts of a double-barrelled or hyphenated surname, each folded ("Smith-Jones" → {smith,jones}).
CREATE FUNCTION match_name_parts(p text) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN ARRAY(SELECT f FROM (SELECT match_fold(w) AS f FROM regexp_split_to_table(p, '[\s-]+') w) x WHERE f IS NOT NULL);

-- A UK phone number as digits with the national 0 (+44 116 496 0000, 0044..., 0116 4960000 → 01164960000).
CREATE FUNCTION match_phone(p text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (SELECT CASE
      WHEN length(d) < 6 THEN NULL
      WHEN d LIKE '0044%' THEN '0' || substr(d, 5)
      WHEN d LIKE '44%' AND length(d) >= 12 THEN '0' || substr(d, 3)
      ELSE d END
    FROM (SELECT regexp_replace(p, '[^0-9]', '', 'g') AS d) x);

-- Indexes for blocking: each candidate branch below reads one of these (or 0003/0006's) and no more
-- than its LIMIT. Expression indexes need no trigger and no backfill, so every way a person is written
-- (forms, imports, merges, the demo) keeps them right.
-- Phonetic surname with the folded first name: an exact or nickname first name, or a first initial as a range.
CREATE INDEX people_match_phonetic ON people (partnership_id, dmetaphone(last_name), match_fold(first_name));
CREATE INDEX people_match_phone ON people (match_phone(phone)) WHERE phone IS NOT NULL;
CREATE INDEX people_match_email ON people (lower(email)) WHERE email IS NOT NULL;
-- Only people whose surname has several parts, so a search for "Smith" finds the few Smith-Joneses
-- without wading through every Smith.
CREATE INDEX people_match_surname_parts ON people USING gin (match_name_parts(last_name)) WHERE last_name ~ '[\s-]';
CREATE INDEX person_addresses_uprn_person ON person_addresses (uprn, person_id) WHERE uprn IS NOT NULL;

-- Candidates ----------------------------------------------------------------------------------------

-- The people of the whole partnership who may be the person being typed, visible to the user or not:
-- the point is that an agency learns another already holds them. SECURITY DEFINER (owned by
-- endeavour_definer, see 0008) so that it can read every person; it returns only what the matching
-- engine compares, at most 50 rows, and the app shows a person's details only after reading them again
-- through row-level security (for the others only the owning organisation's name). It refuses to run
-- outside a signed-in user's transaction, and needs a surname or an identifier, so it cannot list people.
--
-- Blocking, most specific first, each branch bounded and run only while fewer than 50 have been found:
-- identifiers; email; phone; the exact date of birth (or with day and month swapped) with a name that
-- sounds alike or shares an initial; phonetic surname with the first name or a nickname of it (the app
-- passes the nickname forms); phonetic surname and first initial; first and last names swapped; parts of
-- a double-barrelled surname; the same address (UPRN) or postcode and initial; aliases; and last, a
-- trigram similarity of the whole name. Sequential scans are off because every branch is written for
-- an index (as in 0006).
CREATE FUNCTION match_person_candidates(
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
    IF v_first IS NOT NULL AND cardinality(v_ids) < 10 THEN
      v_ids := v_ids || ARRAY(
        WITH m AS MATERIALIZED (
          SELECT p.id, similarity(p.name_key, v_full) AS s FROM people p
          WHERE p.name_key % v_full AND p.partnership_id = p_partnership)
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
      ORDER BY found.n;
  END $$;

-- How common a first name and a surname are in the partnership, for the engine's term-frequency
-- weighting (agreeing on "Smith" is worth less than on "Przybylski"): indexed counts (0006's indexes
-- on lower(name)), capped at 1,000 because past that a name is simply common and counting further
-- only costs time; the app remembers the answers for a while. (PostgreSQL's own statistics would be
-- free, but pg_stats hides them from any role subject to row-level security.) Counts only; the total
-- is the planner's estimate on a large table.
CREATE FUNCTION match_name_counts(p_partnership uuid, p_first text, p_last text)
  RETURNS TABLE (first_count integer, last_count integer, total bigint)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT
      CASE WHEN p_first IS NULL THEN NULL ELSE (SELECT count(*)::int FROM (SELECT 1 FROM people p
        WHERE p.partnership_id = p_partnership AND lower(p.first_name) = lower(p_first) LIMIT 1000) x) END,
      CASE WHEN p_last IS NULL THEN NULL ELSE (SELECT count(*)::int FROM (SELECT 1 FROM people p
        WHERE p.partnership_id = p_partnership AND lower(p.last_name) = lower(p_last) LIMIT 1000) x) END,
      (SELECT CASE WHEN c.reltuples > 100000 THEN c.reltuples::bigint
        ELSE (SELECT count(*) FROM people p WHERE p.partnership_id = p_partnership) END
        FROM pg_class c WHERE c.oid = 'people'::regclass)
    WHERE app_user_id() IS NOT NULL
  $$;

-- Vehicles of the whole partnership with exactly this registration mark: the same idea for vehicles.
CREATE FUNCTION match_vehicle_candidates(p_partnership uuid, p_vrm_key text)
  RETURNS TABLE (id uuid, owner_organisation_id uuid, recorded_by uuid)
  LANGUAGE sql STABLE SECURITY DEFINER ROWS 3 SET search_path = public
  AS $$
    SELECT v.id, v.owner_organisation_id, v.created_by FROM vehicles v
    WHERE v.partnership_id = p_partnership AND v.vrm_key = p_vrm_key AND app_user_id() IS NOT NULL
      AND app_partnership_id() = p_partnership
    LIMIT 10
  $$;

-- Who recorded a protected record: the officer an access request goes to, and the one a stub names
-- ("contact the officer"), without the requester being able to read the record itself.
CREATE FUNCTION app_record_recorded_by(p_type text, p_id uuid) RETURNS uuid
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    RETURN CASE p_type
      WHEN 'person' THEN (SELECT created_by FROM people WHERE id = p_id)
      WHEN 'vehicle' THEN (SELECT created_by FROM vehicles WHERE id = p_id)
      ELSE NULL
    END;
  END $$;

-- Access requests ------------------------------------------------------------------------------------

-- A user who saw a "record exists" stub asks the owning organisation to share the record. Visible to
-- the requesting organisation and the owning organisation only. The owner and the recording officer
-- are filled in by the database from the record (a trigger calling definer functions), so a requester
-- can neither choose them nor read the record to find them out.
CREATE TABLE access_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  record_type text NOT NULL CHECK (record_type IN ('person', 'vehicle')),
  record_id uuid NOT NULL,
  owner_organisation_id uuid NOT NULL REFERENCES organisations(id),
  record_officer_id uuid REFERENCES users(id),
  requester_user_id uuid NOT NULL REFERENCES users(id),
  requester_organisation_id uuid NOT NULL REFERENCES organisations(id),
  reason text NOT NULL CHECK (length(trim(reason)) > 0),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'granted', 'declined', 'withdrawn')),
  decided_by uuid REFERENCES users(id),
  decided_at timestamptz,
  decision_note text,
  share_id uuid REFERENCES record_shares(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  CHECK (status <> 'declined' OR length(trim(coalesce(decision_note, ''))) > 0),
  CHECK (status <> 'granted' OR share_id IS NOT NULL),
  CHECK ((status IN ('granted', 'declined')) = (decided_by IS NOT NULL AND decided_at IS NOT NULL))
);
-- One open request per person and record at a time.
CREATE UNIQUE INDEX access_requests_pending ON access_requests (requester_user_id, record_type, record_id) WHERE status = 'pending';
CREATE INDEX access_requests_owner_pending ON access_requests (owner_organisation_id, created_at) WHERE status = 'pending';
CREATE INDEX access_requests_owner ON access_requests (owner_organisation_id, created_at DESC);
CREATE INDEX access_requests_requester_org ON access_requests (requester_organisation_id, created_at DESC);
CREATE INDEX access_requests_record ON access_requests (record_type, record_id);

-- What an insert may set and what each side may change afterwards; the policies below say who sees what.
CREATE FUNCTION access_requests_guard() RETURNS trigger
  LANGUAGE plpgsql SET search_path = public
  AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      NEW.owner_organisation_id := app_record_owner(NEW.record_type, NEW.record_id);
      NEW.record_officer_id := app_record_recorded_by(NEW.record_type, NEW.record_id);
      IF NEW.owner_organisation_id IS NULL THEN
        RAISE EXCEPTION 'there is no such record' USING ERRCODE = 'foreign_key_violation';
      END IF;
      IF NEW.status <> 'pending' OR NEW.decided_by IS NOT NULL OR NEW.share_id IS NOT NULL THEN
        RAISE EXCEPTION 'an access request starts pending' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END IF;
    IF NEW.record_type <> OLD.record_type OR NEW.record_id <> OLD.record_id OR NEW.owner_organisation_id <> OLD.owner_organisation_id
        OR NEW.requester_user_id <> OLD.requester_user_id OR NEW.requester_organisation_id <> OLD.requester_organisation_id
        OR NEW.reason <> OLD.reason OR NEW.partnership_id <> OLD.partnership_id OR NEW.created_at <> OLD.created_at
        OR NEW.record_officer_id IS DISTINCT FROM OLD.record_officer_id THEN
      RAISE EXCEPTION 'only an access request''s decision can change' USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status <> 'pending' AND NEW.status <> OLD.status THEN
      RAISE EXCEPTION 'this access request has already been decided' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status = 'withdrawn' AND OLD.status = 'pending' AND NEW.requester_user_id IS DISTINCT FROM app_user_id() THEN
      RAISE EXCEPTION 'only the requester can withdraw a request' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.status IN ('granted', 'declined') AND OLD.status = 'pending'
        AND (NEW.owner_organisation_id IS DISTINCT FROM app_org_id() OR NEW.decided_by IS DISTINCT FROM app_user_id()) THEN
      RAISE EXCEPTION 'only the owning organisation decides a request' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END $$;
CREATE TRIGGER access_requests_guard BEFORE INSERT OR UPDATE ON access_requests
  FOR EACH ROW EXECUTE FUNCTION access_requests_guard();

ALTER TABLE access_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE access_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY access_requests_select ON access_requests FOR SELECT TO endeavour_app USING (
  owner_organisation_id = (SELECT app_org_id()) OR requester_organisation_id = (SELECT app_org_id())
);
CREATE POLICY access_requests_insert ON access_requests FOR INSERT TO endeavour_app WITH CHECK (
  requester_user_id = (SELECT app_user_id()) AND requester_organisation_id = (SELECT app_org_id())
  AND partnership_id = (SELECT app_partnership_id()) AND owner_organisation_id <> (SELECT app_org_id())
  AND EXISTS (SELECT 1 FROM organisations o WHERE o.id = owner_organisation_id AND o.partnership_id = (SELECT app_partnership_id()))
);
CREATE POLICY access_requests_update ON access_requests FOR UPDATE TO endeavour_app
  USING (owner_organisation_id = (SELECT app_org_id()) OR requester_user_id = (SELECT app_user_id()))
  WITH CHECK (owner_organisation_id = (SELECT app_org_id()) OR requester_user_id = (SELECT app_user_id()));
-- No DELETE policy: requests and their decisions are kept.
GRANT SELECT, INSERT, UPDATE ON access_requests TO endeavour_app;

GRANT EXECUTE ON FUNCTION match_person_candidates(uuid, text[], text[], date, text[], text, text, text, bigint),
  match_name_counts(uuid, text, text), match_vehicle_candidates(uuid, text), app_record_recorded_by(text, uuid)
  TO endeavour_app;

SELECT endeavour_adopt_definer_functions();
