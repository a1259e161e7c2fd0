// The home page counts the user's own work, and only what row-level security lets them see.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, signIn, userId, type TestContext } from '../../test/harness.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestApp();
});
after(() => ctx.close());

const count = (body: string, qa: string) => Number(new RegExp(`data-qa="${qa}">(\\d+)<`).exec(body)?.[1]);

test("the home page shows the officer's open and overdue tasks", async () => {
  const officer = await signIn(ctx, 'officer@endeavour.demo');
  assert.equal(count((await officer.get('/')).body, 'tasks-count'), 0);
  const me = await userId(ctx, 'officer@endeavour.demo');
  const p = await ctx.database.db.selectFrom('organisations').select('partnership_id').where('id', '=', me.organisation_id).executeTakeFirstOrThrow();
  await ctx.database.db
    .insertInto('tasks')
    .values({ partnership_id: p.partnership_id, owner_organisation_id: me.organisation_id, title: 'Visit the victim', assigned_user_id: me.id, due_date: '2020-01-01', created_by: me.id, updated_at: new Date() })
    .execute();
  const home = await officer.get('/');
  assert.equal(home.statusCode, 200);
  assert.equal(count(home.body, 'tasks-count'), 1);
  assert.match(home.body, /1 overdue/);
  // Another organisation's user does not see it counted.
  const police = await signIn(ctx, 'police@endeavour.demo');
  assert.equal(count((await police.get('/')).body, 'tasks-count'), 0);
});
