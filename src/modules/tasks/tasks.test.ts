// Tasks: set on a case or an incident for a user, team or organisation; seen by whoever set them and
// whoever they are for (and nobody else); moved on by the assignee without seeing the case; overdue
// first; changed with conflict detection; a manager's caseload view; all audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sql } from 'kysely';
import {
  createTestApp,
  signIn,
  userId,
  auditRows,
  type TestContext,
  type Browser,
} from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { createTask } from './service.ts';
import {
  dateFields,
  idFromLocation,
  isoDaysFromToday,
  personOf,
  recordIncident,
} from '../cases/test-support.ts';

let ctx: TestContext;
let officer: Browser; // Charnwood Borough Council
let manager: Browser; // Charnwood Borough Council, manager
let police: Browser; // Leicestershire Police
let fire: Browser; // Leicestershire Fire and Rescue Service, partner user
let caseId: string;
let caseRef: string;
let incident: { id: string; reference: string };
let policeTaskId: string;

const actorOf = async (email: string) => {
  const u = await userId(ctx, email);
  return {
    userId: u.id,
    organisationId: u.organisation_id,
    partnershipId: ctx.demo.partnershipId,
    ip: '127.0.0.1',
  };
};

async function version(id: string) {
  const r = await ctx.database.db
    .selectFrom('tasks')
    .select('version')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return String(r.version);
}

before(async () => {
  ctx = await createTestApp();
  officer = await signIn(ctx, 'officer@endeavour.demo');
  manager = await signIn(ctx, 'manager@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
  fire = await signIn(ctx, 'fire@endeavour.demo');
  const victim = await personOf(ctx, 'officer@endeavour.demo');
  incident = await recordIncident(ctx, 'officer@endeavour.demo', { personId: victim.id });
  const type = await ctx.database.db
    .selectFrom('case_types')
    .select('id')
    .where('name', '=', 'Anti-social behaviour')
    .executeTakeFirstOrThrow();
  await officer.get('/cases/new');
  const res = await officer.post('/cases', {
    incident_ids: incident.id,
    case_type_id: type.id,
    title: 'Harassment of an elderly tenant, Elm Road',
    lead_officer_id: (await userId(ctx, 'officer@endeavour.demo')).id,
    priority: 'high',
  });
  caseId = idFromLocation(res.headers.location);
  caseRef = (
    await ctx.database.db
      .selectFrom('cases')
      .select('reference')
      .where('id', '=', caseId)
      .executeTakeFirstOrThrow()
  ).reference;
});

after(() => ctx.close());

test('setting a task: bad input gives GOV.UK errors and keeps what was typed', async () => {
  const form = await officer.get(`/tasks/new?case=${caseId}`);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, new RegExp(caseRef));
  const res = await officer.post('/tasks', {
    case: caseId,
    title: '',
    details: 'Typed details',
    assignee_kind: 'user',
    assigned_user: '',
    priority: 'normal',
    ...dateFields('due_date', isoDaysFromToday(-1)),
  });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /govuk-error-summary/);
  assert.match(res.body, /Enter what needs doing/);
  assert.match(res.body, /Select the person to give the task to/);
  assert.match(res.body, /The due date must be today or in the future/);
  assert.match(res.body, /Typed details/);
  const noDate = await officer.post('/tasks', {
    case: caseId,
    title: 'x',
    assignee_kind: 'organisation',
    assigned_organisation: '00000000-0000-4000-8000-000000000000',
    priority: 'whenever',
  });
  assert.match(noDate.body, /Enter the due date/);
  assert.match(noDate.body, /Select the organisation to give the task to/);
  assert.match(noDate.body, /Select the task’s priority/);
  assert.equal((await ctx.database.db.selectFrom('tasks').select('id').execute()).length, 0);
});

