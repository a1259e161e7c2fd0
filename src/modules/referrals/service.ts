// Referrals between agencies. A user of the organisation holding a person, incident or case refers
// it to another agency with a partnership-defined short form, consent (or the lawful basis for sharing
// without it) and exactly the records they choose to share: each becomes a view share to the
// receiving organisation (platform/access/shares.ts). The receiver accepts or declines (with a
// reason), then completes (with an outcome); the sender may withdraw while it waits. Declining or
// withdrawing stops the shares made for the referral (a trigger in migrations/0018, since the
// receiver does not own the records). Every view, list, change and export is audited.
import type { Kysely } from 'kysely';
import type { DB, ReferralConsent, ReferralField, ReferralLawfulBasis, ReferralRecordType, ReferralStatus, Role } from '../../platform/db/schema.ts';
import { withUser, type Tx } from '../../platform/db/with-user.ts';
import { auditBy } from '../../platform/audit/audit.ts';
import type { Actor } from '../../platform/http/context.ts';
import { notify } from '../notifications/service.ts';
import { createShare } from '../../platform/access/shares.ts';
import { addError, emptyErrors, formValue, formValues, type FormErrors } from '../../platform/http/forms.ts';
import { readAnswers } from './form.ts';
import { CONSENTS, LAWFUL_BASES } from './labels.ts';
import * as repo from './repository.ts';

export const RECORD_TYPE = 'referral';
export const RECORD_TYPES = ['person', 'incident', 'case'] as const satisfies readonly ReferralRecordType[];

// ---- Starting a referral ------------------------------------------------------------------------

/** The record a referral starts from and the active types to choose from; null if the record is not visible. */
export async function start(db: Kysely<DB>, actor: Actor, from: ReferralRecordType, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const c = await repo.candidatesFor(tx, from, id, actor.organisationId);
    if (!c) return null;
    const types = await repo.listTypes(tx, actor.partnershipId, true);
    return { subject: c.subject, types };
  });
}

export interface SendContext {
  type: Awaited<ReturnType<typeof repo.findType>> & {};
  subject: repo.Candidate;
  candidates: repo.Candidate[];
  /** The organisations this type can go to (one when the type names it). */
  destinations: { id: string; name: string }[];
}

/** Everything the referral form needs; null when the record or an active type of the partnership is not found. */
export async function sendContext(db: Kysely<DB>, actor: Actor, from: ReferralRecordType, id: string, typeId: string) {
  return withUser(db, actor.userId, async (tx) => {
    const ctx = await loadSendContext(tx, actor, from, id, typeId);
    // The form names the records around the one the referral starts from: audited as a list of them.
    if (ctx) await auditBy(tx, actor, 'list', RECORD_TYPE, null, { subject: `${from}:${id}`, referral_type_id: typeId, candidates: ctx.candidates.map((c) => `${c.type}:${c.id}`) });
    return ctx;
  });
}

async function loadSendContext(tx: Tx, actor: Actor, from: ReferralRecordType, id: string, typeId: string): Promise<SendContext | null> {
  const type = await repo.findType(tx, typeId);
  if (!type || !type.active || type.partnership_id !== actor.partnershipId) return null;
  const c = await repo.candidatesFor(tx, from, id, actor.organisationId);
  if (!c) return null;
  const orgs = await repo.organisations(tx, actor.partnershipId);
  const wanted = type.to_organisation_id ? [type.to_organisation_id] : type.allowed_organisation_ids;
  const destinations = orgs.filter((o) => wanted.includes(o.id) && o.id !== actor.organisationId);
  // Each candidate once, the record the referral starts from first.
  const seen = new Set<string>();
  const candidates = [c.subject, ...c.others].filter((x) => !seen.has(`${x.type}:${x.id}`) && !!seen.add(`${x.type}:${x.id}`));
  return { type, subject: c.subject, candidates, destinations };
}

export interface SendInput {
  toOrganisationId: string;
  consent: ReferralConsent;
  lawfulBasis: ReferralLawfulBasis | null;
  lawfulBasisReason: string | null;
  answers: Record<string, string>;
  share: { type: ReferralRecordType; id: string }[];
}

