// Documents: uploads and generated letters, stored with the case, incident, person or intervention
// they belong to and protected like any other record (owner organisation or a share). Letters are
// filled in from the partnership's own Word templates. Every view, download, upload and template
// change is audited.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import { accessTo, createShare, listShares } from '../../platform/access/shares.ts';
import { kindByKey } from '../interventions/kinds.ts';
import { sha256 } from './file-check.ts';
import { mergeLetter, type MergeData } from './letters.ts';
import * as repo from './repository.ts';

export const RECORD_TYPE = 'document';
export const TEMPLATE_RECORD_TYPE = 'letter_template';
export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export type DocumentFilter = repo.DocumentFilter;

/**
 * The documents on a record that the user may see, newest first and without their content, for
 * other capabilities' pages (a case, incident or person page), inside the caller's own withUser
 * transaction; the caller audits its own page view.
 */
export function documentsFor(tx: Tx, filter: DocumentFilter) {
  return repo.listDocuments(tx, filter);
}

export type ContainerType = 'case' | 'incident' | 'person' | 'intervention';

export interface Container {
  type: ContainerType;
  id: string;
  label: string;
  href: string;
  ownerOrganisationId: string;
  ownerName: string;
}

type ContainerResult = { kind: 'ok'; container: Container } | { kind: 'not_found' } | { kind: 'forbidden' };

const COLUMN: Record<ContainerType, 'case_id' | 'incident_id' | 'person_id' | 'intervention_id'> = {
  case: 'case_id',
  incident: 'incident_id',
  person: 'person_id',
  intervention: 'intervention_id',
};

async function findContainer(tx: Tx, type: ContainerType, id: string): Promise<Container | null> {
  if (type === 'case') {
    const c = await repo.findCase(tx, id);
    return c ? { type, id, label: `Case ${c.reference}`, href: `/cases/${id}`, ownerOrganisationId: c.owner_organisation_id, ownerName: c.owner_name } : null;
  }
  if (type === 'incident') {
    const i = await repo.findIncident(tx, id);
    return i ? { type, id, label: `Incident ${i.reference}`, href: `/incidents/${id}`, ownerOrganisationId: i.owner_organisation_id, ownerName: i.owner_name } : null;
  }
  if (type === 'person') {
    const p = await repo.findPerson(tx, id);
    return p ? { type, id, label: `${p.first_name} ${p.last_name}`, href: `/people/${id}`, ownerOrganisationId: p.owner_organisation_id, ownerName: p.owner_name } : null;
  }
  const v = await repo.findIntervention(tx, id);
  return v ? { type, id, label: kindByKey(v.kind)?.label ?? 'Intervention', href: `/interventions/${id}`, ownerOrganisationId: v.owner_organisation_id, ownerName: v.owner_name } : null;
}

/** The record a document is added to: it must be visible (else 404) and changeable (else 403). */
async function editableContainer(tx: Tx, actor: Actor, type: ContainerType, id: string): Promise<ContainerResult> {
  const container = await findContainer(tx, type, id);
  if (!container) return { kind: 'not_found' };
  const access = await accessTo(tx, type, id, container.ownerOrganisationId, actor.organisationId);
  return access.edit ? { kind: 'ok', container } : { kind: 'forbidden' };
}

export function uploadContext(db: Kysely<DB>, actor: Actor, type: ContainerType, id: string) {
  return withUser(db, actor.userId, (tx) => editableContainer(tx, actor, type, id));
}

/** Added to another organisation's record through an edit share: its owner sees the document too. */
async function shareBack(tx: Tx, actor: Actor, documentId: string, container: Container) {
  if (container.ownerOrganisationId === actor.organisationId) return;
  await createShare(tx, actor, {
    recordType: RECORD_TYPE,
    recordId: documentId,
    target: { kind: 'organisation', id: container.ownerOrganisationId },
    access: 'view',
    reason: `Added to ${container.type === 'person' ? 'a person' : container.label}, held by ${container.ownerName}`,
    expiresAt: null,
  });
}

export interface NewUpload {
  title: string;
  filename: string;
  contentType: string;
  content: Buffer;
}

export async function uploadDocument(db: Kysely<DB>, actor: Actor, type: ContainerType, id: string, file: NewUpload): Promise<{ kind: 'not_found' | 'forbidden' } | { kind: 'created'; id: string }> {
  return withUser(db, actor.userId, async (tx) => {
    const found = await editableContainer(tx, actor, type, id);
    if (found.kind !== 'ok') return found;
    const row = await repo.insertDocument(tx, {
      partnership_id: actor.partnershipId,
      owner_organisation_id: actor.organisationId,
      [COLUMN[type]]: id,
      kind: 'upload',
      title: file.title,
      filename: file.filename,
      content_type: file.contentType,
      size_bytes: file.content.length,
      sha256: sha256(file.content),
      content: file.content,
      created_by: actor.userId,
    });
    await auditBy(tx, actor, 'create', RECORD_TYPE, row.id, { kind: 'upload', [COLUMN[type]]: id, content_type: file.contentType, size_bytes: file.content.length });
    await shareBack(tx, actor, row.id, found.container);
    return { kind: 'created', id: row.id };
  });
}

