// Loading incidents from another system's export: the file format's checks row by row, a police
// overnight log loaded and shared with the Endeavour team (who then see exactly those incidents), the
// same file loaded twice adding nothing, a person linked to the record already held, and the load's
// log seen only by the loading organisation — by route and through the app role.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, signIn, userId, auditRows, type TestContext, type Browser } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { parseImportFile } from './format.ts';

let ctx: TestContext;
let police: Browser;
let coordinator: Browser;
let housing: Browser;
let officer: Browser;
let fire: Browser;
const db = () => ctx.database.db;
const ids = {} as Record<'police' | 'hbbc' | 'policeUser' | 'hbbcUser' | 'housingUser' | 'known', string>;

const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
const HEADER = 'reference,occurred_at,reported_at,asb_type,category,description,location,postcode,hate,domestic,victim_first_name,victim_last_name,victim_date_of_birth,perpetrator_first_name,perpetrator_last_name';

function logFile() {
  return [
    HEADER,
    `LP-0001,${day(1)} 22:15,${day(1)} 22:40,,nuisance,Loud party and shouting in the street,Clarendon Road Hinckley,LE10 0PJ,no,no,Odessa,Fairweather,1961-04-02,Lyle,Crabtree`,
    `LP-0002,${day(1)} 23:05,,,personal,Neighbour threatening the victim over the fence,Brookside Barwell,,yes,no,Quentin,Ashdown-Price,1979-11-30,,`,
    `LP-0003,${day(1)} 04:30,,,environmental,Fly-tipping behind the garages,Garage block Earl Shilton,LE9 7AA,,,,,,,`,
    `LP-0004,${day(1)} 05:00,,,sideways,No category like that,Somewhere,,,,,,,,`,
  ].join('\n');
}

before(async () => {
  ctx = await createTestApp();
  police = await signIn(ctx, 'police@endeavour.demo');
  coordinator = await signIn(ctx, 'coordinator@endeavour.demo');
  housing = await signIn(ctx, 'housing@endeavour.demo');
  officer = await signIn(ctx, 'officer@endeavour.demo');
  fire = await signIn(ctx, 'fire@endeavour.demo');
  const p = await userId(ctx, 'police@endeavour.demo');
  const h = await userId(ctx, 'coordinator@endeavour.demo');
  ids.police = p.organisation_id;
  ids.policeUser = p.id;
  ids.hbbc = h.organisation_id;
  ids.hbbcUser = h.id;
  ids.housingUser = (await userId(ctx, 'housing@endeavour.demo')).id;
  // Someone the police already hold: the log's first victim, exactly.
  await police.get('/people/new');
  const r = await police.post('/people', { first_name: 'Odessa', last_name: 'Fairweather', 'date_of_birth-day': '2', 'date_of_birth-month': '4', 'date_of_birth-year': '1961' });
  assert.equal(r.statusCode, 302, 'the known person is recorded');
  ids.known = String(r.headers.location).split('/').pop()!;
});

after(() => ctx.close());

