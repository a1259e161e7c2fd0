// Configuration: defaults that let `npm start` work with nothing set, and one clear message per bad value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError, loadConfig } from './config.ts';

test('defaults: embedded database in ./data on port 3000 with 30-minute idle and 12-hour sessions', () => {
  const c = loadConfig({});
  assert.equal(c.port, 3000);
  assert.equal(c.dataDir, path.resolve('./data'));
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.sessionIdleMinutes, 30);
  assert.equal(c.sessionAbsoluteMinutes, 720);
  assert.equal(c.secureCookies, false);
  assert.equal(c.baseUrl, 'http://localhost:3000');
});

test('HTTPS base address makes cookies Secure', () => {
  const c = loadConfig({ BASE_URL: 'https://endeavour.example.gov.uk/' });
  assert.equal(c.secureCookies, true);
  assert.equal(c.baseUrl, 'https://endeavour.example.gov.uk');
});

test('every bad value is reported, each in its own words', () => {
  try {
    loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SESSION_IDLE_MINUTES: '-5', SMTP_URL: 'http://mail', NODE_ENV: 'staging' });
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const text = err.problems.join('\n');
    assert.match(text, /PORT must be a port number/);
    assert.match(text, /DATABASE_URL must start with postgres/);
    assert.match(text, /SESSION_IDLE_MINUTES must be a whole number/);
    assert.match(text, /SMTP_URL must start with smtp/);
    assert.match(text, /NODE_ENV must be development, production or test/);
    assert.doesNotMatch(err.message, /at .*\.ts:\d+/);
  }
});

test('rules across values: Notify needs a template, absolute timeout not shorter than idle, production needs a server', () => {
  assert.throws(() => loadConfig({ NOTIFY_API_KEY: 'k' }), /NOTIFY_TEMPLATE_ID must be set/);
  assert.throws(() => loadConfig({ SESSION_IDLE_MINUTES: '60', SESSION_ABSOLUTE_MINUTES: '30' }), /must not be shorter/);
  assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /DATABASE_URL must be set in production/);
});

test('background jobs: on by default, off under test unless asked, digest at 07:00 London or off, bad values named', () => {
  assert.deepEqual(loadConfig({}).jobs, { enabled: true, escalationEveryMinutes: 5, digestTime: '07:00' });
  assert.equal(loadConfig({ NODE_ENV: 'test' }).jobs.enabled, false);
  assert.equal(loadConfig({ NODE_ENV: 'test', JOBS_ENABLED: 'true' }).jobs.enabled, true);
  assert.equal(loadConfig({ JOBS_ENABLED: 'false' }).jobs.enabled, false);
  assert.deepEqual(loadConfig({ DIGEST_TIME: 'off', ESCALATION_EVERY_MINUTES: '10' }).jobs, { enabled: true, escalationEveryMinutes: 10, digestTime: null });
  assert.equal(loadConfig({ DIGEST_TIME: '18:30' }).jobs.digestTime, '18:30');
  try {
    loadConfig({ DIGEST_TIME: '7am', JOBS_ENABLED: 'yes', ESCALATION_EVERY_MINUTES: '0' });
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const text = err.problems.join('\n');
    assert.match(text, /DIGEST_TIME must be a London time like 07:00/);
    assert.match(text, /JOBS_ENABLED must be true or false/);
    assert.match(text, /ESCALATION_EVERY_MINUTES must be a whole number/);
  }
});