/** Reads the referral form against its type: answers, destination, consent and lawful basis, records to share. */
export function readSendForm(ctx: SendContext, body: unknown): { input: SendInput | null; values: Record<string, string | string[]>; errors: FormErrors } {
  const errors = emptyErrors();
  const values: Record<string, string | string[]> = {};
  const read = (k: string, max = 1000) => (values[k] = formValue(body, k).trim().slice(0, max));
  let to = read('to_organisation', 40);
  if (ctx.destinations.length === 1) to = ctx.destinations[0]!.id;
  else if (!ctx.destinations.some((d) => d.id === to)) addError(errors, 'to_organisation', 'Select the organisation to refer to');
  const { answers, values: answerValues } = readAnswers(ctx.type.fields, body, errors);
  Object.assign(values, answerValues);
  const consent = read('consent', 20);
  if (!(CONSENTS as readonly string[]).includes(consent)) addError(errors, 'consent', 'Select whether the person consented to this referral');
  let basis: ReferralLawfulBasis | null = null;
  let reason: string | null = null;
  if (consent === 'refused' || consent === 'not_asked') {
    const b = read('lawful_basis', 40);
    if (!(LAWFUL_BASES as readonly string[]).includes(b)) addError(errors, 'lawful_basis', 'Select the lawful basis for sharing without consent');
    else basis = b as ReferralLawfulBasis;
    reason = read('lawful_basis_reason', 1001);
    if (!reason) addError(errors, 'lawful_basis_reason', 'Enter why you are sharing without consent');
    else if (reason.length > 1000) addError(errors, 'lawful_basis_reason', 'Why you are sharing without consent must be 1,000 characters or fewer');
  }
  const chosen = [...new Set(formValues(body, 'share').slice(0, 100))];
  values.share = chosen;
  const share = ctx.candidates.filter((c) => c.owned && chosen.includes(`${c.type}:${c.id}`)).map((c) => ({ type: c.type, id: c.id }));
  if (share.length !== chosen.length) addError(errors, 'share', 'Select only records your organisation holds');
  else if (share.length === 0) addError(errors, 'share', 'Select at least one record to share with the referral');
  if (errors.list.length) return { input: null, values, errors };
  return { input: { toOrganisationId: to, consent: consent as ReferralConsent, lawfulBasis: basis, lawfulBasisReason: reason, answers, share }, values, errors };
}

export type SendResult = { kind: 'sent'; id: string; reference: string } | { kind: 'not_found' } | { kind: 'invalid'; ctx: SendContext; values: Record<string, string | string[]>; errors: FormErrors };

/** Sends a referral: the referral, one view share of each chosen record to the receiving organisation, and their links, in one transaction. */
export async function send(db: Kysely<DB>, actor: Actor, from: ReferralRecordType, id: string, typeId: string, body: unknown): Promise<SendResult> {
  return withUser(db, actor.userId, async (tx) => {
    const ctx = await loadSendContext(tx, actor, from, id, typeId);
    if (!ctx) return { kind: 'not_found' };
    const { input, values, errors } = readSendForm(ctx, body);
    if (!input) return { kind: 'invalid', ctx, values, errors };
    const row = await repo.insertReferral(tx, {
      partnershipId: actor.partnershipId,
      typeId: ctx.type.id,
      typeName: ctx.type.name,
      form: ctx.type.fields,
      answers: input.answers,
      organisationId: actor.organisationId,
      toOrganisationId: input.toOrganisationId,
      subjectType: from,
      subjectId: id,
      consent: input.consent,
      lawfulBasis: input.lawfulBasis,
      lawfulBasisReason: input.lawfulBasisReason,
      userId: actor.userId,
    });
    for (const r of input.share) {
      const shareId = await createShare(tx, actor, {
        recordType: r.type,
        recordId: r.id,
        target: { kind: 'organisation', id: input.toOrganisationId },
        access: 'view',
        reason: `Referral ${row.reference}: ${ctx.type.name}`.slice(0, 500),
        expiresAt: null,
      });
      await repo.insertRecord(tx, row.id, r.type, r.id, shareId);
    }
    await auditBy(tx, actor, 'create', RECORD_TYPE, row.id, {
      referral_type_id: ctx.type.id,
      to_organisation_id: input.toOrganisationId,
      consent: input.consent,
      lawful_basis: input.lawfulBasis,
      records: input.share.map((r) => `${r.type}:${r.id}`),
    });
    await notify(tx, await referralRecipients(tx, row.id, 'sent'), {
      kind: 'referral_received',
      title: `Referral ${row.reference} has been sent to your organisation`,
      href: `/referrals/${row.id}`,
      recordType: RECORD_TYPE,
      recordId: row.id,
    });
    return { kind: 'sent', id: row.id, reference: row.reference };
  });
}

// ---- Queues and the referral page ----------------------------------------------------------------

export async function queues(db: Kysely<DB>, actor: Actor, status: ReferralStatus | null) {
  return withUser(db, actor.userId, async (tx) => {
    const received = await repo.received(tx, actor.organisationId, status);
    const sent = await repo.sent(tx, actor.organisationId, status);
    await auditBy(tx, actor, 'list', RECORD_TYPE, null, { status, received: received.length, sent: sent.length });
    return { received, sent };
  });
}

