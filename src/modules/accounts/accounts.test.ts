// Signing in: lockout, two-factor, session timeouts, CSRF, sign-out and password reset.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { Browser, createTestApp, signIn, auditRows, TEST_PASSWORD, type TestContext } from '../../test/harness.ts';
import { currentTotp } from './totp.ts';

let ctx: TestContext;

before(async () => {
  ctx = await createTestApp();
});
after(() => ctx.close());

test('the sign-in page is served and a wrong password gives a GOV.UK error, not a clue', async () => {
  const b = new Browser(ctx.app);
  const page = await b.get('/sign-in');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Sign in to Endeavour/);
  const wrong = await b.post('/sign-in', { email: 'officer@endeavour.demo', password: 'not the password at all' });
  assert.equal(wrong.statusCode, 401);
  assert.match(wrong.body, /govuk-error-summary/);
  assert.match(wrong.body, /Enter a correct email address and password/);
  const unknown = await b.post('/sign-in', { email: 'nobody@endeavour.demo', password: 'not the password at all' });
  assert.equal(unknown.statusCode, 401);
  assert.match(unknown.body, /Enter a correct email address and password/);
  const failures = await auditRows(ctx, { action: 'sign_in_failed' });
  assert.ok(failures.some((r) => r.details.reason === 'unknown_email'));
  assert.ok(failures.some((r) => r.details.reason === 'wrong_password'));
});

test('repeated failures lock the account, even against the right password', async () => {
  const b = new Browser(ctx.app);
  await b.get('/sign-in');
  for (let i = 0; i < ctx.config.lockoutAttempts - 1; i++) {
    assert.equal((await b.post('/sign-in', { email: 'analyst@endeavour.demo', password: `wrong-password-${i}` })).statusCode, 401);
  }
  const locking = await b.post('/sign-in', { email: 'analyst@endeavour.demo', password: 'wrong-password-last' });
  assert.equal(locking.statusCode, 423);
  assert.match(locking.body, /Your account is locked/);
  const right = await b.post('/sign-in', { email: 'analyst@endeavour.demo', password: TEST_PASSWORD });
  assert.equal(right.statusCode, 423);
  assert.equal((await auditRows(ctx, { action: 'sign_in_locked' })).length, 1);
  // When the lock expires, the right password works again.
  await ctx.database.db.updateTable('users').set({ locked_until: new Date(Date.now() - 1000) }).where('email', '=', 'analyst@endeavour.demo').execute();
  assert.equal((await b.post('/sign-in', { email: 'analyst@endeavour.demo', password: TEST_PASSWORD })).statusCode, 302);
});

