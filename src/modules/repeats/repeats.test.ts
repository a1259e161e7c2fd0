// Repeat victims across organisations: the third incident (one of them recorded by an organisation
// the recording user cannot see) raises the flag on the incident, the person and the case and lists
// it for the coordinator; two do not, and an incident outside the window does not count. Row-level
// security on the flags by route and by direct query through the app role, the rules page and its
// audit, and the "vulnerable / repeat" marker wherever the person appears.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import {
  createTestApp,
  signIn,
  userId,
  auditRows,
  type TestContext,
  type Browser,
} from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';
import type { Actor } from '../../platform/http/context.ts';
import { createCase } from '../cases/service.ts';
import { removePerson } from '../incidents/service.ts';
import { actorFor, daysAgo, record } from './test-support.ts';
import { recountPeople } from './service.ts';

let ctx: TestContext;
let officer: Browser; // Charnwood Borough Council
let coordinator: Browser; // Hinckley and Bosworth Borough Council
let police: Browser;
let fire: Browser;
let admin: Browser;
const actors = {} as Record<'officer' | 'manager' | 'police', Actor>;
const ids = {} as {
  person: string;
  other: string;
  police: string;
  hbbc: string;
  first: string;
  second: string;
  third: string;
  caseId: string;
};

const db = () => ctx.database.db;
const idFrom = (res: { headers: Record<string, unknown> }) => String(res.headers.location).split('/').pop()!;
const flagOf = (personId: string, kind = 'victim') =>
  db()
    .selectFrom('repeat_flags')
    .selectAll()
    .where('person_id', '=', personId)
    .where('kind', '=', kind as 'victim')
    .executeTakeFirst();

async function addPerson(first: string, last: string) {
  await officer.get('/people/new');
  const res = await officer.post('/people', { first_name: first, last_name: last });
  assert.equal(res.statusCode, 302);
  return idFrom(res);
}

async function shareWith(personId: string, organisationId: string) {
  await officer.get(`/people/${personId}/share`);
  const res = await officer.post(`/people/${personId}/share`, {
    target_kind: 'organisation',
    target_organisation: organisationId,
    access: 'view',
    reason: 'Partnership ISA: joint ASB work',
  });
  assert.equal(res.statusCode, 302);
}

