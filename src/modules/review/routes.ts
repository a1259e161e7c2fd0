// Daily review pages: the queue (filters, a quick decision form per item), the full decision form in
// the National Decision Model's stages, the day's log (print view and CSV), and the tasking-out pages
// (acknowledge, dispute) and the disputes managers resolve.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../app.ts';
import type { Actor } from '../../platform/http/context.ts';
import { addNavigation, setFlash } from '../../platform/http/render.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, zodToFormErrors } from '../../platform/http/forms.ts';
import { csvText } from '../dashboard/tables.ts';
import { WRITERS } from '../people/routes.ts';
import { CATEGORY_NAMES, HOW_REPORTED_NAMES } from '../incidents/labels.ts';
import { londonDate } from '../incidents/london-time.ts';
import { TASK_PRIORITY_NAMES, TASK_STATUS_NAMES } from '../tasks/labels.ts';
import { DISPUTE_RESOLUTIONS, NDM_STAGES, NFA_REASONS, OUTCOME_NAMES, REASONS, REASON_KEYS, labels, type ReasonKey } from './labels.ts';
import { disputeForm, echo, parseDecision, parseFilters, parseResolution } from './fields.ts';
import * as service from './service.ts';

export const REVIEWERS = ['coordinator', 'manager'] as const;

const pageLabels = { ...labels, howReported: HOW_REPORTED_NAMES, categories: CATEGORY_NAMES, taskPriority: TASK_PRIORITY_NAMES, taskStatus: TASK_STATUS_NAMES };

/** Spreadsheet programs run cells starting with these; a quote keeps them text. */
const safe = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

function assigneeText(r: { task_user: string | null; task_team: string | null; task_organisation: string | null }) {
  return r.task_user ?? r.task_team ?? r.task_organisation ?? '';
}

