// Matching on entry, by route: the owner of a person gets them back as a suggestion with reasons;
// another organisation gets only a "record exists" stub, with nothing of the record in the page or
// the JSON, and only for a strong match that does not rest on the name; every lookup and stub audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, signIn, userId, auditRows, type TestContext, type Browser } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { personCandidates } from './repository.ts';
import { firstNameForms } from './name-forms.ts';

let ctx: TestContext;
let officer: Browser; // Charnwood Borough Council, records the person
let police: Browser; // Leicestershire Police, cannot see them
let personId: string;

const ZELDA = { first_name: 'Zelda', last_name: 'Przybylski', date_of_birth: '1979-11-04' };

async function api(b: Browser, url: string, payload: unknown, headers: Record<string, string> = {}) {
  const res = await ctx.app.inject({
    method: 'POST',
    url,
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    headers: { cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': b.csrf, 'content-type': 'application/json', ...headers },
  });
  return res;
}

before(async () => {
  ctx = await createTestApp();
  officer = await signIn(ctx, 'officer@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
  await officer.get('/people/new');
  const res = await officer.post('/people', {
    first_name: 'Zelda',
    last_name: 'Przybylski',
    'date_of_birth-day': '4',
    'date_of_birth-month': '11',
    'date_of_birth-year': '1979',
    phone: '07700 900123',
    notes: 'Lives above the launderette',
    match_choice: 'new',
  });
  assert.equal(res.statusCode, 302);
  personId = res.headers.location!.split('/').pop()!;
});

after(() => ctx.close());

test('the organisation holding a person gets them as a suggestion, with the probability and the reasons', async () => {
  const res = await api(officer, '/api/matching/people', { first_name: 'Zelda', last_name: 'Przybylska', date_of_birth: '1979-04-11' });
  assert.equal(res.statusCode, 200);
  const body = res.json() as { matches: { id: string; name: string; probability: number; reasons: { field: string; description: string; agrees: boolean }[]; href: string }[]; stubs: unknown[] };
  const m = body.matches.find((x) => x.id === personId);
  assert.ok(m, 'the person is suggested');
  assert.equal(m.name, 'Zelda Przybylski');
  assert.equal(m.href, `/people/${personId}`);
  assert.ok(m.probability > 0.5, `probability ${m.probability}`);
  assert.ok(m.reasons.some((r) => r.field === 'date_of_birth' && r.agrees), 'the transposed date of birth is a reason');
  assert.ok(m.reasons.some((r) => r.field === 'last_name' && r.agrees));
  assert.deepEqual(body.stubs, []);
});

test('another organisation sees only a stub: the holder and whom to contact, nothing of the record', async () => {
  const res = await api(police, '/api/matching/people', ZELDA);
  assert.equal(res.statusCode, 200);
  const body = res.json() as { matches: unknown[]; stubs: { heldBy: string; contact: { name: string; email: string } | null; requestHref: string }[] };
  assert.deepEqual(body.matches, []);
  assert.equal(body.stubs.length, 1);
  assert.equal(body.stubs[0]!.heldBy, 'Charnwood Borough Council');
  assert.deepEqual(body.stubs[0]!.contact, { name: 'Amira Patel', email: 'officer@endeavour.demo', role: 'recording officer' });
  assert.match(body.stubs[0]!.requestHref, /^\/access-requests\/new\?token=[\w-]+$/);
  // Nothing the police did not type: no id, no phone, no notes (and the name and date only as sent).
  assert.doesNotMatch(res.body, new RegExp(personId));
  assert.doesNotMatch(res.body, /07700|900123|launderette|Zelda|Przybylski|1979/);
  const p = await userId(ctx, 'police@endeavour.demo');
  const lookups = (await auditRows(ctx, { action: 'match_lookup' })).filter((r) => r.actor_user_id === p.id);
  assert.ok(lookups.length >= 1);
  const last = lookups.at(-1)!;
  assert.equal(last.record_type, 'person');
  assert.equal(last.details.stubs, 1);
  assert.ok(Number(last.details.candidates) >= 1);
  assert.doesNotMatch(JSON.stringify(last.details), /Zelda|Przybylski|1979/, 'the audit holds field names, never what was typed');
  const stubs = (await auditRows(ctx, { action: 'match_stub_shown', recordId: personId })).filter((r) => r.actor_user_id === p.id);
  assert.equal(stubs.length, 1);
});

test('a name alone, however rare, never makes a stub', async () => {
  for (const payload of [{ last_name: 'Przybylski' }, { first_name: 'Zelda', last_name: 'Przybylski' }]) {
    const res = await api(police, '/api/matching/people', payload);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { matches: [], stubs: [] }, JSON.stringify(payload));
  }
});

test('an identifier or a phone number with the name is corroboration enough', async () => {
  const res = await api(police, '/api/matching/people', { first_name: 'Zelda', last_name: 'Przybylski', phone: '+44 7700 900123' });
  assert.equal((res.json() as { stubs: unknown[] }).stubs.length, 1);
});

test('bad input is answered with problem details, never a 500', async () => {
  const cases: unknown[] = [{}, { first_name: 'Zelda' }, { last_name: 'x'.repeat(101) }, { last_name: 'Smith', date_of_birth: '1979-02-30' }, { last_name: 'Smith', date_of_birth: '2999-01-01' }, { last_name: 'Smith', date_of_birth: 'yesterday' }, { last_name: 'Smith', uprn: 'x1' }];
  for (const payload of cases) {
    const res = await api(police, '/api/matching/people', payload);
    assert.equal(res.statusCode, 400, JSON.stringify(payload));
    assert.match(String(res.headers['content-type']), /application\/problem\+json/);
    assert.equal((res.json() as { status: number }).status, 400);
  }
  // Form-style values (arrays, objects) are read as forms read them, not refused with a 500.
  assert.equal((await api(police, '/api/matching/people', { last_name: ['Smith', 'Jones'], date_of_birth: {} })).statusCode, 200);
  const notJson = await api(police, '/api/matching/people', '{"last_name":', {});
  assert.equal(notJson.statusCode, 400);
  const vehicle = await api(police, '/api/matching/vehicles', { vrm: '!!' });
  assert.equal(vehicle.statusCode, 400);
  assert.match(String(vehicle.headers['content-type']), /application\/problem\+json/);
  const address = await api(police, '/api/matching/addresses', { q: '' });
  assert.equal(address.statusCode, 400);
  const noCsrf = await api(police, '/api/matching/people', ZELDA, { 'x-csrf-token': 'nope' });
  assert.equal(noCsrf.statusCode, 403);
  const signedOut = await ctx.app.inject({ method: 'POST', url: '/api/matching/people', payload: ZELDA });
  // Refused before anything is looked up (the CSRF check runs first, as there is no session).
  assert.ok([401, 403].includes(signedOut.statusCode), String(signedOut.statusCode));
  assert.match(String(signedOut.headers['content-type']), /application\/problem\+json/);
});

test('without JavaScript, adding a person first asks "Is this one of these people?" and keeps everything typed', async () => {
  await officer.get('/people/new');
  const typed = { first_name: 'Zelda', last_name: 'Przybylski', 'date_of_birth-day': '4', 'date_of_birth-month': '11', 'date_of_birth-year': '1979', email: 'zelda@example.com', notes: 'Second report' };
  const step = await officer.post('/people', typed);
  assert.equal(step.statusCode, 200);
  assert.match(step.body, /Is this one of these people\?/);
  assert.match(step.body, new RegExp(`name="match_choice" type="radio" value="${personId}"`));
  assert.match(step.body, /value="zelda@example.com"/);
  assert.match(step.body, /value="Second report"/);
  // Continuing without choosing: an error, and still nothing saved.
  const none = await officer.post('/people', { ...typed, match_step: '1' });
  assert.equal(none.statusCode, 400);
  assert.match(none.body, /govuk-error-summary/);
  assert.match(none.body, /Select the person if they are one of these/);
  // Going back to change it: the form, as typed.
  const back = await officer.post('/people', { ...typed, match_step: '1', match_edit: 'yes' });
  assert.equal(back.statusCode, 200);
  assert.match(back.body, /<h1 class="govuk-heading-l">Add a person<\/h1>/);
  assert.match(back.body, /value="zelda@example.com"/);
  // Choosing the existing record goes to it and makes nothing new.
  const before = await ctx.database.db.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n')).where('last_name', '=', 'Przybylski').executeTakeFirstOrThrow();
  const existing = await officer.post('/people', { ...typed, match_step: '1', match_choice: personId });
  assert.equal(existing.statusCode, 302);
  assert.equal(existing.headers.location, `/people/${personId}`);
  const after = await ctx.database.db.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n')).where('last_name', '=', 'Przybylski').executeTakeFirstOrThrow();
  assert.equal(Number(after.n), Number(before.n));
  // Saying they are someone new saves them.
  const created = await officer.post('/people', { ...typed, match_step: '1', match_choice: 'new' });
  assert.equal(created.statusCode, 302);
  assert.notEqual(created.headers.location, `/people/${personId}`);
});

test('without JavaScript, another organisation adding the same person sees only the stub', async () => {
  await police.get('/people/new');
  const step = await police.post('/people', { first_name: 'Zelda', last_name: 'Przybylski', 'date_of_birth-day': '4', 'date_of_birth-month': '11', 'date_of_birth-year': '1979' });
  assert.equal(step.statusCode, 200);
  assert.match(step.body, /This person may already be recorded/);
  assert.match(step.body, /Charnwood Borough Council<\/strong> holds a record that may be this person/);
  assert.match(step.body, /Request access to the record held by Charnwood Borough Council \(opens in new tab\)/);
  assert.match(step.body, /officer@endeavour.demo/);
  assert.doesNotMatch(step.body, new RegExp(personId));
  assert.doesNotMatch(step.body, /07700|launderette|zelda@example.com/);
  // The stub-only step carries "someone new" on, so continuing saves the police's own record.
  assert.match(step.body, /name="match_choice" value="new"/);
});

test('on the incident form, adding someone new offers the people already recorded, and one can be chosen', async () => {
  const form = await officer.get('/incidents/new');
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /data-match="person"/);
  assert.match(form.body, /src="\/javascripts\/matching.js"/);
  const typed = { action: 'add_new_person', new_first_name: 'Zelda', new_last_name: 'Przybylski', 'new_dob-day': '4', 'new_dob-month': '11', 'new_dob-year': '1979', new_role: 'victim', description: 'Kept for later' };
  const asked = await officer.post('/incidents', typed);
  assert.equal(asked.statusCode, 200);
  assert.match(asked.body, new RegExp(`name="new_person_match" type="radio" value="${personId}"`));
  assert.match(asked.body, />Kept for later</);
  const chosen = await officer.post('/incidents', { ...typed, new_person_match: personId });
  assert.equal(chosen.statusCode, 200);
  const entry = /name="people_entry" value="([^"]+)"/.exec(chosen.body);
  assert.ok(entry, 'the person was added');
  assert.deepEqual(JSON.parse(entry[1]!.replace(/&quot;/g, '"')), { kind: 'existing', id: personId, role: 'victim' });
  // Police adding the same person: the stub, and no radio for a record they cannot see.
  await police.get('/incidents/new');
  const stub = await police.post('/incidents', typed);
  assert.equal(stub.statusCode, 200);
  assert.match(stub.body, /data-qa="match-stub"/);
  assert.doesNotMatch(stub.body, new RegExp(personId));
  const added = await police.post('/incidents', { ...typed, new_person_match: 'new' });
  assert.match(added.body, /&quot;kind&quot;:&quot;new&quot;/);
});

