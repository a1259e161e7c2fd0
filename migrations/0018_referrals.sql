-- Referrals between agencies: partnership-configurable referral types, each with a short form held
-- as data; a referral carries the form's answers, consent (or the lawful basis for sharing without
-- it) and exactly the records the sender chose to share (one view share per record, to the
-- receiving organisation). Lifecycle: sent -> accepted | declined (reason) -> completed (outcome);
-- the sender may withdraw while it is sent.

-- Referral types -----------------------------------------------------------------------------------

-- `fields` is the short form: a JSON array of {key, label, kind (text|textarea|yesno|choice|date),
-- required, options[], hint}. A referral copies it when sent, so editing a type never changes what an
-- earlier referral asked. The receiving organisation is fixed, or chosen when sending from a list.
CREATE TABLE referral_types (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  name text NOT NULL CHECK (length(trim(name)) > 0),
  description text,
  to_organisation_id uuid REFERENCES organisations(id),
  allowed_organisation_ids uuid[] NOT NULL DEFAULT '{}',
  fields jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(fields) = 'array'),
  active boolean NOT NULL DEFAULT true,
  sort integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  CHECK (to_organisation_id IS NOT NULL OR cardinality(allowed_organisation_ids) > 0)
);
CREATE UNIQUE INDEX referral_types_name ON referral_types (partnership_id, lower(name));

-- Configuration of the partnership: everyone in it reads the types; only its administrators change them.
ALTER TABLE referral_types ENABLE ROW LEVEL SECURITY;
ALTER TABLE referral_types FORCE ROW LEVEL SECURITY;
CREATE POLICY referral_types_select ON referral_types FOR SELECT TO endeavour_app
  USING (partnership_id = (SELECT app_partnership_id()));
CREATE POLICY referral_types_insert ON referral_types FOR INSERT TO endeavour_app
  WITH CHECK (partnership_id = (SELECT app_partnership_id()) AND (SELECT app_user_has_role(ARRAY['partnership_admin'])));
CREATE POLICY referral_types_update ON referral_types FOR UPDATE TO endeavour_app
  USING (partnership_id = (SELECT app_partnership_id()) AND (SELECT app_user_has_role(ARRAY['partnership_admin'])))
  WITH CHECK (partnership_id = (SELECT app_partnership_id()) AND (SELECT app_user_has_role(ARRAY['partnership_admin'])));
-- No DELETE: a type is deactivated, and referrals keep pointing at it.
GRANT SELECT, INSERT, UPDATE ON referral_types TO endeavour_app;

-- Referrals ----------------------------------------------------------------------------------------

CREATE SEQUENCE referral_reference_seq;
GRANT USAGE ON SEQUENCE referral_reference_seq TO endeavour_app;

CREATE TABLE referrals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  reference text NOT NULL DEFAULT ('REF-' || lpad(nextval('referral_reference_seq')::text, 6, '0')) UNIQUE,
  partnership_id uuid NOT NULL REFERENCES partnerships(id),
  referral_type_id uuid NOT NULL REFERENCES referral_types(id),
  type_name text NOT NULL,
  -- The type's form as it was when sent, and the answers keyed by field key.
  form jsonb NOT NULL CHECK (jsonb_typeof(form) = 'array'),
  answers jsonb NOT NULL CHECK (jsonb_typeof(answers) = 'object'),
  -- The sending organisation.
  owner_organisation_id uuid NOT NULL REFERENCES organisations(id),
  to_organisation_id uuid NOT NULL REFERENCES organisations(id),
  -- The page the referral was made from (the records shared are in referral_records).
  subject_type text NOT NULL CHECK (subject_type IN ('person', 'incident', 'case')),
  subject_id uuid NOT NULL,
  consent text NOT NULL CHECK (consent IN ('given', 'refused', 'not_asked')),
  lawful_basis text CHECK (lawful_basis IN ('public_task', 'crime_disorder_s115', 'vital_interests', 'safeguarding')),
  lawful_basis_reason text,
  status text NOT NULL DEFAULT 'sent' CHECK (status IN ('sent', 'accepted', 'declined', 'completed', 'withdrawn')),
  sent_by uuid NOT NULL REFERENCES users(id),
  sent_at timestamptz NOT NULL DEFAULT now(),
  accepted_by uuid REFERENCES users(id),
  accepted_at timestamptz,
  declined_by uuid REFERENCES users(id),
  declined_at timestamptz,
  decline_reason text,
  completed_by uuid REFERENCES users(id),
  completed_at timestamptz,
  outcome text,
  withdrawn_by uuid REFERENCES users(id),
  withdrawn_at timestamptz,
  withdraw_reason text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  CHECK (owner_organisation_id <> to_organisation_id),
  CHECK (consent = 'given' OR (lawful_basis IS NOT NULL AND length(trim(coalesce(lawful_basis_reason, ''))) > 0)),
  CHECK ((status = 'accepted' OR status = 'completed') = (accepted_at IS NOT NULL AND accepted_by IS NOT NULL)),
  CHECK ((status = 'declined') = (declined_at IS NOT NULL AND length(trim(coalesce(decline_reason, ''))) > 0)),
  CHECK ((status = 'completed') = (completed_at IS NOT NULL AND length(trim(coalesce(outcome, ''))) > 0)),
  CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL))
);
CREATE INDEX referrals_received ON referrals (to_organisation_id, status, sent_at DESC);
CREATE INDEX referrals_sent ON referrals (owner_organisation_id, sent_at DESC);
CREATE INDEX referrals_partnership_sent ON referrals (partnership_id, sent_at);
CREATE INDEX referrals_subject ON referrals (subject_type, subject_id);

