// Property-based: whatever arrives at any form or at sign-in (missing fields, arrays, control
// characters, enormous or odd Unicode strings, garbage ids in the URL) the answer is never a 500.
// Routes and field names are discovered from the app and its templates, so new forms are covered
// without editing this file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { Browser, createTestApp, signIn, type TestContext } from './harness.ts';

let ctx: TestContext;
let personId: string;

function templateFieldNames(): string[] {
  const names = new Set<string>(['_csrf', 'version', 'q', 'page']);
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.njk')) {
        const text = fs.readFileSync(p, 'utf8');
        for (const m of text.matchAll(/name(?:=|: ?)"([a-z_][\w-]*)"/g)) names.add(m[1]!);
        for (const m of text.matchAll(/namePrefix: "([\w]+)"/g)) for (const part of ['day', 'month', 'year']) names.add(`${m[1]}-${part}`);
      }
    }
  };
  walk(path.resolve(import.meta.dirname, '..'));
  return [...names];
}

const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom('', ' ', '0', '-1', '99999999999999999999', '1e308', 'NaN', 'null', 'undefined', 'true', '<script>alert(1)</script>', "' OR 1=1 --", '\u0000', '../../etc/passwd', '%00', '2024-02-30', '31', '13', '0000', 'E07000130', 'organisation', 'view', 'edit'),
  fc.uuid(),
  fc.string({ minLength: 3000, maxLength: 12000 }),
);

const bodyArb = (fields: string[]) =>
  fc.dictionary(fc.oneof(fc.constantFrom(...fields), fc.string({ maxLength: 12 })), fc.oneof(nasty, fc.array(nasty, { maxLength: 3 })), { maxKeys: 14 });

function fill(url: string, param: string) {
  return url.replace(/:[a-zA-Z]+/g, param);
}

before(async () => {
  // The per-address attempt limit would answer most of these with 429 before they reach the form.
  ctx = await createTestApp({ signInAttemptsPerMinute: 100_000 });
  const p = await ctx.database.db.selectFrom('people').select('id').limit(1).executeTakeFirstOrThrow();
  personId = p.id;
});
after(() => ctx.close());

test('no form, public or signed-in, answers malformed input with a 500', async () => {
  const fields = templateFieldNames();
  const posts = ctx.app.endeavourRoutes.filter((r) => r.method === 'POST' && r.url !== '/sign-out');
  assert.ok(posts.length >= 8, `expected the app's forms to be discovered, found ${posts.length}`);
  let admin = await signIn(ctx, 'admin@endeavour.demo');
  let officer = await signIn(ctx, 'officer@endeavour.demo');
  const anonymous = new Browser(ctx.app);
  await anonymous.get('/sign-in');
  for (const route of posts) {
    await fc.assert(
      fc.asyncProperty(bodyArb(fields), fc.constantFrom(personId, '00000000-0000-4000-8000-000000000000', 'not-an-id', '%2e%2e'), fc.boolean(), async (body, param, asAdmin) => {
        const who = route.public ? anonymous : asAdmin ? admin : officer;
        const form: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(body)) if (k !== '_csrf') form[k] = v;
        const res = await who.post(fill(route.url, param), form);
        assert.ok(res.statusCode < 500, `${route.method} ${route.url} gave ${res.statusCode} for ${JSON.stringify(form).slice(0, 300)}`);
        assert.doesNotMatch(res.body, /at [\w.<>]+ \(.*:\d+:\d+\)/, 'a stack trace reached the page');
      }),
      { numRuns: route.public ? 40 : 25 },
    );
    // A fuzzed admin form may have deactivated or signed out a test user: start again from clean.
    if ((await admin.get('/')).statusCode !== 200) admin = await signIn(ctx, 'admin@endeavour.demo');
    if ((await officer.get('/')).statusCode !== 200) officer = await signIn(ctx, 'officer@endeavour.demo');
  }
});

test('sign-in survives arbitrary bodies, content types and sizes', async () => {
  const b = new Browser(ctx.app);
  await b.get('/sign-in');
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.string({ maxLength: 3000 }), fc.json()), fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/xml'), async (payload, type) => {
      const res = await ctx.app.inject({ method: 'POST', url: '/sign-in', payload, headers: { 'content-type': type, cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      assert.ok(res.statusCode < 500, `${type} gave ${res.statusCode}`);
    }),
    { numRuns: 60 },
  );
  const huge = await ctx.app.inject({ method: 'POST', url: '/sign-in', payload: 'email=' + 'a'.repeat(2 * 1024 * 1024), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(huge.statusCode, 413);
});
