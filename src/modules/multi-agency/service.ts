// One problem reported to more than one agency: incidents from different organisations about the
// same victim (or reporting party) or the same place, close together in time, are linked as one
// problem when recorded. Analysis counts each problem once through the incident_problem_keys view
// (count(DISTINCT problem_id)); the incident page says where else the problem was reported.
import type { Tx } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import * as repo from './repository.ts';

export const LINK_RECORD = 'incident_link';

export type { Sibling } from './repository.ts';

/**
 * Run in the transaction that recorded or changed the incident, before the repeat counts (which
 * count a linked problem once). Audited when links were found or dropped.
 */
export async function linkAfterIncidentChange(tx: Tx, actor: Actor, incidentId: string) {
  const r = await repo.linkIncident(tx, incidentId);
  if (r && (r.links_added || r.links_removed)) {
    await auditBy(tx, actor, r.links_added ? 'create' : 'update', LINK_RECORD, incidentId, {
      links_added: r.links_added,
      links_removed: r.links_removed,
      incidents_in_problem: r.problem_size,
    });
  }
  return r;
}

export interface AlsoReported {
  /** Linked incidents the viewer may open. */
  visible: repo.Sibling[];
  /** The others, by agency only: "also reported to <agency>". */
  hidden: { agency: string; count: number }[];
}

/** Where else the incident's problem was reported, for the incident page. */
export async function alsoReported(tx: Tx, incidentId: string): Promise<AlsoReported> {
  const all = await repo.siblings(tx, incidentId);
  const hidden = new Map<string, number>();
  for (const s of all) if (!s.incident_id) hidden.set(s.agency, (hidden.get(s.agency) ?? 0) + 1);
  return {
    visible: all.filter((s) => s.incident_id),
    hidden: [...hidden]
      .map(([agency, count]) => ({ agency, count }))
      .sort((a, b) => a.agency.localeCompare(b.agency)),
  };
}
