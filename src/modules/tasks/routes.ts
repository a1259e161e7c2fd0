// Task pages: my tasks, my team's tasks, tasks my organisation set, setting a task on a case or an
// incident, the task page, changing it, moving its status on, and a manager's view of caseloads.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../app.ts';
import type { Role } from '../../platform/db/schema.ts';
import { addNavigation, setFlash } from '../../platform/http/render.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, type FormErrors } from '../../platform/http/forms.ts';
import { echo, parseStatusForm, parseTaskForm, valuesFromTask } from './fields.ts';
import {
  LISTS,
  LIST_NAMES,
  LIST_PATHS,
  SHOW,
  TASK_PRIORITIES,
  labels,
  type TaskList,
  type TaskShow,
} from './labels.ts';
import * as service from './service.ts';

const WRITERS = { config: { roles: ['case_officer', 'coordinator', 'manager', 'partner_user'] as Role[] } };
const MANAGERS = { config: { roles: ['manager'] as Role[] } };

function idParam(params: unknown, key = 'id', what = 'task'): string {
  const v = (params as Record<string, unknown> | undefined)?.[key];
  if (!isUuid(v)) throw notFound(what);
  return v.toLowerCase();
}

function versionOf(body: unknown): number {
  const v = formValue(body, 'version');
  return /^\d{1,9}$/.test(v) ? Number(v) : -1;
}

const uuidOrNull = (v: unknown) => (isUuid(v) ? v.toLowerCase() : null);