-- What an insert may set and which step each side may take afterwards. Only the app role is policed:
-- the table owner (migrations, the demo seed, test fixtures) is trusted.
CREATE FUNCTION referrals_guard() RETURNS trigger
  LANGUAGE plpgsql SET search_path = public
  AS $$
  DECLARE
    t referral_types%ROWTYPE;
  BEGIN
    IF current_user <> 'endeavour_app' THEN
      RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
      SELECT * INTO t FROM referral_types WHERE id = NEW.referral_type_id;
      IF NOT FOUND OR NOT t.active OR t.partnership_id <> NEW.partnership_id THEN
        RAISE EXCEPTION 'no such active referral type' USING ERRCODE = 'foreign_key_violation';
      END IF;
      IF NOT (NEW.to_organisation_id = t.to_organisation_id
          OR (t.to_organisation_id IS NULL AND NEW.to_organisation_id = ANY (t.allowed_organisation_ids))) THEN
        RAISE EXCEPTION 'this referral type does not go to that organisation' USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.status <> 'sent' OR NEW.accepted_at IS NOT NULL OR NEW.declined_at IS NOT NULL
          OR NEW.completed_at IS NOT NULL OR NEW.withdrawn_at IS NOT NULL THEN
        RAISE EXCEPTION 'a referral starts as sent' USING ERRCODE = 'check_violation';
      END IF;
      NEW.sent_at := now();
      RETURN NEW;
    END IF;
    IF (NEW.reference, NEW.partnership_id, NEW.referral_type_id, NEW.type_name, NEW.form, NEW.answers,
        NEW.owner_organisation_id, NEW.to_organisation_id, NEW.subject_type, NEW.subject_id, NEW.consent,
        NEW.lawful_basis, NEW.lawful_basis_reason, NEW.sent_by, NEW.sent_at)
      IS DISTINCT FROM (OLD.reference, OLD.partnership_id, OLD.referral_type_id, OLD.type_name, OLD.form, OLD.answers,
        OLD.owner_organisation_id, OLD.to_organisation_id, OLD.subject_type, OLD.subject_id, OLD.consent,
        OLD.lawful_basis, OLD.lawful_basis_reason, OLD.sent_by, OLD.sent_at) THEN
      RAISE EXCEPTION 'a sent referral cannot be rewritten' USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status = 'sent' AND NEW.status IN ('accepted', 'declined') THEN
      IF NEW.to_organisation_id IS DISTINCT FROM app_org_id()
          OR coalesce(NEW.accepted_by, NEW.declined_by) IS DISTINCT FROM app_user_id() THEN
        RAISE EXCEPTION 'only the receiving organisation accepts or declines a referral' USING ERRCODE = 'insufficient_privilege';
      END IF;
    ELSIF OLD.status = 'accepted' AND NEW.status = 'completed' THEN
      IF NEW.to_organisation_id IS DISTINCT FROM app_org_id() OR NEW.completed_by IS DISTINCT FROM app_user_id()
          OR NEW.accepted_at IS DISTINCT FROM OLD.accepted_at OR NEW.accepted_by IS DISTINCT FROM OLD.accepted_by THEN
        RAISE EXCEPTION 'only the receiving organisation completes a referral' USING ERRCODE = 'insufficient_privilege';
      END IF;
    ELSIF OLD.status = 'sent' AND NEW.status = 'withdrawn' THEN
      IF NEW.owner_organisation_id IS DISTINCT FROM app_org_id() OR NEW.withdrawn_by IS DISTINCT FROM app_user_id() THEN
        RAISE EXCEPTION 'only the sending organisation withdraws a referral' USING ERRCODE = 'insufficient_privilege';
      END IF;
    ELSE
      RAISE EXCEPTION 'a referral cannot go from % to %', OLD.status, NEW.status USING ERRCODE = 'check_violation';
    END IF;
    NEW.updated_at := now();
    NEW.version := OLD.version + 1;
    RETURN NEW;
  END $$;
