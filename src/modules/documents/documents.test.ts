// Letters and uploads end to end: letters filled in from the partnership's Word templates (unzipped
// and read back), the templates admin pages, uploads checked by content and size, downloads served
// safely and audited as exports, and record-level security by every route and by direct query.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import PizZip from 'pizzip';
import { createTestApp, signIn, userId, auditRows, type TestContext, type Browser } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { documentsFor } from './service.ts';

let ctx: TestContext;
let officer: Browser; // Charnwood Borough Council
let police: Browser; // Leicestershire Police
let admin: Browser; // partnership administrator
let personId: string;
let caseId: string;
let caseRef: string;
let interventionId: string;
let letterId: string;
let pngId: string;

const today = new Date().toISOString().slice(0, 10);
const [ty, tm, td] = today.split('-');
const issuedToday = { 'issued_on-day': String(Number(td)), 'issued_on-month': String(Number(tm)), 'issued_on-year': ty! };

/** Posts a file the way the upload form does: the CSRF token in the query string. */
function upload(b: Browser, url: string, fields: Record<string, string>, file?: { filename: string; content: Buffer; type?: string }, csrf: string | null = b.csrf) {
  return b.upload(url, fields, file, { csrf });
}

/** A real 1×1 PNG: signature, IHDR, IDAT and IEND chunks with their CRCs. */
function png(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(type), data])));
    return Buffer.concat([len, Buffer.from(type), data, crc]);
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.from([0, 255, 0, 0]))), chunk('IEND', Buffer.alloc(0))]);
}

function pdf(): Buffer {
  return Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
}

const documentXml = (docx: Buffer) => new PizZip(docx).file('word/document.xml')!.asText();

