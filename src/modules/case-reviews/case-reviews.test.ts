// ASB Case Review: the threshold alert raised when an incident is recorded (counting the whole
// partnership's incidents, revealing none the user cannot see), dismissing it, the review from
// application to closure through its routes with working-day deadlines, optimistic concurrency, the
// partnership's settings, and record-level security by route and by direct query, with the audit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, signIn, userId, auditRows, type TestContext, type Browser } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { addWorkingDays, todayInLondon } from './working-days.ts';
import { recheckPartnership } from './service.ts';

let ctx: TestContext;
let officer: Browser; // Charnwood Borough Council, case officer
let coordinator: Browser; // Hinckley and Bosworth, coordinator
let police: Browser; // Leicestershire Police
let admin: Browser; // partnership administrator
let board: Browser; // read-only
const ids = {} as {
  partnership: string;
  charnwood: string;
  police: string;
  noise: string;
  quiet: string; // two complaints in the window and one older: no alert
  repeat: string; // three complaints, one held only by the police
  hated: string; // one hate-motivated complaint (local threshold)
  hiddenIncident: { id: string; reference: string };
  alert: string;
  counted: string[]; // the complaints the officer can see that the alert counted
  review: string;
};

const DAY = 86_400_000;
const db = () => ctx.database.db;
const idFrom = (res: { headers: Record<string, unknown> }) => /\/([0-9a-f-]{36})(?:$|[/?#])/.exec(String(res.headers.location))![1]!;
const ymd = (iso: string) => {
  const [y, m, d] = iso.split('-');
  return { day: String(Number(d)), month: String(Number(m)), year: y! };
};
const dateFields = (prefix: string, iso: string) => {
  const d = ymd(iso);
  return { [`${prefix}-day`]: d.day, [`${prefix}-month`]: d.month, [`${prefix}-year`]: d.year };
};
const daysAgo = (n: number) => new Date(Date.parse(`${todayInLondon()}T12:00:00Z`) - n * DAY).toISOString().slice(0, 10);

async function person(first: string, last: string, ownerEmail = 'officer@endeavour.demo') {
  const u = await userId(ctx, ownerEmail);
  const row = await db()
    .insertInto('people')
    .values({ partnership_id: ids.partnership, owner_organisation_id: u.organisation_id, first_name: first, last_name: last, created_by: u.id, updated_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** History: an incident recorded before this test, straight into the database (no checks run). */
async function pastIncident(ownerEmail: string, personId: string, days: number, opts: { hate?: boolean; role?: 'victim' | 'reporting_party' | 'witness' } = {}) {
  const u = await userId(ctx, ownerEmail);
  const at = new Date(Date.now() - days * DAY);
  const row = await db()
    .insertInto('incidents')
    .values({
      partnership_id: ids.partnership,
      owner_organisation_id: u.organisation_id,
      occurred_from: at,
      reported_at: at,
      how_reported: 'council_phone',
      category: 'personal',
      description: 'Shouting at the victim over the garden fence',
      location_text: 'Elder Close',
      hate: opts.hate ?? false,
      created_by: u.id,
      updated_at: new Date(),
    })
    .returning(['id', 'reference'])
    .executeTakeFirstOrThrow();
  await db().insertInto('incident_people').values({ incident_id: row.id, person_id: personId, role: opts.role ?? 'victim' }).execute();
  return row;
}

/** Records an incident about a person through the incident form, as a user would. */
async function recordIncident(b: Browser, personId: string, extra: Record<string, string | string[]> = {}) {
  await b.get('/incidents/new');
  const res = await b.post('/incidents', {
    ...dateFields('occurred', daysAgo(1)),
    occurred_time: '21:30',
    ...dateFields('reported', todayInLondon()),
    reported_time: '',
    how_reported: 'council_phone',
    source_organisation_id: ids.charnwood,
    asb_type_id: ids.noise,
    category: '',
    description: 'Banging on the door and shouting abuse late at night.',
    location_text: 'Elder Close',
    location_postcode: '',
    consent_to_share: 'yes',
    consent_to_refer: 'not_asked',
    person_pick: personId,
    person_role: 'victim',
    ...extra,
  });
  assert.equal(res.statusCode, 302, res.body.slice(0, 2000));
  return idFrom(res);
}

const alertsOf = (personId: string) => db().selectFrom('case_review_alerts').selectAll().where('person_id', '=', personId).orderBy('raised_at').execute();
const reviewRow = (id: string) => db().selectFrom('case_reviews').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

before(async () => {
  ctx = await createTestApp();
  officer = await signIn(ctx, 'officer@endeavour.demo');
  coordinator = await signIn(ctx, 'coordinator@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
  admin = await signIn(ctx, 'admin@endeavour.demo');
  board = await signIn(ctx, 'board@endeavour.demo');
  ids.partnership = ctx.demo.partnershipId;
  ids.charnwood = (await userId(ctx, 'officer@endeavour.demo')).organisation_id;
  ids.police = (await userId(ctx, 'police@endeavour.demo')).organisation_id;
  ids.noise = (await db().selectFrom('asb_types').select('id').where('name', '=', 'Noise').where('partnership_id', '=', ids.partnership).executeTakeFirstOrThrow()).id;
  ids.quiet = await person('Orla', 'Quennell');
  ids.repeat = await person('Bartholomew', 'Ashgrove');
  ids.hated = await person('Ines', 'Okonkwo-Reyes');
});

after(() => ctx.close());

// --- the alert ------------------------------------------------------------------------------------

test('two complaints in six months raise no alert, and complaints older than six months do not count', async () => {
  await pastIncident('officer@endeavour.demo', ids.quiet, 200); // more than six months ago
  await pastIncident('officer@endeavour.demo', ids.quiet, 40, { role: 'reporting_party' });
  await pastIncident('officer@endeavour.demo', ids.quiet, 30, { role: 'witness' }); // a witness does not complain
  await recordIncident(officer, ids.quiet);
  assert.equal((await alertsOf(ids.quiet)).length, 0);
  const page = await officer.get(`/people/${ids.quiet}`);
  assert.doesNotMatch(page.body, /Case Review threshold met/);
});

test('a third complaint raises the alert, counting an incident the recording user cannot see without revealing it', async () => {
  ids.hiddenIncident = await pastIncident('police@endeavour.demo', ids.repeat, 60); // the police's alone
  ids.counted = [(await pastIncident('officer@endeavour.demo', ids.repeat, 20)).id];
  const incidentId = await recordIncident(officer, ids.repeat);
  ids.counted.push(incidentId);
  const alerts = await alertsOf(ids.repeat);
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]!.complaints, 3);
  assert.deepEqual(alerts[0]!.rules, ['complaints']);
  assert.equal(alerts[0]!.incident_id, incidentId);
  ids.alert = alerts[0]!.id;
  // Shown on the person page, the incident page and the coordinator's list...
  const personPage = await officer.get(`/people/${ids.repeat}`);
  assert.match(personPage.body, /Case Review threshold met/);
  assert.match(personPage.body, /made 3 complaints about anti-social behaviour/);
  assert.match(personPage.body, new RegExp(`href="/case-reviews/new\\?alert=${ids.alert}"`));
  const incidentPage = await officer.get(`/incidents/${incidentId}`);
  assert.match(incidentPage.body, /Case Review threshold met/);
  assert.match(incidentPage.body, /Bartholomew Ashgrove<\/a> has made 3 complaints/);
  const list = await officer.get('/case-reviews/alerts');
  assert.match(list.body, /Bartholomew Ashgrove/);
  // ...but nothing about the police's incident beyond the count.
  for (const body of [personPage.body, incidentPage.body, list.body, (await officer.get(`/case-reviews/new?alert=${ids.alert}`)).body]) {
    assert.doesNotMatch(body, new RegExp(ids.hiddenIncident.reference));
    assert.doesNotMatch(body, new RegExp(ids.hiddenIncident.id));
  }
  // The raising is audited as done by the recording officer.
  const audit = await auditRows(ctx, { action: 'create', recordId: ids.alert });
  assert.equal(audit.length, 1);
  assert.equal(audit[0]!.record_type, 'case_review_alert');
  assert.equal(audit[0]!.actor_user_id, (await userId(ctx, 'officer@endeavour.demo')).id);
  // The holding organisation's manager is told, in neutral words.
  const m = await userId(ctx, 'manager@endeavour.demo');
  const told = await withUser(ctx.database.db, m.id, (tx) => tx.selectFrom('notifications').select(['kind', 'title', 'href']).where('record_id', '=', ids.alert).execute());
  assert.deepEqual(told, [{ kind: 'case_review_alert', title: 'A Case Review threshold has been met', href: '/case-reviews/alerts' }]);
});

test('the alert is not raised twice for the same window', async () => {
  const fourth = await recordIncident(officer, ids.repeat);
  assert.equal((await alertsOf(ids.repeat)).length, 1);
  // Changing an incident runs the check again, still without a second alert.
  const u = await userId(ctx, 'officer@endeavour.demo');
  const { afterIncidentChange } = await import('../incidents/after-change.ts');
  const actor = { userId: u.id, organisationId: u.organisation_id, partnershipId: ids.partnership, ip: '127.0.0.1' } as Parameters<typeof afterIncidentChange>[1];
  await withUser(db(), u.id, (tx) => afterIncidentChange(tx, actor, fourth));
  assert.equal((await alertsOf(ids.repeat)).length, 1);
});

test('incidents loaded without the check (the demo, imports) are checked for the whole partnership at set-up, once', async () => {
  const loaded = await person('Gwendolyn', 'Marchbanks');
  for (const days of [90, 60, 30]) await pastIncident('police@endeavour.demo', loaded, days);
  const first = await recheckPartnership(db(), ids.partnership);
  assert.ok(first >= 1);
  const alerts = await alertsOf(loaded);
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]!.complaints, 3);
  assert.equal(await recheckPartnership(db(), ids.partnership), 0, 'a second run raises nothing new');
  const audited = await auditRows(ctx, { action: 'create', recordId: alerts[0]!.id });
  assert.equal(audited.length, 1);
  assert.equal(audited[0]!.details.rechecked, true);
  const u = await userId(ctx, 'officer@endeavour.demo');
  await assert.rejects(
    withUser(db(), u.id, (tx) => sql`SELECT * FROM case_review_recheck_partnership(${ids.partnership}::uuid)`.execute(tx)),
    /permission denied/,
  );
});

test('two incidents checked at the same moment raise one alert, not two', async () => {
  const both = await person('Ptolemy', 'Harrowgate');
  await pastIncident('officer@endeavour.demo', both, 15);
  const third = await pastIncident('officer@endeavour.demo', both, 1);
  const fourth = await pastIncident('officer@endeavour.demo', both, 0);
  const u = await userId(ctx, 'officer@endeavour.demo');
  const check = (tx: Parameters<Parameters<typeof withUser>[2]>[0], incidentId: string) =>
    sql<{ alert_id: string }>`SELECT alert_id FROM case_review_evaluate(${incidentId}::uuid)`.execute(tx);
  // The first check raises its alert and its transaction stays open a moment; the second check runs
  // meanwhile (on PostgreSQL; PGlite runs one transaction at a time anyway) and must wait for it.
  let checked!: () => void;
  const firstChecked = new Promise<void>((resolve) => (checked = resolve));
  const first = withUser(db(), u.id, async (tx) => {
    const r = await check(tx, third.id);
    checked();
    await new Promise((resolve) => setTimeout(resolve, 300));
    return r;
  });
  const second = firstChecked.then(() => withUser(db(), u.id, (tx) => check(tx, fourth.id)));
  const results = await Promise.all([first, second]);
  assert.equal(results[0].rows.length, 1);
  assert.equal(results[1].rows.length, 0);
  assert.equal((await alertsOf(both)).length, 1);
});

test("only people who can see the victim see the alert: by route and by a query through the app's role", async () => {
  const list = await police.get('/case-reviews/alerts');
  assert.equal(list.statusCode, 200);
  assert.doesNotMatch(list.body, /Ashgrove/);
  assert.equal((await police.get(`/case-reviews/alerts/${ids.alert}/dismiss`)).statusCode, 404);
  assert.equal((await police.post(`/case-reviews/alerts/${ids.alert}/dismiss`, { version: '1', reason: 'Not ours' })).statusCode, 404);
  assert.equal((await police.get(`/case-reviews/new?alert=${ids.alert}`)).statusCode, 404);
  const p = await userId(ctx, 'police@endeavour.demo');
  const seen = await withUser(db(), p.id, (tx) => tx.selectFrom('case_review_alerts').select('id').execute());
  assert.equal(seen.length, 0);
  const changed = await withUser(db(), p.id, (tx) => tx.updateTable('case_review_alerts').set({ status: 'dismissed', dismissed_reason: 'x' }).where('id', '=', ids.alert).executeTakeFirst());
  assert.equal(Number(changed.numUpdatedRows), 0);
  // Nobody can forge an alert: only the threshold check writes them.
  const o = await userId(ctx, 'officer@endeavour.demo');
  await assert.rejects(
    withUser(db(), o.id, (tx) =>
      tx
        .insertInto('case_review_alerts')
        .values({ partnership_id: ids.partnership, person_id: ids.quiet, incident_id: ids.hiddenIncident.id, rules: ['complaints'], complaints: 9, window_months: 6, first_complaint_at: new Date(), last_complaint_at: new Date() })
        .execute(),
    ),
    /permission denied/,
  );
  // The check ignores an incident the caller cannot see, and the count is only for people they can see.
  const ran = await withUser(db(), o.id, (tx) => sql<{ n: number }>`SELECT count(*)::int AS n FROM case_review_evaluate(${ids.hiddenIncident.id}::uuid)`.execute(tx));
  assert.equal(ran.rows[0]!.n, 0);
  const counts = await withUser(db(), o.id, (tx) => sql<{ n: number | null }>`SELECT case_review_complaint_count(${ids.repeat}::uuid, 6) AS n`.execute(tx));
  assert.equal(counts.rows[0]!.n, 4, 'all four complaints, the police one included');
  const hidden = await withUser(db(), p.id, (tx) => sql<{ n: number | null }>`SELECT case_review_complaint_count(${ids.repeat}::uuid, 6) AS n`.execute(tx));
  assert.equal(hidden.rows[0]!.n, null);
  await assert.rejects(
    withUser(db(), o.id, (tx) => sql`SELECT * FROM case_review_person_complaints(${ids.repeat}::uuid, now() - interval '1 year', NULL, false)`.execute(tx)),
    /permission denied/,
  );
});

test('dismissing an alert needs a reason, refuses a stale form and is audited', async () => {
  // Another alert to dismiss: two fresh complaints after the first window's last one, plus one now.
  const other = await person('Wilhelmina', 'Thistlewood');
  await pastIncident('officer@endeavour.demo', other, 10);
  await pastIncident('officer@endeavour.demo', other, 5);
  await recordIncident(officer, other);
  const [alert] = await alertsOf(other);
  assert.ok(alert);
  const form = await coordinator.get(`/case-reviews/alerts/${alert.id}/dismiss`);
  assert.equal(form.statusCode, 404, 'the coordinator of another council cannot see this person');
  const page = await officer.get(`/case-reviews/alerts/${alert.id}/dismiss`);
  assert.equal(page.statusCode, 200);
  const empty = await officer.post(`/case-reviews/alerts/${alert.id}/dismiss`, { version: '1', reason: '  ' });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /govuk-error-summary/);
  assert.match(empty.body, /Enter why the alert is being dismissed/);
  const stale = await officer.post(`/case-reviews/alerts/${alert.id}/dismiss`, { version: '7', reason: 'Victim informed' });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /Victim informed/);
  const ok = await officer.post(`/case-reviews/alerts/${alert.id}/dismiss`, { version: '1', reason: 'Victim informed of their right to a Case Review; does not want one' });
  assert.equal(ok.statusCode, 302);
  const [after] = await alertsOf(other);
  assert.equal(after!.status, 'dismissed');
  assert.match(after!.dismissed_reason!, /right to a Case Review/);
  const again = await officer.post(`/case-reviews/alerts/${alert.id}/dismiss`, { version: '2', reason: 'Twice' });
  assert.equal(again.statusCode, 409);
  assert.match(again.body, /no longer open/);
  const audit = await auditRows(ctx, { action: 'update', recordId: alert.id });
  assert.equal(audit.length, 1);
  assert.equal(audit[0]!.details.status, 'dismissed');
  assert.doesNotMatch(JSON.stringify(audit[0]!.details), /right to a Case Review/, 'the reason stays out of the audit log');
  // Dismissed alerts stay on the person's page with the reason, and are not raised again for this window.
  assert.match((await officer.get(`/people/${other}`)).body, /dismissed .* – Victim informed of their right/);
  await recordIncident(officer, other);
  assert.equal((await alertsOf(other)).length, 1);
  // Read-only users see alerts but cannot act on them.
  assert.equal((await board.get(`/case-reviews/alerts/${alert.id}/dismiss`)).statusCode, 403);
});

