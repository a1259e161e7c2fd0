// Board reports by their routes and through the app's database role: generating a quarter's report
// in the seeds' shape, writing a section (and what happens when two people do), the print view, the
// PDF (a real PDF with every section heading) and the CSV (equal to the appendix table), who may do
// what, by route and by row-level security, and the audit of each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { sql } from 'kysely';
import { parse } from 'csv-parse/sync';
import { createTestApp, signIn, userId, auditRows, type TestContext, type Browser } from '../../test/harness.ts';
import { withUser } from '../../platform/db/with-user.ts';
import { tablesByQa } from '../dashboard/test-support.ts';

let ctx: TestContext;
let analyst: Browser;
let board: Browser;
let coordinator: Browser;
let reportId: string;

before(async () => {
  ctx = await createTestApp();
  analyst = await signIn(ctx, 'analyst@endeavour.demo');
  board = await signIn(ctx, 'board@endeavour.demo');
  coordinator = await signIn(ctx, 'coordinator@endeavour.demo');
});
after(() => ctx.close());

/** Every piece of text a PDF draws, from its (deflated) content streams: PDFKit writes standard-font text as hex strings. */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const parts: string[] = [];
  for (const m of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let body: string;
    try {
      body = zlib.inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1');
    } catch {
      body = m[1]!;
    }
    for (const op of body.matchAll(/\[((?:<[0-9a-fA-F]*>|[\s\d.-])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
      const hexes = op[1] !== undefined ? [...op[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]!) : [op[2]!];
      parts.push(hexes.map((h) => Buffer.from(h, 'hex').toString('latin1')).join(''));
    }
  }
  return parts.join('');
}

/** Whether the PDF draws the text, however its lines and words were split into pieces. */
const draws = (pdf: string, text: string) => pdf.replace(/\s+/g, '').includes(text.replace(/\s+/g, ''));

const csvRows = (body: string): string[][] => parse(body.replace(/^\ufeff/, '')) as string[][];
const plain = (cell: string) => (cell === 'no figure' ? '' : /^-?[\d,]+(\.\d+)?%?$/.test(cell) ? cell.replace(/[,%]/g, '') : cell);

test('generating needs a financial year and a quarter: mistakes are shown in the error summary with what was typed', async () => {
  await analyst.get('/board-reports');
  const empty = await analyst.post('/board-reports', {});
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /govuk-error-summary/);
  assert.match(empty.body, /<a href="#year">Enter the financial year, like 2023\/24<\/a>/);
  assert.match(empty.body, /<a href="#quarter">Select a quarter<\/a>/);
  const bad = await analyst.post('/board-reports', { year: '2023/25', quarter: '2' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Financial year must be two years next to each other/);
  assert.match(bad.body, /value="2023\/25"/);
  const future = await analyst.post('/board-reports', { year: '2040/41', quarter: '1' });
  assert.equal(future.statusCode, 400);
  assert.match(future.body, /2040\/41 Q1 has not started yet/);
  assert.equal((await ctx.database.db.selectFrom('board_reports').select('id').execute()).length, 0);
});

test("an analyst generates a quarter's report in the seeds' shape: summary, a section per priority with its figures, recommendations, the dashboard as an appendix", async () => {
  const me = await userId(ctx, 'analyst@endeavour.demo');
  await analyst.get('/board-reports');
  const res = await analyst.post('/board-reports', { year: '2026/27', quarter: '1' });
  assert.equal(res.statusCode, 302);
  reportId = /^\/board-reports\/([0-9a-f-]{36})$/.exec(res.headers.location!)![1]!;
  const page = await analyst.get(res.headers.location!);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<h1 class="govuk-heading-l">Safer communities performance 2026\/27 Q1<\/h1>/);
  assert.match(page.body, /The report for 2026\/27 Q1 has been generated/);
  const headings = [...page.body.matchAll(/<h2 class="govuk-heading-m" id="section-[^"]+-heading">\d+\. ([^<]+)<\/h2>/g)].map((m) => m[1]!.replace(/&#39;/g, "'"));
  assert.deepEqual(headings.slice(0, 2), ['Introduction', 'Report summary']);
  assert.equal(headings.at(-1), 'Recommendations');
  assert.ok(headings.includes('Ongoing reductions in crime'));
  assert.ok(headings.includes('Anti-social behaviour and satisfaction'));
  // Each priority's section has its figures; the appendix has every indicator.
  assert.equal(tablesByQa(page.body, 'priority-table').length, headings.length - 3);
  const [appendix] = tablesByQa(page.body, 'appendix-table');
  assert.deepEqual(appendix![0], ['Outcome', 'Overall rating', 'Indicator', '2026/27 Q1', 'Same period last year (April to June 2025)', '12 months to June 2026', '12 months to June 2025', 'Direction of travel', 'Rating']);
  assert.ok(appendix!.length > 15);
  // Draft text for the author to rewrite, written from the figures.
  assert.match(page.body, /That the board notes the 2026\/27 Q1 performance information\./);
  assert.match(page.body, /ASB incidents recorded by partners \(rate per 1,000 population\): [\d.]+ in the 12 months to June 2026/);
  const created = await auditRows(ctx, { action: 'create', recordId: reportId });
  assert.equal(created.length, 1);
  assert.equal(created[0]!.actor_user_id, me.id);
  assert.equal(created[0]!.record_type, 'board_report');
  assert.equal((await auditRows(ctx, { action: 'view', recordId: reportId })).length, 1);
  // A quarter has one report: asking again opens it.
  await coordinator.get('/board-reports');
  const again = await coordinator.post('/board-reports', { year: '2026/27', quarter: '1' });
  assert.equal(again.headers.location, `/board-reports/${reportId}`);
  assert.match((await coordinator.get('/board-reports')).body, /Safer communities performance 2026\/27 Q1/);
});

test('writing a section: saved, shown as text (never HTML), audited; a stale save shows both versions and loses nothing', async () => {
  const form = await analyst.get(`/board-reports/${reportId}/sections/summary`);
  assert.equal(form.statusCode, 200);
  const version = /name="version" value="(\d+)"/.exec(form.body)![1]!;
  const text = 'Most indicators are stable.\n\nASB reports <b>continue</b> to fall.';
  const saved = await analyst.post(`/board-reports/${reportId}/sections/summary`, { version, narrative: text });
  assert.equal(saved.statusCode, 302);
  assert.equal(saved.headers.location, `/board-reports/${reportId}#section-summary`);
  const page = await analyst.get(`/board-reports/${reportId}`);
  assert.match(page.body, /<p class="govuk-body">Most indicators are stable\.<\/p><p class="govuk-body">ASB reports &lt;b&gt;continue&lt;\/b&gt; to fall\.<\/p>/);
  const section = await ctx.database.db.selectFrom('board_report_sections').select(['id', 'version']).where('report_id', '=', reportId).where('key', '=', 'summary').executeTakeFirstOrThrow();
  assert.equal(section.version, Number(version) + 1);
  const updates = await auditRows(ctx, { action: 'update', recordId: section.id });
  assert.equal(updates.length, 1);
  assert.deepEqual(updates[0]!.details, { report: reportId, key: 'summary', fields: ['narrative'], version: Number(version) + 1 });

  // The coordinator saves over the version the analyst started from.
  await coordinator.get(`/board-reports/${reportId}/sections/summary`);
  const stale = await coordinator.post(`/board-reports/${reportId}/sections/summary`, { version, narrative: 'The coordinator’s summary.' });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /Someone else changed Report summary while you were writing/);
  assert.match(stale.body, /data-qa="saved-text">Most indicators are stable\./);
  assert.match(stale.body, /data-qa="your-text">The coordinator’s summary\./);
  assert.match(stale.body, /name="version" value="\d+"/);
  const stillSaved = await ctx.database.db.selectFrom('board_report_sections').select('narrative').where('id', '=', section.id).executeTakeFirstOrThrow();
  assert.equal(stillSaved.narrative, text);
  // Saving deliberately, from the conflict page, with the version it shows.
  const current = /name="version" value="(\d+)"/.exec(stale.body)![1]!;
  assert.equal((await coordinator.post(`/board-reports/${reportId}/sections/summary`, { version: current, narrative: 'The coordinator’s summary.' })).statusCode, 302);

  // Too long: the GOV.UK error, with the text kept.
  const long = 'x'.repeat(20_001);
  const tooLong = await analyst.post(`/board-reports/${reportId}/sections/introduction`, { version: '1', narrative: long });
  assert.equal(tooLong.statusCode, 400);
  assert.match(tooLong.body, /<a href="#narrative">The text must be 20,000 characters or fewer<\/a>/);
  assert.match(tooLong.body, new RegExp(`>${long}</textarea>`));
  assert.equal((await analyst.post(`/board-reports/${reportId}/sections/no-such-section`, { version: '1', narrative: 'x' })).statusCode, 404);
  assert.equal((await analyst.post(`/board-reports/${reportId}/sections/summary`, { version: 'one', narrative: 'x' })).statusCode, 404);
});

test('the PDF is a real PDF with the report title and every section heading; the download is audited', async () => {
  const res = await board.get(`/board-reports/${reportId}/report.pdf`);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/pdf');
  assert.match(String(res.headers['content-disposition']), /^attachment; filename="board-report-2026-04\.pdf"$/);
  const pdf = res.rawPayload;
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.match(pdf.subarray(-32).toString('latin1'), /%%EOF\s*$/);
  assert.match(pdf.toString('latin1'), /\/Type \/Pages/);
  const text = pdfText(pdf);
  assert.ok(draws(text, 'Safer communities performance 2026/27 Q1'));
  const headings = await ctx.database.db.selectFrom('board_report_sections').select(['heading', 'position']).where('report_id', '=', reportId).orderBy('position').execute();
  headings.forEach((h, i) => assert.ok(draws(text, `${i + 1}. ${h.heading}`), `PDF has "${i + 1}. ${h.heading}"`));
  assert.ok(draws(text, 'Appendix 1: Safer communities performance dashboard, 2026/27 Q1'));
  // The narrative as written (PDFKit's standard fonts use WinAnsi, where ’ is 0x92).
  assert.ok(draws(text, 'The coordinator\x92s summary.'));
  assert.ok(!draws(text, 'No such heading anywhere'), 'the check can fail');
  const me = await userId(ctx, 'board@endeavour.demo');
  const exports = (await auditRows(ctx, { action: 'export', recordId: reportId })).filter((r) => r.actor_user_id === me.id);
  assert.deepEqual(exports.map((e) => e.details.format), ['pdf']);
});

test('the figures CSV equals the appendix table, and the print view has the whole report laid out for print; both audited', async () => {
  const page = await board.get(`/board-reports/${reportId}`);
  const [appendix] = tablesByQa(page.body, 'appendix-table');
  const csv = await board.get(`/board-reports/${reportId}/figures.csv`);
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers['content-type']), /^text\/csv/);
  assert.deepEqual(csvRows(csv.body), appendix!.map((r) => r.map(plain)));
  const print = await board.get(`/board-reports/${reportId}/print`);
  assert.equal(print.statusCode, 200);
  assert.match(print.body, /<link rel="stylesheet" href="\/stylesheets\/board-report-print\.css">/);
  assert.match(print.body, /<script type="module" src="\/javascripts\/print-button\.js" nonce="[^"]+"><\/script>/);
  assert.match(print.body, /class="app-report__appendix"/);
  assert.doesNotMatch(print.body, /Change the text/);
  const me = await userId(ctx, 'board@endeavour.demo');
  const exports = (await auditRows(ctx, { action: 'export', recordId: reportId })).filter((r) => r.actor_user_id === me.id);
  assert.deepEqual(exports.map((e) => e.details.format), ['pdf', 'csv', 'print']);
});