export async function viewDocument(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const document = await repo.findDocument(tx, id);
    if (!document) return null;
    const access = await accessTo(tx, RECORD_TYPE, id, document.owner_organisation_id, actor.organisationId);
    const shares = access.share ? await listShares(tx, RECORD_TYPE, id) : [];
    await auditBy(tx, actor, 'view', RECORD_TYPE, id);
    return { document, access, shares };
  });
}

/** The file itself, for download; audited as an export because it leaves Endeavour. */
export async function downloadDocument(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const doc = await repo.documentContent(tx, id);
    if (!doc) return null;
    await auditBy(tx, actor, 'export', RECORD_TYPE, id, { format: doc.content_type, size_bytes: doc.size_bytes });
    return doc;
  });
}

export async function shareable(tx: Tx, id: string) {
  const d = await repo.findDocument(tx, id);
  return d ? { owner_organisation_id: d.owner_organisation_id, caption: d.title } : undefined;
}

// Letters ------------------------------------------------------------------------------------------

export interface LetterSource {
  caseId: string | null;
  interventionId: string | null;
}

const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
const isoDate = (iso: string) => longDate.format(new Date(`${iso}T12:00:00Z`));

async function letterSource(tx: Tx, actor: Actor, source: LetterSource) {
  const intervention = source.interventionId ? await repo.findIntervention(tx, source.interventionId) : null;
  if (source.interventionId && !intervention) return { kind: 'not_found' as const };
  const caseId = source.caseId ?? intervention?.case_id ?? null;
  const caseRow = caseId ? await repo.findCase(tx, caseId) : null;
  if (source.caseId && !caseRow) return { kind: 'not_found' as const };
  if (intervention && source.caseId && intervention.case_id !== source.caseId) return { kind: 'not_found' as const };
  // The letter is stored on the case if there is one, else on the intervention: that must be changeable.
  const container = caseRow ? await editableContainer(tx, actor, 'case', caseRow.id) : await editableContainer(tx, actor, 'intervention', intervention!.id);
  if (container.kind !== 'ok') return container;
  return { kind: 'ok' as const, intervention: intervention ?? null, caseRow: caseRow ?? null, container: container.container };
}

/** What the new-letter page needs: templates, possible recipients and the case's interventions. */
export async function letterContext(db: Kysely<DB>, actor: Actor, source: LetterSource) {
  return withUser(db, actor.userId, async (tx) => {
    const s = await letterSource(tx, actor, source);
    if (s.kind !== 'ok') return s;
    const templates = await repo.listTemplates(tx, { activeOnly: true });
    const people = s.caseRow ? await repo.casePeople(tx, s.caseRow.id) : [];
    if (s.intervention?.person_id && !people.some((p) => p.id === s.intervention!.person_id)) {
      const p = await repo.findPerson(tx, s.intervention.person_id);
      if (p) people.unshift({ id: p.id, first_name: p.first_name, last_name: p.last_name, roles: [] });
    }
    const interventions = s.caseRow ? await repo.caseInterventions(tx, s.caseRow.id) : s.intervention ? [{ id: s.intervention.id, kind: s.intervention.kind, issued_on: s.intervention.issued_on, person_id: s.intervention.person_id }] : [];
    return { ...s, templates, people, interventions: interventions.map((v) => ({ ...v, label: kindByKey(v.kind)?.label ?? v.kind })) };
  });
}

export interface LetterRequest {
  templateId: string;
  personId: string;
  interventionId: string | null;
}

export type LetterResult = { kind: 'created'; id: string } | { kind: 'not_found' } | { kind: 'forbidden' } | { kind: 'invalid'; field: string; message: string };

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'letter';

/** Address lines for a letter: one per part, with the postcode last if it is not already there. */
function addressLines(address: string | null, postcode: string | null) {
  const parts = (address ?? '').split(/\s*[,\n]\s*/).filter(Boolean);
  if (postcode && !parts.some((p) => p.replace(/\s/g, '').toUpperCase() === postcode.replace(/\s/g, '').toUpperCase())) parts.push(postcode);
  return parts.join('\n');
}

