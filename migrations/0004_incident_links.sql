-- An incident's links to people, vehicles and businesses. 0003 gave each link table one policy for
-- everything: visible and writable whenever the incident is visible. That let a view-only share add
-- or remove an incident's links, and let anyone link a person, vehicle or business they cannot see
-- (foreign keys ignore row-level security). Links stay visible with their incident; changing them now
-- needs the right to change the incident, and a new link must point at a record the linker can see.

-- Whether the acting user may change an incident: they can see it (the incidents policy applies, as
-- this runs as the caller) and their organisation owns it or an edit share reaches them.
CREATE FUNCTION app_can_edit_incident(p_id uuid) RETURNS boolean
  LANGUAGE sql STABLE SET search_path = public
  AS $$
    SELECT EXISTS (
      SELECT 1 FROM incidents i
      WHERE i.id = p_id
        AND (i.owner_organisation_id = (SELECT app_org_id()) OR i.id IN (SELECT app_shared_ids('incident', 'edit')))
    )
  $$;

DROP POLICY incident_people_via_parent ON incident_people;
CREATE POLICY incident_people_select ON incident_people FOR SELECT TO endeavour_app
  USING (EXISTS (SELECT 1 FROM incidents p WHERE p.id = incident_id));
CREATE POLICY incident_people_insert ON incident_people FOR INSERT TO endeavour_app
  WITH CHECK (app_can_edit_incident(incident_id) AND EXISTS (SELECT 1 FROM people x WHERE x.id = person_id));
CREATE POLICY incident_people_update ON incident_people FOR UPDATE TO endeavour_app
  USING (app_can_edit_incident(incident_id))
  WITH CHECK (app_can_edit_incident(incident_id) AND EXISTS (SELECT 1 FROM people x WHERE x.id = person_id));
CREATE POLICY incident_people_delete ON incident_people FOR DELETE TO endeavour_app
  USING (app_can_edit_incident(incident_id));

DROP POLICY incident_vehicles_via_parent ON incident_vehicles;
CREATE POLICY incident_vehicles_select ON incident_vehicles FOR SELECT TO endeavour_app
  USING (EXISTS (SELECT 1 FROM incidents p WHERE p.id = incident_id));
CREATE POLICY incident_vehicles_insert ON incident_vehicles FOR INSERT TO endeavour_app
  WITH CHECK (app_can_edit_incident(incident_id) AND EXISTS (SELECT 1 FROM vehicles x WHERE x.id = vehicle_id));
CREATE POLICY incident_vehicles_update ON incident_vehicles FOR UPDATE TO endeavour_app
  USING (app_can_edit_incident(incident_id))
  WITH CHECK (app_can_edit_incident(incident_id) AND EXISTS (SELECT 1 FROM vehicles x WHERE x.id = vehicle_id));
CREATE POLICY incident_vehicles_delete ON incident_vehicles FOR DELETE TO endeavour_app
  USING (app_can_edit_incident(incident_id));

DROP POLICY incident_businesses_via_parent ON incident_businesses;
CREATE POLICY incident_businesses_select ON incident_businesses FOR SELECT TO endeavour_app
  USING (EXISTS (SELECT 1 FROM incidents p WHERE p.id = incident_id));
CREATE POLICY incident_businesses_insert ON incident_businesses FOR INSERT TO endeavour_app
  WITH CHECK (app_can_edit_incident(incident_id) AND EXISTS (SELECT 1 FROM businesses x WHERE x.id = business_id));
CREATE POLICY incident_businesses_update ON incident_businesses FOR UPDATE TO endeavour_app
  USING (app_can_edit_incident(incident_id))
  WITH CHECK (app_can_edit_incident(incident_id) AND EXISTS (SELECT 1 FROM businesses x WHERE x.id = business_id));
CREATE POLICY incident_businesses_delete ON incident_businesses FOR DELETE TO endeavour_app
  USING (app_can_edit_incident(incident_id));

-- The incidents list shows the newest first by when they happened, within what the viewer may see.
CREATE INDEX incidents_owner_occurred ON incidents (owner_organisation_id, occurred_from DESC, id DESC);
