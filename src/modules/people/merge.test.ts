// Merging and unmerging people through the pages, on whichever engine the suite runs on: a merge moves
// everything that referred to the duplicate and hides it; undoing it puts every row back exactly as it
// was; later work on the survivor survives an unmerge; cross-organisation merges, view-only users,
// people out of sight, stale forms and references the actor cannot move are all refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, signIn, userId, auditRows, type TestContext, type Browser } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';
import {
  addAddress,
  addAlias,
  addCase,
  addDocument,
  addIncident,
  addIntervention,
  addLink,
  addPerson,
  addRiskAssessment,
  addShare,
  ownerOf,
  snapshot,
  type Owner,
} from './merge-fixtures.ts';

let ctx: TestContext;
let officer: Browser; // Charnwood Borough Council
let manager: Browser; // Charnwood Borough Council
let police: Browser; // Leicestershire Police
let charnwood: Owner;
let constabulary: Owner;

before(async () => {
  ctx = await createTestApp();
  officer = await signIn(ctx, 'officer@endeavour.demo');
  manager = await signIn(ctx, 'manager@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
  charnwood = await ownerOf(ctx.database.db, 'officer@endeavour.demo');
  constabulary = await ownerOf(ctx.database.db, 'police@endeavour.demo');
});
after(() => ctx.close());

const db = () => ctx.database.db;
const version = async (id: string) => (await db().selectFrom('people').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version;

/** Two records of one woman with everything that can refer to a person, and two other people. */
async function duplicates(tag: string) {
  const o = charnwood;
  const a = await addPerson(db(), o, 'Joanne', `Quarrendon${tag}`, {
    date_of_birth: '1981-03-14',
    gender: 'Female',
    phone: '07700 900111',
    notes: 'Lives with her mother',
    vulnerabilities: ['disability'],
    warning_markers: ['dogs'],
  });
  const b = await addPerson(db(), o, 'Jo', `Quarrendon${tag}`, {
    date_of_birth: '1981-03-14',
    phone: '07700 900222',
    email: 'jo.q@example.com',
    notes: 'Prefers afternoon visits',
    vulnerabilities: ['mental_health', 'disability'],
    do_not_leave_messages: true,
  });
  const brother = await addPerson(db(), o, 'Kevin', `Quarrendon${tag}`, { date_of_birth: '1978-07-02' });
  const neighbour = await addPerson(db(), o, 'Sandra', `Pikeworth${tag}`);
  await addAlias(db(), o, a, 'nickname', null, 'Jojo');
  await addAlias(db(), o, b, 'nickname', null, 'Jojo'); // the survivor has it already: removed, then put back
  await addAlias(db(), o, b, 'maiden_name', 'Jo', `Pikeworth${tag}`);
  await addAddress(db(), o, a, '12 Ashby Road, Loughborough', 'LE11 3AB', '2019-01-01', null);
  await addAddress(db(), o, b, '12 Ashby Road, Loughborough', 'LE11 3AB', '2019-01-01', null); // the same
  await addAddress(db(), o, b, '4 Mill Lane, Shepshed', 'LE12 9AA', '2012-05-01', '2018-12-31');
  await addLink(db(), o, a, brother, 'sibling');
  await addLink(db(), o, b, brother, 'sibling'); // the same link from the duplicate
  await addLink(db(), o, a, b, 'family_member'); // becomes a link from the survivor to herself
  await addLink(db(), o, neighbour, b, 'neighbour'); // stored on a third person, pointing at the duplicate
  const both = await addIncident(db(), o, [[a, 'victim'], [b, 'victim']]); // both victims of one incident
  const asPerpetrator = await addIncident(db(), o, [[b, 'perpetrator'], [neighbour, 'victim']], 'Threatened a neighbour over parking');
  const onlyA = await addIncident(db(), o, [[a, 'victim']]);
  const theCase = await addCase(db(), o, [asPerpetrator.id]);
  const risk = await addRiskAssessment(db(), o, b, theCase.id);
  const intervention = await addIntervention(db(), o, b, theCase.id);
  const document = await addDocument(db(), o, b);
  await addShare(db(), o, b, constabulary.organisationId, 'view');
  return { a, b, brother, neighbour, incidents: { both, asPerpetrator, onlyA }, theCase, risk, intervention, document };
}

const mergeForm = async (browser: Browser, a: string, b: string, form: Record<string, string>) => {
  await browser.get(`/people/${a}/merge/${b}`);
  return browser.post(`/people/${a}/merge/${b}`, { version_a: String(await version(a)), version_b: String(await version(b)), ...form });
};

test('merge then unmerge: the survivor shows everything, the duplicate is hidden, and undoing restores every row exactly', async () => {
  const f = await duplicates('a');
  const ids = [f.a, f.b, f.brother, f.neighbour];
  const original = await snapshot(db(), ids);

  // Start from the person page, choose the other record, compare.
  const page = await officer.get(`/people/${f.a}`);
  assert.match(page.body, new RegExp(`href="/people/${f.a}/merge"`));
  const choose = await officer.get(`/people/${f.a}/merge`);
  assert.equal(choose.statusCode, 200);
  assert.match(choose.body, new RegExp(`/people/${f.a}/merge/${f.b}`));
  assert.match(choose.body, /\d+(\.\d)?%/);
  const compare = await officer.get(`/people/${f.a}/merge/${f.b}`);
  assert.equal(compare.statusCode, 200);
  assert.match(compare.body, /data-qa="merge-likelihood"/);
  assert.match(compare.body, /name="keep_first_name"/);
  assert.match(compare.body, /name="keep_phone"/);
  assert.doesNotMatch(compare.body, /name="keep_last_name"/, 'only details that differ are asked about');

  const res = await mergeForm(officer, f.a, f.b, {
    survivor: f.a,
    keep_first_name: f.a,
    keep_phone: f.b,
    keep_notes: 'both',
    reason: 'Same date of birth and address; confirmed with her by phone',
  });
  assert.equal(res.statusCode, 302, res.body.slice(0, 2000));
  assert.equal(res.headers.location, `/people/${f.a}`);

  // The survivor shows all of it.
  const survivor = await officer.get(`/people/${f.a}`);
  assert.equal(survivor.statusCode, 200);
  const body = survivor.body;
  assert.match(body, /07700 900222/, 'the phone number chosen from the duplicate');
  assert.match(body, /jo\.q@example\.com/, 'a detail only the duplicate had');
  assert.match(body, /Lives with her mother/);
  assert.match(body, /Prefers afternoon visits/, 'notes kept from both');
  assert.match(body, /Mental health/, 'vulnerabilities combined');
  assert.match(body, /Do not leave messages/);
  assert.match(body, /Pikewortha/, "the duplicate's maiden name");
  assert.match(body, />Jo Quarrendona</, "the duplicate's name is now an alias");
  assert.match(body, /4 Mill Lane/);
  assert.match(body, new RegExp(`/people/${f.brother}`));
  assert.match(body, new RegExp(`/people/${f.neighbour}`));
  assert.match(body, new RegExp(f.incidents.asPerpetrator.reference));
  assert.match(body, new RegExp(f.incidents.both.reference));
  assert.match(body, new RegExp(f.theCase.reference));
  assert.match(body, new RegExp(`/risk/${f.risk}`));
  assert.match(body, new RegExp(`/interventions/${f.intervention}`));
  assert.match(body, /data-qa="merged-from"/);
  const selfLinks = await sql<{ n: number }>`SELECT count(*)::int AS n FROM person_links WHERE person_id = other_person_id`.execute(db());
  assert.equal(selfLinks.rows[0]!.n, 0);
  const docs = await db().selectFrom('documents').select('person_id').where('id', '=', f.document).executeTakeFirstOrThrow();
  assert.equal(docs.person_id, f.a);

  // The duplicate stays, marked, points at the survivor and can no longer be changed.
  const dup = await db().selectFrom('people').select(['merged_into_id', 'merged_at']).where('id', '=', f.b).executeTakeFirstOrThrow();
  assert.equal(dup.merged_into_id, f.a);
  assert.ok(dup.merged_at);
  const dupPage = await officer.get(`/people/${f.b}`);
  assert.equal(dupPage.statusCode, 200);
  assert.match(dupPage.body, /data-qa="merged-into"/);
  assert.match(dupPage.body, new RegExp(`href="/people/${f.a}"`));
  assert.doesNotMatch(dupPage.body, new RegExp(`/people/${f.b}/edit`));
  assert.equal((await officer.get(`/people/${f.b}/edit`)).statusCode, 403);
  assert.equal((await officer.post(`/people/${f.b}/aliases`, { kind: 'alias', last_name: 'Lost' })).statusCode, 403);
  assert.equal((await officer.get(`/people/${f.b}/merge`)).statusCode, 409);

  // Hidden from lists and searches.
  const list = await officer.get('/people?q=Quarrendona');
  assert.match(list.body, new RegExp(`/people/${f.a}"`));
  assert.doesNotMatch(list.body, new RegExp(`/people/${f.b}"`));
  const all = await officer.get('/people');
  assert.doesNotMatch(all.body, new RegExp(`/people/${f.b}"`));
  const search = await officer.get('/search?q=Jo+Quarrendona');
  assert.equal(search.statusCode, 200);
  assert.doesNotMatch(search.body, new RegExp(`/people/${f.b}"`));
  const byDob = await officer.get('/search?q=14%2F03%2F1981');
  assert.doesNotMatch(byDob.body, new RegExp(`/people/${f.b}"`));

  // The share moved: the police still see this woman, now on the survivor.
  assert.equal((await police.get(`/people/${f.a}`)).statusCode, 200);

  // Audited on both people with the merge id, and on the records whose person changed.
  const merge = await db().selectFrom('person_merges').selectAll().where('duplicate_id', '=', f.b).executeTakeFirstOrThrow();
  const onA = await auditRows(ctx, { action: 'merge', recordId: f.a });
  const onB = await auditRows(ctx, { action: 'merge', recordId: f.b });
  assert.equal(onA.length, 1);
  assert.equal(onB.length, 1);
  assert.equal(onA[0]!.details.merge_id, merge.id);
  assert.equal(onB[0]!.details.merge_id, merge.id);
  const onIncident = (await auditRows(ctx, { action: 'update', recordId: f.incidents.asPerpetrator.id })).filter((r) => r.details.merge_id === merge.id);
  assert.equal(onIncident.length, 1);

  // Undo it.
  const undoPage = await officer.get(`/people/${f.a}/merges/${merge.id}/undo`);
  assert.equal(undoPage.statusCode, 200);
  const missingReason = await officer.post(`/people/${f.a}/merges/${merge.id}/undo`, { version: String(merge.version), reason: ' ' });
  assert.equal(missingReason.statusCode, 400);
  assert.match(missingReason.body, /govuk-error-summary/);
  assert.match(missingReason.body, /Enter why the merge is being undone/);
  const undone = await officer.post(`/people/${f.a}/merges/${merge.id}/undo`, { version: String(merge.version), reason: 'Different people: her sister has the same birthday' });
  assert.equal(undone.statusCode, 302, undone.body.slice(0, 2000));

  assert.deepEqual(await snapshot(db(), ids), original);
  const onAUndo = await auditRows(ctx, { action: 'unmerge', recordId: f.a });
  const onBUndo = await auditRows(ctx, { action: 'unmerge', recordId: f.b });
  assert.equal(onAUndo.length, 1);
  assert.equal(onBUndo.length, 1);
  assert.equal(onBUndo[0]!.details.merge_id, merge.id);
  assert.ok((await officer.get('/people?q=Quarrendona')).body.includes(`/people/${f.b}"`), 'listed again');
  const again = await officer.post(`/people/${f.a}/merges/${merge.id}/undo`, { version: String(merge.version + 1), reason: 'twice' });
  assert.equal(again.statusCode, 409);
});

test('what was added to or changed on the survivor after the merge stays with it when the merge is undone', async () => {
  const f = await duplicates('b');
  const before = await snapshot(db(), [f.b]);
  const res = await mergeForm(manager, f.a, f.b, { survivor: f.a, keep_first_name: f.a, keep_phone: f.b, keep_notes: f.a, reason: 'Same person' });
  assert.equal(res.statusCode, 302, res.body.slice(0, 2000));
  // Later work on the survivor: a new name and a new phone number.
  await officer.post(`/people/${f.a}/aliases`, { kind: 'alias', first_name: 'Joey', last_name: 'Later' });
  await officer.get(`/people/${f.a}/edit`);
  const edit = await officer.post(`/people/${f.a}/edit`, {
    version: String(await version(f.a)),
    first_name: 'Joanne',
    last_name: 'Quarrendonb',
    'date_of_birth-day': '14',
    'date_of_birth-month': '3',
    'date_of_birth-year': '1981',
    gender: 'Female',
    phone: '07700 900333', // changed since the merge
    email: 'jo.q@example.com', // as the merge left it
    notes: 'Lives with her mother',
    vulnerabilities: ['disability', 'mental_health', 'isolation'], // changed since the merge
    warning_markers: ['dogs'],
    do_not_leave_messages: 'yes', // as the merge left it
  });
  assert.equal(edit.statusCode, 302, edit.body.slice(0, 1500));
  const merge = await db().selectFrom('person_merges').select(['id', 'version']).where('duplicate_id', '=', f.b).executeTakeFirstOrThrow();
  const undoPage = await officer.get(`/people/${f.a}/merges/${merge.id}/undo`);
  assert.match(undoPage.body, /has changed since the merge/);
  const undone = await officer.post(`/people/${f.a}/merges/${merge.id}/undo`, { version: String(merge.version), reason: 'Not the same person after all' });
  assert.equal(undone.statusCode, 302);
  const a = await db().selectFrom('people').selectAll().where('id', '=', f.a).executeTakeFirstOrThrow();
  assert.equal(a.phone, '07700 900333', 'the later change stays');
  assert.deepEqual([...a.vulnerabilities].sort(), ['disability', 'isolation', 'mental_health'], 'changed by the merge and again since: stays');
  assert.equal(a.email, null, 'taken from the duplicate and untouched since: goes back');
  assert.equal(a.do_not_leave_messages, false, 'combined by the merge and untouched since: goes back');
  const aliases = await db().selectFrom('person_aliases').select(['person_id', 'last_name']).where('last_name', 'in', ['Later', 'Quarrendonb']).execute();
  assert.deepEqual(aliases.map((x) => [x.person_id, x.last_name]), [[f.a, 'Later']], 'the later alias stays; the one the merge made is gone');
  // The duplicate and everything of its own are back exactly.
  assert.deepEqual(await snapshot(db(), [f.b]), before);
});

test('bad input shows the GOV.UK error summary and keeps what was typed; a stale comparison is refused', async () => {
  const f = await duplicates('c');
  await officer.get(`/people/${f.a}/merge/${f.b}`);
  const empty = await officer.post(`/people/${f.a}/merge/${f.b}`, { version_a: String(await version(f.a)), version_b: String(await version(f.b)), reason: '', keep_phone: 'nonsense' });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /govuk-error-summary/);
  assert.match(empty.body, /Select which record to keep/);
  assert.match(empty.body, /Select which first name to keep/);
  assert.match(empty.body, /Select which phone number to keep/);
  assert.match(empty.body, /Enter why you are sure these records are the same person/);
  const typed = await officer.post(`/people/${f.a}/merge/${f.b}`, { version_a: String(await version(f.a)), version_b: String(await version(f.b)), reason: 'Kept reason text' });
  assert.match(typed.body, /Kept reason text/);
  // Someone changes the duplicate after the comparison was shown.
  const va = String(await version(f.a));
  const vb = String(await version(f.b));
  await db().updateTable('people').set((eb) => ({ phone: '01509 000000', version: eb('version', '+', 1) })).where('id', '=', f.b).execute();
  const stale = await officer.post(`/people/${f.a}/merge/${f.b}`, { version_a: va, version_b: vb, survivor: f.a, keep_first_name: f.a, keep_phone: f.a, keep_notes: f.a, reason: 'Same' });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /Someone changed one of these records/);
  assert.match(stale.body, /01509 000000/, 'the comparison shows what is saved now');
  const b = await db().selectFrom('people').select('merged_into_id').where('id', '=', f.b).executeTakeFirstOrThrow();
  assert.equal(b.merged_into_id, null);
});

