// The task forms' fields and their validation. Every parser accepts any body (strings, arrays,
// nothing) and returns clean values or GOV.UK errors in page order, plus what was typed.
import { z } from 'zod';
import { choice, dateInput, isUuid, optionalText, requiredText } from '../../platform/http/fields.ts';
import {
  addError,
  emptyErrors,
  formValue,
  zodToFormErrors,
  type FormErrors,
} from '../../platform/http/forms.ts';
import { ASSIGNEE_KINDS, TASK_PRIORITIES, type TaskStatus } from './labels.ts';
import type { TaskFields } from './repository.ts';

export function echo(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object') return out;
  for (const k of Object.keys(body as Record<string, unknown>))
    if (k !== '_csrf') out[k] = formValue(body, k).slice(0, 5000);
  return out;
}

function sortErrors(errors: FormErrors, order: string[]) {
  const pos = (href: string) => {
    const i = order.indexOf(href.slice(1));
    return i === -1 ? order.length : i;
  };
  errors.list.sort((a, b) => pos(a.href) - pos(b.href));
  return errors;
}

export interface AssigneeOptions {
  userIds: string[];
  teamIds: string[];
  organisationIds: string[];
}

const taskSchema = z.object({
  title: requiredText('Enter what needs doing', 200, 'What needs doing must be 200 characters or fewer'),
  details: optionalText(4000, 'Details must be 4,000 characters or fewer'),
  assignee_kind: choice(ASSIGNEE_KINDS, 'Select who the task is for'),
  priority: choice(TASK_PRIORITIES, 'Select the task’s priority'),
});

const ORDER = [
  'title',
  'details',
  'assignee_kind',
  'assigned_user',
  'assigned_team',
  'assigned_organisation',
  'due_date',
  'priority',
];

/** The task form, for setting a task and for changing one (`currentDueDate`: a saved date left alone is never an error). */
export function parseTaskForm(body: unknown, options: AssigneeOptions, currentDueDate: string | null = null) {
  const parsed = taskSchema.safeParse(body ?? {});
  const errors = parsed.success ? emptyErrors() : zodToFormErrors(parsed.error);
  let assignee: { kind: 'user' | 'team' | 'organisation'; id: string } | null = null;
  const kindRaw = formValue(body, 'assignee_kind').trim();
  if ((ASSIGNEE_KINDS as readonly string[]).includes(kindRaw)) {
    const kind = kindRaw as (typeof ASSIGNEE_KINDS)[number];
    const id = formValue(body, `assigned_${kind}`).trim().toLowerCase();
    const allowed =
      kind === 'user' ? options.userIds : kind === 'team' ? options.teamIds : options.organisationIds;
    if (!isUuid(id) || !allowed.includes(id))
      addError(
        errors,
        `assigned_${kind}`,
        kind === 'user' ? 'Select the person to give the task to' : `Select the ${kind} to give the task to`,
      );
    else assignee = { kind, id };
  }
  const due = dateInput(body, 'due_date', 'the due date', { required: true });
  let dueDate: string | null = null;
  if ('error' in due && due.error) addError(errors, 'due_date', due.error);
  else if ('value' in due && due.value) {
    dueDate = due.value;
    if (dueDate !== currentDueDate && dueDate < new Date().toISOString().slice(0, 10))
      addError(errors, 'due_date', 'The due date must be today or in the future');
  }
  const values = echo(body);
  if (!parsed.success || !assignee || errors.list.length)
    return { fields: null, errors: sortErrors(errors, ORDER), values };
  const fields: TaskFields = {
    title: parsed.data.title,
    details: parsed.data.details,
    assigned_user_id: assignee.kind === 'user' ? assignee.id : null,
    assigned_team_id: assignee.kind === 'team' ? assignee.id : null,
    assigned_organisation_id: assignee.kind === 'organisation' ? assignee.id : null,
    due_date: dueDate,
    priority: parsed.data.priority,
  };
  return { fields, errors, values };
}

export function valuesFromTask(t: TaskFields) {
  const [y, m, d] = (t.due_date ?? '').split('-');
  const kind = t.assigned_user_id ? 'user' : t.assigned_team_id ? 'team' : 'organisation';
  return {
    title: t.title,
    details: t.details ?? '',
    assignee_kind: kind,
    assigned_user: t.assigned_user_id ?? '',
    assigned_team: t.assigned_team_id ?? '',
    assigned_organisation: t.assigned_organisation_id ?? '',
    'due_date-day': d ? String(Number(d)) : '',
    'due_date-month': m ? String(Number(m)) : '',
    'due_date-year': y ?? '',
    priority: t.priority,
  };
}

// --- status -------------------------------------------------------------------------------------

const statusSchema = z.object({
  status: choice(['open', 'in_progress', 'done', 'cancelled'] as const, 'Select the task’s new status'),
  completion_notes: optionalText(4000, 'Completion notes must be 4,000 characters or fewer'),
});

export function parseStatusForm(body: unknown, allowed: TaskStatus[], current: TaskStatus) {
  const parsed = statusSchema.safeParse(body ?? {});
  const errors = parsed.success ? emptyErrors() : zodToFormErrors(parsed.error);
  if (parsed.success) {
    const d = parsed.data;
    if (d.status === current)
      addError(errors, 'status', 'Select a different status from the one the task has now');
    else if (!allowed.includes(d.status)) addError(errors, 'status', 'Select one of the statuses shown');
    if (d.status === 'done' && !d.completion_notes)
      addError(
        errors,
        'completion_notes',
        'Enter what was done: completion notes are needed to mark a task done',
      );
    if (d.status === 'cancelled' && !d.completion_notes)
      addError(errors, 'completion_notes', 'Enter why the task is cancelled');
  }
  const values = echo(body);
  if (!parsed.success || errors.list.length)
    return { fields: null, errors: sortErrors(errors, ['status', 'completion_notes']), values };
  return { fields: parsed.data, errors, values };
}
