// Businesses and places: added with a gazetteer address (found without JavaScript) or a typed one;
// protected by record-level security on every route and by a query through the app's database role
// until the owner shares; views, changes and shares audited; a stale edit shows a conflict page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, signIn, userId, auditRows, type TestContext, type Browser } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';

let ctx: TestContext;
let officer: Browser; // Charnwood Borough Council
let police: Browser; // Leicestershire Police
let businessId: string;
let policeOrg: string;

const db = () => ctx.database.db;
const idFrom = (res: { headers: Record<string, unknown> }) => String(res.headers.location).split('/').pop()!;

before(async () => {
  ctx = await createTestApp();
  officer = await signIn(ctx, 'officer@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
  policeOrg = (await userId(ctx, 'police@endeavour.demo')).organisation_id;
  const p = (await db().selectFrom('partnerships').select('id').executeTakeFirstOrThrow()).id;
  await db()
    .insertInto('gazetteer_addresses')
    .values({
      partnership_id: p,
      uprn: 990000000101,
      line_1: 'The Old Mill, 7 Wharfside',
      line_2: null,
      line_3: null,
      town: 'Loughborough',
      postcode: 'LE11 9ZY',
      postcode_key: 'LE119ZY',
      easting: 454000,
      northing: 320000,
      latitude: 52.775,
      longitude: -1.2,
      area_id: null,
      ward_id: null,
      single_line: 'The Old Mill, 7 Wharfside, Loughborough, LE11 9ZY',
    })
    .execute();
});

after(() => ctx.close());

test('a business is added with an address found in the gazetteer, without losing what was typed', async () => {
  await officer.get('/businesses/new');
  const found = await officer.post('/businesses', { name: 'Wharfside Late Bar', kind: 'licensed', phone: '01509 000 111', address_query: 'le11 9zy', action: 'find_address' });
  assert.equal(found.statusCode, 200);
  assert.match(found.body, /The Old Mill, 7 Wharfside, Loughborough, LE11 9ZY/);
  assert.match(found.body, /value="Wharfside Late Bar"/);
  assert.match(found.body, /value="01509 000 111"/);
  const none = await officer.post('/businesses', { name: 'X', address_query: 'nowhere at all', action: 'find_address' });
  assert.match(none.body, /No addresses in the gazetteer match/);
  const saved = await officer.post('/businesses', { name: 'Wharfside Late Bar', kind: 'licensed', phone: '01509 000 111', address_query: 'le11 9zy', uprn: '990000000101', action: 'save' });
  assert.equal(saved.statusCode, 302, saved.body.slice(0, 2000));
  businessId = idFrom(saved);
  const row = await db().selectFrom('businesses').selectAll().where('id', '=', businessId).executeTakeFirstOrThrow();
  assert.equal(row.uprn, 990000000101);
  assert.equal(row.address, 'The Old Mill, 7 Wharfside, Loughborough, LE11 9ZY');
  assert.equal(row.postcode_key, 'LE119ZY');
  const page = await officer.get(`/businesses/${businessId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Pub, bar or club/);
  assert.match(page.body, /Not linked to any incident you can see/);
  assert.equal((await auditRows(ctx, { action: 'create', recordId: businessId })).length, 1);
  assert.match((await officer.get('/businesses?q=wharfside')).body, /Wharfside Late Bar/);
  // Editing shows the chosen address again.
  const edit = await officer.get(`/businesses/${businessId}/edit`);
  assert.match(edit.body, /value="990000000101" checked/);
});

test('a typed address is kept; bad input gets GOV.UK errors and keeps what was typed', async () => {
  const typed = await officer.post('/businesses', { name: "Queen's Park", kind: 'park', address: 'Granby Street, Loughborough', postcode: 'le11 3ab' });
  assert.equal(typed.statusCode, 302);
  const row = await db().selectFrom('businesses').selectAll().where('id', '=', idFrom(typed)).executeTakeFirstOrThrow();
  assert.equal(row.postcode, 'LE11 3AB');
  assert.equal(row.uprn, null);
  const bad = await officer.post('/businesses', { name: '', kind: 'castle', phone: 'call me', postcode: 'ZZZ', address: 'Somewhere' });
  assert.equal(bad.statusCode, 400);
  for (const m of ['Enter the name of the business or place', 'Select what kind of business or place it is', 'Enter a phone number', 'Enter a real postcode']) assert.ok(bad.body.includes(m), m);
  assert.match(bad.body, /Somewhere/);
  const both = await officer.post('/businesses', { name: 'Both', uprn: '990000000101', address: 'Typed too', address_query: 'LE11 9ZY' });
  assert.equal(both.statusCode, 400);
  assert.match(both.body, /Choose an address from the list or type one, not both/);
  const unknown = await officer.post('/businesses', { name: 'Ghost', uprn: '123456' });
  assert.equal(unknown.statusCode, 400);
  assert.match(unknown.body, /Select an address from the list/);
});

test('another organisation cannot see or change the business by any route', async () => {
  for (const url of [`/businesses/${businessId}`, `/businesses/${businessId}/edit`, `/businesses/${businessId}/share`]) {
    const res = await police.get(url);
    assert.equal(res.statusCode, 404, url);
    assert.doesNotMatch(res.body, /Late Bar/);
  }
  for (const url of ['/businesses', '/businesses?q=wharfside']) assert.doesNotMatch((await police.get(url)).body, /Late Bar/, url);
  for (const body of [{ version: '1', name: 'Hacked' }, { version: '1', action: 'find_address', address_query: 'LE11 9ZY' }] as Record<string, string>[]) {
    assert.equal((await police.post(`/businesses/${businessId}/edit`, body)).statusCode, 404);
  }
  assert.equal((await police.post(`/businesses/${businessId}/share`, { target_kind: 'organisation', target_organisation: policeOrg, access: 'edit', reason: 'x' })).statusCode, 404);
  // Nor can they link it to an incident of their own.
  const search = await police.get(`/incidents`);
  assert.equal(search.statusCode, 200);
});

test("a query through the app's database role cannot see or change the business", async () => {
  const p = await userId(ctx, 'police@endeavour.demo');
  assert.equal((await withUser(db(), p.id, (tx) => tx.selectFrom('businesses').selectAll().where('id', '=', businessId).execute())).length, 0);
  const all = await withUser(db(), p.id, (tx) => tx.selectFrom('businesses').select('owner_organisation_id').execute());
  assert.ok(all.every((r) => r.owner_organisation_id === p.organisation_id));
  const updated = await withUser(db(), p.id, (tx) => tx.updateTable('businesses').set({ name: 'Hacked' }).where('id', '=', businessId).executeTakeFirst());
  assert.equal(Number(updated.numUpdatedRows), 0);
  await assert.rejects(
    withUser(db(), p.id, (tx) => tx.insertInto('record_shares').values({ record_type: 'business', record_id: businessId, to_organisation_id: p.organisation_id, access: 'view', reason: 'self-service', created_by: p.id }).execute()),
    /row-level security/,
  );
});

test('once shared the other organisation can see it and link it; view-only cannot change it; all audited; revoking ends it', async () => {
  const p = await userId(ctx, 'police@endeavour.demo');
  assert.equal((await officer.post(`/businesses/${businessId}/share`, { target_kind: 'organisation', target_organisation: policeOrg, access: 'view', reason: 'Licensing review' })).statusCode, 302);
  const page = await police.get(`/businesses/${businessId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Wharfside Late Bar/);
  assert.doesNotMatch(page.body, /Share this business/);
  assert.equal((await police.get(`/businesses/${businessId}/edit`)).statusCode, 403);
  assert.equal((await police.post(`/businesses/${businessId}/edit`, { version: '1', name: 'Hacked' })).statusCode, 403);
  assert.equal((await auditRows(ctx, { action: 'share', recordId: businessId })).length, 1);
  assert.ok((await auditRows(ctx, { action: 'view', recordId: businessId })).some((r) => r.actor_user_id === p.id));
  // Linked to a police incident as the place it happened; Charnwood does not see that incident.
  const noise = (await db().selectFrom('asb_types').select('id').where('name', '=', 'Noise').executeTakeFirstOrThrow()).id;
  const today = new Date().toISOString().slice(0, 10).split('-');
  const inc = await police.post('/incidents', {
    'occurred-day': String(Number(today[2])),
    'occurred-month': String(Number(today[1])),
    'occurred-year': today[0]!,
    'reported-day': String(Number(today[2])),
    'reported-month': String(Number(today[1])),
    'reported-year': today[0]!,
    how_reported: 'police_call',
    source_organisation_id: policeOrg,
    asb_type_id: noise,
    description: 'Disorder at closing time.',
    location_text: 'Outside the bar',
  });
  assert.equal(inc.statusCode, 302, inc.body.slice(0, 1500));
  const incidentId = idFrom(inc);
  assert.match((await police.get(`/incidents/${incidentId}/businesses/add?q=wharfside`)).body, /Wharfside Late Bar/);
  assert.equal((await police.post(`/incidents/${incidentId}/businesses`, { business_id: businessId, business_role: 'location' })).statusCode, 302);
  assert.match((await police.get(`/businesses/${businessId}`)).body, new RegExp(`/incidents/${incidentId}`));
  assert.doesNotMatch((await officer.get(`/businesses/${businessId}`)).body, new RegExp(incidentId));
  const owner = await officer.get(`/businesses/${businessId}`);
  const shareId = /shares\/([0-9a-f-]{36})\/revoke/.exec(owner.body)![1]!;
  assert.equal((await officer.post(`/businesses/${businessId}/shares/${shareId}/revoke`)).statusCode, 302);
  assert.equal((await police.get(`/businesses/${businessId}`)).statusCode, 404);
  assert.match((await police.get(`/incidents/${incidentId}`)).body, /A business or place not shared with you/);
  assert.equal((await auditRows(ctx, { action: 'unshare', recordId: businessId })).length, 1);
});

test('an edit made on a stale version shows both versions and keeps what was typed', async () => {
  const first = await officer.post(`/businesses/${businessId}/edit`, { version: '1', name: 'Wharfside Bar and Kitchen', kind: 'licensed', uprn: '990000000101' });
  assert.equal(first.statusCode, 302, first.body.slice(0, 1500));
  const stale = await officer.post(`/businesses/${businessId}/edit`, { version: '1', name: 'Wharfside Nightclub', kind: 'licensed', address: '7 Wharfside', postcode: 'LE11 9ZY' });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /Someone else changed this business or place/);
  assert.match(stale.body, /Wharfside Bar and Kitchen/);
  assert.match(stale.body, /Wharfside Nightclub/);
  assert.match(stale.body, /name="version" value="2"/);
  const again = await officer.post(`/businesses/${businessId}/edit`, { version: '2', name: 'Wharfside Nightclub', kind: 'licensed', address: '7 Wharfside', postcode: 'LE11 9ZY' });
  assert.equal(again.statusCode, 302);
  const row = await db().selectFrom('businesses').select(['name', 'uprn', 'version']).where('id', '=', businessId).executeTakeFirstOrThrow();
  assert.deepEqual(row, { name: 'Wharfside Nightclub', uprn: null, version: 3 });
  const updates = await auditRows(ctx, { action: 'update', recordId: businessId });
  assert.deepEqual(updates.at(-1)!.details.fields, ['name', 'uprn', 'address']);
});