test('records held by different organisations cannot be merged, with a clear message', async () => {
  const mine = await addPerson(db(), charnwood, 'Harriet', 'Oxendale');
  const theirs = await addPerson(db(), constabulary, 'Harriet', 'Oxendale');
  await addShare(db(), constabulary, theirs, charnwood.organisationId, 'edit');
  const choose = await officer.get(`/people/${mine}/merge`);
  assert.match(choose.body, /Held by another organisation: cannot be merged/);
  const res = await officer.get(`/people/${mine}/merge/${theirs}`);
  assert.equal(res.statusCode, 403);
  assert.match(res.body, /Only records held by the same organisation can be merged/);
  const post = await officer.post(`/people/${mine}/merge/${theirs}`, { survivor: mine, reason: 'x', version_a: '1', version_b: '1' });
  assert.equal(post.statusCode, 403);
  assert.equal((await db().selectFrom('people').select('merged_into_id').where('id', '=', theirs).executeTakeFirstOrThrow()).merged_into_id, null);
});

test('people out of sight answer 404, and view-only access is forbidden', async () => {
  const f = await duplicates('d');
  for (const url of [`/people/${f.a}/merge`, `/people/${f.a}/merge/${f.b}`]) {
    const res = await police.get(url);
    assert.equal(res.statusCode, 404, url);
    assert.doesNotMatch(res.body, /Quarrendond/);
  }
  assert.equal((await police.post(`/people/${f.a}/merge/${f.b}`, { survivor: f.a, reason: 'x', version_a: '1', version_b: '1' })).statusCode, 404);
  // A record of their own with one they cannot see: 404, as if it did not exist.
  const own = await addPerson(db(), constabulary, 'Quentin', 'Marsh');
  assert.equal((await police.get(`/people/${own}/merge/${f.a}`)).statusCode, 404);
  assert.equal((await police.post(`/people/${own}/merge/${f.a}`, { survivor: own, reason: 'x', version_a: '1', version_b: '1' })).statusCode, 404);
  // The police can view the duplicate (shared for view) but not change it: forbidden.
  assert.equal((await police.get(`/people/${f.b}/merge`)).statusCode, 403);
  assert.equal((await police.get(`/people/${f.b}/merge/${own}`)).statusCode, 403);
  assert.equal((await police.get(`/people/${own}/merge/${f.b}`)).statusCode, 403);
  assert.equal((await police.post(`/people/${own}/merge/${f.b}`, { survivor: own, reason: 'x', version_a: '1', version_b: '1' })).statusCode, 403);
  assert.equal((await db().selectFrom('people').select('merged_into_id').where('id', '=', own).executeTakeFirstOrThrow()).merged_into_id, null);
  // An analyst cannot reach the pages at all.
  const analyst = await signIn(ctx, 'analyst@endeavour.demo');
  assert.equal((await analyst.get(`/people/${f.a}/merge`)).statusCode, 403);
});

