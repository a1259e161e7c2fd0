// Risk assessments end to end: answering and scoring, validation, history, the case's priority, and
// record-level security by every route and by a direct query through the app's database role.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, signIn, userId, auditRows, type TestContext, type Browser } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';

let ctx: TestContext;
let officer: Browser; // Charnwood Borough Council
let police: Browser; // Leicestershire Police
let board: Browser; // read only
let personId: string;
let caseId: string;
let incidentId: string;
let dashQuestions: string[];

async function addPerson(b: Browser, first: string, last: string) {
  await b.get('/people/new');
  const res = await b.post('/people', { first_name: first, last_name: last });
  assert.equal(res.statusCode, 302);
  return res.headers.location!.split('/').pop()!;
}

/** A case with one incident the person is the victim in, owned by the user's organisation. */
async function addCase(email: string, person: string) {
  const u = await userId(ctx, email);
  return withUser(ctx.database.db, u.id, async (tx) => {
    const incident = await tx
      .insertInto('incidents')
      .values({ partnership_id: ctx.demo.partnershipId, owner_organisation_id: u.organisation_id, occurred_from: new Date(), reported_at: new Date(), how_reported: 'council_phone', category: 'personal', description: 'Shouting and threats at the door', created_by: u.id, updated_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.insertInto('incident_people').values({ incident_id: incident.id, person_id: person, role: 'victim' }).execute();
    const c = await tx
      .insertInto('cases')
      .values({ partnership_id: ctx.demo.partnershipId, owner_organisation_id: u.organisation_id, title: 'Neighbour harassment', created_by: u.id, updated_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.insertInto('case_incidents').values({ case_id: c.id, incident_id: incident.id, added_by: u.id }).execute();
    return { caseId: c.id, incidentId: incident.id };
  });
}

function dashForm(yes: number, extra: Record<string, string> = {}) {
  const form: Record<string, string> = { person: personId, case: caseId, questionnaire: dashId };
  dashQuestions.forEach((k, i) => (form[`q_${k}`] = i < yes ? 'yes' : 'no'));
  return { ...form, ...extra };
}

let dashId: string;
let asbId: string;

before(async () => {
  ctx = await createTestApp();
  officer = await signIn(ctx, 'officer@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
  board = await signIn(ctx, 'board@endeavour.demo');
  personId = await addPerson(officer, 'Rosalind', 'Quennell');
  ({ caseId, incidentId } = await addCase('officer@endeavour.demo', personId));
  const qs = await ctx.database.db.selectFrom('risk_questionnaires').select(['id', 'key', 'definition']).execute();
  dashId = qs.find((q) => q.key === 'dash')!.id;
  asbId = qs.find((q) => q.key === 'asb_victim')!.id;
  const def = qs.find((q) => q.key === 'dash')!.definition as { sections: { questions: { key: string }[] }[] };
  dashQuestions = def.sections.flatMap((s) => s.questions.map((q) => q.key));
});

after(() => ctx.close());

let highId: string;

test('the officer chooses a questionnaire, then sees its questions', async () => {
  const choose = await officer.get(`/risk/new?person=${personId}&case=${caseId}`);
  assert.equal(choose.statusCode, 200);
  assert.match(choose.body, /ASB victim risk assessment/);
  assert.match(choose.body, /Domestic abuse risk checklist/);
  const form = await officer.get(`/risk/new?person=${personId}&case=${caseId}&questionnaire=dash`);
  assert.equal(form.statusCode, 200);
  assert.equal((form.body.match(/name="q_[a-z_]+" type="radio" value="yes"/g) ?? []).length, 27);
  assert.match(form.body, /Rosalind Quennell/);
});

test('a DASH checklist with 14 yes answers is high risk, suggests MARAC and raises the case priority', async () => {
  const res = await officer.post('/risk', dashForm(14));
  assert.equal(res.statusCode, 302, res.body.slice(0, 2000));
  highId = res.headers.location!.split('/').pop()!;
  const page = await officer.get(`/risk/${highId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /data-qa="final-band">High risk/);
  assert.match(page.body, /Multi-Agency Risk Assessment Conference/);
  assert.match(page.body, /professional judgement cannot lower it/);
  assert.match(page.body, /Amira Patel/);
  const row = await ctx.database.db.selectFrom('risk_assessments').selectAll().where('id', '=', highId).executeTakeFirstOrThrow();
  assert.equal(row.yes_count, 14);
  assert.equal(row.final_band, 'high');
  assert.equal(row.marac_suggested, true);
  const c = await ctx.database.db.selectFrom('cases').select('priority').where('id', '=', caseId).executeTakeFirstOrThrow();
  assert.equal(c.priority, 'high');
  assert.equal((await auditRows(ctx, { action: 'create', recordId: highId })).length, 1);
  assert.ok((await auditRows(ctx, { action: 'view', recordId: highId })).length >= 1);
});

test('13 yes answers is not visible high risk and suggests no referral', async () => {
  const res = await officer.post('/risk', dashForm(13));
  assert.equal(res.statusCode, 302);
  const page = await officer.get(res.headers.location!);
  assert.match(page.body, /data-qa="final-band">Medium risk/);
  assert.doesNotMatch(page.body, /data-qa="referral"/);
});

test('missing answers and an override without a rationale show GOV.UK errors and keep the answers', async () => {
  const form = dashForm(5, { override_band: 'high', override_rationale: '' });
  delete form.q_injury;
  const res = await officer.post('/risk', form);
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /govuk-error-summary/);
  assert.match(res.body, /href="#q_injury"/);
  assert.match(res.body, /Explain why your professional judgement differs/);
  assert.match(res.body, /id="q_frightened" name="q_frightened" type="radio" value="yes" checked/);
  const bad = await officer.post('/risk', dashForm(5, { override_band: 'extreme' }));
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Select a risk level from the list/);
});

test('professional judgement cannot lower a visible high risk', async () => {
  const res = await officer.post('/risk', dashForm(16, { override_band: 'medium', override_rationale: 'Victim says it has calmed down' }));
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /Professional judgement cannot lower a high risk/);
});

test('professional judgement raises an ASB assessment with its rationale shown', async () => {
  const form: Record<string, string> = { person: personId, incident: incidentId, questionnaire: asbId, override_band: 'high', override_rationale: 'Perpetrator has a history of violence known to the team.' };
  for (const k of ['screen_vulnerable', 'screen_repeat', 'screen_personal', 'screen_unsafe']) form[`q_${k}`] = 'no';
  const res = await officer.post('/risk', form);
  assert.equal(res.statusCode, 302, res.body.slice(0, 1500));
  const page = await officer.get(res.headers.location!);
  assert.match(page.body, /Not scored: every screening answer was no/);
  assert.match(page.body, /history of violence known to the team/);
  assert.match(page.body, /data-qa="final-band">High risk/);
});

test('the database itself refuses an override without a rationale', async () => {
  const u = await userId(ctx, 'officer@endeavour.demo');
  await assert.rejects(
    withUser(ctx.database.db, u.id, (tx) =>
      tx
        .insertInto('risk_assessments')
        .values({ partnership_id: ctx.demo.partnershipId, owner_organisation_id: u.organisation_id, questionnaire_id: dashId, person_id: personId, case_id: caseId, answers: '{}', score: 0, yes_count: 0, computed_band: 'standard', override_band: 'high', override_rationale: ' ', final_band: 'high', assessed_by: u.id })
        .execute(),
    ),
    /check constraint/,
  );
});

test("the person's risk history lists every assessment, newest first", async () => {
  const list = await officer.get(`/risk?person=${personId}`);
  assert.equal(list.statusCode, 200);
  assert.equal((list.body.match(/<a class="govuk-link" href="\/risk\/[0-9a-f-]{36}">/g) ?? []).length, 3);
  assert.match(list.body, /Risk history: Rosalind Quennell/);
  const page = await officer.get(`/risk/${highId}`);
  assert.match(page.body, /Risk history for this person/);
  assert.ok((await auditRows(ctx, { action: 'list' })).some((r) => r.record_type === 'risk_assessment'));
});

test('another organisation cannot see or add to the assessments by any route', async () => {
  for (const url of [`/risk/${highId}`, `/risk/${highId}/share`, `/risk/new?person=${personId}&case=${caseId}`, `/risk/new?person=${personId}&case=${caseId}&questionnaire=dash`]) {
    const res = await police.get(url);
    assert.equal(res.statusCode, 404, url);
    assert.doesNotMatch(res.body, /Quennell/);
  }
  const list = await police.get(`/risk?person=${personId}`);
  assert.equal(list.statusCode, 200);
  assert.doesNotMatch(list.body, /Quennell/);
  assert.match(list.body, /There are no risk assessments you can see/);
  const created = await police.post('/risk', dashForm(3));
  assert.equal(created.statusCode, 404);
  const share = await police.post(`/risk/${highId}/share`, { target_kind: 'organisation', access: 'edit', reason: 'x' });
  assert.equal(share.statusCode, 404);
  assert.equal((await board.get(`/risk/new?person=${personId}&case=${caseId}`)).statusCode, 403);
});

test("a query through the app's database role cannot see or change another organisation's assessments", async () => {
  const p = await userId(ctx, 'police@endeavour.demo');
  const all = await withUser(ctx.database.db, p.id, (tx) => tx.selectFrom('risk_assessments').select(['id', 'owner_organisation_id']).execute());
  assert.ok(all.every((r) => r.owner_organisation_id === p.organisation_id));
  assert.ok(!all.some((r) => r.id === highId));
  const updated = await withUser(ctx.database.db, p.id, (tx) => tx.updateTable('risk_assessments').set({ final_band: 'standard' }).where('id', '=', highId).executeTakeFirst());
  assert.equal(Number(updated.numUpdatedRows), 0);
  await assert.rejects(
    withUser(ctx.database.db, p.id, (tx) =>
      tx.insertInto('record_shares').values({ record_type: 'risk_assessment', record_id: highId, to_organisation_id: p.organisation_id, access: 'view', reason: 'self-service', created_by: p.id }).execute(),
    ),
    /row-level security/,
  );
  const role = await withUser(ctx.database.db, p.id, (tx) => sql<{ u: string }>`SELECT current_user AS u`.execute(tx));
  assert.equal(role.rows[0]!.u, 'endeavour_app');
});

test('once shared the police can see the assessment; the share and the view are audited; revoking ends it', async () => {
  const p = await userId(ctx, 'police@endeavour.demo');
  await officer.get(`/risk/${highId}/share`);
  const bad = await officer.post(`/risk/${highId}/share`, { target_kind: 'organisation', access: 'view', reason: '' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Enter the reason for sharing/);
  const res = await officer.post(`/risk/${highId}/share`, { target_kind: 'organisation', target_organisation: p.organisation_id, access: 'view', reason: 'MARAC referral under the partnership ISA' });
  assert.equal(res.statusCode, 302);
  const page = await police.get(`/risk/${highId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /High risk/);
  assert.doesNotMatch(page.body, /Share this risk assessment/);
  assert.equal((await police.get(`/risk/${highId}/share`)).statusCode, 404);
  assert.equal((await auditRows(ctx, { action: 'share', recordId: highId })).length, 1);
  assert.equal((await auditRows(ctx, { action: 'view', recordId: highId })).filter((r) => r.actor_user_id === p.id).length, 1);
  const owner = await officer.get(`/risk/${highId}`);
  const shareId = /\/risk\/[0-9a-f-]{36}\/shares\/([0-9a-f-]{36})\/revoke/.exec(owner.body)![1]!;
  assert.equal((await officer.post(`/risk/${highId}/shares/${shareId}/revoke`)).statusCode, 302);
  assert.equal((await police.get(`/risk/${highId}`)).statusCode, 404);
  assert.equal((await auditRows(ctx, { action: 'unshare', recordId: highId })).length, 1);
});

test("an assessment added through an edit share is shared back with the case's owner", async () => {
  const o = await userId(ctx, 'officer@endeavour.demo');
  const p = await userId(ctx, 'police@endeavour.demo');
  await withUser(ctx.database.db, o.id, async (tx) => {
    await tx.insertInto('record_shares').values({ record_type: 'case', record_id: caseId, to_organisation_id: p.organisation_id, access: 'edit', reason: 'Joint case', created_by: o.id }).execute();
    await tx.insertInto('record_shares').values({ record_type: 'person', record_id: personId, to_organisation_id: p.organisation_id, access: 'view', reason: 'Joint case', created_by: o.id }).execute();
  });
  await police.get(`/risk/new?person=${personId}&case=${caseId}&questionnaire=dash`);
  const res = await police.post('/risk', dashForm(2));
  assert.equal(res.statusCode, 302, res.body.slice(0, 1500));
  const id = res.headers.location!.split('/').pop()!;
  const row = await ctx.database.db.selectFrom('risk_assessments').select('owner_organisation_id').where('id', '=', id).executeTakeFirstOrThrow();
  assert.equal(row.owner_organisation_id, p.organisation_id);
  const seen = await officer.get(`/risk/${id}`);
  assert.equal(seen.statusCode, 200);
  assert.match(seen.body, /held by Leicestershire Police/);
});

test('malformed ids answer 404, never 500', async () => {
  for (const url of ['/risk/not-an-id', '/risk/new?person=x&case=y', '/risk/new', `/risk/new?person=${personId}`, '/risk?person=nope']) {
    assert.equal((await officer.get(url)).statusCode, 404, url);
  }
  assert.equal((await officer.get(`/risk/new?person=${personId}&case=${caseId}&questionnaire=nope`)).statusCode, 200);
});
