-- The daily review queue at a partnership's scale. 0016 let a user see a waiting item exactly when they
-- can see its incident by looking the incident up, row by row, under the incident's own policy: with
-- thousands of items waiting across a partnership, counting the queue or finding its top hundred ran
-- that subquery for every item (about 200 ms of database time per page at 2,000,000 incidents). The
-- same rule, on the item's own columns: the incident's organisation (copied when the item is queued;
-- an incident never changes hands) or a live view share of the incident (incidents_select, 0003).
DROP POLICY review_items_via_incident ON review_items;
CREATE POLICY review_items_select ON review_items FOR SELECT TO endeavour_app USING (
  owner_organisation_id = (SELECT app_org_id()) OR incident_id IN (SELECT app_shared_ids('incident', 'view')));
-- An organisation's own waiting items, most pressing first.
CREATE INDEX review_items_owner ON review_items (owner_organisation_id, priority DESC, reported_at DESC);