test('a merge that would leave references the actor cannot change behind is refused and changes nothing', async () => {
  const keep = await addPerson(db(), charnwood, 'Wilfred', 'Ashdown', { date_of_birth: '1990-01-01' });
  const away = await addPerson(db(), charnwood, 'Wilf', 'Ashdown', { date_of_birth: '1990-01-01' });
  // The police hold an incident naming the record to be merged away, which Charnwood cannot change.
  await addShare(db(), charnwood, away, constabulary.organisationId, 'view');
  await addIncident(db(), constabulary, [[away, 'perpetrator']], 'Criminal damage to a bus shelter');
  const before = await snapshot(db(), [keep, away]);
  const compare = await officer.get(`/people/${keep}/merge/${away}`);
  assert.equal(compare.statusCode, 200);
  assert.match(compare.body, /Wilf Ashdown: 1 incident naming them is held where you cannot change it/);
  const res = await mergeForm(officer, keep, away, { survivor: keep, keep_first_name: keep, reason: 'Same man' });
  assert.equal(res.statusCode, 409);
  assert.match(res.body, /govuk-error-summary/);
  assert.match(res.body, /held where you cannot change it/);
  assert.deepEqual(await snapshot(db(), [keep, away]), before);
  assert.equal((await db().selectFrom('person_merges').select('id').where('duplicate_id', '=', away).execute()).length, 0);
});