test('the file is checked row by row, in the user’s terms, and whole-file problems stop it', () => {
  const now = new Date();
  const parsed = parseImportFile(Buffer.from(logFile()), now);
  assert.equal(parsed.kind, 'ok');
  if (parsed.kind !== 'ok') return;
  assert.deepEqual(parsed.rows.map((r) => r.reference), ['LP-0001', 'LP-0002', 'LP-0003']);
  assert.deepEqual(parsed.problems, [{ line: 5, message: 'Row 5 (LP-0004): “category” must be personal, nuisance or environmental' }]);
  assert.equal(parsed.rows[1]!.flags.hate, true);
  assert.deepEqual(parsed.rows[0]!.people.map((p) => [p.role, p.lastName, p.dateOfBirth]), [['victim', 'Fairweather', '1961-04-02'], ['perpetrator', 'Crabtree', null]]);
  assert.equal(parsed.rows[0]!.postcode?.display, 'LE10 0PJ');

  const bad = parseImportFile(Buffer.from(`${HEADER}\nX-1,2026-02-30 10:00,,,nuisance,Text,Place,NOT A CODE,maybe,,Ann,,,,\nX-1,${day(1)} 00:10,,,nuisance,Text,Place,,,,,,,,\n`), now);
  assert.equal(bad.kind, 'ok');
  if (bad.kind === 'ok') {
    assert.equal(bad.rows.length, 1, 'the second row is good');
    const message = bad.problems[0]!.message;
    for (const part of ['Row 2 (X-1)', '“occurred_at” must be a date and time', '“NOT A CODE” is not a UK postcode', '“hate” must be yes or no', 'give the victim’s first and last name'])
      assert.ok(message.includes(part), `${message} mentions ${part}`);
  }
  const unknown = parseImportFile(Buffer.from('reference,occurred_at,description,location,category,colour\n'), now);
  assert.deepEqual(unknown, { kind: 'unreadable', message: 'The file has columns Endeavour does not know: “colour”. Remove or rename them (see the list of columns below)' });
  const missing = parseImportFile(Buffer.from('reference,description\nA,B\n'), now);
  assert.equal(missing.kind === 'unreadable' && missing.message, 'The file must have a column called “occurred_at”, “location”');
  const future = parseImportFile(Buffer.from(`${HEADER}\nF-1,${day(-2)} 10:00,,,nuisance,Text,Place,,,,,,,,\n`), now);
  assert.equal(future.kind === 'ok' && future.problems[0]!.message, 'Row 2 (F-1): “occurred_at” is in the future');
});

test('the police load their overnight log, shared with the Endeavour team; loading it again adds nothing', async () => {
  const form = await police.get('/incidents/import');
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /Load incidents from a file/);
  const res = await police.upload('/incidents/import', { share_with: ids.hbbc }, { filename: 'overnight.csv', content: logFile(), type: 'text/csv' });
  assert.equal(res.statusCode, 303, res.body.slice(0, 500));
  const resultUrl = String(res.headers.location);
  const page = await police.get(resultUrl);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /data-qa="created">3</);
  assert.match(page.body, /data-qa="rejected">1</);
  assert.match(page.body, /Row 5 \(LP-0004\): “category” must be personal, nuisance or environmental/);

  const loaded = await db()
    .selectFrom('incidents')
    .select(['id', 'source_reference', 'owner_organisation_id', 'how_reported', 'police_log_number', 'hate', 'postcode'])
    .where('source_reference', 'in', ['LP-0001', 'LP-0002', 'LP-0003'])
    .orderBy('source_reference')
    .execute();
  assert.equal(loaded.length, 3);
  for (const i of loaded) {
    assert.equal(i.owner_organisation_id, ids.police, 'held by the loading organisation');
    assert.equal(i.how_reported, 'police_import');
    assert.equal(i.police_log_number, i.source_reference);
  }
  assert.deepEqual(loaded.map((i) => i.hate), [false, true, false]);
  assert.equal(loaded[0]!.postcode, 'LE10 0PJ');

  // The known victim was linked, not duplicated; the others are new people held by the police.
  const victims = await db()
    .selectFrom('incident_people as ip')
    .innerJoin('people as p', 'p.id', 'ip.person_id')
    .select(['ip.incident_id', 'ip.role', 'p.id', 'p.last_name', 'p.owner_organisation_id'])
    .where('ip.incident_id', 'in', loaded.map((i) => i.id))
    .execute();
  assert.equal(victims.find((v) => v.last_name === 'Fairweather')?.id, ids.known);
  assert.equal((await db().selectFrom('people').select('id').where('last_name', '=', 'Fairweather').execute()).length, 1);
  assert.ok(victims.some((v) => v.last_name === 'Ashdown-Price' && v.owner_organisation_id === ids.police));

  // Each joined the daily review, and the Endeavour team (HBBC) can open it; housing cannot.
  const queued = await db().selectFrom('review_items').select('incident_id').where('incident_id', 'in', loaded.map((i) => i.id)).execute();
  assert.equal(queued.length, 3);
  for (const i of loaded) {
    assert.equal((await coordinator.get(`/incidents/${i.id}`)).statusCode, 200, 'shared with HBBC');
    assert.equal((await housing.get(`/incidents/${i.id}`)).statusCode, 404, 'not shared with housing');
  }

  const again = await police.upload('/incidents/import', { share_with: 'none' }, { filename: 'overnight.csv', content: logFile(), type: 'text/csv' });
  assert.equal(again.statusCode, 303);
  const second = await police.get(String(again.headers.location));
  assert.match(second.body, /data-qa="created">0</);
  assert.match(second.body, /data-qa="already-loaded">3</);
  assert.equal((await db().selectFrom('incidents').select('id').where('source_reference', 'like', 'LP-%').execute()).length, 3);

  const audit = await auditRows(ctx, { action: 'create' });
  assert.ok(audit.some((a) => a.record_type === 'incident_import' && a.actor_user_id === ids.policeUser && a.details.created === 3));
  assert.ok(audit.filter((a) => a.record_type === 'incident' && a.actor_user_id === ids.policeUser).length >= 3, 'each incident audited');
});

