// Matching on entry. While a person (or a vehicle, or an address) is being typed, the records the
// partnership already holds that may be the same are found across every organisation, scored by the
// matching engine and split by what the user may see:
//   - people the user can see: shown with the match probability and why (the reasons), to use;
//   - people held by another organisation the user cannot see: only a stub naming the organisation and
//     whom to contact, with an opaque token to request access — and only for a strong match that does
//     not rest on the name alone, so the lookup cannot be used to find out who exists.
// Every lookup is audited (who, where, which fields were given and how many candidates; never the
// names typed), and so is every stub shown, against the record it stands for.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import { parsePostcode } from '../../platform/geo/postcode.ts';
import { comparePeople, nameKeys, preparePerson, type MatchReason, type PersonInput, type TermFrequencies } from './engine/index.ts';
import { emailKey, fold, nameParts, phoneKey } from './keys.ts';
import { firstNameForms as nameForms } from './name-forms.ts';
import * as repo from './repository.ts';
import { sealStub, stubKey, type StubRecordType } from './stub-token.ts';
import { findAddresses } from '../addresses/service.ts';
import { displayVrm, isVrmKey, vrmKey } from '../vehicles/vrm.ts';

/** Visible people are suggested from this probability up: showing them reveals nothing new. */
export const SUGGEST_PROBABILITY = 0.05;
/** A stub needs a strong match, corroborated by something besides the name (see isCorroborated). */
export const STUB_PROBABILITY = 0.9;
export const MAX_SUGGESTIONS = 8;
export const MAX_STUBS = 3;
/** At most this many candidates are scored by the engine. */
export const MAX_SCORED = 30;

export type LookupContext = 'people_form' | 'incident_form' | 'api' | 'import';

export interface PersonLookup {
  firstName: string | null;
  middleNames: string | null;
  lastName: string;
  dateOfBirth: string | null;
  estimatedAge: number | null;
  gender: string | null;
  phone: string | null;
  email: string | null;
  postcode: string | null;
  uprn: number | null;
  /** PNC, NHS and NI numbers in their stored forms. */
  identifiers: string[];
}

export interface Reason {
  field: MatchReason['field'];
  description: string;
  agrees: boolean;
}

export interface PersonSuggestion {
  id: string;
  name: string;
  dateOfBirth: string | null;
  heldBy: string;
  probability: number;
  /** "97%", or "over 99%" when rounding would claim certainty. */
  likelihood: string;
  reasons: Reason[];
  href: string;
}

export interface Contact {
  name: string;
  email: string;
  role: 'recording officer' | 'manager';
}

export interface RecordStub {
  token: string;
  heldBy: string;
  contact: Contact | null;
  /** When this user already asked for access and has no answer yet. */
  requestedAt: Date | null;
}

export interface PersonLookupResult {
  matches: PersonSuggestion[];
  stubs: RecordStub[];
}

const NON_NAME_FIELDS = new Set<MatchReason['field']>(['date_of_birth', 'identifier', 'phone', 'email', 'postcode', 'address']);
const NAME_FIELDS = new Set<MatchReason['field']>(['name', 'first_name', 'last_name']);

/** A name alone (however rare) never makes a stub: something else about the person must agree too. */
export function isCorroborated(reasons: MatchReason[]): boolean {
  const agreeing = reasons.filter((r) => r.weight > 0);
  return agreeing.some((r) => NAME_FIELDS.has(r.field)) && agreeing.some((r) => NON_NAME_FIELDS.has(r.field));
}

export function likelihood(p: number): string {
  if (p >= 0.995) return 'over 99%';
  if (p < 0.01) return 'under 1%';
  return `${Math.round(p * 100)}%`;
}

// Term frequencies: how many people of the partnership share the typed first name and surname,
// counted by index in the database (capped, see migrations/0009) and remembered for a while per
// process, as frequencies change slowly and the same names are typed again and again.
const FREQUENCY_TTL_MS = 6 * 60 * 60 * 1000;
const FREQUENCY_CACHE_MAX = 50_000;
type Count = { n: number | null; total: number; at: number };
const counts = new Map<string, Count>();

