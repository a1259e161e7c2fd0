// The incremental approach as data: the usual local tiers and the Anti-social Behaviour, Crime and
// Policing Act 2014's powers, in escalation order, with each one's usual length and the rules the
// form checks (DOMAIN.md). Durations are calendar months, days or hours from the issue date.

export type SubjectType = 'person' | 'household' | 'business';

export interface Duration {
  months?: number;
  days?: number;
  hours?: number;
}

export interface InterventionKind {
  key: string;
  label: string;
  /** Position on the ladder: lower is earlier and less formal. */
  tier: number;
  /** The group it sits in on the ladder. */
  stage: Stage;
  statutory: boolean;
  summary: string;
  subjects: SubjectType[];
  /** Used when no expiry date is given. */
  defaultDuration?: Duration;
  /** When the review reminder falls, if no review date is given. */
  defaultReview?: Duration;
  maxDuration?: Duration;
  /** A longer maximum allowed once the court has extended (status "varied"). */
  extendedMaxDuration?: Duration;
  /** Measured in hours, not dates. */
  hourly?: boolean;
  minAge?: number;
  under18?: { min?: Duration; max?: Duration; yotConsulted?: boolean };
  adult?: { min?: Duration; indefinite?: boolean };
  /** May be issued with no end date. */
  indefinite?: boolean;
  requiresConviction?: boolean;
  /** Ranks allowed to authorise it; the form asks for the officer and rank. */
  authoriserRanks?: readonly string[];
}

export type Stage = 'early' | 'agreement' | 'community_protection' | 'court' | 'place';

export const STAGES: { key: Stage; label: string }[] = [
  { key: 'early', label: 'Early intervention' },
  { key: 'agreement', label: 'Agreements' },
  { key: 'community_protection', label: 'Community protection' },
  { key: 'court', label: 'Court orders and housing action' },
  { key: 'place', label: 'Powers for places' },
];

export const INSPECTOR_OR_ABOVE = ['Inspector', 'Chief Inspector', 'Superintendent', 'Chief Superintendent', 'Assistant Chief Constable', 'Deputy Chief Constable', 'Chief Constable'] as const;

