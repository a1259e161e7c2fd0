// Supervision pages, for managers only: the officers they line-manage (or everyone in their
// organisation) with their caseloads; one officer's cases or tasks; reassigning a case or a task with
// a reason; supervision notes on a case.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../app.ts';
import type { Role } from '../../platform/db/schema.ts';
import { addNavigation, setFlash } from '../../platform/http/render.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, type FormErrors } from '../../platform/http/forms.ts';
import { labels as caseLabels } from '../cases/http.ts';
import { labels as taskLabels } from '../tasks/labels.ts';
import { parseNote, parseReassign } from './fields.ts';
import * as service from './service.ts';

const MANAGER_ROLES: Role[] = ['manager'];
const MANAGERS = { config: { roles: MANAGER_ROLES } };

export const SHOW_NAMES: Record<service.Show, string> = {
  open: 'Open cases',
  past_review: 'Past review date',
  rising_risk: 'Rising risk',
  overdue_tasks: 'Overdue tasks',
  open_tasks: 'Open tasks',
};

function idParam(params: unknown, key: string, what: string): string {
  const v = (params as Record<string, unknown> | undefined)?.[key];
  if (!isUuid(v)) throw notFound(what);
  return v.toLowerCase();
}

function versionOf(body: unknown): number {
  const v = formValue(body, 'version');
  return /^\d{1,9}$/.test(v) ? Number(v) : -1;
}

const pick = <T extends string>(v: unknown, allowed: readonly T[], fallback: T): T =>
  typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;

/** Turns a service refusal into the HTTP answer; returns the value otherwise. */
function unwrap<R extends service.Result<unknown>>(r: R, what: string): Extract<R, { kind: 'ok' }>['value'] {
  if (r.kind === 'not_found') throw notFound(what);
  if (r.kind === 'forbidden') throw forbidden(r.message);
  if (r.kind === 'invalid') throw new Error(`unexpected validation result for ${what}`);
  return (r as Extract<R, { kind: 'ok' }>).value;
}

const conflictErrors = (what: string) =>
  addError(
    emptyErrors(),
    'conflict',
    `Someone else changed this ${what} while you were working on it. Your choices are still below: check what is saved now, then save again.`,
  );

