// The incident form's fixed choices and the words shown for them.
import type { AsbCategory, IncidentRole, IncidentsTable, OrganisationKind } from '../../platform/db/schema.ts';

export const CATEGORIES: AsbCategory[] = ['personal', 'nuisance', 'environmental'];
export const CATEGORY_NAMES: Record<AsbCategory, string> = { personal: 'Personal', nuisance: 'Nuisance', environmental: 'Environmental' };
export const CATEGORY_HINTS: Record<AsbCategory, string> = {
  personal: 'Aimed at an individual or a group rather than the community at large',
  nuisance: 'Causes trouble, annoyance or suffering to the community at large',
  environmental: 'Affects surroundings and public spaces, such as litter, graffiti or fly-tipping',
};

export type HowReported = IncidentsTable['how_reported'];
export const HOW_REPORTED_NAMES: Record<HowReported, string> = {
  police_call: 'Call to the police',
  council_phone: 'Phone call to the council',
  council_online: 'Council online form',
  public_online: 'Public online report',
  partner_referral: 'Referral from a partner agency',
  in_person: 'In person',
  email: 'Email',
  police_import: 'Imported from police systems',
  other: 'Other',
};
export const HOW_REPORTED: HowReported[] = Object.keys(HOW_REPORTED_NAMES) as HowReported[];
/** Imports set this; people never choose it. */
export const HOW_REPORTED_BY_HAND: HowReported[] = HOW_REPORTED.filter((h) => h !== 'police_import');

/** What an organisation of each kind most often records, so the usual answer needs no keystrokes. */
export function defaultHowReported(kind: OrganisationKind): HowReported {
  if (kind === 'police') return 'police_call';
  if (kind === 'local_authority') return 'council_phone';
  return 'partner_referral';
}

export const FLAGS = ['hate', 'domestic', 'alcohol', 'drugs', 'youth', 'vulnerable_victim'] as const;
export type Flag = (typeof FLAGS)[number];
export const FLAG_NAMES: Record<Flag, string> = {
  hate: 'Hate incident',
  domestic: 'Domestic-related',
  alcohol: 'Alcohol-related',
  drugs: 'Drug-related',
  youth: 'Youth-related',
  vulnerable_victim: 'Vulnerable victim',
};

export const HATE_STRANDS = ['race', 'religion', 'sexual_orientation', 'disability', 'transgender', 'sex_gender', 'alternative_subculture'] as const;
export type HateStrand = (typeof HATE_STRANDS)[number];
export const HATE_STRAND_NAMES: Record<HateStrand, string> = {
  race: 'Race',
  religion: 'Religion or belief',
  sexual_orientation: 'Sexual orientation',
  disability: 'Disability',
  transgender: 'Transgender identity',
  sex_gender: 'Sex or gender',
  alternative_subculture: 'Alternative subculture',
};

export const ROLES: IncidentRole[] = ['victim', 'witness', 'perpetrator', 'reporting_party', 'other'];
export const ROLE_NAMES: Record<IncidentRole, string> = {
  victim: 'Victim',
  witness: 'Witness',
  perpetrator: 'Perpetrator or suspect',
  reporting_party: 'Reporting party',
  other: 'Other',
};

export const CONSENT = ['yes', 'no', 'not_asked'] as const;
export type Consent = (typeof CONSENT)[number];
export const consentValue = (c: Consent): boolean | null => (c === 'yes' ? true : c === 'no' ? false : null);
export const consentChoice = (v: boolean | null): Consent => (v === true ? 'yes' : v === false ? 'no' : 'not_asked');

export const STATUSES = ['open', 'closed'] as const;
export type IncidentStatus = (typeof STATUSES)[number];
export const STATUS_NAMES: Record<IncidentStatus, string> = { open: 'Open', closed: 'Closed' };

export const BUSINESS_ROLES = ['subject', 'victim', 'location', 'reporting_party'] as const;
export type BusinessRole = (typeof BUSINESS_ROLES)[number];
export const BUSINESS_ROLE_NAMES: Record<BusinessRole, string> = {
  subject: 'Subject of the complaint',
  victim: 'Victim',
  location: 'Where it happened',
  reporting_party: 'Reported it',
};

/** Every label table, for templates (through the `label` filter). */
export const LABELS = {
  category: CATEGORY_NAMES,
  howReported: HOW_REPORTED_NAMES,
  flag: FLAG_NAMES,
  strand: HATE_STRAND_NAMES,
  role: ROLE_NAMES,
  status: STATUS_NAMES,
  businessRole: BUSINESS_ROLE_NAMES,
};
