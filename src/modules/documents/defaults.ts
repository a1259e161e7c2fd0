// The defaults a new partnership starts with for documents (being built).
import type { Tx } from '../../platform/db/with-user.ts';

export async function seedLetterTemplates(_tx: Tx, _partnershipId: string): Promise<void> {}
