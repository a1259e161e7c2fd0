// Seeds the demo partnership into an empty database: areas with populations, organisations with the
// areas they serve, teams, a demo user for every role, and generated people owned by several
// organisations. Runs as the migrator (it is set-up, not a user's action) and audits what it did.
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import { audit } from '../platform/audit/audit.ts';
import { hashPassword } from '../modules/accounts/passwords.ts';
import { seedPartnershipDefaults } from './defaults.ts';
import { seededRandom } from './random.ts';
import { loadDemoBoundaries, loadDemoGazetteer } from '../modules/addresses/demo.ts';
import { seedDemoReferralTypes } from '../modules/referrals/defaults.ts';

export { seededRandom };

export function generatePassword() {
  // Four short random words would be friendlier, but random base64url is unguessable and passes policy.
  return crypto.randomBytes(12).toString('base64url');
}

import { AREAS, FIRST_NAMES, LAST_NAMES, ORGANISATIONS, PARTNERSHIP, USERS } from './partnership.ts';

export interface DemoSeedResult {
  partnershipId: string;
  password: string;
  /** How many generated people it has. */
  people: number;
  users: { email: string; name: string; roles: string[]; organisation: string }[];
}


/** Nine columns a row: 5,000 rows bind 45,000 parameters, well inside PostgreSQL's 65,535. */
export const PEOPLE_PER_INSERT = 5000;

export async function hasPartnership(db: Kysely<DB>) {
  const r = await db.selectFrom('partnerships').select('id').limit(1).executeTakeFirst();
  return !!r;
}

export async function seedDemo(db: Kysely<DB>, opts: { password?: string; people?: number } = {}): Promise<DemoSeedResult> {
  const password = opts.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (tx) => {
    const partnership = await tx
      .insertInto('partnerships')
      .values({ name: PARTNERSHIP.name, short_name: PARTNERSHIP.shortName, updated_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await seedPartnershipDefaults(tx, partnership.id);
    const areaIds = new Map<string, string>();
    for (const a of AREAS) {
      const row = await tx
        .insertInto('areas')
        .values({ partnership_id: partnership.id, kind: a.kind, ons_code: a.code, name: a.name, parent_id: a.parent ? areaIds.get(a.parent)! : null })
        .returning('id')
        .executeTakeFirstOrThrow();
      areaIds.set(a.code, row.id);
      await tx
        .insertInto('area_populations')
        .values([
          { area_id: row.id, year: 2011, population: a.population2011, source: 'ONS Census 2011' },
          { area_id: row.id, year: 2021, population: a.population2021, source: 'ONS Census 2021 (rounded to 100)' },
        ])
        .execute();
    }
    // Boundaries first, so that each demo address is placed in its district.
    await loadDemoBoundaries(tx, partnership.id);
    await loadDemoGazetteer(tx, partnership.id);
    const orgIds = new Map<string, string>();
    const teamIds = new Map<string, string>();
    for (const o of ORGANISATIONS) {
      const row = await tx
        .insertInto('organisations')
        .values({ partnership_id: partnership.id, name: o.name, short_name: o.shortName, kind: o.kind })
        .returning('id')
        .executeTakeFirstOrThrow();
      orgIds.set(o.key, row.id);
      await tx.insertInto('organisation_areas').values(o.areas.map((code) => ({ organisation_id: row.id, area_id: areaIds.get(code)! }))).execute();
      for (const t of o.teams) {
        const team = await tx.insertInto('teams').values({ organisation_id: row.id, name: t }).returning('id').executeTakeFirstOrThrow();
        teamIds.set(`${o.key}/${t}`, team.id);
      }
    }
    await seedDemoReferralTypes(tx, partnership.id, orgIds);
    const users: DemoSeedResult['users'] = [];
    const userIds = new Map<string, string>();
    for (const u of USERS) {
      const row = await tx
        .insertInto('users')
        .values({
          organisation_id: orgIds.get(u.org)!,
          email: u.email,
          display_name: u.name,
          job_title: u.jobTitle,
          roles: u.roles,
          password_hash: passwordHash,
          password_changed_at: new Date(),
          updated_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      userIds.set(u.org, userIds.get(u.org) ?? row.id);
      if (u.team) await tx.insertInto('team_members').values({ team_id: teamIds.get(`${u.org}/${u.team}`)!, user_id: row.id }).execute();
      users.push({ email: u.email, name: u.name, roles: u.roles, organisation: ORGANISATIONS.find((o) => o.key === u.org)!.name });
    }
    // Each organisation's demo manager line-manages everyone else there (supervision).
    for (const m of USERS.filter((u) => u.roles.includes('manager'))) {
      const manager = await tx.selectFrom('users').select('id').where('email', '=', m.email).executeTakeFirstOrThrow();
      await tx
        .updateTable('users')
        .set({ line_manager_id: manager.id })
        .where('organisation_id', '=', orgIds.get(m.org)!)
        .where('id', '<>', manager.id)
        .execute();
    }
    // Generated people, owned by the organisations that have demo case officers, inserted a batch per
    // statement so that a large demo (100,000+ people) is quick to create.
    const random = seededRandom(20191206);
    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
    const owners = ['charnwood', 'police', 'hbbc', 'housingA'];
    const count = opts.people ?? 120;
    const now = new Date();
    for (let start = 0; start < count; start += PEOPLE_PER_INSERT) {
      const rows = [];
      for (let i = start; i < Math.min(count, start + PEOPLE_PER_INSERT); i++) {
        const owner = owners[i % owners.length]!;
        const year = 1940 + Math.floor(random() * 66);
        const dob = `${year}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
        const first = pick(FIRST_NAMES);
        const last = pick(LAST_NAMES);
        rows.push({
          partnership_id: partnership.id,
          owner_organisation_id: orgIds.get(owner)!,
          first_name: first,
          last_name: last,
          date_of_birth: random() < 0.85 ? dob : null,
          gender: random() < 0.5 ? 'Female' : 'Male',
          phone: random() < 0.6 ? `07700 9${String(Math.floor(random() * 100000)).padStart(5, '0')}` : null,
          created_by: userIds.get(owner)!,
          updated_at: now,
        });
      }
      await tx.insertInto('people').values(rows).execute();
    }
    await audit(tx, { partnershipId: partnership.id, action: 'admin_create', recordType: 'partnership', recordId: partnership.id, details: { demo: true, people: count } });
    return { partnershipId: partnership.id, password, people: count, users };
  });
}
