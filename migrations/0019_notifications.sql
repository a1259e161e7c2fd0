-- Notifications: in-app (a count and a list) and by email, immediately or in a daily digest, by each
-- user's preference per kind; and the job runner's record of the background jobs it has run.
-- A notification holds only a neutral title and a link into Endeavour: what it is about is read there,
-- under the record's own row-level security.

-- The kinds, with the delivery a user gets until they choose otherwise. A new kind is a new row here
-- (in a later migration) and a label in src/modules/notifications/labels.ts.
CREATE TABLE notification_kinds (
  kind text PRIMARY KEY,
  default_delivery text NOT NULL CHECK (default_delivery IN ('email', 'digest', 'in_app'))
);
INSERT INTO notification_kinds (kind, default_delivery) VALUES
  ('task_assigned', 'email'),
  ('task_escalated', 'email'),
  ('task_disputed', 'email'),
  ('task_dispute_resolved', 'in_app'),
  ('access_request_received', 'email'),
  ('access_request_answered', 'email'),
  ('referral_received', 'email'),
  ('referral_updated', 'digest'),
  ('case_review_alert', 'email');

CREATE TABLE notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  recipient_user_id uuid NOT NULL REFERENCES users(id),
  kind text NOT NULL REFERENCES notification_kinds(kind),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  -- A path inside Endeavour (never another site): emails and the list link only here.
  href text NOT NULL CHECK (href ~ '^/[a-z]' AND length(href) <= 500),
  record_type text,
  record_id uuid,
  -- The recipient's preference when it was made: emailed at once, kept for the digest, or in-app only.
  delivery text NOT NULL CHECK (delivery IN ('email', 'digest', 'in_app')),
  -- The clock, not the transaction's start: several made in one transaction list in the order made.
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  read_at timestamptz,
  emailed_at timestamptz,
  digested_at timestamptz
);
CREATE INDEX notifications_recipient ON notifications (recipient_user_id, created_at DESC);
CREATE INDEX notifications_unread ON notifications (recipient_user_id) WHERE read_at IS NULL;
-- What the daily digest still has to send: digest ones, and immediate ones no mailer could send.
CREATE INDEX notifications_digest_due ON notifications (created_at)
  WHERE delivery <> 'in_app' AND emailed_at IS NULL AND digested_at IS NULL;

CREATE TABLE notification_preferences (
  user_id uuid NOT NULL REFERENCES users(id),
  kind text NOT NULL REFERENCES notification_kinds(kind),
  delivery text NOT NULL CHECK (delivery IN ('email', 'digest', 'in_app')),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, kind)
);

