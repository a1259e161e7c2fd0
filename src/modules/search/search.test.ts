// The search box: fuzzy, phonetic and alias name matches, dates of birth, identifiers, postcodes,
// registration marks and references; only what the viewer may see; audited without the words.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, signIn, userId, auditRows, type TestContext, type Browser } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { loadDemoGazetteer } from '../addresses/demo.ts';
import { parseQuery } from './query.ts';

let ctx: TestContext;
let officer: Browser; // Charnwood Borough Council
let police: Browser; // Leicestershire Police
const ids: Record<string, string> = {};
let incidentRef = '';
let caseRef = '';
let postcode = '';

before(async () => {
  ctx = await createTestApp();
  officer = await signIn(ctx, 'officer@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
  const db = ctx.database.db;
  const pid = ctx.demo.partnershipId;
  await db.transaction().execute((tx) => loadDemoGazetteer(tx, pid));
  const o = await userId(ctx, 'officer@endeavour.demo');
  const owned = { partnership_id: pid, owner_organisation_id: o.organisation_id, created_by: o.id, updated_at: new Date() };
  const person = async (key: string, first: string, last: string, extra: Record<string, unknown> = {}) => {
    ids[key] = (await db.insertInto('people').values({ ...owned, first_name: first, last_name: last, ...extra }).returning('id').executeTakeFirstOrThrow()).id;
  };
  await person('geoffrey', 'Geoffrey', 'Wolstenholme', { date_of_birth: '1980-05-17', nhs_number: '9434765919', warning_markers: ['dogs'] });
  await person('marlene', 'Marlene', 'Okonkwo-Briggs');
  await person('other', 'Geoffrey', 'Entwistle', { date_of_birth: '1975-01-01' });
  await db.insertInto('person_aliases').values({ person_id: ids.marlene!, first_name: 'Marlene', last_name: 'Dimbleby', kind: 'maiden_name', created_by: o.id }).execute();
  const g = await db.selectFrom('gazetteer_addresses').select(['uprn', 'single_line', 'postcode', 'postcode_key']).where('partnership_id', '=', pid).where('town', '=', 'Loughborough').orderBy('uprn').executeTakeFirstOrThrow();
  postcode = g.postcode!;
  await db.insertInto('person_addresses').values({ person_id: ids.marlene!, uprn: g.uprn, address: g.single_line, postcode: g.postcode, postcode_key: g.postcode_key, created_by: o.id }).execute();
  ids.vehicle = (await db.insertInto('vehicles').values({ ...owned, vrm: 'AB12 CDE', vrm_key: 'AB12CDE', make: 'Ford', model: 'Fiesta', colour: 'Blue' }).returning('id').executeTakeFirstOrThrow()).id;
  const inc = await db
    .insertInto('incidents')
    .values({
      ...owned, occurred_from: new Date('2025-03-01T22:00:00Z'), reported_at: new Date('2025-03-02T09:00:00Z'), how_reported: 'police_call', category: 'nuisance',
      description: 'Cars racing', crime_number: 'CR/123456/25', police_log_number: 'LOG-4471', uprn: g.uprn, postcode: g.postcode, postcode_key: g.postcode_key,
    })
    .returning(['id', 'reference'])
    .executeTakeFirstOrThrow();
  ids.incident = inc.id;
  incidentRef = inc.reference;
  const c = await db.insertInto('cases').values({ ...owned, title: 'Fly-tipping behind the Quarrymans Arms' }).returning(['id', 'reference']).executeTakeFirstOrThrow();
  ids.case = c.id;
  caseRef = c.reference;
});

after(() => ctx.close());

const results = async (b: Browser, q: string) => {
  const r = await b.get(`/search?q=${encodeURIComponent(q)}`);
  assert.equal(r.statusCode, 200, q);
  return r.body;
};
const section = (body: string, kind: string) => {
  const start = body.indexOf(`data-qa="search-${kind}"`);
  return start === -1 ? '' : body.slice(start, body.indexOf('</table>', start));
};

describe('reading the query', () => {
  test('names either way round, dates in several forms, references and plates', () => {
    assert.deepEqual(parseQuery('Wolstenholme, Geoffrey').name, { first: 'geoffrey', last: 'wolstenholme', full: 'geoffrey wolstenholme', eitherOrder: false });
    assert.deepEqual(parseQuery('Geoffrey Wolstenholme').name?.eitherOrder, true);
    for (const d of ['17/05/1980', '17-5-1980', '1980-05-17', '17 May 1980', '17th may 1980']) assert.equal(parseQuery(`wolstenholme ${d}`).dob, '1980-05-17', d);
    assert.equal(parseQuery('31/02/1980').dob, null);
    assert.equal(parseQuery('inc-42').incidentReference, 'INC-0000042');
    assert.equal(parseQuery('case 7').caseReference, 'CASE-000007');
    assert.equal(parseQuery('ab12 cde').vrm, 'AB12CDE');
    assert.equal(parseQuery('smith').vrm, null);
    assert.equal(parseQuery('le11 3ab').postcode?.key, 'LE113AB');
    assert.equal(parseQuery('943 476 5919').nhsNumber, '9434765919');
    assert.equal(parseQuery("o'brien").name?.last, "o'brien");
  });
});

describe('finding people', () => {
  test('exact, fuzzy, phonetic and reversed names', async () => {
    for (const q of ['Geoffrey Wolstenholme', 'geofrey wolstenholm', 'Jeffrey Wolstenholme', 'Wolstenholme, Geoffrey', 'wolstenholme geoffrey', 'Wolstenholme', 'wolsten']) {
      const people = section(await results(officer, q), 'people');
      assert.match(people, new RegExp(`/people/${ids.geoffrey}`), q);
    }
    const first = section(await results(officer, 'Jeffrey Wolstenholme'), 'people');
    assert.ok(first.indexOf(ids.geoffrey!) < (first.indexOf(ids.other!) === -1 ? Infinity : first.indexOf(ids.other!)));
    const body = await results(officer, 'Geoffrey Wolstenholme');
    assert.match(section(body, 'people'), /Warning markers/);
  });

  test('aliases find the person, saying which name matched', async () => {
    for (const q of ['Dimbleby', 'Marlene Dimbleby', 'Dimbelby, Marlene']) {
      const people = section(await results(officer, q), 'people');
      assert.match(people, new RegExp(`/people/${ids.marlene}`), q);
      assert.match(people, /Also known as Marlene Dimbleby/, q);
    }
  });

  test('a date of birth narrows a name, and finds people on its own', async () => {
    assert.match(section(await results(officer, 'Geoffrey 17/05/1980'), 'people'), new RegExp(ids.geoffrey!));
    assert.doesNotMatch(section(await results(officer, 'Geoffrey 17/05/1980'), 'people'), new RegExp(ids.other!));
    assert.doesNotMatch(await results(officer, 'Wolstenholme 18/05/1980'), new RegExp(ids.geoffrey!));
    assert.match(section(await results(officer, '17 May 1980'), 'people'), new RegExp(ids.geoffrey!));
  });

  test('an identifier finds its person', async () => {
    assert.match(section(await results(officer, '943 476 5919'), 'people'), new RegExp(ids.geoffrey!));
  });
});

describe('the two ways search_person_ids works', () => {
  // Small organisations' people are scored one by one; large ones go through the name indexes. The
  // test database is small, so the setting forces the index-driven way to check it finds the same.
  const CASES: [string | null, string, string, string | null, boolean, string][] = [
    ['geoffrey', 'wolstenholme', 'geoffrey wolstenholme', null, true, 'geoffrey'],
    ['jeffrey', 'wolstenholme', 'jeffrey wolstenholme', null, true, 'geoffrey'],
    ['geofrey', 'wolstenholm', 'geofrey wolstenholm', null, true, 'geoffrey'],
    ['wolstenholme', 'geoffrey', 'wolstenholme geoffrey', null, true, 'geoffrey'],
    [null, 'wolstenholme', 'wolstenholme', null, false, 'geoffrey'],
    [null, 'wolsten', 'wolsten', null, false, 'geoffrey'],
    [null, 'geoffrey', 'geoffrey', null, false, 'geoffrey'],
    ['geoffrey', 'wolstenholme', 'geoffrey wolstenholme', '1980-05-17', true, 'geoffrey'],
    [null, 'dimbleby', 'dimbleby', null, false, 'marlene'],
    ['marlene', 'dimbelby', 'marlene dimbelby', null, true, 'marlene'],
  ];
  for (const scanBelow of ['5000', '0']) {
    test(`finds the same people ${scanBelow === '0' ? 'through the indexes' : 'scoring each visible person'}`, async () => {
      const o = await userId(ctx, 'officer@endeavour.demo');
      for (const [first, last, full, dob, either, expected] of CASES) {
        const rows = await withUser(ctx.database.db, o.id, async (tx) => {
          await sql`SELECT set_config('endeavour.search_scan_below', ${scanBelow}, true)`.execute(tx);
          return (await sql<{ person_id: string; score: number }>`SELECT person_id, score FROM search_person_ids(${ctx.demo.partnershipId}::uuid, ${first}::text, ${last}::text, ${full}::text, ${dob}::date, ${either})`.execute(tx)).rows;
        });
        assert.ok(rows.some((r) => r.person_id === ids[expected]), `${full} ${dob ?? ''} (scan below ${scanBelow})`);
      }
      const wrongDob = await withUser(ctx.database.db, o.id, async (tx) => {
        await sql`SELECT set_config('endeavour.search_scan_below', ${scanBelow}, true)`.execute(tx);
        return (await sql<{ person_id: string }>`SELECT person_id FROM search_person_ids(${ctx.demo.partnershipId}::uuid, NULL, 'wolstenholme', 'wolstenholme', '1980-05-18'::date, false)`.execute(tx)).rows;
      });
      assert.deepEqual(wrongDob, []);
    });
  }
});

describe('finding addresses, vehicles, incidents and cases', () => {
  test('a postcode in any form finds its addresses, the people who live there and incidents there', async () => {
    const body = await results(officer, postcode.toLowerCase().replace(' ', ''));
    assert.match(section(body, 'addresses'), new RegExp(postcode));
    assert.match(section(body, 'people'), new RegExp(ids.marlene!));
    assert.match(section(body, 'incidents'), new RegExp(ids.incident!));
    assert.match(section(await results(officer, 'meadow close loughborough'), 'addresses'), /Meadow Close, Loughborough/);
  });

  test('registration marks are matched however they are typed, and in part', async () => {
    for (const q of ['ab12cde', 'AB12 CDE', 'ab12-cde', '12CD']) assert.match(section(await results(officer, q), 'vehicles'), new RegExp(`/vehicles/${ids.vehicle}`), q);
    assert.match(section(await results(officer, 'AB12CDE'), 'vehicles'), /Blue Ford Fiesta/);
  });

  test('incidents by reference, crime number and police log number; cases by reference and title', async () => {
    for (const q of [incidentRef, incidentRef.toLowerCase(), `inc${Number(incidentRef.slice(4))}`, 'cr/123456/25', 'log-4471']) {
      assert.match(section(await results(officer, q), 'incidents'), new RegExp(`/incidents/${ids.incident}`), q);
    }
    for (const q of [caseRef, 'quarrymans', 'fly-tipping quarrymans']) assert.match(section(await results(officer, q), 'cases'), new RegExp(`/cases/${ids.case}`), q);
  });
});

describe('record-level security and audit', () => {
  const QUERIES = () => ['Geoffrey Wolstenholme', 'Dimbleby', '17/05/1980', '943 476 5919', postcode, 'AB12CDE', incidentRef, 'CR/123456/25', caseRef, 'quarrymans'];

  test('another organisation finds none of these records, though it finds the address', async () => {
    for (const q of QUERIES()) {
      const body = await results(police, q);
      for (const [key, id] of Object.entries(ids)) assert.doesNotMatch(body, new RegExp(id), `${q} revealed ${key}`);
    }
    assert.match(section(await results(police, postcode), 'addresses'), new RegExp(postcode), 'addresses are reference data');
  });

  test("the search functions called directly through the app's database role return only what the caller may see", async () => {
    const p = await userId(ctx, 'police@endeavour.demo');
    const o = await userId(ctx, 'officer@endeavour.demo');
    const pid = ctx.demo.partnershipId;
    const call = (user: string, scanBelow: string) =>
      withUser(ctx.database.db, user, async (tx) => {
        await sql`SELECT set_config('endeavour.search_scan_below', ${scanBelow}, true)`.execute(tx);
        return {
          people: (await sql<{ person_id: string }>`SELECT person_id FROM search_person_ids(${pid}::uuid, NULL, 'wolstenholme', 'wolstenholme', NULL, false)`.execute(tx)).rows,
          aliases: (await sql<{ person_id: string }>`SELECT person_id FROM search_person_ids(${pid}::uuid, 'marlene', 'dimbleby', 'marlene dimbleby', NULL, true)`.execute(tx)).rows,
          vehicles: (await sql<{ vehicle_id: string }>`SELECT vehicle_id FROM search_vehicle_ids(${pid}::uuid, 'B12C')`.execute(tx)).rows,
          cases: (await sql<{ case_id: string }>`SELECT case_id FROM search_case_ids(${pid}::uuid, ARRAY['quarrymans'])`.execute(tx)).rows,
        };
      });
    for (const scanBelow of ['5000', '0']) {
      assert.deepEqual(await call(p.id, scanBelow), { people: [], aliases: [], vehicles: [], cases: [] }, scanBelow);
      const mine = await call(o.id, scanBelow);
      assert.ok(mine.people.some((r) => r.person_id === ids.geoffrey));
      assert.ok(mine.aliases.some((r) => r.person_id === ids.marlene));
      assert.deepEqual(mine.vehicles.map((r) => r.vehicle_id), [ids.vehicle]);
      assert.deepEqual(mine.cases.map((r) => r.case_id), [ids.case]);
    }
  });

  test('once a person is shared, the other organisation finds them; the rest stay hidden', async () => {
    const p = await userId(ctx, 'police@endeavour.demo');
    await officer.get(`/people/${ids.geoffrey}/share`);
    const res = await officer.post(`/people/${ids.geoffrey}/share`, { target_kind: 'organisation', target_organisation: p.organisation_id, access: 'view', reason: 'Joint case under the ISA' });
    assert.equal(res.statusCode, 302);
    const body = await results(police, 'Jeffrey Wolstenholme');
    assert.match(section(body, 'people'), new RegExp(ids.geoffrey!));
    assert.match(section(body, 'people'), /Shared with you/);
    assert.doesNotMatch(await results(police, 'Dimbleby'), new RegExp(ids.marlene!));
  });

  test('each search is audited as a list with counts, never the words searched for', async () => {
    const before = (await auditRows(ctx, { action: 'list' })).filter((r) => r.record_type === 'search').length;
    await results(officer, 'Geoffrey Wolstenholme');
    const rows = (await auditRows(ctx, { action: 'list' })).filter((r) => r.record_type === 'search');
    assert.equal(rows.length, before + 1);
    const last = rows.at(-1)!;
    assert.equal(last.details.searched, true);
    assert.ok(Number(last.details.people) >= 1);
    for (const r of rows) assert.doesNotMatch(JSON.stringify(r.details), /wolstenholme|geoffrey|dimbleby|AB12|quarrymans|CR\/|\d{2}\/\d{2}\/\d{4}/i);
  });

  test('odd input is searched safely', async () => {
    for (const q of ['%', '_', "'", '\\', '"; DROP TABLE people; --', 'x'.repeat(500), 'Zoë Ångström', '日本', '   ', ', ,', '0', '()']) {
      const r = await officer.get(`/search?q=${encodeURIComponent(q)}`);
      assert.equal(r.statusCode, 200, q);
    }
    const page = await officer.get('/search');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Search people, addresses, vehicles, incidents and cases/);
    const arr = await officer.get('/search?q=a&q=b');
    assert.equal(arr.statusCode, 200);
  });
});
