// How likely two people records are to be the same person, and why: the matching engine's view
// (src/modules/matching/engine), from what the people pages hold about each.
import {
  comparePeople,
  preparePerson,
  type MatchResult,
  type PersonInput,
} from '../matching/engine/index.ts';
import type { Tx } from '../../platform/db/with-user.ts';

interface PersonLike {
  id: string;
  first_name: string;
  middle_names: string | null;
  last_name: string;
  date_of_birth: string | null;
  estimated_age: number | null;
  gender: string | null;
  phone: string | null;
  email: string | null;
  pnc_id: string | null;
  nhs_number: string | null;
  ni_number: string | null;
}

interface Extras {
  aliases: { first_name: string | null; last_name: string }[];
  addresses: { address: string; postcode: string | null; uprn: number | null }[];
}

export function toInput(p: PersonLike, extras: Extras): PersonInput {
  const current = extras.addresses[0];
  return {
    firstName: p.first_name,
    middleNames: p.middle_names,
    lastName: p.last_name,
    dateOfBirth: p.date_of_birth,
    estimatedAge: p.estimated_age,
    gender: p.gender,
    phone: p.phone,
    email: p.email,
    identifiers: [p.pnc_id, p.nhs_number, p.ni_number].filter((x): x is string => !!x),
    addressLine1: current?.address ?? null,
    postcode: current?.postcode ?? null,
    uprn: current?.uprn ? String(current.uprn) : null,
    aliases: extras.aliases.map((a) => ({ firstName: a.first_name, lastName: a.last_name })),
  };
}

/** Each person's aliases and addresses (current first), read under the viewer's row-level security. */
export async function extrasFor(tx: Tx, ids: string[]): Promise<Map<string, Extras>> {
  const out = new Map<string, Extras>(ids.map((id) => [id, { aliases: [], addresses: [] }]));
  if (!ids.length) return out;
  const aliases = await tx
    .selectFrom('person_aliases')
    .select(['person_id', 'first_name', 'last_name'])
    .where('person_id', 'in', ids)
    .execute();
  for (const a of aliases) out.get(a.person_id)?.aliases.push(a);
  const addresses = await tx
    .selectFrom('person_addresses')
    .select(['person_id', 'address', 'postcode', 'uprn'])
    .where('person_id', 'in', ids)
    .orderBy((eb) => eb('to_date', 'is', null), 'desc')
    .orderBy('from_date', 'desc')
    .execute();
  for (const a of addresses) out.get(a.person_id)?.addresses.push(a);
  return out;
}

export interface Likelihood {
  percent: number;
  reasons: { description: string; positive: boolean }[];
}

export function likelihood(a: PersonLike, b: PersonLike, extras: Map<string, Extras>): Likelihood {
  const none = { aliases: [], addresses: [] };
  const r: MatchResult = comparePeople(
    preparePerson(toInput(a, extras.get(a.id) ?? none)),
    preparePerson(toInput(b, extras.get(b.id) ?? none)),
  );
  return {
    percent: Math.round(r.probability * 1000) / 10,
    reasons: [...r.reasons]
      .sort((x, y) => Math.abs(y.weight) - Math.abs(x.weight))
      .map((x) => ({ description: x.description, positive: x.weight >= 0 })),
  };
}
