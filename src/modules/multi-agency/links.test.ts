// One problem reported to several agencies: a police-sourced and a council-sourced incident at one
// address within the window are linked when recorded (not outside the window, nor both from one
// organisation); the same victim links them too; the incident page names the other agency, with
// details only for what the reader may see; analysis counts the problem once; repeat counts count it
// once; and row-level security holds on the links by direct query through the app role.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, signIn, auditRows, type TestContext, type Browser } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';
import type { Actor } from '../../platform/http/context.ts';
import { updateIncident } from '../incidents/service.ts';
import { actorFor, coreFor, described, record } from '../repeats/test-support.ts';

let ctx: TestContext;
let officer: Browser; // Charnwood Borough Council
let police: Browser;
const actors = {} as Record<'officer' | 'manager' | 'police' | 'fire', Actor>;
const ids = {} as {
  police: string;
  charnwood: string;
  policeAtHome: string;
  councilAtHome: string;
  victim: string;
};

const db = () => ctx.database.db;
const UPRN = {
  home: 990000001001,
  late: 990000001002,
  same: 990000001003,
  street: 990000001004,
  fresh: 990000001005,
};
const gazetteer = (uprn: number) => ({ kind: 'gazetteer' as const, uprn });
const problemOf = (id: string) =>
  db().selectFrom('incident_problems').select('problem_id').where('incident_id', '=', id).executeTakeFirst();
const linksOf = (id: string) =>
  db()
    .selectFrom('incident_agency_links')
    .selectAll()
    .where((eb) => eb.or([eb('incident_id', '=', id), eb('other_incident_id', '=', id)]))
    .execute();

