// The home page: where a signed-in user starts, with their own work first. Every figure here is a
// narrow indexed count (their tasks, their cases, their organisation's last week), never a count of
// everything they may see, so the page stays fast at millions of records.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AppDeps } from '../../app.ts';
import { addNavigation } from '../../platform/http/render.ts';
import { withUser } from '../../platform/db/with-user.ts';

export async function homeRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  addNavigation({ text: 'Home', href: '/' });

  app.get('/', async (request, reply) => {
    const actor = request.actor!;
    const counts = await withUser(db, actor.userId, async (tx) => {
      const tasks = await tx
        .selectFrom('tasks')
        .select((eb) => [
          eb.fn.countAll<number>().as('open'),
          eb.fn.count<number>('id').filterWhere('due_date', '<', sql<string>`current_date`).as('overdue'),
        ])
        .where('assigned_user_id', '=', actor.userId)
        .where('status', 'in', ['open', 'in_progress'])
        .executeTakeFirstOrThrow();
      const cases = await tx
        .selectFrom('cases')
        .select((eb) => [
          eb.fn.countAll<number>().as('open'),
          eb.fn.count<number>('id').filterWhere('review_date', '<', sql<string>`current_date`).as('review_due'),
        ])
        .where('lead_officer_id', '=', actor.userId)
        .where('status', '!=', 'closed')
        .executeTakeFirstOrThrow();
      const incidents = await tx
        .selectFrom('incidents')
        .select((eb) => eb.fn.countAll<number>().as('week'))
        .where('owner_organisation_id', '=', actor.organisationId)
        .where('reported_at', '>=', sql<Date>`now() - interval '7 days'`)
        .executeTakeFirstOrThrow();
      return {
        tasks: Number(tasks.open),
        overdueTasks: Number(tasks.overdue),
        cases: Number(cases.open),
        reviewsDue: Number(cases.review_due),
        incidentsThisWeek: Number(incidents.week),
      };
    });
    return reply.render('home/views/home.njk', { pageTitle: 'Home', counts, isAdmin: actor.roles.includes('partnership_admin') });
  });
}
