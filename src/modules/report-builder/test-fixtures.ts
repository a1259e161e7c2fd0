// Incidents for the report builder's and the map's tests: sixty of them, known in every detail, held
// by three organisations, one police incident shared with Charnwood. Inserted as the migrator (set-up,
// not anyone's action) so the tests can count what each organisation should see independently of
// the code under test.
import { sql } from 'kysely';
import { parse } from 'csv-parse/sync';
import type { AsbCategory } from '../../platform/db/schema.ts';
import { userId, type TestContext } from '../../test/harness.ts';
import type { AggregateRow } from './repository.ts';

export interface FixtureIncident {
  id: string;
  owner: string;
  areaId: string;
  category: AsbCategory;
  typeId: string;
  occurredFrom: Date;
  month: string;
  hate: boolean;
  domestic: boolean;
  status: 'open' | 'closed';
  latitude: number | null;
  longitude: number | null;
  place: number;
  people: { personId: string; role: 'victim' | 'perpetrator' }[];
}

export interface Fixture {
  incidents: FixtureIncident[];
  orgs: { charnwood: string; police: string; hbbc: string };
  users: { officer: string; police: string; coordinator: string };
  districts: { id: string; name: string }[];
  sharedId: string;
  /** What an organisation may see: its own incidents and the one shared with Charnwood. */
  visibleTo(orgId: string): FixtureIncident[];
}

const CATEGORIES: AsbCategory[] = ['personal', 'nuisance', 'environmental'];
// Six places in Loughborough, Hinckley and Leicester, far enough apart to fall in different hexagons.
export const PLACES = [
  { lat: 52.7721, lng: -1.2062, postcode: 'LE11 1AA', text: 'Market Place, Loughborough' },
  { lat: 52.7698, lng: -1.2251, postcode: 'LE11 3TU', text: 'Ashby Road, Loughborough' },
  { lat: 52.5413, lng: -1.3727, postcode: 'LE10 1AB', text: 'Castle Street, Hinckley' },
  { lat: 52.6369, lng: -1.1398, postcode: 'LE1 5WW', text: 'Town Hall Square, Leicester' },
  { lat: 52.6205, lng: -1.1245, postcode: 'LE2 1TE', text: 'Victoria Park, Leicester' },
  { lat: 52.7569, lng: -1.2434, postcode: 'LE11 4QX', text: 'Forest Road, Loughborough' },
];

export async function seedReportFixture(ctx: TestContext): Promise<Fixture> {
  const db = ctx.database.db;
  const officer = await userId(ctx, 'officer@endeavour.demo');
  const police = await userId(ctx, 'police@endeavour.demo');
  const coordinator = await userId(ctx, 'coordinator@endeavour.demo');
  const owners = [
    { org: officer.organisation_id, user: officer.id },
    { org: police.organisation_id, user: police.id },
    { org: coordinator.organisation_id, user: coordinator.id },
  ];
  const districts = await db.selectFrom('areas').select(['id', 'name']).where('partnership_id', '=', ctx.demo.partnershipId).where('kind', 'in', ['district', 'unitary']).orderBy('name').limit(4).execute();
  const types = await db.selectFrom('asb_types').select(['id', 'category']).where('partnership_id', '=', ctx.demo.partnershipId).orderBy('sort').orderBy('name').execute();
  const typeFor = (c: AsbCategory) => types.find((t) => t.category === c)!.id;
  const peopleOf = async (org: string) => (await db.selectFrom('people').select('id').where('owner_organisation_id', '=', org).orderBy('id').limit(3).execute()).map((p) => p.id);
  const people = new Map<string, string[]>();
  for (const o of owners) people.set(o.org, await peopleOf(o.org));

  const incidents: FixtureIncident[] = [];
  for (let i = 0; i < 60; i++) {
    const owner = owners[i % 3]!;
    const category = CATEGORIES[i % 3]!;
    const occurredFrom = new Date(Date.UTC(2025, 0, 10, 12) + i * 3 * 86_400_000);
    const place = i % 6;
    const mapped = i % 10 !== 9;
    const who = people.get(owner.org)!;
    const victim = who[Math.floor(i / 3) % who.length]!;
    const perpetrator = who[(Math.floor(i / 3) + 1) % who.length]!;
    const row = await db
      .insertInto('incidents')
      .values({
        partnership_id: ctx.demo.partnershipId,
        owner_organisation_id: owner.org,
        occurred_from: occurredFrom,
        reported_at: occurredFrom,
        how_reported: 'council_phone',
        source_organisation_id: owner.org,
        category,
        asb_type_id: typeFor(category),
        description: `Report builder fixture ${i}`,
        location_text: PLACES[place]!.text,
        postcode: PLACES[place]!.postcode,
        postcode_key: PLACES[place]!.postcode.replace(' ', ''),
        latitude: mapped ? PLACES[place]!.lat : null,
        longitude: mapped ? PLACES[place]!.lng : null,
        area_id: districts[i % 4]!.id,
        hate: i % 5 === 0,
        domestic: i % 7 === 0,
        status: i % 4 === 0 ? 'closed' : 'open',
        created_by: owner.user,
        updated_at: occurredFrom,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const links: FixtureIncident['people'] = [{ personId: victim, role: 'victim' }];
    if (i % 2 === 0 && perpetrator !== victim) links.push({ personId: perpetrator, role: 'perpetrator' });
    await db.insertInto('incident_people').values(links.map((l) => ({ incident_id: row.id, person_id: l.personId, role: l.role }))).execute();
    incidents.push({
      id: row.id,
      owner: owner.org,
      areaId: districts[i % 4]!.id,
      category,
      typeId: typeFor(category),
      occurredFrom,
      month: occurredFrom.toISOString().slice(0, 7),
      hate: i % 5 === 0,
      domestic: i % 7 === 0,
      status: i % 4 === 0 ? 'closed' : 'open',
      latitude: mapped ? PLACES[place]!.lat : null,
      longitude: mapped ? PLACES[place]!.lng : null,
      place,
      people: links,
    });
  }
  const shared = incidents.find((x) => x.owner === police.organisation_id)!;
  await db
    .insertInto('record_shares')
    .values({ record_type: 'incident', record_id: shared.id, to_organisation_id: officer.organisation_id, access: 'view', reason: 'Joint problem-solving', created_by: police.id })
    .execute();
  await sql`ANALYZE incidents`.execute(db);
  return {
    incidents,
    orgs: { charnwood: officer.organisation_id, police: police.organisation_id, hbbc: coordinator.organisation_id },
    users: { officer: officer.id, police: police.id, coordinator: coordinator.id },
    districts,
    sharedId: shared.id,
    visibleTo: (orgId) => incidents.filter((x) => x.owner === orgId || (x.id === shared.id && orgId === officer.organisation_id)),
  };
}

/** Counts by a key, as the tests' independent reckoning. */
export function countBy<T>(items: T[], key: (x: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of items) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return m;
}

/** A report download's rows (the byte-order mark Excel needs taken off; totals rows may be shorter). */
export const csvRows = (body: string): string[][] => parse(body.replace(/^\ufeff/, ''), { relax_column_count: true }) as string[][];

/** A report's rows in a fixed order, to compare two ways of counting it. */
export const sortedRows = (rows: AggregateRow[]) => rows.map((r) => JSON.stringify([r.k1, r.k2, r.t1, r.t2, r.n])).sort();
