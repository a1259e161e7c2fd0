// Journey: signing in. A wrong password gets a GOV.UK error summary; someone asks for a password
// reset link; the administrator signs in, is made to set up two-factor authentication, enters the code
// and reaches home; signs out; signs in again with a code, walks every page they can reach and reads
// the reset email in the outbox; the link sets a new password that then signs in. Keyboard only;
// every page and state checked with axe. The tests run in order, each building on the last.
import { expect, test } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.ts';
import { crawl } from './support/crawl.ts';
import { activate, typeInto } from './support/keyboard.ts';
import { demoPassword, signIn, submitSignIn, USERS } from './support/session.ts';
import { nextTotpCode, readTotpSecret, totpCode } from './support/totp.ts';

test.describe.configure({ mode: 'serial' });

test('a wrong password shows a GOV.UK error summary', async ({ page }) => {
  await page.goto('/sign-in');
  await expect(page).toHaveTitle('Sign in – Endeavour');
  await expectNoAxeViolations(page, 'sign-in page, empty');

  // Submitting nothing: an error for each field, linked from the summary.
  await typeInto(page, page.getByLabel('Email address'), '', 'the email address field');
  await page.keyboard.press('Enter');
  const summary = page.locator('.govuk-error-summary');
  await expect(summary).toBeVisible();
  await expect(summary.getByRole('link', { name: 'Enter your email address' })).toHaveAttribute(
    'href',
    '#email',
  );
  await expect(summary.getByRole('link', { name: 'Enter your password' })).toHaveAttribute(
    'href',
    '#password',
  );
  await expect(page).toHaveTitle('Error: Sign in – Endeavour');
  await expectNoAxeViolations(page, 'sign-in page, nothing entered');

  await submitSignIn(page, USERS.admin.email, `${demoPassword()}-wrong`);
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(summary).toBeVisible();
  await expect(summary).toContainText('There is a problem');
  const message = summary.getByRole('link', { name: 'Enter a correct email address and password' });
  await expect(message).toHaveAttribute('href', '#email');
  // The summary takes focus so a screen reader announces it, and its link leads to the field.
  await expect(summary).toBeFocused();
  await expect(page.locator('#email-error')).toContainText('Enter a correct email address and password');
  await expect(page.getByLabel('Email address')).toHaveValue(USERS.admin.email);
  await expectNoAxeViolations(page, 'sign-in page, wrong password');
  await activate(page, message, 'the error summary link');
  await expect(page.getByLabel('Email address')).toBeFocused();
});

// Someone who is in no other journey, so changing their password disturbs nothing else.
const resetUser = { email: 'manager@endeavour.demo', name: 'Sarah Whitfield' };
let resetLink = '';

