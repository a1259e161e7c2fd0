// Helpers for the case and task tests: incidents recorded straight into the database as their
// owning user (the incident form is another capability's), and small page-reading helpers.
import { withUser } from '../../platform/db/with-user.ts';
import { userId, type TestContext } from '../../test/harness.ts';

export async function recordIncident(
  ctx: TestContext,
  email: string,
  opts: { personId?: string; role?: 'victim' | 'perpetrator'; description?: string } = {},
) {
  const u = await userId(ctx, email);
  return withUser(ctx.database.db, u.id, async (tx) => {
    const row = await tx
      .insertInto('incidents')
      .values({
        partnership_id: ctx.demo.partnershipId,
        owner_organisation_id: u.organisation_id,
        occurred_from: new Date(Date.now() - 3 * 86_400_000),
        reported_at: new Date(Date.now() - 2 * 86_400_000),
        how_reported: 'council_phone',
        category: 'personal',
        description: opts.description ?? 'Shouting and banging on the door late at night',
        location_text: 'Elm Road flats',
        created_by: u.id,
        updated_at: new Date(),
      })
      .returning(['id', 'reference'])
      .executeTakeFirstOrThrow();
    if (opts.personId)
      await tx
        .insertInto('incident_people')
        .values({ incident_id: row.id, person_id: opts.personId, role: opts.role ?? 'victim' })
        .execute();
    return row;
  });
}

/** A person the organisation of `email` holds (the demo seeds some for each case-working organisation). */
export async function personOf(ctx: TestContext, email: string) {
  const u = await userId(ctx, email);
  return ctx.database.db
    .selectFrom('people')
    .select(['id', 'first_name', 'last_name'])
    .where('owner_organisation_id', '=', u.organisation_id)
    .orderBy('id')
    .executeTakeFirstOrThrow();
}

export function isoDaysFromToday(days: number) {
  const d = new Date(Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`) + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

export function dateFields(prefix: string, iso: string) {
  const [y, m, d] = iso.split('-');
  return {
    [`${prefix}-day`]: String(Number(d)),
    [`${prefix}-month`]: String(Number(m)),
    [`${prefix}-year`]: y!,
  };
}

export function idFromLocation(location: string | undefined) {
  return /\/([0-9a-f-]{36})(?:$|[/?#])/.exec(location ?? '')![1]!;
}