test('refreshing the figures keeps what was written, needs the version the page showed, and is audited', async () => {
  const before = await ctx.database.db.selectFrom('board_reports').select(['version', 'figures_at']).where('id', '=', reportId).executeTakeFirstOrThrow();
  await analyst.get(`/board-reports/${reportId}`);
  const stale = await analyst.post(`/board-reports/${reportId}/refresh`, { version: String(before.version + 5) });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /<a href="#refresh">Someone changed the report while you were reading it/);
  const ok = await analyst.post(`/board-reports/${reportId}/refresh`, { version: String(before.version) });
  assert.equal(ok.statusCode, 302);
  const after = await ctx.database.db.selectFrom('board_reports').select(['version']).where('id', '=', reportId).executeTakeFirstOrThrow();
  assert.equal(after.version, before.version + 1);
  const summary = await ctx.database.db.selectFrom('board_report_sections').select('narrative').where('report_id', '=', reportId).where('key', '=', 'summary').executeTakeFirstOrThrow();
  assert.equal(summary.narrative, 'The coordinator’s summary.');
  const updates = (await auditRows(ctx, { action: 'update', recordId: reportId })).map((r) => r.details.fields);
  assert.deepEqual(updates, [['figures']]);
});

test('board members read but cannot write; case officers and partners cannot reach reports at all', async () => {
  assert.equal((await board.get('/board-reports')).statusCode, 200);
  assert.doesNotMatch((await board.get('/board-reports')).body, /data-qa="generate-form"/);
  assert.doesNotMatch((await board.get(`/board-reports/${reportId}`)).body, /Change the text|data-qa="refresh"/);
  assert.equal((await board.post('/board-reports', { year: '2025/26', quarter: '1' })).statusCode, 403);
  assert.equal((await board.get(`/board-reports/${reportId}/sections/summary`)).statusCode, 403);
  assert.equal((await board.post(`/board-reports/${reportId}/sections/summary`, { version: '1', narrative: 'x' })).statusCode, 403);
  assert.equal((await board.post(`/board-reports/${reportId}/refresh`, { version: '1' })).statusCode, 403);
  for (const email of ['officer@endeavour.demo', 'fire@endeavour.demo']) {
    const b = await signIn(ctx, email);
    for (const url of ['/board-reports', `/board-reports/${reportId}`, `/board-reports/${reportId}/print`, `/board-reports/${reportId}/report.pdf`, `/board-reports/${reportId}/figures.csv`]) {
      const res = await b.get(url);
      assert.equal(res.statusCode, 403, `${email} ${url}`);
      assert.doesNotMatch(res.body, /Safer communities performance 2026/);
    }
  }
  assert.equal((await analyst.get('/board-reports/00000000-0000-4000-8000-000000000000')).statusCode, 404);
  assert.equal((await analyst.get('/board-reports/not-an-id')).statusCode, 404);
});

