// Cases: opening from incidents, the case page and timeline, notes, incidents, links, status and
// outcomes, priority from risk, review dates, conflicts, validation, case types administration, and
// record-level security by every route and by direct query, with the audit trail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  createTestApp,
  signIn,
  userId,
  auditRows,
  type TestContext,
  type Browser,
} from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { casesForPerson, refreshCasePriority, refreshPriorityForPerson } from './service.ts';
import { dateFields, idFromLocation, isoDaysFromToday, personOf, recordIncident } from './test-support.ts';

let ctx: TestContext;
let officer: Browser; // Charnwood Borough Council, case officer
let manager: Browser; // Charnwood Borough Council, manager
let police: Browser; // Leicestershire Police
let admin: Browser; // partnership administrator
let victim: { id: string; first_name: string; last_name: string };
let inc1: { id: string; reference: string };
let inc2: { id: string; reference: string };
let policeIncident: { id: string; reference: string };
let caseId: string;
let caseRef: string;
let asbTypeId: string;

async function caseTypeId(name: string) {
  const r = await ctx.database.db
    .selectFrom('case_types')
    .select('id')
    .where('name', '=', name)
    .where('partnership_id', '=', ctx.demo.partnershipId)
    .executeTakeFirstOrThrow();
  return r.id;
}

async function openCase(b: Browser, form: Record<string, string | string[]>) {
  await b.get('/cases/new');
  return b.post('/cases', {
    case_type_id: asbTypeId,
    title: 'Noise and intimidation, Elm Road flats',
    lead_officer_id: (await userId(ctx, 'officer@endeavour.demo')).id,
    priority: 'standard',
    ...form,
  });
}

async function version(id: string) {
  const r = await ctx.database.db
    .selectFrom('cases')
    .select('version')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return String(r.version);
}

before(async () => {
  ctx = await createTestApp();
  officer = await signIn(ctx, 'officer@endeavour.demo');
  manager = await signIn(ctx, 'manager@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
  admin = await signIn(ctx, 'admin@endeavour.demo');
  victim = await personOf(ctx, 'officer@endeavour.demo');
  inc1 = await recordIncident(ctx, 'officer@endeavour.demo', { personId: victim.id });
  inc2 = await recordIncident(ctx, 'officer@endeavour.demo', { description: 'Graffiti on the stairwell' });
  policeIncident = await recordIncident(ctx, 'police@endeavour.demo', {
    description: 'Police-only incident',
  });
  asbTypeId = await caseTypeId('Anti-social behaviour');
});

after(() => ctx.close());

test('a new partnership starts with the default case types', async () => {
  const types = await ctx.database.db
    .selectFrom('case_types')
    .select('name')
    .where('partnership_id', '=', ctx.demo.partnershipId)
    .execute();
  const names = types.map((t) => t.name);
  for (const n of [
    'Anti-social behaviour',
    'Community protection',
    'Neighbour dispute',
    'Hate incident',
    'Problem location',
    'Safeguarding concern',
    'Environmental',
    'Youth anti-social behaviour',
  ]) {
    assert.ok(names.includes(n), n);
  }
});

test('opening a case from an incident pre-selects it, finds more by reference and refuses ones the user cannot see', async () => {
  const form = await officer.get(`/cases/new?incident=${inc1.id}`);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, new RegExp(`name="incident_ids" type="checkbox" value="${inc1.id}" checked`));
  // Another organisation's incident is not offered even if its id is in the address.
  const sneaky = await officer.get(`/cases/new?incident=${policeIncident.id}`);
  assert.doesNotMatch(sneaky.body, new RegExp(policeIncident.reference));

  const added = await officer.post('/cases', {
    incident_ids: inc1.id,
    incident_reference: inc2.reference.toLowerCase().replace('inc-', ''),
    add_incident: 'yes',
    title: 'Typed before adding',
  });
  assert.equal(added.statusCode, 200);
  assert.match(added.body, new RegExp(inc2.reference));
  assert.match(added.body, new RegExp(`value="${inc1.id}" checked`));
  assert.match(added.body, /value="Typed before adding"/);

  const hidden = await officer.post('/cases', {
    incident_ids: inc1.id,
    incident_reference: policeIncident.reference,
    add_incident: 'yes',
  });
  assert.equal(hidden.statusCode, 400);
  assert.match(hidden.body, /There is no incident you can see with that reference/);

  // Enter in a field submits without "Add incident" (the form's hidden default button): a reference
  // typed but not yet added is added rather than left out of the case.
  assert.match(
    form.body,
    /<button type="submit" class="govuk-visually-hidden" tabindex="-1" aria-hidden="true">Open case<\/button>/,
  );
  const typed = await officer.post('/cases', {
    incident_ids: inc1.id,
    incident_reference: inc2.reference,
    title: 'Enter pressed in the reference field',
  });
  assert.equal(typed.statusCode, 200, 'the case is not opened yet');
  assert.match(typed.body, new RegExp(`value="${inc2.id}" checked`));

  const res = await openCase(officer, { incident_ids: [inc1.id, inc2.id, policeIncident.id] });
  assert.equal(res.statusCode, 302);
  caseId = idFromLocation(res.headers.location);
  const row = await ctx.database.db
    .selectFrom('cases')
    .selectAll()
    .where('id', '=', caseId)
    .executeTakeFirstOrThrow();
  caseRef = row.reference;
  assert.match(caseRef, /^CASE-\d{6}$/);
  assert.equal(row.review_date, isoDaysFromToday(56), 'standard priority reviews in 56 days');
  assert.equal(row.priority_source, 'officer');
  const links = await ctx.database.db
    .selectFrom('case_incidents')
    .select('incident_id')
    .where('case_id', '=', caseId)
    .execute();
  assert.deepEqual(
    links.map((l) => l.incident_id).sort(),
    [inc1.id, inc2.id].sort(),
    'the police incident the officer cannot see was not linked',
  );
  const created = await auditRows(ctx, { action: 'create', recordId: caseId });
  assert.equal(created.length, 1);
  assert.equal(created[0]!.record_type, 'case');
});

