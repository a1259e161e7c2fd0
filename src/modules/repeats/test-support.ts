// Helpers for the repeat and multi-agency tests: demo users as actors, and incidents recorded through
// the incidents service (so every check in afterIncidentChange runs, as it does from the form).
import type { Actor } from '../../platform/http/context.ts';
import type { TestContext } from '../../test/harness.ts';
import type { IncidentRole } from '../../platform/db/schema.ts';
import type { IncidentCore, LocationInput } from '../incidents/fields.ts';
import { createIncident } from '../incidents/service.ts';
import { parsePostcode } from '../../platform/geo/postcode.ts';

export async function actorFor(ctx: TestContext, email: string): Promise<Actor> {
  const u = await ctx.database.db
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .innerJoin('partnerships as p', 'p.id', 'o.partnership_id')
    .select([
      'u.id',
      'u.display_name',
      'u.roles',
      'o.id as organisation_id',
      'o.name as organisation_name',
      'o.kind',
      'p.id as partnership_id',
      'p.name as partnership_name',
    ])
    .where('u.email', '=', email)
    .executeTakeFirstOrThrow();
  return {
    userId: u.id,
    email,
    displayName: u.display_name,
    organisationId: u.organisation_id,
    organisationName: u.organisation_name,
    organisationKind: u.kind,
    partnershipId: u.partnership_id,
    partnershipName: u.partnership_name,
    roles: u.roles,
    ip: '127.0.0.1',
  };
}

export const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);

export function described(
  text: string,
  postcode: string | null = null,
  point: { easting: number; northing: number } | null = null,
): LocationInput {
  return {
    kind: 'described',
    text,
    postcode: parsePostcode(postcode),
    easting: point?.easting ?? null,
    northing: point?.northing ?? null,
    latitude: null,
    longitude: null,
  };
}

/** The incident's own fields: happening `ago` days ago, reported an hour later to `actor`'s organisation. */
export function coreFor(
  actor: Actor,
  ago: number,
  opts: {
    sourceOrganisationId?: string;
    howReported?: 'police_call' | 'council_phone' | 'partner_referral';
  } = {},
): IncidentCore {
  const at = daysAgo(ago);
  return {
    occurred_from: at,
    occurred_to: null,
    reported_at: new Date(at.getTime() + 3_600_000),
    how_reported: opts.howReported ?? (actor.organisationKind === 'police' ? 'police_call' : 'council_phone'),
    source_organisation_id: opts.sourceOrganisationId ?? actor.organisationId,
    police_log_number: null,
    crime_number: null,
    category: 'personal',
    asb_type_id: null,
    description: 'Shouting and banging on the door late at night',
    mo: null,
    hate: false,
    hate_strands: [],
    domestic: false,
    alcohol: false,
    drugs: false,
    youth: false,
    vulnerable_victim: false,
    consent_to_share: null,
    consent_to_refer: null,
  };
}

/** Records an incident as `actor`, happening `ago` days ago, through the incidents service. */
export async function record(
  ctx: TestContext,
  actor: Actor,
  opts: {
    ago: number;
    people?: { id: string; role: IncidentRole }[];
    location?: LocationInput;
    sourceOrganisationId?: string;
    howReported?: 'police_call' | 'council_phone' | 'partner_referral';
  },
) {
  const r = await createIncident(ctx.database.db, actor, {
    core: coreFor(actor, opts.ago, {
      sourceOrganisationId: opts.sourceOrganisationId,
      howReported: opts.howReported,
    }),
    location: opts.location ?? described('Elm Road flats'),
    people: (opts.people ?? []).map((p) => ({ kind: 'existing' as const, id: p.id, role: p.role })),
    vehicles: [],
  });
  if (r.kind !== 'ok') throw new Error(`could not record the incident: ${r.problem.message}`);
  return r;
}
