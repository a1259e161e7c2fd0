// The stages of a Case Review and their deadlines: application → threshold decision → (if met) review
// meeting and recommendations → response to the applicant → closure, with the applicant's right to
// escalate at the end. Pure functions, so the rules can be read and tested on their own.
import { addWorkingDays } from './working-days.ts';
import type { CaseReviewSettings } from './settings.ts';
import type { Decision, RecommendationStatus } from './labels.ts';

export type Stage = 'decision' | 'meeting' | 'recommendations' | 'response' | 'closure';

export interface ReviewState {
  status: 'open' | 'closed';
  received_on: string;
  decision: Decision | null;
  decided_on: string | null;
  decision_due_on: string;
  meeting_on: string | null;
  meeting_due_on: string | null;
  response_on: string | null;
  response_due_on: string | null;
  escalation_requested_on: string | null;
  escalation_outcome_on: string | null;
  closed_on: string | null;
}

export interface RecommendationState {
  status: RecommendationStatus;
  due_on: string;
}

type Timescales = Pick<CaseReviewSettings, 'decision_working_days' | 'meeting_working_days' | 'response_working_days'>;

export function decisionDue(receivedOn: string, t: Timescales): string {
  return addWorkingDays(receivedOn, t.decision_working_days);
}

/**
 * What a threshold decision makes due: the meeting when the threshold is met (the applicant is told
 * after it), or the response to the applicant straight away when it is not.
 */
export function dueAfterDecision(decision: Decision, decidedOn: string, t: Timescales) {
  return decision === 'met'
    ? { meeting_due_on: addWorkingDays(decidedOn, t.meeting_working_days), response_due_on: null }
    : { meeting_due_on: null, response_due_on: addWorkingDays(decidedOn, t.response_working_days) };
}

export function responseDueAfterMeeting(meetingOn: string, t: Timescales): string {
  return addWorkingDays(meetingOn, t.response_working_days);
}

const outstanding = (recs: RecommendationState[]) => recs.filter((x) => x.status === 'open' || x.status === 'in_progress');

/** The next thing due on an open review and when (null when nothing has a deadline). */
export function nextDue(r: ReviewState, recs: RecommendationState[]): { on: string | null; stage: Stage | null } {
  if (r.status === 'closed') return { on: null, stage: null };
  if (!r.decision) return { on: r.decision_due_on, stage: 'decision' };
  if (r.decision === 'met' && !r.meeting_on) return { on: r.meeting_due_on, stage: 'meeting' };
  if (!r.response_on) return { on: r.response_due_on, stage: 'response' };
  const open = outstanding(recs)
    .map((x) => x.due_on)
    .sort();
  if (open.length) return { on: open[0]!, stage: 'recommendations' };
  return { on: null, stage: 'closure' };
}

/** What may be recorded now. */
export function allowed(r: ReviewState) {
  const open = r.status === 'open';
  return {
    application: open,
    // A decision is final once the meeting or the response has followed from it.
    decision: open && !r.meeting_on && !r.response_on,
    meeting: open && r.decision === 'met',
    recommendations: open && r.decision === 'met' && !!r.meeting_on,
    response: open && !!r.decision && (r.decision === 'not_met' || !!r.meeting_on),
    // The applicant may ask for the handling to be reviewed after they have been told the outcome,
    // including after the review is closed.
    escalation: !!r.response_on,
    closure: open && !!r.response_on,
  };
}

export type TaskState = 'completed' | 'due' | 'overdue' | 'in_progress' | 'cannot_start' | 'not_needed' | 'optional';

export interface Task {
  key: 'application' | 'decision' | 'meeting' | 'recommendations' | 'response' | 'escalation' | 'closure';
  state: TaskState;
  /** The deadline or completion date shown beside the task. */
  date: string | null;
  count?: { total: number; outstanding: number };
}

function timed(done: string | null, due: string | null, today: string): Pick<Task, 'state' | 'date'> {
  if (done) return { state: 'completed', date: done };
  if (!due) return { state: 'cannot_start', date: null };
  return { state: due < today ? 'overdue' : 'due', date: due };
}

/** Every stage of the review with its state, for the review's task list. */
export function tasks(r: ReviewState, recs: RecommendationState[], today: string): Task[] {
  const notMet = r.decision === 'not_met';
  const out = outstanding(recs);
  const recTask: Task = notMet
    ? { key: 'recommendations', state: 'not_needed', date: null }
    : !r.meeting_on
      ? { key: 'recommendations', state: 'cannot_start', date: null }
      : {
          key: 'recommendations',
          state: !recs.length ? 'due' : out.length ? (out.some((x) => x.due_on < today) ? 'overdue' : 'in_progress') : 'completed',
          date: out.map((x) => x.due_on).sort()[0] ?? null,
          count: { total: recs.length, outstanding: out.length },
        };
  const canRespond = !!r.decision && (notMet || !!r.meeting_on);
  return [
    { key: 'application', state: 'completed', date: r.received_on },
    { key: 'decision', ...timed(r.decided_on, r.decision_due_on, today) },
    notMet
      ? { key: 'meeting', state: 'not_needed', date: null }
      : { key: 'meeting', ...timed(r.meeting_on, r.decision ? r.meeting_due_on : null, today) },
    recTask,
    { key: 'response', ...timed(r.response_on, canRespond ? r.response_due_on : null, today) },
    r.escalation_outcome_on
      ? { key: 'escalation', state: 'completed', date: r.escalation_outcome_on }
      : r.escalation_requested_on
        ? { key: 'escalation', state: 'in_progress', date: r.escalation_requested_on }
        : { key: 'escalation', state: r.response_on ? 'optional' : 'cannot_start', date: null },
    r.status === 'closed'
      ? { key: 'closure', state: 'completed', date: r.closed_on }
      : { key: 'closure', state: r.response_on ? 'due' : 'cannot_start', date: null },
  ];
}
