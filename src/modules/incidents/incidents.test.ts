// Incidents: the one-page recording form (gazetteer lookup, people found or added, vehicles, all
// without JavaScript), validation and minimum standards, record-level security by every route and
// by a query through the app's database role, sharing, links, audit and the conflict page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, signIn, userId, auditRows, type TestContext, type Browser } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { incidentsForPerson } from './service.ts';
import { londonDate } from './london-time.ts';

let ctx: TestContext;
let officer: Browser; // Charnwood Borough Council
let manager: Browser; // Charnwood Borough Council too
let police: Browser; // Leicestershire Police
let admin: Browser;
const ids = {} as { charnwood: string; police: string; charnwoodArea: string; noise: string; flyTipping: string; perpetrator: string; incident: string; vehicle: string };

const db = () => ctx.database.db;
const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const hidden = (html: string, name: string) => [...html.matchAll(new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`, 'g'))].map((m) => decode(m[1]!));
const idFrom = (res: { headers: Record<string, unknown> }) => String(res.headers.location).split('/').pop()!;

const day = (offset: number) => {
  const [y, m, d] = londonDate(new Date(Date.now() + offset * 86_400_000)).split('-');
  return { day: String(Number(d)), month: String(Number(m)), year: y! };
};
const dateFields = (prefix: string, offset: number) => {
  const d = day(offset);
  return { [`${prefix}-day`]: d.day, [`${prefix}-month`]: d.month, [`${prefix}-year`]: d.year };
};

/** A complete, valid incident happening yesterday evening, described (not from the gazetteer). */
function form(extra: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    ...dateFields('occurred', -1),
    occurred_time: '21:30',
    ...dateFields('reported', 0),
    reported_time: '',
    how_reported: 'council_phone',
    source_organisation_id: ids.charnwood,
    asb_type_id: ids.noise,
    category: '',
    description: 'Loud music from the flat above until 3am, the fourth night this week.',
    location_text: 'Flats above the parade of shops, Nursery Lane',
    location_postcode: 'le11 9zz',
    consent_to_share: 'yes',
    consent_to_refer: 'not_asked',
    ...extra,
  };
}

before(async () => {
  ctx = await createTestApp();
  officer = await signIn(ctx, 'officer@endeavour.demo');
  manager = await signIn(ctx, 'manager@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
  admin = await signIn(ctx, 'admin@endeavour.demo');
  ids.charnwood = (await userId(ctx, 'officer@endeavour.demo')).organisation_id;
  ids.police = (await userId(ctx, 'police@endeavour.demo')).organisation_id;
  ids.charnwoodArea = (await db().selectFrom('areas').select('id').where('ons_code', '=', 'E07000130').executeTakeFirstOrThrow()).id;
  ids.noise = (await db().selectFrom('asb_types').select('id').where('name', '=', 'Noise').executeTakeFirstOrThrow()).id;
  ids.flyTipping = (await db().selectFrom('asb_types').select('id').where('name', '=', 'Fly-tipping').executeTakeFirstOrThrow()).id;
  // Two gazetteer addresses of our own, so the lookup does not depend on the demo's reference data.
  const p = (await db().selectFrom('partnerships').select('id').executeTakeFirstOrThrow()).id;
  await db()
    .insertInto('gazetteer_addresses')
    .values([1, 2].map((n) => ({
      partnership_id: p,
      uprn: 990000000000 + n,
      line_1: `${n} Quillfeather Row`,
      line_2: null,
      line_3: null,
      town: 'Loughborough',
      postcode: 'LE11 9ZZ',
      postcode_key: 'LE119ZZ',
      easting: 453900 + n,
      northing: 319500,
      latitude: 52.77 + n / 10000,
      longitude: -1.205,
      area_id: ids.charnwoodArea,
      ward_id: null,
      single_line: `${n} Quillfeather Row, Loughborough, LE11 9ZZ`,
    })))
    .execute();
  await officer.get('/people/new');
  const res = await officer.post('/people', { first_name: 'Ignatius', last_name: 'Vantablack', 'date_of_birth-day': '2', 'date_of_birth-month': '5', 'date_of_birth-year': '1988' });
  assert.equal(res.statusCode, 302);
  ids.perpetrator = idFrom(res);
});

after(() => ctx.close());

test('the form starts with sensible defaults for the officer and their organisation', async () => {
  const page = await officer.get('/incidents/new');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<option value="council_phone" selected>/);
  assert.match(page.body, new RegExp(`<option value="${ids.charnwood}" selected>`));
  assert.match(page.body, new RegExp(`name="occurred-year" type="text" value="${day(0).year}"`));
  assert.match(page.body, /name="reported_time" type="text" value="\d\d:\d\d"/);
  assert.match(page.body, /Fly-tipping \(usually environmental\)/);
  const policeForm = await police.get('/incidents/new');
  assert.match(policeForm.body, /<option value="police_call" selected>/);
  // Partner users, read-only users and analysts are not all writers.
  const board = await signIn(ctx, 'board@endeavour.demo');
  assert.equal((await board.get('/incidents/new')).statusCode, 403);
});

test('an incident is recorded with a new victim, a known perpetrator, a vehicle and a gazetteer address, keeping everything typed between steps', async () => {
  await officer.get('/incidents/new');
  const base = form({ location_text: '', location_postcode: '' });
  // 1. Find the address: the form comes back with the matches and what was typed.
  let page = await officer.post('/incidents', { ...base, address_query: 'le11 9zz', action: 'find_address' });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /1 Quillfeather Row, Loughborough, LE11 9ZZ/);
  assert.match(page.body, /Loud music from the flat above/);
  // 2. Find the perpetrator, already recorded.
  page = await officer.post('/incidents', { ...base, address_query: 'le11 9zz', uprn: '990000000002', person_query: 'vantablack', action: 'find_person' });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /VANTABLACK, Ignatius/);
  assert.match(page.body, /Born 2 May 1988/);
  assert.match(page.body, /value="990000000002" checked/);
  // 3. Add them as perpetrator.
  page = await officer.post('/incidents', { ...base, address_query: 'le11 9zz', uprn: '990000000002', person_query: 'vantablack', person_pick: ids.perpetrator, person_role: 'perpetrator', action: 'add_person' });
  assert.equal(page.statusCode, 200);
  let people = hidden(page.body, 'people_entry');
  assert.equal(people.length, 1);
  // 4. Add the victim as someone new.
  page = await officer.post('/incidents', {
    ...base,
    uprn: '990000000002',
    people_entry: people,
    new_first_name: 'Perpetua',
    new_last_name: 'Quillfeather',
    'new_dob-day': '14',
    'new_dob-month': '2',
    'new_dob-year': '1951',
    new_role: 'victim',
    action: 'add_new_person',
  });
  assert.equal(page.statusCode, 200);
  people = hidden(page.body, 'people_entry');
  assert.equal(people.length, 2);
  assert.match(page.body, /Perpetua Quillfeather/);
  assert.doesNotMatch(page.body, /name="new_first_name" type="text" value="Perpetua"/, 'the new-person fields are cleared once added');
  // 5. Add a vehicle, typed loosely.
  page = await officer.post('/incidents', { ...base, uprn: '990000000002', people_entry: people, vehicle_vrm: 'qx71 zzb', vehicle_colour: 'Silver', vehicle_make: 'Vauxhall', action: 'add_vehicle' });
  const vehicles = hidden(page.body, 'vehicle_entry');
  assert.equal(vehicles.length, 1);
  assert.match(page.body, /QX71 ZZB/);
  // 6. Save, with hate flagged and a strand.
  const saved = await officer.post('/incidents', { ...base, uprn: '990000000002', people_entry: people, vehicle_entry: vehicles, flags: ['hate', 'alcohol'], hate_strands: ['disability'] });
  assert.equal(saved.statusCode, 302, saved.body.slice(0, 3000));
  ids.incident = idFrom(saved);
  const show = await officer.get(`/incidents/${ids.incident}`);
  assert.equal(show.statusCode, 200);
  assert.match(show.body, /Incident INC-\d{7} has been recorded/);
  assert.match(show.body, /2 Quillfeather Row, Loughborough, LE11 9ZZ/);
  assert.match(show.body, new RegExp(`href="/people/${ids.perpetrator}">Ignatius Vantablack</a>`));
  assert.match(show.body, /Perpetua Quillfeather/);
  assert.match(show.body, /Perpetrator or suspect/);
  assert.match(show.body, /QX71 ZZB/);
  assert.match(show.body, /Hate incident/);
  assert.match(show.body, /Disability/);
  assert.match(show.body, /Charnwood/, 'the area comes from the gazetteer');
  assert.match(show.body, /Nuisance/, "the type's usual category is used when none is chosen");
  assert.match(show.body, new RegExp(`href="/cases/new\\?incident=${ids.incident}"`));
  assert.match(show.body, new RegExp(`href="/tasks/new\\?incident=${ids.incident}"`));
  const row = await db().selectFrom('incidents').selectAll().where('id', '=', ids.incident).executeTakeFirstOrThrow();
  assert.equal(row.uprn, 990000000002);
  assert.equal(row.postcode_key, 'LE119ZZ');
  assert.equal(row.area_id, ids.charnwoodArea);
  assert.equal(row.owner_organisation_id, ids.charnwood);
  assert.deepEqual(row.hate_strands, ['disability']);
  const victim = await db().selectFrom('people').select(['id', 'owner_organisation_id', 'date_of_birth']).where('last_name', '=', 'Quillfeather').executeTakeFirstOrThrow();
  assert.equal(victim.owner_organisation_id, ids.charnwood);
  assert.equal(victim.date_of_birth, '1951-02-14');
  const vehicle = await db().selectFrom('vehicles').selectAll().where('vrm_key', '=', 'QX71ZZB').executeTakeFirstOrThrow();
  assert.equal(vehicle.vrm, 'QX71 ZZB');
  assert.equal(vehicle.colour, 'Silver');
  ids.vehicle = vehicle.id;
  // Audited: the incident, the new person and the new vehicle.
  assert.equal((await auditRows(ctx, { action: 'create', recordId: ids.incident })).length, 1);
  assert.equal((await auditRows(ctx, { action: 'create', recordId: victim.id })).length, 1);
  assert.equal((await auditRows(ctx, { action: 'create', recordId: vehicle.id })).length, 1);
  // The person page's helper lists it with the role.
  const o = await userId(ctx, 'officer@endeavour.demo');
  const forPerson = await withUser(db(), o.id, (tx) => incidentsForPerson(tx, ids.perpetrator));
  assert.equal(forPerson.length, 1);
  assert.equal(forPerson[0]!.role, 'perpetrator');
  assert.equal(forPerson[0]!.type_name, 'Noise');
  assert.equal(forPerson[0]!.category, 'nuisance');
});

test('pressing Enter (save) with an address search typed but not run shows the matches instead of losing anything', async () => {
  const res = await officer.post('/incidents', form({ location_text: '', location_postcode: '', address_query: 'Quillfeather' }));
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /Select the address from the list, or describe the place/);
  assert.match(res.body, /1 Quillfeather Row/);
  assert.match(res.body, /Loud music from the flat above/);
});

test('a described place keeps its postcode and turns a grid reference into latitude and longitude; a reused vehicle is not duplicated', async () => {
  const res = await officer.post('/incidents', form({ location_easting: '454500', location_northing: '319600', vehicle_vrm: 'QX71-ZZB', asb_type_id: ids.flyTipping }));
  assert.equal(res.statusCode, 302, res.body.slice(0, 2000));
  const row = await db().selectFrom('incidents').selectAll().where('id', '=', idFrom(res)).executeTakeFirstOrThrow();
  assert.equal(row.uprn, null);
  assert.equal(row.location_text, 'Flats above the parade of shops, Nursery Lane');
  assert.equal(row.postcode, 'LE11 9ZZ');
  assert.equal(row.category, 'environmental');
  assert.ok(Math.abs(row.latitude! - 52.77) < 0.02 && Math.abs(row.longitude! + 1.2) < 0.02, `${row.latitude}, ${row.longitude}`);
  assert.equal(row.area_id, ids.charnwoodArea, 'the area comes from the gazetteer addresses at that postcode');
  assert.equal((await db().selectFrom('vehicles').select('id').where('vrm_key', '=', 'QX71ZZB').execute()).length, 1);
  const links = await db().selectFrom('incident_vehicles').select('vehicle_id').where('incident_id', '=', row.id).execute();
  assert.deepEqual(links.map((l) => l.vehicle_id), [ids.vehicle]);
  // Latitude and longitude work the other way round; a date with no time means "some time that day".
  const res2 = await officer.post('/incidents', form({ occurred_time: '', location_postcode: '', location_latitude: '52.7721', location_longitude: '-1.2062' }));
  assert.equal(res2.statusCode, 302, res2.body.slice(0, 2000));
  const row2 = await db().selectFrom('incidents').selectAll().where('id', '=', idFrom(res2)).executeTakeFirstOrThrow();
  assert.ok(row2.easting! > 450000 && row2.easting! < 460000 && row2.northing! > 315000 && row2.northing! < 325000);
  assert.ok(row2.occurred_to);
  const page = await officer.get(`/incidents/${row2.id}`);
  assert.match(page.body, /\(time not known\)/);
});

test('bad input shows GOV.UK errors beside each field and keeps what was typed', async () => {
  const res = await officer.post(
    '/incidents',
    form({
      description: '',
      occurred_time: '25:61',
      'until-day': '1',
      'until-month': '1',
      'until-year': '2001',
      until_time: '10:00',
      location_postcode: 'NOT A CODE',
      location_easting: '454500',
      police_log_number: 'log<>1',
      flags: 'hate',
      crime_number: 'CR/123/26',
    }),
  );
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /govuk-error-summary/);
  for (const message of [
    'Describe what happened',
    'Enter the time it happened as a time of day, like 14:30 or 2:30pm',
    'Enter a real postcode, like LE11 3AB',
    'Enter both the easting and the northing',
    'Police incident log number must only include letters, numbers',
    'Select the hate strand, or more than one',
  ]) assert.ok(res.body.includes(message), message);
  assert.match(res.body, /value="CR\/123\/26"/);
  assert.match(res.body, /value="NOT A CODE"/);
  // The summary lists the problems in the order of the page.
  const summary = res.body.slice(res.body.indexOf('govuk-error-summary'), res.body.indexOf('</ul>', res.body.indexOf('govuk-error-summary')));
  assert.ok(summary.indexOf('#occurred_time') < summary.indexOf('#description'));

  const range = await officer.post('/incidents', form({ 'until-day': day(-2).day, 'until-month': day(-2).month, 'until-year': day(-2).year, until_time: '10:00' }));
  assert.equal(range.statusCode, 400);
  assert.match(range.body, /The end of the period must be after the start/);
  const endless = await officer.post('/incidents', form({ ...dateFields('until', 1) }));
  assert.equal(endless.statusCode, 400);
  assert.match(endless.body, /The end of the period must be in the past/);
  assert.match(endless.body, /<details class="govuk-details" open>/, 'the period is shown open when it has an error');
  const future = await officer.post('/incidents', form(dateFields('occurred', 2)));
  assert.equal(future.statusCode, 400);
  assert.match(future.body, /The date and time it happened must be in the past/);
  const early = await officer.post('/incidents', form({ ...dateFields('occurred', 0), ...dateFields('reported', -3), reported_time: '09:00', occurred_time: '00:01' }));
  assert.equal(early.statusCode, 400);
  assert.match(early.body, /It must have been reported at the same time as or after it happened/);
  const nowhere = await officer.post('/incidents', form({ location_text: '', location_postcode: '' }));
  assert.equal(nowhere.statusCode, 400);
  assert.match(nowhere.body, /Find the address where it happened, or describe the place/);
  const both = await officer.post('/incidents', form({ uprn: '990000000001' }));
  assert.equal(both.statusCode, 400);
  assert.match(both.body, /Choose an address from the list or describe the place, not both/);
  const notAType = await officer.post('/incidents', form({ asb_type_id: '00000000-0000-4000-8000-000000000000', how_reported: 'carrier pigeon', source_organisation_id: 'x' }));
  assert.equal(notAType.statusCode, 400);
  assert.match(notAType.body, /Select the type of anti-social behaviour from the list/);
  assert.match(notAType.body, /Select how it was reported/);
  assert.match(notAType.body, /Select the organisation it was reported to/);
  const badPerson = await officer.post('/incidents', form({ new_first_name: 'Only', new_role: 'victim' }));
  assert.equal(badPerson.statusCode, 400);
  assert.match(badPerson.body, /Enter their last name/);
  assert.match(badPerson.body, /value="Only"/);
  const count = await db().selectFrom('incidents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  assert.equal(Number(count.n), 3, 'nothing invalid was saved');
});

test('minimum standards make optional fields mandatory on the incident form', async () => {
  assert.equal((await officer.get('/admin/required-fields')).statusCode, 403);
  const page = await admin.get('/admin/required-fields');
  assert.equal(page.statusCode, 200);
  const seen = hidden(page.body, 'seen')[0]!;
  const saved = await admin.post('/admin/required-fields', { seen, required_incident: ['crime_number', 'victim', 'consent_to_refer', 'location_point'], required_person: ['date_of_birth'] });
  assert.equal(saved.statusCode, 302);
  const res = await officer.post('/incidents', form({ new_first_name: 'Nodob', new_last_name: 'Person', new_role: 'witness' }));
  assert.equal(res.statusCode, 400);
  for (const message of ['Enter the crime number', 'Add at least one victim', 'Select whether they consented to being referred', 'Enter a grid reference or a latitude and longitude for the place', 'Enter date of birth'])
    assert.ok(res.body.includes(message), message);
  assert.match(res.body, /Crime number\s*<\/label>/, 'a mandatory field loses its "(optional)"');
  // A stale page is caught rather than silently overwriting the other administrator's choice.
  const stale = await admin.post('/admin/required-fields', { seen, required_incident: ['mo'] });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /Someone else changed the minimum standards/);
  const again = await admin.post('/admin/required-fields', { seen: hidden(stale.body, 'seen')[0]!, required_incident: [] });
  assert.equal(again.statusCode, 302);
  const bad = await admin.post('/admin/required-fields', { seen: 'x', required_incident: ['not_a_field'] });
  assert.equal(bad.statusCode, 400);
  const updates = (await auditRows(ctx, { action: 'admin_update' })).filter((r) => r.record_type === 'required_fields');
  assert.equal(updates.length, 4, 'one entry per form changed');
  assert.ok(updates.every((r) => !JSON.stringify(r.details).includes('Nodob')));
});

test('another organisation cannot see or change the incident, its links or its vehicle by any route', async () => {
  const id = ids.incident;
  const link = await db().selectFrom('incident_people').select('id').where('incident_id', '=', id).executeTakeFirstOrThrow();
  for (const url of [`/incidents/${id}`, `/incidents/${id}/edit`, `/incidents/${id}/share`, `/incidents/${id}/people/add`, `/incidents/${id}/vehicles/add`, `/incidents/${id}/businesses/add`, `/vehicles/${ids.vehicle}`, `/vehicles/${ids.vehicle}/edit`, `/vehicles/${ids.vehicle}/share`]) {
    const res = await police.get(url);
    assert.equal(res.statusCode, 404, url);
    assert.doesNotMatch(res.body, /Quillfeather|QX71/);
  }
  for (const url of ['/incidents', `/incidents?category=nuisance&area=${ids.charnwoodArea}&flag=hate`, '/vehicles?q=QX71', '/vehicles']) {
    const res = await police.get(url);
    assert.equal(res.statusCode, 200, url);
    assert.doesNotMatch(res.body, new RegExp(`${id}|${ids.vehicle}|Quillfeather|QX71 ZZB|Loud music`), url);
  }
  const posts: [string, Record<string, string | string[]>][] = [
    [`/incidents/${id}/edit`, { ...form(), version: '1', status: 'open' }],
    [`/incidents/${id}/edit`, { version: '1', action: 'find_address', address_query: 'LE11 9ZZ' }],
    [`/incidents/${id}/share`, { target_kind: 'organisation', target_organisation: ids.police, access: 'edit', reason: 'x' }],
    [`/incidents/${id}/people`, { person_pick: ids.perpetrator, person_role: 'witness' }],
    [`/incidents/${id}/people/new`, { new_first_name: 'A', new_last_name: 'B', new_role: 'other' }],
    [`/incidents/${id}/people/${link.id}/remove`, {}],
    [`/incidents/${id}/vehicles`, { vehicle_vrm: 'AB12CDE' }],
    [`/incidents/${id}/vehicles/${ids.vehicle}/remove`, {}],
    [`/incidents/${id}/businesses/${ids.vehicle}/remove`, { role: 'subject' }],
    [`/vehicles/${ids.vehicle}/edit`, { version: '1', vrm: 'HACKED1' }],
    [`/vehicles/${ids.vehicle}/share`, { target_kind: 'organisation', target_organisation: ids.police, access: 'view', reason: 'x' }],
  ];
  for (const [url, body] of posts) {
    const res = await police.post(url, body);
    assert.equal(res.statusCode, 404, url);
  }
  assert.equal((await db().selectFrom('incident_people').select('id').where('incident_id', '=', id).execute()).length, 2);
  assert.equal((await db().selectFrom('incidents').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version, 1);
  assert.equal((await db().selectFrom('people').select('id').where('first_name', '=', 'A').execute()).length, 0, 'no person was created for an incident the user cannot see');
});

test("a query through the app's database role cannot see or change another organisation's incidents, links or vehicles", async () => {
  const p = await userId(ctx, 'police@endeavour.demo');
  const asPolice = <T>(fn: Parameters<typeof withUser<T>>[2]) => withUser(db(), p.id, fn);
  assert.equal((await asPolice((tx) => tx.selectFrom('incidents').selectAll().where('id', '=', ids.incident).execute())).length, 0);
  // No WHERE at all: still nothing of Charnwood's.
  const incidents = await asPolice((tx) => tx.selectFrom('incidents').select('owner_organisation_id').execute());
  assert.ok(incidents.every((r) => r.owner_organisation_id === p.organisation_id));
  assert.equal((await asPolice((tx) => tx.selectFrom('incident_people').selectAll().execute())).length, 0);
  assert.equal((await asPolice((tx) => tx.selectFrom('incident_vehicles').selectAll().execute())).length, 0);
  const vehicles = await asPolice((tx) => tx.selectFrom('vehicles').select('owner_organisation_id').execute());
  assert.ok(vehicles.every((r) => r.owner_organisation_id === p.organisation_id));
  const updated = await asPolice((tx) => tx.updateTable('incidents').set({ description: 'Hacked' }).where('id', '=', ids.incident).executeTakeFirst());
  assert.equal(Number(updated.numUpdatedRows), 0);
  const deleted = await asPolice((tx) => tx.deleteFrom('incident_people').where('incident_id', '=', ids.incident).executeTakeFirst());
  assert.equal(Number(deleted.numDeletedRows), 0);
  await assert.rejects(asPolice((tx) => tx.insertInto('incident_people').values({ incident_id: ids.incident, person_id: ids.perpetrator, role: 'witness' }).execute()), /row-level security/);
  await assert.rejects(
    asPolice((tx) => tx.insertInto('record_shares').values({ record_type: 'incident', record_id: ids.incident, to_organisation_id: p.organisation_id, access: 'view', reason: 'self-service', created_by: p.id }).execute()),
    /row-level security/,
  );
  // Nor can anyone link a person they cannot see to an incident they own.
  const police0 = await police.post('/incidents', form({ source_organisation_id: ids.police, how_reported: 'police_call', location_postcode: '' }));
  assert.equal(police0.statusCode, 302, police0.body.slice(0, 2000));
  const policeIncident = idFrom(police0);
  await assert.rejects(asPolice((tx) => tx.insertInto('incident_people').values({ incident_id: policeIncident, person_id: ids.perpetrator, role: 'witness' }).execute()), /row-level security/);
  await assert.rejects(asPolice((tx) => tx.insertInto('incident_vehicles').values({ incident_id: policeIncident, vehicle_id: ids.vehicle }).execute()), /row-level security/);
  const tampered = await police.post('/incidents', form({ source_organisation_id: ids.police, how_reported: 'police_call', people_entry: JSON.stringify({ kind: 'existing', id: ids.perpetrator, role: 'victim' }) }));
  assert.equal(tampered.statusCode, 400, 'a person the user cannot see is never linked');
  assert.match(tampered.body, /A person you added can no longer be seen by you/);
  assert.doesNotMatch(tampered.body, /Vantablack/);
  assert.equal(hidden(tampered.body, 'people_entry').length, 0, 'and is dropped from the form');
  const linked = await police.post(`/incidents/${policeIncident}/people`, { person_pick: ids.perpetrator, person_role: 'witness' });
  assert.equal(linked.statusCode, 400);
  assert.match(linked.body, /Select the person to add from the list/);
  const forPerson = await asPolice((tx) => incidentsForPerson(tx, ids.perpetrator));
  assert.equal(forPerson.length, 0);
});

test('once shared the other organisation sees the incident (but not unshared people), view-only cannot change it, and everything is audited', async () => {
  const p = await userId(ctx, 'police@endeavour.demo');
  await officer.get(`/incidents/${ids.incident}/share`);
  const shared = await officer.post(`/incidents/${ids.incident}/share`, { target_kind: 'organisation', target_organisation: ids.police, access: 'view', reason: 'Joint problem-solving under the partnership ISA' });
  assert.equal(shared.statusCode, 302);
  const page = await police.get(`/incidents/${ids.incident}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Loud music from the flat above/);
  assert.match(page.body, /A person not shared with you/);
  assert.doesNotMatch(page.body, /Vantablack|Quillfeather<|Perpetua/);
  assert.match(page.body, /A vehicle not shared with you/);
  assert.doesNotMatch(page.body, /Change incident details/);
  assert.match((await police.get('/incidents')).body, /Loud music|Shared with you/);
  assert.equal((await police.get(`/incidents/${ids.incident}/edit`)).statusCode, 403);
  assert.equal((await police.post(`/incidents/${ids.incident}/edit`, { ...form(), version: '1', status: 'open' })).statusCode, 403);
  assert.equal((await police.post(`/incidents/${ids.incident}/vehicles`, { vehicle_vrm: 'AB12CDE' })).statusCode, 403);
  assert.equal((await police.get(`/incidents/${ids.incident}/share`)).statusCode, 404, 'only the owner shares');
  await assert.rejects(
    withUser(db(), p.id, (tx) => tx.insertInto('incident_people').values({ incident_id: ids.incident, person_id: ids.perpetrator, role: 'witness' }).execute()),
    /row-level security/,
  );
  const links = await withUser(db(), p.id, (tx) => tx.selectFrom('incident_people').select('role').where('incident_id', '=', ids.incident).execute());
  assert.equal(links.length, 2, 'the links are visible with the incident');
  assert.equal((await withUser(db(), p.id, (tx) => incidentsForPerson(tx, ids.perpetrator))).length, 1);
  // Sharing the vehicle too lets them open it.
  assert.equal((await officer.post(`/vehicles/${ids.vehicle}/share`, { target_kind: 'organisation', target_organisation: ids.police, access: 'view', reason: 'Same ISA' })).statusCode, 302);
  const vehicle = await police.get(`/vehicles/${ids.vehicle}`);
  assert.equal(vehicle.statusCode, 200);
  assert.match(vehicle.body, /QX71 ZZB/);
  assert.match((await police.get('/vehicles?q=qx71')).body, /QX71 ZZB/);
  assert.equal((await auditRows(ctx, { action: 'share', recordId: ids.incident })).length, 1);
  assert.equal((await auditRows(ctx, { action: 'share', recordId: ids.vehicle })).length, 1);
  assert.ok((await auditRows(ctx, { action: 'view', recordId: ids.incident })).some((r) => r.actor_user_id === p.id));
  assert.ok((await auditRows(ctx, { action: 'list' })).some((r) => r.record_type === 'incident' && r.actor_user_id === p.id));
  // An edit share lets them change it; revoking takes everything away again.
  assert.equal((await officer.post(`/incidents/${ids.incident}/share`, { target_kind: 'user', target_user: p.id, access: 'edit', reason: 'Police lead on this one' })).statusCode, 302);
  const edit = await police.get(`/incidents/${ids.incident}/edit`);
  assert.equal(edit.statusCode, 200);
  const added = await police.post(`/incidents/${ids.incident}/vehicles`, { vehicle_vrm: 'pd19 xyz' });
  assert.equal(added.statusCode, 302);
  const owner = await officer.get(`/incidents/${ids.incident}`);
  for (const shareId of [...owner.body.matchAll(/shares\/([0-9a-f-]{36})\/revoke/g)].map((m) => m[1]!)) {
    assert.equal((await officer.post(`/incidents/${ids.incident}/shares/${shareId}/revoke`)).statusCode, 302);
  }
  assert.equal((await police.get(`/incidents/${ids.incident}`)).statusCode, 404);
  assert.equal((await auditRows(ctx, { action: 'unshare', recordId: ids.incident })).length, 2);
});

