// Access requests end to end: a stub's token becomes a request to the owning organisation, who
// grants it (a view share: the requester then sees the person and gets them as a suggestion) or
// declines it (the record stays hidden). Row-level security by route and by a direct query through
// the app role; every step audited and emailed through the outbox.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, signIn, userId, auditRows, type TestContext, type Browser } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';

let ctx: TestContext;
let officer: Browser; // Charnwood Borough Council: records the person
let manager: Browser; // Charnwood too: may decide any request for Charnwood's records
let police: Browser; // Leicestershire Police: asks, is granted
let housing: Browser; // a housing provider: asks, is declined
let fire: Browser; // fire and rescue: uninvolved
let personId: string;
let policeRequestId: string;
let housingRequestId: string;

const ZELDA = { first_name: 'Zelda', last_name: 'Przybylski', date_of_birth: '1979-11-04' };

async function lookup(b: Browser) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/matching/people',
    payload: JSON.stringify(ZELDA),
    headers: { cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': b.csrf, 'content-type': 'application/json' },
  });
  assert.equal(res.statusCode, 200);
  return res.json() as { matches: { id: string; name: string }[]; stubs: { heldBy: string; requestHref: string; requestedAt: string | null }[] };
}

const outbox = (to: string) => ctx.database.db.selectFrom('outbox_messages').selectAll().where('to_address', '=', to).orderBy('created_at').execute();

before(async () => {
  ctx = await createTestApp();
  officer = await signIn(ctx, 'officer@endeavour.demo');
  manager = await signIn(ctx, 'manager@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
  housing = await signIn(ctx, 'housing@endeavour.demo');
  fire = await signIn(ctx, 'fire@endeavour.demo');
  await officer.get('/people/new');
  const res = await officer.post('/people', {
    first_name: 'Zelda',
    last_name: 'Przybylski',
    'date_of_birth-day': '4',
    'date_of_birth-month': '11',
    'date_of_birth-year': '1979',
    match_choice: 'new',
  });
  assert.equal(res.statusCode, 302);
  personId = res.headers.location!.split('/').pop()!;
});

after(() => ctx.close());

test('a stub leads to a request form that names the holder and the contact, not the record', async () => {
  const { stubs } = await lookup(police);
  assert.equal(stubs.length, 1);
  const page = await police.get(stubs[0]!.requestHref);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Ask Charnwood Borough Council for access/);
  assert.match(page.body, /Amira Patel/);
  assert.doesNotMatch(page.body, /Zelda|Przybylski|1979/);
  assert.doesNotMatch(page.body, new RegExp(personId));
  // A token is bound to the user it was shown to, and cannot be altered.
  assert.equal((await housing.get(stubs[0]!.requestHref)).statusCode, 404);
  assert.equal((await police.get(`${stubs[0]!.requestHref.slice(0, -3)}xyz`)).statusCode, 404);
  assert.equal((await police.get('/access-requests/new?token=nonsense')).statusCode, 404);
});