test("person_merges through the app's database role: visible and changeable only like the survivor", async () => {
  const f = {
    a: await addPerson(db(), charnwood, 'Imogen', 'Treadwell', { date_of_birth: '1975-09-09' }),
    b: await addPerson(db(), charnwood, 'Imogen', 'Treadwell', { date_of_birth: '1975-09-09' }),
    brother: await addPerson(db(), charnwood, 'Ivor', 'Treadwell'),
    neighbour: await addPerson(db(), charnwood, 'Nell', 'Rudd'),
  };
  const res = await mergeForm(officer, f.a, f.b, { survivor: f.a, reason: 'Same person' });
  assert.equal(res.statusCode, 302, res.body.slice(0, 1500));
  const me = await userId(ctx, 'officer@endeavour.demo');
  const p = await userId(ctx, 'police@endeavour.demo');
  const mine = await withUser(db(), me.id, (tx) => tx.selectFrom('person_merges').select('id').where('survivor_id', '=', f.a).execute());
  assert.equal(mine.length, 1);
  // The police cannot see the survivor, so not its merges either (even with no WHERE at all).
  const theirs = await withUser(db(), p.id, (tx) => tx.selectFrom('person_merges').select(['id', 'survivor_id']).execute());
  assert.ok(theirs.every((m) => m.survivor_id !== f.a));
  const changed = await withUser(db(), p.id, (tx) => tx.updateTable('person_merges').set({ reason: 'tampered' }).where('id', '=', mine[0]!.id).executeTakeFirst());
  assert.equal(Number(changed.numUpdatedRows), 0);
  const row = await db().selectFrom('person_merges').selectAll().where('id', '=', mine[0]!.id).executeTakeFirstOrThrow();
  await assert.rejects(
    withUser(db(), p.id, (tx) =>
      tx
        .insertInto('person_merges')
        .values({
          partnership_id: row.partnership_id,
          survivor_id: f.brother,
          duplicate_id: f.neighbour,
          reason: 'forged',
          survivor_before: '{}',
          duplicate_before: '{}',
          survivor_after: '{}',
          survivor_after_version: 1,
          changes: '[]',
          merged_by: p.id,
        })
        .execute(),
    ),
    /row-level security/,
  );
  // Counts of references are given only about people the caller may change.
  const counts = await withUser(db(), p.id, (tx) => sql`SELECT * FROM app_person_references(${f.a}::uuid, ${f.b}::uuid)`.execute(tx));
  assert.equal(counts.rows.length, 0);
});

