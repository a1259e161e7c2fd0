// The defaults a new partnership starts with for cases (being built).
import type { Tx } from '../../platform/db/with-user.ts';

export async function seedCaseTypes(_tx: Tx, _partnershipId: string): Promise<void> {}
