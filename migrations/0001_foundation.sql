-- Foundation: partnership model, accounts, sessions, mail outbox, audit log, and the record-level
-- security mechanism with its first protected table (people).
-- Forward-only. Runs identically on PGlite and PostgreSQL 15+.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- The runtime role. Every request runs its queries inside a transaction that has done
-- SET LOCAL ROLE endeavour_app, so row-level security applies even when the connection itself
-- logs in as the owner or a superuser. Roles are cluster-wide, so creating it must tolerate another
-- database (or a parallel test) having made it first.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'endeavour_app') THEN
    CREATE ROLE endeavour_app NOLOGIN NOBYPASSRLS;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;

DO $$
BEGIN
  EXECUTE format('GRANT endeavour_app TO %I', current_user);
EXCEPTION WHEN others THEN NULL; -- already a member, or a superuser who needs no grant
END $$;

-- Secrets generated inside the database on first migration, so that no secret lives in the
-- repository or needs configuring to try Endeavour out, and every app process shares them.
CREATE TABLE instance_secrets (
  name text PRIMARY KEY,
  value text NOT NULL
);
INSERT INTO instance_secrets (name, value) VALUES ('session', encode(gen_random_bytes(32), 'hex'));

-- Partnership model -------------------------------------------------------------------------

CREATE TABLE partnerships (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  short_name text NOT NULL,
  require_two_factor_for_all boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1
);

CREATE TABLE areas (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  parent_id uuid REFERENCES areas(id),
  kind text NOT NULL CHECK (kind IN ('county', 'district', 'unitary', 'ward', 'other')),
  ons_code text,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  UNIQUE (partnership_id, ons_code)
);
CREATE INDEX areas_partnership ON areas (partnership_id, kind, name);

CREATE TABLE area_populations (
  area_id uuid NOT NULL REFERENCES areas(id) ON DELETE CASCADE,
  year integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
  population integer NOT NULL CHECK (population >= 0),
  source text,
  PRIMARY KEY (area_id, year)
);

CREATE TABLE organisations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  name text NOT NULL,
  short_name text,
  kind text NOT NULL CHECK (kind IN ('local_authority', 'police', 'fire_rescue', 'housing_provider', 'health',
    'probation', 'opcc', 'victim_service', 'education', 'other')),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  UNIQUE (partnership_id, name)
);

CREATE TABLE organisation_areas (
  organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  area_id uuid NOT NULL REFERENCES areas(id) ON DELETE CASCADE,
  PRIMARY KEY (organisation_id, area_id)
);

CREATE TABLE teams (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  UNIQUE (organisation_id, name)
);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations(id),
  email text NOT NULL,
  display_name text NOT NULL,
  job_title text,
  roles text[] NOT NULL DEFAULT '{}',
  password_hash text,
  password_changed_at timestamptz,
  totp_secret text,
  totp_enabled_at timestamptz,
  totp_last_step bigint,
  failed_attempts integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  active boolean NOT NULL DEFAULT true,
  last_sign_in_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  CHECK (roles <@ ARRAY['partnership_admin', 'coordinator', 'case_officer', 'manager', 'analyst',
    'partner_user', 'read_only']::text[])
);
CREATE UNIQUE INDEX users_email ON users (lower(email));
CREATE INDEX users_organisation ON users (organisation_id);

