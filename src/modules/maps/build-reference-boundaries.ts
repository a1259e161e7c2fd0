// Makes the map's ward and LSOA reference layers for Leicester, Leicestershire and Rutland from the
// generalised boundaries published by ONS (via martinjc/UK-GeoJSON, data-reference/README.md says
// more): one file per layer, each feature with its code, name and district (LADCD), simplified to
// about 50 m with coordinates to 4 decimal places (about 10 m), to keep the files small. Run once when
// the source changes:
//
//   node src/modules/maps/build-reference-boundaries.ts <folder with wards_2013_by_lad and lsoa_2011_by_lad>
import fs from 'node:fs';
import path from 'node:path';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { simplifyGeometry } from './simplify.ts';
import { REFERENCE_LAYERS } from './boundaries.ts';

const source = process.argv[2];
if (!source) {
  process.stderr.write('Usage: node src/modules/maps/build-reference-boundaries.ts <boundaries folder>\n');
  process.exit(2);
}
const TOLERANCE = 0.0005;
const PLACES = 4;

const layers = [
  { layer: REFERENCE_LAYERS.wards, folder: 'wards_2013_by_lad', code: 'WD13CD', name: 'WD13NM' },
  { layer: REFERENCE_LAYERS.lsoa, folder: 'lsoa_2011_by_lad', code: 'LSOA11CD', name: 'LSOA11NM' },
];

for (const l of layers) {
  const features: Feature<Polygon | MultiPolygon, { code: string; name: string; LADCD: string }>[] = [];
  for (const file of fs.readdirSync(path.join(source, l.folder)).filter((f) => f.endsWith('.geojson')).sort()) {
    const lad = path.basename(file, '.geojson');
    const fc = JSON.parse(fs.readFileSync(path.join(source, l.folder, file), 'utf8')) as FeatureCollection;
    for (const f of fc.features) {
      if (!f.geometry || (f.geometry.type !== 'Polygon' && f.geometry.type !== 'MultiPolygon')) continue;
      const props = f.properties ?? {};
      features.push({
        type: 'Feature',
        properties: { code: String(props[l.code]), name: String(props[l.name]), LADCD: lad },
        geometry: simplifyGeometry(f.geometry, TOLERANCE, PLACES),
      });
    }
  }
  const out: FeatureCollection = { type: 'FeatureCollection', features };
  fs.writeFileSync(l.layer.file, `${JSON.stringify(out)}\n`);
  process.stdout.write(`${path.basename(l.layer.file)}: ${features.length} features, ${Math.round(fs.statSync(l.layer.file).size / 1024)} KB\n`);
}
