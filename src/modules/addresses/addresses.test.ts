// The gazetteer: importing an LLPG/AddressBase extract (idempotent, both coordinate systems, bad rows
// reported), deriving district and ward from loaded boundaries, the lookup service other modules use,
// the address pages (incidents at an address through row-level security), the demo reference data
// and the command line.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { createTestApp, signIn, userId, auditRows, type TestContext, type Browser } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { createShare } from '../../platform/access/shares.ts';
import { openDatabase } from '../../platform/db/connect.ts';
import { importGazetteer, mapHeader, GazetteerFormatError } from './gazetteer-import.ts';
import { importBoundaries, BoundaryFormatError } from './boundaries-import.ts';
import { addressByUprn, areaForPoint, findAddresses } from './service.ts';
import { loadDemoBoundaries, loadDemoGazetteer } from './demo.ts';

let ctx: TestContext;
let officer: Browser; // Charnwood Borough Council
let police: Browser; // Leicestershire Police
let pid: string; // a partnership of the test's own, so the demo's reference data does not interfere
let districtId: string;
let wardId: string;
let otherDistrictId: string;

// Squares (lon/lat) around Loughborough: the district, a ward inside it, and a district next door.
const square = (minLon: number, minLat: number, maxLon: number, maxLat: number) => ({
  type: 'Polygon',
  coordinates: [[[minLon, minLat], [maxLon, minLat], [maxLon, maxLat], [minLon, maxLat], [minLon, minLat]]],
});
const BOUNDARIES = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { CODE: 'E07999901', NAME: 'Test district' }, geometry: square(-1.3, 52.7, -1.1, 52.85) },
    { type: 'Feature', properties: { CODE: 'E05999901', NAME: 'Test ward' }, geometry: square(-1.22, 52.76, -1.18, 52.79) },
    { type: 'Feature', properties: { CODE: 'E07999902', NAME: 'Next district' }, geometry: { type: 'MultiPolygon', coordinates: [square(-1.1, 52.7, -0.9, 52.85).coordinates] } },
    { type: 'Feature', properties: { CODE: 'E07000000', NAME: 'Not ours' }, geometry: square(0, 51, 0.1, 51.1) },
  ],
};


function load(csv: string, partnershipId = pid) {
  return ctx.database.db.transaction().execute((tx) => importGazetteer(tx, partnershipId, csv));
}