test("row-level security: through the app's database role, only the partnership's readers see reports, and only its writers change them", async () => {
  const officer = await userId(ctx, 'officer@endeavour.demo');
  const boardUser = await userId(ctx, 'board@endeavour.demo');
  const analystUser = await userId(ctx, 'analyst@endeavour.demo');
  // A case officer: nothing, even with no WHERE at all, reports or sections.
  assert.equal((await withUser(ctx.database.db, officer.id, (tx) => tx.selectFrom('board_reports').select('id').execute())).length, 0);
  assert.equal((await withUser(ctx.database.db, officer.id, (tx) => tx.selectFrom('board_report_sections').select('id').execute())).length, 0);
  // A board member reads, but an update changes nothing and an insert is refused.
  assert.equal((await withUser(ctx.database.db, boardUser.id, (tx) => tx.selectFrom('board_reports').select('id').execute())).length, 1);
  assert.ok((await withUser(ctx.database.db, boardUser.id, (tx) => tx.selectFrom('board_report_sections').select('id').execute())).length > 3);
  const upd = await withUser(ctx.database.db, boardUser.id, (tx) => tx.updateTable('board_report_sections').set({ narrative: 'Rewritten' }).where('report_id', '=', reportId).executeTakeFirst());
  assert.equal(Number(upd.numUpdatedRows), 0);
  const partnershipId = (await ctx.database.db.selectFrom('board_reports').select('partnership_id').where('id', '=', reportId).executeTakeFirstOrThrow()).partnership_id;
  await assert.rejects(
    withUser(ctx.database.db, boardUser.id, (tx) =>
      tx.insertInto('board_reports').values({ partnership_id: partnershipId, period_kind: 'quarter', period_from: '2020-04-01', period_to: '2020-06-01', title: 'Forged', figures: '{}', created_by: boardUser.id, updated_at: new Date() }).execute(),
    ),
    /row-level security/,
  );
  await assert.rejects(withUser(ctx.database.db, boardUser.id, (tx) => sql`DELETE FROM board_reports`.execute(tx)), /permission denied/);
  // An analyst of another partnership on the same instance sees nothing.
  const other = await ctx.database.db.transaction().execute(async (tx) => {
    const p = await tx.insertInto('partnerships').values({ name: 'Other CSP', short_name: 'Other', updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
    const o = await tx.insertInto('organisations').values({ partnership_id: p.id, name: 'Other council', kind: 'local_authority' }).returning('id').executeTakeFirstOrThrow();
    return tx.insertInto('users').values({ organisation_id: o.id, email: 'other-analyst@example.invalid', display_name: 'Other', roles: ['analyst'], updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
  });
  assert.equal((await withUser(ctx.database.db, other.id, (tx) => tx.selectFrom('board_reports').select('id').execute())).length, 0);
  const forged = await withUser(ctx.database.db, other.id, (tx) => tx.updateTable('board_reports').set({ title: 'Taken' }).where('id', '=', reportId).executeTakeFirst());
  assert.equal(Number(forged.numUpdatedRows), 0);
  // The partnership's own analyst does see and change it.
  assert.equal((await withUser(ctx.database.db, analystUser.id, (tx) => tx.selectFrom('board_reports').select('id').execute())).length, 1);
});