export async function waitingCount(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, (tx) => repo.waitingCount(tx, actor.organisationId));
}

export async function view(db: Kysely<DB>, actor: Actor, id: string) {
  return withUser(db, actor.userId, async (tx) => {
    const referral = await repo.findReferral(tx, id);
    if (!referral) return null;
    const rows = await repo.records(tx, id);
    const labels = await repo.recordLabels(tx, rows);
    const records = rows.map((r) => ({ ...r, label: labels.get(`${r.record_type}:${r.record_id}`) ?? null }));
    const receiver = referral.to_organisation_id === actor.organisationId;
    const sender = referral.owner_organisation_id === actor.organisationId;
    await auditBy(tx, actor, 'view', RECORD_TYPE, id, { status: referral.status });
    return {
      referral,
      records,
      receiver,
      sender,
      can: {
        decide: receiver && referral.status === 'sent',
        complete: receiver && referral.status === 'accepted',
        withdraw: sender && referral.status === 'sent',
      },
    };
  });
}

export type StepResult = { kind: 'ok' } | { kind: 'not_found' } | { kind: 'forbidden' } | { kind: 'stale' };

/** Takes a lifecycle step for the actor's organisation, audited; a decline or withdrawal also audits the shares it stopped. */
export async function step(db: Kysely<DB>, actor: Actor, id: string, version: number, s: repo.Step): Promise<StepResult> {
  return withUser(db, actor.userId, async (tx) => {
    const referral = await repo.findReferral(tx, id);
    if (!referral) return { kind: 'not_found' };
    const mine = s.status === 'withdrawn' ? referral.owner_organisation_id : referral.to_organisation_id;
    if (mine !== actor.organisationId || s.userId !== actor.userId) return { kind: 'forbidden' };
    // The shares still live before the step: a decline or withdrawal stops exactly these.
    const live = (await repo.records(tx, id)).filter((r) => r.revoked_at === null);
    if (!(await repo.takeStep(tx, id, version, s))) return { kind: 'stale' };
    const detail = s.status === 'declined' || s.status === 'withdrawn' ? { has_reason: !!s.reason } : {};
    await auditBy(tx, actor, 'update', RECORD_TYPE, id, { status: s.status, from: referral.status, ...detail });
    if (s.status === 'declined' || s.status === 'withdrawn') {
      for (const r of live) {
        await auditBy(tx, actor, 'unshare', r.record_type, r.record_id, { share_id: r.share_id, referral_id: id, because: s.status });
      }
    }
    await notify(tx, await referralRecipients(tx, id, s.status), {
      kind: s.status === 'withdrawn' ? 'referral_received' : 'referral_updated',
      title: `Referral ${referral.reference} has been ${s.status}`,
      href: `/referrals/${id}`,
      recordType: RECORD_TYPE,
      recordId: id,
    });
    return { kind: 'ok' };
  });
}

// ---- Who to tell -------------------------------------------------------------------------------------

export type ReferralEvent = 'sent' | 'accepted' | 'declined' | 'completed' | 'withdrawn';
/** Roles at the receiving organisation told of a new (or withdrawn) referral. */
export const RECEIVER_ROLES: readonly Role[] = ['partner_user', 'case_officer'];

/**
 * The user ids to tell about a referral event, for the notifications module: a sent (or withdrawn)
 * referral goes to the receiving organisation's active partner users and case officers; an
 * acceptance, decline or completion goes back to the sender if still active. Call it inside the
 * transaction that took the step (it reads the referral under that transaction's row-level security).
 */
export async function referralRecipients(tx: Tx, referralId: string, event: ReferralEvent): Promise<string[]> {
  const r = await tx.selectFrom('referrals').select(['to_organisation_id', 'sent_by']).where('id', '=', referralId).executeTakeFirst();
  if (!r) return [];
  if (event === 'sent' || event === 'withdrawn') return repo.usersWithRoles(tx, r.to_organisation_id, RECEIVER_ROLES);
  return (await repo.activeUser(tx, r.sent_by)) ? [r.sent_by] : [];
}

// ---- Timings ---------------------------------------------------------------------------------------

