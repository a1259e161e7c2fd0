// The one search box: people, addresses, vehicles, incidents and cases in one transaction, each
// limited by row-level security to what the viewer may see. The search is audited as a list without
// the words searched for (they are often a name).
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import { findAddresses, type AddressLookup } from '../addresses/service.ts';
import { isSearchable, type ParsedQuery } from './query.ts';
import * as repo from './repository.ts';
import { markersFor, type Marker } from '../repeats/service.ts';

export const RECORD_TYPE = 'search';

export interface SearchResults {
  people: repo.PersonHit[];
  addresses: AddressLookup[];
  vehicles: Awaited<ReturnType<typeof repo.vehicles>>;
  incidents: Awaited<ReturnType<typeof repo.incidents>>;
  cases: Awaited<ReturnType<typeof repo.cases>>;
  /** The "vulnerable / repeat" marker of each person found who has one. */
  markers: Record<string, Marker>;
}

/** People found several ways (by name and at a postcode, say) appear once, at their best score. */
function mergePeople(lists: repo.PersonHit[][]) {
  const best = new Map<string, repo.PersonHit>();
  for (const p of lists.flat()) {
    const seen = best.get(p.id);
    if (!seen || p.score > seen.score) best.set(p.id, { ...p, alias: p.alias ?? seen?.alias ?? null });
  }
  return [...best.values()].sort((a, b) => b.score - a.score || a.last_name.localeCompare(b.last_name) || a.first_name.localeCompare(b.first_name)).slice(0, repo.PEOPLE_SHOWN);
}

export async function search(db: Kysely<DB>, actor: Actor, q: ParsedQuery): Promise<SearchResults> {
  return withUser(db, actor.userId, async (tx) => {
    const pid = actor.partnershipId;
    const results: SearchResults = { people: [], addresses: [], vehicles: [], incidents: [], cases: [], markers: {} };
    if (isSearchable(q)) {
      const people: repo.PersonHit[][] = [];
      if (q.name) people.push(await repo.peopleByName(tx, pid, q.name, q.dob));
      else if (q.dob) people.push(await repo.peopleByDob(tx, pid, q.dob));
      if (q.nhsNumber || q.niNumber || q.pncId) people.push(await repo.peopleByIdentifier(tx, pid, { nhs: q.nhsNumber, ni: q.niNumber, pnc: q.pncId }));
      if (q.postcode) people.push(await repo.peopleAtPostcode(tx, pid, q.postcode.key));
      results.people = mergePeople(people);
      results.markers = await markersFor(tx, results.people.map((p) => p.id));
      if (q.postcode) results.addresses = await findAddresses(tx, pid, { postcode: q.postcode.display, limit: repo.SHOWN });
      else if (q.words.length && !q.dob) results.addresses = await findAddresses(tx, pid, { text: q.text, limit: repo.SHOWN });
      if (q.vrm) results.vehicles = await repo.vehicles(tx, pid, q.vrm);
      results.incidents = await repo.incidents(tx, pid, { reference: q.incidentReference, external: q.externalReference, postcodeKey: q.postcode?.key ?? null });
      results.cases = await repo.cases(tx, pid, { reference: q.caseReference, words: q.postcode || q.dob ? [] : q.words, text: q.text });
    }
    await auditBy(tx, actor, 'list', RECORD_TYPE, null, {
      searched: true,
      people: results.people.length,
      addresses: results.addresses.length,
      vehicles: results.vehicles.length,
      incidents: results.incidents.length,
      cases: results.cases.length,
    });
    return results;
  });
}