// --- the case review ------------------------------------------------------------------------------

test('from the alert to a recorded application: errors keep what was typed, the decision deadline is in working days', async () => {
  const form = await officer.get(`/case-reviews/new?alert=${ids.alert}`);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /Record a Case Review application/);
  const visible = (await db().selectFrom('incident_people').select('incident_id').where('person_id', '=', ids.repeat).execute()).map((r) => r.incident_id);
  const checked = [...form.body.matchAll(/name="incident_ids" type="checkbox" value="([0-9a-f-]{36})" checked/g)].map((m) => m[1]!);
  assert.deepEqual(checked.sort(), [...ids.counted].sort(), 'the complaints the officer can see that the alert counted');
  const listed = [...form.body.matchAll(/name="incident_ids" type="checkbox" value="([0-9a-f-]{36})"/g)].map((m) => m[1]!);
  assert.equal(listed.length, 3, 'every complaint the officer can see is offered, the later one unticked');
  assert.ok(!listed.includes(ids.hiddenIncident.id));
  const bad = await officer.post('/case-reviews', {
    person_id: ids.repeat,
    alert_id: ids.alert,
    applicant_kind: 'on_behalf',
    applicant_name: 'Cllr Rosalind Featherstonehaugh',
    applicant_relationship: '',
    ...dateFields('received', daysAgo(-3)),
    how_received: 'email',
    incident_ids: [...checked, ids.hiddenIncident.id],
  });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /govuk-error-summary/);
  assert.match(bad.body, /Select who the applicant is to the victim/);
  assert.match(bad.body, /Confirm the victim has agreed/);
  assert.match(bad.body, /must be today or in the past/);
  assert.match(bad.body, /Select incidents from the list/);
  assert.match(bad.body, /value="Cllr Rosalind Featherstonehaugh"/);
  const received = daysAgo(10);
  const ok = await officer.post('/case-reviews', {
    person_id: ids.repeat,
    alert_id: ids.alert,
    applicant_kind: 'on_behalf',
    applicant_name: 'Cllr Rosalind Featherstonehaugh',
    applicant_relationship: 'councillor',
    consent_confirmed: 'yes',
    ...dateFields('received', received),
    how_received: 'email',
    application_summary: 'Three reports and nothing has changed.',
    incident_ids: checked,
  });
  assert.equal(ok.statusCode, 302, ok.body.slice(0, 2000));
  ids.review = idFrom(ok);
  const r = await reviewRow(ids.review);
  assert.equal(r.decision_due_on, addWorkingDays(received, 5));
  assert.equal(r.next_due_on, r.decision_due_on);
  assert.equal(r.next_due_stage, 'decision');
  assert.equal(r.alert_id, ids.alert);
  const linked = await db().selectFrom('case_review_incidents').select('incident_id').where('case_review_id', '=', ids.review).execute();
  assert.deepEqual(linked.map((x) => x.incident_id).sort(), [...checked].sort());
  assert.ok(checked.every((c) => visible.includes(c)));
  const [alert] = await alertsOf(ids.repeat);
  assert.equal(alert!.status, 'application');
  assert.equal(alert!.case_review_id, ids.review);
  const page = await officer.get(`/case-reviews/${ids.review}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Case Review CR-\d{6} has been recorded/);
  assert.match(page.body, /Cllr Rosalind Featherstonehaugh \(Councillor\), with the victim&#39;s consent/);
  assert.match(page.body, /govuk-task-list/);
  assert.match(page.body, /Overdue: due|Due \d/);
  const audit = await auditRows(ctx, { action: 'create', recordId: ids.review });
  assert.equal(audit.length, 1);
  assert.equal(audit[0]!.record_type, 'case_review');
});

test('the workflow end to end: decision, meeting, recommendations, response, escalation and closure, each with its deadline', async () => {
  const id = ids.review;
  // A meeting cannot be recorded before the decision.
  assert.equal((await officer.get(`/case-reviews/${id}/meeting`)).statusCode, 400);
  let r = await reviewRow(id);
  await officer.get(`/case-reviews/${id}/decision`);
  const missing = await officer.post(`/case-reviews/${id}/decision`, { version: String(r.version), decision: 'met', decision_reasons: '', ...dateFields('decided', r.received_on) });
  assert.equal(missing.statusCode, 400);
  assert.match(missing.body, /Enter the reasons for the decision/);
  const decided = daysAgo(8);
  let res = await officer.post(`/case-reviews/${id}/decision`, {
    version: String(r.version),
    decision: 'met',
    decision_reasons: 'Three complaints in six months across two agencies.',
    ...dateFields('decided', decided),
  });
  assert.equal(res.statusCode, 302);
  r = await reviewRow(id);
  assert.equal(r.meeting_due_on, addWorkingDays(decided, 15));
  assert.equal(r.next_due_stage, 'meeting');

  // Optimistic concurrency: a form opened before the decision was saved is refused, keeping what was typed.
  const stale = await officer.post(`/case-reviews/${id}/decision`, {
    version: String(r.version - 1),
    decision: 'not_met',
    decision_reasons: 'Typed on a stale form',
    ...dateFields('decided', decided),
  });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /What is saved now/);
  assert.match(stale.body, /Typed on a stale form/);
  assert.equal((await reviewRow(id)).decision, 'met');

  const meetingOn = daysAgo(4);
  res = await officer.post(`/case-reviews/${id}/meeting`, {
    version: String(r.version),
    ...dateFields('meeting', meetingOn),
    organisation_ids: [ids.charnwood, ids.police],
    meeting_other_agencies: 'Housing association',
    meeting_summary: 'Agencies agreed the response so far had not joined up.',
  });
  assert.equal(res.statusCode, 302, res.body.slice(0, 2000));
  r = await reviewRow(id);
  assert.equal(r.response_due_on, addWorkingDays(meetingOn, 5));
  assert.equal(r.next_due_stage, 'response');
  assert.equal((await officer.get(`/case-reviews/${id}/decision`)).statusCode, 400, 'the decision is final once the meeting has followed it');

  assert.equal((await officer.post(`/case-reviews/${id}/recommendations`, { body: '', responsible_organisation_id: 'x' })).statusCode, 400);
  res = await officer.post(`/case-reviews/${id}/recommendations`, {
    body: 'Police and council to share a single action plan with the victim',
    responsible_organisation_id: ids.police,
    ...dateFields('due', daysAgo(-30)),
  });
  assert.equal(res.statusCode, 302);
  const [rec] = await db().selectFrom('case_review_recommendations').selectAll().where('case_review_id', '=', id).execute();
  assert.ok(rec);
  res = await officer.post(`/case-reviews/${id}/recommendations/${rec.id}`, {
    version: String(rec.version),
    body: rec.body,
    responsible_organisation_id: ids.police,
    ...dateFields('due', rec.due_on),
    status: 'in_progress',
    progress_notes: 'Plan drafted',
  });
  assert.equal(res.statusCode, 302);
  const staleRec = await officer.post(`/case-reviews/${id}/recommendations/${rec.id}`, {
    version: String(rec.version),
    body: 'Changed on a stale form',
    responsible_organisation_id: ids.police,
    ...dateFields('due', rec.due_on),
    status: 'done',
  });
  assert.equal(staleRec.statusCode, 409);
  assert.match(staleRec.body, /Changed on a stale form/);

  r = await reviewRow(id);
  res = await officer.post(`/case-reviews/${id}/response`, {
    version: String(r.version),
    ...dateFields('response', daysAgo(1)),
    response_method: 'letter',
    response_summary: 'Told the outcome, the recommendation and how to escalate.',
  });
  assert.equal(res.statusCode, 302);
  r = await reviewRow(id);
  assert.equal(r.next_due_stage, 'recommendations', 'the outstanding recommendation is what is due next');
  assert.equal(r.next_due_on, daysAgo(-30));

  res = await officer.post(`/case-reviews/${id}/escalation`, { version: String(r.version), ...dateFields('requested', todayInLondon()), escalation_outcome: 'Pending' });
  assert.equal(res.statusCode, 400, 'an outcome needs its date');
  assert.match(res.body, /Enter the date of the outcome/);
  res = await officer.post(`/case-reviews/${id}/escalation`, { version: String(r.version), ...dateFields('requested', todayInLondon()) });
  assert.equal(res.statusCode, 302);

  r = await reviewRow(id);
  const closeForm = await officer.get(`/case-reviews/${id}/close`);
  assert.match(closeForm.body, /1 recommendation still outstanding/);
  res = await officer.post(`/case-reviews/${id}/close`, { version: String(r.version), closure_notes: 'Recommendation tracked by the police.' });
  assert.equal(res.statusCode, 302);
  r = await reviewRow(id);
  assert.equal(r.status, 'closed');
  assert.equal(r.closed_on, todayInLondon());
  assert.equal(r.next_due_on, null);
  assert.equal((await officer.get(`/case-reviews/${id}/meeting`)).statusCode, 400, 'a closed review is not changed');
  const page = await officer.get(`/case-reviews/${id}`);
  assert.match(page.body, /Closed/);
  assert.match(page.body, /Housing association/);
  assert.match(page.body, /Leicestershire Police/);
  // Every stage was audited as an update of the review, and the recommendation on its own.
  const stages = (await auditRows(ctx, { action: 'update', recordId: id })).map((a) => a.details.stage);
  assert.deepEqual(stages, ['decision', 'meeting', 'response', 'escalation', 'closure']);
  assert.equal((await auditRows(ctx, { action: 'create', recordId: rec.id })).length, 1);
  assert.equal((await auditRows(ctx, { action: 'update', recordId: rec.id })).length, 1);
});

test('the list shows overdue work first', async () => {
  const other = await person('Cosmo', 'Varga-Lindqvist');
  await officer.get(`/case-reviews/new?person=${other}`);
  const res = await officer.post('/case-reviews', { person_id: other, applicant_kind: 'victim', ...dateFields('received', daysAgo(30)), how_received: 'phone' });
  assert.equal(res.statusCode, 302);
  const fresh = await officer.post('/case-reviews', { person_id: other, applicant_kind: 'victim', ...dateFields('received', todayInLondon()), how_received: 'letter' });
  assert.equal(fresh.statusCode, 302);
  const list = await officer.get('/case-reviews');
  assert.equal(list.statusCode, 200);
  const order = [...list.body.matchAll(/href="\/case-reviews\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
  assert.deepEqual(order.slice(0, 2), [idFrom(res), idFrom(fresh)]);
  assert.match(list.body, /Overdue since/);
  assert.doesNotMatch(list.body, new RegExp(ids.review), 'closed reviews are under "Closed"');
  assert.match((await officer.get('/case-reviews?status=closed')).body, new RegExp(ids.review));
});

test("another organisation cannot see a case review by any route or by a query through the app's role until it is shared", async () => {
  const id = ids.review;
  for (const path of ['', '/application', '/decision', '/meeting', '/response', '/escalation', '/close', '/recommendations/new', '/share']) {
    const res = await police.get(`/case-reviews/${id}${path}`);
    assert.equal(res.statusCode, 404, path);
    assert.doesNotMatch(res.body, /Featherstonehaugh/);
  }
  for (const path of ['/decision', '/response', '/close', '/recommendations', '/share']) {
    assert.equal((await police.post(`/case-reviews/${id}${path}`, { version: '1', decision: 'not_met', decision_reasons: 'x' })).statusCode, 404, path);
  }
  assert.doesNotMatch((await police.get('/case-reviews?status=all')).body, /Featherstonehaugh|CR-/);
  const p = await userId(ctx, 'police@endeavour.demo');
  const rows = await withUser(db(), p.id, (tx) => tx.selectFrom('case_reviews').select('id').execute());
  assert.equal(rows.length, 0);
  const children = await withUser(db(), p.id, (tx) => tx.selectFrom('case_review_recommendations').select('id').execute());
  assert.equal(children.length, 0);
  const changed = await withUser(db(), p.id, (tx) => tx.updateTable('case_reviews').set({ closure_notes: 'Hacked' }).where('id', '=', id).executeTakeFirst());
  assert.equal(Number(changed.numUpdatedRows), 0);
  await assert.rejects(
    withUser(db(), p.id, (tx) =>
      tx.insertInto('record_shares').values({ record_type: 'case_review', record_id: id, to_organisation_id: p.organisation_id, access: 'edit', reason: 'self-service', created_by: p.id }).execute(),
    ),
    /row-level security/,
  );
  // Nor open a review about someone they cannot see.
  await assert.rejects(
    withUser(db(), p.id, (tx) =>
      tx
        .insertInto('case_reviews')
        .values({ partnership_id: ids.partnership, owner_organisation_id: p.organisation_id, person_id: ids.repeat, applicant_kind: 'victim', received_on: todayInLondon(), how_received: 'phone', decision_due_on: todayInLondon(), created_by: p.id, updated_at: new Date() })
        .execute(),
    ),
    /row-level security/,
  );
  assert.equal((await police.post('/case-reviews', { person_id: ids.repeat, applicant_kind: 'victim', ...dateFields('received', todayInLondon()), how_received: 'phone' })).statusCode, 404);
});

test('shared to view, the police see the review (not the victim they cannot see) but cannot change it', async () => {
  const id = ids.review;
  await officer.get(`/case-reviews/${id}/share`);
  const res = await officer.post(`/case-reviews/${id}/share`, { target_kind: 'organisation', target_organisation: ids.police, access: 'view', reason: 'Joint review under the partnership ISA' });
  assert.equal(res.statusCode, 302);
  const page = await police.get(`/case-reviews/${id}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /A person you cannot see/);
  assert.doesNotMatch(page.body, /Ashgrove/);
  assert.match(page.body, /Shared with you/);
  assert.match(page.body, /2 incidents held by organisations that have not shared them with you/);
  assert.equal((await police.get(`/case-reviews/${id}/escalation`)).statusCode, 403);
  assert.equal((await police.post(`/case-reviews/${id}/escalation`, { version: '99' })).statusCode, 403);
  const p = await userId(ctx, 'police@endeavour.demo');
  const changed = await withUser(db(), p.id, (tx) => tx.updateTable('case_review_recommendations').set({ status: 'done' }).where('case_review_id', '=', id).executeTakeFirst());
  assert.equal(Number(changed.numUpdatedRows), 0);
  assert.equal((await auditRows(ctx, { action: 'share', recordId: id })).length, 1);
  const views = (await auditRows(ctx, { action: 'view', recordId: id })).filter((a) => a.actor_user_id === p.id);
  assert.equal(views.length, 1);
  // The owner stops sharing: gone again.
  const shareId = /shares\/([0-9a-f-]{36})\/revoke/.exec((await officer.get(`/case-reviews/${id}`)).body)![1]!;
  assert.equal((await officer.post(`/case-reviews/${id}/shares/${shareId}/revoke`)).statusCode, 302);
  assert.equal((await police.get(`/case-reviews/${id}`)).statusCode, 404);
});

