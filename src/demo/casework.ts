// A year of demo casework so a fresh `npm start` has something to look at: incidents across the
// districts from police, council and housing sources, a few repeat victims, cases with notes and
// tasks (one of each officer's overdue). Deterministic (seeded random), invented throughout, and
// inserted as the migrator because it is set-up, not anyone's action. Tests seed the demo without
// it, to keep their counts exact.
import type { Transaction } from 'kysely';
import type { DB, AsbCategory } from '../platform/db/schema.ts';
import { seededRandom } from './random.ts';

const PLACES = [
  'Outside the parade of shops',
  'Car park behind the community centre',
  'Play area on the recreation ground',
  'Alleyway between the terraces',
  'Bus shelter on the main road',
  'Footpath by the canal',
  'Stairwell of the flats',
  'Corner of the high street',
];

const DESCRIPTIONS: Record<AsbCategory, string[]> = {
  personal: [
    'Neighbour shouting abuse at the victim over the garden fence, third time this month.',
    'Group of youths knocking on the door and running off late at night; victim feels intimidated.',
    'Victim reports being followed home and verbally abused in the street.',
  ],
  nuisance: [
    'Loud music from the neighbouring flat until 3am on consecutive nights.',
    'Group gathering, drinking and shouting; residents unable to sleep.',
    'Off-road motorbikes ridden at speed across the recreation ground.',
  ],
  environmental: [
    'Household waste and a mattress dumped in the alleyway.',
    'Graffiti sprayed on the bus shelter and shop shutters.',
    'Drug paraphernalia found near the play area.',
  ],
};

export interface CaseworkResult {
  incidents: number;
  cases: number;
}

export async function seedDemoCasework(tx: Transaction<DB>, partnershipId: string): Promise<CaseworkResult> {
  const random = seededRandom(2012);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const orgs = await tx
    .selectFrom('organisations as o')
    .innerJoin('users as u', 'u.organisation_id', 'o.id')
    .select(['o.id', 'o.kind', 'u.id as user_id', 'u.roles'])
    .where('o.partnership_id', '=', partnershipId)
    .execute();
  const officers = orgs.filter((o) => o.roles.includes('case_officer'));
  const managers = orgs.filter((o) => o.roles.includes('manager'));
  const types = await tx.selectFrom('asb_types').select(['id', 'category']).where('partnership_id', '=', partnershipId).execute();
  const caseTypes = await tx.selectFrom('case_types').select(['id', 'name']).where('partnership_id', '=', partnershipId).execute();
  const areas = await tx.selectFrom('areas').select(['id', 'name']).where('partnership_id', '=', partnershipId).where('kind', 'in', ['district', 'unitary']).execute();
  if (!officers.length || !types.length || !areas.length) return { incidents: 0, cases: 0 };

  let incidents = 0;
  let cases = 0;
  const now = Date.now();
  for (const officer of officers) {
    const people = await tx.selectFrom('people').select('id').where('owner_organisation_id', '=', officer.id).orderBy('id').execute();
    if (people.length < 4) continue;
    // One repeat victim per organisation: four incidents in the last five months.
    const repeatVictim = people[0]!.id;
    const perpetrator = people[1]!.id;
    const mine: string[] = [];
    for (let i = 0; i < 30; i++) {
      const type = pick(types);
      const area = pick(areas);
      const daysAgo = i < 4 ? 10 + i * 35 : Math.floor(random() * 365);
      const at = new Date(now - daysAgo * 86_400_000 - Math.floor(random() * 86_400_000));
      const row = await tx
        .insertInto('incidents')
        .values({
          partnership_id: partnershipId,
          owner_organisation_id: officer.id,
          occurred_from: at,
          reported_at: new Date(at.getTime() + 3_600_000),
          how_reported: officer.kind === 'police' ? 'police_call' : officer.kind === 'housing_provider' ? 'partner_referral' : pick(['council_phone', 'council_online', 'email'] as const),
          source_organisation_id: officer.id,
          category: type.category,
          asb_type_id: type.id,
          description: pick(DESCRIPTIONS[type.category]),
          location_text: `${pick(PLACES)}, ${area.name}`,
          area_id: area.id,
          latitude: 52.45 + random() * 0.4,
          longitude: -1.5 + random() * 0.8,
          alcohol: random() < 0.2,
          youth: random() < 0.25,
          hate: random() < 0.04,
          hate_strands: [],
          domestic: random() < 0.05,
          created_by: officer.user_id,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      mine.push(row.id);
      incidents++;
      const victim = i < 4 ? repeatVictim : pick(people.slice(2)).id;
      await tx.insertInto('incident_people').values({ incident_id: row.id, person_id: victim, role: 'victim', notes: null }).execute();
      if (i < 4 || random() < 0.4) {
        const suspect = i < 4 ? perpetrator : pick(people.slice(2)).id;
        if (suspect !== victim) await tx.insertInto('incident_people').values({ incident_id: row.id, person_id: suspect, role: 'perpetrator', notes: null }).execute();
      }
    }
    // A case about the repeat victim's problem, with a note and a task.
    const manager = managers.find((m) => m.id === officer.id);
    const caseType = caseTypes.find((c) => c.name.toLowerCase().includes('asb')) ?? caseTypes[0];
    const c = await tx
      .insertInto('cases')
      .values({
        partnership_id: partnershipId,
        owner_organisation_id: officer.id,
        case_type_id: caseType?.id ?? null,
        title: 'Repeated harassment by a neighbour',
        summary: 'Four reports in five months from the same resident about the same neighbour.',
        priority: 'medium',
        lead_officer_id: officer.user_id,
        supervisor_id: manager?.user_id ?? null,
        review_date: new Date(now + 14 * 86_400_000).toISOString().slice(0, 10),
        created_by: officer.user_id,
        updated_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    cases++;
    await tx.insertInto('case_incidents').values(mine.slice(0, 4).map((incident_id) => ({ case_id: c.id, incident_id, added_by: officer.user_id }))).execute();
    await tx.insertInto('case_notes').values({ case_id: c.id, body: 'Visited the victim; diary sheets left. Warning letter to be considered.', created_by: officer.user_id }).execute();
    await tx
      .insertInto('tasks')
      .values({
        partnership_id: partnershipId,
        owner_organisation_id: officer.id,
        case_id: c.id,
        title: 'Collect diary sheets from the victim',
        assigned_user_id: officer.user_id,
        due_date: new Date(now + 7 * 86_400_000).toISOString().slice(0, 10),
        priority: 'high',
        created_by: officer.user_id,
        updated_at: new Date(),
      })
      .execute();
    // One that has slipped, so a first-line manager's supervision page has something to chase.
    await tx
      .insertInto('tasks')
      .values({
        partnership_id: partnershipId,
        owner_organisation_id: officer.id,
        case_id: c.id,
        title: 'Phone the victim back about the latest report',
        assigned_user_id: officer.user_id,
        due_date: new Date(now - 2 * 86_400_000).toISOString().slice(0, 10),
        priority: 'normal',
        created_by: manager?.user_id ?? officer.user_id,
        updated_at: new Date(),
      })
      .execute();
  }
  return { incidents, cases };
}
