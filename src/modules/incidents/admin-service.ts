// The partnership administrator's incident settings: the ASB types officers choose from (add,
// rename, retire, reorder) and the minimum standards (which optional fields are mandatory). Every
// change is audited; an ASB type is never deleted, because incidents keep pointing at it.
import type { Kysely } from 'kysely';
import type { AsbCategory, DB } from '../../platform/db/schema.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import { OPTIONAL_FIELDS, REQUIRED_FORMS, type RequiredForm } from './required-fields.ts';
import * as repo from './admin-repository.ts';

export const TYPE_RECORD = 'asb_type';

export async function listTypes(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, async (tx) => {
    const types = await repo.listTypes(tx, actor.partnershipId);
    await auditBy(tx, actor, 'admin_view', TYPE_RECORD, null, { shown: types.length });
    return types;
  });
}

export function findType(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, (tx) => repo.findType(tx, actor.partnershipId, id));
}

export type TypeResult = { kind: 'ok'; id: string } | { kind: 'duplicate' } | { kind: 'not_found' } | { kind: 'conflict'; current: { name: string; category: AsbCategory } };

const isUniqueViolation = (err: unknown) => typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';

export async function addType(db: Kysely<DB>, actor: Actor, name: string, category: AsbCategory): Promise<TypeResult> {
  try {
    return await withUser(db, actor.userId, async (tx) => {
      if (await repo.typeNamed(tx, actor.partnershipId, name)) return { kind: 'duplicate' } as const;
      const { id } = await repo.insertType(tx, actor.partnershipId, name, category);
      await auditBy(tx, actor, 'admin_create', TYPE_RECORD, id, { category });
      return { kind: 'ok', id } as const;
    });
  } catch (err) {
    // Two administrators adding the same name at once: the second is told, not shown an error page.
    if (isUniqueViolation(err)) return { kind: 'duplicate' };
    throw err;
  }
}

export async function renameType(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  was: { name: string; category: string },
  now: { name: string; category: AsbCategory },
): Promise<TypeResult> {
  try {
    return await withUser(db, actor.userId, async (tx) => {
      const current = await repo.findType(tx, actor.partnershipId, id);
      if (!current) return { kind: 'not_found' } as const;
      if (current.name !== was.name || current.category !== was.category) return { kind: 'conflict', current } as const;
      const clash = await repo.typeNamed(tx, actor.partnershipId, now.name);
      if (clash && clash.id !== id) return { kind: 'duplicate' } as const;
      if (!(await repo.renameType(tx, actor.partnershipId, id, was, now))) {
        const latest = await repo.findType(tx, actor.partnershipId, id);
        return latest ? ({ kind: 'conflict', current: latest } as const) : ({ kind: 'not_found' } as const);
      }
      const fields = [current.name !== now.name && 'name', current.category !== now.category && 'category'].filter(Boolean);
      await auditBy(tx, actor, 'admin_update', TYPE_RECORD, id, { fields });
      return { kind: 'ok', id } as const;
    });
  } catch (err) {
    if (isUniqueViolation(err)) return { kind: 'duplicate' };
    throw err;
  }
}

export async function setTypeActive(db: Kysely<DB>, actor: Actor, id: string, active: boolean) {
  return withUser(db, actor.userId, async (tx) => {
    const current = await repo.findType(tx, actor.partnershipId, id);
    if (!current) return null;
    if (await repo.setActive(tx, actor.partnershipId, id, active)) {
      await auditBy(tx, actor, 'admin_update', TYPE_RECORD, id, { fields: ['active'], active });
    }
    return current;
  });
}

/** Moves a type one place up or down the list officers see, renumbering so gaps and ties vanish. */
export async function moveType(db: Kysely<DB>, actor: Actor, id: string, direction: 'up' | 'down') {
  return withUser(db, actor.userId, async (tx) => {
    const types = await repo.listTypes(tx, actor.partnershipId);
    const from = types.findIndex((t) => t.id === id);
    if (from === -1) return null;
    const to = direction === 'up' ? from - 1 : from + 1;
    if (to >= 0 && to < types.length) {
      const [moved] = types.splice(from, 1);
      types.splice(to, 0, moved!);
      for (const [i, t] of types.entries()) {
        const sort = (i + 1) * 10;
        if (t.sort !== sort) await repo.setSort(tx, actor.partnershipId, t.id, sort);
      }
      await auditBy(tx, actor, 'admin_update', TYPE_RECORD, id, { fields: ['sort'], position: to + 1 });
    }
    return types[Math.max(0, Math.min(to, types.length - 1))] ?? null;
  });
}

// Minimum standards -----------------------------------------------------------------------------

export type RequiredSettings = Record<RequiredForm, string[]>;

/** A fingerprint of the settings, so a save made on a stale page is caught. */
export const fingerprint = (s: RequiredSettings) => REQUIRED_FORMS.map((f) => `${f}:${[...s[f]].sort().join(',')}`).join(';');

export async function requiredSettings(db: Kysely<DB>, actor: Actor, opts: { audit: boolean }): Promise<RequiredSettings> {
  return withUser(db, actor.userId, async (tx) => {
    const rows = await repo.requiredRows(tx, actor.partnershipId);
    const settings = Object.fromEntries(REQUIRED_FORMS.map((f) => [f, [] as string[]])) as RequiredSettings;
    for (const r of rows) if (r.form in settings && OPTIONAL_FIELDS[r.form as RequiredForm].some((o) => o.field === r.field)) settings[r.form as RequiredForm].push(r.field);
    if (opts.audit) await auditBy(tx, actor, 'admin_view', 'required_fields', null);
    return settings;
  });
}

export async function saveRequired(db: Kysely<DB>, actor: Actor, seen: string, wanted: RequiredSettings): Promise<{ kind: 'ok' } | { kind: 'conflict'; current: RequiredSettings }> {
  return withUser(db, actor.userId, async (tx) => {
    // Serialise administrators saving at once, so the fingerprint check and the write are one step.
    await tx.selectFrom('partnerships').select('id').where('id', '=', actor.partnershipId).forUpdate().execute();
    const rows = await repo.requiredRows(tx, actor.partnershipId);
    const current = Object.fromEntries(REQUIRED_FORMS.map((f) => [f, rows.filter((r) => r.form === f && OPTIONAL_FIELDS[f].some((o) => o.field === r.field)).map((r) => r.field)])) as RequiredSettings;
    if (fingerprint(current) !== seen) return { kind: 'conflict', current };
    for (const form of REQUIRED_FORMS) {
      const before = new Set(current[form]);
      const after = new Set(wanted[form]);
      if (before.size === after.size && [...after].every((f) => before.has(f))) continue;
      await repo.replaceRequired(tx, actor.partnershipId, form, [...after]);
      await auditBy(tx, actor, 'admin_update', 'required_fields', null, {
        form,
        made_mandatory: [...after].filter((f) => !before.has(f)),
        made_optional: [...before].filter((f) => !after.has(f)),
      });
    }
    return { kind: 'ok' };
  });
}