export async function reviewRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const notify = { mailer: deps.mailer, baseUrl: deps.config.baseUrl };
  const reviewers = { config: { roles: [...REVIEWERS] } };
  const writers = { config: { roles: [...WRITERS] } };
  addNavigation({ text: 'Daily review', href: '/review', roles: [...REVIEWERS] });

  const idParam = (params: unknown, what: string) => {
    const id = (params as { id?: string }).id;
    if (!isUuid(id)) throw notFound(what);
    return id;
  };

  app.get('/review', reviewers, async (request, reply) => {
    const filters = parseFilters(request.query);
    const queue = await service.listQueue(db, request.actor!, filters);
    return reply.render('review/views/queue.njk', {
      pageTitle: 'Daily review',
      ...queue,
      filters,
      filtered: Object.values(filters).some(Boolean),
      labels: pageLabels,
      options: {
        area: queue.areas.map((a) => ({ value: a.id, text: a.name })),
        source: Object.entries(HOW_REPORTED_NAMES).map(([value, text]) => ({ value, text })),
        category: Object.entries(CATEGORY_NAMES).map(([value, text]) => ({ value, text })),
        flag: REASON_KEYS.map((value) => ({ value, text: REASONS[value] })),
      },
      nfaReasons: NFA_REASONS,
      today: londonDate(new Date()),
    });
  });

  const renderDecision = async (actor: Actor, reply: FastifyReply, id: string, values: Record<string, string>, errors = emptyErrors(), status = 200) => {
    const found = await service.decisionForm(db, actor, id);
    if (!found) throw notFound('incident');
    return reply.code(status).render('review/views/decide.njk', {
      pageTitle: `Review ${found.item.reference}`,
      ...found,
      values,
      errors,
      labels: pageLabels,
      ndmStages: NDM_STAGES,
      nfaReasons: NFA_REASONS,
      outcomes: OUTCOME_NAMES,
      backLink: '/review',
    });
  };

  app.get('/review/incidents/:id', reviewers, async (request, reply) => {
    const id = idParam(request.params, 'incident');
    return renderDecision(request.actor!, reply, id, { priority: 'urgent', due_time: '17:00', share_incident: 'yes' });
  });

  app.post('/review/incidents/:id', reviewers, async (request, reply) => {
    const id = idParam(request.params, 'incident');
    const actor = request.actor!;
    const known = await service.knownTargets(db, actor);
    const parsed = parseDecision(request.body, known, new Date());
    if ('errors' in parsed) return renderDecision(request.actor!, reply, id, echo(request.body), parsed.errors, 400);
    const result = await service.decide(db, actor, id, parsed.input);
    if (result.kind === 'not_found') throw notFound('incident');
    if (result.kind === 'not_holder' || result.kind === 'bad_assignee') {
      const errors = emptyErrors();
      if (result.kind === 'not_holder') addError(errors, 'outcome', 'Only the organisation that holds this incident can share it: ask them, or untick sharing');
      else addError(errors, 'assignee_kind', 'Select who the task is for');
      return renderDecision(request.actor!, reply, id, echo(request.body), errors, 400);
    }
    if (result.kind === 'already_decided') {
      setFlash(reply, 'Someone else decided on this incident first');
      return reply.redirect('/review');
    }
    setFlash(reply, `Decision recorded: ${OUTCOME_NAMES[parsed.input.outcome].toLowerCase()}`);
    return reply.redirect(formValue(request.body, 'return') === 'queue' || parsed.input.outcome === 'no_further_action' ? '/review' : `/review/log?date=${londonDate(new Date())}`);
  });

  const logDate = (query: unknown) => {
    const d = (query as Record<string, unknown> | undefined)?.date;
    if (typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d)) return d;
    return londonDate(new Date());
  };

  app.get('/review/log', reviewers, async (request, reply) => {
    const date = logDate(request.query);
    const rows = await service.dailyLog(db, request.actor!, date, 'html');
    const counts: Record<string, number> = {};
    for (const r of rows) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
    return reply.render('review/views/log.njk', { pageTitle: `Daily review log, ${date}`, date, rows, counts, outcomes: OUTCOME_NAMES, labels: pageLabels });
  });

  app.get('/review/log.csv', reviewers, async (request, reply) => {
    const date = logDate(request.query);
    const rows = await service.dailyLog(db, request.actor!, date, 'csv');
    const table = [
      ['Decided at', 'Incident', 'Decision', 'Why it was high in the queue', 'Decided by', 'Organisation', 'Reason or note', 'Shared with', 'Task for', 'Task priority', 'Task due', 'Task status', 'Acknowledged'],
      ...rows.map((r) => [
        r.decided_at.toISOString(),
        r.reference,
        OUTCOME_NAMES[r.outcome],
        r.reasons.map((k) => REASONS[k as ReasonKey] ?? k).join('; '),
        r.decided_by_name,
        r.organisation_name,
        [r.nfa_reason, r.note].filter(Boolean).join(' — '),
        r.share_organisation ?? r.share_team ?? r.share_user ?? '',
        assigneeText(r),
        r.task_priority ? TASK_PRIORITY_NAMES[r.task_priority] : '',
        r.task_due_at ? r.task_due_at.toISOString() : '',
        r.task_status ? TASK_STATUS_NAMES[r.task_status] : '',
        r.task_acknowledged_at ? r.task_acknowledged_at.toISOString() : '',
      ].map((c) => safe(String(c)))),
    ];
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="daily-review-${date}.csv"`)
      .send(csvText(table));
  });

  // ---- Tasks set out of a review ----

  app.get('/review/tasks/:id', writers, async (request, reply) => {
    const found = await service.taskingView(db, request.actor!, idParam(request.params, 'task'));
    if (!found) throw notFound('task');
    return reply.render('review/views/task.njk', { pageTitle: found.task.title, ...found, values: {}, labels: pageLabels });
  });

  app.post('/review/tasks/:id/acknowledge', writers, async (request, reply) => {
    const id = idParam(request.params, 'task');
    const result = await service.acknowledgeTask(db, request.actor!, id);
    if (result.kind === 'not_found') throw notFound('task');
    if (result.kind === 'forbidden') throw forbidden('Only whoever the task is for can acknowledge it.');
    setFlash(reply, result.kind === 'ok' ? 'You have acknowledged the task' : 'The task had already been acknowledged');
    return reply.redirect(`/review/tasks/${id}`);
  });

  app.post('/review/tasks/:id/dispute', writers, async (request, reply) => {
    const id = idParam(request.params, 'task');
    const actor = request.actor!;
    const parsed = disputeForm.safeParse(request.body ?? {});
    if (!parsed.success) {
      const found = await service.taskingView(db, actor, id);
      if (!found) throw notFound('task');
      return reply.code(400).render('review/views/task.njk', { pageTitle: found.task.title, ...found, values: { reason: formValue(request.body, 'reason').slice(0, 4000) }, errors: zodToFormErrors(parsed.error), labels: pageLabels });
    }
    const result = await service.disputeTask(db, notify, actor, id, parsed.data.reason);
    if (result.kind === 'not_found') throw notFound('task');
    if (result.kind === 'forbidden') throw forbidden('Only the organisation a task was set for can dispute it, while it is open.');
    if (result.kind === 'already') {
      setFlash(reply, 'This task is already disputed');
      return reply.redirect(`/review/tasks/${id}`);
    }
    setFlash(reply, 'The dispute has been sent to managers of both organisations');
    return reply.redirect(`/review/disputes/${result.id}`);
  });

  app.get('/review/disputes', writers, async (request, reply) => {
    const lists = await service.listDisputes(db, request.actor!);
    return reply.render('review/views/disputes.njk', { pageTitle: 'Disputed tasks', ...lists, resolves: service.resolvesDisputes(request.actor!), labels: pageLabels });
  });

  const renderDispute = async (actor: Actor, reply: FastifyReply, id: string, values: Record<string, string>, errors = emptyErrors(), status = 200) => {
    const found = await service.viewDispute(db, actor, id);
    if (!found) throw notFound('dispute');
    return reply.code(status).render('review/views/dispute.njk', { pageTitle: 'Disputed task', ...found, values, errors, resolutions: DISPUTE_RESOLUTIONS, labels: pageLabels, backLink: '/review/disputes' });
  };

  app.get('/review/disputes/:id', writers, async (request, reply) => renderDispute(request.actor!, reply, idParam(request.params, 'dispute'), {}));

  app.post('/review/disputes/:id/resolve', writers, async (request, reply) => {
    const id = idParam(request.params, 'dispute');
    const actor = request.actor!;
    const known = await service.knownTargets(db, actor);
    const parsed = parseResolution(request.body, known.organisationIds);
    const values = { resolution: formValue(request.body, 'resolution').slice(0, 50), resolution_note: formValue(request.body, 'resolution_note').slice(0, 4000), reassign_to: formValue(request.body, 'reassign_to').slice(0, 50) };
    if ('errors' in parsed) return renderDispute(actor, reply, id, values, parsed.errors, 400);
    const version = Number(formValue(request.body, 'version'));
    const result = await service.resolveDispute(db, actor, id, Number.isInteger(version) ? version : -1, parsed.input);
    if (result.kind === 'not_found') throw notFound('dispute');
    if (result.kind === 'forbidden') throw forbidden('Only managers of the two organisations can resolve this dispute.');
    if (result.kind === 'bad_organisation') {
      const errors = addError(emptyErrors(), 'reassign_to', 'Select another organisation of the partnership');
      return renderDispute(actor, reply, id, values, errors, 400);
    }
    setFlash(reply, result.kind === 'ok' ? 'The dispute has been resolved' : 'Someone resolved this dispute first');
    return reply.redirect(`/review/disputes/${id}`);
  });
}