test('the case page shows the details and a timeline, newest first, with the case incidents', async () => {
  const page = await officer.get(`/cases/${caseId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, new RegExp(caseRef));
  assert.match(page.body, /moj-timeline/);
  assert.match(page.body, /Standard – set by officer/);
  assert.match(
    page.body,
    new RegExp(`href="/people/${victim.id}"`),
    'the victim in its incident is listed with the case people',
  );
  assert.match(page.body, new RegExp(`/risk/new\\?person=${victim.id}&amp;case=${caseId}`));
  assert.match(page.body, new RegExp(`Incident ${inc1.reference} reported`));
  const opened = page.body.indexOf(`Case ${caseRef} opened`);
  const incident = page.body.indexOf(`Incident ${inc1.reference} reported`);
  assert.ok(
    opened > 0 && incident > opened,
    'the case was opened after the incident was reported, so it comes first',
  );
  const incidents = await officer.get(`/cases/${caseId}/incidents`);
  assert.match(incidents.body, new RegExp(inc2.reference));
  const views = (await auditRows(ctx, { action: 'view', recordId: caseId })).map((r) => r.details.section);
  assert.ok(views.includes('overview') && views.includes('incidents'));
});

test('a case can be opened without incidents, and the review date defaults from the priority', async () => {
  const high = await openCase(officer, { title: 'High risk, no incidents yet', priority: 'high' });
  assert.equal(high.statusCode, 302);
  const medium = await openCase(officer, { title: 'Medium risk', priority: 'medium' });
  const chosen = await openCase(officer, {
    title: 'Own review date',
    priority: 'high',
    ...dateFields('review_date', isoDaysFromToday(3)),
  });
  const get = (loc: string | undefined) =>
    ctx.database.db
      .selectFrom('cases')
      .select(['review_date', 'priority'])
      .where('id', '=', idFromLocation(loc))
      .executeTakeFirstOrThrow();
  assert.equal((await get(high.headers.location)).review_date, isoDaysFromToday(14));
  assert.equal((await get(medium.headers.location)).review_date, isoDaysFromToday(28));
  assert.equal((await get(chosen.headers.location)).review_date, isoDaysFromToday(3));
  const count = await ctx.database.db
    .selectFrom('case_incidents')
    .select('case_id')
    .where('case_id', '=', idFromLocation(high.headers.location))
    .execute();
  assert.equal(count.length, 0);
});

test('bad input shows GOV.UK errors, keeps what was typed and saves nothing', async () => {
  const before = await ctx.database.db.selectFrom('cases').select('id').execute();
  await officer.get('/cases/new');
  const res = await officer.post('/cases', {
    title: '',
    summary: 'Typed summary',
    case_type_id: '00000000-0000-4000-8000-000000000000',
    lead_officer_id: (await userId(ctx, 'police@endeavour.demo')).id,
    priority: 'extreme',
    ...dateFields('review_date', isoDaysFromToday(-5)),
  });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /govuk-error-summary/);
  assert.match(res.body, /Enter a title for the case/);
  assert.match(res.body, /Select the type of case/);
  assert.match(res.body, /Select the lead officer/);
  assert.match(res.body, /Select the case’s priority/);
  assert.match(res.body, /The review date must be today or in the future/);
  assert.match(res.body, /Typed summary/);
  const invalidDate = await officer.post('/cases', {
    title: 'x',
    'review_date-day': '31',
    'review_date-month': '2',
    'review_date-year': '2030',
  });
  assert.match(invalidDate.body, /The review date must be a real date/);
  const after = await ctx.database.db.selectFrom('cases').select('id').execute();
  assert.equal(after.length, before.length);
});

test('notes are added, never edited, appear in the timeline, and supervision notes are for managers', async () => {
  await officer.get(`/cases/${caseId}/notes`);
  const empty = await officer.post(`/cases/${caseId}/notes`, { body: '  ' });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /Enter the note/);
  const ok = await officer.post(`/cases/${caseId}/notes`, { body: 'Visited the victim; diary sheets left.' });
  assert.equal(ok.statusCode, 302);
  const notSupervisor = await officer.post(`/cases/${caseId}/notes`, {
    body: 'I supervise myself',
    kind: 'supervision',
  });
  assert.equal(notSupervisor.statusCode, 400);
  assert.match(notSupervisor.body, /Only managers can add supervision notes/);
  await manager.get(`/cases/${caseId}/notes`);
  const supervision = await manager.post(`/cases/${caseId}/notes`, {
    body: 'Reviewed: proceed to warning letter.',
    kind: 'supervision',
  });
  assert.equal(supervision.statusCode, 302);
  const notes = await officer.get(`/cases/${caseId}/notes`);
  assert.match(notes.body, /Visited the victim; diary sheets left\./);
  assert.match(notes.body, /Supervision note/);
  const timeline = await officer.get(`/cases/${caseId}`);
  assert.match(timeline.body, /Reviewed: proceed to warning letter\./);
  assert.equal(
    (await auditRows(ctx, { action: 'create' })).filter((r) => r.record_type === 'case_note').length,
    2,
  );
  // No route changes or deletes a note.
  assert.equal(ctx.app.endeavourRoutes.filter((r) => /notes\/:/.test(r.url)).length, 0);
});

test('another organisation cannot see or change the case, its notes, incidents, links or timeline by any route', async () => {
  for (const path of [
    '',
    '/incidents',
    '/notes',
    '/tasks',
    '/links',
    '/sharing',
    '/edit',
    '/status',
    '/share',
  ]) {
    const res = await police.get(`/cases/${caseId}${path}`);
    assert.equal(res.statusCode, 404, path);
    assert.doesNotMatch(res.body, /Elm Road|Visited the victim/);
  }
  const v = await version(caseId);
  const posts: [string, Record<string, string>][] = [
    [
      `/cases/${caseId}/edit`,
      {
        version: v,
        title: 'Hacked',
        case_type_id: asbTypeId,
        lead_officer_id: (await userId(ctx, 'police@endeavour.demo')).id,
        priority: 'high',
      },
    ],
    [`/cases/${caseId}/status`, { version: v, status: 'closed', outcome: 'resolved' }],
    [`/cases/${caseId}/notes`, { body: 'Police note' }],
    [`/cases/${caseId}/notes`, { body: '' }],
    [`/cases/${caseId}/incidents`, { incident_reference: policeIncident.reference }],
    [`/cases/${caseId}/incidents/${inc1.id}/remove`, {}],
    [`/cases/${caseId}/links`, { reference: caseRef, reason: 'x' }],
    [`/cases/${caseId}/share`, { target_kind: 'organisation', access: 'edit', reason: 'x' }],
  ];
  for (const [url, body] of posts) {
    const res = await police.post(url, body);
    assert.equal(res.statusCode, 404, url);
  }
  for (const scope of ['mine', 'organisation', 'shared', 'all']) {
    const list = await police.get(`/cases?scope=${scope}&status=any`);
    assert.equal(list.statusCode, 200);
    assert.doesNotMatch(list.body, new RegExp(caseRef));
  }
  const still = await ctx.database.db
    .selectFrom('cases')
    .select(['title', 'status'])
    .where('id', '=', caseId)
    .executeTakeFirstOrThrow();
  assert.equal(still.status, 'open');
  assert.notEqual(still.title, 'Hacked');
  const notes = await ctx.database.db
    .selectFrom('case_notes')
    .select('body')
    .where('case_id', '=', caseId)
    .execute();
  assert.ok(!notes.some((n) => n.body === 'Police note'));
});

test("a query through the app's database role cannot see or change the case or its children", async () => {
  const p = await userId(ctx, 'police@endeavour.demo');
  const db = ctx.database.db;
  const seen = await withUser(db, p.id, async (tx) => ({
    cases: await tx.selectFrom('cases').select(['id', 'owner_organisation_id']).execute(),
    notes: await tx.selectFrom('case_notes').select('id').execute(),
    incidents: await tx.selectFrom('case_incidents').select('case_id').execute(),
    links: await tx.selectFrom('case_links').select('case_id').execute(),
  }));
  assert.ok(seen.cases.every((c) => c.owner_organisation_id === p.organisation_id));
  assert.equal(seen.notes.length, 0);
  assert.equal(seen.incidents.length, 0);
  assert.equal(seen.links.length, 0);
  const updated = await withUser(db, p.id, (tx) =>
    tx.updateTable('cases').set({ title: 'Hacked' }).where('id', '=', caseId).executeTakeFirst(),
  );
  assert.equal(Number(updated.numUpdatedRows), 0);
  const removed = await withUser(db, p.id, (tx) =>
    tx.deleteFrom('case_incidents').where('case_id', '=', caseId).executeTakeFirst(),
  );
  assert.equal(Number(removed.numDeletedRows), 0);
  await assert.rejects(
    withUser(db, p.id, (tx) =>
      tx.insertInto('case_notes').values({ case_id: caseId, body: 'x', created_by: p.id }).execute(),
    ),
    /row-level security/,
  );
  await assert.rejects(
    withUser(db, p.id, (tx) =>
      tx
        .insertInto('record_shares')
        .values({
          record_type: 'case',
          record_id: caseId,
          to_organisation_id: p.organisation_id,
          access: 'view',
          reason: 'self-service',
          created_by: p.id,
        })
        .execute(),
    ),
    /row-level security/,
  );
  assert.equal((await withUser(db, p.id, (tx) => casesForPerson(tx, victim.id))).length, 0);
});

test('after the owner shares the case, the police see it (not the incidents they were not given) and views and shares are audited', async () => {
  const p = await userId(ctx, 'police@endeavour.demo');
  await officer.get(`/cases/${caseId}/share`);
  const bad = await officer.post(`/cases/${caseId}/share`, {
    target_kind: 'organisation',
    target_organisation: '',
    access: 'view',
    reason: '',
  });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Enter the reason for sharing/);
  const noTarget = await officer.post(`/cases/${caseId}/share`, {
    target_kind: 'organisation',
    target_organisation: '',
    access: 'view',
    reason: 'Typed reason',
  });
  assert.equal(noTarget.statusCode, 400);
  assert.match(noTarget.body, /Select the organisation to share with/);
  assert.match(noTarget.body, /Typed reason/);
  const res = await officer.post(`/cases/${caseId}/share`, {
    target_kind: 'organisation',
    target_organisation: p.organisation_id,
    access: 'view',
    reason: 'Joint problem-solving under the partnership ISA',
  });
  assert.equal(res.statusCode, 302);
  const page = await police.get(`/cases/${caseId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, new RegExp(caseRef));
  assert.match(page.body, /Shared with you to view/);
  assert.doesNotMatch(page.body, new RegExp(`Incident ${inc1.reference}`), 'the incidents were not shared');
  assert.doesNotMatch(page.body, new RegExp(victim.id), 'nor the people in them');
  const incidents = await police.get(`/cases/${caseId}/incidents`);
  assert.match(incidents.body, /2 more incidents are on this case but not shared with you/);
  const notes = await police.get(`/cases/${caseId}/notes`);
  assert.match(notes.body, /Visited the victim/);
  assert.doesNotMatch(notes.body, /name="body"/, 'a view share cannot add notes');
  assert.equal((await police.get(`/cases/${caseId}/edit`)).statusCode, 403);
  assert.equal((await police.post(`/cases/${caseId}/notes`, { body: 'Police note' })).statusCode, 403);
  assert.equal((await police.get(`/cases/${caseId}/sharing`)).statusCode, 403);
  assert.match((await police.get('/cases?scope=shared')).body, new RegExp(caseRef));
  assert.equal((await auditRows(ctx, { action: 'share', recordId: caseId })).length, 1);
  assert.ok(
    (await auditRows(ctx, { action: 'view', recordId: caseId })).some((r) => r.actor_user_id === p.id),
  );
});

test('revoking the share removes access again', async () => {
  const page = await officer.get(`/cases/${caseId}/sharing`);
  const shareId = /shares\/([0-9a-f-]{36})\/revoke/.exec(page.body)![1]!;
  assert.equal((await officer.post(`/cases/${caseId}/shares/${shareId}/revoke`)).statusCode, 302);
  assert.equal((await police.get(`/cases/${caseId}`)).statusCode, 404);
  assert.equal((await auditRows(ctx, { action: 'unshare', recordId: caseId })).length, 1);
});

test('the status lifecycle: on hold needs a reason, closing needs an outcome, reopening needs a reason', async () => {
  await officer.get(`/cases/${caseId}/status`);
  const noReason = await officer.post(`/cases/${caseId}/status`, {
    version: await version(caseId),
    status: 'on_hold',
  });
  assert.equal(noReason.statusCode, 400);
  assert.match(noReason.body, /Enter why the case is on hold/);
  const hold = await officer.post(`/cases/${caseId}/status`, {
    version: await version(caseId),
    status: 'on_hold',
    note: 'Victim in hospital',
  });
  assert.equal(hold.statusCode, 302);
  const noOutcome = await officer.post(`/cases/${caseId}/status`, {
    version: await version(caseId),
    status: 'closed',
    outcome_notes: 'Typed notes',
  });
  assert.equal(noOutcome.statusCode, 400);
  assert.match(noOutcome.body, /a case cannot be closed without one/);
  assert.match(noOutcome.body, /Typed notes/);
  const close = await officer.post(`/cases/${caseId}/status`, {
    version: await version(caseId),
    status: 'closed',
    outcome: 'resolved',
    outcome_notes: 'Perpetrator signed an ABC',
  });
  assert.equal(close.statusCode, 302);
  let row = await ctx.database.db
    .selectFrom('cases')
    .selectAll()
    .where('id', '=', caseId)
    .executeTakeFirstOrThrow();
  assert.equal(row.status, 'closed');
  assert.equal(row.outcome, 'resolved');
  assert.ok(row.closed_at);
  const page = await officer.get(`/cases/${caseId}`);
  assert.match(page.body, /Perpetrator signed an ABC/);
  assert.match(page.body, /Status changed from on hold to closed/);
  const again = await officer.post(`/cases/${caseId}/status`, {
    version: await version(caseId),
    status: 'closed',
    outcome: 'resolved',
  });
  assert.equal(again.statusCode, 400);
  const reopenNoReason = await officer.post(`/cases/${caseId}/status`, {
    version: await version(caseId),
    status: 'open',
  });
  assert.match(reopenNoReason.body, /Enter why the case is being reopened/);
  const reopen = await officer.post(`/cases/${caseId}/status`, {
    version: await version(caseId),
    status: 'open',
    note: 'Further incidents reported',
  });
  assert.equal(reopen.statusCode, 302);
  row = await ctx.database.db
    .selectFrom('cases')
    .selectAll()
    .where('id', '=', caseId)
    .executeTakeFirstOrThrow();
  assert.equal(row.status, 'open');
  assert.equal(row.outcome, null);
  const changes = (await auditRows(ctx, { action: 'update', recordId: caseId })).filter((r) =>
    (r.details.fields as string[]).includes('status'),
  );
  assert.deepEqual(
    changes.map((r) => r.details.to),
    ['on_hold', 'closed', 'open'],
  );
});

test('a stale edit or status change shows a conflict page that keeps what was typed', async () => {
  const stale = await version(caseId);
  await officer.get(`/cases/${caseId}/edit`);
  const lead = (await userId(ctx, 'officer@endeavour.demo')).id;
  const first = await officer.post(`/cases/${caseId}/edit`, {
    version: stale,
    case_type_id: asbTypeId,
    title: 'Renamed by the first editor',
    lead_officer_id: lead,
    priority: 'standard',
  });
  assert.equal(first.statusCode, 302);
  const second = await manager.post(`/cases/${caseId}/edit`, {
    version: stale,
    case_type_id: asbTypeId,
    title: 'Renamed by the second editor',
    lead_officer_id: lead,
    priority: 'standard',
  });
  assert.equal(second.statusCode, 409);
  assert.match(second.body, /Someone else changed this case/);
  assert.match(second.body, /Renamed by the first editor/);
  assert.match(second.body, /Renamed by the second editor/);
  const status = await manager.post(`/cases/${caseId}/status`, {
    version: stale,
    status: 'on_hold',
    note: 'Typed reason',
  });
  assert.equal(status.statusCode, 409);
  assert.match(status.body, /What is saved now/);
  assert.match(status.body, /Typed reason/);
});

test('priority follows the latest risk assessment of the case people, until an officer changes it', async () => {
  const o = await userId(ctx, 'officer@endeavour.demo');
  const q = await ctx.database.db
    .insertInto('risk_questionnaires')
    .values({
      partnership_id: ctx.demo.partnershipId,
      key: 'test_cases',
      version: 1,
      name: 'Test questionnaire',
      definition: {},
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const assessed = await withUser(ctx.database.db, o.id, async (tx) => {
    await tx
      .insertInto('risk_assessments')
      .values({
        partnership_id: ctx.demo.partnershipId,
        owner_organisation_id: o.organisation_id,
        questionnaire_id: q.id,
        person_id: victim.id,
        incident_id: inc1.id,
        answers: {},
        score: 30,
        yes_count: 9,
        computed_band: 'high',
        final_band: 'high',
        assessed_by: o.id,
      })
      .execute();
    return refreshCasePriority(tx, caseId);
  });
  assert.deepEqual(assessed, { changed: true, priority: 'high' });
  const row = await ctx.database.db
    .selectFrom('cases')
    .selectAll()
    .where('id', '=', caseId)
    .executeTakeFirstOrThrow();
  assert.equal(row.priority, 'high');
  assert.equal(row.priority_source, 'risk_assessment');
  assert.ok(row.review_date! <= isoDaysFromToday(14), 'a high priority brings the review forward');
  const page = await officer.get(`/cases/${caseId}`);
  assert.match(page.body, /High – from the risk assessment on/);
  const audited = (await auditRows(ctx, { action: 'update', recordId: caseId })).at(-1)!;
  assert.equal(audited.details.source, 'risk_assessment');
  assert.equal(audited.actor_user_id, o.id);
  // A second refresh with nothing new changes nothing.
  assert.equal(
    (await withUser(ctx.database.db, o.id, (tx) => refreshCasePriority(tx, caseId))).changed,
    false,
  );
  // The officer lowers it deliberately: that stands, and says so.
  await officer.get(`/cases/${caseId}/edit`);
  const edit = await officer.post(`/cases/${caseId}/edit`, {
    version: await version(caseId),
    case_type_id: asbTypeId,
    title: row.title,
    lead_officer_id: o.id,
    priority: 'medium',
  });
  assert.equal(edit.statusCode, 302);
  assert.match((await officer.get(`/cases/${caseId}`)).body, /Medium – set by officer/);
  assert.equal(
    (await withUser(ctx.database.db, o.id, (tx) => refreshCasePriority(tx, caseId))).changed,
    false,
  );
  // A case opened later from the same incident starts from the assessment.
  const fresh = await openCase(officer, {
    title: 'Second case on the same victim',
    incident_ids: inc1.id,
    priority: 'standard',
  });
  const freshRow = await ctx.database.db
    .selectFrom('cases')
    .selectAll()
    .where('id', '=', idFromLocation(fresh.headers.location))
    .executeTakeFirstOrThrow();
  assert.equal(freshRow.priority, 'high');
  assert.equal(freshRow.review_date, isoDaysFromToday(14));
  const forPerson = await withUser(ctx.database.db, o.id, (tx) => casesForPerson(tx, victim.id));
  assert.deepEqual(forPerson.map((c) => c.id).sort(), [caseId, freshRow.id].sort());
  assert.deepEqual(forPerson[0]!.roles, ['victim']);
  // A newer assessment outranks the officer's earlier decision, on every case the person is in.
  await withUser(ctx.database.db, o.id, async (tx) => {
    await tx
      .insertInto('risk_assessments')
      .values({
        partnership_id: ctx.demo.partnershipId,
        owner_organisation_id: o.organisation_id,
        questionnaire_id: q.id,
        person_id: victim.id,
        answers: {},
        score: 2,
        yes_count: 1,
        computed_band: 'standard',
        final_band: 'standard',
        assessed_by: o.id,
        assessed_at: new Date(Date.now() + 1000),
      })
      .execute();
    await refreshPriorityForPerson(tx, victim.id);
  });
  const after = await ctx.database.db
    .selectFrom('cases')
    .select(['id', 'priority', 'priority_source'])
    .where('id', 'in', [caseId, freshRow.id])
    .execute();
  assert.ok(after.every((c) => c.priority === 'standard' && c.priority_source === 'risk_assessment'));
});

test('incidents can be added to and taken off a case by reference', async () => {
  await officer.get(`/cases/${caseId}/incidents`);
  const unknown = await officer.post(`/cases/${caseId}/incidents`, { incident_reference: 'INC-9999999' });
  assert.equal(unknown.statusCode, 400);
  assert.match(unknown.body, /There is no incident you can see with that reference/);
  const already = await officer.post(`/cases/${caseId}/incidents`, { incident_reference: inc2.reference });
  assert.match(already.body, /already on this case/);
  const removed = await officer.post(`/cases/${caseId}/incidents/${inc2.id}/remove`);
  assert.equal(removed.statusCode, 302);
  assert.doesNotMatch((await officer.get(`/cases/${caseId}/incidents`)).body, new RegExp(inc2.reference));
  const added = await officer.post(`/cases/${caseId}/incidents`, { incident_reference: inc2.reference });
  assert.equal(added.statusCode, 302);
  const changes = (await auditRows(ctx, { action: 'update', recordId: caseId })).filter((r) =>
    (r.details.fields as string[]).includes('incidents'),
  );
  assert.equal(changes.length, 2);
});

test('cases are linked to other cases the user can see, with a reason, shown from both sides', async () => {
  const other = await openCase(officer, { title: 'Same family, other address' });
  const otherId = idFromLocation(other.headers.location);
  const otherRef = (
    await ctx.database.db
      .selectFrom('cases')
      .select('reference')
      .where('id', '=', otherId)
      .executeTakeFirstOrThrow()
  ).reference;
  const policeCase = await openCase(police, {
    title: 'Police case',
    lead_officer_id: (await userId(ctx, 'police@endeavour.demo')).id,
  });
  assert.equal(policeCase.statusCode, 302);
  const policeRef = (
    await ctx.database.db
      .selectFrom('cases')
      .select('reference')
      .where('id', '=', idFromLocation(policeCase.headers.location))
      .executeTakeFirstOrThrow()
  ).reference;
  await officer.get(`/cases/${caseId}/links`);
  const empty = await officer.post(`/cases/${caseId}/links`, { reference: '', reason: '' });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /Enter the reference of the case to link/);
  assert.match(empty.body, /Enter why the cases are linked/);
  assert.match(
    (await officer.post(`/cases/${caseId}/links`, { reference: caseRef, reason: 'x' })).body,
    /A case cannot be linked to itself/,
  );
  assert.match(
    (await officer.post(`/cases/${caseId}/links`, { reference: policeRef, reason: 'x' })).body,
    /There is no case you can see with that reference/,
  );
  const ok = await officer.post(`/cases/${caseId}/links`, { reference: otherRef, reason: 'Same family' });
  assert.equal(ok.statusCode, 302);
  assert.match((await officer.get(`/cases/${caseId}/links`)).body, new RegExp(otherRef));
  assert.match((await officer.get(`/cases/${otherId}/links`)).body, new RegExp(caseRef));
  assert.match(
    (await officer.post(`/cases/${otherId}/links`, { reference: caseRef, reason: 'again' })).body,
    /already linked/,
  );
  assert.equal((await officer.post(`/cases/${otherId}/links/${caseId}/remove`)).statusCode, 302);
  assert.doesNotMatch((await officer.get(`/cases/${caseId}/links`)).body, new RegExp(otherRef));
});

test('the list filters by scope, status, type, lead officer and overdue review, overdue first', async () => {
  const o = await userId(ctx, 'officer@endeavour.demo');
  const overdue = await openCase(officer, { title: 'Overdue review case' });
  const overdueId = idFromLocation(overdue.headers.location);
  await ctx.database.db
    .updateTable('cases')
    .set({ review_date: isoDaysFromToday(-3) })
    .where('id', '=', overdueId)
    .execute();
  const mine = await officer.get('/cases');
  assert.equal(mine.statusCode, 200);
  assert.match(mine.body, /Overdue review case/);
  assert.ok(
    mine.body.indexOf('Overdue review case') < mine.body.indexOf('Second case on the same victim'),
    'overdue first',
  );
  assert.match(mine.body, /govuk-tag--red">Overdue/);
  const onlyOverdue = await officer.get('/cases?scope=organisation&overdue=yes');
  assert.match(onlyOverdue.body, /Overdue review case/);
  assert.doesNotMatch(onlyOverdue.body, /Second case on the same victim/);
  const byLead = await manager.get(`/cases?scope=organisation&lead=${o.id}`);
  assert.match(byLead.body, /Overdue review case/);
  assert.doesNotMatch((await manager.get('/cases?scope=mine')).body, /Overdue review case/);
  const other = await caseTypeId('Neighbour dispute');
  assert.doesNotMatch(
    (await officer.get(`/cases?scope=organisation&type=${other}`)).body,
    /Overdue review case/,
  );
  assert.doesNotMatch(
    (await officer.get('/cases?scope=organisation&status=closed')).body,
    /Overdue review case/,
  );
  assert.ok(
    (await auditRows(ctx, { action: 'list' })).some(
      (r) => r.record_type === 'case' && r.actor_user_id === o.id,
    ),
  );
});

test('case types are kept by partnership administrators only', async () => {
  assert.equal((await officer.get('/admin/case-types')).statusCode, 403);
  assert.equal((await officer.post('/admin/case-types', { name: 'Officer type' })).statusCode, 403);
  const list = await admin.get('/admin/case-types');
  assert.equal(list.statusCode, 200);
  assert.match(list.body, /Neighbour dispute/);
  await admin.get('/admin/case-types/new');
  const empty = await admin.post('/admin/case-types', { name: '' });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /Enter the case type’s name/);
  const dup = await admin.post('/admin/case-types', { name: 'neighbour dispute' });
  assert.match(dup.body, /There is already a case type with this name/);
  assert.equal((await admin.post('/admin/case-types', { name: 'Street drinking hotspot' })).statusCode, 302);
  const id = await caseTypeId('Street drinking hotspot');
  assert.equal(
    (await admin.post(`/admin/case-types/${id}/edit`, { name: 'Street drinking location' })).statusCode,
    302,
  );
  assert.equal((await admin.post(`/admin/case-types/${id}/deactivate`)).statusCode, 302);
  assert.doesNotMatch((await officer.get('/cases/new')).body, /Street drinking location/);
  assert.equal((await admin.post(`/admin/case-types/${id}/activate`)).statusCode, 302);
  assert.match((await officer.get('/cases/new')).body, /Street drinking location/);
  assert.equal(
    (await admin.post('/admin/case-types/00000000-0000-4000-8000-000000000000/deactivate')).statusCode,
    404,
  );
  assert.equal(
    (await auditRows(ctx, { recordId: id })).filter(
      (r) => r.action === 'admin_create' || r.action === 'admin_update',
    ).length,
    4,
  );
});

test('no case form answers malformed input with a 500, even for a real case', async () => {
  const o = await userId(ctx, 'officer@endeavour.demo');
  const p = await userId(ctx, 'police@endeavour.demo');
  const fields = [
    'version',
    'title',
    'summary',
    'case_type_id',
    'lead_officer_id',
    'supervisor_id',
    'priority',
    'status',
    'outcome',
    'outcome_notes',
    'note',
    'body',
    'kind',
    'reference',
    'reason',
    'incident_reference',
    'incident_ids',
    'add_incident',
    'target_kind',
    'target_organisation',
    'target_team',
    'target_user',
    'access',
    'expires-day',
    'expires-month',
    'expires-year',
    'review_date-day',
    'review_date-month',
    'review_date-year',
    'name',
  ];
  const value = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom(
      '',
      '1',
      '2',
      '99999999999',
      'open',
      'on_hold',
      'closed',
      'resolved',
      'high',
      'supervision',
      'organisation',
      'view',
      'edit',
      'yes',
      '31',
      '2',
      '2031',
      caseRef,
      inc1.reference,
      asbTypeId,
      o.id,
      p.organisation_id,
      caseId,
      inc1.id,
      '\u0000',
      '<b>x</b>',
    ),
    fc.string({ minLength: 3000, maxLength: 6000 }),
  );
  const body = fc.dictionary(fc.constantFrom(...fields), fc.oneof(value, fc.array(value, { maxLength: 3 })), {
    maxKeys: 10,
  });
  const posts = ctx.app.endeavourRoutes.filter(
    (r) => r.method === 'POST' && (r.url.startsWith('/cases') || r.url.startsWith('/admin/case-types')),
  );
  assert.ok(posts.length >= 12, `found ${posts.length} case forms`);
  for (const route of posts) {
    const url = route.url
      .replace(':id', route.url.startsWith('/admin') ? asbTypeId : caseId)
      .replace(':incidentId', inc2.id)
      .replace(':otherId', caseId)
      .replace(':shareId', '00000000-0000-4000-8000-000000000000');
    await fc.assert(
      fc.asyncProperty(body, async (form) => {
        const res = await (route.url.startsWith('/admin') ? admin : officer).post(
          url,
          form as Record<string, string | string[]>,
        );
        assert.ok(
          res.statusCode < 500,
          `${route.url} gave ${res.statusCode} for ${JSON.stringify(form).slice(0, 300)}`,
        );
      }),
      { numRuns: 20 },
    );
  }
});