test('a task set on a case for another organisation is visible to that organisation, which sees only the task', async () => {
  const p = await userId(ctx, 'police@endeavour.demo');
  await officer.get(`/tasks/new?case=${caseId}`);
  const res = await officer.post('/tasks', {
    case: caseId,
    title: 'Patrol Elm Road between 10pm and 2am',
    details: 'Focus on the stairwell',
    assignee_kind: 'organisation',
    assigned_organisation: p.organisation_id,
    priority: 'high',
    ...dateFields('due_date', isoDaysFromToday(7)),
  });
  assert.equal(res.statusCode, 302);
  policeTaskId = idFromLocation(res.headers.location);
  const created = await auditRows(ctx, { action: 'create', recordId: policeTaskId });
  assert.equal(created.length, 1);
  assert.equal(created[0]!.details.case_id, caseId);

  const team = await police.get('/tasks/team');
  assert.match(team.body, /Patrol Elm Road between 10pm and 2am/);
  assert.match(team.body, new RegExp(`Case ${caseRef}, held by Charnwood Borough Council`));
  const page = await police.get(`/tasks/${policeTaskId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, new RegExp(`Case ${caseRef}, held by Charnwood Borough Council`));
  assert.doesNotMatch(page.body, /Harassment of an elderly tenant/, 'the case title is not revealed');
  assert.doesNotMatch(page.body, new RegExp(`/cases/${caseId}`), 'no link to a case they cannot open');
  assert.equal((await police.get(`/cases/${caseId}`)).statusCode, 404);
  assert.equal((await police.get(`/cases/${caseId}/tasks`)).statusCode, 404);
  const views = (await auditRows(ctx, { action: 'view', recordId: policeTaskId })).filter(
    (r) => r.actor_user_id === p.id,
  );
  assert.equal(views.length, 1);
  // The owner sees it on the case's task list and timeline.
  assert.match((await officer.get(`/cases/${caseId}/tasks`)).body, /Patrol Elm Road/);
  assert.match(
    (await officer.get(`/cases/${caseId}`)).body,
    /Task set: Patrol Elm Road between 10pm and 2am/,
  );
});

test('organisations the task is not for cannot see or change it by any route or direct query', async () => {
  for (const url of [
    `/tasks/${policeTaskId}`,
    `/tasks/${policeTaskId}/edit`,
    `/tasks/${policeTaskId}/status`,
  ]) {
    assert.equal((await fire.get(url)).statusCode, 404, url);
  }
  for (const url of ['/tasks', '/tasks/team', '/tasks/set']) {
    const list = await fire.get(`${url}?show=all`);
    assert.equal(list.statusCode, 200);
    assert.doesNotMatch(list.body, /Patrol Elm Road/);
  }
  const v = await version(policeTaskId);
  assert.equal(
    (await fire.post(`/tasks/${policeTaskId}/status`, { version: v, status: 'done', completion_notes: 'x' }))
      .statusCode,
    404,
  );
  assert.equal(
    (await fire.post(`/tasks/${policeTaskId}/edit`, { version: v, title: 'Hacked' })).statusCode,
    404,
  );
  assert.equal(
    (await fire.get(`/tasks/new?case=${caseId}`)).statusCode,
    404,
    'no task on a case they cannot see',
  );
  assert.equal((await fire.post('/tasks', { case: caseId, title: 'x' })).statusCode, 404);
  const f = await userId(ctx, 'fire@endeavour.demo');
  const rows = await withUser(ctx.database.db, f.id, (tx) => tx.selectFrom('tasks').select('id').execute());
  assert.equal(rows.length, 0);
  const updated = await withUser(ctx.database.db, f.id, (tx) =>
    tx.updateTable('tasks').set({ status: 'done' }).where('id', '=', policeTaskId).executeTakeFirst(),
  );
  assert.equal(Number(updated.numUpdatedRows), 0);
  const p = await userId(ctx, 'police@endeavour.demo');
  const policeSees = await withUser(ctx.database.db, p.id, (tx) =>
    tx.selectFrom('tasks').select('id').execute(),
  );
  assert.deepEqual(
    policeSees.map((t) => t.id),
    [policeTaskId],
  );
  const policeCases = await withUser(ctx.database.db, p.id, (tx) =>
    tx.selectFrom('cases').select('id').where('id', '=', caseId).execute(),
  );
  assert.equal(policeCases.length, 0, 'being given a task does not open the case');
});

test('the assignee moves the task on but cannot change or cancel it; done needs completion notes', async () => {
  assert.equal((await police.get(`/tasks/${policeTaskId}/edit`)).statusCode, 403);
  assert.equal(
    (
      await police.post(`/tasks/${policeTaskId}/edit`, {
        version: await version(policeTaskId),
        title: 'Hacked',
      })
    ).statusCode,
    403,
  );
  const form = await police.get(`/tasks/${policeTaskId}/status`);
  assert.equal(form.statusCode, 200);
  assert.doesNotMatch(form.body, /value="cancelled"/);
  const cancel = await police.post(`/tasks/${policeTaskId}/status`, {
    version: await version(policeTaskId),
    status: 'cancelled',
    completion_notes: 'Not ours',
  });
  assert.equal(cancel.statusCode, 400);
  assert.match(cancel.body, /Select one of the statuses shown/);
  const progress = await police.post(`/tasks/${policeTaskId}/status`, {
    version: await version(policeTaskId),
    status: 'in_progress',
  });
  assert.equal(progress.statusCode, 302);
  const noNotes = await police.post(`/tasks/${policeTaskId}/status`, {
    version: await version(policeTaskId),
    status: 'done',
  });
  assert.equal(noNotes.statusCode, 400);
  assert.match(noNotes.body, /completion notes are needed to mark a task done/);
  const done = await police.post(`/tasks/${policeTaskId}/status`, {
    version: await version(policeTaskId),
    status: 'done',
    completion_notes: 'Three patrols, nothing seen',
  });
  assert.equal(done.statusCode, 302);
  const row = await ctx.database.db
    .selectFrom('tasks')
    .selectAll()
    .where('id', '=', policeTaskId)
    .executeTakeFirstOrThrow();
  assert.equal(row.status, 'done');
  assert.equal(row.completed_by, (await userId(ctx, 'police@endeavour.demo')).id);
  assert.ok(row.completed_at);
  assert.match((await officer.get(`/tasks/${policeTaskId}`)).body, /Three patrols, nothing seen/);
  assert.match((await officer.get(`/cases/${caseId}`)).body, /Task done: Patrol Elm Road/);
  const updates = (await auditRows(ctx, { action: 'update', recordId: policeTaskId })).map(
    (r) => r.details.to,
  );
  assert.deepEqual(updates, ['in_progress', 'done']);
  // Only the organisation that set it may reopen it.
  assert.equal((await police.get(`/tasks/${policeTaskId}/status`)).statusCode, 403);
  const reopen = await officer.post(`/tasks/${policeTaskId}/status`, {
    version: await version(policeTaskId),
    status: 'open',
  });
  assert.equal(reopen.statusCode, 302);
});

test('my tasks puts overdue first and marks them; my team’s tasks include tasks for my team', async () => {
  const o = await actorOf('officer@endeavour.demo');
  const p = await userId(ctx, 'police@endeavour.demo');
  const team = await ctx.database.db
    .selectFrom('teams')
    .select('id')
    .where('name', '=', 'Charnwood Neighbourhood Policing Area')
    .executeTakeFirstOrThrow();
  await withUser(ctx.database.db, o.userId, async (tx) => {
    await createTask(tx, o, { title: 'Later task', case_id: caseId, due_date: isoDaysFromToday(20) });
    await createTask(tx, o, {
      title: 'Overdue visit',
      case_id: caseId,
      due_date: isoDaysFromToday(-2),
      priority: 'urgent',
    });
    await createTask(tx, o, {
      title: 'Team task for Charnwood NPA',
      incident_id: incident.id,
      assigned_team_id: team.id,
      due_date: isoDaysFromToday(3),
    });
  });
  const mine = await officer.get('/tasks');
  assert.equal(mine.statusCode, 200);
  assert.ok(mine.body.indexOf('Overdue visit') < mine.body.indexOf('Later task'));
  assert.match(mine.body, /govuk-tag govuk-tag--red">Overdue/);
  assert.doesNotMatch(mine.body, /Team task for Charnwood NPA/);
  const teamList = await police.get('/tasks/team');
  assert.match(teamList.body, /Team task for Charnwood NPA/);
  assert.match(
    teamList.body,
    new RegExp(`Incident ${incident.reference}, held by Charnwood Borough Council`),
  );
  assert.ok(
    (await auditRows(ctx, { action: 'list' })).some(
      (r) => r.record_type === 'task' && r.actor_user_id === p.id,
    ),
  );
  assert.match((await officer.get('/tasks/set')).body, /Team task for Charnwood NPA/);
  assert.doesNotMatch((await officer.get('/tasks?show=done')).body, /Overdue visit/);
});

test('a task on a case held by another organisation is shared with that organisation', async () => {
  const p = await userId(ctx, 'police@endeavour.demo');
  const o = await userId(ctx, 'officer@endeavour.demo');
  await officer.get(`/cases/${caseId}/share`);
  await officer.post(`/cases/${caseId}/share`, {
    target_kind: 'organisation',
    target_organisation: p.organisation_id,
    access: 'view',
    reason: 'Joint work under the ISA',
  });
  await police.get(`/tasks/new?case=${caseId}`);
  const res = await police.post('/tasks', {
    case: caseId,
    title: 'Police ask: CCTV request to housing',
    assignee_kind: 'user',
    assigned_user: o.id,
    priority: 'normal',
    ...dateFields('due_date', isoDaysFromToday(5)),
  });
  assert.equal(res.statusCode, 302);
  const id = idFromLocation(res.headers.location);
  const row = await ctx.database.db
    .selectFrom('tasks')
    .select('owner_organisation_id')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  assert.equal(row.owner_organisation_id, p.organisation_id);
  assert.match((await officer.get(`/cases/${caseId}/tasks`)).body, /Police ask: CCTV request to housing/);
  assert.match((await officer.get('/tasks')).body, /Police ask: CCTV request to housing/);
  // The officer it is for moves it on, though the police own it.
  assert.equal(
    (await officer.post(`/tasks/${id}/status`, { version: await version(id), status: 'in_progress' }))
      .statusCode,
    302,
  );
  assert.equal((await officer.get(`/tasks/${id}/edit`)).statusCode, 403);
  assert.equal((await auditRows(ctx, { action: 'share', recordId: id })).length, 1);
});

test('the owner changes a task; a stale change shows a conflict page that keeps what was typed', async () => {
  const o = await actorOf('officer@endeavour.demo');
  const id = await withUser(ctx.database.db, o.userId, (tx) =>
    createTask(tx, o, { title: 'Write to the landlord', case_id: caseId, due_date: isoDaysFromToday(10) }),
  );
  const stale = await version(id);
  const form = await officer.get(`/tasks/${id}/edit`);
  assert.equal(form.statusCode, 200);
  const body = (title: string) => ({
    version: stale,
    title,
    assignee_kind: 'user',
    assigned_user: o.userId,
    priority: 'high',
    ...dateFields('due_date', isoDaysFromToday(10)),
  });
  assert.equal(
    (await officer.post(`/tasks/${id}/edit`, body('Write to the landlord and the agent'))).statusCode,
    302,
  );
  const conflict = await manager.post(`/tasks/${id}/edit`, body('Phone the landlord'));
  assert.equal(conflict.statusCode, 409);
  assert.match(conflict.body, /Someone else changed this task/);
  assert.match(conflict.body, /Write to the landlord and the agent/);
  assert.match(conflict.body, /Phone the landlord/);
  const status = await manager.post(`/tasks/${id}/status`, {
    version: stale,
    status: 'done',
    completion_notes: 'Typed notes',
  });
  assert.equal(status.statusCode, 409);
  assert.match(status.body, /Typed notes/);
  const updates = await auditRows(ctx, { action: 'update', recordId: id });
  assert.equal(updates.length, 1);
  assert.deepEqual(updates[0]!.details.fields, ['title', 'priority']);
  // A saved due date in the past may stay as it is.
  await ctx.database.db
    .updateTable('tasks')
    .set({ due_date: isoDaysFromToday(-4) })
    .where('id', '=', id)
    .execute();
  const keep = await officer.post(`/tasks/${id}/edit`, {
    ...body('Still overdue'),
    version: await version(id),
    ...dateFields('due_date', isoDaysFromToday(-4)),
  });
  assert.equal(keep.statusCode, 302);
  // The owner may cancel, with a reason.
  const noReason = await officer.post(`/tasks/${id}/status`, {
    version: await version(id),
    status: 'cancelled',
  });
  assert.match(noReason.body, /Enter why the task is cancelled/);
  assert.equal(
    (
      await officer.post(`/tasks/${id}/status`, {
        version: await version(id),
        status: 'cancelled',
        completion_notes: 'Landlord sold the flat',
      })
    ).statusCode,
    302,
  );
});

test('a task on an incident: the form needs an incident the user can see', async () => {
  assert.equal((await officer.get(`/tasks/new?incident=${incident.id}`)).statusCode, 200);
  assert.equal((await police.get(`/tasks/new?incident=${incident.id}`)).statusCode, 404);
  const res = await officer.post('/tasks', {
    incident: incident.id,
    title: 'Call the reporting party back',
    assignee_kind: 'user',
    assigned_user: (await userId(ctx, 'officer@endeavour.demo')).id,
    priority: 'low',
    ...dateFields('due_date', isoDaysFromToday(1)),
  });
  assert.equal(res.statusCode, 302);
  const page = await officer.get(`/tasks/${idFromLocation(res.headers.location)}`);
  assert.match(page.body, new RegExp(`/incidents/${incident.id}`));
});

test('createTask for other capabilities: defaults to the acting user, audits, and refuses records the user cannot see', async () => {
  const o = await actorOf('officer@endeavour.demo');
  const id = await withUser(ctx.database.db, o.userId, (tx) =>
    createTask(tx, o, {
      title: 'Review the ABC before it expires',
      case_id: caseId,
      due_date: isoDaysFromToday(180),
    }),
  );
  const row = await ctx.database.db
    .selectFrom('tasks')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  assert.equal(row.assigned_user_id, o.userId);
  assert.equal(row.priority, 'normal');
  assert.equal((await auditRows(ctx, { action: 'create', recordId: id })).length, 1);
  const f = await actorOf('fire@endeavour.demo');
  await assert.rejects(
    withUser(ctx.database.db, f.userId, (tx) => createTask(tx, f, { title: 'x', case_id: caseId })),
    /could not be found/,
  );
});

test('the caseload view is for managers and counts every officer’s cases and tasks, including tasks others set', async () => {
  assert.equal((await officer.get('/tasks/caseloads')).statusCode, 403);
  assert.equal((await police.get('/tasks/caseloads')).statusCode, 403);
  const o = await userId(ctx, 'officer@endeavour.demo');
  const p = await actorOf('police@endeavour.demo');
  // The police set the officer a task by name (not on a case): the manager cannot see it but it counts.
  await withUser(ctx.database.db, p.userId, (tx) =>
    createTask(tx, p, { title: 'Police-only ask', assigned_user_id: o.id, due_date: isoDaysFromToday(-1) }),
  );
  await ctx.database.db
    .updateTable('cases')
    .set({ review_date: isoDaysFromToday(-1) })
    .where('id', '=', caseId)
    .execute();
  const page = await manager.get('/tasks/caseloads');
  assert.equal(page.statusCode, 200);
  const row = new RegExp(`data-qa="caseload-${o.id}"[\\s\\S]*?</tr>`).exec(page.body)![0];
  const cells = [...row.matchAll(/govuk-table__cell--numeric">([\s\S]*?)<\/td>/g)].map((m) =>
    m[1]!.replace(/<[^>]+>[^<]*<\/span>|<[^>]+>/g, '').trim(),
  );
  const openTasks = await ctx.database.db
    .selectFrom('tasks')
    .select('id')
    .where('assigned_user_id', '=', o.id)
    .where('status', 'in', ['open', 'in_progress'])
    .execute();
  assert.equal(cells[0], '1', 'one open case as lead');
  assert.match(cells[1]!, /^1/, 'one case past its review date');
  assert.equal(cells[2], String(openTasks.length));
  assert.match(cells[3]!, /^2/, 'two overdue tasks, one set by the police');
  const detail = await manager.get(`/tasks/caseloads/${o.id}`);
  assert.equal(detail.statusCode, 200);
  assert.match(detail.body, new RegExp(caseRef));
  assert.doesNotMatch(detail.body, /Police-only ask/);
  assert.match(detail.body, /1 more open task was set for them by other organisations/);
  assert.equal(
    (await manager.get(`/tasks/caseloads/${p.userId}`)).statusCode,
    404,
    'only officers of the manager’s own organisation',
  );
  assert.ok((await auditRows(ctx, { action: 'list' })).some((r) => r.record_type === 'caseload'));
  // The database function refuses anyone who is not a manager.
  const counts = await withUser(ctx.database.db, o.id, (tx) =>
    sql`SELECT * FROM app_caseload_task_counts()`.execute(tx),
  );
  assert.equal(counts.rows.length, 0);
});

test('no task form answers malformed input with a 500, even for a real task', async () => {
  const o = await userId(ctx, 'officer@endeavour.demo');
  const fields = [
    'version',
    'case',
    'incident',
    'title',
    'details',
    'assignee_kind',
    'assigned_user',
    'assigned_team',
    'assigned_organisation',
    'priority',
    'status',
    'completion_notes',
    'due_date-day',
    'due_date-month',
    'due_date-year',
  ];
  const value = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom(
      '',
      '1',
      '2',
      '3',
      'user',
      'team',
      'organisation',
      'open',
      'in_progress',
      'done',
      'cancelled',
      'urgent',
      '31',
      '12',
      '2031',
      o.id,
      o.organisation_id,
      caseId,
      incident.id,
      policeTaskId,
      '\u0000',
    ),
    fc.string({ minLength: 3000, maxLength: 6000 }),
  );
  const body = fc.dictionary(fc.constantFrom(...fields), fc.oneof(value, fc.array(value, { maxLength: 3 })), {
    maxKeys: 10,
  });
  const posts = ctx.app.endeavourRoutes.filter((r) => r.method === 'POST' && r.url.startsWith('/tasks'));
  assert.ok(posts.length >= 3);
  for (const route of posts) {
    for (const who of [officer, police]) {
      await fc.assert(
        fc.asyncProperty(body, async (form) => {
          const res = await who.post(
            route.url.replace(':id', policeTaskId),
            form as Record<string, string | string[]>,
          );
          assert.ok(
            res.statusCode < 500,
            `${route.url} gave ${res.statusCode} for ${JSON.stringify(form).slice(0, 300)}`,
          );
        }),
        { numRuns: 20 },
      );
    }
  }
});