before(async () => {
  ctx = await createTestApp();
  officer = await signIn(ctx, 'officer@endeavour.demo');
  police = await signIn(ctx, 'police@endeavour.demo');
  admin = await signIn(ctx, 'admin@endeavour.demo');
  await officer.get('/people/new');
  const p = await officer.post('/people', { first_name: 'Perpetua', last_name: 'Oldroyd' });
  personId = p.headers.location!.split('/').pop()!;
  const u = await userId(ctx, 'officer@endeavour.demo');
  ({ caseId, caseRef } = await withUser(ctx.database.db, u.id, async (tx) => {
    await tx.insertInto('person_addresses').values({ person_id: personId, address: '7 Pinfold Gate, Loughborough', postcode: 'LE11 1BE', postcode_key: 'LE111BE', uprn: null, from_date: null, to_date: null, created_by: u.id }).execute();
    const incident = await tx
      .insertInto('incidents')
      .values({ partnership_id: ctx.demo.partnershipId, owner_organisation_id: u.organisation_id, occurred_from: new Date(), reported_at: new Date(), how_reported: 'council_phone', category: 'nuisance', description: 'Loud parties every weekend', created_by: u.id, updated_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.insertInto('incident_people').values({ incident_id: incident.id, person_id: personId, role: 'perpetrator' }).execute();
    const c = await tx
      .insertInto('cases')
      .values({ partnership_id: ctx.demo.partnershipId, owner_organisation_id: u.organisation_id, title: 'Weekend parties, Pinfold Gate', created_by: u.id, updated_at: new Date() })
      .returning(['id', 'reference'])
      .executeTakeFirstOrThrow();
    await tx.insertInto('case_incidents').values({ case_id: c.id, incident_id: incident.id, added_by: u.id }).execute();
    return { caseId: c.id, caseRef: c.reference };
  }));
  const v = await officer.post('/interventions', { case: caseId, person: personId, kind: 'warning_letter', ...issuedToday, conditions: 'No parties after 11pm' });
  assert.equal(v.statusCode, 302, v.body.slice(0, 1000));
  interventionId = v.headers.location!.split('/').pop()!;
});

after(() => ctx.close());

test('the partnership starts with warning letter, ABC and CPW templates, and the admin page documents the merge fields', async () => {
  const page = await admin.get('/admin/letter-templates');
  assert.equal(page.statusCode, 200);
  for (const name of ['Warning letter', 'Acceptable Behaviour Contract', 'Community Protection Warning']) assert.match(page.body, new RegExp(name));
  for (const field of ['{person.first_name}', '{person.full_name}', '{person.address}', '{case.reference}', '{officer.name}', '{officer.job_title}', '{organisation.name}', '{today}', '{intervention.kind}', '{intervention.issued_on}', '{intervention.expires_on}', '{intervention.conditions}']) {
    assert.ok(page.body.includes(field), field);
  }
  assert.equal((await officer.get('/admin/letter-templates')).statusCode, 403);
});

test('a warning letter is created on the case, names the recipient, and downloads as a Word document', async () => {
  const form = await officer.get(`/cases/${caseId}/letters/new?intervention=${interventionId}`);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /Perpetua Oldroyd/);
  const template = /name="template" type="radio" value="([0-9a-f-]{36})" checked/.exec(form.body);
  assert.ok(template, 'the warning letter template is suggested for a warning letter intervention');
  const res = await officer.post(`/cases/${caseId}/letters`, { template: template[1]!, person: personId, intervention: interventionId });
  assert.equal(res.statusCode, 302, res.body.slice(0, 1500));
  letterId = res.headers.location!.split('/').pop()!;
  const page = await officer.get(`/documents/${letterId}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Warning letter to Perpetua Oldroyd/);
  const dl = await officer.get(`/documents/${letterId}/download`);
  assert.equal(dl.statusCode, 200);
  assert.equal(dl.headers['content-type'], 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  assert.match(String(dl.headers['content-disposition']), /^attachment; filename="warning-letter-case-\d+-\d{4}-\d{2}-\d{2}\.docx"/);
  assert.equal(dl.headers['x-content-type-options'], 'nosniff');
  const xml = documentXml(dl.rawPayload);
  assert.ok(xml.includes('Perpetua Oldroyd'), 'full name merged');
  assert.ok(xml.includes('Dear Perpetua Oldroyd'), 'first and last name merged');
  assert.ok(xml.includes('7 Pinfold Gate') && xml.includes('LE11 1BE'), 'address merged');
  assert.ok(xml.includes(caseRef), 'case reference merged');
  assert.ok(xml.includes('Amira Patel') && xml.includes('ASB officer'), 'officer merged');
  assert.ok(xml.includes('Charnwood Borough Council'), 'organisation merged');
  assert.ok(xml.includes('No parties after 11pm'), 'intervention conditions merged');
  assert.doesNotMatch(xml, /\{[a-z_.]+\}|undefined/);
  const row = await ctx.database.db.selectFrom('documents').select(['kind', 'case_id', 'person_id', 'intervention_id', 'sha256']).where('id', '=', letterId).executeTakeFirstOrThrow();
  assert.deepEqual({ ...row, sha256: row.sha256.length }, { kind: 'letter', case_id: caseId, person_id: personId, intervention_id: interventionId, sha256: 64 });
  const exports = await auditRows(ctx, { action: 'export', recordId: letterId });
  assert.equal(exports.length, 1);
  assert.equal((await auditRows(ctx, { action: 'create', recordId: letterId })).length, 1);
});

test('a letter can be created from the intervention itself, and missing choices are explained', async () => {
  const form = await officer.get(`/interventions/${interventionId}/letters/new`);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /name="person" type="radio" value="[0-9a-f-]{36}" checked/);
  const bad = await officer.post(`/interventions/${interventionId}/letters`, { person: personId });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Select a letter template/);
  const template = /name="template" type="radio" value="([0-9a-f-]{36})"/.exec(form.body)![1]!;
  const res = await officer.post(`/interventions/${interventionId}/letters`, { template, person: personId });
  assert.equal(res.statusCode, 302);
  const u = await userId(ctx, 'officer@endeavour.demo');
  const onCase = await withUser(ctx.database.db, u.id, (tx) => documentsFor(tx, { caseId }));
  assert.equal(onCase.length, 2);
  const onIntervention = await withUser(ctx.database.db, u.id, (tx) => documentsFor(tx, { interventionId }));
  assert.equal(onIntervention.length, 2);
  assert.ok(!('content' in onCase[0]!), 'listing never loads the files');
});

test('uploads are checked by content: a real PNG and PDF are accepted, a renamed program or web page is not', async () => {
  const form = await officer.get(`/documents/upload?case=${caseId}`);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /enctype="multipart\/form-data"/);
  const image = await upload(officer, `/documents/upload?case=${caseId}`, { title: 'Damage to door' }, { filename: 'door.png', content: png(), type: 'image/png' });
  assert.equal(image.statusCode, 302, image.body.slice(0, 1500));
  pngId = image.headers.location!.split('/').pop()!;
  const stored = await ctx.database.db.selectFrom('documents').select(['content_type', 'sha256', 'size_bytes', 'title']).where('id', '=', pngId).executeTakeFirstOrThrow();
  assert.deepEqual(stored, { content_type: 'image/png', sha256: crypto.createHash('sha256').update(png()).digest('hex'), size_bytes: png().length, title: 'Damage to door' });
  // The browser's claimed type and the name do not matter: the bytes do.
  const doc = await upload(officer, `/documents/upload?person=${personId}`, {}, { filename: 'statement.bin', content: pdf(), type: 'text/html' });
  assert.equal(doc.statusCode, 302, doc.body.slice(0, 1500));
  const pdfRow = await ctx.database.db.selectFrom('documents').select(['content_type', 'filename']).where('id', '=', doc.headers.location!.split('/').pop()!).executeTakeFirstOrThrow();
  assert.deepEqual(pdfRow, { content_type: 'application/pdf', filename: 'statement.pdf' });
  const csv = await upload(officer, `/documents/upload?case=${caseId}`, {}, { filename: 'diary.csv', content: Buffer.from('date,what\n2026-03-01,music until 2am\n') });
  assert.equal(csv.statusCode, 302);
  const exe = await upload(officer, `/documents/upload?case=${caseId}`, {}, { filename: 'report.pdf', content: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(510, 0x90)]), type: 'application/pdf' });
  assert.equal(exe.statusCode, 400);
  assert.match(exe.body, /The selected file must be a PDF, Word document/);
  const html = await upload(officer, `/documents/upload?case=${caseId}`, { title: 'Notes' }, { filename: 'notes.txt', content: Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>'), type: 'text/plain' });
  assert.equal(html.statusCode, 400);
  assert.match(html.body, /The selected file must be a PDF/);
  assert.match(html.body, /value="Notes"/);
  const none = await upload(officer, `/documents/upload?case=${caseId}`, { title: 'x' });
  assert.equal(none.statusCode, 400);
  assert.match(none.body, /Select a file to upload/);
});

test('an upload over 10 MB is refused with a clear message, and an upload without the CSRF token is refused', async () => {
  const big = await upload(officer, `/documents/upload?case=${caseId}`, {}, { filename: 'big.txt', content: Buffer.alloc(10 * 1024 * 1024 + 1, 0x61) });
  assert.equal(big.statusCode, 413);
  assert.match(big.body, /The selected file must be smaller than 10 MB/);
  const forged = await upload(officer, `/documents/upload?case=${caseId}`, {}, { filename: 'door.png', content: png() }, null);
  assert.equal(forged.statusCode, 403);
  // A token in the query string counts only for file uploads.
  const plain = await officer.app.inject({ method: 'POST', url: `/interventions/${interventionId}/breaches?_csrf=${encodeURIComponent(officer.csrf)}`, payload: 'details=x', headers: { cookie: [...officer.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(plain.statusCode, 403);
});

test('another organisation cannot see, download or add to these documents by any route', async () => {
  for (const url of [`/documents/${letterId}`, `/documents/${letterId}/download`, `/documents/${letterId}/share`, `/documents/${pngId}/download`, `/documents/upload?case=${caseId}`, `/cases/${caseId}/letters/new`]) {
    const res = await police.get(url);
    assert.equal(res.statusCode, 404, url);
    assert.doesNotMatch(res.body, /Oldroyd/);
  }
  const refused = await upload(police, `/documents/upload?case=${caseId}`, {}, { filename: 'x.png', content: png() });
  assert.equal(refused.statusCode, 404);
  assert.match(String(refused.headers['content-type']), /^text\/html/, 'the upload routes use the application error pages');
  assert.equal((await police.post(`/cases/${caseId}/letters`, { template: letterId, person: personId })).statusCode, 404);
  assert.equal((await police.post(`/documents/${letterId}/share`, { target_kind: 'organisation', access: 'view', reason: 'x' })).statusCode, 404);
  const p = await userId(ctx, 'police@endeavour.demo');
  const rows = await withUser(ctx.database.db, p.id, (tx) => tx.selectFrom('documents').select(['id', 'owner_organisation_id']).execute());
  assert.ok(rows.every((r) => r.owner_organisation_id === p.organisation_id));
  const listed = await withUser(ctx.database.db, p.id, (tx) => documentsFor(tx, { caseId }));
  assert.equal(listed.length, 0);
  const changed = await withUser(ctx.database.db, p.id, (tx) => tx.updateTable('documents').set({ title: 'x' }).where('id', '=', letterId).executeTakeFirst());
  assert.equal(Number(changed.numUpdatedRows), 0);
  assert.equal((await auditRows(ctx, { action: 'export', recordId: letterId })).filter((r) => r.actor_user_id === p.id).length, 0);
});

test('once the letter is shared the police can download it, and the download is audited as their export', async () => {
  const p = await userId(ctx, 'police@endeavour.demo');
  await officer.get(`/documents/${letterId}/share`);
  const res = await officer.post(`/documents/${letterId}/share`, { target_kind: 'organisation', target_organisation: p.organisation_id, access: 'view', reason: 'Evidence for joint visit' });
  assert.equal(res.statusCode, 302);
  const dl = await police.get(`/documents/${letterId}/download`);
  assert.equal(dl.statusCode, 200);
  assert.ok(documentXml(dl.rawPayload).includes('Perpetua Oldroyd'));
  assert.equal((await auditRows(ctx, { action: 'export', recordId: letterId })).filter((r) => r.actor_user_id === p.id).length, 1);
  assert.equal((await auditRows(ctx, { action: 'share', recordId: letterId })).length, 1);
  assert.equal((await police.get(`/documents/${pngId}/download`)).statusCode, 404, 'sharing one document shares only that one');
});

test('administrators upload templates checked by content, replace them, download them and switch them off', async () => {
  await admin.get('/admin/letter-templates');
  const original = fs.readFileSync(path.join(import.meta.dirname, 'templates/warning-letter.docx'));
  const added = await upload(admin, '/admin/letter-templates', { name: 'Final warning', intervention_kind: 'second_warning' }, { filename: 'final warning.docx', content: original });
  assert.equal(added.statusCode, 302, added.body.slice(0, 1500));
  const zip = new PizZip(original);
  zip.file('word/document.xml', zip.file('word/document.xml')!.asText().replace('{today}', '{person.shoe_size}'));
  const unknown = await upload(admin, '/admin/letter-templates', { name: 'Odd' }, { filename: 'odd.docx', content: zip.generate({ type: 'nodebuffer' }) });
  assert.equal(unknown.statusCode, 400);
  assert.match(unknown.body, /merge fields Endeavour does not know: \{person.shoe_size\}/);
  const image = await upload(admin, '/admin/letter-templates', { name: 'Picture' }, { filename: 'picture.docx', content: png() });
  assert.equal(image.statusCode, 400);
  assert.match(image.body, /must be a Word document/);
  const big = await upload(admin, '/admin/letter-templates', { name: 'Huge' }, { filename: 'huge.docx', content: Buffer.alloc(5 * 1024 * 1024 + 1) });
  assert.equal(big.statusCode, 413);
  assert.match(big.body, /smaller than 5 MB/);
  const noName = await upload(admin, '/admin/letter-templates', { name: '' }, { filename: 'x.docx', content: original });
  assert.equal(noName.statusCode, 400);
  assert.match(noName.body, /Enter a name for the template/);
  const replaced = await upload(admin, '/admin/letter-templates', { name: 'Final warning' }, { filename: 'final warning v2.docx', content: original });
  assert.equal(replaced.statusCode, 302);
  const t = await ctx.database.db.selectFrom('letter_templates').select(['id', 'version', 'filename']).where('name', '=', 'Final warning').executeTakeFirstOrThrow();
  assert.equal(t.version, 2);
  assert.equal(t.filename, 'final warning v2.docx');
  const dl = await admin.get(`/admin/letter-templates/${t.id}/download`);
  assert.equal(dl.statusCode, 200);
  assert.match(String(dl.headers['content-disposition']), /^attachment;/);
  assert.equal((await auditRows(ctx, { action: 'export', recordId: t.id })).length, 1);
  const stale = await admin.post(`/admin/letter-templates/${t.id}/deactivate`, { version: '1' });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /Someone else changed this template/);
  const off = await admin.post(`/admin/letter-templates/${t.id}/deactivate`, { version: '2' });
  assert.equal(off.statusCode, 302);
  const letterForm = await officer.get(`/cases/${caseId}/letters/new`);
  assert.doesNotMatch(letterForm.body, /Final warning/);
  assert.ok((await auditRows(ctx, { action: 'admin_update', recordId: t.id })).length >= 2);
});

test("letter templates are the partnership's own: another partnership's are invisible to the app role", async () => {
  const other = await ctx.database.db.insertInto('partnerships').values({ name: 'Elsewhere CSP', short_name: 'Elsewhere', updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
  await ctx.database.db.insertInto('letter_templates').values({ partnership_id: other.id, name: 'Their letter', filename: 'theirs.docx', content: Buffer.from('x') }).execute();
  const u = await userId(ctx, 'officer@endeavour.demo');
  const seen = await withUser(ctx.database.db, u.id, (tx) => tx.selectFrom('letter_templates').select('name').execute());
  assert.ok(seen.length >= 3);
  assert.ok(!seen.some((t) => t.name === 'Their letter'));
});

test('malformed ids answer 404, never 500', async () => {
  for (const url of ['/documents/nope', '/documents/nope/download', '/documents/upload', `/documents/upload?case=${caseId}&person=${personId}`, '/cases/nope/letters/new', '/admin/letter-templates/nope/download']) {
    const b = url.startsWith('/admin') ? admin : officer;
    assert.equal((await b.get(url)).statusCode, 404, url);
  }
});