test('an organisation with edit shares of both records can merge them; shares it cannot move must already reach the survivor', async () => {
  const a = await addPerson(db(), charnwood, 'Oswald', 'Fenwick', { date_of_birth: '1969-12-01' });
  const b = await addPerson(db(), charnwood, 'Ozzy', 'Fenwick', { date_of_birth: '1969-12-01' });
  await addShare(db(), charnwood, a, constabulary.organisationId, 'edit');
  await addShare(db(), charnwood, b, constabulary.organisationId, 'edit');
  await addAlias(db(), charnwood, b, 'nickname', null, 'Oz');
  const before = await snapshot(db(), [a, b]);
  const res = await mergeForm(police, a, b, { survivor: a, keep_first_name: a, reason: 'Same man, same date of birth' });
  assert.equal(res.statusCode, 302, res.body.slice(0, 2000));
  assert.equal((await db().selectFrom('person_aliases').select('person_id').where('last_name', '=', 'Oz').executeTakeFirstOrThrow()).person_id, a);
  // The police's own share of the duplicate stays where it was: their share of the survivor already covers it.
  const shares = await db().selectFrom('record_shares').select('record_id').where('record_id', 'in', [a, b]).execute();
  assert.deepEqual(shares.map((s) => s.record_id).sort(), [a, b].sort());
  const merge = await db().selectFrom('person_merges').select(['id', 'version']).where('duplicate_id', '=', b).executeTakeFirstOrThrow();
  const undone = await police.post(`/people/${a}/merges/${merge.id}/undo`, { version: String(merge.version), reason: 'Father and son' });
  assert.equal(undone.statusCode, 302);
  assert.deepEqual(await snapshot(db(), [a, b]), before);
  // A share to someone else that the survivor lacks: only Charnwood could move it, so the police may not merge.
  await addShare(db(), charnwood, b, (await ownerOf(db(), 'victims@endeavour.demo')).organisationId, 'view');
  const blocked = await mergeForm(police, a, b, { survivor: a, keep_first_name: a, reason: 'Same man' });
  assert.equal(blocked.statusCode, 409);
  assert.match(blocked.body, /only the organisation that holds the records can move shares/);
  assert.equal((await db().selectFrom('people').select('merged_into_id').where('id', '=', b).executeTakeFirstOrThrow()).merged_into_id, null);
});