before(async () => {
  ctx = await createTestApp();
  officer = await signIn(ctx, 'officer@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
  const db = ctx.database.db;
  pid = (await db.insertInto('partnerships').values({ name: 'Test partnership', short_name: 'TEST', updated_at: new Date() }).returning('id').executeTakeFirstOrThrow()).id;
  districtId = (await db.insertInto('areas').values({ partnership_id: pid, kind: 'district', ons_code: 'E07999901', name: 'Test district' }).returning('id').executeTakeFirstOrThrow()).id;
  wardId = (await db.insertInto('areas').values({ partnership_id: pid, kind: 'ward', parent_id: districtId, ons_code: 'E05999901', name: 'Test ward' }).returning('id').executeTakeFirstOrThrow()).id;
  otherDistrictId = (await db.insertInto('areas').values({ partnership_id: pid, kind: 'district', ons_code: 'E07999902', name: 'Next district' }).returning('id').executeTakeFirstOrThrow()).id;
});

after(() => ctx.close());

describe('gazetteer import', () => {
  const GRID = [
    'UPRN,Line_1,LINE_2,line_3,Town,Postcode,Easting,Northing,Ignored',
    '100030000001,12 Meadow Close,,,Loughborough,le11 5xq,453600,319800,x',
    '100030000002,14 Meadow Close,,,Loughborough,LE115XQ,453620,319810,x',
    '100030000003,Flat 1,16 Meadow Close,,Loughborough,LE11 5XQ,453640,319820,x',
  ].join('\n');

  test('loads easting/northing rows, normalising postcodes and computing latitude and longitude', async () => {
    const r = await load(GRID);
    assert.deepEqual([r.rows, r.inserted, r.updated, r.unchanged, r.rejected], [3, 3, 0, 0, 0]);
    const a = await addressByUprn(ctx.database.db, pid, 100030000001);
    assert.ok(a);
    assert.equal(a.postcode, 'LE11 5XQ');
    assert.equal(a.singleLine, '12 Meadow Close, Loughborough, LE11 5XQ');
    assert.equal(a.easting, 453600);
    assert.ok(Math.abs(a.latitude! - 52.7707) < 0.01 && Math.abs(a.longitude! + 1.2015) < 0.01, `${a.latitude},${a.longitude}`);
    const flat = await addressByUprn(ctx.database.db, pid, 100030000003);
    assert.equal(flat?.singleLine, 'Flat 1, 16 Meadow Close, Loughborough, LE11 5XQ');
  });

  test('running the same file again changes nothing; a changed row is updated', async () => {
    const before = await ctx.database.db.selectFrom('gazetteer_addresses').select(['uprn', 'updated_at']).where('partnership_id', '=', pid).orderBy('uprn').execute();
    const again = await load(GRID);
    assert.deepEqual([again.inserted, again.updated, again.unchanged], [0, 0, 3]);
    const afterRows = await ctx.database.db.selectFrom('gazetteer_addresses').select(['uprn', 'updated_at']).where('partnership_id', '=', pid).orderBy('uprn').execute();
    assert.deepEqual(afterRows, before);
    const changed = await load(GRID.replace('12 Meadow Close', '12A Meadow Close'));
    assert.deepEqual([changed.inserted, changed.updated, changed.unchanged], [0, 1, 2]);
  });

  test('loads latitude/longitude rows and computes the grid reference', async () => {
    const r = await load('uprn,line_1,town,postcode,latitude,longitude\n100030000010,1 Station Road,Shepshed,LE12 9AA,52.7707,-1.2950\n');
    assert.equal(r.inserted, 1);
    const a = await addressByUprn(ctx.database.db, pid, 100030000010);
    assert.ok(a && a.easting && a.northing);
    // The OSGB36 transformation puts this point at about E 447,661 N 319,467.
    assert.ok(Math.abs(a.easting - 447661) < 5 && Math.abs(a.northing - 319467) < 5, `${a.easting},${a.northing}`);
  });

  test('bad rows are rejected with their line number and reason; an invalid postcode is imported without it', async () => {
    const csv = [
      'uprn,line_1,line_2,line_3,town,postcode,easting,northing',
      'ABC,1 Nowhere,,,Town,LE11 5XQ,453600,319800',
      ',2 Nowhere,,,Town,LE11 5XQ,453600,319800',
      '100030000020,,,,Town,LE11 5XQ,453600,319800',
      '100030000021,3 Sea View,,,Town,LE11 5XQ,-5,319800',
      '100030000022,4 Swapped,,,Town,LE11 5XQ,319800,1453600',
      '100030000023,5 Good Street,,,Loughborough,NOT A POSTCODE,453600,319800',
      '100030000023,5 Good Street again,,,Loughborough,LE11 5XQ,453600,319800',
      '1234567890123,6 Too Long,,,Town,LE11 5XQ,453600,319800',
      '100030000024,7 No Coordinates,,,Loughborough,LE11 5XQ,,',
    ].join('\n');
    const r = await load(csv);
    assert.equal(r.rows, 9);
    assert.equal(r.inserted, 2);
    assert.equal(r.rejected, 7);
    const reasons = new Map(r.rejects.map((x) => [x.line, x.reason]));
    assert.match(reasons.get(2)!, /UPRN "ABC" is not a whole number/);
    assert.match(reasons.get(3)!, /UPRN is empty/);
    assert.match(reasons.get(4)!, /line_1 is empty/);
    assert.match(reasons.get(5)!, /not a British National Grid reference/);
    assert.match(reasons.get(6)!, /not a British National Grid reference/);
    assert.match(reasons.get(8)!, /repeats line 7/);
    assert.match(reasons.get(9)!, /1 to 12 digits/);
    assert.equal(r.warningCount, 1);
    assert.equal(r.warnings[0]!.line, 7);
    assert.match(r.warnings[0]!.reason, /"NOT A POSTCODE" is not a valid UK postcode/);
    const good = await addressByUprn(ctx.database.db, pid, 100030000023);
    assert.equal(good?.postcode, null);
    const noPlace = await addressByUprn(ctx.database.db, pid, 100030000024);
    assert.equal(noPlace?.latitude, null);
    const outside = await load('uprn,line_1,latitude,longitude\n100030000030,1 Paris Road,48.85,2.35\n');
    assert.match(outside.rejects[0]!.reason, /not a point in Great Britain/);
  });

  test('a file without the required columns is refused as a whole', async () => {
    assert.throws(() => mapHeader(['uprn', 'town']), GazetteerFormatError);
    assert.throws(() => mapHeader(['uprn', 'line_1', 'easting']), /easting and northing columns, or latitude and longitude/);
    await assert.rejects(load(''), /The file is empty/);
    await assert.rejects(load('uprn,line_1,easting,northing\n"unterminated,1,2,3\n'), GazetteerFormatError);
  });
});

describe('areas from boundaries', () => {
  test('boundaries are matched to the partnership’s areas by ONS code and addresses get their district and ward', async () => {
    const r = await ctx.database.db.transaction().execute((tx) => importBoundaries(tx, pid, BOUNDARIES));
    assert.deepEqual(r.loaded.map((l) => l.code).sort(), ['E05999901', 'E07999901', 'E07999902']);
    assert.deepEqual(r.unmatched, ['E07000000']);
    // The Meadow Close addresses loaded earlier are re-derived.
    assert.ok(r.addressesUpdated >= 3);
    const a = await addressByUprn(ctx.database.db, pid, 100030000002);
    assert.equal(a?.areaId, districtId);
    assert.equal(a?.wardId, wardId);
    const shepshed = await addressByUprn(ctx.database.db, pid, 100030000010);
    assert.equal(shepshed?.areaId, districtId);
    assert.equal(shepshed?.wardId, null);
    const bbox = await ctx.database.db.selectFrom('area_boundaries').selectAll().where('area_id', '=', wardId).executeTakeFirstOrThrow();
    assert.deepEqual([bbox.min_lon, bbox.min_lat, bbox.max_lon, bbox.max_lat], [-1.22, 52.76, -1.18, 52.79]);
  });

  test('new imports derive areas as they load, and areaForPoint answers for any point', async () => {
    const r = await load('uprn,line_1,latitude,longitude\n100030000040,1 East Road,52.75,-1.0\n');
    assert.equal(r.areasDerived, true);
    assert.equal((await addressByUprn(ctx.database.db, pid, 100030000040))?.areaId, otherDistrictId);
    assert.deepEqual(await areaForPoint(ctx.database.db, pid, 52.77, -1.2), { areaId: districtId, wardId });
    assert.deepEqual(await areaForPoint(ctx.database.db, pid, 52.75, -1.0), { areaId: otherDistrictId, wardId: null });
    assert.deepEqual(await areaForPoint(ctx.database.db, pid, 51.5, -0.1), { areaId: null, wardId: null });
    assert.deepEqual(await areaForPoint(ctx.database.db, pid, Number.NaN, 0), { areaId: null, wardId: null });
  });

  test('boundary files it cannot use are refused clearly', async () => {
    const tryLoad = (json: unknown, code?: string) => ctx.database.db.transaction().execute((tx) => importBoundaries(tx, pid, json, { codeProperty: code }));
    await assert.rejects(tryLoad({ type: 'Topology' }), BoundaryFormatError);
    await assert.rejects(tryLoad({ type: 'FeatureCollection', features: [] }), /no features/);
    await assert.rejects(tryLoad(BOUNDARIES, 'LAD21CD'), /No feature has a "LAD21CD" property/);
    const bad = await tryLoad({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { CODE: 'E07999901' }, geometry: { type: 'Point', coordinates: [0, 0] } }] });
    assert.deepEqual(bad.invalid, ['E07999901']);
  });
});