export async function taskRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  addNavigation({ text: 'Tasks', href: '/tasks' });

  const tabs = (current: string, isManager: boolean) => {
    const items = LISTS.map((l) => ({ text: LIST_NAMES[l], href: LIST_PATHS[l], active: current === l }));
    if (isManager)
      items.push({ text: 'Caseloads', href: '/tasks/caseloads', active: current === 'caseloads' });
    return items;
  };

  // --- lists ----------------------------------------------------------------------------------------

  for (const list of LISTS) {
    app.get(LIST_PATHS[list], async (request, reply) => {
      const q = request.query as Record<string, unknown>;
      const show: TaskShow =
        typeof q.show === 'string' && (SHOW as readonly string[]).includes(q.show)
          ? (q.show as TaskShow)
          : 'open';
      const n = Number.parseInt(String(q.page ?? '1'), 10);
      const page = Number.isInteger(n) ? Math.min(Math.max(n, 1), 10_000) : 1;
      const result = await service.listTasks(db, request.actor!, list as TaskList, show, page);
      const counts = list === 'mine' ? await service.myOpenTaskCount(db, request.actor!) : null;
      const href = (p: number) => `${LIST_PATHS[list]}?show=${show}&page=${p}`;
      return reply.render('tasks/views/list.njk', {
        pageTitle: LIST_NAMES[list],
        labels,
        list,
        show,
        shows: SHOW,
        path: LIST_PATHS[list],
        tabs: tabs(list, request.actor!.roles.includes('manager')),
        ...result,
        counts,
        previousHref: page > 1 ? href(page - 1) : null,
        nextHref: result.hasMore ? href(page + 1) : null,
      });
    });
  }

  // --- set a task -----------------------------------------------------------------------------------

  const formPage = async (
    reply: FastifyReply,
    on: { caseId: string | null; incidentId: string | null },
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) => {
    const form = await service.newTaskForm(db, reply.request.actor!, on);
    if (!form) throw notFound(on.caseId ? 'case' : 'incident');
    const back = form.case
      ? `/cases/${form.case.id}/tasks`
      : form.incident
        ? `/incidents/${form.incident.id}`
        : '/tasks';
    return reply.code(errors ? 400 : 200).render('tasks/views/form.njk', {
      pageTitle: 'Set a task',
      action: '/tasks',
      creating: true,
      labels,
      priorities: TASK_PRIORITIES,
      ...form,
      values,
      errors,
      backLink: back,
    });
  };

  app.get('/tasks/new', WRITERS, async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const on = { caseId: uuidOrNull(q.case), incidentId: uuidOrNull(q.incident) };
    return formPage(reply, on, {
      assignee_kind: 'user',
      assigned_user: request.actor!.userId,
      priority: 'normal',
    });
  });

  app.post('/tasks', WRITERS, async (request, reply) => {
    const on = {
      caseId: uuidOrNull(formValue(request.body, 'case')),
      incidentId: uuidOrNull(formValue(request.body, 'incident')),
    };
    const form = await service.newTaskForm(db, request.actor!, on);
    if (!form) throw notFound(on.caseId ? 'case' : 'incident');
    const { fields, errors, values } = parseTaskForm(request.body, form.options.ids);
    if (!fields) return formPage(reply, on, values, errors);
    const id = await service.createTaskFromForm(db, request.actor!, on, fields);
    setFlash(reply, 'The task has been set');
    return reply.redirect(`/tasks/${id}`);
  });

  // --- caseloads (before /tasks/:id so the words are not read as an id) -----------------------------

  app.get('/tasks/caseloads', MANAGERS, async (request, reply) => {
    const result = await service.caseloads(db, request.actor!);
    return reply.render('tasks/views/caseloads.njk', {
      pageTitle: 'Caseloads',
      tabs: tabs('caseloads', true),
      ...result,
    });
  });

  app.get('/tasks/caseloads/:userId', MANAGERS, async (request, reply) => {
    const result = await service.caseload(db, request.actor!, idParam(request.params, 'userId', 'officer'));
    if (!result) throw notFound('officer');
    return reply.render('tasks/views/caseload.njk', {
      pageTitle: `Caseload: ${result.officer.display_name}`,
      labels,
      ...result,
      backLink: '/tasks/caseloads',
    });
  });

  // --- one task -------------------------------------------------------------------------------------

  app.get('/tasks/:id', async (request, reply) => {
    const found = await service.viewTask(db, request.actor!, idParam(request.params));
    if (!found) throw notFound('task');
    const canWrite = request.actor!.roles.some((r) => WRITERS.config.roles.includes(r));
    return reply.render('tasks/views/show.njk', {
      pageTitle: found.task.title,
      labels,
      ...found,
      canWrite,
      backLink: '/tasks',
    });
  });

  app.get('/tasks/:id/edit', WRITERS, async (request, reply) => {
    const id = idParam(request.params);
    const found = await service.viewTask(db, request.actor!, id, 'edit');
    if (!found) throw notFound('task');
    if (!found.access.edit || !found.options)
      throw forbidden('Only the organisation that set this task can change it. You can update its status.');
    return reply.render('tasks/views/form.njk', {
      pageTitle: 'Change task',
      action: `/tasks/${id}/edit`,
      labels,
      priorities: TASK_PRIORITIES,
      options: found.options,
      task: found.task,
      values: valuesFromTask(found.task),
      version: found.task.version,
      backLink: `/tasks/${id}`,
    });
  });

  app.post('/tasks/:id/edit', WRITERS, async (request, reply) => {
    const id = idParam(request.params);
    const actor = request.actor!;
    const version = versionOf(request.body);
    const found = await service.viewTask(db, actor, id, 'edit');
    if (!found) throw notFound('task');
    if (!found.access.edit || !found.options)
      throw forbidden('Only the organisation that set this task can change it. You can update its status.');
    const { fields, errors, values } = parseTaskForm(request.body, found.options.ids, found.task.due_date);
    const ctx = {
      pageTitle: 'Change task',
      action: `/tasks/${id}/edit`,
      labels,
      priorities: TASK_PRIORITIES,
      options: found.options,
      task: found.task,
      values,
      version,
      backLink: `/tasks/${id}`,
    };
    if (!fields) return reply.code(400).render('tasks/views/form.njk', { ...ctx, errors });
    const result = await service.updateTask(db, actor, id, version, fields);
    if (result.kind === 'not_found') throw notFound('task');
    if (result.kind === 'forbidden') throw forbidden();
    if (result.kind === 'conflict') {
      const t = found.options.targets;
      const assignee =
        t.users.find((u) => u.id === fields.assigned_user_id)?.display_name ??
        t.teams.find((x) => x.id === fields.assigned_team_id)?.name ??
        t.organisations.find((o) => o.id === fields.assigned_organisation_id)?.name;
      return reply.code(409).render('tasks/views/conflict.njk', {
        ...ctx,
        pageTitle: 'Someone else changed this task',
        current: result.current,
        yours: { ...fields, assignee },
        version: result.current.version,
      });
    }
    setFlash(reply, 'The task has been changed');
    return reply.redirect(`/tasks/${id}`);
  });

  // --- status ---------------------------------------------------------------------------------------

  const statusPage = (
    reply: FastifyReply,
    found: NonNullable<Awaited<ReturnType<typeof service.viewTask>>>,
    context: Record<string, unknown>,
    status = 200,
  ) =>
    reply.code(status).render('tasks/views/status.njk', {
      pageTitle: 'Update task status',
      labels,
      ...found,
      version: found.task.version,
      values: {},
      backLink: `/tasks/${found.task.id}`,
      ...context,
    });

  app.get('/tasks/:id/status', WRITERS, async (request, reply) => {
    const found = await service.viewTask(db, request.actor!, idParam(request.params), 'status');
    if (!found) throw notFound('task');
    if (!found.access.status || !found.next.length) throw forbidden('You cannot change this task’s status.');
    const to = formValue(request.query, 'to');
    return statusPage(reply, found, { values: found.next.includes(to as never) ? { status: to } : {} });
  });

  app.post('/tasks/:id/status', WRITERS, async (request, reply) => {
    const id = idParam(request.params);
    const actor = request.actor!;
    const version = versionOf(request.body);
    const found = await service.viewTask(db, actor, id, 'status');
    if (!found) throw notFound('task');
    if (!found.access.status) throw forbidden('You cannot change this task’s status.');
    const conflict = (current: typeof found, values: Record<string, unknown>) =>
      statusPage(
        reply,
        current,
        {
          values,
          conflict: true,
          errors: addError(
            emptyErrors(),
            'conflict',
            'Someone else changed this task while you were working on it. Your choices are still below: check what is saved now, then save again.',
          ),
        },
        409,
      );
    if (found.task.version !== version) return conflict(found, echo(request.body));
    if (!found.next.length) throw forbidden('You cannot change this task’s status.');
    const { fields, errors, values } = parseStatusForm(request.body, found.next, found.task.status);
    if (!fields) return statusPage(reply, found, { values, errors }, 400);
    const result = await service.changeStatus(db, actor, id, version, fields);
    if (result.kind === 'not_found') throw notFound('task');
    if (result.kind === 'forbidden') throw forbidden('You cannot change this task’s status.');
    if (result.kind === 'conflict') {
      const again = await service.viewTask(db, actor, id, 'status');
      if (!again) throw notFound('task');
      return conflict(again, values);
    }
    setFlash(
      reply,
      fields.status === 'done'
        ? 'The task is done'
        : `The task is now ${labels.status[fields.status].toLowerCase()}`,
    );
    return reply.redirect(`/tasks/${id}`);
  });
}
