// Pages for merging two records of the same person and for undoing a merge: choose the other record,
// compare them side by side (which record to keep, which value of each differing detail, why), and
// undo from the survivor's page. Plain forms: no JavaScript needed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app.ts';
import { setFlash } from '../../platform/http/render.ts';
import { forbidden, notFound, HttpError } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/http/fields.ts';
import { addError, emptyErrors, formValue, type FormErrors } from '../../platform/http/forms.ts';
import { CONTACT_METHODS, VULNERABILITIES, WARNING_MARKERS } from './labels.ts';
import * as merges from './merge-service.ts';
import type { Choice } from './merge-fields.ts';

const WRITERS = ['case_officer', 'coordinator', 'manager', 'partner_user', 'partnership_admin'] as const;
const REASON_MAX = 1000;

type Compared = Awaited<ReturnType<typeof merges.comparison>>;

const LABELS = {
  contactMethods: CONTACT_METHODS,
  vulnerabilityList: VULNERABILITIES,
  warningList: WARNING_MARKERS,
};

const WHAT: Record<string, [string, string]> = {
  'person_aliases.person_id': ['other name', 'other names'],
  'person_addresses.person_id': ['address', 'addresses'],
  'person_links.person_id': ['link to another person', 'links to other people'],
  'person_links.other_person_id': ['link from another person', 'links from other people'],
  'incident_people.person_id': ['incident naming them', 'incidents naming them'],
  'risk_assessments.person_id': ['risk assessment', 'risk assessments'],
  'interventions.person_id': ['intervention', 'interventions'],
  'documents.person_id': ['document', 'documents'],
  'case_reviews.person_id': ['Case Review', 'Case Reviews'],
  'case_review_alerts.person_id': ['Case Review alert', 'Case Review alerts'],
};

/** A blocker in the user's words. */
export function blockerText(b: merges.Blocker, name: string) {
  if (b.table === 'record_shares') {
    return `${name} is shared with ${b.count === 1 ? 'someone' : 'people'} the other record is not shared with, and only the organisation that holds the records can move shares. Ask them to make the merge.`;
  }
  const [one, many] = WHAT[`${b.table}.${b.column}`] ?? [
    `record of a kind Endeavour cannot merge yet (${b.table})`,
    `records of a kind Endeavour cannot merge yet (${b.table})`,
  ];
  if (b.count === null) return `${name}: some ${many} cannot be checked. Ask your administrator.`;
  const it =
    b.count === 1
      ? `${b.count} ${one} is held where you cannot change it`
      : `${b.count} ${many} are held where you cannot change them`;
  return `${name}: ${it}. Ask whoever holds them for edit access, or ask them to make the merge.`;
}

const refusal = (r: { kind: string } & Partial<merges.Refusal>) => {
  switch (r.kind) {
    case 'forbidden':
      return forbidden(
        'You can view this person but not change them, so you cannot merge them. Ask the organisation that holds the record for edit access.',
      );
    case 'merged': {
      const p = (r as { person: { first_name: string; last_name: string } }).person;
      return new HttpError(
        409,
        'merged',
        `${p.first_name} ${p.last_name} has already been merged into another record. Merge with that record instead.`,
      );
    }
    case 'cross_org': {
      const { a, b } = r as Extract<merges.Refusal, { kind: 'cross_org' }>;
      return forbidden(
        `${a.first_name} ${a.last_name} is held by ${a.owner_name} and ${b.first_name} ${b.last_name} by ${b.owner_name}. Only records held by the same organisation can be merged: a merge would move one organisation’s information into the other’s record. Ask ${b.owner_name} to share their record with you instead.`,
      );
    }
    default:
      return notFound('person');
  }
};