async function frequencies(tx: Tx, partnershipId: string, first: string | null, last: string | null): Promise<TermFrequencies> {
  const now = Date.now();
  const fresh = (c: Count | undefined) => !!c && now - c.at < FREQUENCY_TTL_MS;
  const firstKey = `${partnershipId}|f|${(first ?? '').toLowerCase()}`;
  const lastKey = `${partnershipId}|l|${(last ?? '').toLowerCase()}`;
  let f = first ? counts.get(firstKey) : undefined;
  let l = last ? counts.get(lastKey) : undefined;
  const needFirst = !!first && !fresh(f);
  const needLast = !!last && !fresh(l);
  if (needFirst || needLast) {
    const r = await repo.nameCounts(tx, partnershipId, needFirst ? first : null, needLast ? last : null);
    if (counts.size >= FREQUENCY_CACHE_MAX) counts.clear();
    if (needFirst) counts.set(firstKey, (f = { n: r.first, total: r.total, at: now }));
    if (needLast) counts.set(lastKey, (l = { n: r.last, total: r.total, at: now }));
  }
  const share = (c: Count | undefined) => (!c || c.n === null || c.total <= 0 ? undefined : Math.max(c.n, 1) / c.total);
  const typedFirst = fold(first);
  const typedLast = fold(last);
  // Only the names typed are counted; any other name (a nickname's full form, say) gets the engine's average.
  return {
    firstName: (n) => (typedFirst && fold(n) === typedFirst ? share(f) : undefined),
    lastName: (n) => (typedLast && fold(n) === typedLast ? share(l) : undefined),
  };
}

function toInput(q: PersonLookup): PersonInput {
  return {
    firstName: q.firstName,
    middleNames: q.middleNames,
    lastName: q.lastName,
    dateOfBirth: q.dateOfBirth,
    estimatedAge: q.estimatedAge,
    gender: q.gender,
    postcode: q.postcode,
    uprn: q.uprn === null ? null : String(q.uprn),
    phone: q.phone,
    email: q.email,
    identifiers: q.identifiers,
  };
}

function candidateInput(c: repo.CandidateRow): PersonInput {
  return {
    firstName: c.first_name,
    middleNames: c.middle_names,
    lastName: c.last_name,
    dateOfBirth: c.date_of_birth,
    estimatedAge: c.estimated_age,
    gender: c.gender,
    addressLine1: c.address,
    postcode: c.postcode,
    uprn: c.uprn === null ? null : String(c.uprn),
    phone: c.phone,
    email: c.email,
    identifiers: [c.pnc_id, c.nhs_number, c.ni_number].filter((x): x is string => !!x),
    aliases: c.aliases.map((a) => ({ firstName: a.first_name, lastName: a.last_name })),
  };
}

/** The first-name forms the candidate search looks for: as typed, then its nicknames and full forms. */
function firstNameForms(q: PersonLookup): string[] {
  if (!q.firstName) return [];
  const typed = q.firstName.trim().split(/\s+/)[0] ?? '';
  return [...new Set([q.firstName, ...nameForms(typed), ...nameKeys(toInput(q)).firstNames].map((f) => f.trim()).filter(Boolean))].slice(0, 40);
}

/** Whether enough was typed to look: a surname of two letters or more, or an identifier. */
export function canLookUp(q: PersonLookup): boolean {
  return (fold(q.lastName)?.length ?? 0) >= 2 || q.identifiers.length > 0;
}

/** Whom to contact about a record: its recording officer, or failing that a manager of the organisation. */
async function contactsFor(tx: Tx, wanted: { ownerId: string; recordedBy: string | null }[]): Promise<Map<string, Contact | null>> {
  const out = new Map<string, Contact | null>();
  if (!wanted.length) return out;
  const officerIds = wanted.map((w) => w.recordedBy).filter((x): x is string => !!x);
  const officers = officerIds.length
    ? await tx.selectFrom('users').select(['id', 'display_name', 'email', 'organisation_id']).where('id', 'in', officerIds).where('active', '=', true).execute()
    : [];
  const managers = await tx
    .selectFrom('users')
    .select(['id', 'display_name', 'email', 'organisation_id'])
    .where('organisation_id', 'in', [...new Set(wanted.map((w) => w.ownerId))])
    .where('active', '=', true)
    .where(sql<boolean>`roles && ARRAY['manager', 'coordinator']::text[]`)
    .orderBy('display_name')
    .execute();
  for (const w of wanted) {
    const officer = officers.find((o) => o.id === w.recordedBy && o.organisation_id === w.ownerId);
    const manager = managers.find((m) => m.organisation_id === w.ownerId);
    const chosen = officer ? { u: officer, role: 'recording officer' as const } : manager ? { u: manager, role: 'manager' as const } : null;
    out.set(`${w.ownerId}|${w.recordedBy}`, chosen && { name: chosen.u.display_name, email: chosen.u.email, role: chosen.role });
  }
  return out;
}