test('an administrator must set up two-factor, then needs a fresh code every time', async () => {
  const b = new Browser(ctx.app);
  await b.get('/sign-in');
  const first = await b.post('/sign-in', { email: 'admin@endeavour.demo', password: TEST_PASSWORD });
  assert.equal(first.headers.location, '/account/two-factor/setup');
  // Nothing else is reachable until set-up is done.
  const home = await b.get('/');
  assert.equal(home.statusCode, 302);
  assert.equal(home.headers.location, '/account/two-factor/setup');
  const setup = await b.get('/account/two-factor/setup');
  const secret = /data-qa="totp-secret">([A-Z2-7]+)</.exec(setup.body)![1]!;
  const bad = await b.post('/account/two-factor/setup', { code: '000000' === currentTotp(secret) ? '111111' : '000000' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /The code is not correct/);
  const code = currentTotp(secret);
  assert.equal((await b.post('/account/two-factor/setup', { code })).headers.location, '/');
  assert.equal((await b.get('/')).statusCode, 200);

  const again = new Browser(ctx.app);
  await again.get('/sign-in');
  assert.equal((await again.post('/sign-in', { email: 'admin@endeavour.demo', password: TEST_PASSWORD })).headers.location, '/sign-in/two-factor');
  assert.equal((await again.get('/people')).headers.location, '/sign-in/two-factor');
  await again.get('/sign-in/two-factor');
  // The code used at enrolment cannot be replayed.
  const replay = await again.post('/sign-in/two-factor', { code });
  assert.equal(replay.statusCode, 400);
  const next = await again.post('/sign-in/two-factor', { code: currentTotp(secret, Date.now() + 30_000) });
  assert.equal(next.headers.location, '/');
  assert.equal((await again.get('/people')).statusCode, 200);
  assert.ok((await auditRows(ctx, { action: 'two_factor_enabled' })).length >= 1);
});

test('a session ends after the idle timeout and after the absolute timeout', async () => {
  const b = await signIn(ctx, 'officer@endeavour.demo');
  assert.equal((await b.get('/people')).statusCode, 200);
  await ctx.database.db.updateTable('sessions').set({ last_seen_at: sql<Date>`now() - interval '31 minutes'` }).execute();
  const idle = await b.get('/people');
  assert.equal(idle.statusCode, 302);
  assert.equal(idle.headers.location, '/sign-in?expired=1');
  assert.match((await b.get('/sign-in?expired=1')).body, /You were signed out because your session ended/);

  const c = await signIn(ctx, 'officer@endeavour.demo');
  assert.equal((await c.get('/people')).statusCode, 200);
  // Active all along, but signed in more than 12 hours ago.
  await ctx.database.db.updateTable('sessions').set({ created_at: sql<Date>`now() - interval '12 hours 1 minute'`, last_seen_at: sql<Date>`now()` }).execute();
  assert.equal((await c.get('/people')).headers.location, '/sign-in?expired=1');
});

test('a form without the right CSRF token is refused and changes nothing', async () => {
  const b = await signIn(ctx, 'officer@endeavour.demo');
  const before = await ctx.database.db.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const missing = await b.post('/people', { first_name: 'Csrf', last_name: 'Victim' }, { csrf: null });
  assert.equal(missing.statusCode, 403);
  assert.match(missing.body, /<h1 class="govuk-heading-l">You cannot see this page<\/h1>/);
  assert.match(missing.body, /This form has expired/);
  const forged = await b.post('/people', { first_name: 'Csrf', last_name: 'Victim' }, { csrf: 'forged-token-forged-token-forged-token-xxxx' });
  assert.equal(forged.statusCode, 403);
  const anonymous = new Browser(ctx.app);
  await anonymous.get('/sign-in');
  const crossSite = await anonymous.post('/sign-in', { email: 'officer@endeavour.demo', password: TEST_PASSWORD }, { csrf: b.csrf });
  assert.equal(crossSite.statusCode, 403);
  const after = await ctx.database.db.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  assert.equal(Number(after.n), Number(before.n));
});

test('signing out ends the session on the server', async () => {
  const b = await signIn(ctx, 'officer@endeavour.demo');
  const cookie = [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const out = await b.get('/sign-out');
  assert.match(out.body, /You have signed out/);
  // Replaying the old cookie does not bring the session back.
  const replay = await ctx.app.inject({ method: 'GET', url: '/people', headers: { cookie } });
  assert.equal(replay.statusCode, 302);
  assert.ok((await auditRows(ctx, { action: 'sign_out' })).length >= 1);
});

test('password reset: an emailed one-time link sets a new password that must pass the policy', async () => {
  const b = new Browser(ctx.app);
  await b.get('/forgot-password');
  const sent = await b.post('/forgot-password', { email: 'housing@endeavour.demo' });
  assert.match(sent.body, /Check your email/);
  // Unknown addresses get the same answer and no email.
  assert.match((await b.post('/forgot-password', { email: 'nobody@endeavour.demo' })).body, /Check your email/);
  const mail = await ctx.database.db.selectFrom('outbox_messages').selectAll().where('to_address', '=', 'housing@endeavour.demo').executeTakeFirstOrThrow();
  assert.equal((await ctx.database.db.selectFrom('outbox_messages').select('id').where('to_address', '=', 'nobody@endeavour.demo').execute()).length, 0);
  const link = /\/reset-password\/([A-Za-z0-9_-]+)/.exec(mail.body)![0];
  assert.equal((await b.get(link)).statusCode, 200);
  const weak = await b.post(link, { password: 'password1234', confirm: 'password1234' });
  assert.equal(weak.statusCode, 400);
  assert.match(weak.body, /too common/);
  const short = await b.post(link, { password: 'short', confirm: 'short' });
  assert.match(short.body, /12 characters or more/);
  const mismatch = await b.post(link, { password: 'correct horse battery staple', confirm: 'correct horse battery stapler' });
  assert.match(mismatch.body, /do not match/);
  const ok = await b.post(link, { password: 'correct horse battery staple', confirm: 'correct horse battery staple' });
  assert.equal(ok.headers.location, '/sign-in');
  // The link works once.
  assert.equal((await b.get(link)).statusCode, 410);
  await b.get('/sign-in');
  assert.equal((await b.post('/sign-in', { email: 'housing@endeavour.demo', password: 'correct horse battery staple' })).statusCode, 302);
  assert.equal((await auditRows(ctx, { action: 'password_reset' })).length, 1);
});

test('health and readiness answer as JSON without signing in', async () => {
  const health = await ctx.app.inject('/health');
  assert.equal(health.statusCode, 200);
  assert.deepEqual(health.json(), { status: 'ok' });
  const ready = await ctx.app.inject('/ready');
  assert.equal(ready.statusCode, 200);
  assert.equal(ready.json().status, 'ready');
});

test('pages carry a strict CSP with a nonce and the other security headers', async () => {
  const res = await ctx.app.inject('/sign-in');
  const csp = String(res.headers['content-security-policy']);
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  assert.ok(nonce, csp);
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.match(res.body, new RegExp(`<script nonce="${nonce}">`));
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.ok(res.headers['x-request-id']);
  const cookie = String(res.headers['set-cookie']);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
});

test('unknown pages get a GOV.UK 404 page and the API gets problem details', async () => {
  const page = await ctx.app.inject('/no-such-page');
  assert.equal(page.statusCode, 404);
  assert.match(page.body, /Page not found/);
  const api = await ctx.app.inject('/api/no-such-thing');
  assert.equal(api.statusCode, 404);
  assert.equal(api.headers['content-type'], 'application/problem+json; charset=utf-8');
  assert.equal(api.json().status, 404);
});

test('sign-in attempts from one address are throttled', async () => {
  // Its own app with a small limit: the attempts must all fall within one minute even on a busy machine.
  const small = await createTestApp({ signInAttemptsPerMinute: 5 });
  try {
    const b = new Browser(small.app);
    await b.get('/sign-in');
    const statuses: number[] = [];
    for (let i = 0; i <= small.config.signInAttemptsPerMinute; i++) {
      statuses.push((await b.post('/sign-in', { email: `throttle-${i}@endeavour.demo`, password: 'whatever-password' })).statusCode);
    }
    assert.equal(statuses.at(-1), 429);
    assert.ok(statuses.slice(0, -1).every((s) => s !== 429), statuses.join(','));
    const page = await b.post('/sign-in', { email: 'x@endeavour.demo', password: 'y' });
    assert.match(page.body, /Too many attempts/);
  } finally {
    await small.close();
  }
});