export async function personMergeRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const writers = { config: { roles: [...WRITERS] } };

  const ids = (params: unknown, ...names: string[]) => {
    const p = params as Record<string, string | undefined>;
    for (const n of names) if (!isUuid(p[n])) throw notFound(n === 'id' ? 'person' : 'page');
    return names.map((n) => p[n]!);
  };

  // Choosing the other record -------------------------------------------------------------------

  app.get('/people/:id/merge', writers, async (request, reply) => {
    const [id] = ids(request.params, 'id') as [string];
    const raw = (request.query as Record<string, unknown> | undefined)?.q;
    const q = typeof raw === 'string' ? raw.trim().slice(0, 100) || null : null;
    const r = await merges.mergeCandidates(db, request.actor!, id, q);
    if (r.kind !== 'ok') throw refusal(r);
    return reply.render('people/views/merge-choose.njk', {
      pageTitle: 'Merge with another record',
      person: r.person,
      candidates: r.candidates,
      q,
      backLink: `/people/${id}`,
    });
  });

  // The comparison and the merge --------------------------------------------------------------------

  const renderComparison = async (
    request: FastifyRequest,
    reply: FastifyReply,
    aId: string,
    bId: string,
    form: {
      values: Record<string, string>;
      errors?: FormErrors;
      versions?: { a: number; b: number };
      compared?: Compared;
    } = { values: {} },
  ) => {
    const r = form.compared ?? (await merges.comparison(db, request.actor!, aId, bId));
    if (r.kind !== 'ok') throw refusal(r);
    const name = (p: { first_name: string; last_name: string }) => `${p.first_name} ${p.last_name}`;
    return reply.render('people/views/merge-compare.njk', {
      pageTitle: 'Compare and merge records',
      ...r,
      ...LABELS,
      blockedA: r.counts.a.hidden.map((b) => blockerText(b, name(r.a))),
      blockedB: r.counts.b.hidden.map((b) => blockerText(b, name(r.b))),
      versions: form.versions ?? { a: r.a.version, b: r.b.version },
      values: form.values,
      errors: form.errors,
      backLink: `/people/${aId}/merge`,
    });
  };

  app.get('/people/:id/merge/:otherId', writers, async (request, reply) => {
    const [aId, bId] = ids(request.params, 'id', 'otherId') as [string, string];
    return renderComparison(request, reply, aId, bId);
  });

  app.post('/people/:id/merge/:otherId', writers, async (request, reply) => {
    const [aId, bId] = ids(request.params, 'id', 'otherId') as [string, string];
    const body = request.body;
    const compared = await merges.comparison(db, request.actor!, aId, bId);
    if (compared.kind !== 'ok') throw refusal(compared);
    const errors = emptyErrors();
    const values: Record<string, string> = {};
    const survivorId = formValue(body, 'survivor');
    values.survivor = survivorId.slice(0, 40);
    if (survivorId !== aId && survivorId !== bId) addError(errors, 'survivor', 'Select which record to keep');
    const choices: Record<string, Choice> = {};
    for (const f of compared.fields) {
      const v = formValue(body, `keep_${f.key}`);
      values[`keep_${f.key}`] = v.slice(0, 40);
      if (v === aId || v === bId || (v === 'both' && f.combinable)) choices[f.key] = v;
      else if (f.mustChoose || v)
        addError(errors, `keep_${f.key}`, `Select which ${f.label.toLowerCase()} to keep`);
    }
    const reason = formValue(body, 'reason').trim();
    values.reason = formValue(body, 'reason').slice(0, 5000);
    if (!reason) addError(errors, 'reason', 'Enter why you are sure these records are the same person');
    else if (reason.length > REASON_MAX)
      addError(errors, 'reason', `Reason must be ${REASON_MAX.toLocaleString('en-GB')} characters or fewer`);
    const va = Number.parseInt(formValue(body, 'version_a'), 10);
    const vb = Number.parseInt(formValue(body, 'version_b'), 10);
    const versions = Number.isInteger(va) && Number.isInteger(vb) ? { a: va, b: vb } : undefined;
    if (errors.list.length)
      return renderComparison(request, reply.code(400), aId, bId, { values, errors, versions, compared });
    const stale = () =>
      addError(
        emptyErrors(),
        'survivor',
        'Someone changed one of these records since you opened this page. Check the details below again, then merge.',
      );
    if (!versions) return renderComparison(request, reply.code(409), aId, bId, { values, errors: stale() });
    const result = await merges.merge(db, request.actor!, {
      aId,
      bId,
      survivorId,
      versions: { [aId]: versions.a, [bId]: versions.b },
      choices,
      reason,
    });
    if (result.kind === 'conflict')
      return renderComparison(request, reply.code(409), aId, bId, { values, errors: stale() });
    if (result.kind === 'blocked') {
      const dup = survivorId === aId ? compared.b : compared.a;
      const blocked = emptyErrors();
      for (const b of result.blockers)
        blocked.list.push({ text: blockerText(b, `${dup.first_name} ${dup.last_name}`), href: '#survivor' });
      return renderComparison(request, reply.code(409), aId, bId, { values, errors: blocked, versions });
    }
    if (result.kind !== 'ok') throw refusal(result);
    const dup = result.duplicateId === aId ? compared.a : compared.b;
    setFlash(
      reply,
      `The records have been merged: ${dup.first_name} ${dup.last_name}’s record is now part of this one`,
    );
    return reply.redirect(`/people/${result.survivorId}`);
  });

  // Undoing a merge ---------------------------------------------------------------------------------

  const undoRefusal = (r: merges.UnmergeRefusal) => {
    if (r.kind === 'forbidden')
      return forbidden(
        'You can view these records but not change them, so you cannot undo the merge. Ask the organisation that holds them.',
      );
    if (r.kind === 'undone') return new HttpError(409, 'undone', 'This merge has already been undone.');
    if (r.kind === 'survivor_merged') {
      return new HttpError(
        409,
        'survivor_merged',
        `${r.survivor.first_name} ${r.survivor.last_name} has since been merged into another record. Undo that merge first.`,
      );
    }
    return notFound('merge');
  };

  const renderUndo = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    mergeId: string,
    form: { values: Record<string, string>; errors?: FormErrors } = { values: {} },
  ) => {
    const r = await merges.unmergePreview(db, request.actor!, id, mergeId);
    if (r.kind !== 'ok') throw undoRefusal(r);
    return reply.render('people/views/merge-undo.njk', {
      pageTitle: 'Undo a merge',
      ...r,
      personId: id,
      values: form.values,
      errors: form.errors,
      backLink: `/people/${id}`,
    });
  };

  app.get('/people/:id/merges/:mergeId/undo', writers, async (request, reply) => {
    const [id, mergeId] = ids(request.params, 'id', 'mergeId') as [string, string];
    return renderUndo(request, reply, id, mergeId);
  });

  app.post('/people/:id/merges/:mergeId/undo', writers, async (request, reply) => {
    const [id, mergeId] = ids(request.params, 'id', 'mergeId') as [string, string];
    const body = request.body;
    const reason = formValue(body, 'reason').trim();
    const values = { reason: formValue(body, 'reason').slice(0, 5000) };
    const errors = emptyErrors();
    if (!reason) addError(errors, 'reason', 'Enter why the merge is being undone');
    else if (reason.length > REASON_MAX)
      addError(errors, 'reason', `Reason must be ${REASON_MAX.toLocaleString('en-GB')} characters or fewer`);
    if (errors.list.length) return renderUndo(request, reply.code(400), id, mergeId, { values, errors });
    const version = Number.parseInt(formValue(body, 'version'), 10);
    const stale = () =>
      addError(
        emptyErrors(),
        'reason',
        'Someone changed this merge since you opened this page. Check it again, then undo it.',
      );
    if (!Number.isInteger(version))
      return renderUndo(request, reply.code(409), id, mergeId, { values, errors: stale() });
    const result = await merges.unmerge(db, request.actor!, id, mergeId, version, reason);
    if (result.kind === 'conflict')
      return renderUndo(request, reply.code(409), id, mergeId, { values, errors: stale() });
    if (result.kind === 'blocked') {
      const blocked = emptyErrors();
      for (const b of result.blockers)
        blocked.list.push({ text: blockerText(b, 'the merged record'), href: '#reason' });
      return renderUndo(request, reply.code(409), id, mergeId, { values, errors: blocked });
    }
    if (result.kind !== 'ok') throw undoRefusal(result);
    setFlash(
      reply,
      result.kept
        ? `The merge has been undone. ${result.kept} changed or removed since the merge stayed as they are now.`
        : 'The merge has been undone',
    );
    return reply.redirect(`/people/${id}`);
  });
}
