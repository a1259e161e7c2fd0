// The words shown for the codes tasks store, and the choices their forms offer.
export const TASK_STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_STATUS_NAMES: Record<TaskStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  done: 'Done',
  cancelled: 'Cancelled',
};
export const TASK_STATUS_TAGS: Record<TaskStatus, string> = {
  open: 'govuk-tag--blue',
  in_progress: 'govuk-tag--light-blue',
  done: 'govuk-tag--green',
  cancelled: 'govuk-tag--grey',
};

export const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export const TASK_PRIORITY_NAMES: Record<TaskPriority, string> = {
  low: 'Low',
  normal: 'Normal',
  high: 'High',
  urgent: 'Urgent',
};
export const TASK_PRIORITY_TAGS: Record<TaskPriority, string> = {
  low: 'govuk-tag--grey',
  normal: 'govuk-tag--blue',
  high: 'govuk-tag--orange',
  urgent: 'govuk-tag--red',
};

export const ASSIGNEE_KINDS = ['user', 'team', 'organisation'] as const;
export type AssigneeKind = (typeof ASSIGNEE_KINDS)[number];

export const LISTS = ['mine', 'team', 'set'] as const;
export type TaskList = (typeof LISTS)[number];
export const LIST_NAMES: Record<TaskList, string> = {
  mine: 'My tasks',
  team: 'My team’s tasks',
  set: 'Set by my organisation',
};
export const LIST_PATHS: Record<TaskList, string> = {
  mine: '/tasks',
  team: '/tasks/team',
  set: '/tasks/set',
};

export const SHOW = ['open', 'done', 'cancelled', 'all'] as const;
export type TaskShow = (typeof SHOW)[number];
export const SHOW_NAMES: Record<TaskShow, string> = {
  open: 'Open and in progress',
  done: 'Done',
  cancelled: 'Cancelled',
  all: 'All',
};

export const labels = {
  status: TASK_STATUS_NAMES,
  statusTag: TASK_STATUS_TAGS,
  priority: TASK_PRIORITY_NAMES,
  priorityTag: TASK_PRIORITY_TAGS,
  list: LIST_NAMES,
  show: SHOW_NAMES,
};