CREATE TABLE team_members (
  team_id uuid NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

-- Sessions are looked up by the SHA-256 of the cookie token, so a leaked table cannot be replayed.
CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  two_factor_passed boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  ip text,
  user_agent text
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE password_reset_tokens (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

-- Email that could not (or need not) go to a provider waits here, readable by administrators.
CREATE TABLE outbox_messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid REFERENCES partnerships(id),
  to_address text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  transport text NOT NULL,
  status text NOT NULL CHECK (status IN ('stored', 'sent', 'failed')),
  error text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_created ON outbox_messages (created_at DESC);

-- Who is acting: set per transaction by the app (platform/db/with-user.ts). Organisation and
-- teams are derived from the users table, never trusted from the session setting.
CREATE FUNCTION app_user_id() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;

CREATE FUNCTION app_org_id() RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$ SELECT organisation_id FROM users WHERE id = app_user_id() AND active $$;

CREATE FUNCTION app_team_ids() RETURNS uuid[]
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$ SELECT coalesce(array_agg(team_id), '{}') FROM team_members WHERE user_id = app_user_id() $$;

-- Record-level security -----------------------------------------------------------------------

-- One sharing table for every protected record type. A share grants view or edit on one record to
-- an organisation, a team or a user, with a reason, optionally until a date; revoking keeps the row.
CREATE TABLE record_shares (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  record_type text NOT NULL,
  record_id uuid NOT NULL,
  to_organisation_id uuid REFERENCES organisations(id),
  to_team_id uuid REFERENCES teams(id),
  to_user_id uuid REFERENCES users(id),
  access text NOT NULL CHECK (access IN ('view', 'edit')),
  reason text NOT NULL CHECK (length(trim(reason)) > 0),
  expires_at timestamptz,
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  revoked_by uuid REFERENCES users(id),
  CHECK (num_nonnulls(to_organisation_id, to_team_id, to_user_id) = 1)
);
CREATE INDEX record_shares_record ON record_shares (record_type, record_id);
CREATE INDEX record_shares_org ON record_shares (to_organisation_id) WHERE to_organisation_id IS NOT NULL;
CREATE INDEX record_shares_user ON record_shares (to_user_id) WHERE to_user_id IS NOT NULL;
CREATE INDEX record_shares_team ON record_shares (to_team_id) WHERE to_team_id IS NOT NULL;

-- Whether the acting user holds a live share of at least the given access on a record. SECURITY
-- DEFINER so that the record tables' own policies can call it without the sharing table's policy
-- recursing into them.
CREATE FUNCTION app_has_share(p_type text, p_id uuid, p_access text) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT EXISTS (
      SELECT 1 FROM record_shares s
      WHERE s.record_type = p_type AND s.record_id = p_id
        AND s.revoked_at IS NULL
        AND (s.expires_at IS NULL OR s.expires_at > now())
        AND (p_access = 'view' OR s.access = 'edit')
        AND (s.to_organisation_id = app_org_id()
             OR s.to_user_id = app_user_id()
             OR s.to_team_id = ANY (app_team_ids()))
    )
  $$;

-- The owning organisation of a protected record, whatever its type. Later migrations replace this
-- function to add their tables.
CREATE FUNCTION app_record_owner(p_type text, p_id uuid) RETURNS uuid
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    IF p_type = 'person' THEN
      RETURN (SELECT owner_organisation_id FROM people WHERE id = p_id);
    END IF;
    RETURN NULL;
  END $$;

ALTER TABLE record_shares ENABLE ROW LEVEL SECURITY;
ALTER TABLE record_shares FORCE ROW LEVEL SECURITY;
-- The owner organisation sees and manages every share of its records; a recipient sees its own.
CREATE POLICY record_shares_select ON record_shares FOR SELECT TO endeavour_app USING (
  app_record_owner(record_type, record_id) = (SELECT app_org_id())
  OR to_organisation_id = (SELECT app_org_id())
  OR to_user_id = (SELECT app_user_id())
  OR to_team_id = ANY (app_team_ids())
);
CREATE POLICY record_shares_insert ON record_shares FOR INSERT TO endeavour_app WITH CHECK (
  app_record_owner(record_type, record_id) = (SELECT app_org_id()) AND created_by = (SELECT app_user_id())
);
CREATE POLICY record_shares_update ON record_shares FOR UPDATE TO endeavour_app
  USING (app_record_owner(record_type, record_id) = (SELECT app_org_id()))
  WITH CHECK (app_record_owner(record_type, record_id) = (SELECT app_org_id()));

-- People: the first protected record type.
CREATE TABLE people (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  owner_organisation_id uuid NOT NULL REFERENCES organisations(id),
  first_name text NOT NULL,
  middle_names text,
  last_name text NOT NULL,
  date_of_birth date,
  gender text,
  phone text,
  email text,
  notes text,
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1
);
CREATE INDEX people_owner ON people (owner_organisation_id, last_name, first_name);
CREATE INDEX people_name_trgm ON people USING gin ((lower(last_name || ' ' || first_name)) gin_trgm_ops);

ALTER TABLE people ENABLE ROW LEVEL SECURITY;
ALTER TABLE people FORCE ROW LEVEL SECURITY;
CREATE POLICY people_select ON people FOR SELECT TO endeavour_app USING (
  owner_organisation_id = (SELECT app_org_id()) OR app_has_share('person', id, 'view')
);
CREATE POLICY people_insert ON people FOR INSERT TO endeavour_app WITH CHECK (
  owner_organisation_id = (SELECT app_org_id()) AND created_by = (SELECT app_user_id())
);
CREATE POLICY people_update ON people FOR UPDATE TO endeavour_app
  USING (owner_organisation_id = (SELECT app_org_id()) OR app_has_share('person', id, 'edit'))
  WITH CHECK (owner_organisation_id = (SELECT app_org_id()) OR app_has_share('person', id, 'edit'));
-- No DELETE policy: people are never deleted through the app (retention review is a later issue).

-- Audit ------------------------------------------------------------------------------------------

-- Append-only and hash-chained: each row's hash covers the previous row's hash and its own fields,
-- so editing or deleting any row breaks the chain; audit_head records the last row so that
-- removing rows from the end is detected too. The app role may only call audit_append().
CREATE TABLE audit_log (
  seq bigint PRIMARY KEY,
  occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  partnership_id uuid,
  actor_user_id uuid,
  actor_organisation_id uuid,
  action text NOT NULL,
  record_type text,
  record_id text,
  ip text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  hash text NOT NULL
);
CREATE INDEX audit_log_record ON audit_log (record_type, record_id, seq);
CREATE INDEX audit_log_actor ON audit_log (actor_user_id, seq);
CREATE INDEX audit_log_time ON audit_log (occurred_at);

CREATE TABLE audit_head (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq bigint NOT NULL,
  hash text NOT NULL
);

CREATE FUNCTION audit_row_hash(p_prev text, p_seq bigint, p_at timestamptz, p_partnership uuid, p_user uuid,
    p_org uuid, p_action text, p_type text, p_id text, p_ip text, p_details jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE
  AS $$
    SELECT encode(digest(concat_ws(chr(31), coalesce(p_prev, ''), p_seq::text,
      to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), coalesce(p_partnership::text, ''),
      coalesce(p_user::text, ''), coalesce(p_org::text, ''), p_action, coalesce(p_type, ''), coalesce(p_id, ''),
      coalesce(p_ip, ''), p_details::text), 'sha256'), 'hex')
  $$;

CREATE FUNCTION audit_append(p_partnership uuid, p_user uuid, p_org uuid, p_action text, p_type text,
    p_id text, p_ip text, p_details jsonb) RETURNS bigint
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    v_prev text;
    v_seq bigint;
    v_at timestamptz := clock_timestamp();
    v_hash text;
  BEGIN
    -- One writer at a time keeps the chain linear; the lock is held only until the caller commits.
    PERFORM pg_advisory_xact_lock(7201001);
    SELECT seq, hash INTO v_seq, v_prev FROM audit_head WHERE id;
    v_seq := coalesce(v_seq, 0) + 1;
    v_hash := audit_row_hash(v_prev, v_seq, v_at, p_partnership, p_user, p_org, p_action, p_type, p_id, p_ip,
      coalesce(p_details, '{}'::jsonb));
    INSERT INTO audit_log (seq, occurred_at, partnership_id, actor_user_id, actor_organisation_id, action,
      record_type, record_id, ip, details, hash)
    VALUES (v_seq, v_at, p_partnership, p_user, p_org, p_action, p_type, p_id, p_ip,
      coalesce(p_details, '{}'::jsonb), v_hash);
    INSERT INTO audit_head (id, seq, hash) VALUES (true, v_seq, v_hash)
      ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash;
    RETURN v_seq;
  END $$;

CREATE FUNCTION audit_refuse_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

-- Grants: the app role reads and writes the tables it needs; ownership stays with the migrator. ------
GRANT USAGE ON SCHEMA public TO endeavour_app;
GRANT SELECT ON partnerships, areas, area_populations, organisations, organisation_areas, teams, team_members,
  users, outbox_messages TO endeavour_app;
GRANT INSERT, UPDATE, DELETE ON partnerships, areas, area_populations, organisations, organisation_areas, teams,
  team_members, users TO endeavour_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON sessions, password_reset_tokens TO endeavour_app;
GRANT INSERT, UPDATE ON outbox_messages TO endeavour_app;
GRANT SELECT, INSERT, UPDATE ON people, record_shares TO endeavour_app;
GRANT SELECT ON audit_log TO endeavour_app;
GRANT EXECUTE ON FUNCTION audit_append(uuid, uuid, uuid, text, text, text, text, jsonb) TO endeavour_app;
REVOKE ALL ON instance_secrets FROM PUBLIC;
