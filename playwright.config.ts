// Browser tests: one spec per user journey in e2e/, run in Debian's Chromium (/usr/bin/chromium;
// Playwright never downloads a browser of its own here) against the app started by e2e/server.ts on
// a fresh store. Run one journey alone with `npm run test:e2e -- e2e/<journey>.spec.ts`.
import crypto from 'node:crypto';
import { defineConfig } from '@playwright/test';

// This file is loaded by the runner and again by every worker: generate the demo password once, in
// the runner, and let the server and the workers inherit it through the environment.
process.env.E2E_DEMO_PASSWORD ||= `e2e-${crypto.randomBytes(12).toString('base64url')}`;
const port = Number(process.env.E2E_PORT || 3210);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  // Two cores: one browser worker each for two journeys at a time, the server sharing them.
  workers: Number(process.env.E2E_WORKERS || 2),
  reporter: 'list',
  // Generous: two cores shared by the browser, the server and its database.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  outputDir: 'test-results',
  use: {
    baseURL,
    // The templates mark what tests look for with data-qa.
    testIdAttribute: 'data-qa',
    browserName: 'chromium',
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: 'node_modules/.bin/node e2e/server.ts',
    url: `${baseURL}/ready`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
    // SIGTERM lets the server drop its database or remove its temporary folder before it exits.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
    env: {
      E2E_PORT: String(port),
      E2E_DEMO_PASSWORD: process.env.E2E_DEMO_PASSWORD,
      ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    },
  },
});