export async function generateLetter(db: Kysely<DB>, actor: Actor, source: LetterSource, request: LetterRequest, today = new Date()): Promise<LetterResult> {
  return withUser(db, actor.userId, async (tx) => {
    const s = await letterSource(tx, actor, source);
    if (s.kind !== 'ok') return s;
    const template = await repo.findTemplate(tx, request.templateId);
    if (!template || !template.active) return { kind: 'invalid', field: 'template', message: 'Select a letter template from the list' };
    const person = await repo.findPerson(tx, request.personId);
    if (!person) return { kind: 'invalid', field: 'person', message: 'Select who the letter is to' };
    const interventionId = request.interventionId ?? s.intervention?.id ?? null;
    const intervention = interventionId ? (interventionId === s.intervention?.id ? s.intervention : await repo.findIntervention(tx, interventionId)) : null;
    if (interventionId && (!intervention || (s.caseRow && intervention.case_id !== s.caseRow.id))) return { kind: 'invalid', field: 'intervention', message: 'Select an intervention on this case' };
    const me = await repo.officer(tx, actor.userId);
    const data: MergeData = {
      person: {
        first_name: person.first_name,
        last_name: person.last_name,
        full_name: `${person.first_name} ${person.last_name}`,
        address: addressLines(person.address, person.postcode),
        postcode: person.postcode ?? '',
      },
      case: s.caseRow ? { reference: s.caseRow.reference, title: s.caseRow.title } : {},
      officer: { name: me.display_name, job_title: me.job_title ?? '', email: me.email },
      organisation: { name: me.organisation_name },
      partnership: { name: me.partnership_name },
      today: longDate.format(today),
      intervention: intervention
        ? {
            kind: kindByKey(intervention.kind)?.label ?? intervention.kind,
            issued_on: isoDate(intervention.issued_on),
            expires_on: intervention.expires_on ? isoDate(intervention.expires_on) : intervention.indefinite ? 'no end date' : '',
            review_on: intervention.review_on ? isoDate(intervention.review_on) : '',
            conditions: intervention.conditions ?? '',
          }
        : {},
    };
    let content: Buffer;
    try {
      content = mergeLetter(template.content, data);
    } catch (err) {
      return { kind: 'invalid', field: 'template', message: `${(err as Error).message}. Ask your administrator to correct the template` };
    }
    const day = today.toISOString().slice(0, 10);
    const row = await repo.insertDocument(tx, {
      partnership_id: actor.partnershipId,
      owner_organisation_id: actor.organisationId,
      case_id: s.caseRow?.id ?? null,
      intervention_id: intervention?.id ?? null,
      person_id: person.id,
      kind: 'letter',
      title: `${template.name} to ${person.first_name} ${person.last_name}`,
      filename: `${slug(template.name)}-${s.caseRow ? s.caseRow.reference.toLowerCase() : 'letter'}-${day}.docx`,
      content_type: DOCX,
      size_bytes: content.length,
      sha256: sha256(content),
      content,
      created_by: actor.userId,
    });
    await auditBy(tx, actor, 'create', RECORD_TYPE, row.id, { kind: 'letter', template_id: template.id, template_version: template.version, case_id: s.caseRow?.id ?? null, intervention_id: intervention?.id ?? null, person_id: person.id });
    await shareBack(tx, actor, row.id, s.container);
    return { kind: 'created', id: row.id };
  });
}

// Letter templates (partnership administrators) ----------------------------------------------------

export async function listTemplates(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, async (tx) => {
    const templates = await repo.listTemplates(tx, { activeOnly: false });
    await auditBy(tx, actor, 'admin_view', TEMPLATE_RECORD_TYPE, null, { shown: templates.length });
    return templates;
  });
}

export async function saveTemplate(db: Kysely<DB>, actor: Actor, t: { name: string; interventionKind: string | null; filename: string; content: Buffer }) {
  return withUser(db, actor.userId, async (tx) => {
    const existing = await repo.findTemplateByName(tx, actor.partnershipId, t.name);
    if (existing) {
      const version = await repo.replaceTemplate(tx, existing.id, { intervention_kind: t.interventionKind, filename: t.filename, content: t.content, uploaded_by: actor.userId });
      await auditBy(tx, actor, 'admin_update', TEMPLATE_RECORD_TYPE, existing.id, { fields: ['content', 'intervention_kind', 'active'], version, sha256: sha256(t.content) });
      return { id: existing.id, replaced: true };
    }
    const row = await repo.insertTemplate(tx, { partnership_id: actor.partnershipId, name: t.name, intervention_kind: t.interventionKind, filename: t.filename, content: t.content, uploaded_by: actor.userId });
    await auditBy(tx, actor, 'admin_create', TEMPLATE_RECORD_TYPE, row.id, { sha256: sha256(t.content) });
    return { id: row.id, replaced: false };
  });
}

export async function downloadTemplate(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const t = await repo.findTemplate(tx, id);
    if (!t) return null;
    await auditBy(tx, actor, 'export', TEMPLATE_RECORD_TYPE, id, { version: t.version });
    return t;
  });
}

export type ToggleResult = 'ok' | 'not_found' | 'conflict';

export async function setTemplateActive(db: Kysely<DB>, actor: Actor, id: string, version: number, active: boolean): Promise<ToggleResult> {
  return withUser(db, actor.userId, async (tx) => {
    const t = await repo.findTemplate(tx, id);
    if (!t) return 'not_found';
    if (!(await repo.setTemplateActive(tx, id, version, active))) return 'conflict';
    await auditBy(tx, actor, 'admin_update', TEMPLATE_RECORD_TYPE, id, { fields: ['active'], version: version + 1 });
    return 'ok';
  });
}