async function stubsFor(
  key: Buffer,
  tx: Tx,
  actor: Actor,
  recordType: StubRecordType,
  hidden: { id: string; ownerId: string; recordedBy: string | null; probability?: number }[],
): Promise<RecordStub[]> {
  if (!hidden.length) return [];
  const names = await repo.organisationNames(tx, [...new Set(hidden.map((h) => h.ownerId))]);
  const contacts = await contactsFor(tx, hidden.map((h) => ({ ownerId: h.ownerId, recordedBy: h.recordedBy })));
  const open = await repo.openRequests(tx, actor.userId, recordType, hidden.map((h) => h.id));
  const stubs: RecordStub[] = [];
  for (const h of hidden) {
    await auditBy(tx, actor, 'match_stub_shown', recordType, h.id, {
      owner_organisation_id: h.ownerId,
      ...(h.probability === undefined ? {} : { probability: Math.round(h.probability * 1000) / 1000 }),
    });
    stubs.push({
      token: sealStub(key, actor.userId, { recordType, recordId: h.id }),
      heldBy: names.get(h.ownerId) ?? 'another organisation',
      contact: contacts.get(`${h.ownerId}|${h.recordedBy}`) ?? null,
      requestedAt: open.get(h.id) ?? null,
    });
  }
  return stubs;
}

/**
 * Scores the partnership's possible matches for a person being typed: the user's own (and shared)
 * people as suggestions, others' as stubs. Runs in the caller's withUser transaction; `key` is
 * stubKey(db), read before that transaction began.
 */
export async function lookUpPeopleIn(key: Buffer, tx: Tx, actor: Actor, q: PersonLookup, context: LookupContext): Promise<PersonLookupResult> {
  if (!canLookUp(q)) return { matches: [], stubs: [] };
  const postcode = parsePostcode(q.postcode);
  // A surname of a letter or three is usually one still being typed: searched by its sound alone, as
  // with a first name too the search's last resort (similar whole names) would wade through everyone
  // who shares the first name.
  const stillTyping = (fold(q.lastName)?.length ?? 0) < 4 && !q.dateOfBirth && !q.identifiers.length;
  const candidates = await repo.personCandidates(tx, {
    partnershipId: actor.partnershipId,
    firstNames: stillTyping ? [] : firstNameForms(q),
    lastNames: [q.lastName, ...nameParts(q.lastName).filter((p) => p !== fold(q.lastName))].filter(Boolean).slice(0, 6),
    dateOfBirth: q.dateOfBirth,
    identifiers: q.identifiers,
    phone: phoneKey(q.phone),
    email: emailKey(q.email),
    postcodeKey: postcode?.key ?? null,
    uprn: q.uprn,
  });
  const tf = await frequencies(tx, actor.partnershipId, q.firstName, q.lastName);
  const me = preparePerson(toInput(q));
  // The candidates come most specific first; scoring is the costliest part in the app, so the tail is left.
  const scored = candidates
    .slice(0, MAX_SCORED)
    .map((c) => ({ c, result: comparePeople(me, preparePerson(candidateInput(c)), { frequencies: tf }) }))
    .sort((a, b) => b.result.probability - a.result.probability);
  const visible = new Map((await repo.visiblePeople(tx, scored.map((s) => s.c.id))).map((p) => [p.id, p]));

  const matches: PersonSuggestion[] = [];
  const hidden: { id: string; ownerId: string; recordedBy: string | null; probability: number }[] = [];
  for (const { c, result } of scored) {
    const seen = visible.get(c.id);
    if (seen) {
      if (result.probability < SUGGEST_PROBABILITY || matches.length >= MAX_SUGGESTIONS) continue;
      matches.push({
        id: c.id,
        name: [seen.first_name, seen.middle_names, seen.last_name].filter(Boolean).join(' '),
        dateOfBirth: seen.date_of_birth,
        heldBy: seen.owner_name,
        probability: result.probability,
        likelihood: likelihood(result.probability),
        reasons: result.reasons.map((r) => ({ field: r.field, description: r.description, agrees: r.weight > 0 })),
        href: `/people/${c.id}`,
      });
    } else if (result.probability >= STUB_PROBABILITY && isCorroborated(result.reasons) && hidden.length < MAX_STUBS) {
      hidden.push({ id: c.id, ownerId: c.owner_organisation_id, recordedBy: c.recorded_by, probability: result.probability });
    }
  }
  const stubs = await stubsFor(key, tx, actor, 'person', hidden);
  await auditBy(tx, actor, 'match_lookup', 'person', null, {
    context,
    fields: Object.entries(q)
      .filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0))
      .map(([k]) => k),
    candidates: candidates.length,
    suggested: matches.length,
    stubs: stubs.length,
  });
  return { matches, stubs };
}

