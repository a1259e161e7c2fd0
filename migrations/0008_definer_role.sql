-- The functions that row-level security policies call (app_org_id, app_record_owner, audit_append...)
-- are SECURITY DEFINER: they must read tables the acting user cannot. Owned by the migrating role
-- they would be subject to FORCE ROW LEVEL SECURITY themselves (unless that role is a superuser),
-- and see nothing. They belong instead to endeavour_definer: a role that cannot log in, owns no
-- table, and is given read access through explicit policies. The table owner stays fail-safe: a
-- query that forgot withUser() and ran as the owner still sees no protected record.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'endeavour_definer') THEN
    CREATE ROLE endeavour_definer NOLOGIN NOBYPASSRLS;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;

DO $$
BEGIN
  EXECUTE format('GRANT endeavour_definer TO %I', current_user);
EXCEPTION WHEN others THEN NULL; -- already a member, or a superuser who needs no grant
END $$;

GRANT USAGE ON SCHEMA public TO endeavour_definer;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO endeavour_definer;
GRANT INSERT ON audit_log TO endeavour_definer;
GRANT INSERT, UPDATE ON audit_head TO endeavour_definer;
REVOKE SELECT ON instance_secrets FROM endeavour_definer;

-- Later migrations that add a protected table or a SECURITY DEFINER function end with
-- `SELECT endeavour_adopt_definer_functions();` (a test checks that none was missed).
CREATE FUNCTION endeavour_adopt_definer_functions() RETURNS void
  LANGUAGE plpgsql
  AS $$
  DECLARE
    r record;
  BEGIN
    EXECUTE 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO endeavour_definer';
    EXECUTE 'REVOKE SELECT ON instance_secrets FROM endeavour_definer';
    FOR r IN
      SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relrowsecurity
        AND NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'definer_read')
    LOOP
      EXECUTE format('CREATE POLICY definer_read ON %I FOR SELECT TO endeavour_definer USING (true)', r.relname);
    END LOOP;
    FOR r IN
      SELECT p.oid::regprocedure AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'public' AND p.prosecdef AND p.proowner <> (SELECT oid FROM pg_roles WHERE rolname = 'endeavour_definer')
    LOOP
      EXECUTE format('ALTER FUNCTION %s OWNER TO endeavour_definer', r.fn);
    END LOOP;
  END $$;

SELECT endeavour_adopt_definer_functions();
