// Notification pages: the list (newest first, unread marked; each links straight to what it is about;
// mark one or all read with plain POST forms), the unread count in the navigation, and the preferences page under the account.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';
import type { NotificationDelivery, NotificationKind } from '../../platform/db/schema.ts';
import { addNavigation, setFlash } from '../../platform/http/render.ts';
import { notFound } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue } from '../../platform/http/forms.ts';
import { DELIVERIES, DELIVERY_NAMES, KINDS, KIND_NAMES } from './labels.ts';
import * as service from './service.ts';

const LIST_HREF = '/notifications';
const SKIP_BADGE = ['/api/', '/javascripts/', '/stylesheets/', '/assets/', '/health', '/ready'];

export async function notificationRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  service.useDelivery({ mailer: deps.mailer, baseUrl: deps.config.baseUrl });
  addNavigation({ text: 'Notifications', href: LIST_HREF });

  // The unread count beside "Notifications", on every page a signed-in user sees. Reaching the page a
  // notification links to (from the list, an email or anywhere else) marks it read first.
  app.addHook('preHandler', async (request) => {
    const actor = request.actor;
    const route = request.routeOptions.url;
    if (request.method !== 'GET' || !actor || !route || SKIP_BADGE.some((p) => route.startsWith(p))) return;
    const count = await service.visited(db, actor, request.url.split('?')[0] ?? '/');
    request.navBadges = { ...request.navBadges, [LIST_HREF]: { count, label: count === 1 ? 'unread notification' : 'unread notifications' } };
  });

  const idParam = (params: unknown) => {
    const id = (params as { id?: string }).id;
    if (!isUuid(id)) throw notFound('notification');
    return id.toLowerCase();
  };

  app.get(LIST_HREF, async (request, reply) => {
    const found = await service.listNotifications(db, request.actor!);
    return reply.render('notifications/views/list.njk', { pageTitle: 'Notifications', ...found, kindNames: KIND_NAMES });
  });

  app.post('/notifications/:id/read', async (request, reply) => {
    const found = await service.markRead(db, request.actor!, idParam(request.params));
    if (!found) throw notFound('notification');
    setFlash(reply, 'Marked as read');
    return reply.redirect(LIST_HREF);
  });

  app.post('/notifications/read-all', async (request, reply) => {
    const n = await service.markAllRead(db, request.actor!);
    setFlash(reply, n === 0 ? 'You had no unread notifications' : n === 1 ? '1 notification marked as read' : `${n} notifications marked as read`);
    return reply.redirect(LIST_HREF);
  });

  const preferencesPage = (prefs: Awaited<ReturnType<typeof service.preferences>>, values: Record<string, string>) => ({
    pageTitle: 'How you are notified',
    backLink: '/account',
    kinds: KINDS.filter((k) => prefs.has(k)).map((k) => ({ kind: k, name: KIND_NAMES[k], delivery: values[k] ?? prefs.get(k)!.delivery })),
    options: DELIVERIES.map((d) => ({ value: d, text: DELIVERY_NAMES[d] })),
  });

  app.get('/account/notifications', async (request, reply) => {
    const prefs = await service.preferences(db, request.actor!);
    return reply.render('notifications/views/preferences.njk', preferencesPage(prefs, {}));
  });

  app.post('/account/notifications', async (request, reply) => {
    const body = request.body;
    const errors = emptyErrors();
    const chosen: Partial<Record<NotificationKind, NotificationDelivery>> = {};
    const values: Record<string, string> = {};
    for (const kind of KINDS) {
      const v = formValue(body, kind).slice(0, 20);
      values[kind] = v;
      if ((DELIVERIES as readonly string[]).includes(v)) chosen[kind] = v as NotificationDelivery;
      else addError(errors, kind, `Select how you are told when ${KIND_NAMES[kind].charAt(0).toLowerCase()}${KIND_NAMES[kind].slice(1)}`);
    }
    if (errors.list.length) {
      const prefs = await service.preferences(db, request.actor!);
      return reply.code(400).render('notifications/views/preferences.njk', { ...preferencesPage(prefs, values), errors });
    }
    await service.savePreferences(db, request.actor!, chosen);
    setFlash(reply, 'Your notification choices have been saved');
    return reply.redirect('/account/notifications');
  });
}
