// The home page: where a signed-in user starts, with what their organisation holds.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';
import { addNavigation } from '../../platform/http/render.ts';
import { withUser } from '../../platform/db/with-user.ts';

export async function homeRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  addNavigation({ text: 'Home', href: '/' });

  app.get('/', async (request, reply) => {
    const actor = request.actor!;
    const counts = await withUser(db, actor.userId, async (tx) => {
      const people = await tx
        .selectFrom('people')
        .select((eb) => [
          eb.fn.countAll<number>().as('all'),
          eb.fn.count<number>('id').filterWhere('owner_organisation_id', '=', actor.organisationId).as('owned'),
        ])
        .executeTakeFirstOrThrow();
      return { people: Number(people.all), owned: Number(people.owned) };
    });
    return reply.render('home/views/home.njk', { pageTitle: 'Home', counts, isAdmin: actor.roles.includes('partnership_admin') });
  });
}