before(async () => {
  ctx = await createTestApp();
  officer = await signIn(ctx, 'officer@endeavour.demo');
  coordinator = await signIn(ctx, 'coordinator@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
  fire = await signIn(ctx, 'fire@endeavour.demo');
  admin = await signIn(ctx, 'admin@endeavour.demo');
  actors.officer = await actorFor(ctx, 'officer@endeavour.demo');
  actors.manager = await actorFor(ctx, 'manager@endeavour.demo');
  actors.police = await actorFor(ctx, 'police@endeavour.demo');
  ids.police = (await userId(ctx, 'police@endeavour.demo')).organisation_id;
  ids.hbbc = (await userId(ctx, 'coordinator@endeavour.demo')).organisation_id;
  ids.person = await addPerson('Ottoline', 'Quaybridge');
  ids.other = await addPerson('Barnaby', 'Yellowhammer');
  // The police and the coordinator's council may see the person, not each other's incidents.
  await shareWith(ids.person, ids.police);
  await shareWith(ids.person, ids.hbbc);
});

after(() => ctx.close());

test('two incidents as victim within twelve months raise no flag', async () => {
  ids.first = (
    await record(ctx, actors.police, { ago: 100, people: [{ id: ids.person, role: 'victim' }] })
  ).id;
  ids.second = (
    await record(ctx, actors.officer, { ago: 60, people: [{ id: ids.person, role: 'victim' }] })
  ).id;
  assert.equal(await flagOf(ids.person), undefined);
  const page = await officer.get(`/people/${ids.person}`);
  assert.equal(page.statusCode, 200);
  assert.doesNotMatch(page.body, /data-qa="repeat-flags"/);
  assert.doesNotMatch(page.body, /data-qa="person-marker"/);
});

test('a third, recorded by another user, raises the repeat victim flag counting the incident the recorder cannot see', async () => {
  // The officer's organisation cannot see the police incident...
  assert.equal((await officer.get(`/incidents/${ids.first}`)).statusCode, 404);
  // ...but it counts: the manager's incident is the third.
  ids.third = (
    await record(ctx, actors.manager, { ago: 20, people: [{ id: ids.person, role: 'victim' }] })
  ).id;
  const flag = await flagOf(ids.person);
  assert.ok(flag, 'a flag is raised');
  assert.equal(flag.incident_count, 3);
  assert.ok(flag.expires_at > new Date(), 'the flag is active');
  // It became a repeat when the third incident happened, and lasts until the first leaves the window.
  assert.ok(Math.abs(new Date(flag.first_qualified_at).getTime() - daysAgo(20).getTime()) < 86_400_000);
  const expectedEnd = new Date(daysAgo(100));
  expectedEnd.setMonth(expectedEnd.getMonth() + 12);
  assert.ok(Math.abs(new Date(flag.expires_at).getTime() - expectedEnd.getTime()) < 2 * 86_400_000);
  const raised = (await auditRows(ctx, { action: 'create', recordId: flag.id })).filter(
    (r) => r.record_type === 'repeat_flag',
  );
  assert.equal(raised.length, 1);
  assert.equal(raised[0]!.actor_user_id, actors.manager.userId);
  assert.equal(raised[0]!.details.incident_id, ids.third);
});

test('the flag shows on the incident, the person and the case', async () => {
  const incident = await officer.get(`/incidents/${ids.third}`);
  assert.equal(incident.statusCode, 200);
  assert.match(incident.body, /data-qa="repeat-flag-victim"/);
  assert.match(
    incident.body,
    /3 incidents as victim in 12 months across the partnership\s*\(2 you can see\)/,
  );
  assert.match(incident.body, /data-qa="person-marker"[\s\S]*?Repeat victim/);
  // The earlier incident, counted towards the flag, shows it too.
  assert.match((await officer.get(`/incidents/${ids.second}`)).body, /data-qa="repeat-flag-victim"/);
  // The police see the flag on their own incident, with the one incident they can open.
  const policePage = await police.get(`/incidents/${ids.first}`);
  assert.match(
    policePage.body,
    /3 incidents as victim in 12 months across the partnership\s*\(1 you can see\)/,
  );

  const person = await officer.get(`/people/${ids.person}`);
  assert.match(person.body, /data-qa="repeat-flags"/);
  assert.match(person.body, /<strong class="govuk-tag govuk-tag--orange">Repeat victim<\/strong>/);
  assert.match(person.body, /Repeat victim: 3 incidents in 12 months across the partnership/);

  const created = await createCase(
    db(),
    actors.officer,
    {
      case_type_id: (
        await db()
          .selectFrom('case_types')
          .select('id')
          .where('partnership_id', '=', actors.officer.partnershipId)
          .executeTakeFirstOrThrow()
      ).id,
      title: 'Harassment of a resident',
      summary: null,
      lead_officer_id: actors.officer.userId,
      supervisor_id: null,
      priority: 'standard',
      review_date: null,
    },
    [ids.third],
  );
  ids.caseId = created.id;
  const casePage = await officer.get(`/cases/${ids.caseId}`);
  assert.equal(casePage.statusCode, 200);
  assert.match(casePage.body, /data-qa="case-repeat-victim"/);
  assert.match(casePage.body, /data-qa="case-people"[\s\S]*data-qa="person-marker"/);
  // Every section of the case says so in its header.
  assert.match((await officer.get(`/cases/${ids.caseId}/notes`)).body, /data-qa="case-repeat-victim"/);
});

test('the coordinator lists repeat victims they may see; others see only what they may', async () => {
  const list = await coordinator.get('/repeats');
  assert.equal(list.statusCode, 200);
  assert.match(list.body, /QUAYBRIDGE, Ottoline/);
  assert.match(list.body, /3 in 12 months/);
  const victims = await coordinator.get('/repeats?kind=victim');
  assert.match(victims.body, /QUAYBRIDGE, Ottoline/);
  const perpetrators = await coordinator.get('/repeats?kind=perpetrator');
  assert.doesNotMatch(perpetrators.body, /QUAYBRIDGE/);
  const bad = await coordinator.get('/repeats?kind=nonsense');
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /govuk-error-summary/);
  // The analyst's organisation was not given the person: no row, and no name.
  const analyst = await signIn(ctx, 'analyst@endeavour.demo');
  const theirs = await analyst.get('/repeats');
  assert.equal(theirs.statusCode, 200);
  assert.doesNotMatch(theirs.body, /Quaybridge|QUAYBRIDGE/);
  // Partner users have no coordinator's list at all.
  assert.equal((await fire.get('/repeats')).statusCode, 403);
  assert.doesNotMatch((await fire.get('/')).body, /href="\/repeats"/);
  assert.match((await coordinator.get('/')).body, /href="\/repeats"/);
  const listed = (await auditRows(ctx, { action: 'list' })).filter((r) => r.record_type === 'repeat_flag');
  assert.ok(listed.length >= 3);
});