test('a load is the loading organisation’s alone, by route and through the app role', async () => {
  const mine = await withUser(db(), ids.policeUser, (tx) => tx.selectFrom('incident_imports').select(['id', 'created']).execute());
  assert.equal(mine.length, 2);
  const theirs = await withUser(db(), ids.hbbcUser, (tx) => tx.selectFrom('incident_imports').select('id').execute());
  assert.deepEqual(theirs, [], 'the Endeavour team sees the incidents shared with it, not the load');
  await assert.rejects(
    withUser(db(), ids.hbbcUser, (tx) =>
      tx.insertInto('incident_imports').values({ partnership_id: ctx.demo.partnershipId, owner_organisation_id: ids.police, filename: 'x.csv', rows_read: 0, created: 0, already_loaded: 0, rejected: 0, problems: '[]', imported_by: ids.hbbcUser }).execute(),
    ),
    /row-level security/,
  );
  assert.equal((await coordinator.get(`/incidents/import/${mine[0]!.id}`)).statusCode, 404);
  assert.equal((await officer.get(`/incidents/import/${mine[0]!.id}`)).statusCode, 404);
  assert.equal((await fire.get('/incidents/import')).statusCode, 403, 'partners do not load incidents');
  assert.equal((await housing.upload('/incidents/import', {}, { filename: 'x.csv', content: logFile() })).statusCode, 403);
});

test('a bad file is refused with a GOV.UK error summary and nothing is loaded', async () => {
  const before = await db().selectFrom('incidents').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const none = await officer.upload('/incidents/import', { share_with: 'none' });
  assert.equal(none.statusCode, 400);
  assert.match(none.body, /govuk-error-summary/);
  assert.match(none.body, /Select a CSV file to load/);
  const unknown = await officer.upload('/incidents/import', { share_with: 'none' }, { filename: 'x.csv', content: 'reference,when\nA,B\n' });
  assert.equal(unknown.statusCode, 400);
  assert.match(unknown.body, /The file must have a column called “occurred_at”, “description”, “location”/);
  const allBad = await officer.upload('/incidents/import', { share_with: 'none' }, { filename: 'x.csv', content: `${HEADER}\nB-1,not a date,,,nuisance,Text,Place,,,,,,,,\n` });
  assert.equal(allBad.statusCode, 400);
  assert.match(allBad.body, /No row of the file could be loaded/);
  const badShare = await officer.upload('/incidents/import', { share_with: '00000000-0000-4000-8000-000000000000' }, { filename: 'x.csv', content: logFile() });
  assert.equal(badShare.statusCode, 400);
  assert.match(badShare.body, /Select an organisation of the partnership, or not to share/);
  const noCsrf = await officer.upload('/incidents/import', { share_with: 'none' }, { filename: 'x.csv', content: logFile() }, { csrf: null });
  assert.equal(noCsrf.statusCode, 403);
  const after = await db().selectFrom('incidents').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  assert.equal(after.n, before.n);
});