test('requesting access: a reason is required, then the request goes to the recording officer, audited and emailed', async () => {
  const { stubs } = await lookup(police);
  const token = decodeURIComponent(stubs[0]!.requestHref.split('token=')[1]!);
  await police.get(stubs[0]!.requestHref);
  const empty = await police.post('/access-requests', { token, reason: '  ' });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /Enter why you need to see the record/);
  const res = await police.post('/access-requests', { token, reason: 'Victim of three incidents on the Warwick Way estate; joint problem-solving meeting' });
  assert.equal(res.statusCode, 302);
  policeRequestId = res.headers.location!.split('/').pop()!;
  const page = await police.get(`/access-requests/${policeRequestId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Waiting for a decision/);
  assert.doesNotMatch(page.body, /Zelda|Przybylski/);
  // Asking again for the same record finds the open request instead of making another.
  const again = await police.post('/access-requests', { token, reason: 'again' });
  assert.equal(again.headers.location, `/access-requests/${policeRequestId}`);
  // The stub now says it was asked for.
  assert.ok((await lookup(police)).stubs[0]!.requestedAt);
  const audit = await auditRows(ctx, { action: 'access_request', recordId: personId });
  assert.equal(audit.length, 1);
  assert.equal(audit[0]!.details.access_request_id, policeRequestId);
  const mail = await outbox('officer@endeavour.demo');
  assert.equal(mail.length, 1);
  assert.match(mail[0]!.subject, /request to see a record/);
  assert.match(mail[0]!.body, new RegExp(`/access-requests/${policeRequestId}`));
  assert.doesNotMatch(mail[0]!.body, /Zelda|Przybylski|Warwick Way/, 'the email names neither the record nor the reason');
});

test('the owner sees the request in "Access requests", with a count in the navigation', async () => {
  const home = await officer.get('/');
  assert.match(home.body, /Access requests <span class="moj-notification-badge">1<span class="govuk-visually-hidden"> request waiting for your decision/);
  const list = await officer.get('/access-requests');
  assert.match(list.body, /data-qa="waiting"/);
  assert.match(list.body, /Daniel Frost \(Leicestershire Police\)/);
  const page = await officer.get(`/access-requests/${policeRequestId}`);
  assert.match(page.body, /Zelda Przybylski/, 'the owner sees which record');
  assert.match(page.body, /joint problem-solving meeting/);
  assert.match(page.body, /Save decision/);
  // Another organisation altogether sees nothing of it.
  assert.equal((await fire.get(`/access-requests/${policeRequestId}`)).statusCode, 404);
  // The requester cannot decide their own request.
  const self = await police.post(`/access-requests/${policeRequestId}/decide`, { version: '1', decision: 'grant', share_with: 'organisation' });
  assert.equal(self.statusCode, 403);
});

test('granting shares the record: the requester can now open it and gets it as a full suggestion', async () => {
  assert.equal((await police.get(`/people/${personId}`)).statusCode, 404);
  await officer.get(`/access-requests/${policeRequestId}`);
  const bad = await officer.post(`/access-requests/${policeRequestId}/decide`, { version: '1', decision: 'grant', share_with: 'user', 'expires-day': '1', 'expires-month': '1', 'expires-year': '2001' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /must be today or in the future/);
  const ok = await officer.post(`/access-requests/${policeRequestId}/decide`, { version: '1', decision: 'grant', share_with: 'user', decision_note: 'Shared for the meeting' });
  assert.equal(ok.statusCode, 302);
  const page = await police.get(`/people/${personId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Zelda/);
  const result = await lookup(police);
  assert.deepEqual(result.stubs, []);
  assert.equal(result.matches[0]?.id, personId);
  const req = await police.get(`/access-requests/${policeRequestId}`);
  assert.match(req.body, new RegExp(`href="/people/${personId}"`));
  assert.match(req.body, /Shared for the meeting/);
  const p = await userId(ctx, 'police@endeavour.demo');
  const share = await ctx.database.db.selectFrom('access_requests').select(['status', 'share_id']).where('id', '=', policeRequestId).executeTakeFirstOrThrow();
  assert.equal(share.status, 'granted');
  const shareRow = await sql<{ to_user_id: string; access: string }>`SELECT to_user_id, access FROM record_shares WHERE id = ${share.share_id}`.execute(ctx.database.db);
  assert.deepEqual(shareRow.rows[0], { to_user_id: p.id, access: 'view' });
  assert.equal((await auditRows(ctx, { action: 'access_granted', recordId: personId })).length, 1);
  assert.equal((await auditRows(ctx, { action: 'share', recordId: personId })).length, 1);
  assert.equal((await outbox('police@endeavour.demo')).filter((m) => /granted/.test(m.subject)).length, 1);
  // Decided once: a second decision changes nothing.
  const twice = await manager.post(`/access-requests/${policeRequestId}/decide`, { version: '2', decision: 'decline', decision_note: 'No' });
  assert.equal(twice.statusCode, 302);
  assert.equal((await ctx.database.db.selectFrom('access_requests').select('status').where('id', '=', policeRequestId).executeTakeFirstOrThrow()).status, 'granted');
});