test('people, vehicles and businesses are added to and removed from a recorded incident, audited', async () => {
  const id = ids.incident;
  const search = await officer.get(`/incidents/${id}/people/add?q=vantablack`);
  assert.equal(search.statusCode, 200);
  assert.match(search.body, /VANTABLACK, Ignatius/);
  assert.equal((await officer.post(`/incidents/${id}/people`, { person_pick: ids.perpetrator, person_role: 'witness' })).statusCode, 302);
  const noRole = await officer.post(`/incidents/${id}/people`, { q: 'vantablack', person_pick: ids.perpetrator });
  assert.equal(noRole.statusCode, 400);
  assert.match(noRole.body, /Select their role in the incident/);
  assert.equal((await officer.post(`/incidents/${id}/people/new`, { new_first_name: 'Octavia', new_last_name: 'Brindlecombe', new_role: 'reporting_party' })).statusCode, 302);
  let page = await officer.get(`/incidents/${id}`);
  assert.match(page.body, /Octavia Brindlecombe/);
  const linkId = /people\/([0-9a-f-]{36})\/remove/.exec(page.body)![1]!;
  assert.equal((await officer.post(`/incidents/${id}/people/${linkId}/remove`)).statusCode, 302);
  await officer.get('/businesses/new');
  const biz = await officer.post('/businesses', { name: 'The Tumbledown Arms', kind: 'licensed', address: '3 Quillfeather Row', postcode: 'LE11 9ZZ' });
  assert.equal(biz.statusCode, 302);
  const bizId = idFrom(biz);
  const found = await officer.get(`/incidents/${id}/businesses/add?q=tumbledown`);
  assert.match(found.body, /The Tumbledown Arms/);
  assert.equal((await officer.post(`/incidents/${id}/businesses`, { business_id: bizId, business_role: 'location' })).statusCode, 302);
  page = await officer.get(`/incidents/${id}`);
  assert.match(page.body, /The Tumbledown Arms/);
  assert.match(page.body, /Where it happened/);
  assert.match((await officer.get(`/businesses/${bizId}`)).body, new RegExp(`/incidents/${id}`));
  assert.equal((await officer.post(`/incidents/${id}/businesses/${bizId}/remove`, { role: 'location' })).statusCode, 302);
  const bad = await officer.post(`/incidents/${id}/vehicles`, { vehicle_vrm: '!!' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Enter a registration number using letters and numbers/);
  const updates = await auditRows(ctx, { action: 'update', recordId: id });
  const kinds = updates.map((r) => `${r.details.linked ?? ''}${r.details.unlinked ?? ''}`);
  for (const k of ['person', 'business', 'vehicle']) assert.ok(kinds.includes(k), k);
  assert.ok(updates.every((r) => !JSON.stringify(r.details).includes('Brindlecombe')), 'audit details hold ids, not names');
});

test('an edit made on a stale version shows a conflict page with both versions and keeps what was typed', async () => {
  const res = await officer.post('/incidents', form({ location_postcode: '' }));
  const id = idFrom(res);
  const edit = await officer.get(`/incidents/${id}/edit`);
  assert.equal(edit.statusCode, 200);
  assert.match(edit.body, /value="21:30"/);
  const version = hidden(edit.body, 'version')[0]!;
  const first = await manager.post(`/incidents/${id}/edit`, { ...form({ location_postcode: '', description: 'Music and shouting until 4am.' }), version, status: 'open' });
  assert.equal(first.statusCode, 302, first.body.slice(0, 2000));
  const stale = await officer.post(`/incidents/${id}/edit`, { ...form({ location_postcode: '', description: 'Music until 3am; neighbours at number 4 also disturbed.' }), version, status: 'closed' });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /Someone else changed this incident/);
  assert.match(stale.body, /Music and shouting until 4am/);
  assert.match(stale.body, /neighbours at number 4 also disturbed/);
  const resubmit = hidden(stale.body, 'version')[0]!;
  assert.equal(resubmit, '2');
  const save = await officer.post(`/incidents/${id}/edit`, { ...form({ location_postcode: '', description: 'Music until 3am; neighbours at number 4 also disturbed.' }), version: resubmit, status: 'closed' });
  assert.equal(save.statusCode, 302);
  const row = await db().selectFrom('incidents').select(['status', 'version', 'description']).where('id', '=', id).executeTakeFirstOrThrow();
  assert.deepEqual(row, { status: 'closed', version: 3, description: 'Music until 3am; neighbours at number 4 also disturbed.' });
  const audit = await auditRows(ctx, { action: 'update', recordId: id });
  assert.deepEqual(audit.at(-1)!.details.fields, ['description', 'status']);
  const invalid = await officer.post(`/incidents/${id}/edit`, { ...form({ description: '' }), version: '3', status: 'open' });
  assert.equal(invalid.statusCode, 400);
  assert.match(invalid.body, /Describe what happened/);
});