test('vehicles: an exact registration held elsewhere is a stub; addresses come from the gazetteer', async () => {
  await officer.get('/vehicles/new');
  const v = await officer.post('/vehicles', { vrm: 'zx19 qqq', make: 'Ford' });
  assert.equal(v.statusCode, 302);
  const vehicleId = v.headers.location!.split('/').pop()!;
  const mine = (await api(officer, '/api/matching/vehicles', { vrm: 'ZX19QQQ' })).json() as { matches: { id: string }[]; stubs: unknown[] };
  assert.deepEqual(mine.matches.map((m) => m.id), [vehicleId]);
  const theirs = await api(police, '/api/matching/vehicles', { vrm: 'ZX19 QQQ' });
  const body = theirs.json() as { matches: unknown[]; stubs: { heldBy: string }[] };
  assert.deepEqual(body.matches, []);
  assert.equal(body.stubs[0]!.heldBy, 'Charnwood Borough Council');
  assert.doesNotMatch(theirs.body, new RegExp(vehicleId));
  assert.doesNotMatch(theirs.body, /Ford/);
  const gazetteer = await ctx.database.db.selectFrom('gazetteer_addresses').select(['postcode']).where('postcode', 'is not', null).limit(1).executeTakeFirst();
  if (gazetteer?.postcode) {
    const a = await api(officer, '/api/matching/addresses', { q: gazetteer.postcode });
    assert.equal(a.statusCode, 200);
    assert.ok((a.json() as { addresses: unknown[] }).addresses.length >= 1);
  }
});

