// The words for a referral's codes, used by pages, the CSV and the report builder alike.
import type { ReferralConsent, ReferralFieldKind, ReferralLawfulBasis, ReferralRecordType, ReferralStatus } from '../../platform/db/schema.ts';

export const STATUSES = ['sent', 'accepted', 'declined', 'completed', 'withdrawn'] as const satisfies readonly ReferralStatus[];
export const STATUS_NAMES: Record<ReferralStatus, string> = {
  sent: 'Waiting for a decision',
  accepted: 'Accepted',
  declined: 'Declined',
  completed: 'Completed',
  withdrawn: 'Withdrawn',
};
export const STATUS_TAGS: Record<ReferralStatus, string> = {
  sent: 'govuk-tag--yellow',
  accepted: 'govuk-tag--blue',
  declined: 'govuk-tag--red',
  completed: 'govuk-tag--green',
  withdrawn: 'govuk-tag--grey',
};

export const CONSENTS = ['given', 'refused', 'not_asked'] as const satisfies readonly ReferralConsent[];
export const CONSENT_NAMES: Record<ReferralConsent, string> = {
  given: 'Consent given',
  refused: 'Consent refused',
  not_asked: 'Consent not asked',
};

export const LAWFUL_BASES = ['public_task', 'crime_disorder_s115', 'vital_interests', 'safeguarding'] as const satisfies readonly ReferralLawfulBasis[];
export const LAWFUL_BASIS_NAMES: Record<ReferralLawfulBasis, string> = {
  public_task: 'Public task: UK GDPR Article 6(1)(e) and Data Protection Act 2018 section 8',
  crime_disorder_s115: 'Crime and Disorder Act 1998 section 115 (preventing crime and disorder)',
  vital_interests: 'Vital interests: UK GDPR Article 6(1)(d) (to protect someone’s life)',
  safeguarding: 'Safeguarding children or individuals at risk: Data Protection Act 2018 Schedule 1 paragraph 18',
};

export const RECORD_TYPE_NAMES: Record<ReferralRecordType, string> = { person: 'Person', incident: 'Incident', case: 'Case' };

export const FIELD_KINDS = ['text', 'textarea', 'yesno', 'choice', 'date'] as const satisfies readonly ReferralFieldKind[];
export const FIELD_KIND_NAMES: Record<ReferralFieldKind, string> = {
  text: 'Short text',
  textarea: 'Longer text',
  yesno: 'Yes or no',
  choice: 'One of a list',
  date: 'Date',
};

export const labels = {
  status: STATUS_NAMES,
  statusTag: STATUS_TAGS,
  consent: CONSENT_NAMES,
  lawfulBasis: LAWFUL_BASIS_NAMES,
  recordType: RECORD_TYPE_NAMES,
  fieldKind: FIELD_KIND_NAMES,
};
