// The map's boundary layers. Districts are the partnership's own (area_boundaries, loaded with
// `endeavour import boundaries`), so any partnership's map has them. Wards and LSOAs are reference
// files shipped for Leicester, Leicestershire and Rutland (data-reference/README.md): a partnership
// gets the features that lie in its own districts, by ONS code, and none if it has none of them.
import fs from 'node:fs';
import path from 'node:path';
import type { Feature, FeatureCollection } from 'geojson';

const REFERENCE_DIR = path.resolve(import.meta.dirname, '../../../data-reference');

export const REFERENCE_LAYERS = {
  wards: { file: path.join(REFERENCE_DIR, 'llr-wards-2013.geojson'), label: 'Wards (2013)' },
  lsoa: { file: path.join(REFERENCE_DIR, 'llr-lsoa-2011.geojson'), label: 'Lower layer super output areas (2011)' },
} as const;
export type ReferenceLayer = keyof typeof REFERENCE_LAYERS;
export const LAYERS = ['districts', 'wards', 'lsoa'] as const;
export type Layer = (typeof LAYERS)[number];

const cache = new Map<ReferenceLayer, Feature[]>();

function load(layer: ReferenceLayer): Feature[] {
  let features = cache.get(layer);
  if (!features) {
    const file = REFERENCE_LAYERS[layer].file;
    features = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as FeatureCollection).features : [];
    cache.set(layer, features);
  }
  return features;
}

/** The layer's features inside the given districts (by the LADCD each feature carries). */
export function referenceFeatures(layer: ReferenceLayer, districtCodes: string[]): FeatureCollection {
  const codes = new Set(districtCodes.map((c) => c.toUpperCase()));
  return { type: 'FeatureCollection', features: load(layer).filter((f) => codes.has(String(f.properties?.LADCD ?? '').toUpperCase())) };
}