export async function timings(db: Kysely<DB>, actor: Actor, from: string, to: string, purpose: 'view' | 'export') {
  const fromDate = new Date(`${from}T00:00:00Z`);
  const toDate = new Date(new Date(`${to}T00:00:00Z`).getTime() + 86_400_000);
  return withUser(db, actor.userId, async (tx) => {
    const counts = await repo.countsByTypeAndStatus(tx, actor.organisationId, fromDate, toDate);
    const durations = await repo.durations(tx, actor.organisationId, fromDate, toDate);
    await auditBy(tx, actor, purpose === 'export' ? 'export' : 'list', 'referral_timings', null, { from, to, format: purpose === 'export' ? 'csv' : 'page' });
    const types = [...new Set(counts.map((c) => c.type_name))];
    const byType = types.map((t) => {
      const n: Record<string, number> = {};
      for (const c of counts.filter((c) => c.type_name === t)) n[c.status] = c.n;
      return { type: t, counts: n, total: Object.values(n).reduce((a, b) => a + b, 0), durations: durations.find((d) => d.type_name === t) ?? null };
    });
    const overall = durations.find((d) => d.type_name === null) ?? null;
    const totals: Record<string, number> = {};
    for (const c of counts) totals[c.status] = (totals[c.status] ?? 0) + c.n;
    return { byType, overall, totals, total: Object.values(totals).reduce((a, b) => a + b, 0) };
  });
}

export type TimingsReport = Awaited<ReturnType<typeof timings>>;

/** The same figures as CSV (days to one decimal place). */
export function timingsCsv(report: TimingsReport, statusNames: Record<string, string>) {
  const statuses = Object.keys(statusNames);
  const cell = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    // Guards against a spreadsheet reading a type's name as a formula.
    const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
    return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const days = (v: number | null) => (v === null ? null : v.toFixed(1));
  const head = ['Referral type', 'Total', ...statuses.map((s) => statusNames[s]!), 'Accepted (n)', 'Median days sent to accepted', '90th percentile days sent to accepted', 'Completed (n)', 'Median days accepted to completed', '90th percentile days accepted to completed'];
  const line = (name: string, total: number, counts: Record<string, number>, d: repo.Durations | null) =>
    [name, total, ...statuses.map((s) => counts[s] ?? 0), d?.accepted_n ?? 0, days(d?.accept_median ?? null), days(d?.accept_p90 ?? null), d?.completed_n ?? 0, days(d?.complete_median ?? null), days(d?.complete_p90 ?? null)].map(cell).join(',');
  const lines = [head.map(cell).join(','), ...report.byType.map((t) => line(t.type, t.total, t.counts, t.durations)), line('All types', report.total, report.totals, report.overall)];
  return `${lines.join('\r\n')}\r\n`;
}

// ---- Types (administration) ---------------------------------------------------------------------

export async function typesForAdmin(db: Kysely<DB>, actor: Actor) {
  return withUser(db, actor.userId, async (tx) => {
    const types = await repo.listTypes(tx, actor.partnershipId, false);
    const organisations = await repo.organisations(tx, actor.partnershipId);
    await auditBy(tx, actor, 'admin_view', 'referral_type', null, { count: types.length });
    return { types, organisations };
  });
}

export async function typeForEdit(db: Kysely<DB>, actor: Actor, id: string | null) {
  return withUser(db, actor.userId, async (tx) => {
    const organisations = await repo.organisations(tx, actor.partnershipId);
    if (id === null) return { type: null, organisations };
    const type = await repo.findType(tx, id);
    if (!type || type.partnership_id !== actor.partnershipId) return null;
    return { type, organisations };
  });
}

export type SaveTypeResult = { kind: 'ok'; id: string } | { kind: 'not_found' } | { kind: 'name_taken' } | { kind: 'stale' };

export async function saveType(db: Kysely<DB>, actor: Actor, id: string | null, version: number, v: repo.TypeValues): Promise<SaveTypeResult> {
  return withUser(db, actor.userId, async (tx) => {
    if (await repo.typeNameTaken(tx, actor.partnershipId, v.name, id)) return { kind: 'name_taken' };
    if (id === null) {
      const row = await repo.insertType(tx, actor.partnershipId, actor.userId, v);
      await auditBy(tx, actor, 'admin_create', 'referral_type', row.id, { fields: v.fields.length });
      return { kind: 'ok', id: row.id };
    }
    const type = await repo.findType(tx, id);
    if (!type || type.partnership_id !== actor.partnershipId) return { kind: 'not_found' };
    if (!(await repo.updateType(tx, id, version, actor.userId, v))) return { kind: 'stale' };
    await auditBy(tx, actor, 'admin_update', 'referral_type', id, { fields: v.fields.map((f) => f.key) });
    return { kind: 'ok', id };
  });
}

export async function setTypeActive(db: Kysely<DB>, actor: Actor, id: string, active: boolean) {
  return withUser(db, actor.userId, async (tx) => {
    const type = await repo.findType(tx, id);
    if (!type || type.partnership_id !== actor.partnershipId) return false;
    await repo.updateType(tx, id, type.version, actor.userId, { active });
    await auditBy(tx, actor, 'admin_update', 'referral_type', id, { active });
    return true;
  });
}

export type { ReferralField };