// --- the partnership's settings -------------------------------------------------------------------

test('partnership administrators set the threshold and timescales, within the law, with conflicts caught and audited', async () => {
  assert.equal((await officer.get('/admin/case-reviews')).statusCode, 403);
  assert.equal((await officer.post('/admin/case-reviews', { version: '0', complaints: '1' })).statusCode, 403);
  const page = await admin.get('/admin/case-reviews');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /name="complaints" type="text"[^>]* value="3"/);
  assert.match(page.body, /name="window_months" type="text"[^>]* value="6"/);
  const values = { complaints: '2', window_months: '6', hate_complaints: '1', community_people: '', decision_working_days: '10', meeting_working_days: '15', response_working_days: '5' };
  const bad = await admin.post('/admin/case-reviews', { ...values, version: '0', complaints: '4', window_months: '3' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /the law does not allow a threshold above three complaints/);
  assert.match(bad.body, /the law does not allow a window shorter than six months/);
  assert.match(bad.body, /value="4"/);
  const ok = await admin.post('/admin/case-reviews', { ...values, version: '0' });
  assert.equal(ok.statusCode, 302);
  const stale = await admin.post('/admin/case-reviews', { ...values, version: '0', complaints: '1' });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /What is saved now/);
  const saved = await db().selectFrom('case_review_settings').selectAll().where('partnership_id', '=', ids.partnership).executeTakeFirstOrThrow();
  assert.equal(saved.complaints, 2);
  assert.equal(saved.hate_complaints, 1);
  assert.equal(saved.decision_working_days, 10);
  const audit = await auditRows(ctx, { action: 'admin_update', recordId: ids.partnership });
  assert.equal(audit.length, 1);
  assert.deepEqual((audit[0]!.details.fields as string[]).sort(), ['complaints', 'decision_working_days', 'hate_complaints']);

  // The local threshold applies at once: one hate-motivated complaint raises an alert.
  await recordIncident(officer, ids.hated, { flags: ['hate'], hate_strands: ['race'] });
  const alerts = await alertsOf(ids.hated);
  assert.equal(alerts.length, 1);
  assert.deepEqual(alerts[0]!.rules, ['hate']);
  // And the new timescale sets the next application's deadline.
  const received = daysAgo(2);
  const res = await officer.post('/case-reviews', { person_id: ids.hated, applicant_kind: 'victim', ...dateFields('received', received), how_received: 'in_person' });
  assert.equal(res.statusCode, 302);
  assert.equal((await reviewRow(idFrom(res))).decision_due_on, addWorkingDays(received, 10));
});
