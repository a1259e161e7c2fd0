// Notifications, by keyboard: a police officer sets a task for a council officer, who sees the unread
// count beside "Notifications", opens the list (axe-clean), marks the notification read with the
// keyboard, and reaches the page where they choose how they are notified (axe-clean).
import { expect, test } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.ts';
import { activate } from './support/keyboard.ts';
import { signIn, USERS } from './support/session.ts';

test('an assigned task shows in the count and the list, and is marked read by keyboard', async ({ browser, page }) => {
  test.setTimeout(90_000);
  // Setting up: the police officer sets a task for the council officer (the task form has its own journey).
  const policeContext = await browser.newContext();
  const policePage = await policeContext.newPage();
  await signIn(policePage, USERS.police);
  await policePage.goto('/tasks/new');
  const csrf = await policePage.locator('meta[name="csrf-token"]').getAttribute('content');
  const officerId = await policePage.locator('#assigned_user option', { hasText: USERS.officer.name }).first().getAttribute('value');
  const due = new Date(Date.now() + 3 * 86_400_000);
  const set = await policePage.request.post('/tasks', {
    form: {
      _csrf: csrf!,
      title: 'Check the CCTV request with the council',
      assignee_kind: 'user',
      assigned_user: officerId!,
      priority: 'normal',
      'due_date-day': String(due.getUTCDate()),
      'due_date-month': String(due.getUTCMonth() + 1),
      'due_date-year': String(due.getUTCFullYear()),
    },
    maxRedirects: 0,
  });
  expect(set.status()).toBe(302);
  const taskPath = new URL(set.headers()['location']!, 'http://x').pathname;
  await policeContext.close();

  await signIn(page, USERS.officer);
  const nav = page.getByRole('link', { name: /^Notifications/ });
  await expect(nav).toContainText('1');
  await expect(nav).toContainText('unread notification');
  await activate(page, nav, 'the Notifications link');
  await expect(page).toHaveURL(/\/notifications$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Notifications');
  // Other journeys on the same server may tell this officer of other things meanwhile: this task's
  // notification is the one followed.
  const row = page.getByTestId('notification').filter({ has: page.locator(`a[href="${taskPath}"]`) });
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-unread', 'true');
  await expect(row).toContainText('You have a new task');
  await expect(page.getByTestId('unread-summary')).toContainText(/You have \d+ unread notifications?\./);
  await expectNoAxeViolations(page, 'the notifications list with one unread');

  await activate(page, row.getByRole('button', { name: /^Mark as read/ }), 'the mark as read button');
  await expect(page).toHaveURL(/\/notifications$/);
  await expect(page.getByText('Marked as read')).toBeVisible();
  await expect(row).not.toHaveAttribute('data-unread', 'true');
  await expectNoAxeViolations(page, 'the notifications list, the task’s notification read');

  await activate(page, page.getByRole('link', { name: 'Choose how you are notified' }), 'the preferences link');
  await expect(page).toHaveURL(/\/account\/notifications$/);
  await expect(page.getByRole('group', { name: 'A task is set for you, your team or your organisation' }).getByLabel('Email me straight away')).toBeChecked();
  await expectNoAxeViolations(page, 'the notification preferences');
});