describe('lookup service', () => {
  test('finds by postcode in any spacing or case, in house-number order', async () => {
    const found = await findAddresses(ctx.database.db, pid, { postcode: 'le115xq' });
    // 7 No Coordinates, 12A Meadow Close, 14 Meadow Close, then the flat (its first line has no number).
    assert.deepEqual(found.map((a) => a.uprn).slice(0, 3), [100030000024, 100030000001, 100030000002]);
    assert.ok(found.every((a) => a.postcode === 'LE11 5XQ'));
    assert.deepEqual(await findAddresses(ctx.database.db, pid, { postcode: 'nonsense' }), []);
  });

  test('finds by free text, by a postcode or UPRN typed as text, and tolerates a typo', async () => {
    assert.deepEqual((await findAddresses(ctx.database.db, pid, { text: '14 meadow close' }))[0]?.uprn, 100030000002);
    assert.deepEqual((await findAddresses(ctx.database.db, pid, { text: 'Station Road, Shepshed' })).map((a) => a.uprn), [100030000010]);
    assert.equal((await findAddresses(ctx.database.db, pid, { text: 'LE12 9AA' }))[0]?.uprn, 100030000010);
    assert.equal((await findAddresses(ctx.database.db, pid, { text: '100030000010' }))[0]?.uprn, 100030000010);
    assert.equal((await findAddresses(ctx.database.db, pid, { text: 'Staton Road Shepshed' }))[0]?.uprn, 100030000010);
    assert.deepEqual(await findAddresses(ctx.database.db, pid, { text: '' }), []);
  });

  test('never returns another partnership’s addresses', async () => {
    assert.equal(await addressByUprn(ctx.database.db, ctx.demo.partnershipId, 100030000001), null);
    // The demo partnership has demo addresses of its own at that postcode; none of the other's may appear.
    const found = await findAddresses(ctx.database.db, ctx.demo.partnershipId, { postcode: 'LE11 5XQ', text: 'meadow' });
    assert.ok(found.every((a) => String(a.uprn).startsWith('999')), JSON.stringify(found.map((a) => a.uprn)));
    assert.ok(!found.some((a) => String(a.uprn).startsWith('1000300000')));
  });
});