test('the list filters by date, category, type, area, flag and status, newest first, and pages', async () => {
  const all = await officer.get('/incidents');
  assert.equal(all.statusCode, 200);
  const refs = [...all.body.matchAll(/>(INC-\d{7})</g)].map((m) => m[1]!);
  assert.ok(refs.length >= 4);
  const hate = await officer.get('/incidents?flag=hate');
  assert.equal([...hate.body.matchAll(/>(INC-\d{7})</g)].length, 1);
  assert.match(hate.body, /Remove this filter/);
  const env = await officer.get(`/incidents?category=environmental&type=${ids.flyTipping}`);
  assert.equal([...env.body.matchAll(/>(INC-\d{7})</g)].length, 1);
  const area = await officer.get(`/incidents?area=${ids.charnwoodArea}`);
  assert.ok([...area.body.matchAll(/>(INC-\d{7})</g)].length >= 2);
  const closed = await officer.get('/incidents?status=closed');
  assert.equal([...closed.body.matchAll(/>(INC-\d{7})</g)].length, 1);
  const d = day(-1);
  const dated = await officer.get(`/incidents?from-day=${d.day}&from-month=${d.month}&from-year=${d.year}&to-day=${d.day}&to-month=${d.month}&to-year=${d.year}`);
  assert.ok([...dated.body.matchAll(/>(INC-\d{7})</g)].length >= 4);
  const none = await officer.get('/incidents?from-day=1&from-month=1&from-year=2001&to-day=2&to-month=1&to-year=2001');
  assert.match(none.body, /No incidents you can see match these filters/);
  const bad = await officer.get('/incidents?from-day=31&from-month=2&from-year=2026&category=awful&to-day=1&to-month=1&to-year=2020');
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /The from date must be a real date/);
  assert.match(bad.body, /Select a category from the list/);
  assert.ok((await auditRows(ctx, { action: 'list' })).some((r) => r.record_type === 'incident' && (r.details.filters as string[]).includes('flag')));
});

