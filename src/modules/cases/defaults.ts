// The case types a new partnership starts with. Partnership administrators rename, add and
// deactivate them at /admin/case-types; cases keep pointing at a deactivated type.
import type { Tx } from '../../platform/db/with-user.ts';

export const DEFAULT_CASE_TYPES = [
  'Anti-social behaviour',
  'Community protection',
  'Neighbour dispute',
  'Hate incident',
  'Problem location',
  'Safeguarding concern',
  'Environmental',
  'Youth anti-social behaviour',
] as const;

export async function seedCaseTypes(tx: Tx, partnershipId: string): Promise<void> {
  await tx
    .insertInto('case_types')
    .values(
      DEFAULT_CASE_TYPES.map((name, i) => ({ partnership_id: partnershipId, name, sort: (i + 1) * 10 })),
    )
    .onConflict((oc) => oc.columns(['partnership_id', 'name']).doNothing())
    .execute();
}