describe('the demo reference data', () => {
  test('the demo districts’ boundaries and 200 demo addresses load (again: the seed loaded them), each address in its district', async () => {
    const demo = ctx.demo.partnershipId;
    const b = await ctx.database.db.transaction().execute((tx) => loadDemoBoundaries(tx, demo));
    assert.equal(b.loaded.length, 9);
    const g = await ctx.database.db.transaction().execute((tx) => loadDemoGazetteer(tx, demo));
    assert.equal(g.rejected, 0);
    assert.equal(g.inserted + g.updated + g.unchanged, 200);
    const again = await ctx.database.db.transaction().execute((tx) => loadDemoGazetteer(tx, demo));
    assert.equal(again.unchanged, 200);
    const towns = await sql<{ town: string; district: string }>`
      SELECT DISTINCT g.town, a.name AS district FROM gazetteer_addresses g JOIN areas a ON a.id = g.area_id
      WHERE g.partnership_id = ${demo} AND g.town IN ('Loughborough', 'Hinckley', 'Oakham')`.execute(ctx.database.db);
    assert.deepEqual(towns.rows.map((r) => `${r.town}:${r.district}`).sort(), ['Hinckley:Hinckley and Bosworth', 'Loughborough:Charnwood', 'Oakham:Rutland']);
    const unplaced = await ctx.database.db.selectFrom('gazetteer_addresses').select('uprn').where('partnership_id', '=', demo).where('area_id', 'is', null).execute();
    assert.deepEqual(unplaced, []);
  });
});

