// Sharing pages for one protected record type (share with an organisation, team or user; stop
// sharing), the same for risk assessments, interventions and documents. The rules are people's: only
// the owner organisation shares, every share and revocation is audited (platform/access/shares.ts),
// and a record the user cannot see answers 404.
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB, Role } from '../../platform/db/schema.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { createShare, revokeShare, shareTargets } from '../../platform/access/shares.ts';
import { notFound } from '../../platform/http/errors.ts';
import { choice, dateInput, isUuid, requiredText, uuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, zodToFormErrors } from '../../platform/http/forms.ts';
import { setFlash } from '../../platform/http/render.ts';

export interface ShareableRecord {
  owner_organisation_id: string;
  /** How the record is named on the sharing page, for example "Risk assessment, 3 March 2026". */
  caption: string;
}

export interface ShareRoutesOptions {
  recordType: string;
  /** Where the record's page lives: `${base}/:id`. */
  base: string;
  /** The record in words, for messages: "risk assessment". */
  what: string;
  roles: Role[];
  find(tx: Tx, id: string): Promise<ShareableRecord | undefined>;
}

const shareForm = z.object({
  target_kind: choice(['organisation', 'team', 'user'] as const, 'Select who to share with'),
  access: choice(['view', 'edit'] as const, 'Select whether they can view or also edit'),
  reason: requiredText('Enter the reason for sharing, for example the information sharing agreement it falls under', 500, 'Reason must be 500 characters or fewer'),
});

const FIELDS = ['target_kind', 'target_organisation', 'target_team', 'target_user', 'access', 'reason', 'expires-day', 'expires-month', 'expires-year'];

export function registerShareRoutes(app: FastifyInstance, db: Kysely<DB>, opts: ShareRoutesOptions) {
  const guard = { config: { roles: opts.roles } };
  const idOf = (params: unknown) => {
    const id = (params as { id?: string }).id;
    if (!isUuid(id)) throw notFound(opts.what);
    return id;
  };
  /** The record and whom it can be shared with, only for its owner organisation. */
  const options = (actor: { userId: string; organisationId: string; partnershipId: string }, id: string) =>
    withUser(db, actor.userId, async (tx) => {
      const record = await opts.find(tx, id);
      if (!record || record.owner_organisation_id !== actor.organisationId) return null;
      return { record, targets: await shareTargets(tx, actor.partnershipId) };
    });
  const page = (id: string, extra: Record<string, unknown>) => ({
    pageTitle: `Share this ${opts.what}`,
    what: opts.what,
    action: `${opts.base}/${id}/share`,
    backLink: `${opts.base}/${id}`,
    values: {},
    ...extra,
  });

  app.get(`${opts.base}/:id/share`, guard, async (request, reply) => {
    const id = idOf(request.params);
    const found = await options(request.actor!, id);
    if (!found) throw notFound(opts.what);
    return reply.render('documents/views/share.njk', page(id, found));
  });

  app.post(`${opts.base}/:id/share`, guard, async (request, reply) => {
    const id = idOf(request.params);
    const actor = request.actor!;
    const found = await options(actor, id);
    if (!found) throw notFound(opts.what);
    const parsed = shareForm.safeParse(request.body);
    const errors = parsed.success ? emptyErrors() : zodToFormErrors(parsed.error);
    const kind = parsed.success ? parsed.data.target_kind : null;
    const targetId = kind ? formValue(request.body, `target_${kind}`) : '';
    const valid = kind === 'organisation' ? found.targets.organisations : kind === 'team' ? found.targets.teams : kind === 'user' ? found.targets.users : [];
    if (kind && (!uuid('x').safeParse(targetId).success || !valid.some((t) => t.id === targetId))) addError(errors, `target_${kind}`, `Select the ${kind} to share with`);
    const expiry = dateInput(request.body, 'expires', 'the date sharing ends');
    if ('error' in expiry && expiry.error) addError(errors, 'expires', expiry.error);
    else if (expiry.value && expiry.value < new Date().toISOString().slice(0, 10)) addError(errors, 'expires', 'The date sharing ends must be today or in the future');
    if (errors.list.length || !parsed.success || !kind) {
      const values: Record<string, string> = {};
      for (const k of FIELDS) values[k] = formValue(request.body, k).slice(0, 500);
      return reply.code(400).render('documents/views/share.njk', page(id, { ...found, values, errors }));
    }
    await withUser(db, actor.userId, async (tx) => {
      const record = await opts.find(tx, id);
      if (!record || record.owner_organisation_id !== actor.organisationId) throw notFound(opts.what);
      await createShare(tx, actor, {
        recordType: opts.recordType,
        recordId: id,
        target: { kind, id: targetId },
        access: parsed.data.access,
        reason: parsed.data.reason,
        expiresAt: ('value' in expiry && expiry.value) || null,
      });
    });
    setFlash(reply, `The ${opts.what} has been shared`);
    return reply.redirect(`${opts.base}/${id}`);
  });

  app.post(`${opts.base}/:id/shares/:shareId/revoke`, guard, async (request, reply) => {
    const id = idOf(request.params);
    const shareId = (request.params as { shareId?: string }).shareId;
    if (!isUuid(shareId)) throw notFound('share');
    const actor = request.actor!;
    const ok = await withUser(db, actor.userId, (tx) => revokeShare(tx, actor, opts.recordType, id, shareId));
    if (!ok) throw notFound('share');
    setFlash(reply, 'Sharing has been stopped');
    return reply.redirect(`${opts.base}/${id}`);
  });
}