test('the candidate search finds nicknames, double-barrelled and swapped names, aliases and phone numbers, across organisations', async () => {
  const o = await userId(ctx, 'officer@endeavour.demo');
  const p = await userId(ctx, 'police@endeavour.demo');
  const make = async (first: string, last: string, dob: string) => {
    await officer.get('/people/new');
    const [y, m, d] = dob.split('-');
    const res = await officer.post('/people', { first_name: first, last_name: last, 'date_of_birth-day': d!, 'date_of_birth-month': m!, 'date_of_birth-year': y!, match_choice: 'new' });
    return res.headers.location!.split('/').pop()!;
  };
  const robert = await make('Robert', 'Quillinan', '1962-03-15');
  const sian = await make('Siân', 'Hartley-Okonjo', '1990-07-21');
  await withUser(ctx.database.db, o.id, (tx) => tx.insertInto('person_aliases').values({ person_id: robert, first_name: 'Bobby', last_name: 'Marchetti', kind: 'alias', created_by: o.id }).execute());
  // Searched as the police, who can see none of them: the search is partnership-wide.
  const search = (q: Partial<Parameters<typeof personCandidates>[1]>) =>
    withUser(ctx.database.db, p.id, (tx) =>
      personCandidates(tx, { partnershipId: ctx.demo.partnershipId, firstNames: [], lastNames: [], dateOfBirth: null, identifiers: [], phone: null, email: null, postcodeKey: null, uprn: null, ...q }),
    ).then((rows) => rows.map((r) => r.id));
  assert.ok((await search({ firstNames: ['Bob', ...firstNameForms('Bob')], lastNames: ['Quillinan'] })).includes(robert), 'Bob finds Robert');
  assert.ok((await search({ firstNames: ['Sian'], lastNames: ['Okonjo'] })).includes(sian), 'one part of a double-barrelled surname');
  assert.ok((await search({ firstNames: ['Quillinan'], lastNames: ['Robert'] })).includes(robert), 'first and last names swapped');
  assert.ok((await search({ firstNames: ['Robert', ...firstNameForms('Robert')], lastNames: ['Marchetti'] })).includes(robert), 'an alias (Bobby Marchetti), by a nickname of the name typed');
  assert.ok((await search({ firstNames: ['Zelda'], lastNames: ['Przybylski'], dateOfBirth: '1979-04-11' })).includes(personId), 'day and month swapped');
  assert.ok((await search({ lastNames: ['Zzz'], phone: '07700900123' })).includes(personId), 'a phone number');
  assert.deepEqual(await search({ firstNames: ['Robert'] }), [], 'no surname and no identifier: nothing');
  // Outside a signed-in user's transaction the function refuses to run.
  await assert.rejects(sql`SELECT * FROM match_person_candidates(${ctx.demo.partnershipId}::uuid, ARRAY['Robert'], ARRAY['Quillinan'], NULL, '{}', NULL, NULL, NULL, NULL)`.execute(ctx.database.db), /signed-in user/);
  // Scored and shown through the route, Bob with his date of birth is Robert, with the reason.
  const res = await api(officer, '/api/matching/people', { first_name: 'Bob', last_name: 'Quillinan', date_of_birth: '1962-03-15' });
  const m = (res.json() as { matches: { id: string; reasons: { field: string; description: string }[] }[] }).matches.find((x) => x.id === robert);
  assert.ok(m, 'Bob Quillinan is suggested as Robert Quillinan');
  assert.ok(m.reasons.some((r) => r.field === 'first_name' && /Bob/.test(r.description)), JSON.stringify(m.reasons));
});