describe('address pages', () => {
  let uprn: number;
  let incidentId: string;

  before(async () => {
    const demo = ctx.demo.partnershipId;
    const row = await ctx.database.db.selectFrom('gazetteer_addresses').select(['uprn', 'postcode']).where('partnership_id', '=', demo).where('town', '=', 'Loughborough').orderBy('uprn').executeTakeFirstOrThrow();
    uprn = row.uprn;
    const o = await userId(ctx, 'officer@endeavour.demo');
    const inc = await ctx.database.db
      .insertInto('incidents')
      .values({
        partnership_id: demo,
        owner_organisation_id: o.organisation_id,
        occurred_from: new Date('2025-05-01T21:00:00Z'),
        reported_at: new Date('2025-05-02T09:00:00Z'),
        how_reported: 'council_phone',
        category: 'nuisance',
        description: 'Loud music late at night',
        uprn,
        created_by: o.id,
        updated_at: new Date(),
      })
      .returning(['id', 'reference'])
      .executeTakeFirstOrThrow();
    incidentId = inc.id;
  });

  test('lookup by postcode and by text lists gazetteer addresses, and bad postcodes get a clear message', async () => {
    const byPostcode = await officer.get('/addresses?postcode=le11+5xq');
    assert.equal(byPostcode.statusCode, 200);
    assert.match(byPostcode.body, new RegExp(`href="/addresses/${uprn}"`));
    const byText = await officer.get('/addresses?q=meadow+close+loughborough');
    assert.equal(byText.statusCode, 200);
    assert.match(byText.body, /Meadow Close, Loughborough/);
    const bad = await officer.get('/addresses?postcode=XYZ');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /govuk-error-summary/);
    assert.match(bad.body, /Enter a real postcode/);
    const none = await officer.get('/addresses?q=zzzzzz+qqqq');
    assert.match(none.body, /data-qa="no-addresses"/);
    const list = await auditRows(ctx, { action: 'list' });
    const mine = list.filter((r) => r.record_type === 'address');
    assert.ok(mine.length >= 2);
    assert.ok(mine.every((r) => !JSON.stringify(r.details).toLowerCase().includes('meadow')));
  });

  test('an address page shows incidents there only to those who may see them, until shared', async () => {
    const own = await officer.get(`/addresses/${uprn}`);
    assert.equal(own.statusCode, 200);
    assert.match(own.body, new RegExp(`/incidents/${incidentId}`));
    const other = await police.get(`/addresses/${uprn}`);
    assert.equal(other.statusCode, 200, 'the address itself is reference data');
    assert.doesNotMatch(other.body, new RegExp(incidentId));
    assert.match(other.body, /data-qa="no-incidents"/);
    const o = await userId(ctx, 'officer@endeavour.demo');
    const p = await userId(ctx, 'police@endeavour.demo');
    const officerActor = { partnershipId: ctx.demo.partnershipId, userId: o.id, organisationId: o.organisation_id, ip: '127.0.0.1' };
    await withUser(ctx.database.db, o.id, (tx) =>
      createShare(tx, officerActor, { recordType: 'incident', recordId: incidentId, target: { kind: 'organisation', id: p.organisation_id }, access: 'view', reason: 'Joint problem-solving', expiresAt: null }),
    );
    const shared = await police.get(`/addresses/${uprn}`);
    assert.match(shared.body, new RegExp(`/incidents/${incidentId}`));
    const views = (await auditRows(ctx, { action: 'view', recordId: String(uprn) })).filter((r) => r.record_type === 'address');
    assert.ok(views.some((r) => r.actor_user_id === p.id && r.details.incidents === 0));
    assert.ok(views.some((r) => r.actor_user_id === p.id && r.details.incidents === 1));
  });

  test('unknown, malformed and other partnerships’ UPRNs are not found', async () => {
    for (const u of ['999', 'abc', '0', '1234567890123', '100030000001']) {
      const r = await officer.get(`/addresses/${u}`);
      assert.equal(r.statusCode, 404, u);
    }
  });
});

