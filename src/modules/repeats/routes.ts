// The coordinator's list of repeat victims, locations and perpetrators (/repeats), and the partnership
// administrator's page for the rules that raise them (/admin/repeat-rules).
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';
import type { RepeatKind, Role } from '../../platform/db/schema.ts';
import { addNavigation, setFlash } from '../../platform/http/render.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, zodToFormErrors } from '../../platform/http/forms.ts';
import {
  DEFAULT_RULES,
  FIELD_ORDER,
  KIND_NAMES,
  KINDS,
  RULE_KEYS,
  rulesSchema,
  type RepeatRules,
} from './rules.ts';
import * as service from './service.ts';

export const LIST_ROLES: Role[] = ['coordinator', 'manager', 'analyst'];
const LISTERS = { config: { roles: LIST_ROLES } };
const ADMIN = { config: { roles: ['partnership_admin'] as Role[] } };

/** What the rules form shows: the saved values, or what was typed (as typed). */
const asValues = (rules: RepeatRules): Record<string, string> =>
  Object.fromEntries(
    RULE_KEYS.map((k) => [k, typeof rules[k] === 'boolean' ? (rules[k] ? 'yes' : '') : String(rules[k])]),
  );

export async function repeatRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  addNavigation({ text: 'Repeats', href: '/repeats', roles: LIST_ROLES });

  app.get('/repeats', LISTERS, async (request, reply) => {
    const actor = request.actor!;
    const query = request.query as Record<string, unknown>;
    const areas = await service.listOptions(db, actor);
    const kindValue = formValue(query, 'kind');
    const areaValue = formValue(query, 'area');
    const errors = emptyErrors();
    const kind = (KINDS as string[]).includes(kindValue) ? (kindValue as RepeatKind) : null;
    if (kindValue && !kind) addError(errors, 'kind', 'Select a kind of repeat from the list');
    const areaId = isUuid(areaValue) && areas.some((a) => a.id === areaValue) ? areaValue : null;
    if (areaValue && !areaId) addError(errors, 'area', 'Select an area from the list');
    const status = formValue(query, 'status') === 'expired' ? 'expired' : 'active';
    const pageNumber = Math.min(Math.max(Number.parseInt(formValue(query, 'page'), 10) || 1, 1), 10_000);
    const ctx = {
      pageTitle: 'Repeats',
      kindNames: KIND_NAMES,
      kinds: KINDS,
      areas,
      values: { kind: kindValue.slice(0, 50), area: areaValue.slice(0, 50), status },
    };
    if (errors.list.length)
      return reply.code(400).render('repeats/views/list.njk', {
        ...ctx,
        errors,
        flags: [],
        markers: {},
        hasMore: false,
        page: 1,
      });
    const result = await service.listRepeats(db, actor, { kind, areaId, status, page: pageNumber });
    const params = new URLSearchParams();
    if (kind) params.set('kind', kind);
    if (areaId) params.set('area', areaId);
    if (status === 'expired') params.set('status', status);
    const pageHref = (n: number) => `/repeats?${new URLSearchParams([...params, ['page', String(n)]])}`;
    return reply.render('repeats/views/list.njk', {
      ...ctx,
      ...result,
      page: pageNumber,
      previousHref: pageNumber > 1 ? pageHref(pageNumber - 1) : null,
      nextHref: result.hasMore ? pageHref(pageNumber + 1) : null,
    });
  });

  const rulesPage = 'repeats/views/rules.njk';

  app.get('/admin/repeat-rules', ADMIN, async (request, reply) => {
    const rules = await service.rulesForAdmin(db, request.actor!);
    return reply.render(rulesPage, {
      pageTitle: 'Repeats and linked incidents',
      values: asValues(rules),
      version: rules.version,
      defaults: DEFAULT_RULES,
      backLink: '/admin',
    });
  });

  app.post('/admin/repeat-rules', ADMIN, async (request, reply) => {
    const body = request.body ?? {};
    const typed = Object.fromEntries(RULE_KEYS.map((k) => [k, formValue(body, k).slice(0, 20)]));
    const versionText = formValue(body, 'version');
    const version = /^\d{1,9}$/.test(versionText) ? Number(versionText) : -1;
    const ctx = {
      pageTitle: 'Repeats and linked incidents',
      values: typed,
      version,
      defaults: DEFAULT_RULES,
      backLink: '/admin',
    };
    const parsed = rulesSchema.safeParse(body);
    if (!parsed.success) {
      const errors = zodToFormErrors(parsed.error);
      errors.list.sort(
        (a, b) =>
          FIELD_ORDER.indexOf(a.href.slice(1) as keyof RepeatRules) -
          FIELD_ORDER.indexOf(b.href.slice(1) as keyof RepeatRules),
      );
      return reply.code(400).render(rulesPage, { ...ctx, errors });
    }
    const result = await service.saveRules(db, request.actor!, version, parsed.data);
    if (result.kind === 'conflict') {
      const errors = addError(
        emptyErrors(),
        'conflict',
        'Someone else changed the rules while you were editing. What they saved is shown below: check it, then save yours again.',
      );
      return reply.code(409).render(rulesPage, {
        ...ctx,
        errors,
        current: asValues(result.current),
        version: result.current.version,
      });
    }
    const { raised, expired } = result.flagChanges;
    setFlash(
      reply,
      result.changed.length
        ? `The rules have been saved. Recounting raised ${raised} new repeat ${raised === 1 ? 'flag' : 'flags'} and ended ${expired}.`
        : 'Nothing was changed',
    );
    return reply.redirect('/admin/repeat-rules');
  });
}
