// The ASB types a new partnership starts with: the usual NSIR-style list, each with the category
// (qualifier) it is most often recorded under. The partnership renames, reorders or retires them on
// /admin/asb-types; an incident still records its own category, so "noise" aimed at one neighbour
// can be personal even though noise is usually nuisance.
import type { Tx } from '../../platform/db/with-user.ts';
import type { AsbCategory } from '../../platform/db/schema.ts';

export const DEFAULT_ASB_TYPES: { name: string; category: AsbCategory }[] = [
  { name: 'Rowdy or inconsiderate behaviour', category: 'nuisance' },
  { name: 'Rowdy or nuisance neighbours', category: 'personal' },
  { name: 'Noise', category: 'nuisance' },
  { name: 'Vehicle nuisance or inappropriate use', category: 'nuisance' },
  { name: 'Abandoned vehicle', category: 'environmental' },
  { name: 'Littering or drug paraphernalia', category: 'environmental' },
  { name: 'Animal problems', category: 'nuisance' },
  { name: 'Trespass', category: 'nuisance' },
  { name: 'Malicious or nuisance communications', category: 'personal' },
  { name: 'Street drinking', category: 'nuisance' },
  { name: 'Prostitution-related activity', category: 'nuisance' },
  { name: 'Begging or vagrancy', category: 'nuisance' },
  { name: 'Fireworks', category: 'nuisance' },
  { name: 'Criminal damage or graffiti', category: 'environmental' },
  { name: 'Fly-tipping', category: 'environmental' },
];

/** Idempotent: a type the partnership already has (by name) is left as it is. */
export async function seedAsbTypes(tx: Tx, partnershipId: string): Promise<void> {
  await tx
    .insertInto('asb_types')
    .values(DEFAULT_ASB_TYPES.map((t, i) => ({ partnership_id: partnershipId, name: t.name, category: t.category, sort: (i + 1) * 10 })))
    .onConflict((oc) => oc.columns(['partnership_id', 'name']).doNothing())
    .execute();
}
