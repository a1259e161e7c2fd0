// Loads an import file's incidents for the signed-in user's organisation, each through the same path
// as the incident form (createIncident: row-level security, audit, repeat and Case Review checks, the
// daily review queue), so an imported incident is in every way one recorded by hand. Rows already
// loaded (the same reference from the same organisation) are counted and skipped; rows that cannot be
// loaded are reported by line and the rest still load. Optionally each new incident is shared with a
// partner organisation, as the police share their overnight log with the Endeavour team.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import { createShare, shareTargets } from '../../platform/access/shares.ts';
import type { Actor } from '../../platform/http/context.ts';
import { createIncident, RECORD_TYPE as INCIDENT } from '../incidents/service.ts';
import { defaultHowReported } from '../incidents/labels.ts';
import type { PersonEntry } from '../incidents/entries.ts';
import type { IncidentCore } from '../incidents/fields.ts';
import { lookUpPeople } from '../matching/service.ts';
import type { ImportPerson, ImportRow, RowProblem } from './format.ts';

export const RECORD_TYPE = 'incident_import';

/** An existing person is used only when the match is this likely and a date of birth agrees. */
export const LINK_PROBABILITY = 0.95;

export interface ImportSummary {
  id: string;
  created: { reference: string; id: string; sourceReference: string }[];
  alreadyLoaded: string[];
  problems: RowProblem[];
  linkedPeople: number;
  newPeople: number;
}

export async function importContext(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, async (tx) => {
    const org = await tx.selectFrom('organisations').select(['id', 'name', 'kind']).where('id', '=', actor.organisationId).executeTakeFirstOrThrow();
    const targets = await shareTargets(tx, actor.partnershipId);
    const recent = await tx
      .selectFrom('incident_imports as m')
      .innerJoin('users as u', 'u.id', 'm.imported_by')
      .select(['m.id', 'm.filename', 'm.rows_read', 'm.created', 'm.already_loaded', 'm.rejected', 'm.imported_at', 'u.display_name'])
      .orderBy('m.imported_at', 'desc')
      .limit(10)
      .execute();
    return { organisation: org, partners: targets.organisations.filter((o) => o.id !== actor.organisationId), recent };
  });
}

/** The people on a row: someone already known to this user when the engine is sure, else new. */
async function peopleFor(db: Kysely<DB>, actor: Actor, people: ImportPerson[]): Promise<{ entries: PersonEntry[]; linked: number }> {
  const entries: PersonEntry[] = [];
  let linked = 0;
  for (const p of people) {
    let existing: string | null = null;
    if (p.dateOfBirth) {
      const found = await lookUpPeople(
        db,
        actor,
        { firstName: p.firstName, middleNames: null, lastName: p.lastName, dateOfBirth: p.dateOfBirth, estimatedAge: null, gender: null, phone: null, email: null, postcode: null, uprn: null, identifiers: [] },
        'import',
      );
      const best = found.matches[0];
      if (best && best.probability >= LINK_PROBABILITY && best.dateOfBirth === p.dateOfBirth) existing = best.id;
    }
    if (existing) {
      linked++;
      entries.push({ kind: 'existing', id: existing, role: p.role });
    } else {
      entries.push({ kind: 'new', first_name: p.firstName, last_name: p.lastName, date_of_birth: p.dateOfBirth, role: p.role });
    }
  }
  return { entries, linked };
}