CREATE TRIGGER referrals_guard BEFORE INSERT OR UPDATE ON referrals
  FOR EACH ROW EXECUTE FUNCTION referrals_guard();

-- A referral is visible to the sending and the receiving organisation only.
ALTER TABLE referrals ENABLE ROW LEVEL SECURITY;
ALTER TABLE referrals FORCE ROW LEVEL SECURITY;
CREATE POLICY referrals_select ON referrals FOR SELECT TO endeavour_app USING (
  owner_organisation_id = (SELECT app_org_id()) OR to_organisation_id = (SELECT app_org_id())
);
CREATE POLICY referrals_insert ON referrals FOR INSERT TO endeavour_app WITH CHECK (
  sent_by = (SELECT app_user_id()) AND owner_organisation_id = (SELECT app_org_id())
  AND partnership_id = (SELECT app_partnership_id())
  AND EXISTS (SELECT 1 FROM organisations o WHERE o.id = to_organisation_id AND o.partnership_id = (SELECT app_partnership_id()) AND o.active)
);
CREATE POLICY referrals_update ON referrals FOR UPDATE TO endeavour_app
  USING (owner_organisation_id = (SELECT app_org_id()) OR to_organisation_id = (SELECT app_org_id()))
  WITH CHECK (owner_organisation_id = (SELECT app_org_id()) OR to_organisation_id = (SELECT app_org_id()));
-- No DELETE: referrals and their history are kept.
GRANT SELECT, INSERT, UPDATE ON referrals TO endeavour_app;

-- The records a referral carries, each with the share made for it (to the receiving organisation).
CREATE TABLE referral_records (
  referral_id uuid NOT NULL REFERENCES referrals(id),
  record_type text NOT NULL CHECK (record_type IN ('person', 'incident', 'case')),
  record_id uuid NOT NULL,
  share_id uuid NOT NULL REFERENCES record_shares(id),
  PRIMARY KEY (referral_id, record_type, record_id)
);
CREATE INDEX referral_records_share ON referral_records (share_id);

ALTER TABLE referral_records ENABLE ROW LEVEL SECURITY;
ALTER TABLE referral_records FORCE ROW LEVEL SECURITY;
CREATE POLICY referral_records_select ON referral_records FOR SELECT TO endeavour_app
  USING (EXISTS (SELECT 1 FROM referrals r WHERE r.id = referral_id));
-- Only the sender adds records, only while the referral is sent, and only with a live share of that
-- very record to the receiving organisation.
CREATE POLICY referral_records_insert ON referral_records FOR INSERT TO endeavour_app WITH CHECK (
  EXISTS (SELECT 1 FROM referrals r JOIN record_shares s ON s.id = share_id
    WHERE r.id = referral_id AND r.owner_organisation_id = (SELECT app_org_id()) AND r.status = 'sent'
      AND s.record_type = referral_records.record_type AND s.record_id = referral_records.record_id
      AND s.to_organisation_id = r.to_organisation_id AND s.revoked_at IS NULL)
);
GRANT SELECT, INSERT ON referral_records TO endeavour_app;

-- Declining or withdrawing a referral stops the shares made for it: the receiver never had the records
-- but for the referral. (Shares made otherwise are untouched; an accepted or completed referral keeps
-- its shares, which the sender can stop from each record's page.) SECURITY DEFINER because the
-- receiver who declines does not own the records and so cannot revoke their shares itself.
CREATE FUNCTION referrals_revoke_shares() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    UPDATE record_shares s SET revoked_at = now(), revoked_by = coalesce(app_user_id(), NEW.declined_by, NEW.withdrawn_by)
    WHERE s.id IN (SELECT rr.share_id FROM referral_records rr WHERE rr.referral_id = NEW.id) AND s.revoked_at IS NULL;
    RETURN NULL;
  END $$;
CREATE TRIGGER referrals_revoke_shares AFTER UPDATE OF status ON referrals
  FOR EACH ROW WHEN (NEW.status IN ('declined', 'withdrawn') AND OLD.status = 'sent')
  EXECUTE FUNCTION referrals_revoke_shares();
CREATE POLICY definer_revoke ON record_shares FOR UPDATE TO endeavour_definer USING (true) WITH CHECK (true);
GRANT UPDATE (revoked_at, revoked_by) ON record_shares TO endeavour_definer;

SELECT endeavour_adopt_definer_functions();