test('an incident outside the window does not count', async () => {
  await record(ctx, actors.officer, { ago: 400, people: [{ id: ids.other, role: 'victim' }] });
  await record(ctx, actors.officer, { ago: 30, people: [{ id: ids.other, role: 'victim' }] });
  await record(ctx, actors.manager, { ago: 10, people: [{ id: ids.other, role: 'victim' }] });
  assert.equal(await flagOf(ids.other), undefined);
  await record(ctx, actors.officer, { ago: 5, people: [{ id: ids.other, role: 'victim' }] });
  const flag = await flagOf(ids.other);
  assert.equal(flag?.incident_count, 3);
});

test('taking the victim off an incident recounts, and the flag ends', async () => {
  const link = await db()
    .selectFrom('incident_people')
    .select('id')
    .where('incident_id', '=', ids.third)
    .where('person_id', '=', ids.person)
    .executeTakeFirstOrThrow();
  assert.equal(await removePerson(db(), actors.manager, ids.third, link.id), 'ok');
  const flag = await flagOf(ids.person);
  assert.ok(flag && flag.expires_at <= new Date(), 'the flag has ended');
  assert.equal(flag.incident_count, 2);
  assert.doesNotMatch((await officer.get(`/people/${ids.person}`)).body, /data-qa="repeat-flags"/);
  assert.match((await coordinator.get('/repeats?status=expired')).body, /QUAYBRIDGE, Ottoline/);
  const ended = (await auditRows(ctx, { action: 'update', recordId: flag.id })).filter(
    (r) => r.details.change === 'expired',
  );
  assert.equal(ended.length, 1);
  // Put back, it is a repeat again from that incident.
  await withUser(db(), actors.manager.userId, (tx) =>
    tx
      .insertInto('incident_people')
      .values({ incident_id: ids.third, person_id: ids.person, role: 'victim' })
      .execute(),
  );
  await withUser(db(), actors.manager.userId, (tx) =>
    sql`SELECT * FROM repeat_evaluate_incident(${ids.third}::uuid)`.execute(tx),
  );
  assert.ok((await flagOf(ids.person))!.expires_at > new Date());
});