test('asking for a password reset link', async ({ page }) => {
  await page.goto('/sign-in');
  await activate(
    page,
    page.getByRole('link', { name: 'I have forgotten my password' }),
    'the forgotten password link',
  );
  await expect(page).toHaveURL(/\/forgot-password$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Reset your password' })).toBeVisible();
  await expectNoAxeViolations(page, 'forgot-password page, empty');

  await typeInto(page, page.getByLabel('Email address'), 'not an email address', 'the email address field');
  await page.keyboard.press('Enter');
  await expect(page.locator('.govuk-error-summary')).toBeVisible();
  await expect(page.locator('#email-error')).toBeVisible();
  await expectNoAxeViolations(page, 'forgot-password page, invalid email address');

  await typeInto(page, page.getByLabel('Email address'), resetUser.email, 'the email address field');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible();
  await expectNoAxeViolations(page, 'check your email page');

  // A link that is not (or no longer) valid gets its own page.
  await page.goto('/reset-password/not-a-real-token');
  await expect(page.getByRole('heading', { level: 1, name: 'This link has expired' })).toBeVisible();
  await expectNoAxeViolations(page, 'expired reset link page');
});

let secret = '';

test('the administrator signs in, sets up two-factor authentication and reaches home', async ({ page }) => {
  await submitSignIn(page, USERS.admin.email, demoPassword());
  await expect(page).toHaveURL(/\/account\/two-factor\/setup$/);
  await expect(
    page.getByRole('heading', { level: 1, name: 'Set up two-factor authentication' }),
  ).toBeVisible();
  await expectNoAxeViolations(page, '2FA set-up page');
  secret = await readTotpSecret(page);
  await expectNoAxeViolations(page, '2FA set-up page, key shown');

  // A half-signed-in session can reach nothing else.
  await page.goto('/people');
  await expect(page).toHaveURL(/\/account\/two-factor\/setup$/);

  // A wrong code is refused with a GOV.UK error.
  const wrong = totpCode(secret) === '000000' ? '111111' : '000000';
  await typeInto(page, page.getByLabel('Code from your authenticator app'), wrong, 'the code field');
  await page.keyboard.press('Enter');
  await expect(page.locator('.govuk-error-summary')).toContainText('The code is not correct');
  await expect(page.locator('#code-error')).toBeVisible();
  await expectNoAxeViolations(page, '2FA set-up page, wrong code');

  await typeInto(
    page,
    page.getByLabel('Code from your authenticator app'),
    totpCode(secret),
    'the code field',
  );
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1, name: `Welcome, ${USERS.admin.name}` })).toBeVisible();
  await expect(page.locator('.govuk-notification-banner')).toContainText(
    'Two-factor authentication is set up',
  );
  await expect(page.locator('.moj-identity-bar')).toContainText(USERS.admin.organisation);
  await expectNoAxeViolations(page, 'home page, 2FA just set up');

  // Signing out, by keyboard, from the footer link.
  await activate(page, page.getByRole('link', { name: 'Sign out' }), 'the sign-out link');
  await expect(page.getByRole('heading', { level: 1, name: 'You have signed out' })).toBeVisible();
  await expectNoAxeViolations(page, 'signed-out page');
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('the administrator signs in again with a code, walks every page they can reach and reads the outbox', async ({
  page,
}) => {
  // The walk covers every administration page too: give it room on a busy two-core machine.
  test.setTimeout(300_000);
  expect(secret, 'two-factor authentication was set up by the previous test').not.toBe('');
  await submitSignIn(page, USERS.admin.email, demoPassword());
  await expect(page).toHaveURL(/\/sign-in\/two-factor$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Enter your security code' })).toBeVisible();
  await expectNoAxeViolations(page, 'security code page');

  await typeInto(page, page.getByLabel('Enter your security code'), '', 'the code field');
  await page.keyboard.press('Enter');
  await expect(page.locator('.govuk-error-summary')).toContainText(
    'Enter the 6-digit code from your authenticator app',
  );
  await expectNoAxeViolations(page, 'security code page, nothing entered');

  // The code used to enrol has been spent: the next one is the one the app shows next.
  await typeInto(page, page.getByLabel('Enter your security code'), nextTotpCode(secret), 'the code field');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1, name: `Welcome, ${USERS.admin.name}` })).toBeVisible();

  await page.goto('/account');
  await expect(page.locator('.govuk-summary-list')).toContainText('Two-factor authentication');
  await expect(
    page.locator('.govuk-summary-list__row', { hasText: 'Two-factor authentication' }),
  ).toContainText('On');
  await expectNoAxeViolations(page, 'account page, 2FA on');

  // Every administration and account page the administrator can reach, walked with axe (the pages
  // every signed-in user shares are walked by the officer in pages.spec.ts).
  const visited = await crawl(page, { from: '/admin', within: /^\/(admin|account)(\/|$)/ });
  test.info().annotations.push({ type: 'pages walked', description: visited.join(' ') });
  expect(visited).toEqual(
    expect.arrayContaining(['/admin', '/admin/outbox', '/admin/users', '/admin/referral-types', '/account']),
  );

  // No email service is set up here, so the reset email waits in the outbox for an administrator.
  await page.goto('/admin/outbox');
  await activate(
    page,
    page
      .getByRole('link', { name: new RegExp(`^Reset your Endeavour password to ${resetUser.email}`) })
      .first(),
    'the reset email in the outbox',
  );
  await expect(page.getByRole('heading', { level: 1, name: 'Reset your Endeavour password' })).toBeVisible();
  const body = (await page.getByTestId('message-body').textContent()) ?? '';
  resetLink = /https?:\/\/\S+\/reset-password\/[\w-]+/.exec(body)?.[0] ?? '';
  expect(resetLink, `the email holds a reset link:\n${body}`).not.toBe('');
});

test('the link from the email sets a new password, once', async ({ page }) => {
  expect(resetLink, 'the previous test found the reset link').not.toBe('');
  await page.goto(resetLink);
  await expect(page.getByRole('heading', { level: 1, name: 'Choose a new password' })).toBeVisible();
  await expectNoAxeViolations(page, 'choose a new password page, empty');

  const newPassword = `violet harbour ${Date.now().toString(36)} lantern`;
  const password = page.getByLabel('New password', { exact: true });
  const confirm = page.getByLabel('Type the new password again');
  await typeInto(page, password, newPassword, 'the new password');
  await typeInto(page, confirm, `${newPassword}x`, 'the new password again');
  await page.keyboard.press('Enter');
  await expect(page.locator('.govuk-error-summary')).toContainText('The passwords do not match');
  await expectNoAxeViolations(page, 'choose a new password page, passwords do not match');

  await typeInto(page, password, 'password', 'the new password');
  await typeInto(page, confirm, 'password', 'the new password again');
  await page.keyboard.press('Enter');
  await expect(page.locator('#password-error')).toBeVisible();
  await expectNoAxeViolations(page, 'choose a new password page, password too short');

  await typeInto(page, password, newPassword, 'the new password');
  await typeInto(page, confirm, newPassword, 'the new password again');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.locator('.govuk-notification-banner')).toContainText('Your password has been changed');
  await expectNoAxeViolations(page, 'sign-in page, password just changed');

  // The old password no longer works; the new one does.
  await submitSignIn(page, resetUser.email, demoPassword());
  await expect(page.locator('.govuk-error-summary')).toContainText(
    'Enter a correct email address and password',
  );
  await signIn(page, resetUser, newPassword);

  // The link worked once.
  await page.goto(resetLink);
  await expect(page.getByRole('heading', { level: 1, name: 'This link has expired' })).toBeVisible();
});