-- A user sees, marks read and sets preferences for their own notifications only. The app role cannot
-- insert notifications itself (notification_add does, for users of the actor's partnership) and can
-- change nothing but read_at.
ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE notifications FORCE ROW LEVEL SECURITY;
CREATE POLICY notifications_select ON notifications FOR SELECT TO endeavour_app
  USING (recipient_user_id = (SELECT app_user_id()));
CREATE POLICY notifications_update ON notifications FOR UPDATE TO endeavour_app
  USING (recipient_user_id = (SELECT app_user_id()))
  WITH CHECK (recipient_user_id = (SELECT app_user_id()));
CREATE POLICY notifications_definer_insert ON notifications FOR INSERT TO endeavour_definer WITH CHECK (true);
CREATE POLICY notifications_definer_update ON notifications FOR UPDATE TO endeavour_definer USING (true) WITH CHECK (true);

ALTER TABLE notification_preferences ENABLE ROW LEVEL SECURITY;
ALTER TABLE notification_preferences FORCE ROW LEVEL SECURITY;
CREATE POLICY notification_preferences_own ON notification_preferences FOR ALL TO endeavour_app
  USING (user_id = (SELECT app_user_id()))
  WITH CHECK (user_id = (SELECT app_user_id()));

GRANT SELECT ON notification_kinds TO endeavour_app;
GRANT SELECT ON notifications TO endeavour_app;
GRANT UPDATE (read_at) ON notifications TO endeavour_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON notification_preferences TO endeavour_app;
GRANT INSERT, UPDATE ON notifications TO endeavour_definer;

-- Records notifications for active users and returns who is to be emailed now. In a user's transaction
-- the recipients must belong to the actor's partnership and the actor is never told of their own act;
-- with no user (the job runner, connected as the owner) each recipient's own partnership is used. The
-- app role without a user (sign-in pages) may not call it. p_email_now says a mailer is at hand: when
-- it is not, immediate notifications are left for the next digest rather than lost.
CREATE FUNCTION notification_add(p_recipients uuid[], p_kind text, p_title text, p_href text,
    p_record_type text, p_record_id uuid, p_email_now boolean)
  RETURNS TABLE (notification_id uuid, user_id uuid, partnership_id uuid, email text, display_name text, delivery text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
  #variable_conflict use_column
  DECLARE
    v_actor uuid := app_user_id();
    v_partnership uuid;
  BEGIN
    IF v_actor IS NULL AND current_setting('role', true) = 'endeavour_app' THEN
      RAISE EXCEPTION 'notifications are made by a signed-in user or by the job runner';
    END IF;
    IF v_actor IS NOT NULL THEN
      SELECT o.partnership_id INTO v_partnership
      FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.id = v_actor AND u.active;
      IF v_partnership IS NULL THEN
        RAISE EXCEPTION 'the acting user is not active';
      END IF;
    END IF;
    RETURN QUERY
    WITH r AS (
      SELECT DISTINCT u.id AS uid, u.email AS uemail, u.display_name AS uname, o.partnership_id AS pid
      FROM users u JOIN organisations o ON o.id = u.organisation_id
      WHERE u.id = ANY (p_recipients) AND u.active
        AND (v_actor IS NULL OR (o.partnership_id = v_partnership AND u.id <> v_actor))
    ), chosen AS (
      SELECT r.*, coalesce(p.delivery, k.default_delivery, 'in_app') AS how
      FROM r
      LEFT JOIN notification_kinds k ON k.kind = p_kind
      LEFT JOIN notification_preferences p ON p.user_id = r.uid AND p.kind = p_kind
    ), ins AS (
      INSERT INTO notifications (partnership_id, recipient_user_id, kind, title, href, record_type, record_id,
        delivery, emailed_at)
      SELECT chosen.pid, chosen.uid, p_kind, p_title, p_href, p_record_type, p_record_id, chosen.how,
        CASE WHEN chosen.how = 'email' AND p_email_now THEN now() END
      FROM chosen
      RETURNING notifications.id AS nid, notifications.recipient_user_id AS nuser, notifications.delivery AS ndelivery
    )
    SELECT ins.nid, ins.nuser, chosen.pid, chosen.uemail, chosen.uname, ins.ndelivery
    FROM ins JOIN chosen ON chosen.uid = ins.nuser;
  END $$;

-- The daily digest: claims everything still to be emailed up to p_until (each notification once, even
-- with several job runners: a claimed row no longer matches) and returns, per active recipient, the
-- unread ones among them. For the job runner only; the app role may not call it.
CREATE FUNCTION notification_digest_claim(p_until timestamptz)
  RETURNS TABLE (user_id uuid, partnership_id uuid, email text, display_name text, claimed integer,
    titles text[], hrefs text[])
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
    WITH claimed AS (
      UPDATE notifications n SET digested_at = now()
      WHERE n.delivery <> 'in_app' AND n.emailed_at IS NULL AND n.digested_at IS NULL AND n.created_at <= p_until
      RETURNING n.recipient_user_id, n.partnership_id, n.title, n.href, n.read_at, n.created_at
    )
    SELECT c.recipient_user_id, min(c.partnership_id::text)::uuid, u.email, u.display_name, count(*)::int,
      coalesce(array_agg(c.title ORDER BY c.created_at) FILTER (WHERE c.read_at IS NULL), '{}'),
      coalesce(array_agg(c.href ORDER BY c.created_at) FILTER (WHERE c.read_at IS NULL), '{}')
    FROM claimed c JOIN users u ON u.id = c.recipient_user_id AND u.active
    GROUP BY c.recipient_user_id, u.email, u.display_name
  $$;

REVOKE ALL ON FUNCTION notification_add(uuid[], text, text, text, text, uuid, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION notification_digest_claim(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION notification_add(uuid[], text, text, text, text, uuid, boolean) TO endeavour_app;

-- The job runner (src/platform/jobs): one row per named job, read and written under the job's
-- advisory lock, so several app processes run each job once per interval or day between them.
-- The app role has no access.
CREATE TABLE job_runs (
  name text PRIMARY KEY,
  last_slot timestamptz,
  last_started_at timestamptz,
  last_finished_at timestamptz,
  last_outcome text CHECK (last_outcome IN ('ok', 'failed')),
  last_error text,
  runs bigint NOT NULL DEFAULT 0
);

SELECT endeavour_adopt_definer_functions();