before(async () => {
  ctx = await createTestApp();
  officer = await signIn(ctx, 'officer@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
  actors.officer = await actorFor(ctx, 'officer@endeavour.demo');
  actors.manager = await actorFor(ctx, 'manager@endeavour.demo');
  actors.police = await actorFor(ctx, 'police@endeavour.demo');
  actors.fire = await actorFor(ctx, 'fire@endeavour.demo');
  ids.police = actors.police.organisationId;
  ids.charnwood = actors.officer.organisationId;
  const area = await db()
    .selectFrom('areas')
    .select('id')
    .where('ons_code', '=', 'E07000130')
    .executeTakeFirstOrThrow();
  await db()
    .insertInto('gazetteer_addresses')
    .values(
      Object.values(UPRN).map((uprn, n) => ({
        partnership_id: ctx.demo.partnershipId,
        uprn,
        line_1: `${n + 1} Wrenfield Terrace`,
        line_2: null,
        line_3: null,
        town: 'Loughborough',
        postcode: 'LE11 9ZY',
        postcode_key: 'LE119ZY',
        easting: 453000 + n * 200,
        northing: 319000,
        latitude: 52.76 + n / 1000,
        longitude: -1.21,
        area_id: area.id,
        ward_id: null,
        single_line: `${n + 1} Wrenfield Terrace, Loughborough, LE11 9ZY`,
      })),
    )
    .execute();
  await officer.get('/people/new');
  const res = await officer.post('/people', { first_name: 'Philippa', last_name: 'Marchbank' });
  ids.victim = String(res.headers.location).split('/').pop()!;
  await officer.get(`/people/${ids.victim}/share`);
  await officer.post(`/people/${ids.victim}/share`, {
    target_kind: 'organisation',
    target_organisation: ids.police,
    access: 'view',
    reason: 'Partnership ISA',
  });
});

after(() => ctx.close());

test('a police-sourced and a council-sourced incident at one address within the window are linked as one problem', async () => {
  ids.policeAtHome = (await record(ctx, actors.police, { ago: 10, location: gazetteer(UPRN.home) })).id;
  assert.equal(await problemOf(ids.policeAtHome), undefined);
  ids.councilAtHome = (await record(ctx, actors.officer, { ago: 6, location: gazetteer(UPRN.home) })).id;
  const links = await linksOf(ids.councilAtHome);
  assert.equal(links.length, 1);
  assert.equal(links[0]!.basis, 'place');
  const a = await problemOf(ids.policeAtHome);
  const b = await problemOf(ids.councilAtHome);
  assert.ok(a && b && a.problem_id === b.problem_id);
  const audited = (await auditRows(ctx, { action: 'create', recordId: ids.councilAtHome })).filter(
    (r) => r.record_type === 'incident_link',
  );
  assert.equal(audited.length, 1);
  assert.equal(audited[0]!.details.links_added, 1);
});

test('the incident page names the other agency, with details only when the reader may see them', async () => {
  const policeRef = (
    await db()
      .selectFrom('incidents')
      .select('reference')
      .where('id', '=', ids.policeAtHome)
      .executeTakeFirstOrThrow()
  ).reference;
  const page = await officer.get(`/incidents/${ids.councilAtHome}`);
  assert.match(page.body, /data-qa="also-reported"/);
  assert.match(
    page.body,
    /Also reported to Leicestershire Police\s*<span class="govuk-body-s">– not shared with you/,
  );
  assert.doesNotMatch(page.body, new RegExp(policeRef));
  const theirs = await police.get(`/incidents/${ids.policeAtHome}`);
  assert.match(theirs.body, /Also reported to Charnwood Borough Council/);
  // Once the police share their incident, the council sees which one it is.
  await police.get(`/incidents/${ids.policeAtHome}/share`);
  const shared = await police.post(`/incidents/${ids.policeAtHome}/share`, {
    target_kind: 'organisation',
    target_organisation: ids.charnwood,
    access: 'view',
    reason: 'Partnership ISA',
  });
  assert.equal(shared.statusCode, 302);
  const after = await officer.get(`/incidents/${ids.councilAtHome}`);
  assert.match(
    after.body,
    new RegExp(
      `Also reported to Leicestershire Police \\(<a class="govuk-link" href="/incidents/${ids.policeAtHome}">${policeRef}</a>`,
    ),
  );
  assert.match(after.body, /same place/);
});

test('analysis counts the linked problem once', async () => {
  const counts = await withUser(db(), actors.officer.userId, (tx) =>
    sql<{ incidents: number; problems: number }>`
      SELECT count(*)::int AS incidents, count(DISTINCT problem_id)::int AS problems FROM incident_problem_keys
      WHERE incident_id IN (${ids.policeAtHome}, ${ids.councilAtHome})`.execute(tx),
  );
  assert.deepEqual(counts.rows[0], { incidents: 2, problems: 1 });
});

test('incidents further apart than the window, or both from one organisation, are not linked', async () => {
  await record(ctx, actors.police, { ago: 30, location: gazetteer(UPRN.late) });
  const late = await record(ctx, actors.officer, { ago: 10, location: gazetteer(UPRN.late) });
  assert.deepEqual(await linksOf(late.id), []);
  await record(ctx, actors.officer, { ago: 4, location: gazetteer(UPRN.same) });
  const same = await record(ctx, actors.manager, {
    ago: 3,
    location: gazetteer(UPRN.same),
    howReported: 'partner_referral',
  });
  assert.deepEqual(await linksOf(same.id), []);
  // What counts is the agency reported to: a council record of a report made to the police is the police's.
  const viaPolice = await record(ctx, actors.officer, {
    ago: 3,
    location: gazetteer(UPRN.same),
    sourceOrganisationId: ids.police,
    howReported: 'partner_referral',
  });
  assert.equal((await linksOf(viaPolice.id)).length, 2);
});

test('the same victim links reports to two agencies, and a repeat count counts the problem once', async () => {
  const first = await record(ctx, actors.police, {
    ago: 50,
    people: [{ id: ids.victim, role: 'victim' }],
    location: described('Outside the chip shop'),
  });
  const second = await record(ctx, actors.officer, {
    ago: 48,
    people: [
      { id: ids.victim, role: 'reporting_party' },
      { id: ids.victim, role: 'victim' },
    ],
    location: described('Rear of the parade'),
  });
  const links = await linksOf(second.id);
  assert.equal(links.length, 1);
  assert.equal(links[0]!.basis, 'person');
  assert.ok(links.some((l) => [l.incident_id, l.other_incident_id].includes(first.id)));
  await record(ctx, actors.officer, { ago: 20, people: [{ id: ids.victim, role: 'victim' }] });
  // Three incidents, two problems: not yet a repeat victim.
  assert.equal(
    await db().selectFrom('repeat_flags').select('id').where('person_id', '=', ids.victim).executeTakeFirst(),
    undefined,
  );
  await record(ctx, actors.manager, { ago: 2, people: [{ id: ids.victim, role: 'victim' }] });
  const flag = await db()
    .selectFrom('repeat_flags')
    .selectAll()
    .where('person_id', '=', ids.victim)
    .executeTakeFirstOrThrow();
  assert.equal(flag.incident_count, 3);
});

test('a described place links by postcode and street, or by distance, when either has no UPRN', async () => {
  const council = await record(ctx, actors.officer, { ago: 15, location: gazetteer(UPRN.street) });
  const byStreet = await record(ctx, actors.police, {
    ago: 14,
    location: described('Outside 4 Wrenfield Tce', 'LE11 9ZY'),
  });
  assert.ok(
    (await linksOf(byStreet.id)).some((l) => [l.incident_id, l.other_incident_id].includes(council.id)),
  );
  const byPoint = await record(ctx, actors.police, {
    ago: 13,
    location: described('On the green opposite', null, { easting: 453620, northing: 319030 }),
  });
  assert.ok(
    (await linksOf(byPoint.id)).some((l) => [l.incident_id, l.other_incident_id].includes(council.id)),
  );
  const farAway = await record(ctx, actors.police, {
    ago: 13,
    location: described('By the bypass', null, { easting: 453900, northing: 319030 }),
  });
  assert.deepEqual(await linksOf(farAway.id), []);
});

test('moving an incident elsewhere unlinks it', async () => {
  const before = await db()
    .selectFrom('incidents')
    .select('version')
    .where('id', '=', ids.councilAtHome)
    .executeTakeFirstOrThrow();
  const r = await updateIncident(
    db(),
    actors.officer,
    ids.councilAtHome,
    before.version,
    coreFor(actors.officer, 6),
    described('The recreation ground'),
  );
  assert.equal(r.kind, 'ok');
  assert.deepEqual(await linksOf(ids.councilAtHome), []);
  assert.equal(await problemOf(ids.councilAtHome), undefined);
  assert.equal(await problemOf(ids.policeAtHome), undefined);
  assert.doesNotMatch((await officer.get(`/incidents/${ids.councilAtHome}`)).body, /data-qa="also-reported"/);
});

test("a query through the app's database role sees a link only with both incidents, and cannot write links", async () => {
  const p = await record(ctx, actors.police, { ago: 5, location: gazetteer(UPRN.fresh) });
  const c = await record(ctx, actors.officer, { ago: 4, location: gazetteer(UPRN.fresh) });
  assert.equal((await linksOf(c.id)).length, 1);
  const as = (a: Actor) =>
    withUser(db(), a.userId, (tx) =>
      tx
        .selectFrom('incident_agency_links')
        .selectAll()
        .where('other_incident_id', 'in', [p.id, c.id])
        .execute(),
    );
  // Each organisation sees only one of the two incidents, so neither sees the link itself.
  assert.deepEqual(await as(actors.officer), []);
  assert.deepEqual(await as(actors.police), []);
  const problems = (a: Actor) =>
    withUser(db(), a.userId, (tx) =>
      tx
        .selectFrom('incident_problems')
        .select('incident_id')
        .where('incident_id', 'in', [p.id, c.id])
        .execute(),
    );
  assert.deepEqual(
    (await problems(actors.officer)).map((r) => r.incident_id),
    [c.id],
  );
  assert.deepEqual(await problems(actors.fire), []);
  // The fire service cannot learn anything about an incident it cannot see.
  const siblings = await withUser(db(), actors.fire.userId, (tx) =>
    sql`SELECT * FROM incident_problem_siblings(${c.id}::uuid)`.execute(tx),
  );
  assert.equal(siblings.rows.length, 0);
  const linked = await withUser(db(), actors.fire.userId, (tx) =>
    sql<{ links_added: number }>`SELECT * FROM multi_agency_link_incident(${c.id}::uuid)`.execute(tx),
  );
  assert.equal(linked.rows.length, 0);
  // Only the linking function writes links.
  await assert.rejects(
    withUser(db(), actors.officer.userId, (tx) =>
      tx
        .insertInto('incident_agency_links')
        .values({
          incident_id: p.id < c.id ? p.id : c.id,
          other_incident_id: p.id < c.id ? c.id : p.id,
          partnership_id: actors.officer.partnershipId,
          basis: 'place',
        })
        .execute(),
    ),
    /permission denied/,
  );
  await assert.rejects(
    withUser(db(), actors.officer.userId, (tx) => tx.deleteFrom('incident_problems').execute()),
    /permission denied/,
  );
  await assert.rejects(
    withUser(db(), actors.officer.userId, (tx) =>
      sql`SELECT multi_agency_regroup(ARRAY[${c.id}::uuid])`.execute(tx),
    ),
    /permission denied/,
  );
});