test('people are recounted when incidents move between them without an incident changing (a merge)', async () => {
  const kept = await addPerson('Winifred', 'Holloway');
  const duplicate = await addPerson('Winnie', 'Holloway');
  await record(ctx, actors.officer, { ago: 90, people: [{ id: kept, role: 'victim' }] });
  await record(ctx, actors.officer, { ago: 50, people: [{ id: kept, role: 'victim' }] });
  await record(ctx, actors.manager, { ago: 15, people: [{ id: duplicate, role: 'victim' }] });
  assert.equal(await flagOf(kept), undefined);
  // What a merge does to the links, then asks for a recount.
  await db()
    .updateTable('incident_people')
    .set({ person_id: kept })
    .where('person_id', '=', duplicate)
    .execute();
  const changes = await withUser(db(), actors.officer.userId, (tx) =>
    recountPeople(tx, actors.officer, [kept, duplicate]),
  );
  assert.deepEqual(
    changes.map((c) => [c.flag_kind, c.change]),
    [['victim', 'raised']],
  );
  assert.equal((await flagOf(kept))?.incident_count, 3);
  // Someone who may not see the people cannot have them recounted.
  await db()
    .updateTable('incident_people')
    .set({ person_id: duplicate })
    .where('person_id', '=', kept)
    .where(
      'incident_id',
      'in',
      db().selectFrom('incidents').select('id').where('created_by', '=', actors.manager.userId),
    )
    .execute();
  assert.deepEqual(
    await withUser(db(), actors.police.userId, (tx) => recountPeople(tx, actors.police, [kept])),
    [],
  );
  assert.ok((await flagOf(kept))!.expires_at > new Date());
});

test("a query through the app's database role sees flags only with their subject, and cannot write them", async () => {
  const fireUser = await userId(ctx, 'fire@endeavour.demo');
  const seen = (u: string) =>
    withUser(db(), u, (tx) => tx.selectFrom('repeat_flags').select(['id', 'person_id']).execute());
  assert.ok((await seen(actors.officer.userId)).some((f) => f.person_id === ids.person));
  assert.deepEqual(await seen(fireUser.id), []);
  // The officer sees the flag's incidents they may see (two of three), the fire service none.
  const flag = (await flagOf(ids.person))!;
  const members = (u: string) =>
    withUser(db(), u, (tx) =>
      tx.selectFrom('repeat_flag_incidents').select('incident_id').where('flag_id', '=', flag.id).execute(),
    );
  assert.equal((await members(actors.officer.userId)).length, 2);
  assert.equal((await members(actors.police.userId)).length, 1);
  assert.equal((await members(fireUser.id)).length, 0);
  // Only the counting functions write flags.
  await assert.rejects(
    withUser(db(), actors.officer.userId, (tx) =>
      tx
        .insertInto('repeat_flags')
        .values({
          partnership_id: actors.officer.partnershipId,
          kind: 'victim',
          subject_key: ids.other,
          person_id: ids.other,
          first_qualified_at: new Date(),
          last_incident_at: new Date(),
          expires_at: new Date(),
          incident_count: 9,
          threshold: 3,
          window_months: 12,
        })
        .execute(),
    ),
    /permission denied/,
  );
  await assert.rejects(
    withUser(db(), actors.officer.userId, (tx) => tx.deleteFrom('repeat_flags').execute()),
    /permission denied/,
  );
  await assert.rejects(
    withUser(db(), actors.officer.userId, (tx) =>
      sql`SELECT * FROM repeat_refresh(${actors.officer.partnershipId}::uuid, 'victim', NULL)`.execute(tx),
    ),
    /permission denied/,
  );
  // Asking to evaluate an incident one cannot see does nothing.
  const r = await withUser(db(), fireUser.id, (tx) =>
    sql`SELECT * FROM repeat_evaluate_incident(${ids.first}::uuid)`.execute(tx),
  );
  assert.equal(r.rows.length, 0);
  // Rules: readable in one's own partnership, changed only by its administrators.
  const rules = await withUser(db(), actors.officer.userId, (tx) =>
    tx.selectFrom('repeat_rules').selectAll().execute(),
  );
  assert.equal(rules.length, 1);
  const changed = await withUser(db(), actors.officer.userId, (tx) =>
    tx.updateTable('repeat_rules').set({ victim_threshold: 2 }).executeTakeFirst(),
  );
  assert.equal(Number(changed.numUpdatedRows), 0);
});

