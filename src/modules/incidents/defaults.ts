// The defaults a new partnership starts with for incidents (being built).
import type { Tx } from '../../platform/db/with-user.ts';

export async function seedAsbTypes(_tx: Tx, _partnershipId: string): Promise<void> {}
