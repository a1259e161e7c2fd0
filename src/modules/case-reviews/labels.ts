// The words the Case Review pages show for stored codes, and the lists forms offer.
import type { CaseReviewRule, CaseReviewsTable, Role } from '../../platform/db/schema.ts';

/** Who may record and change Case Reviews and deal with alerts (anyone may read what they can see). */
export const WRITER_ROLES: Role[] = ['case_officer', 'coordinator', 'manager', 'partner_user'];
export const canWrite = (roles: readonly Role[]) => roles.some((r) => WRITER_ROLES.includes(r));

type NonNull<T> = Exclude<T, null>;
export type ApplicantKind = CaseReviewsTable['applicant_kind'];
export type ApplicantRelationship = NonNull<CaseReviewsTable['applicant_relationship']>;
export type HowReceived = CaseReviewsTable['how_received'];
export type Decision = NonNull<CaseReviewsTable['decision']>;
export type ResponseMethod = NonNull<CaseReviewsTable['response_method']>;

export const APPLICANT_KINDS = ['victim', 'on_behalf'] as const satisfies readonly ApplicantKind[];
export const RELATIONSHIPS = ['councillor', 'mp', 'relative', 'advocate', 'landlord', 'other'] as const satisfies readonly ApplicantRelationship[];
export const HOW_RECEIVED = ['online_form', 'phone', 'email', 'letter', 'in_person', 'other'] as const satisfies readonly HowReceived[];
export const DECISIONS = ['met', 'not_met'] as const satisfies readonly Decision[];
export const RESPONSE_METHODS = ['letter', 'email', 'phone', 'meeting', 'other'] as const satisfies readonly ResponseMethod[];
export const RECOMMENDATION_STATUSES = ['open', 'in_progress', 'done', 'not_done'] as const;
export type RecommendationStatus = (typeof RECOMMENDATION_STATUSES)[number];
export const ALERT_FILTERS = ['open', 'dismissed', 'application', 'all'] as const;
export type AlertFilter = (typeof ALERT_FILTERS)[number];
export const REVIEW_FILTERS = ['open', 'closed', 'all'] as const;
export type ReviewFilter = (typeof REVIEW_FILTERS)[number];

export const LABELS = {
  applicantKind: { victim: 'The victim', on_behalf: 'Someone on the victim’s behalf' } satisfies Record<ApplicantKind, string>,
  relationship: {
    councillor: 'Councillor',
    mp: 'Member of Parliament',
    relative: 'Family member or friend',
    advocate: 'Advocate or support worker',
    landlord: 'Landlord or housing officer',
    other: 'Someone else',
  } satisfies Record<ApplicantRelationship, string>,
  howReceived: {
    online_form: 'Online form',
    phone: 'Phone',
    email: 'Email',
    letter: 'Letter',
    in_person: 'In person',
    other: 'Another way',
  } satisfies Record<HowReceived, string>,
  decision: { met: 'Threshold met', not_met: 'Threshold not met' } satisfies Record<Decision, string>,
  responseMethod: {
    letter: 'Letter',
    email: 'Email',
    phone: 'Phone call',
    meeting: 'Meeting',
    other: 'Another way',
  } satisfies Record<ResponseMethod, string>,
  recommendationStatus: {
    open: 'Not started',
    in_progress: 'In progress',
    done: 'Done',
    not_done: 'Not done',
  } satisfies Record<RecommendationStatus, string>,
  recommendationTag: {
    open: 'govuk-tag--grey',
    in_progress: 'govuk-tag--blue',
    done: 'govuk-tag--green',
    not_done: 'govuk-tag--red',
  } satisfies Record<RecommendationStatus, string>,
  rule: {
    complaints: 'Complaints about anti-social behaviour in the window',
    hate: 'Hate-motivated incidents',
    community: 'Different people complaining about the same place',
  } satisfies Record<CaseReviewRule, string>,
  alertStatus: { open: 'Open', dismissed: 'Dismissed', application: 'Application recorded' },
  alertFilter: { open: 'Open alerts', dismissed: 'Dismissed', application: 'Application recorded', all: 'All alerts' } satisfies Record<
    AlertFilter,
    string
  >,
  alertEmpty: {
    open: 'There are no open alerts.',
    dismissed: 'No alerts have been dismissed.',
    application: 'No Case Review applications have been recorded from alerts.',
    all: 'There are no alerts.',
  } satisfies Record<AlertFilter, string>,
  reviewFilter: { open: 'Open', closed: 'Closed', all: 'All' } satisfies Record<ReviewFilter, string>,
  stage: {
    decision: 'Threshold decision',
    meeting: 'Review meeting',
    response: 'Response to the applicant',
    recommendations: 'Recommendations',
    closure: 'Close the review',
  } as Record<string, string>,
};
