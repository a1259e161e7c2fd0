// A case's timeline: everything that happened on it, newest first, merged from the tables other
// capabilities own (incidents, tasks, risk assessments, interventions, documents, supervision notes
// and reassignments), read here
// directly and read-only. Row-level security decides which of them the viewer sees.
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/with-user.ts';
import { CATEGORY_NAMES, NOTE_KIND_NAMES, PRIORITY_NAMES, type NoteKind } from './labels.ts';

export interface TimelineEntry {
  at: Date;
  kind:
    | 'opened'
    | 'incident'
    | 'note'
    | 'task'
    | 'task_done'
    | 'risk'
    | 'intervention'
    | 'document'
    | 'supervision'
    | 'reassignment';
  title: string;
  who: string | null;
  text: string | null;
  href: string | null;
  linkText: string | null;
}

// Where each record's own page lives; the owning capabilities keep these routes stable.
const PAGES = {
  incident: (id: string) => `/incidents/${id}`,
  task: (id: string) => `/tasks/${id}`,
  risk: (id: string) => `/risk/${id}`,
  intervention: (id: string) => `/interventions/${id}`,
  document: (id: string) => `/documents/${id}`,
};

const TASK_STATUS: Record<string, string> = {
  open: 'open',
  in_progress: 'in progress',
  done: 'done',
  cancelled: 'cancelled',
};

const cut = (s: string | null | undefined, n = 300) =>
  s && s.length > n ? `${s.slice(0, n - 1)}…` : (s ?? null);
const date = (d: string | Date) => new Date(d);
const ukDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
});
const ukDay = (v: string) => ukDate.format(new Date(`${v}T12:00:00Z`));