export const KINDS: readonly InterventionKind[] = [
  {
    key: 'advice',
    label: 'Advice',
    tier: 1,
    stage: 'early',
    statutory: false,
    summary: 'Words of advice, in person or by phone, recorded so later steps can show it was given.',
    subjects: ['person', 'household', 'business'],
    defaultReview: { days: 28 },
  },
  {
    key: 'warning_letter',
    label: 'Warning letter',
    tier: 2,
    stage: 'early',
    statutory: false,
    summary: 'A first letter explaining the behaviour reported and what will happen if it continues.',
    subjects: ['person', 'household', 'business'],
    defaultReview: { days: 28 },
  },
  {
    key: 'second_warning',
    label: 'Second warning letter and visit',
    tier: 3,
    stage: 'early',
    statutory: false,
    summary: 'A second letter and a visit when the behaviour continues after the first warning.',
    subjects: ['person', 'household', 'business'],
    defaultReview: { days: 28 },
  },
  {
    key: 'abc',
    label: 'Acceptable Behaviour Contract',
    tier: 4,
    stage: 'agreement',
    statutory: false,
    summary: 'A voluntary written agreement not to behave in certain ways, usually for six months.',
    subjects: ['person'],
    defaultDuration: { months: 6 },
    defaultReview: { months: 3 },
  },
  {
    key: 'cpw',
    label: 'Community Protection Warning',
    tier: 5,
    stage: 'community_protection',
    statutory: true,
    summary: 'A written warning to someone aged 16 or over, or an organisation, whose persistent, unreasonable conduct harms the local quality of life.',
    subjects: ['person', 'business'],
    minAge: 16,
    defaultReview: { days: 28 },
  },
  {
    key: 'cpn',
    label: 'Community Protection Notice',
    tier: 6,
    stage: 'community_protection',
    statutory: true,
    summary: 'Requirements to stop, do or take steps, after a warning was ignored. Breach can lead to a fixed penalty or prosecution. Aged 16 or over, or an organisation.',
    subjects: ['person', 'business'],
    minAge: 16,
    defaultReview: { months: 3 },
  },
  {
    key: 'fpn',
    label: 'Fixed penalty notice',
    tier: 7,
    stage: 'community_protection',
    statutory: true,
    summary: 'A chance to pay a fixed penalty instead of being prosecuted for breaching a Community Protection Notice or a Public Spaces Protection Order.',
    subjects: ['person', 'business'],
    defaultDuration: { days: 14 },
  },
  {
    key: 'civil_injunction',
    label: 'Civil injunction',
    tier: 8,
    stage: 'court',
    statutory: true,
    summary: 'A court order with prohibitions and positive requirements, for anyone aged 10 or over. For under-18s it lasts at most 12 months.',
    subjects: ['person'],
    minAge: 10,
    defaultDuration: { months: 12 },
    defaultReview: { months: 3 },
    under18: { max: { months: 12 } },
    adult: { indefinite: true },
  },
  {
    key: 'cbo',
    label: 'Criminal Behaviour Order',
    tier: 9,
    stage: 'court',
    statutory: true,
    summary: 'Made by a criminal court on conviction. Adults: at least 2 years, or indefinite. Under-18s: 1 to 3 years, with the youth offending team consulted.',
    subjects: ['person'],
    minAge: 10,
    defaultDuration: { months: 24 },
    defaultReview: { months: 12 },
    requiresConviction: true,
    under18: { min: { months: 12 }, max: { months: 36 }, yotConsulted: true },
    adult: { min: { months: 24 }, indefinite: true },
  },
  {
    key: 'possession',
    label: 'Absolute ground for possession',
    tier: 10,
    stage: 'court',
    statutory: true,
    summary: 'A landlord seeks possession of a home after certain convictions or breaches connected to it.',
    subjects: ['person', 'household'],
    defaultReview: { months: 1 },
  },
  {
    key: 'dispersal',
    label: 'Dispersal direction',
    tier: 11,
    stage: 'place',
    statutory: true,
    summary: 'A direction to leave an area for up to 48 hours, authorised by a police inspector or above, for anyone aged 10 or over.',
    subjects: ['person'],
    minAge: 10,
    hourly: true,
    defaultDuration: { hours: 48 },
    maxDuration: { hours: 48 },
    authoriserRanks: INSPECTOR_OR_ABOVE,
  },
  {
    key: 'closure_notice',
    label: 'Closure notice',
    tier: 12,
    stage: 'place',
    statutory: true,
    summary: 'Closes premises for up to 48 hours while the court hears an application for a closure order.',
    subjects: ['household', 'business'],
    hourly: true,
    defaultDuration: { hours: 48 },
    maxDuration: { hours: 48 },
  },
  {
    key: 'closure_order',
    label: 'Closure order',
    tier: 13,
    stage: 'place',
    statutory: true,
    summary: 'A court order closing premises for up to 3 months, which the court can extend to 6 months in total.',
    subjects: ['household', 'business'],
    defaultDuration: { months: 3 },
    defaultReview: { months: 1 },
    maxDuration: { months: 3 },
    extendedMaxDuration: { months: 6 },
  },
  {
    key: 'pspo',
    label: 'Public Spaces Protection Order',
    tier: 14,
    stage: 'place',
    statutory: true,
    summary: 'A council order for a public place, for up to 3 years and renewable. Breach can lead to a fixed penalty.',
    subjects: ['household', 'business'],
    defaultDuration: { months: 36 },
    defaultReview: { months: 12 },
    maxDuration: { months: 36 },
  },
];

export const kindByKey = (key: string) => KINDS.find((k) => k.key === key);

export const KIND_KEYS = KINDS.map((k) => k.key);

export const STATUSES = ['issued', 'complied', 'breached', 'varied', 'discharged', 'expired'] as const;
export type Status = (typeof STATUSES)[number];

export const STATUS_LABELS: Record<Status, string> = {
  issued: 'Issued',
  complied: 'Complied with',
  breached: 'Breached',
  varied: 'Varied or extended',
  discharged: 'Discharged',
  expired: 'Expired',
};

export const SUBJECT_LABELS: Record<SubjectType, string> = {
  person: 'A person',
  household: 'A household or place',
  business: 'A business or organisation',
};

/** The date a duration after `from` ends (ISO dates; hours round up to whole days). */
export function addDuration(from: string, d: Duration): string {
  const date = new Date(`${from}T00:00:00Z`);
  if (d.months) {
    const day = date.getUTCDate();
    date.setUTCDate(1);
    date.setUTCMonth(date.getUTCMonth() + d.months);
    const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
    date.setUTCDate(Math.min(day, last));
  }
  if (d.days) date.setUTCDate(date.getUTCDate() + d.days);
  if (d.hours) date.setUTCDate(date.getUTCDate() + Math.ceil(d.hours / 24));
  return date.toISOString().slice(0, 10);
}

export function describeDuration(d: Duration): string {
  const part = (n: number | undefined, one: string) => (n ? `${n} ${one}${n === 1 ? '' : 's'}` : null);
  if (d.months && d.months >= 24 && d.months % 12 === 0) return part(d.months / 12, 'year')!;
  return [part(d.months, 'month'), part(d.days, 'day'), part(d.hours, 'hour')].filter(Boolean).join(' and ');
}
