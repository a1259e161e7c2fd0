// British National Grid (EPSG:27700) ↔ WGS84 (EPSG:4326) with proj4, using the OSGB36 datum shift
// (accurate to a few metres, plenty for locating ASB incidents).
import proj4 from 'proj4';

const BNG =
  '+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy ' +
  '+towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs';
const WGS84 = 'EPSG:4326';

export function gridToLatLon(easting: number, northing: number): { latitude: number; longitude: number } {
  const [longitude, latitude] = proj4(BNG, WGS84, [easting, northing]) as [number, number];
  return { latitude, longitude };
}

export function latLonToGrid(latitude: number, longitude: number): { easting: number; northing: number } {
  const [easting, northing] = proj4(WGS84, BNG, [longitude, latitude]) as [number, number];
  return { easting, northing };
}

/** Within Great Britain's grid extent: guards imports against swapped or garbage columns. */
export function isGridReference(easting: number, northing: number) {
  return Number.isFinite(easting) && Number.isFinite(northing) && easting >= 0 && easting <= 700000 && northing >= 0 && northing <= 1300000;
}
