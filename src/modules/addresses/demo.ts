// The demo partnership's reference geography: its districts' boundaries and a small gazetteer of
// invented addresses at real postcodes (data-reference/README.md says where both come from).
// Called by the demo seed, as the migrator, inside its transaction.
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { importBoundaries } from './boundaries-import.ts';
import { importGazetteer } from './gazetteer-import.ts';

// Beside the repository's root, so that the same relative path works from src/ and from dist/.
export const REFERENCE_DIR = path.resolve(import.meta.dirname, '../../../data-reference');
export const DEMO_BOUNDARIES = path.join(REFERENCE_DIR, 'leicestershire-districts-2021.geojson');
export const DEMO_GAZETTEER = path.join(REFERENCE_DIR, 'demo-gazetteer.csv');

export async function loadDemoBoundaries(tx: Kysely<DB>, partnershipId: string) {
  const json: unknown = JSON.parse(fs.readFileSync(DEMO_BOUNDARIES, 'utf8'));
  return importBoundaries(tx, partnershipId, json, { codeProperty: 'AREACD' });
}

export async function loadDemoGazetteer(tx: Kysely<DB>, partnershipId: string) {
  return importGazetteer(tx, partnershipId, fs.readFileSync(DEMO_GAZETTEER, 'utf8'));
}
