// Vehicles: registrations normalised and never duplicated within what a user can see; protected by
// record-level security on every route and by a query through the app's database role until the
// owner shares; views, changes and shares audited; a stale edit shows a conflict page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, signIn, userId, auditRows, type TestContext, type Browser } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { displayVrm, vrmKey } from './vrm.ts';

let ctx: TestContext;
let officer: Browser; // Charnwood Borough Council
let police: Browser; // Leicestershire Police
let vehicleId: string;
let policeOrg: string;

const db = () => ctx.database.db;
const idFrom = (res: { headers: Record<string, unknown> }) => String(res.headers.location).split('/').pop()!;

before(async () => {
  ctx = await createTestApp();
  officer = await signIn(ctx, 'officer@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
  policeOrg = (await userId(ctx, 'police@endeavour.demo')).organisation_id;
  await officer.get('/vehicles/new');
  const res = await officer.post('/vehicles', { vrm: ' ab-12 cde ', make: 'Ford', model: 'Fiesta', colour: 'Red', notes: 'Seen doing doughnuts in the car park' });
  assert.equal(res.statusCode, 302);
  vehicleId = idFrom(res);
});

after(() => ctx.close());

test('registrations are matched without spaces or case and shown in the usual form', () => {
  assert.equal(vrmKey(' ab-12 cde '), 'AB12CDE');
  assert.equal(displayVrm('ab12cde'), 'AB12 CDE');
  assert.equal(displayVrm('h 123 abc'), 'H 123 ABC');
});

test('the owner sees the vehicle with the incidents it appears in', async () => {
  const page = await officer.get(`/vehicles/${vehicleId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /AB12 CDE/);
  assert.match(page.body, /Fiesta/);
  assert.match(page.body, /not in any incident you can see/);
  const noise = (await db().selectFrom('asb_types').select('id').where('name', '=', 'Noise').executeTakeFirstOrThrow()).id;
  const org = (await userId(ctx, 'officer@endeavour.demo')).organisation_id;
  const today = new Date().toISOString().slice(0, 10).split('-');
  const inc = await officer.post('/incidents', {
    'occurred-day': String(Number(today[2])),
    'occurred-month': String(Number(today[1])),
    'occurred-year': today[0]!,
    'reported-day': String(Number(today[2])),
    'reported-month': String(Number(today[1])),
    'reported-year': today[0]!,
    how_reported: 'council_phone',
    source_organisation_id: org,
    asb_type_id: noise,
    description: 'Revving engines in the car park at night.',
    location_text: 'Car park behind the leisure centre',
    vehicle_vrm: 'AB12CDE',
  });
  assert.equal(inc.statusCode, 302, inc.body.slice(0, 1500));
  const withIncident = await officer.get(`/vehicles/${vehicleId}`);
  assert.match(withIncident.body, new RegExp(`/incidents/${idFrom(inc)}`));
  assert.equal((await db().selectFrom('vehicles').select('id').where('vrm_key', '=', 'AB12CDE').execute()).length, 1, 'the incident reused the vehicle');
  const list = await officer.get('/vehicles?q=ab12');
  assert.match(list.body, /AB12 CDE/);
  assert.match((await officer.get('/vehicles?q=fiesta')).body, /AB12 CDE/);
});

test('bad input and a second record of the same registration get GOV.UK errors', async () => {
  const empty = await officer.post('/vehicles', { vrm: '', make: 'x'.repeat(41) });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /Enter the registration number \(VRM\)/);
  assert.match(empty.body, /Make must be 40 characters or fewer/);
  const odd = await officer.post('/vehicles', { vrm: '!!' });
  assert.match(odd.body, /Enter a registration number using letters and numbers/);
  const dup = await officer.post('/vehicles', { vrm: 'ab12cde', colour: 'Blue' });
  assert.equal(dup.statusCode, 400);
  assert.match(dup.body, /already recorded by Charnwood Borough Council/);
  assert.match(dup.body, new RegExp(`href="/vehicles/${vehicleId}"`));
  assert.match(dup.body, /value="Blue"/);
});

test('another organisation cannot see or change the vehicle by any route', async () => {
  for (const url of [`/vehicles/${vehicleId}`, `/vehicles/${vehicleId}/edit`, `/vehicles/${vehicleId}/share`]) {
    const res = await police.get(url);
    assert.equal(res.statusCode, 404, url);
    assert.doesNotMatch(res.body, /Fiesta|AB12 CDE/);
  }
  for (const url of ['/vehicles', '/vehicles?q=AB12', '/vehicles?q=fiesta']) assert.doesNotMatch((await police.get(url)).body, new RegExp(`${vehicleId}|Fiesta`), url);
  assert.equal((await police.post(`/vehicles/${vehicleId}/edit`, { version: '1', vrm: 'HACK 1' })).statusCode, 404);
  assert.equal((await police.post(`/vehicles/${vehicleId}/share`, { target_kind: 'organisation', target_organisation: policeOrg, access: 'edit', reason: 'x' })).statusCode, 404);
  assert.equal((await police.post(`/vehicles/${vehicleId}/shares/00000000-0000-4000-8000-000000000000/revoke`)).statusCode, 404);
  // The police may record the same registration for themselves: they cannot see Charnwood's.
  const own = await police.post('/vehicles', { vrm: 'AB12 CDE' });
  assert.equal(own.statusCode, 302);
});

test("a query through the app's database role cannot see or change the vehicle", async () => {
  const p = await userId(ctx, 'police@endeavour.demo');
  const rows = await withUser(db(), p.id, (tx) => tx.selectFrom('vehicles').selectAll().where('id', '=', vehicleId).execute());
  assert.equal(rows.length, 0);
  const all = await withUser(db(), p.id, (tx) => tx.selectFrom('vehicles').select('owner_organisation_id').execute());
  assert.ok(all.length > 0 && all.every((r) => r.owner_organisation_id === p.organisation_id));
  const updated = await withUser(db(), p.id, (tx) => tx.updateTable('vehicles').set({ make: 'Hacked' }).where('id', '=', vehicleId).executeTakeFirst());
  assert.equal(Number(updated.numUpdatedRows), 0);
  await assert.rejects(
    withUser(db(), p.id, (tx) => tx.insertInto('record_shares').values({ record_type: 'vehicle', record_id: vehicleId, to_organisation_id: p.organisation_id, access: 'view', reason: 'self-service', created_by: p.id }).execute()),
    /row-level security/,
  );
});

test('once shared the other organisation can see it but not the unshared incidents; view-only cannot change it; all audited; revoking ends it', async () => {
  const p = await userId(ctx, 'police@endeavour.demo');
  await officer.get(`/vehicles/${vehicleId}/share`);
  const bad = await officer.post(`/vehicles/${vehicleId}/share`, { target_kind: 'organisation', target_organisation: 'nope', access: 'view', reason: '' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Select the organisation to share with/);
  assert.match(bad.body, /Enter the reason for sharing/);
  assert.equal((await officer.post(`/vehicles/${vehicleId}/share`, { target_kind: 'organisation', target_organisation: p.organisation_id, access: 'view', reason: 'Joint operation under the ISA' })).statusCode, 302);
  const page = await police.get(`/vehicles/${vehicleId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Fiesta/);
  assert.match(page.body, /not in any incident you can see/);
  assert.match((await police.get('/vehicles?q=fiesta')).body, /Shared with you/);
  assert.equal((await police.get(`/vehicles/${vehicleId}/edit`)).statusCode, 403);
  assert.equal((await police.post(`/vehicles/${vehicleId}/edit`, { version: '1', vrm: 'HACK1' })).statusCode, 404);
  assert.equal((await db().selectFrom('vehicles').select('vrm').where('id', '=', vehicleId).executeTakeFirstOrThrow()).vrm, 'AB12 CDE');
  assert.equal((await auditRows(ctx, { action: 'share', recordId: vehicleId })).length, 1);
  assert.equal((await auditRows(ctx, { action: 'view', recordId: vehicleId })).filter((r) => r.actor_user_id === p.id).length, 1);
  const owner = await officer.get(`/vehicles/${vehicleId}`);
  const shareId = /shares\/([0-9a-f-]{36})\/revoke/.exec(owner.body)![1]!;
  assert.equal((await officer.post(`/vehicles/${vehicleId}/shares/${shareId}/revoke`)).statusCode, 302);
  assert.equal((await police.get(`/vehicles/${vehicleId}`)).statusCode, 404);
  assert.equal((await auditRows(ctx, { action: 'unshare', recordId: vehicleId })).length, 1);
});

test('an edit made on a stale version shows both versions and keeps what was typed; changes are audited by field', async () => {
  const edit = await officer.get(`/vehicles/${vehicleId}/edit`);
  assert.equal(edit.statusCode, 200);
  const first = await officer.post(`/vehicles/${vehicleId}/edit`, { version: '1', vrm: 'AB12 CDE', make: 'Ford', model: 'Focus', colour: 'Red', notes: '' });
  assert.equal(first.statusCode, 302);
  const stale = await officer.post(`/vehicles/${vehicleId}/edit`, { version: '1', vrm: 'AB12 CDE', make: 'Ford', model: 'Fiesta ST', colour: 'Maroon', notes: '' });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /Someone else changed this vehicle/);
  assert.match(stale.body, /Focus/);
  assert.match(stale.body, /Fiesta ST/);
  assert.match(stale.body, /name="version" value="2"/);
  const updates = await auditRows(ctx, { action: 'update', recordId: vehicleId });
  assert.deepEqual(updates.at(-1)!.details.fields, ['model', 'notes']);
  // Renaming to a registration already visible is refused.
  await officer.post('/vehicles', { vrm: 'XY99 ZZZ' });
  const clash = await officer.post(`/vehicles/${vehicleId}/edit`, { version: '2', vrm: 'xy99zzz' });
  assert.equal(clash.statusCode, 400);
  assert.match(clash.body, /already recorded/);
});
