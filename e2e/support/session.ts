// Demo users and signing in, by keyboard, through the real sign-in page.
import { expect, type Page } from '@playwright/test';
import { typeInto } from './keyboard.ts';

/** The password playwright.config.ts generated for this run and gave the server to seed the demo with. */
export function demoPassword(): string {
  const password = process.env.E2E_DEMO_PASSWORD;
  if (!password)
    throw new Error('E2E_DEMO_PASSWORD is not set: run the browser tests through playwright.config.ts');
  return password;
}

export const USERS = {
  admin: { email: 'admin@endeavour.demo', name: 'Priya Kaur', organisation: 'Leicestershire County Council' },
  officer: {
    email: 'officer@endeavour.demo',
    name: 'Amira Patel',
    organisation: 'Charnwood Borough Council',
  },
  police: { email: 'police@endeavour.demo', name: 'Daniel Frost', organisation: 'Leicestershire Police' },
} as const;

/** Fills in the sign-in form by keyboard and submits it with Enter, without checking where it leads. */
export async function submitSignIn(page: Page, email: string, password: string): Promise<void> {
  if (new URL(page.url()).pathname !== '/sign-in') await page.goto('/sign-in');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Endeavour' })).toBeVisible();
  await typeInto(page, page.getByLabel('Email address'), email, 'the email address field');
  await typeInto(page, page.getByLabel('Password', { exact: true }), password, 'the password field');
  await page.keyboard.press('Enter');
  await page.waitForLoadState('load');
}

/** Signs in a user who needs no two-factor code and checks they reach the home page. */
export async function signIn(
  page: Page,
  user: { email: string; name: string },
  password = demoPassword(),
): Promise<void> {
  await submitSignIn(page, user.email, password);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1, name: `Welcome, ${user.name}` })).toBeVisible();
}
