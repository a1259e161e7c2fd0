// Users: who can sign in, for which organisation, with which roles and in which teams; and the
// account actions an administrator takes for them (deactivate, unlock, reset two-factor, send a
// link to set a password).
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';
import type { Role } from '../../platform/db/schema.ts';
import { setFlash } from '../../platform/http/render.ts';
import { notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue } from '../../platform/http/forms.ts';
import { echo, parseUserForm, ROLE_HINTS, ROLE_NAMES, ROLES, USER_ORDER } from './fields.ts';
import { ADMIN, conflictErrors, idParam, page, pageOf, versionOf, withProblems } from './http.ts';
import type { UserFilters } from './repository.ts';
import * as service from './service.ts';

const ACTIONS: Record<string, service.AccountAction> = {
  deactivate: 'deactivate',
  reactivate: 'reactivate',
  unlock: 'unlock',
  'reset-two-factor': 'reset_two_factor',
  'send-password-link': 'send_password_link',
};

export async function userRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const { mailer, config } = deps;
  const common = { roles: ROLES, roleNames: ROLE_NAMES, roleHints: ROLE_HINTS };

  app.get('/admin/users', ADMIN, async (request, reply) => {
    const query = request.query;
    const org = formValue(query, 'organisation');
    const role = formValue(query, 'role');
    const status = formValue(query, 'status');
    const q = formValue(query, 'q').trim().slice(0, 100);
    const filters: UserFilters = {
      organisationId: isUuid(org) ? org : null,
      role: (ROLES as string[]).includes(role) ? (role as Role) : null,
      status: status === 'active' || status === 'inactive' ? status : null,
      q: q || null,
    };
    const pageNo = pageOf(query);
    const result = await service.listUsers(db, request.actor!, filters, pageNo);
    const qs = new URLSearchParams();
    if (filters.organisationId) qs.set('organisation', filters.organisationId);
    if (filters.role) qs.set('role', filters.role);
    if (filters.status) qs.set('status', filters.status);
    if (filters.q) qs.set('q', filters.q);
    const href = (n: number) =>
      `/admin/users?${new URLSearchParams([...qs, ['page', String(n)]]).toString()}`;
    return page(reply, 'users/list.njk', {
      pageTitle: 'Users',
      ...common,
      ...result,
      values: {
        organisation: filters.organisationId ?? '',
        role: filters.role ?? '',
        status: filters.status ?? '',
        q: filters.q ?? '',
      },
      filtered: qs.size > 0,
      previousHref: pageNo > 1 ? href(pageNo - 1) : null,
      nextHref: result.hasMore ? href(pageNo + 1) : null,
      now: new Date(),
      backLink: '/admin',
    });
  });

  const newCtx = { ...common, pageTitle: 'Add a user', action: '/admin/users', backLink: '/admin/users' };

  app.get('/admin/users/new', ADMIN, async (request, reply) => {
    const options = await service.userFormOptions(db, request.actor!, true);
    const org = formValue(request.query, 'organisation');
    const preset = options.organisations.some((o) => o.id === org && o.active) ? org : '';
    return page(reply, 'users/form.njk', {
      ...newCtx,
      ...options,
      values: { organisation_id: preset, lists: { roles: [], teams: [] } },
    });
  });

  app.post('/admin/users', ADMIN, async (request, reply) => {
    const values = echo(request.body, ['roles', 'teams']);
    const { fields, errors } = parseUserForm(request.body);
    const result = fields
      ? await service.createUser(db, request.actor!, mailer, config.baseUrl, fields)
      : null;
    if (!result || result.kind !== 'ok') {
      const options = await service.userFormOptions(db, request.actor!, false);
      const all = withProblems(
        fields ? null : errors,
        result?.kind === 'invalid' ? result.problems : [],
        USER_ORDER,
      );
      return page(reply, 'users/form.njk', { ...newCtx, ...options, values, errors: all }, 400);
    }
    setFlash(reply, `${fields!.display_name} has been added and emailed a link to set their password`);
    return reply.redirect(`/admin/users/${result.id}`);
  });

  const renderUser = async (
    request: import('fastify').FastifyRequest,
    reply: import('fastify').FastifyReply,
    id: string,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const found = await service.viewUser(db, request.actor!, id);
    if (!found) throw notFound('user');
    return page(
      reply,
      'users/show.njk',
      {
        pageTitle: found.user.display_name,
        ...found,
        roleNames: ROLE_NAMES,
        backLink: '/admin/users',
        ...extra,
      },
      status,
    );
  };

  app.get('/admin/users/:id', ADMIN, async (request, reply) =>
    renderUser(request, reply, idParam(request.params, 'user')),
  );

  app.get('/admin/users/:id/edit', ADMIN, async (request, reply) => {
    const id = idParam(request.params, 'user');
    const found = await service.userForEdit(db, request.actor!, id);
    if (!found) throw notFound('user');
    const u = found.user;
    return page(reply, 'users/form.njk', {
      ...common,
      pageTitle: `Change ${u.display_name}`,
      action: `/admin/users/${id}/edit`,
      backLink: `/admin/users/${id}`,
      organisations: found.organisations,
      teams: found.teams,
      lineManagers: found.lineManagers,
      version: u.version,
      currentOrganisationId: u.organisation_id,
      values: {
        email: u.email,
        display_name: u.display_name,
        job_title: u.job_title ?? '',
        organisation_id: u.organisation_id,
        line_manager_id: u.line_manager_id ?? '',
        lists: { roles: u.roles, teams: u.teams.map((t) => t.id) },
      },
    });
  });

  app.post('/admin/users/:id/edit', ADMIN, async (request, reply) => {
    const id = idParam(request.params, 'user');
    const values = echo(request.body, ['roles', 'teams']);
    const version = versionOf(request.body);
    const { fields, errors } = parseUserForm(request.body);
    const result = fields ? await service.updateUser(db, request.actor!, id, version, fields) : null;
    if (result?.kind === 'ok') {
      setFlash(reply, 'The user has been saved');
      return reply.redirect(`/admin/users/${id}`);
    }
    if (result?.kind === 'not_found') throw notFound('user');
    const options = await service.userFormOptions(db, request.actor!, false);
    const ctx = {
      ...common,
      ...options,
      pageTitle: 'Change a user',
      action: `/admin/users/${id}/edit`,
      backLink: `/admin/users/${id}`,
      values,
      version,
    };
    if (result?.kind === 'conflict') {
      const c = result.current;
      return page(
        reply,
        'users/form.njk',
        {
          ...ctx,
          version: c.version,
          currentOrganisationId: c.organisation_id,
          errors: conflictErrors('this user'),
          conflict: [
            { key: { text: 'Email address' }, value: { text: c.email } },
            { key: { text: 'Full name' }, value: { text: c.display_name } },
            { key: { text: 'Job title' }, value: { text: c.job_title ?? 'None' } },
            { key: { text: 'Organisation' }, value: { text: c.organisation_name } },
            {
              key: { text: 'Roles' },
              value: { text: c.roles.map((r) => ROLE_NAMES[r]).join(', ') || 'None' },
            },
            { key: { text: 'Teams' }, value: { text: c.teams.map((t) => t.name).join(', ') || 'None' } },
            { key: { text: 'Line manager' }, value: { text: c.line_manager_name ?? 'None' } },
          ],
        },
        409,
      );
    }
    return page(
      reply,
      'users/form.njk',
      {
        ...ctx,
        errors: withProblems(
          fields ? null : errors,
          result?.kind === 'invalid' ? result.problems : [],
          USER_ORDER,
        ),
      },
      400,
    );
  });

  for (const [path, action] of Object.entries(ACTIONS)) {
    app.post(`/admin/users/:id/${path}`, ADMIN, async (request, reply) => {
      const id = idParam(request.params, 'user');
      const result = await service.accountAction(db, request.actor!, mailer, config.baseUrl, id, action);
      if (result.kind === 'not_found') throw notFound('user');
      if (result.kind === 'refused')
        return renderUser(
          request,
          reply,
          id,
          { errors: addError(emptyErrors(), 'account-actions', result.message) },
          400,
        );
      setFlash(reply, result.message);
      return reply.redirect(`/admin/users/${id}`);
    });
  }
}
