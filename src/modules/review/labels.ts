// The words the daily review uses: why an item is high in the queue, the four outcomes of a decision,
// the National Decision Model's stages and the standard reasons for no further action.
import type { ReviewOutcome } from '../../platform/db/schema.ts';

export const REASONS = {
  high_risk: 'High risk',
  medium_risk: 'Medium risk',
  vulnerable: 'Vulnerable victim',
  repeat_victim: 'Repeat victim',
  repeat_perpetrator: 'Repeat perpetrator',
  repeat_location: 'Repeat location',
  case_review: 'Case Review alert',
  hate: 'Hate incident',
  domestic: 'Domestic',
  multi_agency: 'Reported to more than one agency',
  officer_safety: 'Officer safety warning',
} as const;
export type ReasonKey = keyof typeof REASONS;
export const REASON_KEYS = Object.keys(REASONS) as ReasonKey[];
/** The tag colour only reinforces the words: red for risk to a person, orange for patterns. */
export const REASON_TAGS: Record<ReasonKey, string> = {
  high_risk: 'govuk-tag--red',
  medium_risk: 'govuk-tag--orange',
  vulnerable: 'govuk-tag--red',
  repeat_victim: 'govuk-tag--red',
  repeat_perpetrator: 'govuk-tag--orange',
  repeat_location: 'govuk-tag--orange',
  case_review: 'govuk-tag--purple',
  hate: 'govuk-tag--pink',
  domestic: 'govuk-tag--pink',
  multi_agency: 'govuk-tag--blue',
  officer_safety: 'govuk-tag--yellow',
};

export const OUTCOMES: ReviewOutcome[] = ['no_further_action', 'share', 'direct', 'task_out'];
export const OUTCOME_NAMES: Record<ReviewOutcome, string> = {
  no_further_action: 'No further action',
  share: 'Share for information',
  direct: 'Direct to a lead officer',
  task_out: 'Task out as high risk',
};

/** The National Decision Model's five stages, in order, with the form field that records each. */
export const NDM_STAGES = [
  { field: 'ndm_information', name: 'Information', hint: 'What do you know, what do you need to know?' },
  { field: 'ndm_threat_risk', name: 'Assessment of threat and risk', hint: 'What is the threat or risk of harm, to whom, how likely and how soon?' },
  { field: 'ndm_powers_policy', name: 'Powers and policy', hint: 'Which powers, policies and legislation apply?' },
  { field: 'ndm_options', name: 'Options', hint: 'What could be done, and what are the consequences of each option?' },
  { field: 'ndm_action_review', name: 'Action and review', hint: 'What will be done, by whom, and when will it be reviewed?' },
] as const;
export type NdmField = (typeof NDM_STAGES)[number]['field'];
export const NDM_FIELDS: NdmField[] = NDM_STAGES.map((s) => s.field);

/** The common reasons for no further action, so the quick decision is one choice. */
export const NFA_REASONS = {
  no_risk: 'No risk identified; information only',
  already_in_hand: 'Already being dealt with by the recording agency',
  duplicate: 'Duplicate of an incident already reviewed',
  not_asb: 'Not anti-social behaviour',
} as const;
export type NfaReasonKey = keyof typeof NFA_REASONS;

export const TASK_PRIORITY_FOR_OUTCOME = { direct: 'normal', task_out: 'urgent' } as const;

export const DISPUTE_STATUS_NAMES = { open: 'Open', upheld: 'Upheld: task withdrawn', withdrawn: 'Dispute withdrawn: task stands', reassigned: 'Task reassigned' } as const;
export type DisputeResolution = 'upheld' | 'withdrawn' | 'reassigned';
export const DISPUTE_RESOLUTIONS: DisputeResolution[] = ['upheld', 'withdrawn', 'reassigned'];

export const labels = {
  reasons: REASONS,
  reasonTags: REASON_TAGS,
  outcomes: OUTCOME_NAMES,
  nfaReasons: NFA_REASONS,
  disputeStatus: DISPUTE_STATUS_NAMES,
};