test('ASB types: administrators add, rename, reorder and retire them; nobody else can', async () => {
  for (const url of ['/admin/asb-types', '/admin/asb-types/new', `/admin/asb-types/${ids.noise}/edit`]) assert.equal((await officer.get(url)).statusCode, 403, url);
  assert.equal((await officer.post(`/admin/asb-types/${ids.noise}/active`, { active: 'no' })).statusCode, 403);
  const list = await admin.get('/admin/asb-types');
  assert.equal(list.statusCode, 200);
  for (const name of ['Rowdy or inconsiderate behaviour', 'Abandoned vehicle', 'Fly-tipping', 'Street drinking', 'Begging or vagrancy']) assert.ok(list.body.includes(name), name);
  const added = await admin.post('/admin/asb-types', { name: 'Nuisance motorbikes', category: 'nuisance' });
  assert.equal(added.statusCode, 302);
  const dup = await admin.post('/admin/asb-types', { name: 'noise', category: 'nuisance' });
  assert.equal(dup.statusCode, 400);
  assert.match(dup.body, /There is already an ASB type called noise/);
  const empty = await admin.post('/admin/asb-types', { name: '', category: 'loud' });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /Enter the name of the ASB type/);
  const bike = await db().selectFrom('asb_types').select(['id', 'sort']).where('name', '=', 'Nuisance motorbikes').executeTakeFirstOrThrow();
  // Rename, then a second rename from the same (now stale) page is a conflict.
  const edit = await admin.get(`/admin/asb-types/${bike.id}/edit`);
  assert.equal(hidden(edit.body, 'original_name')[0], 'Nuisance motorbikes');
  assert.equal((await admin.post(`/admin/asb-types/${bike.id}/edit`, { name: 'Nuisance motorcycles', category: 'nuisance', original_name: 'Nuisance motorbikes', original_category: 'nuisance' })).statusCode, 302);
  const stale = await admin.post(`/admin/asb-types/${bike.id}/edit`, { name: 'Off-road bikes', category: 'environmental', original_name: 'Nuisance motorbikes', original_category: 'nuisance' });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /Someone else changed this ASB type/);
  assert.match(stale.body, /Nuisance motorcycles/);
  assert.match(stale.body, /value="Off-road bikes"/);
  // Reorder: up one place.
  assert.equal((await admin.post(`/admin/asb-types/${bike.id}/move`, { direction: 'up' })).statusCode, 302);
  const order = await db().selectFrom('asb_types').select('name').orderBy('sort').execute();
  assert.equal(order.at(-2)!.name, 'Nuisance motorcycles');
  // Retire: no longer offered for new incidents, but incidents keep it.
  assert.equal((await admin.post(`/admin/asb-types/${ids.noise}/active`, { active: 'no' })).statusCode, 302);
  assert.doesNotMatch((await officer.get('/incidents/new')).body, />Noise \(usually/);
  assert.match((await officer.get(`/incidents/${ids.incident}/edit`)).body, /selected>Noise \(usually nuisance\) – no longer used/, 'an incident being changed keeps its retired type');
  assert.match((await officer.get(`/incidents/${ids.incident}`)).body, /Noise/);
  const refused = await officer.post('/incidents', form());
  assert.equal(refused.statusCode, 400);
  assert.match(refused.body, /Select the type of anti-social behaviour from the list/);
  assert.equal((await admin.post(`/admin/asb-types/${ids.noise}/active`, { active: 'yes' })).statusCode, 302);
  const audits = (await auditRows(ctx)).filter((r) => r.record_type === 'asb_type');
  assert.ok(audits.some((r) => r.action === 'admin_create'));
  assert.ok(audits.filter((r) => r.action === 'admin_update').length >= 4);
  // Another partnership's types are out of reach.
  const other = await db().insertInto('partnerships').values({ name: 'Elsewhere CSP', short_name: 'Elsewhere', updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
  const theirs = await db().insertInto('asb_types').values({ partnership_id: other.id, name: 'Theirs', category: 'nuisance' }).returning('id').executeTakeFirstOrThrow();
  assert.equal((await admin.get(`/admin/asb-types/${theirs.id}/edit`)).statusCode, 404);
  assert.equal((await admin.post(`/admin/asb-types/${theirs.id}/active`, { active: 'no' })).statusCode, 404);
  assert.doesNotMatch((await admin.get('/admin/asb-types')).body, /Theirs/);
  assert.equal((await sql<{ active: boolean }>`SELECT active FROM asb_types WHERE id = ${theirs.id}`.execute(db())).rows[0]!.active, true);
});

test('malformed input to every incident form of a real incident never gives a 500', async () => {
  // The app-wide fuzz test aims at ids that do not exist; this one reaches the forms' own validation.
  const fc = (await import('fast-check')).default;
  const fields = ['version', 'action', 'occurred-day', 'occurred-month', 'occurred-year', 'occurred_time', 'until-day', 'until_time', 'reported-day', 'reported-year', 'reported_time', 'how_reported', 'source_organisation_id', 'asb_type_id', 'category', 'description', 'uprn', 'address_query', 'location_text', 'location_postcode', 'location_easting', 'location_northing', 'location_latitude', 'location_longitude', 'flags', 'hate_strands', 'people_entry', 'vehicle_entry', 'person_query', 'person_pick', 'person_role', 'new_first_name', 'new_last_name', 'new_dob-year', 'new_role', 'vehicle_vrm', 'remove_person', 'remove_vehicle', 'consent_to_share', 'status', 'business_id', 'business_role', 'role', 'q'];
  const nasty = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', '0', '-1', '99999999999999', '1e308', 'NaN', '25:99', '2pm', '31', '2', '2026', 'LE11 9ZZ', '990000000001', 'victim', 'hate', 'save', 'find_address', 'add_person', 'add_new_person', 'add_vehicle', '{"kind":"existing","id":"00000000-0000-4000-8000-000000000000","role":"victim"}', '{"kind":"new","first_name":"A","last_name":"B","date_of_birth":null,"role":"other"}', '{"vrm":"AB12CDE","make":null,"model":null,"colour":null}', ids.perpetrator, ids.noise, ids.charnwood));
  const body = fc.dictionary(fc.constantFrom(...fields), fc.oneof(nasty, fc.array(nasty, { maxLength: 3 })), { maxKeys: 16 });
  const urls = ['/incidents', `/incidents/${ids.incident}/edit`, `/incidents/${ids.incident}/people`, `/incidents/${ids.incident}/people/new`, `/incidents/${ids.incident}/vehicles`, `/incidents/${ids.incident}/businesses`, `/incidents/${ids.incident}/share`];
  for (const url of urls) {
    await fc.assert(
      fc.asyncProperty(body, async (form) => {
        const res = await officer.post(url, form);
        assert.ok(res.statusCode < 500, `${url} gave ${res.statusCode} for ${JSON.stringify(form).slice(0, 300)}`);
      }),
      { numRuns: 30 },
    );
  }
});
