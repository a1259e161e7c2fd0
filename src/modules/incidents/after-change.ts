// What must happen, in the same transaction, whenever an incident is recorded or changes (its
// place, dates or the people on it): the checks that flag repeats, Case Review thresholds and the
// same problem reported to several agencies. One place, so that every path that records or changes
// an incident runs every check; each capability adds its own call here.
import type { Tx } from '../../platform/db/with-user.ts';
import type { Actor } from '../../platform/http/context.ts';
import { linkAfterIncidentChange } from '../multi-agency/service.ts';
import { evaluateAfterIncidentChange } from '../repeats/service.ts';
import { checkThreshold as checkCaseReviewThreshold } from '../case-reviews/service.ts';
import { refreshReviewItem } from '../review/service.ts';

export async function afterIncidentChange(tx: Tx, actor: Actor, incidentId: string): Promise<void> {
  // Checks are added by the capabilities that own them (repeats, case reviews, multi-agency links).
  // Links first: repeat counts count one problem reported to several agencies once.
  await linkAfterIncidentChange(tx, actor, incidentId);
  await evaluateAfterIncidentChange(tx, actor, incidentId);
  // After the links too: a problem reported to several agencies is one complaint towards a Case Review.
  await checkCaseReviewThreshold(tx, actor, incidentId);
  // Last: the daily review queue's priority reads the flags, alerts and links the checks above set.
  await refreshReviewItem(tx, incidentId);
}
