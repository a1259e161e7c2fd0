// Turns what the service found into what the person page shows: ages worked out, identifiers in
// their usual written form, incidents grouped by the person's role, links read from this side.
import type { viewPerson } from './service.ts';
import { displayNhsNumber, displayNiNumber } from './identifiers.ts';
import { ALIAS_KINDS, CONTACT_METHODS, inverseRelationship, RELATIONSHIPS, ROLES, VULNERABILITIES, WARNING_MARKERS } from './labels.ts';

type Found = NonNullable<Awaited<ReturnType<typeof viewPerson>>>;

/** Whole years between two ISO dates. */
export function yearsBetween(from: string, to: string) {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  return ty - fy - (tm < fm || (tm === fm && td < fd) ? 1 : 0);
}

export function ageText(p: { date_of_birth: string | null; estimated_age: number | null; estimated_age_on: string | null }, today = new Date().toISOString().slice(0, 10)) {
  if (p.date_of_birth) return { age: yearsBetween(p.date_of_birth, today), estimated: false };
  if (p.estimated_age !== null) {
    const since = p.estimated_age_on ? Math.max(0, yearsBetween(p.estimated_age_on, today)) : 0;
    return { age: p.estimated_age + since, estimated: true };
  }
  return null;
}

export function personView(found: Found) {
  const { person } = found;
  const byRole = Object.entries(ROLES)
    .map(([role, label]) => ({ role, label, incidents: found.incidents.filter((i) => i.role === role) }))
    .filter((g) => g.incidents.length);
  const links = [
    ...found.links.outward.map((l) => ({ ...l, label: RELATIONSHIPS[l.relationship as keyof typeof RELATIONSHIPS] ?? l.relationship, storedHere: true })),
    ...found.links.inward.map((l) => {
      const r = inverseRelationship(l.relationship);
      return { ...l, label: RELATIONSHIPS[r as keyof typeof RELATIONSHIPS] ?? r, storedHere: false };
    }),
  ].sort((a, b) => a.last_name.localeCompare(b.last_name) || a.first_name.localeCompare(b.first_name));
  return {
    age: ageText(person),
    nhsNumber: person.nhs_number ? displayNhsNumber(person.nhs_number) : null,
    niNumber: person.ni_number ? displayNiNumber(person.ni_number) : null,
    warnings: person.warning_markers.map((w) => WARNING_MARKERS[w as keyof typeof WARNING_MARKERS] ?? w),
    vulnerabilityLabels: person.vulnerabilities.map((v) => VULNERABILITIES[v as keyof typeof VULNERABILITIES] ?? v),
    contactMethod: person.contact_preference ? (CONTACT_METHODS[person.contact_preference as keyof typeof CONTACT_METHODS] ?? person.contact_preference) : null,
    incidentsByRole: byRole,
    personLinks: links,
    aliasKinds: ALIAS_KINDS,
  };
}
