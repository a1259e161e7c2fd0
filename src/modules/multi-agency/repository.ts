// Queries for one problem reported to several agencies. Finding links happens in the database's
// definer function (it must see every organisation's incidents); what comes back to the app is
// counts, and for the incident page each linked incident in full only when the viewer may see it.
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';

export interface LinkResult {
  links_added: number;
  links_removed: number;
  problem_size: number;
}

export async function linkIncident(tx: Tx, incidentId: string): Promise<LinkResult | null> {
  const r =
    await sql<LinkResult>`SELECT links_added, links_removed, problem_size FROM multi_agency_link_incident(${incidentId}::uuid)`.execute(
      tx,
    );
  return r.rows[0] ?? null;
}

export interface Sibling {
  /** Null when the viewer may not see the incident: then only the agency is known. */
  incident_id: string | null;
  reference: string | null;
  agency: string;
  held_by: string | null;
  occurred_from: Date | null;
  directly_linked: boolean;
  basis: 'person' | 'place' | 'person_and_place' | null;
}

export async function siblings(tx: Tx, incidentId: string): Promise<Sibling[]> {
  const r = await sql<Sibling>`
    SELECT incident_id, reference, agency, held_by, occurred_from, directly_linked, basis
    FROM incident_problem_siblings(${incidentId}::uuid)`.execute(tx);
  return r.rows;
}
