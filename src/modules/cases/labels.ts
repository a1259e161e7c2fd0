// The words shown for the codes cases store, and the choices their forms offer.
import type { RiskBand } from '../../platform/db/schema.ts';

export type CaseStatus = 'open' | 'on_hold' | 'closed';
export const STATUSES = ['open', 'on_hold', 'closed'] as const satisfies readonly CaseStatus[];
export const STATUS_NAMES: Record<CaseStatus, string> = {
  open: 'Open',
  on_hold: 'On hold',
  closed: 'Closed',
};
export const STATUS_TAGS: Record<CaseStatus, string> = {
  open: 'govuk-tag--blue',
  on_hold: 'govuk-tag--yellow',
  closed: 'govuk-tag--grey',
};

export const PRIORITIES = ['standard', 'medium', 'high'] as const satisfies readonly RiskBand[];
export const PRIORITY_NAMES: Record<RiskBand, string> = {
  standard: 'Standard',
  medium: 'Medium',
  high: 'High',
};
export const PRIORITY_TAGS: Record<RiskBand, string> = {
  standard: 'govuk-tag--grey',
  medium: 'govuk-tag--orange',
  high: 'govuk-tag--red',
};

export const OUTCOMES = [
  'resolved',
  'partially_resolved',
  'unresolved_referred',
  'no_further_action',
  'withdrawn_by_complainant',
  'enforcement_completed',
  'insufficient_evidence',
  'subject_moved',
  'other',
] as const;
export type CaseOutcome = (typeof OUTCOMES)[number];
export const OUTCOME_NAMES: Record<CaseOutcome, string> = {
  resolved: 'Resolved',
  partially_resolved: 'Partially resolved',
  unresolved_referred: 'Unresolved – referred to another agency',
  no_further_action: 'No further action',
  withdrawn_by_complainant: 'Withdrawn by the complainant',
  enforcement_completed: 'Enforcement or legal action completed',
  insufficient_evidence: 'Insufficient evidence to proceed',
  subject_moved: 'The person causing the problem moved away',
  other: 'Other (explain in the outcome notes)',
};

export const NOTE_KINDS = ['note', 'supervision', 'status_change'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];
export const NOTE_KIND_NAMES: Record<NoteKind, string> = {
  note: 'Case note',
  supervision: 'Supervision note',
  status_change: 'Status change',
};

export const CATEGORY_NAMES: Record<string, string> = {
  personal: 'Personal',
  nuisance: 'Nuisance',
  environmental: 'Environmental',
};

export const SCOPES = ['mine', 'organisation', 'shared', 'all'] as const;
export type CaseScope = (typeof SCOPES)[number];
export const SCOPE_NAMES: Record<CaseScope, string> = {
  mine: 'My cases',
  organisation: 'My organisation’s cases',
  shared: 'Shared with us',
  all: 'All cases I can see',
};

export const STATUS_FILTERS = ['active', 'open', 'on_hold', 'closed', 'any'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];
export const STATUS_FILTER_NAMES: Record<StatusFilter, string> = {
  active: 'Open or on hold',
  open: 'Open',
  on_hold: 'On hold',
  closed: 'Closed',
  any: 'Any status',
};

export const ROLE_NAMES: Record<string, string> = {
  victim: 'Victim',
  witness: 'Witness',
  perpetrator: 'Perpetrator or suspect',
  reporting_party: 'Reporting party',
  other: 'Other',
};
