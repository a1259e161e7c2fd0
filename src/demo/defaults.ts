// What every new partnership starts with: the default ASB types, case types and letter templates.
// Each capability owns its own list; this only calls them in order.
import type { Transaction } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import { seedAsbTypes } from '../modules/incidents/defaults.ts';
import { seedCaseTypes } from '../modules/cases/defaults.ts';
import { seedLetterTemplates } from '../modules/documents/defaults.ts';

export async function seedPartnershipDefaults(tx: Transaction<DB>, partnershipId: string) {
  await seedAsbTypes(tx, partnershipId);
  await seedCaseTypes(tx, partnershipId);
  await seedLetterTemplates(tx, partnershipId);
}
