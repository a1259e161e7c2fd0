// Referrals end to end: a council officer refers a person to the fire service with consent, sharing
// exactly the records chosen; the fire service accepts and completes it; a decline or a withdrawal
// stops the shares made for it. Row-level security by route (another organisation gets 404) and by
// direct queries through the app role; validation errors; the types' administration; timings; and
// who is to be told of each event.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, signIn, userId, auditRows, type TestContext, type Browser } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { referralRecipients } from './service.ts';

let ctx: TestContext;
let officer: Browser; // Charnwood Borough Council: holds the person and refers them
let fire: Browser; // Leicestershire Fire and Rescue Service: receives, accepts, completes
let victims: Browser; // Victim First: receives one and declines it
let police: Browser; // Leicestershire Police: uninvolved
let admin: Browser; // partnership administrator
let personId: string;
let incidentId: string;
let fireTypeId: string;
let victimTypeId: string;
let referralId: string;

const db = () => ctx.database.db;
const orgId = async (name: string) => (await db().selectFrom('organisations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
const typeId = async (name: string) => (await db().selectFrom('referral_types').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
const sharesOf = (referral: string) =>
  sql<{ record_type: string; record_id: string; to_organisation_id: string; access: string; revoked_at: Date | null }>`
    SELECT s.record_type, s.record_id, s.to_organisation_id, s.access, s.revoked_at FROM referral_records rr
    JOIN record_shares s ON s.id = rr.share_id WHERE rr.referral_id = ${referral}`.execute(db());

const fireAnswers = { f_q1: 'No', f_q2: 'yes', f_q3: 'Lives alone; uses a walking frame', consent: 'given' };

async function send(b: Browser, type: string, form: Record<string, string | string[]>) {
  await b.get(`/referrals/new/details?from=person&id=${personId}&type=${type}`);
  return b.post('/referrals', { from: 'person', id: personId, type, action: 'send', ...form });
}

before(async () => {
  ctx = await createTestApp();
  officer = await signIn(ctx, 'officer@endeavour.demo');
  fire = await signIn(ctx, 'fire@endeavour.demo');
  victims = await signIn(ctx, 'victims@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
  admin = await signIn(ctx, 'admin@endeavour.demo');
  await officer.get('/people/new');
  const res = await officer.post('/people', { first_name: 'Maureen', last_name: 'Tebbutt', 'date_of_birth-day': '2', 'date_of_birth-month': '5', 'date_of_birth-year': '1948', match_choice: 'new' });
  assert.equal(res.statusCode, 302);
  personId = res.headers.location!.split('/').pop()!;
  // An incident the person is the victim of, held by Charnwood too (inserted directly: the incident form is tested elsewhere).
  const o = await userId(ctx, 'officer@endeavour.demo');
  const inc = await db()
    .insertInto('incidents')
    .values({ partnership_id: ctx.demo.partnershipId, owner_organisation_id: o.organisation_id, created_by: o.id, occurred_from: new Date('2026-10-01T21:00:00Z'), reported_at: new Date('2026-10-02T09:00:00Z'), how_reported: 'council_phone', category: 'personal', description: 'Fireworks posted through the letterbox', updated_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  incidentId = inc.id;
  await db().insertInto('incident_people').values({ incident_id: incidentId, person_id: personId, role: 'victim', notes: null }).execute();
  fireTypeId = await typeId('Home fire safety check');
  victimTypeId = await typeId('Victim service');
});

after(() => ctx.close());

test('the demo partnership has its referral types; only administrators manage them', async () => {
  const list = await admin.get('/admin/referral-types');
  assert.equal(list.statusCode, 200);
  for (const name of ['Home fire safety check', 'Domestic abuse outreach', 'Victim service', 'Target hardening', 'Mental health', 'Youth service']) assert.match(list.body, new RegExp(name));
  assert.match(list.body, /Leicestershire Fire and Rescue Service/);
  assert.equal((await officer.get('/admin/referral-types')).statusCode, 403);
  assert.equal((await officer.post('/admin/referral-types', { name: 'Sneaky' })).statusCode, 403);
});

test('adding and changing a type: its form is data, errors are shown, existing questions keep their keys', async () => {
  await admin.get('/admin/referral-types/new');
  const bad = await admin.post('/admin/referral-types', { version: '0', name: '', destination: 'choose', 'field-0-label': 'Which day?', 'field-0-kind': 'choice', 'field-0-options': 'Monday' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Enter the referral type’s name/);
  assert.match(bad.body, /Select the organisations the sender can choose from/);
  assert.match(bad.body, /Enter at least two options for field 1/);
  assert.match(bad.body, /value="Which day\?"/, 'what was typed is kept');
  const taken = await admin.post('/admin/referral-types', { version: '0', name: 'victim SERVICE', destination: 'fixed', to_organisation: await orgId('Victim First') });
  assert.match(taken.body, /There is already a referral type with this name/);
  const ok = await admin.post('/admin/referral-types', {
    version: '0',
    name: 'Hoarding support',
    destination: 'choose',
    allowed: [await orgId('Leicestershire Fire and Rescue Service'), await orgId('Soar Valley Homes (demo housing association)')],
    'field-0-label': 'How many rooms are affected?',
    'field-0-kind': 'text',
    'field-0-required': 'yes',
    'field-1-label': 'Risk to neighbours',
    'field-1-kind': 'choice',
    'field-1-options': 'Low\nMedium\nHigh',
  });
  assert.equal(ok.statusCode, 302);
  const id = await typeId('Hoarding support');
  const t = await db().selectFrom('referral_types').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  assert.deepEqual(t.fields.map((f) => [f.key, f.kind, f.required, f.options]), [['q1', 'text', true, []], ['q2', 'choice', false, ['Low', 'Medium', 'High']]]);
  assert.equal(t.to_organisation_id, null);
  assert.equal(t.allowed_organisation_ids.length, 2);
  // Remove the first question and add one: the second keeps q2, the new one is q3.
  const edit = await admin.get(`/admin/referral-types/${id}/edit`);
  assert.match(edit.body, /How many rooms are affected\?/);
  const changed = await admin.post(`/admin/referral-types/${id}`, {
    version: String(t.version),
    name: 'Hoarding support',
    destination: 'fixed',
    to_organisation: await orgId('Leicestershire Fire and Rescue Service'),
    'field-0-key': 'q1', 'field-0-label': 'How many rooms are affected?', 'field-0-kind': 'text', 'field-0-remove': 'yes',
    'field-1-key': 'q2', 'field-1-label': 'Risk to neighbours', 'field-1-kind': 'choice', 'field-1-options': 'Low\nHigh',
    'field-2-label': 'Date of the last visit', 'field-2-kind': 'date',
  });
  assert.equal(changed.statusCode, 302);
  const after = await db().selectFrom('referral_types').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  assert.deepEqual(after.fields.map((f) => f.key), ['q2', 'q3']);
  assert.equal(after.to_organisation_id, await orgId('Leicestershire Fire and Rescue Service'));
  // Saving with the old version is refused (someone saved first).
  const stale = await admin.post(`/admin/referral-types/${id}`, { version: String(t.version), name: 'Hoarding support', destination: 'fixed', to_organisation: after.to_organisation_id! });
  assert.equal(stale.statusCode, 302);
  assert.equal(stale.headers.location, `/admin/referral-types/${id}/edit`);
  // Deactivated, it is no longer offered to senders, and cannot be used even by a crafted request.
  await admin.get('/admin/referral-types');
  assert.equal((await admin.post(`/admin/referral-types/${id}/deactivate`)).statusCode, 302);
  const choose = await officer.get(`/referrals/new?from=person&id=${personId}`);
  assert.equal(choose.statusCode, 200);
  assert.doesNotMatch(choose.body, /Hoarding support/);
  assert.match(choose.body, /Home fire safety check/);
  assert.equal((await officer.get(`/referrals/new/details?from=person&id=${personId}&type=${id}`)).statusCode, 404);
  assert.ok((await auditRows(ctx, { recordId: id })).some((a) => a.action === 'admin_update'));
});

test('the referral form validates answers, consent and the records chosen, keeping what was typed', async () => {
  const person = await officer.get(`/people/${personId}`);
  assert.match(person.body, new RegExp(`href="/referrals/new\\?from=person&amp;id=${personId}"`));
  const form = await officer.get(`/referrals/new/details?from=person&id=${personId}&type=${fireTypeId}`);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /This referral goes to <strong>Leicestershire Fire and Rescue Service<\/strong>/);
  assert.match(form.body, /Person: Maureen Tebbutt/);
  assert.match(form.body, /Incident: INC-/);
  const empty = await officer.post('/referrals/check', { from: 'person', id: personId, type: fireTypeId, f_q3: 'Walking frame' });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /Select an answer to “Is there a working smoke alarm\?”/);
  assert.match(empty.body, /Select whether the person consented to this referral/);
  assert.match(empty.body, /Select at least one record to share with the referral/);
  assert.match(empty.body, />Walking frame</);
  const noBasis = await officer.post('/referrals/check', { from: 'person', id: personId, type: fireTypeId, ...fireAnswers, f_q1: 'Maybe', consent: 'refused', share: `person:${personId}` });
  assert.equal(noBasis.statusCode, 400);
  assert.match(noBasis.body, /from the list/);
  assert.match(noBasis.body, /Select the lawful basis for sharing without consent/);
  assert.match(noBasis.body, /Enter why you are sharing without consent/);
  // A record of another organisation cannot be slipped in.
  const foreign = await officer.post('/referrals/check', { from: 'person', id: personId, type: fireTypeId, ...fireAnswers, share: [`person:${personId}`, `case:${incidentId}`] });
  assert.match(foreign.body, /Select only records your organisation holds/);
  const check = await officer.post('/referrals/check', { from: 'person', id: personId, type: fireTypeId, ...fireAnswers, share: `person:${personId}` });
  assert.equal(check.statusCode, 200);
  assert.match(check.body, /Check your referral before sending it/);
  assert.match(check.body, /Lives alone; uses a walking frame/);
  assert.match(check.body, /Consent given/);
  assert.match(check.body, /<li>Person: Maureen Tebbutt/);
  const change = await officer.post('/referrals', { from: 'person', id: personId, type: fireTypeId, ...fireAnswers, share: `person:${personId}`, action: 'change' });
  assert.equal(change.statusCode, 200);
  assert.match(change.body, /Lives alone; uses a walking frame<\/textarea>/);
  assert.equal(await db().selectFrom('referrals').select('id').executeTakeFirst(), undefined, 'nothing sent yet');
  // From an incident: the incident comes ticked, its people are offered.
  assert.match((await officer.get(`/incidents/${incidentId}`)).body, new RegExp(`href="/referrals/new\\?from=incident&amp;id=${incidentId}"`));
  const fromIncident = await officer.get(`/referrals/new/details?from=incident&id=${incidentId}&type=${fireTypeId}`);
  assert.equal(fromIncident.statusCode, 200);
  assert.match(fromIncident.body, new RegExp(`value="incident:${incidentId}" checked`));
  assert.match(fromIncident.body, new RegExp(`value="person:${personId}"`));
  for (const bad of [`from=vehicle&id=${incidentId}`, `from=case&id=${incidentId}`, 'from=person&id=nonsense']) assert.equal((await officer.get(`/referrals/new?${bad}`)).statusCode, 404, bad);
  // Another organisation cannot start a referral from a record it cannot see.
  assert.equal((await police.get(`/referrals/new?from=person&id=${personId}`)).statusCode, 404);
  assert.equal((await police.get(`/referrals/new/details?from=person&id=${personId}&type=${fireTypeId}`)).statusCode, 404);
});

test('sending shares exactly the chosen records with the receiving organisation, audited', async () => {
  assert.equal((await fire.get(`/people/${personId}`)).statusCode, 404);
  const res = await send(officer, fireTypeId, { ...fireAnswers, share: `person:${personId}` });
  assert.equal(res.statusCode, 302);
  referralId = res.headers.location!.split('/').pop()!;
  const fireOrg = await orgId('Leicestershire Fire and Rescue Service');
  const shares = await sharesOf(referralId);
  assert.deepEqual(shares.rows.map((s) => [s.record_type, s.record_id, s.to_organisation_id, s.access, s.revoked_at]), [['person', personId, fireOrg, 'view', null]]);
  assert.equal((await fire.get(`/people/${personId}`)).statusCode, 200, 'the person is shared');
  assert.equal((await fire.get(`/incidents/${incidentId}`)).statusCode, 404, 'the incident was not chosen, so it is not shared');
  const r = await db().selectFrom('referrals').selectAll().where('id', '=', referralId).executeTakeFirstOrThrow();
  assert.equal(r.status, 'sent');
  assert.deepEqual(r.answers, { q1: 'No', q2: 'yes', q3: 'Lives alone; uses a walking frame' });
  assert.equal(r.form.length, 4, 'the form is kept with the referral');
  assert.equal((await officer.get(`/referrals/${referralId}`)).statusCode, 200);
  const audit = await auditRows(ctx, { recordId: referralId });
  assert.deepEqual(audit.map((a) => a.action), ['create', 'notify', 'view']);
  assert.deepEqual(audit[0]!.details.records, [`person:${personId}`]);
  assert.equal((await auditRows(ctx, { action: 'share', recordId: personId })).length, 1);
});

test('the receiver sees it in their queue (with a count); another organisation gets 404', async () => {
  const home = await fire.get('/');
  assert.match(home.body, /Referrals <span class="moj-notification-badge">1<span class="govuk-visually-hidden"> referral waiting for a decision/);
  const queue = await fire.get('/referrals?status=sent');
  assert.match(queue.body, /data-qa="received"/);
  assert.match(queue.body, /Amira Patel \(Charnwood Borough Council\)/);
  assert.match((await fire.get('/referrals?status=completed')).body, /data-qa="none-received"/);
  const page = await fire.get(`/referrals/${referralId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Lives alone; uses a walking frame/);
  assert.match(page.body, new RegExp(`href="/people/${personId}">Maureen Tebbutt`));
  assert.match(page.body, /Save decision/);
  assert.match((await officer.get('/referrals')).body, /data-qa="sent"/);
  for (const b of [police, victims]) {
    assert.equal((await b.get(`/referrals/${referralId}`)).statusCode, 404);
    assert.equal((await b.post(`/referrals/${referralId}/decide`, { version: '1', decision: 'accept' })).statusCode, 404);
    assert.doesNotMatch((await b.get('/referrals')).body, new RegExp(referralId));
  }
  assert.equal((await ctx.app.inject({ method: 'GET', url: `/referrals/${referralId}` })).statusCode, 302, 'signed out: to sign in');
});

test('lifecycle: only the receiver accepts (then completes, with an outcome); errors are explained', async () => {
  await officer.get(`/referrals/${referralId}`);
  assert.equal((await officer.post(`/referrals/${referralId}/decide`, { version: '1', decision: 'accept' })).statusCode, 403);
  await fire.get(`/referrals/${referralId}`);
  const none = await fire.post(`/referrals/${referralId}/decide`, { version: '1' });
  assert.equal(none.statusCode, 400);
  assert.match(none.body, /Select whether you accept or decline this referral/);
  const noReason = await fire.post(`/referrals/${referralId}/decide`, { version: '1', decision: 'decline' });
  assert.match(noReason.body, /Enter why you are declining this referral/);
  assert.equal((await fire.post(`/referrals/${referralId}/complete`, { version: '1', outcome: 'Too early' })).statusCode, 302);
  assert.equal((await db().selectFrom('referrals').select('status').where('id', '=', referralId).executeTakeFirstOrThrow()).status, 'sent', 'cannot complete before accepting');
  assert.equal((await fire.post(`/referrals/${referralId}/decide`, { version: '1', decision: 'accept' })).statusCode, 302);
  const accepted = await db().selectFrom('referrals').selectAll().where('id', '=', referralId).executeTakeFirstOrThrow();
  assert.equal(accepted.status, 'accepted');
  assert.ok(accepted.accepted_at);
  assert.equal((await officer.post(`/referrals/${referralId}/withdraw`, { version: '2' })).statusCode, 302);
  assert.equal((await db().selectFrom('referrals').select('status').where('id', '=', referralId).executeTakeFirstOrThrow()).status, 'accepted', 'too late to withdraw');
  const noOutcome = await fire.post(`/referrals/${referralId}/complete`, { version: '2', outcome: ' ' });
  assert.equal(noOutcome.statusCode, 400);
  assert.match(noOutcome.body, /Enter the outcome of this referral/);
  assert.equal((await fire.post(`/referrals/${referralId}/complete`, { version: '2', outcome: 'Visited; two smoke alarms fitted and a letterbox guard' })).statusCode, 302);
  const done = await db().selectFrom('referrals').selectAll().where('id', '=', referralId).executeTakeFirstOrThrow();
  assert.equal(done.status, 'completed');
  assert.ok(done.completed_at && done.completed_at >= done.accepted_at!);
  const page = await officer.get(`/referrals/${referralId}`);
  assert.match(page.body, /Accepted .* by Gemma Rowe/);
  assert.match(page.body, /Outcome: Visited; two smoke alarms fitted/);
  assert.equal((await sharesOf(referralId)).rows[0]!.revoked_at, null, 'a completed referral keeps its share');
  const steps = (await auditRows(ctx, { action: 'update', recordId: referralId })).map((a) => a.details.status);
  assert.deepEqual(steps, ['accepted', 'completed']);
  // The receiver was told of the referral, and the sender of each decision, in the app and by email.
  const told = await db()
    .selectFrom('notifications as n')
    .innerJoin('users as u', 'u.id', 'n.recipient_user_id')
    .select(['u.email', 'n.kind', 'n.href'])
    .where('n.kind', 'in', ['referral_received', 'referral_updated'])
    .where('n.record_id', '=', referralId)
    .execute();
  assert.deepEqual(
    told.map((t) => [t.email, t.kind, t.href]).sort((a, b) => (a.join() < b.join() ? -1 : 1)),
    [
      ['fire-station-manager@endeavour.demo', 'referral_received', `/referrals/${referralId}`],
      ['fire@endeavour.demo', 'referral_received', `/referrals/${referralId}`],
      ['officer@endeavour.demo', 'referral_updated', `/referrals/${referralId}`],
      ['officer@endeavour.demo', 'referral_updated', `/referrals/${referralId}`],
    ],
  );
  assert.match((await fire.get('/notifications')).body, /has been sent to your organisation/);
});

test('declining stops the shares made for the referral; so does withdrawing', async () => {
  const res = await send(officer, victimTypeId, { f_q1: 'Someone to talk to', f_q2: 'Phone', consent: 'not_asked', lawful_basis: 'crime_disorder_s115', lawful_basis_reason: 'Repeat victim; to prevent further ASB', share: [`person:${personId}`, `incident:${incidentId}`] });
  assert.equal(res.statusCode, 302);
  const declinedId = res.headers.location!.split('/').pop()!;
  assert.equal((await sharesOf(declinedId)).rows.length, 2);
  assert.equal((await victims.get(`/incidents/${incidentId}`)).statusCode, 200);
  await victims.get(`/referrals/${declinedId}`);
  assert.equal((await victims.post(`/referrals/${declinedId}/decide`, { version: '1', decision: 'decline', decline_reason: 'Already supported by another service' })).statusCode, 302);
  assert.ok((await sharesOf(declinedId)).rows.every((s) => s.revoked_at !== null));
  assert.equal((await victims.get(`/incidents/${incidentId}`)).statusCode, 404);
  assert.equal((await victims.get(`/people/${personId}`)).statusCode, 404);
  assert.equal((await fire.get(`/people/${personId}`)).statusCode, 200, "the fire service's own referral share is untouched");
  const page = await victims.get(`/referrals/${declinedId}`);
  assert.match(page.body, /Declined .*Already supported by another service/);
  assert.match(page.body, /no longer shared with you/);
  assert.equal((await auditRows(ctx, { action: 'unshare', recordId: incidentId })).length, 1);

  const w = await send(officer, victimTypeId, { f_q1: 'Advice', f_q2: 'Email', consent: 'given', share: `person:${personId}` });
  const withdrawnId = w.headers.location!.split('/').pop()!;
  await victims.get(`/referrals/${withdrawnId}`);
  assert.equal((await victims.post(`/referrals/${withdrawnId}/withdraw`, { version: '1' })).statusCode, 403);
  await officer.get(`/referrals/${withdrawnId}`);
  assert.equal((await officer.post(`/referrals/${withdrawnId}/withdraw`, { version: '1', withdraw_reason: 'Sent by mistake' })).statusCode, 302);
  assert.equal((await db().selectFrom('referrals').select('status').where('id', '=', withdrawnId).executeTakeFirstOrThrow()).status, 'withdrawn');
  assert.ok((await sharesOf(withdrawnId)).rows.every((s) => s.revoked_at !== null));
  assert.equal((await victims.get(`/people/${personId}`)).statusCode, 404);
  // One stopped share audited per step: the decline's and the withdrawal's, not the fire service's.
  assert.deepEqual((await auditRows(ctx, { action: 'unshare', recordId: personId })).map((a) => a.details.because), ['declined', 'withdrawn']);
});

test('through the app role: visible to the two organisations only, and neither side can rewrite or forge', async () => {
  const [p, f, o, v] = await Promise.all(['police', 'fire', 'officer', 'victims'].map((u) => userId(ctx, `${u}@endeavour.demo`)));
  const seen = (u: string) => withUser(db(), u, (tx) => tx.selectFrom('referrals').select(['id', 'owner_organisation_id', 'to_organisation_id']).execute());
  assert.deepEqual(await seen(p!.id), []);
  assert.deepEqual((await seen(f!.id)).map((r) => r.id), [referralId]);
  assert.equal((await seen(o!.id)).length, 3);
  assert.deepEqual(await withUser(db(), p!.id, (tx) => tx.selectFrom('referral_records').select('record_id').execute()), []);
  // The receiver cannot change what was sent; nobody can skip a step.
  await assert.rejects(withUser(db(), f!.id, (tx) => sql`UPDATE referrals SET answers = '{}'::jsonb WHERE id = ${referralId}`.execute(tx)), /cannot be rewritten/);
  await assert.rejects(withUser(db(), f!.id, (tx) => sql`UPDATE referrals SET status = 'sent', accepted_at = NULL, accepted_by = NULL, completed_at = NULL, completed_by = NULL, outcome = NULL WHERE id = ${referralId}`.execute(tx)), /cannot go from completed to sent/);
  // A sender cannot accept its own referral.
  const fresh = await send(officer, fireTypeId, { ...fireAnswers, share: `person:${personId}` });
  const freshId = fresh.headers.location!.split('/').pop()!;
  await assert.rejects(withUser(db(), o!.id, (tx) => tx.updateTable('referrals').set({ status: 'accepted', accepted_by: o!.id, accepted_at: new Date() }).where('id', '=', freshId).execute()), /only the receiving organisation/);
  // Nobody can attach a record to a referral without a share of it to the receiver.
  const victimsShare = await db().selectFrom('record_shares').select('id').where('to_organisation_id', '=', v!.organisation_id).executeTakeFirstOrThrow();
  await assert.rejects(withUser(db(), o!.id, (tx) => tx.insertInto('referral_records').values({ referral_id: freshId, record_type: 'incident', record_id: incidentId, share_id: victimsShare.id }).execute()), /row-level security/);
  // Nor send a referral in another organisation's name, or to an organisation the type does not go to.
  const base = { partnership_id: ctx.demo.partnershipId, referral_type_id: fireTypeId, type_name: 'x', form: '[]', answers: '{}', subject_type: 'person' as const, subject_id: personId, consent: 'given' as const, lawful_basis: null, lawful_basis_reason: null };
  await assert.rejects(withUser(db(), p!.id, (tx) => tx.insertInto('referrals').values({ ...base, owner_organisation_id: o!.organisation_id, to_organisation_id: f!.organisation_id, sent_by: o!.id }).execute()), /row-level security/);
  await assert.rejects(withUser(db(), p!.id, (tx) => tx.insertInto('referrals').values({ ...base, owner_organisation_id: p!.organisation_id, to_organisation_id: v!.organisation_id, sent_by: p!.id }).execute()), /does not go to that organisation/);
  // Types: read by the partnership, changed by administrators only.
  assert.ok((await withUser(db(), p!.id, (tx) => tx.selectFrom('referral_types').select('id').execute())).length >= 6);
  await assert.rejects(withUser(db(), p!.id, (tx) => tx.insertInto('referral_types').values({ partnership_id: ctx.demo.partnershipId, name: 'Forged', to_organisation_id: p!.organisation_id, fields: '[]', updated_at: new Date() }).execute()), /row-level security/);
  const changed = await withUser(db(), p!.id, (tx) => tx.updateTable('referral_types').set({ active: false }).where('id', '=', fireTypeId).execute());
  assert.equal(Number(changed[0]!.numUpdatedRows), 0);
});

test('referralRecipients: a sent referral tells the receiving partner users and officers; a decision tells the sender', async () => {
  const f = await userId(ctx, 'fire@endeavour.demo');
  const fm = await userId(ctx, 'fire-station-manager@endeavour.demo');
  const o = await userId(ctx, 'officer@endeavour.demo');
  await withUser(db(), o.id, async (tx) => {
    assert.deepEqual((await referralRecipients(tx, referralId, 'sent')).sort(), [f.id, fm.id].sort(), 'the fire service’s partner users');
    for (const e of ['accepted', 'declined', 'completed'] as const) assert.deepEqual(await referralRecipients(tx, referralId, e), [o.id]);
  });
  // Under the row-level security of someone who cannot see it, nobody.
  const p = await userId(ctx, 'police@endeavour.demo');
  assert.deepEqual(await withUser(db(), p.id, (tx) => referralRecipients(tx, referralId, 'sent')), []);
});

test('timings: median and 90th percentile days, counts by type and status, and a CSV', async () => {
  // Backdate the completed referral: sent 10 days ago, accepted 4 days later, completed 2 days after that.
  const day = 86_400_000;
  const now = Date.now();
  await sql`UPDATE referrals SET sent_at = ${new Date(now - 10 * day)}, accepted_at = ${new Date(now - 6 * day)}, completed_at = ${new Date(now - 4 * day)} WHERE id = ${referralId}`.execute(db());
  const page = await officer.get('/referrals/timings');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /data-qa="accept-median">4</);
  assert.match(page.body, /data-qa="accept-p90">4</);
  assert.match(page.body, /data-qa="total">4</);
  const bad = await officer.get('/referrals/timings?from-day=31&from-month=2&from-year=2026');
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /must be a real date/);
  const csv = await officer.get('/referrals/timings.csv');
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  const lines = csv.body.trim().split('\r\n');
  assert.match(lines[0]!, /^Referral type,Total,Waiting for a decision,Accepted,Declined,Completed,Withdrawn,/);
  assert.ok(lines.includes('Home fire safety check,2,1,0,0,1,0,1,4.0,4.0,1,2.0,2.0'), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith('Victim service,2,0,0,1,0,1,')));
  assert.ok((await auditRows(ctx, { action: 'export' })).some((a) => a.record_type === 'referral_timings'));
  // The fire service sees only what it received: the two fire referrals, not the victim service's.
  assert.match((await fire.get('/referrals/timings')).body, /data-qa="total">2</);
  assert.equal((await ctx.app.inject({ method: 'GET', url: '/referrals/timings' })).statusCode, 302);
});

test('the report builder counts referrals the organisation sent or received, by kind and status', async () => {
  const csv = (b: Browser, qs: string) => b.get(`/reports/builder.csv?record=referrals&${qs}`);
  const byType = await csv(officer, 'group=type&measure=count');
  assert.equal(byType.statusCode, 200, byType.body.slice(0, 500));
  assert.match(byType.body, /Home fire safety check,2/);
  assert.match(byType.body, /Victim service,2/);
  const byStatus = await csv(fire, 'group=status&measure=count');
  assert.match(byStatus.body, /Completed,1/);
  assert.match(byStatus.body, /Waiting for a decision,1/);
  assert.doesNotMatch(byStatus.body, /Declined|Withdrawn/, 'the fire service does not count the victim service’s referrals');
  const none = await csv(police, 'group=type&measure=count');
  assert.doesNotMatch(none.body, /Home fire safety check/);
});
