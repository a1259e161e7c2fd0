import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePostcode, postcodeKey } from './postcode.ts';
import { gridToLatLon, latLonToGrid, isGridReference } from './grid.ts';

test('postcodes are validated and normalised', () => {
  assert.equal(parsePostcode(' le1 5ww ')?.display, 'LE1 5WW');
  assert.equal(postcodeKey('LE11  3AB'), 'LE113AB');
  assert.equal(parsePostcode('LE11 3AB')?.district, 'LE11');
  assert.equal(parsePostcode('LE11 3AB')?.sector, 'LE11 3');
  assert.equal(parsePostcode('not a postcode'), null);
  assert.equal(parsePostcode(''), null);
});

test('grid references convert to latitude and longitude and back', () => {
  // Leicester Clock Tower is at about E 458,820 N 304,540; 52.6363 N, 1.1336 W.
  const { latitude, longitude } = gridToLatLon(458820, 304540);
  assert.ok(Math.abs(latitude - 52.6363) < 0.002, String(latitude));
  assert.ok(Math.abs(longitude + 1.1336) < 0.002, String(longitude));
  const back = latLonToGrid(latitude, longitude);
  assert.ok(Math.abs(back.easting - 458820) < 1 && Math.abs(back.northing - 304540) < 1);
  assert.equal(isGridReference(458820, 304540), true);
  assert.equal(isGridReference(-5, 304540), false);
});
