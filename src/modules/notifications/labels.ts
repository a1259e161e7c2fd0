// The kinds of notification, in the order the preferences page lists them, with what each is called
// there. Titles are neutral on purpose: they go by email, so they name no person, place or record.
import type { NotificationDelivery, NotificationKind } from '../../platform/db/schema.ts';

export const KINDS: readonly NotificationKind[] = [
  'task_assigned',
  'task_escalated',
  'task_disputed',
  'task_dispute_resolved',
  'access_request_received',
  'access_request_answered',
  'referral_received',
  'referral_updated',
  'case_review_alert',
];

export const KIND_NAMES: Record<NotificationKind, string> = {
  task_assigned: 'A task is set for you, your team or your organisation',
  task_escalated: 'A task is overdue and escalated to you',
  task_disputed: 'A task is disputed',
  task_dispute_resolved: 'A dispute about a task is resolved',
  access_request_received: 'Someone asks to see a record your organisation holds',
  access_request_answered: 'Your request to see a record is answered',
  referral_received: 'A referral is sent to you',
  referral_updated: 'A referral you are part of is updated',
  case_review_alert: 'A Case Review threshold is met',
};

export const DELIVERIES: readonly NotificationDelivery[] = ['email', 'digest', 'in_app'];

export const DELIVERY_NAMES: Record<NotificationDelivery, string> = {
  email: 'Email me straight away',
  digest: 'Include in my daily email',
  in_app: 'Only show in Endeavour',
};