export async function importIncidents(
  db: Kysely<DB>,
  actor: Actor,
  file: { filename: string; rows: ImportRow[]; problems: RowProblem[] },
  shareWith: string | null,
): Promise<ImportSummary> {
  const lookups = await withUser(db, actor.userId, async (tx) => {
    const org = await tx.selectFrom('organisations').select(['id', 'kind']).where('id', '=', actor.organisationId).executeTakeFirstOrThrow();
    const types = await tx.selectFrom('asb_types').select(['id', 'name', 'category']).where('partnership_id', '=', actor.partnershipId).where('active', '=', true).execute();
    const refs = file.rows.map((r) => r.reference);
    const loaded = refs.length
      ? await tx.selectFrom('incidents').select('source_reference').where('owner_organisation_id', '=', actor.organisationId).where('source_reference', 'in', refs).execute()
      : [];
    return { org, types, loaded: new Set(loaded.map((l) => l.source_reference!)) };
  });
  const typeByName = new Map(lookups.types.map((t) => [t.name.toLowerCase(), t]));
  const problems = [...file.problems];
  const created: ImportSummary['created'] = [];
  const alreadyLoaded: string[] = [];
  let linkedPeople = 0;
  let newPeople = 0;

  for (const row of file.rows) {
    if (lookups.loaded.has(row.reference)) {
      alreadyLoaded.push(row.reference);
      continue;
    }
    const type = row.asbType ? typeByName.get(row.asbType.toLowerCase()) : undefined;
    if (row.asbType && !type) {
      problems.push({ line: row.line, message: `Row ${row.line} (${row.reference}): “${row.asbType}” is not one of the partnership’s types of anti-social behaviour` });
      continue;
    }
    if (type && row.category && type.category !== row.category) {
      problems.push({ line: row.line, message: `Row ${row.line} (${row.reference}): the type “${type.name}” is ${type.category}, not ${row.category}` });
      continue;
    }
    const core: IncidentCore = {
      occurred_from: row.occurredAt,
      occurred_to: null,
      reported_at: row.reportedAt,
      how_reported: row.howReported ?? (lookups.org.kind === 'police' ? 'police_import' : defaultHowReported(lookups.org.kind)),
      source_organisation_id: actor.organisationId,
      police_log_number: lookups.org.kind === 'police' ? row.reference : null,
      crime_number: null,
      category: type?.category ?? row.category!,
      asb_type_id: type?.id ?? null,
      description: row.description,
      mo: null,
      ...row.flags,
      hate_strands: [],
      consent_to_share: null,
      consent_to_refer: null,
    };
    const { entries, linked } = await peopleFor(db, actor, row.people);
    const result = await createIncident(db, actor, {
      core,
      location: { kind: 'described', text: row.location, postcode: row.postcode, easting: null, northing: null, latitude: row.latitude, longitude: row.longitude },
      people: entries,
      vehicles: [],
      sourceReference: row.reference,
    }).catch((err: unknown) => {
      // Loaded meanwhile by someone else (the unique reference): counted as already loaded.
      if ((err as { code?: string }).code === '23505') return { kind: 'duplicate' as const };
      throw err;
    });
    if (result.kind === 'duplicate') {
      alreadyLoaded.push(row.reference);
      continue;
    }
    if (result.kind === 'invalid') {
      problems.push({ line: row.line, message: `Row ${row.line} (${row.reference}): ${result.problem.message}` });
      continue;
    }
    linkedPeople += linked;
    newPeople += entries.length - linked;
    created.push({ reference: result.reference, id: result.id, sourceReference: row.reference });
  }

  return withUser(db, actor.userId, async (tx) => {
    if (shareWith) {
      for (const c of created)
        await createShare(tx, actor, {
          recordType: INCIDENT,
          recordId: c.id,
          target: { kind: 'organisation', id: shareWith },
          access: 'view',
          reason: `Shared on import from ${file.filename} for the partnership’s daily review`,
          expiresAt: null,
        });
    }
    problems.sort((a, b) => a.line - b.line);
    const log = await tx
      .insertInto('incident_imports')
      .values({
        partnership_id: actor.partnershipId,
        owner_organisation_id: actor.organisationId,
        filename: file.filename,
        rows_read: file.rows.length + file.problems.length,
        created: created.length,
        already_loaded: alreadyLoaded.length,
        rejected: problems.length,
        incident_ids: created.map((c) => c.id),
        problems: JSON.stringify(problems),
        shared_with_organisation_id: shareWith,
        imported_by: actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await auditBy(tx, actor, 'create', RECORD_TYPE, log.id, {
      filename: file.filename,
      created: created.length,
      already_loaded: alreadyLoaded.length,
      rejected: problems.length,
      shared_with: shareWith,
    });
    return { id: log.id, created, alreadyLoaded, problems, linkedPeople, newPeople };
  });
}

export async function viewImport(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const row = await tx
      .selectFrom('incident_imports as m')
      .innerJoin('users as u', 'u.id', 'm.imported_by')
      .leftJoin('organisations as o', 'o.id', 'm.shared_with_organisation_id')
      .selectAll('m')
      .select(['u.display_name', 'o.name as shared_with'])
      .where('m.id', '=', id)
      .executeTakeFirst();
    if (!row) return null;
    await auditBy(tx, actor, 'view', RECORD_TYPE, id);
    return row;
  });
}

/** The incidents a load added that this user can still see, in file order. */
export async function incidentsOfImport(db: Kysely<DB>, actor: Actor, importId: string) {
  return withUser(db, actor.userId, async (tx) => {
    const load = await tx.selectFrom('incident_imports').select('incident_ids').where('id', '=', importId).executeTakeFirst();
    const ids = load?.incident_ids ?? [];
    if (!ids.length) return [];
    const rows = await tx
      .selectFrom('incidents as i')
      .leftJoin('asb_types as t', 't.id', 'i.asb_type_id')
      .select(['i.id', 'i.reference', 'i.source_reference', 'i.occurred_from', 'i.location_text', 'i.category', 't.name as type_name'])
      .where('i.id', 'in', ids)
      .execute();
    const order = new Map(ids.map((id, n) => [id, n]));
    return rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  });
}