export async function lookUpPeople(db: Kysely<DB>, actor: Actor, q: PersonLookup, context: LookupContext): Promise<PersonLookupResult> {
  const key = await stubKey(db);
  return withUser(db, actor.userId, (tx) => lookUpPeopleIn(key, tx, actor, q, context));
}

// Vehicles ----------------------------------------------------------------------------------------

export interface VehicleSuggestion {
  id: string;
  vrm: string;
  description: string;
  heldBy: string;
  href: string;
}

export async function lookUpVehicles(db: Kysely<DB>, actor: Actor, typed: string, context: LookupContext) {
  const key = vrmKey(typed);
  if (!isVrmKey(key)) return { vrm: null, matches: [] as VehicleSuggestion[], stubs: [] as RecordStub[] };
  const sealing = await stubKey(db);
  return withUser(db, actor.userId, async (tx) => {
    const candidates = await repo.vehicleCandidates(tx, actor.partnershipId, key);
    const visible = await repo.visibleVehicles(tx, candidates.map((c) => c.id));
    const seen = new Set(visible.map((v) => v.id));
    const matches = visible.map((v) => ({
      id: v.id,
      vrm: v.vrm,
      description: [v.colour, v.make, v.model].filter(Boolean).join(' ') || 'No description',
      heldBy: v.owner_name,
      href: `/vehicles/${v.id}`,
    }));
    // The registration mark is the vehicle's identifier, so an exact one is a strong match by itself.
    const hidden = candidates.filter((c) => !seen.has(c.id)).slice(0, MAX_STUBS).map((c) => ({ id: c.id, ownerId: c.owner_organisation_id, recordedBy: c.recorded_by }));
    const stubs = await stubsFor(sealing, tx, actor, 'vehicle', hidden);
    await auditBy(tx, actor, 'match_lookup', 'vehicle', null, { context, candidates: candidates.length, suggested: matches.length, stubs: stubs.length });
    return { vrm: displayVrm(typed), matches, stubs };
  });
}

// Addresses ---------------------------------------------------------------------------------------

/** Gazetteer addresses for what was typed (normalised text, postcode or UPRN), with how well known each is. */
export async function lookUpAddresses(db: Kysely<DB>, actor: Actor, text: string, context: LookupContext) {
  return withUser(db, actor.userId, async (tx) => {
    const found = await findAddresses(tx, actor.partnershipId, { text, limit: 8 });
    const counts = await repo.addressCounts(tx, found.map((a) => a.uprn));
    await auditBy(tx, actor, 'match_lookup', 'address', null, { context, shown: found.length });
    return found.map((a) => ({
      uprn: a.uprn,
      address: a.singleLine,
      incidents: counts.get(a.uprn)?.incidents ?? 0,
      people: counts.get(a.uprn)?.people ?? 0,
      href: `/addresses/${a.uprn}`,
    }));
  });
}
