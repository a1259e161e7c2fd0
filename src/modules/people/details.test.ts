// A person's full details: identifiers with check digits, estimated age, contact and communication,
// vulnerabilities and warning markers, aliases, address history, links, and everything related that
// the viewer may see. Record-level security applies to every child row through its person.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, signIn, userId, auditRows, type TestContext, type Browser } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { loadDemoGazetteer } from '../addresses/demo.ts';

let ctx: TestContext;
let officer: Browser; // Charnwood Borough Council
let manager: Browser; // Charnwood too
let police: Browser; // Leicestershire Police
let personId: string;
let neighbourId: string;
let policePersonId: string;

const idFrom = (location: string | undefined) => location!.split('/').pop()!.split('#')[0]!;

async function addPerson(b: Browser, form: Record<string, string | string[]>) {
  await b.get('/people/new');
  const res = await b.post('/people', form);
  assert.equal(res.statusCode, 302, res.body.slice(0, 2000));
  return idFrom(res.headers.location);
}

before(async () => {
  ctx = await createTestApp();
  await ctx.database.db.transaction().execute((tx) => loadDemoGazetteer(tx, ctx.demo.partnershipId));
  officer = await signIn(ctx, 'officer@endeavour.demo');
  manager = await signIn(ctx, 'manager@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
  personId = await addPerson(officer, {
    first_name: 'Quilla',
    last_name: 'Marchbanks',
    estimated_age: '34',
    gender: 'Female',
    phone: '07700 900 123',
    contact_preference: 'text',
    contact_safe_times: 'Weekday mornings',
    do_not_leave_messages: 'yes',
    communication_needs: 'Prefers written summaries',
    preferred_language: 'Polish',
    interpreter_needed: 'yes',
    vulnerabilities: ['mental_health', 'repeat_victim', 'other'],
    vulnerability_notes: 'Recently bereaved',
    warning_markers: ['dogs', 'violence'],
    pnc_id: '98/1234567l',
    nhs_number: '943 476 5919',
    ni_number: 'ab 12 34 56 c',
  });
  neighbourId = await addPerson(officer, { first_name: 'Ormond', last_name: 'Fairweather', 'date_of_birth-day': '2', 'date_of_birth-month': '2', 'date_of_birth-year': '1961' });
  policePersonId = await addPerson(police, { first_name: 'Perpetua', last_name: 'Vantongeren' });
});

after(() => ctx.close());

describe('the person form', () => {
  test('saves every detail in its stored form and shows warning markers prominently', async () => {
    const row = await ctx.database.db.selectFrom('people').selectAll().where('id', '=', personId).executeTakeFirstOrThrow();
    assert.equal(row.pnc_id, '98/1234567L');
    assert.equal(row.nhs_number, '9434765919');
    assert.equal(row.ni_number, 'AB123456C');
    assert.equal(row.estimated_age, 34);
    assert.equal(row.estimated_age_on, new Date().toISOString().slice(0, 10), 'estimated today when no date is given');
    assert.deepEqual(row.vulnerabilities, ['mental_health', 'repeat_victim', 'other']);
    assert.deepEqual(row.warning_markers, ['dogs', 'violence']);
    assert.equal(row.do_not_leave_messages, true);
    assert.equal(row.interpreter_needed, true);
    const page = await officer.get(`/people/${personId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /data-qa="warning-markers"[\s\S]*govuk-warning-text[\s\S]*Officer safety warning: Dogs at the address, Violence/);
    assert.match(page.body, /About 34 \(estimated as 34 on/);
    assert.match(page.body, /943 476 5919/);
    assert.match(page.body, /AB 12 34 56 C/);
    assert.match(page.body, /Mental health, Repeat victim, Other/);
    assert.match(page.body, /Recently bereaved/);
    assert.match(page.body, /Do not leave messages/);
    assert.match(page.body, /Polish – needs an interpreter/);
    assert.match(page.body, /Text message/);
  });

  test('the edit form shows what is saved, including ticked boxes', async () => {
    const page = await officer.get(`/people/${personId}/edit`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /name="warning_markers" type="checkbox" value="dogs" checked/);
    assert.match(page.body, /name="vulnerabilities" type="checkbox" value="other" checked/);
    assert.match(page.body, /name="pnc_id"[^>]*value="98\/1234567L"/);
    assert.match(page.body, /name="estimated_age"[^>]*value="34"/);
  });

  test('identifiers with wrong check digits, conflicting ages and unexplained vulnerabilities are refused with what was typed kept', async () => {
    await officer.get('/people/new');
    const res = await officer.post('/people', {
      first_name: 'Test',
      last_name: 'Refusal',
      'date_of_birth-day': '1',
      'date_of_birth-month': '1',
      'date_of_birth-year': '1990',
      estimated_age: '30',
      pnc_id: '98/1234567X',
      nhs_number: '9434765918',
      ni_number: 'BG123456C',
      vulnerabilities: ['other', 'isolation'],
      warning_markers: ['weapons', 'not-a-marker'],
      contact_preference: 'carrier-pigeon',
    });
    assert.equal(res.statusCode, 400);
    for (const message of [
      'Enter a PNC ID with a correct check letter',
      'Enter a real NHS number',
      'Enter a real National Insurance number',
      'Select warning markers from the list',
      'Select how they prefer to be contacted from the list',
    ]) assert.match(res.body, new RegExp(message), message);
    assert.match(res.body, /value="9434765918"/);
    assert.match(res.body, /value="isolation" checked/);
    const again = await officer.post('/people', { first_name: 'Test', last_name: 'Refusal', 'date_of_birth-day': '1', 'date_of_birth-month': '1', 'date_of_birth-year': '1990', estimated_age: '30', vulnerabilities: 'other' });
    assert.equal(again.statusCode, 400);
    assert.match(again.body, /Enter a date of birth or an estimated age, not both/);
    assert.match(again.body, /Describe the other vulnerability/);
    const age = await officer.post('/people', { first_name: 'Test', last_name: 'Refusal', estimated_age: '300' });
    assert.match(age.body, /Estimated age must be a whole number between 0 and 130/);
    const count = await ctx.database.db.selectFrom('people').select('id').where('last_name', '=', 'Refusal').execute();
    assert.equal(count.length, 0);
  });

  test('a conflicting edit shows both versions of the new details and keeps the ticked boxes', async () => {
    const current = await ctx.database.db.selectFrom('people').select('version').where('id', '=', personId).executeTakeFirstOrThrow();
    await manager.get(`/people/${personId}/edit`);
    const first = await manager.post(`/people/${personId}/edit`, {
      version: String(current.version), first_name: 'Quilla', last_name: 'Marchbanks', estimated_age: '35', warning_markers: ['dogs', 'violence', 'weapons'],
      vulnerabilities: ['mental_health', 'other'], vulnerability_notes: 'Recently bereaved',
    });
    assert.equal(first.statusCode, 302);
    await officer.get(`/people/${personId}/edit`);
    const stale = await officer.post(`/people/${personId}/edit`, {
      version: String(current.version), first_name: 'Quilla', last_name: 'Marchbanks', estimated_age: '36', warning_markers: ['self_harm'],
    });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /Someone else changed this person/);
    assert.match(stale.body, /Dogs at the address, Violence, Weapons/);
    assert.match(stale.body, /Self-harm/);
    assert.match(stale.body, /<input type="hidden" name="warning_markers" value="self_harm">/);
    assert.match(stale.body, /<input type="hidden" name="estimated_age" value="36">/);
    const audit = await auditRows(ctx, { action: 'update', recordId: personId });
    const fields = audit.at(-1)!.details.fields as string[];
    assert.ok(fields.includes('warning_markers') && fields.includes('estimated_age') && !fields.includes('first_name'), fields.join());
  });
});

describe('aliases', () => {
  test('are added, shown, audited and removed', async () => {
    const form = await officer.get(`/people/${personId}/aliases/new`);
    assert.equal(form.statusCode, 200);
    const bad = await officer.post(`/people/${personId}/aliases`, { kind: 'codename', last_name: '' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Select what kind of name this is/);
    assert.match(bad.body, /Enter the last name they use or used/);
    const ok = await officer.post(`/people/${personId}/aliases`, { kind: 'maiden_name', first_name: 'Quilla', last_name: 'Abernethy' });
    assert.equal(ok.statusCode, 302);
    await officer.post(`/people/${personId}/aliases`, { kind: 'nickname', last_name: 'Q' });
    const page = await officer.get(`/people/${personId}`);
    assert.match(page.body, /Quilla Abernethy<\/td>\s*<td class="govuk-table__cell">Maiden name/);
    const added = (await auditRows(ctx, { action: 'update', recordId: personId })).filter((r) => r.details.alias_added);
    assert.equal(added.length, 2);
    const nickname = await ctx.database.db.selectFrom('person_aliases').select('id').where('person_id', '=', personId).where('kind', '=', 'nickname').executeTakeFirstOrThrow();
    const aliasId = nickname.id;
    assert.match(page.body, new RegExp(`/aliases/${aliasId}/remove`));
    const removed = await officer.post(`/people/${personId}/aliases/${aliasId}/remove`);
    assert.equal(removed.statusCode, 302);
    const rows = await ctx.database.db.selectFrom('person_aliases').select('last_name').where('person_id', '=', personId).execute();
    assert.equal(rows.length, 1);
  });
});

describe('address history', () => {
  let uprn: number;
  before(async () => {
    uprn = (await ctx.database.db.selectFrom('gazetteer_addresses').select('uprn').where('partnership_id', '=', ctx.demo.partnershipId).where('postcode', 'is not', null).orderBy('uprn').executeTakeFirstOrThrow()).uprn;
  });

  test('a gazetteer address is found by postcode without JavaScript and added as current', async () => {
    const g = await ctx.database.db.selectFrom('gazetteer_addresses').select(['postcode', 'single_line']).where('uprn', '=', uprn).executeTakeFirstOrThrow();
    const lookup = await officer.get(`/people/${personId}/addresses/new?postcode=${encodeURIComponent(g.postcode!.toLowerCase().replace(' ', ''))}`);
    assert.equal(lookup.statusCode, 200);
    assert.match(lookup.body, new RegExp(`<option value="${uprn}">`));
    const res = await officer.post(`/people/${personId}/addresses`, { uprn: String(uprn), 'from_date-day': '1', 'from_date-month': '3', 'from_date-year': '2020', end_previous: 'yes' });
    assert.equal(res.statusCode, 302, res.body.slice(0, 3000));
    const row = await ctx.database.db.selectFrom('person_addresses').selectAll().where('person_id', '=', personId).executeTakeFirstOrThrow();
    assert.equal(row.address, g.single_line);
    assert.equal(row.postcode, g.postcode);
    assert.equal(row.to_date, null);
  });

  test('a free-text address is added; moving ends the previous current address', async () => {
    const res = await officer.post(`/people/${personId}/addresses`, {
      address: '3 New Build Lane, Quorn', postcode: 'le12 8aa', 'from_date-day': '5', 'from_date-month': '6', 'from_date-year': '2024', end_previous: 'yes',
    });
    assert.equal(res.statusCode, 302);
    const rows = await ctx.database.db.selectFrom('person_addresses').select(['address', 'postcode', 'to_date', 'uprn']).where('person_id', '=', personId).orderBy('created_at').execute();
    assert.equal(rows.length, 2);
    assert.equal(rows[0]!.to_date, '2024-06-05');
    assert.deepEqual(rows[1], { address: '3 New Build Lane, Quorn', postcode: 'LE12 8AA', to_date: null, uprn: null });
    const page = await officer.get(`/people/${personId}`);
    assert.match(page.body, /3 New Build Lane, Quorn, LE12 8AA\s*<strong class="govuk-tag govuk-tag--blue">Current/);
    assert.match(page.body, new RegExp(`href="/addresses/${uprn}"`));
    const audited = (await auditRows(ctx, { action: 'update', recordId: personId })).filter((r) => r.details.address_added);
    assert.equal(audited.length, 2);
    assert.equal((audited[1]!.details.addresses_ended as string[]).length, 1);
  });

  test('bad address input gets specific messages', async () => {
    const none = await officer.post(`/people/${personId}/addresses`, {});
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /Select an address from the list or enter the address/);
    const dates = await officer.post(`/people/${personId}/addresses`, {
      address: '1 Somewhere', postcode: 'nope', 'from_date-day': '1', 'from_date-month': '1', 'from_date-year': '2024', 'to_date-day': '1', 'to_date-month': '1', 'to_date-year': '2023',
    });
    assert.equal(dates.statusCode, 400);
    assert.match(dates.body, /Enter a real postcode/);
    assert.match(dates.body, /The date they moved out must be on or after the date they moved in/);
    assert.match(dates.body, /value="1 Somewhere"|>1 Somewhere</);
    const unknown = await officer.post(`/people/${personId}/addresses`, { uprn: '999999999999' });
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.body, /That address is not in the gazetteer/);
    const badLookup = await officer.get(`/people/${personId}/addresses/new?postcode=zzz`);
    assert.match(badLookup.body, /Enter a real postcode/);
  });
});

describe('links between people', () => {
  test('are shown from both sides with the relationship read the right way round', async () => {
    const search = await officer.get(`/people/${personId}/links/new?q=fairweather`);
    assert.equal(search.statusCode, 200);
    assert.match(search.body, new RegExp(`value="${neighbourId}"`));
    const res = await officer.post(`/people/${personId}/links`, { q: 'fairweather', other_person_id: neighbourId, relationship: 'landlord' });
    assert.equal(res.statusCode, 302);
    const mine = await officer.get(`/people/${personId}`);
    assert.match(mine.body, /FAIRWEATHER, Ormond<\/a><\/td>\s*<td class="govuk-table__cell">Landlord/);
    const theirs = await officer.get(`/people/${neighbourId}`);
    assert.match(theirs.body, /MARCHBANKS, Quilla<\/a><\/td>\s*<td class="govuk-table__cell">Tenant/);
    assert.match(theirs.body, /Recorded on Quilla Marchbanks’s record/);
    const dup = await officer.post(`/people/${neighbourId}/links`, { q: 'marchbanks', other_person_id: personId, relationship: 'tenant' });
    assert.equal(dup.statusCode, 400);
    assert.match(dup.body, /already linked in this way/);
    assert.equal((await auditRows(ctx, { action: 'update', recordId: neighbourId })).filter((r) => r.details.link_added).length, 1);
  });

  test('cannot link to someone the user cannot see, or to themselves', async () => {
    const hidden = await officer.post(`/people/${personId}/links`, { other_person_id: policePersonId, relationship: 'associate' });
    assert.equal(hidden.statusCode, 400);
    assert.match(hidden.body, /Select the person to link to/);
    const candidates = await officer.get(`/people/${personId}/links/new?q=vantongeren`);
    assert.doesNotMatch(candidates.body, new RegExp(policePersonId));
    assert.match(candidates.body, /data-qa="no-candidates"/);
    const self = await officer.post(`/people/${personId}/links`, { other_person_id: personId, relationship: 'associate' });
    assert.equal(self.statusCode, 400);
    const nothing = await officer.post(`/people/${personId}/links`, { relationship: 'nonsense' });
    assert.equal(nothing.statusCode, 400);
    assert.match(nothing.body, /Select how they are related/);
  });
});

describe('what else the viewer may see about a person', () => {
  let incidentId: string;
  let hiddenIncidentId: string;
  let caseId: string;
  before(async () => {
    const db = ctx.database.db;
    const o = await userId(ctx, 'officer@endeavour.demo');
    const p = await userId(ctx, 'police@endeavour.demo');
    const pid = ctx.demo.partnershipId;
    const incident = (owner: { id: string; organisation_id: string }, description: string) =>
      db.insertInto('incidents').values({
        partnership_id: pid, owner_organisation_id: owner.organisation_id, occurred_from: new Date('2025-04-01T20:00:00Z'), reported_at: new Date('2025-04-02T08:00:00Z'),
        how_reported: 'police_call', category: 'personal', description, created_by: owner.id, updated_at: new Date(),
      }).returning(['id', 'reference']).executeTakeFirstOrThrow();
    incidentId = (await incident(o, 'Threats on the doorstep')).id;
    hiddenIncidentId = (await incident(p, 'Police-only incident')).id;
    await db.insertInto('incident_people').values([
      { incident_id: incidentId, person_id: personId, role: 'victim' },
      { incident_id: incidentId, person_id: neighbourId, role: 'perpetrator' },
      { incident_id: hiddenIncidentId, person_id: personId, role: 'witness' },
    ]).execute();
    caseId = (await db.insertInto('cases').values({ partnership_id: pid, owner_organisation_id: o.organisation_id, title: 'Landlord harassment', created_by: o.id, updated_at: new Date() }).returning('id').executeTakeFirstOrThrow()).id;
    await db.insertInto('case_incidents').values({ case_id: caseId, incident_id: incidentId, added_by: o.id }).execute();
    await db.insertInto('interventions').values({ partnership_id: pid, owner_organisation_id: o.organisation_id, subject_type: 'person', person_id: neighbourId, kind: 'warning_letter', issued_on: '2025-04-10', created_by: o.id, updated_at: new Date() }).execute();
    const q = await db.insertInto('risk_questionnaires').values({ partnership_id: pid, key: 'details-test', version: 1, name: 'Test victim risk assessment', definition: JSON.stringify({ questions: [] }) }).returning('id').executeTakeFirstOrThrow();
    for (const [band, at] of [['medium', '2025-04-03T10:00:00Z'], ['high', '2025-04-20T10:00:00Z']] as const) {
      await db.insertInto('risk_assessments').values({
        partnership_id: pid, owner_organisation_id: o.organisation_id, questionnaire_id: q.id, person_id: personId, incident_id: incidentId, answers: '{}', score: 10,
        yes_count: 3, computed_band: band, final_band: band, assessed_by: o.id, assessed_at: new Date(at),
      }).execute();
    }
  });

  test('the person page shows incidents by role, cases, interventions and risk history, newest first', async () => {
    const page = await officer.get(`/people/${personId}`);
    assert.match(page.body, /data-qa="incidents-victim"[\s\S]*As victim \(1\)/);
    assert.match(page.body, new RegExp(`/incidents/${incidentId}`));
    assert.doesNotMatch(page.body, new RegExp(hiddenIncidentId), 'the police incident is not visible to the council');
    assert.match(page.body, new RegExp(`/cases/${caseId}`));
    assert.match(page.body, /Landlord harassment/);
    const risk = page.body.slice(page.body.indexOf('data-qa="risk-table"'));
    assert.ok(risk.indexOf('High') < risk.indexOf('Medium'), 'newest first');
    const neighbour = await officer.get(`/people/${neighbourId}`);
    assert.match(neighbour.body, /data-qa="incidents-perpetrator"/);
    assert.match(neighbour.body, /Warning letter/);
    const view = (await auditRows(ctx, { action: 'view', recordId: personId })).at(-1)!;
    assert.deepEqual([view.details.incidents, view.details.cases, view.details.risk_assessments], [1, 1, 2]);
  });
});

describe('record-level security on a person’s details', () => {
  test('another organisation cannot see or change aliases, addresses or links by any route', async () => {
    const alias = await ctx.database.db.selectFrom('person_aliases').select('id').where('person_id', '=', personId).executeTakeFirstOrThrow();
    const address = await ctx.database.db.selectFrom('person_addresses').select('id').where('person_id', '=', personId).executeTakeFirstOrThrow();
    const link = await ctx.database.db.selectFrom('person_links').select('id').where('person_id', '=', personId).executeTakeFirstOrThrow();
    for (const url of [`/people/${personId}/aliases/new`, `/people/${personId}/addresses/new?postcode=LE11+5XQ`, `/people/${personId}/links/new?q=fair`]) {
      const r = await police.get(url);
      assert.equal(r.statusCode, 404, url);
      assert.doesNotMatch(r.body, /Marchbanks/);
    }
    const posts: [string, Record<string, string>][] = [
      [`/people/${personId}/aliases`, { kind: 'alias', last_name: 'Hacked' }],
      [`/people/${personId}/aliases/${alias.id}/remove`, {}],
      [`/people/${personId}/addresses`, { address: 'Hacked', postcode: '' }],
      [`/people/${personId}/addresses/${address.id}/remove`, {}],
      [`/people/${personId}/links`, { other_person_id: policePersonId, relationship: 'associate' }],
      [`/people/${personId}/links/${link.id}/remove`, {}],
      [`/people/${policePersonId}/links`, { other_person_id: personId, relationship: 'associate' }],
    ];
    for (const [url, form] of posts) {
      const r = await police.post(url, form);
      assert.ok(r.statusCode === 404 || r.statusCode === 400, `${url}: ${r.statusCode}`);
      assert.doesNotMatch(r.body, /Marchbanks/);
    }
    assert.doesNotMatch((await police.get('/people')).body, new RegExp(personId));
    assert.doesNotMatch((await police.get('/people?q=marchbanks')).body, new RegExp(personId));
    assert.match((await officer.get('/people?q=Marchbanks')).body, new RegExp(`/people/${personId}`));
    assert.match((await officer.get('/people?q=quila+marchbank')).body, new RegExp(`/people/${personId}`), 'a near miss');
    // Linking from the police's own person to a council person they cannot see is refused as unknown.
    const fromOwn = await police.post(`/people/${policePersonId}/links`, { other_person_id: personId, relationship: 'associate' });
    assert.match(fromOwn.body, /Select the person to link to/);
    const counts = await ctx.database.db.selectFrom('person_aliases').select('id').where('person_id', '=', personId).execute();
    assert.equal(counts.length, 1);
    assert.equal((await ctx.database.db.selectFrom('person_links').select('id').where('person_id', '=', policePersonId).execute()).length, 0);
  });

  test("a query through the app's database role sees none of them, and cannot add to them", async () => {
    const p = await userId(ctx, 'police@endeavour.demo');
    const seen = await withUser(ctx.database.db, p.id, async (tx) => ({
      aliases: await tx.selectFrom('person_aliases').select('person_id').execute(),
      addresses: await tx.selectFrom('person_addresses').select('person_id').execute(),
      links: await tx.selectFrom('person_links').select(['person_id', 'other_person_id']).execute(),
      incidentPeople: await tx.selectFrom('incident_people').select('person_id').where('person_id', '=', personId).execute(),
    }));
    assert.deepEqual(seen.aliases, []);
    assert.deepEqual(seen.addresses, []);
    assert.ok(seen.links.every((l) => l.person_id !== personId && l.other_person_id !== personId));
    assert.equal(seen.incidentPeople.length, 1, 'only the police’s own incident');
    await assert.rejects(
      withUser(ctx.database.db, p.id, (tx) => tx.insertInto('person_aliases').values({ person_id: personId, last_name: 'Hacked', created_by: p.id }).execute()),
      /row-level security/,
    );
    const deleted = await withUser(ctx.database.db, p.id, (tx) => tx.deleteFrom('person_addresses').where('person_id', '=', personId).executeTakeFirst());
    assert.equal(Number(deleted.numDeletedRows), 0);
  });

  test('once shared to view, the details are visible but still not changeable; with edit they are', async () => {
    const p = await userId(ctx, 'police@endeavour.demo');
    await officer.get(`/people/${personId}/share`);
    const shared = await officer.post(`/people/${personId}/share`, { target_kind: 'organisation', target_organisation: p.organisation_id, access: 'view', reason: 'Joint visit under the ISA' });
    assert.equal(shared.statusCode, 302);
    const page = await police.get(`/people/${personId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Abernethy/);
    assert.match(page.body, /3 New Build Lane/);
    assert.match(page.body, /Officer safety warning/);
    // The link names a council person the police still cannot see, so it is not shown.
    assert.doesNotMatch(page.body, /Fairweather/i);
    assert.match(page.body, new RegExp(hiddenIncidentFor(page.body)));
    assert.doesNotMatch(page.body, /Landlord harassment/, 'the council case is not shared');
    assert.doesNotMatch(page.body, /\/aliases\/new/);
    assert.equal((await police.get(`/people/${personId}/aliases/new`)).statusCode, 403);
    assert.equal((await police.post(`/people/${personId}/aliases`, { kind: 'alias', last_name: 'Hacked' })).statusCode, 403);
    const list = await police.get('/people');
    assert.match(list.body, new RegExp(`/people/${personId}"[\\s\\S]*?Shared with you`));
    assert.match((await police.get('/people?q=marchbanks')).body, new RegExp(`/people/${personId}`));
    assert.match((await police.get('/people?q=Abernethy')).body, new RegExp(`/people/${personId}`), 'found by an alias');
    const direct = await withUser(ctx.database.db, p.id, (tx) => tx.selectFrom('person_aliases').select('last_name').where('person_id', '=', personId).execute());
    assert.deepEqual(direct.map((r) => r.last_name), ['Abernethy']);

    await officer.post(`/people/${personId}/share`, { target_kind: 'organisation', target_organisation: p.organisation_id, access: 'edit', reason: 'Police to update after arrest' });
    const added = await police.post(`/people/${personId}/aliases`, { kind: 'alias', first_name: 'Q', last_name: 'Marsh' });
    assert.equal(added.statusCode, 302);
    const audit = (await auditRows(ctx, { action: 'update', recordId: personId })).filter((r) => r.actor_user_id === p.id);
    assert.equal(audit.length, 1);
    assert.ok(audit[0]!.details.alias_added);
  });
});

/** The police's own incident (where the person was a witness) is visible to them on the shared person's page. */
function hiddenIncidentFor(body: string) {
  return /\/incidents\/([0-9a-f-]{36})/.exec(body.slice(body.indexOf('data-qa="incidents-witness"')))?.[1] ?? 'no witness incident shown';
}
