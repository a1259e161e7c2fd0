// Teams within each organisation and who is in them. Team membership decides what is shared with a
// team, so only people of the team's own organisation can join it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app.ts';
import { setFlash } from '../../platform/http/render.ts';
import { notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { formValue, type FormErrors } from '../../platform/http/forms.ts';
import { echo, parseMemberForm, parseTeamForm, parseTeamRenameForm, TEAM_ORDER } from './fields.ts';
import { ADMIN, conflictErrors, idParam, page, versionOf, withProblems } from './http.ts';
import * as service from './service.ts';

export async function teamRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;

  app.get('/admin/teams', ADMIN, async (request, reply) => {
    const org = formValue(request.query, 'organisation');
    const result = await service.listTeams(db, request.actor!, isUuid(org) ? org : null);
    return page(reply, 'teams/list.njk', { pageTitle: 'Teams', ...result, backLink: '/admin' });
  });

  const newCtx = { pageTitle: 'Add a team', action: '/admin/teams', backLink: '/admin/teams' };

  app.get('/admin/teams/new', ADMIN, async (request, reply) => {
    const { organisations } = await service.teamFormOptions(db, request.actor!, true);
    const org = formValue(request.query, 'organisation');
    const preset = organisations.some((o) => o.id === org) ? org : '';
    return page(reply, 'teams/form.njk', {
      ...newCtx,
      organisations,
      values: { organisation_id: preset },
      backLink: preset ? `/admin/organisations/${preset}` : '/admin/teams',
    });
  });

  app.post('/admin/teams', ADMIN, async (request, reply) => {
    const values = echo(request.body);
    const { fields, errors } = parseTeamForm(request.body);
    const result = fields
      ? await service.createTeam(db, request.actor!, fields.organisation_id, fields.name)
      : null;
    if (!result || result.kind !== 'ok') {
      const { organisations } = await service.teamFormOptions(db, request.actor!, false);
      const all = withProblems(
        fields ? null : errors,
        result?.kind === 'invalid' ? result.problems : [],
        TEAM_ORDER,
      );
      return page(reply, 'teams/form.njk', { ...newCtx, organisations, values, errors: all }, 400);
    }
    setFlash(reply, `${fields!.name} has been added`);
    return reply.redirect(`/admin/teams/${result.id}`);
  });

  const renderTeam = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: { values?: Record<string, string>; errors?: FormErrors } = {},
    status = 200,
  ) => {
    const found = await service.viewTeam(db, request.actor!, id);
    if (!found) throw notFound('team');
    return page(
      reply,
      'teams/show.njk',
      {
        pageTitle: found.team.name,
        ...found,
        values: {},
        backLink: `/admin/teams?organisation=${found.team.organisation_id}`,
        ...extra,
      },
      status,
    );
  };

  app.get('/admin/teams/:id', ADMIN, async (request, reply) =>
    renderTeam(request, reply, idParam(request.params, 'team')),
  );

  app.get('/admin/teams/:id/edit', ADMIN, async (request, reply) => {
    const id = idParam(request.params, 'team');
    const team = await service.teamForEdit(db, request.actor!, id);
    if (!team) throw notFound('team');
    return page(reply, 'teams/rename.njk', {
      pageTitle: `Rename ${team.name}`,
      team,
      version: team.version,
      values: { name: team.name },
      backLink: `/admin/teams/${id}`,
    });
  });

  app.post('/admin/teams/:id/edit', ADMIN, async (request, reply) => {
    const id = idParam(request.params, 'team');
    const values = echo(request.body);
    const version = versionOf(request.body);
    const { fields, errors } = parseTeamRenameForm(request.body);
    const result = fields ? await service.renameTeam(db, request.actor!, id, version, fields.name) : null;
    if (result?.kind === 'ok') {
      setFlash(reply, 'The team has been renamed');
      return reply.redirect(`/admin/teams/${id}`);
    }
    if (result?.kind === 'not_found') throw notFound('team');
    const team =
      result?.kind === 'conflict' ? result.current : await service.teamForEdit(db, request.actor!, id);
    if (!team) throw notFound('team');
    const ctx = { pageTitle: 'Rename a team', team, values, version, backLink: `/admin/teams/${id}` };
    if (result?.kind === 'conflict') {
      return page(
        reply,
        'teams/rename.njk',
        {
          ...ctx,
          version: team.version,
          errors: conflictErrors('this team'),
          conflict: [{ key: { text: 'Name' }, value: { text: team.name } }],
        },
        409,
      );
    }
    return page(
      reply,
      'teams/rename.njk',
      {
        ...ctx,
        errors: withProblems(fields ? null : errors, result?.kind === 'invalid' ? result.problems : [], [
          'name',
        ]),
      },
      400,
    );
  });

  app.post('/admin/teams/:id/members', ADMIN, async (request, reply) => {
    const id = idParam(request.params, 'team');
    const { fields, errors } = parseMemberForm(request.body);
    const result = fields ? await service.addTeamMember(db, request.actor!, id, fields.user_id) : null;
    if (result?.kind === 'not_found') throw notFound('team');
    if (result?.kind !== 'ok') {
      const all = withProblems(fields ? null : errors, result?.kind === 'invalid' ? result.problems : [], [
        'user_id',
      ]);
      return renderTeam(request, reply, id, { values: echo(request.body), errors: all }, 400);
    }
    setFlash(reply, 'They have been added to the team');
    return reply.redirect(`/admin/teams/${id}`);
  });

  app.post('/admin/teams/:id/members/:userId/remove', ADMIN, async (request, reply) => {
    const id = idParam(request.params, 'team');
    const userId = idParam(request.params, 'team member', 'userId');
    const result = await service.removeTeamMember(db, request.actor!, id, userId);
    if (result.kind !== 'ok') throw notFound('team member');
    setFlash(reply, 'They have been removed from the team');
    return reply.redirect(`/admin/teams/${id}`);
  });
}