describe('the import commands', () => {
  const ROOT = path.resolve(import.meta.dirname, '../../..');
  const NODE = path.join(ROOT, 'node_modules', '.bin', 'node');
  const BIN = path.join(ROOT, 'bin', 'endeavour.js');
  let env: NodeJS.ProcessEnv;
  let cleanup: () => Promise<void>;
  let dir: string;

  const endeavour = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(NODE, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'endeavour-gaz-'));
    env = { ...process.env, NODE_ENV: 'test', DEMO_PASSWORD: `cli-${crypto.randomBytes(8).toString('hex')}` };
    for (const k of ['NODE_OPTIONS', 'NODE_TEST_CONTEXT', 'PORT', 'BASE_URL']) delete env[k];
    const server = process.env.DATABASE_URL;
    if (server) {
      const name = `endeavour_gaz_${crypto.randomBytes(6).toString('hex')}`;
      const admin = async (statement: string) => {
        const c = new pg.Client({ connectionString: server });
        await c.connect();
        await c.query(statement).finally(() => c.end());
      };
      await admin(`CREATE DATABASE ${name}`);
      const url = new URL(server);
      url.pathname = `/${name}`;
      env.DATABASE_URL = url.toString();
      delete env.DATA_DIR;
      cleanup = () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } else {
      env.DATA_DIR = path.join(dir, 'data');
      delete env.DATABASE_URL;
      cleanup = async () => undefined;
    }
  });

  after(async () => {
    await cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('import boundaries then import gazetteer, twice: the second run reports everything unchanged', async () => {
    const csv = path.join(dir, 'llpg.csv');
    fs.writeFileSync(csv, 'UPRN,LINE_1,LINE_2,LINE_3,TOWN,POSTCODE,EASTING,NORTHING\n100030000001,12 Meadow Close,,,Loughborough,LE11 5XQ,453600,319800\nBAD,1 Bad Row,,,Town,LE11 5XQ,1,1\n');
    const b = await endeavour(['--demo', 'import', 'boundaries', path.join(ROOT, 'data-reference', 'leicestershire-districts-2021.geojson'), '--code-property', 'AREACD']);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, /9 areas loaded from 9 features/);
    const first = await endeavour(['import', 'gazetteer', csv]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /inserted:\s+1\b/);
    assert.match(first.stdout, /rejected:\s+1\b/);
    assert.match(first.stdout, /line 3 \(UPRN BAD\): UPRN "BAD" is not a whole number/);
    const second = await endeavour(['import', 'gazetteer', csv]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /inserted:\s+0\b/);
    assert.match(second.stdout, /unchanged:\s+1\b/);
    const missing = await endeavour(['import', 'gazetteer', path.join(dir, 'nope.csv')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Cannot read the file/);
    fs.writeFileSync(csv, 'name,street\nx,y\n');
    const wrong = await endeavour(['import', 'gazetteer', csv]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /header row has no uprn or line_1 column/);
    assert.doesNotMatch(wrong.stderr, /^\s+at /m);
    const database = await openDatabase(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL, poolSize: 1 } : { dataDir: env.DATA_DIR });
    try {
      const row = await database.db.selectFrom('gazetteer_addresses as g').innerJoin('areas as a', 'a.id', 'g.area_id').select(['g.postcode', 'a.name']).executeTakeFirstOrThrow();
      assert.deepEqual(row, { postcode: 'LE11 5XQ', name: 'Charnwood' });
      const audited = await database.db.selectFrom('audit_log').select('details').where('record_type', '=', 'gazetteer').execute();
      assert.equal(audited.length, 2);
    } finally {
      await database.close();
    }
  });
});