export async function supervisionRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  addNavigation({ text: 'Supervision', href: '/supervision', roles: MANAGER_ROLES });

  app.get('/supervision', MANAGERS, async (request, reply) => {
    const scope = pick(formValue(request.query, 'scope'), service.SCOPES, 'mine');
    const { rows } = unwrap(await service.overview(db, request.actor!, scope), 'page');
    return reply.render('supervision/views/index.njk', {
      pageTitle: 'Supervision',
      scope,
      rows,
      scopes: [
        { text: 'Officers I line-manage', href: '/supervision', active: scope === 'mine' },
        { text: `Everyone in ${request.actor!.organisationName}`, href: '/supervision?scope=organisation', active: scope === 'organisation' },
      ],
    });
  });

  app.get('/supervision/officers/:userId', MANAGERS, async (request, reply) => {
    const officerId = idParam(request.params, 'userId', 'officer');
    const show = pick(formValue(request.query, 'show'), service.SHOWS, 'open');
    const found = unwrap(await service.officerPage(db, request.actor!, officerId, show), 'officer');
    const tabs = service.SHOWS.map((s) => ({
      text: SHOW_NAMES[s],
      href: `/supervision/officers/${officerId}${s === 'open' ? '' : `?show=${s}`}`,
      active: s === show,
    }));
    return reply.render('supervision/views/officer.njk', {
      pageTitle: `${SHOW_NAMES[show]}: ${found.officer.display_name}`,
      ...found,
      show,
      showName: SHOW_NAMES[show],
      tabs,
      caseLabels,
      taskLabels,
      backLink: '/supervision',
    });
  });

  // --- reassigning a case --------------------------------------------------------------------------

  const caseForm = async (
    reply: FastifyReply,
    id: string,
    values: Record<string, string>,
    errors?: FormErrors,
    status = 200,
    conflict?: { version: number },
  ) => {
    const found = unwrap(await service.caseReassignForm(db, reply.request.actor!, id), 'case');
    return reply.code(status).render('supervision/views/reassign.njk', {
      pageTitle: `Reassign ${found.case.reference}`,
      kind: 'case',
      action: `/supervision/cases/${id}/reassign`,
      record: { reference: found.case.reference, title: found.case.title, holder: found.case.lead_name, href: `/cases/${id}` },
      officers: found.officers.filter((o) => o.id !== found.case.lead_officer_id),
      history: found.history,
      tasks: found.tasks,
      submitted: Object.keys(values).length > 0,
      version: conflict?.version ?? found.case.version,
      values,
      errors,
      backLink: `/cases/${id}`,
    });
  };

  app.get('/supervision/cases/:id/reassign', MANAGERS, async (request, reply) =>
    caseForm(reply, idParam(request.params, 'id', 'case'), {}),
  );

  // --- reassigning a task --------------------------------------------------------------------------

  const taskForm = async (
    reply: FastifyReply,
    id: string,
    values: Record<string, string>,
    errors?: FormErrors,
    status = 200,
    conflict?: { version: number },
  ) => {
    const found = unwrap(await service.taskReassignForm(db, reply.request.actor!, id), 'task');
    const t = found.task;
    return reply.code(status).render('supervision/views/reassign.njk', {
      pageTitle: `Reassign task: ${t.title}`,
      kind: 'task',
      action: `/supervision/tasks/${id}/reassign`,
      record: { reference: t.case_reference, title: t.title, holder: t.assigned_name, href: `/tasks/${id}` },
      officers: found.officers.filter((o) => o.id !== t.assigned_user_id),
      history: found.history,
      version: conflict?.version ?? t.version,
      values,
      errors,
      backLink: `/tasks/${id}`,
    });
  };

  app.get('/supervision/tasks/:id/reassign', MANAGERS, async (request, reply) =>
    taskForm(reply, idParam(request.params, 'id', 'task'), {}),
  );

  // One handler for both: read the reason and the new officer, reassign, or show the form again with
  // what was typed (a conflict with someone else's change gives the current version to resubmit).
  const reassignPost = (
    kind: 'case' | 'task',
    form: typeof caseForm,
    reassign: typeof service.reassignCase | typeof service.reassignTask,
  ) =>
    app.post(`/supervision/${kind}s/:id/reassign`, MANAGERS, async (request, reply) => {
      const id = idParam(request.params, 'id', kind);
      const { fields, errors, values } = parseReassign(request.body);
      const version = versionOf(request.body);
      if (!fields) return form(reply, id, values, errors, 400, { version });
      const result = await reassign(db, request.actor!, id, version, fields);
      if (result.kind === 'invalid') return form(reply, id, values, addError(emptyErrors(), result.field, result.message), 400, { version });
      if (result.kind === 'conflict') return form(reply, id, values, conflictErrors(kind), 409, { version: result.current.version });
      unwrap(result, kind);
      setFlash(reply, `The ${kind} has been reassigned`);
      return reply.redirect(`/${kind}s/${id}`);
    });
  reassignPost('case', caseForm, service.reassignCase);
  reassignPost('task', taskForm, service.reassignTask);

  // --- supervision notes ---------------------------------------------------------------------------

  const notesPage = async (
    reply: FastifyReply,
    id: string,
    values: Record<string, string>,
    errors?: FormErrors,
    status = 200,
    conflict?: { version: number },
  ) => {
    const found = unwrap(await service.caseNotes(db, reply.request.actor!, id), 'case');
    return reply.code(status).render('supervision/views/notes.njk', {
      pageTitle: `Supervision of ${found.case.reference}`,
      ...found,
      caseLabels,
      version: conflict?.version ?? found.case.version,
      values,
      errors,
      backLink: `/cases/${id}`,
    });
  };

  app.get('/supervision/cases/:id', MANAGERS, async (request, reply) =>
    notesPage(reply, idParam(request.params, 'id', 'case'), {}),
  );

  app.post('/supervision/cases/:id', MANAGERS, async (request, reply) => {
    const id = idParam(request.params, 'id', 'case');
    const { fields, errors, values } = parseNote(request.body);
    const version = versionOf(request.body);
    if (!fields) return notesPage(reply, id, values, errors, 400, { version });
    const result = await service.addNote(db, request.actor!, id, version, fields);
    if (result.kind === 'conflict') return notesPage(reply, id, values, conflictErrors('case'), 409, { version: result.current.version });
    if (result.kind !== 'created') unwrap(result, 'case');
    setFlash(reply, fields.next_review_date ? 'The supervision note has been added and the review date set' : 'The supervision note has been added');
    return reply.redirect(`/supervision/cases/${id}`);
  });
}
