// reply.render(): one place that gives every page what the layout needs (the CSP nonce, the CSRF
// token, the signed-in actor, the navigation, a one-off flash message).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type nunjucks from 'nunjucks';
import type { Role } from '../db/schema.ts';
import type { Actor } from './context.ts';

const FLASH_COOKIE = 'endeavour_flash';

interface NavItem {
  text: string;
  href: string;
  roles?: Role[];
}

// Modules add their entries here as they are registered, so the layout never needs to know them.
const navigation: NavItem[] = [];
export function addNavigation(item: NavItem) {
  navigation.push(item);
}

/** A count shown beside a navigation entry (work waiting), set per request by the module that owns the entry. */
export interface NavBadge {
  count: number;
  /** Read after the count by screen readers, e.g. "waiting for your decision". */
  label: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    navBadges?: Record<string, NavBadge>;
  }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function navFor(actor: Actor | null, path: string, badges: Record<string, NavBadge> = {}) {
  if (!actor) return [];
  return navigation
    .filter((i) => !i.roles || i.roles.some((r) => actor.roles.includes(r)))
    .map((i) => {
      const badge = badges[i.href];
      const html = badge?.count
        ? `${escapeHtml(i.text)} <span class="moj-notification-badge">${badge.count}<span class="govuk-visually-hidden"> ${escapeHtml(badge.label)}</span></span>`
        : undefined;
      return { text: i.text, html, href: i.href, active: i.href === '/' ? path === '/' : path === i.href || path.startsWith(`${i.href}/`) };
    });
}

export function setFlash(reply: FastifyReply, message: string) {
  reply.setCookie(FLASH_COOKIE, encodeURIComponent(message.slice(0, 300)), { path: '/', httpOnly: true, sameSite: 'lax' });
}

export function registerRender(app: FastifyInstance, env: nunjucks.Environment) {
  // A part of a page rendered on its own, to be kept and put into pages later (the dashboard's
  // figures): it gets none of the per-request context (no nonce, token or actor), so it cannot
  // carry them into another person's page.
  app.decorateReply('renderToString', function (this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
    return env.render(template, context);
  });
  app.decorateReply('render', function (this: FastifyReply, template: string, context: Record<string, unknown> = {}) {    const request: FastifyRequest = this.request;
    const raw = request.cookies?.[FLASH_COOKIE];
    let flash: string | undefined;
    if (raw) {
      try {
        flash = decodeURIComponent(raw);
      } catch {
        flash = undefined;
      }
      this.clearCookie(FLASH_COOKIE, { path: '/' });
    }
    const path = request.url.split('?')[0] ?? '/';
    const html = env.render(template, {
      cspNonce: (this as FastifyReply & { cspNonce?: { script: string } }).cspNonce?.script,
      csrfToken: request.csrfToken,
      actor: request.actor,
      navigation: navFor(request.actor, path, request.navBadges),
      currentPath: path,
      flash,
      ...context,
    });
    return this.type('text/html; charset=utf-8').send(html);
  });
}