export async function caseTimeline(
  tx: Tx,
  caseId: string,
  opened: { at: Date | string; by: string; reference: string },
): Promise<TimelineEntry[]> {
  // One after another: a transaction holds one connection, so running them together gains nothing.
  const incidents = await tx
    .selectFrom('case_incidents as ci')
    .innerJoin('incidents as i', 'i.id', 'ci.incident_id')
    .innerJoin('users as u', 'u.id', 'i.created_by')
    .innerJoin('organisations as o', 'o.id', 'i.owner_organisation_id')
    .leftJoin('asb_types as t', 't.id', 'i.asb_type_id')
    .select([
      'i.id',
      'i.reference',
      'i.reported_at',
      'i.occurred_from',
      'i.category',
      't.name as type_name',
      'i.description',
      'u.display_name as who',
      'o.name as org',
    ])
    .where('ci.case_id', '=', caseId)
    .execute();
  const notes = await tx
    .selectFrom('case_notes as n')
    .innerJoin('users as u', 'u.id', 'n.created_by')
    .select(['n.id', 'n.kind', 'n.body', 'n.created_at', 'u.display_name as who'])
    .where('n.case_id', '=', caseId)
    .execute();
  const tasks = await tx
    .selectFrom('tasks as t')
    .innerJoin('users as u', 'u.id', 't.created_by')
    .leftJoin('users as cu', 'cu.id', 't.completed_by')
    .leftJoin('users as au', 'au.id', 't.assigned_user_id')
    .leftJoin('teams as at', 'at.id', 't.assigned_team_id')
    .leftJoin('organisations as ao', 'ao.id', 't.assigned_organisation_id')
    .select([
      't.id',
      't.title',
      't.status',
      't.due_date',
      't.created_at',
      't.completed_at',
      'u.display_name as who',
      'cu.display_name as completed_by_name',
      'au.display_name as assigned_user',
      'at.name as assigned_team',
      'ao.name as assigned_org',
    ])
    .where('t.case_id', '=', caseId)
    .execute();
  const risks = await tx
    .selectFrom('risk_assessments as r')
    .innerJoin('users as u', 'u.id', 'r.assessed_by')
    .innerJoin('risk_questionnaires as q', 'q.id', 'r.questionnaire_id')
    .leftJoin('people as p', 'p.id', 'r.person_id')
    .select([
      'r.id',
      'r.final_band',
      'r.override_band',
      'r.marac_suggested',
      'r.assessed_at',
      'q.name as questionnaire',
      'p.first_name',
      'p.last_name',
      'u.display_name as who',
    ])
    .where('r.case_id', '=', caseId)
    .execute();
  const interventions = await tx
    .selectFrom('interventions as v')
    .innerJoin('users as u', 'u.id', 'v.created_by')
    .select([
      'v.id',
      'v.kind',
      'v.status',
      'v.issued_on',
      'v.expires_on',
      'v.created_at',
      'u.display_name as who',
    ])
    .where('v.case_id', '=', caseId)
    .execute();
  const documents = await tx
    .selectFrom('documents as d')
    .innerJoin('users as u', 'u.id', 'd.created_by')
    .select(['d.id', 'd.kind', 'd.title', 'd.filename', 'd.created_at', 'u.display_name as who'])
    .where('d.case_id', '=', caseId)
    .execute();
  const supervision = await tx
    .selectFrom('case_supervision_notes as n')
    .innerJoin('users as u', 'u.id', 'n.author_id')
    .select(['n.id', 'n.note', 'n.next_review_date', 'n.created_at', 'u.display_name as who'])
    .where('n.case_id', '=', caseId)
    .execute();
  const reassignments = await tx
    .selectFrom('supervision_reassignments as r')
    .innerJoin('users as u', 'u.id', 'r.reassigned_by')
    .innerJoin('users as t', 't.id', 'r.to_user_id')
    .leftJoin('users as f', 'f.id', 'r.from_user_id')
    .select(['r.id', 'r.reason', 'r.reassigned_at', 'u.display_name as who', 't.display_name as to_name', 'f.display_name as from_name'])
    .where('r.case_id', '=', caseId)
    .execute();

  const entries: TimelineEntry[] = [
    {
      at: date(opened.at),
      kind: 'opened',
      title: `Case ${opened.reference} opened`,
      who: opened.by,
      text: null,
      href: null,
      linkText: null,
    },
  ];
  for (const i of incidents) {
    entries.push({
      at: date(i.reported_at),
      kind: 'incident',
      title: `Incident ${i.reference} reported`,
      who: `${i.who} (${i.org})`,
      text: cut(
        [CATEGORY_NAMES[i.category] ?? i.category, i.type_name].filter(Boolean).join(' – ') +
          (i.description ? `. ${i.description}` : ''),
      ),
      href: PAGES.incident(i.id),
      linkText: `View incident ${i.reference}`,
    });
  }
  for (const n of notes) {
    entries.push({
      at: date(n.created_at),
      kind: 'note',
      title: NOTE_KIND_NAMES[n.kind as NoteKind] ?? 'Note',
      who: n.who,
      text: cut(n.body, 1000),
      href: null,
      linkText: null,
    });
  }
  for (const t of tasks) {
    const assignee = t.assigned_user ?? t.assigned_team ?? t.assigned_org ?? 'nobody';
    entries.push({
      at: date(t.created_at),
      kind: 'task',
      title: `Task set: ${t.title}`,
      who: t.who,
      text: `Assigned to ${assignee}${t.due_date ? `, due ${ukDay(t.due_date)}` : ''}. Now ${TASK_STATUS[t.status] ?? t.status}.`,
      href: PAGES.task(t.id),
      linkText: `View task: ${t.title}`,
    });
    if (t.status === 'done' && t.completed_at) {
      entries.push({
        at: date(t.completed_at),
        kind: 'task_done',
        title: `Task done: ${t.title}`,
        who: t.completed_by_name,
        text: null,
        href: PAGES.task(t.id),
        linkText: `View completed task: ${t.title}`,
      });
    }
  }
  for (const r of risks) {
    const who = r.first_name ? ` of ${r.first_name} ${r.last_name}` : '';
    entries.push({
      at: date(r.assessed_at),
      kind: 'risk',
      title: `${r.questionnaire}${who}: ${PRIORITY_NAMES[r.final_band]} risk`,
      who: r.who,
      text:
        [
          r.override_band ? 'Band set by professional judgement.' : null,
          r.marac_suggested ? 'MARAC referral suggested.' : null,
        ]
          .filter(Boolean)
          .join(' ') || null,
      href: PAGES.risk(r.id),
      linkText: `View risk assessment${who} on ${ukDate.format(date(r.assessed_at))}`,
    });
  }
  for (const v of interventions) {
    const kind = v.kind.replace(/_/g, ' ');
    entries.push({
      at: date(v.created_at),
      kind: 'intervention',
      title: `Intervention: ${kind[0]!.toUpperCase()}${kind.slice(1)}`,
      who: v.who,
      text: `Issued ${ukDay(v.issued_on)}${v.expires_on ? `, expires ${ukDay(v.expires_on)}` : ''}. Status: ${v.status}.`,
      href: PAGES.intervention(v.id),
      linkText: `View intervention: ${kind}, issued ${ukDay(v.issued_on)}`,
    });
  }
  for (const d of documents) {
    entries.push({
      at: date(d.created_at),
      kind: 'document',
      title: `${d.kind === 'letter' ? 'Letter' : 'Document'}: ${d.title}`,
      who: d.who,
      text: null,
      href: PAGES.document(d.id),
      linkText: `View ${d.kind === 'letter' ? 'letter' : 'document'}: ${d.title}`,
    });
  }
  for (const n of supervision) {
    entries.push({
      at: date(n.created_at),
      kind: 'supervision',
      title: 'Supervision note',
      who: n.who,
      text: cut(n.note, 1000) + (n.next_review_date ? `\n\nNext review ${ukDay(n.next_review_date)}.` : ''),
      href: null,
      linkText: null,
    });
  }
  for (const r of reassignments) {
    entries.push({
      at: date(r.reassigned_at),
      kind: 'reassignment',
      title: `Case reassigned from ${r.from_name ?? 'nobody'} to ${r.to_name}`,
      who: r.who,
      text: cut(r.reason, 1000),
      href: null,
      linkText: null,
    });
  }
  return entries.sort((a, b) => b.at.getTime() - a.at.getTime());
}

/** The tasks on a case the viewer can see, overdue first (the tasks capability owns the table). */
export function caseTasks(tx: Tx, caseId: string) {
  return tx
    .selectFrom('tasks as t')
    .leftJoin('users as au', 'au.id', 't.assigned_user_id')
    .leftJoin('teams as at', 'at.id', 't.assigned_team_id')
    .leftJoin('organisations as ao', 'ao.id', 't.assigned_organisation_id')
    .select([
      't.id',
      't.title',
      't.status',
      't.priority',
      't.due_date',
      'au.display_name as assigned_user',
      'at.name as assigned_team',
      'ao.name as assigned_org',
      sql<boolean>`t.status IN ('open', 'in_progress') AND t.due_date < current_date`.as('overdue'),
    ])
    .where('t.case_id', '=', caseId)
    .orderBy(sql`t.status IN ('open', 'in_progress')`, 'desc')
    .orderBy(sql`t.status IN ('open', 'in_progress') AND t.due_date < current_date`, 'desc')
    .orderBy('t.due_date', (ob) => ob.asc().nullsLast())
    .orderBy('t.created_at', 'desc')
    .execute();
}
