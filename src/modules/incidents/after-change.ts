// What must happen, in the same transaction, whenever an incident is recorded or changes (its
// place, dates or the people on it): the checks that flag repeats, Case Review thresholds and the
// same problem reported to several agencies. One place, so that every path that records or changes
// an incident runs every check; each capability adds its own call here.
import type { Tx } from '../../platform/db/with-user.ts';
import type { Actor } from '../../platform/http/context.ts';

export async function afterIncidentChange(_tx: Tx, _actor: Actor, _incidentId: string): Promise<void> {
  // Checks are added by the capabilities that own them (repeats, case reviews, multi-agency links).
}