test('merges chain, and are undone newest first', async () => {
  const a = await addPerson(db(), charnwood, 'Petra', 'Lindqvist');
  const b = await addPerson(db(), charnwood, 'Petra', 'Lindqvist');
  const c = await addPerson(db(), charnwood, 'Petra', 'Lindqvist');
  assert.equal((await mergeForm(officer, a, b, { survivor: a, reason: 'Recorded twice' })).statusCode, 302);
  assert.equal((await mergeForm(officer, c, a, { survivor: c, reason: 'Recorded three times' })).statusCode, 302);
  const first = await db().selectFrom('person_merges').select(['id', 'version']).where('duplicate_id', '=', b).executeTakeFirstOrThrow();
  const second = await db().selectFrom('person_merges').select(['id', 'version']).where('duplicate_id', '=', a).executeTakeFirstOrThrow();
  const tooEarly = await officer.get(`/people/${a}/merges/${first.id}/undo`);
  assert.equal(tooEarly.statusCode, 409);
  assert.match(tooEarly.body, /has since been merged into another record/);
  assert.equal((await officer.post(`/people/${c}/merges/${second.id}/undo`, { version: String(second.version), reason: 'Wrong' })).statusCode, 302);
  assert.equal((await officer.post(`/people/${a}/merges/${first.id}/undo`, { version: String(first.version), reason: 'Wrong too' })).statusCode, 302);
  const rows = await db().selectFrom('people').select('merged_into_id').where('id', 'in', [a, b, c]).execute();
  assert.ok(rows.every((r) => r.merged_into_id === null));
});