test('declining needs a reason and leaves the record hidden', async () => {
  const { stubs } = await lookup(housing);
  assert.equal(stubs.length, 1);
  const token = decodeURIComponent(stubs[0]!.requestHref.split('token=')[1]!);
  await housing.get(stubs[0]!.requestHref);
  const res = await housing.post('/access-requests', { token, reason: 'Tenancy enforcement' });
  housingRequestId = res.headers.location!.split('/').pop()!;
  await manager.get(`/access-requests/${housingRequestId}`);
  const noReason = await manager.post(`/access-requests/${housingRequestId}/decide`, { version: '1', decision: 'decline' });
  assert.equal(noReason.statusCode, 400);
  assert.match(noReason.body, /Enter why you are declining/);
  const declined = await manager.post(`/access-requests/${housingRequestId}/decide`, { version: '1', decision: 'decline', decision_note: 'Ask the police single point of contact instead' });
  assert.equal(declined.statusCode, 302);
  assert.equal((await housing.get(`/people/${personId}`)).statusCode, 404);
  const again = await lookup(housing);
  assert.deepEqual(again.matches, []);
  assert.equal(again.stubs.length, 1);
  const page = await housing.get(`/access-requests/${housingRequestId}`);
  assert.match(page.body, /Declined/);
  assert.match(page.body, /Ask the police single point of contact instead/);
  assert.doesNotMatch(page.body, /Zelda|Przybylski/);
  assert.equal((await auditRows(ctx, { action: 'access_declined', recordId: personId })).length, 1);
});

test('a requester may withdraw a pending request; nobody else may', async () => {
  const { stubs } = await lookup(fire);
  const token = decodeURIComponent(stubs[0]!.requestHref.split('token=')[1]!);
  await fire.get(stubs[0]!.requestHref);
  const id = (await fire.post('/access-requests', { token, reason: 'Home fire safety visit' })).headers.location!.split('/').pop()!;
  await officer.get('/');
  assert.equal((await officer.post(`/access-requests/${id}/withdraw`, { version: '1' })).statusCode, 403);
  await fire.get(`/access-requests/${id}`);
  assert.equal((await fire.post(`/access-requests/${id}/withdraw`, { version: '1' })).statusCode, 302);
  assert.equal((await ctx.database.db.selectFrom('access_requests').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status, 'withdrawn');
  assert.equal((await auditRows(ctx, { action: 'access_request_withdrawn', recordId: personId })).length, 1);
});

test("through the app's database role, requests are visible only to the two organisations and cannot be forged", async () => {
  const f = await userId(ctx, 'fire@endeavour.demo');
  const p = await userId(ctx, 'police@endeavour.demo');
  const h = await userId(ctx, 'housing@endeavour.demo');
  const o = await userId(ctx, 'officer@endeavour.demo');
  const db = ctx.database.db;
  const seen = (u: string) => withUser(db, u, (tx) => tx.selectFrom('access_requests').select(['id', 'requester_organisation_id', 'owner_organisation_id']).execute());
  const byFire = await seen(f.id);
  assert.ok(byFire.every((r) => r.requester_organisation_id === f.organisation_id), 'fire sees only its own request');
  const byHousing = await seen(h.id);
  assert.deepEqual(byHousing.map((r) => r.id), [housingRequestId]);
  const byOwner = await seen(o.id);
  assert.ok(byOwner.length >= 3 && byOwner.every((r) => r.owner_organisation_id === o.organisation_id));
  // The requester reads the request, not the record.
  const hidden = await withUser(db, h.id, (tx) => tx.selectFrom('people').select('id').where('id', '=', personId).execute());
  assert.deepEqual(hidden, []);
  // A requester cannot grant itself, nor rewrite who owns the record or what was asked.
  await assert.rejects(
    withUser(db, h.id, (tx) => tx.updateTable('access_requests').set({ status: 'granted', decided_by: h.id, decided_at: new Date(), share_id: null }).where('id', '=', housingRequestId).execute()),
  );
  await assert.rejects(
    withUser(db, p.id, (tx) =>
      tx.insertInto('access_requests').values({ partnership_id: ctx.demo.partnershipId, record_type: 'person', record_id: personId, owner_organisation_id: p.organisation_id, requester_user_id: o.id, requester_organisation_id: o.organisation_id, reason: 'forged', updated_at: new Date() }).execute(),
    ),
    /row-level security/,
  );
  // The owner is taken from the record whatever the insert says, and a record that does not exist is refused.
  const made = await withUser(db, p.id, (tx) =>
    tx.insertInto('access_requests').values({ partnership_id: ctx.demo.partnershipId, record_type: 'vehicle', record_id: personId, owner_organisation_id: p.organisation_id, requester_user_id: p.id, requester_organisation_id: p.organisation_id, reason: 'x', updated_at: new Date() }).returning('id').execute(),
  ).catch((e: Error) => e);
  assert.ok(made instanceof Error && /no such record/.test(made.message));
  const role = await withUser(db, p.id, (tx) => sql<{ u: string }>`SELECT current_user AS u`.execute(tx));
  assert.equal(role.rows[0]!.u, 'endeavour_app');
});