test('changing the rules is audited and recounts every flag', async () => {
  const page = await admin.get('/admin/repeat-rules');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /name="victim_threshold"[^>]*value="3"/);
  const form = {
    version: /name="version" value="(\d+)"/.exec(page.body)![1]!,
    victim_threshold: '4',
    victim_window_months: '12',
    location_threshold: '3',
    location_window_months: '12',
    perpetrator_threshold: '3',
    perpetrator_window_months: '12',
    link_window_days: '7',
    link_radius_metres: '50',
    link_same_street: 'yes',
  };
  const saved = await admin.post('/admin/repeat-rules', form);
  assert.equal(saved.statusCode, 302);
  const audited = (await auditRows(ctx, { action: 'admin_update' })).filter(
    (r) => r.record_type === 'repeat_rules',
  );
  assert.equal(audited.length, 1);
  assert.deepEqual(audited[0]!.details.fields, ['victim_threshold']);
  assert.deepEqual(audited[0]!.details.to, { victim_threshold: 4 });
  // Three incidents no longer make a repeat victim.
  assert.ok((await flagOf(ids.person))!.expires_at <= new Date());
  // Someone else's stale form is shown what is saved now, not saved over it.
  const stale = await admin.post('/admin/repeat-rules', { ...form, victim_threshold: '5' });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /Someone else changed the rules/);
  assert.match(stale.body, /Repeat victim: 4 in 12 months/);
  // Bad input: GOV.UK errors, what was typed kept, nothing saved.
  const bad = await admin.post('/admin/repeat-rules', {
    ...form,
    version: String(Number(form.version) + 1),
    victim_threshold: 'lots',
    link_radius_metres: '9999',
  });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Enter how many incidents make a repeat victim, from 2 to 20/);
  assert.match(bad.body, /Enter a distance in whole metres, from 0 to 500/);
  assert.match(bad.body, /value="lots"/);
  // Back to three: the flag is raised again.
  const back = await admin.post('/admin/repeat-rules', {
    ...form,
    version: String(Number(form.version) + 1),
    victim_threshold: '3',
  });
  assert.equal(back.statusCode, 302);
  assert.ok((await flagOf(ids.person))!.expires_at > new Date());
  // Only partnership administrators reach the page.
  assert.equal((await officer.get('/admin/repeat-rules')).statusCode, 403);
  assert.equal((await officer.post('/admin/repeat-rules', form)).statusCode, 403);
});

test('the vulnerable / repeat marker shows wherever the person appears', async () => {
  await db()
    .updateTable('people')
    .set({ vulnerabilities: ['disability'] })
    .where('id', '=', ids.person)
    .execute();
  const page = await officer.get(`/people/${ids.person}`);
  assert.match(page.body, /<strong class="govuk-tag govuk-tag--red">Vulnerable, repeat victim<\/strong>/);
  assert.match(
    page.body,
    /data-qa="marker-reasons"[\s\S]*Disability[\s\S]*Repeat victim: 3 incidents in 12 months/,
  );
  const list = await officer.get('/people?q=Quaybridge');
  assert.match(
    list.body,
    /QUAYBRIDGE, Ottoline<\/a> <span class="app-person-marker" data-qa="person-marker"> <strong class="govuk-tag govuk-tag--red">Vulnerable, repeat victim<span class="govuk-visually-hidden">: Disability; Repeat victim/,
  );
  const search = await officer.get('/search?q=Ottoline%20Quaybridge');
  assert.match(search.body, /data-qa="search-people"[\s\S]*Vulnerable, repeat victim/);
  const finder = await officer.get(`/incidents/${ids.second}/people/add?q=Quaybridge`);
  assert.match(finder.body, /QUAYBRIDGE, Ottoline[\s\S]*Vulnerable, repeat victim/);
  // A person with nothing to mark has no marker.
  const plain = await addPerson('Cornelius', 'Plainfield');
  assert.doesNotMatch((await officer.get(`/people/${plain}`)).body, /data-qa="person-marker"/);
});
