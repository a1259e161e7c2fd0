// The hotspot map, on either engine: the page's tables (the non-map alternative) and the map's data
// count exactly the incidents each organisation may see; hexagon counts match an independent H3
// count; repeat locations come from the repeats module's flags; filters are checked as the report
// builder checks them; boundaries, tiles and the audit trail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { latLngToCell } from 'h3-js';
import { sql } from 'kysely';
import { createTestApp, signIn, auditRows, type Browser, type TestContext } from '../../test/harness.ts';
import { countBy, PLACES, seedReportFixture, type Fixture } from '../report-builder/test-fixtures.ts';
import type { MapData } from './service.ts';

let ctx: TestContext;
let fx: Fixture;
let officer: Browser;
let police: Browser;

before(async () => {
  ctx = await createTestApp();
  fx = await seedReportFixture(ctx);
  officer = await signIn(ctx, 'officer@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
});
after(() => ctx.close());

const data = async (b: Browser, qs = '') => {
  const res = await b.get(`/api/maps/incidents${qs}`);
  assert.equal(res.statusCode, 200, res.body);
  return JSON.parse(res.body) as MapData;
};
const cellsOf = (html: string, qa: string) => {
  const table = html.split(`data-qa="${qa}"`)[1]!.split('</table>')[0]!;
  return [...table.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)]
    .map((m) => [...m[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()))
    .filter((r) => r.length && !r.includes('Incidents'));
};

test('the page counts the incidents each organisation may see, with places and areas in tables', async () => {
  for (const [b, org] of [
    [officer, fx.orgs.charnwood],
    [police, fx.orgs.police],
  ] as const) {
    const res = await b.get('/maps');
    assert.equal(res.statusCode, 200);
    const visible = fx.visibleTo(org);
    const mapped = visible.filter((x) => x.latitude !== null);
    assert.match(res.body, new RegExp(`data-qa="map-summary">${visible.length} incidents you can see, ${mapped.length} with a place on the map`));
    // Places by address: every fixture incident has a postcode and a described place.
    const places = cellsOf(res.body, 'places-table');
    const expected = countBy(visible, (x) => PLACES[x.place]!.text);
    assert.deepEqual(new Map(places.map((r) => [r[0]!.replace(' Repeat location', ''), Number(r[2])])), expected);
    const districts = cellsOf(res.body, 'districts-table');
    const byDistrict = countBy(visible, (x) => fx.districts.find((d) => d.id === x.areaId)!.name);
    assert.deepEqual(new Map(districts.map((r) => [r[0]!, Number(r[1])])), byDistrict);
  }
});

test("the map's points are exactly the viewer's mapped incidents; density counts match an independent H3 count", async () => {
  for (const [b, org] of [
    [officer, fx.orgs.charnwood],
    [police, fx.orgs.police],
  ] as const) {
    const d = await data(b);
    const mapped = fx.visibleTo(org).filter((x) => x.latitude !== null);
    assert.equal(d.mapped, mapped.length);
    assert.deepEqual(new Set(d.points!.map((p) => p.id)), new Set(mapped.map((x) => x.id)));
    assert.equal(d.approximate, false);
    for (const res of ['7', '8']) {
      const expected = countBy(mapped, (x) => latLngToCell(x.latitude!, x.longitude!, Number(res)));
      assert.deepEqual(new Map(d.hexagons[res]!.map((h) => [h.cell, h.count])), expected, `resolution ${res}`);
      for (const h of d.hexagons[res]!) assert.ok(h.boundary.length >= 6, 'each hexagon has its outline');
    }
  }
  // Nothing another organisation holds, unless shared, ever reaches the police's map.
  const policeIds = new Set((await data(police)).points!.map((p) => p.id));
  assert.ok(fx.incidents.filter((x) => x.owner !== fx.orgs.police).every((x) => !policeIds.has(x.id)));
  assert.ok((await data(officer)).points!.some((p) => p.id === fx.sharedId), 'the shared police incident is on Charnwood’s map');
});

test('the map takes the report builder’s filters and refuses bad ones', async () => {
  const area = fx.districts[2]!;
  const d = await data(officer, `?area=${area.id}&category=nuisance&flag=hate`);
  const expected = fx.visibleTo(fx.orgs.charnwood).filter((x) => x.areaId === area.id && x.category === 'nuisance' && x.hate);
  assert.equal(d.total, expected.length);
  const bad = await officer.get('/api/maps/incidents?from-day=40&from-month=1&from-year=2025');
  assert.equal(bad.statusCode, 400);
  assert.match(String(bad.headers['content-type']), /^application\/problem\+json/);
  assert.match(JSON.parse(bad.body).detail, /The from date must be a real date/);
  const page = await officer.get('/maps?area=not-an-area&from-day=40&from-month=1&from-year=2025');
  assert.equal(page.statusCode, 400);
  assert.match(page.body, /govuk-error-summary/);
  assert.match(page.body, /Select area from the list/);
  assert.match(page.body, /name="from-day"[^>]*value="40"/);
  assert.doesNotMatch(page.body, /data-qa="map-section"/);
});

test('repeat locations come from the repeats flags and are marked in the table and on the map', async () => {
  const at = fx.visibleTo(fx.orgs.charnwood).filter((x) => x.place === 3);
  const key = (await sql<{ place_key: string }>`SELECT place_key FROM incidents WHERE id = ${at[0]!.id}`.execute(ctx.database.db)).rows[0]!.place_key;
  assert.ok(key, 'the fixture places have a place key');
  const flag = await ctx.database.db
    .insertInto('repeat_flags' as never)
    .values({
      partnership_id: ctx.demo.partnershipId,
      kind: 'location',
      subject_key: key,
      first_qualified_at: new Date('2025-03-01T00:00:00Z'),
      last_incident_at: new Date('2025-06-01T00:00:00Z'),
      expires_at: new Date(Date.now() + 86_400_000 * 30),
      incident_count: at.length,
      threshold: 3,
      window_months: 12,
    } as never)
    .returning('id' as never)
    .executeTakeFirstOrThrow();
  const flagId = (flag as { id: string }).id;
  await sql`INSERT INTO repeat_flag_incidents (flag_id, incident_id) SELECT ${flagId}::uuid, unnest(${at.map((x) => x.id)}::uuid[])`.execute(ctx.database.db);
  const d = await data(officer);
  assert.equal(d.repeats.length, 1);
  assert.equal(d.repeats[0]!.n, at.length);
  assert.equal(d.repeats[0]!.label, PLACES[3]!.text);
  assert.ok(d.points!.filter((p) => p.repeat).every((p) => at.some((x) => x.id === p.id)));
  const page = await officer.get('/maps');
  assert.match(page.body, new RegExp(`${PLACES[3]!.text} <strong class="govuk-tag govuk-tag--red">Repeat location</strong>`));
  // A filter that leaves out that place leaves out its marker too.
  const elsewhere = await data(officer, `?area=${fx.districts.find((x) => !at.some((i) => i.areaId === x.id))?.id ?? fx.districts[0]!.id}`);
  assert.ok(elsewhere.repeats.every((r) => r.n <= at.length));
});

test('boundaries: the partnership’s districts, and only the reference wards and LSOAs inside them', async () => {
  const districts = JSON.parse((await officer.get('/maps/boundaries/districts.geojson')).body);
  assert.equal(districts.features.length, 9);
  assert.ok(districts.features.every((f: { properties: { code: string; name: string } }) => /^E0[67]\d{6}$/.test(f.properties.code) && f.properties.name));
  const wards = JSON.parse((await officer.get('/maps/boundaries/wards.geojson')).body);
  assert.equal(wards.features.length, 171);
  const lsoa = JSON.parse((await officer.get('/maps/boundaries/lsoa.geojson')).body);
  assert.equal(lsoa.features.length, 611);
  // A partnership without these districts gets none of the reference features.
  await ctx.database.db.updateTable('areas').set({ ons_code: sql<string>`'X' || ons_code` }).where('partnership_id', '=', ctx.demo.partnershipId).where('kind', '=', 'unitary').execute();
  const fewer = JSON.parse((await officer.get('/maps/boundaries/lsoa.geojson')).body);
  assert.equal(fewer.features.length, 611 - 192 - 23, 'Leicester and Rutland LSOAs drop out with their districts');
  await ctx.database.db.updateTable('areas').set({ ons_code: sql<string>`substr(ons_code, 2)` }).where('partnership_id', '=', ctx.demo.partnershipId).where('kind', '=', 'unitary').execute();
  assert.equal((await officer.get('/maps/boundaries/parishes.geojson')).statusCode, 404);
  assert.equal((await officer.get('/maps/boundaries/wards')).statusCode, 404);
});

test('without a tile server nothing outside Endeavour is loaded; with one, only its origin is allowed', async () => {
  const plain = await officer.get('/maps');
  assert.doesNotMatch(plain.body, /data-tiles=/);
  assert.match(String(plain.headers['content-security-policy']), /img-src 'self' data:;/);
  const tiled = await createTestApp({ map: { tileUrl: 'https://tiles.example.org/{z}/{x}/{y}.png', tileAttribution: '© Example contributors' } });
  try {
    const b = await signIn(tiled, 'officer@endeavour.demo');
    const res = await b.get('/maps');
    assert.match(res.body, /data-tiles="https:\/\/tiles.example.org\/\{z\}\/\{x\}\/\{y\}.png"/);
    assert.match(String(res.headers['content-security-policy']), /img-src 'self' data: https:\/\/tiles.example.org;/);
    // Other pages keep the strict policy.
    assert.match(String((await b.get('/reports')).headers['content-security-policy']), /img-src 'self' data:;/);
  } finally {
    await tiled.close();
  }
});

test('the map page and its data are audited as lists of incidents', async () => {
  const before = (await auditRows(ctx, { action: 'list' })).length;
  await police.get('/maps?category=personal');
  await data(police, '?category=personal');
  const rows = (await auditRows(ctx, { action: 'list' })).slice(before).filter((r) => r.record_type === 'incident');
  assert.deepEqual(
    rows.map((r) => [r.details.purpose, r.details.filters]),
    [
      ['map', ['category']],
      ['map_data', ['category']],
    ],
  );
  assert.ok(rows.every((r) => r.actor_user_id === fx.users.police));
});
