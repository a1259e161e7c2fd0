// The coordinator's daily review, by keyboard: the queue from the main navigation, the full decision
// form in the National Decision Model's stages, a quick "no further action" on the top item, and the
// day's log with its CSV download. Every page is checked with axe.
// Not yet here (see src/modules/review/review.test.ts for these at the HTTP level): forty incidents
// arriving from three sources, tasking out to a partner, the dispute and the partner's view.
import { expect, test } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.ts';
import { activate, tabTo } from './support/keyboard.ts';
import { signIn } from './support/session.ts';

const COORDINATOR = { email: 'coordinator@endeavour.demo', name: 'Tom Hargreaves' };

test('the coordinator triages the queue and reads the day’s log', async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page, COORDINATOR);
  await activate(page, page.getByRole('link', { name: 'Daily review', exact: true }), 'the Daily review link');
  await expect(page).toHaveURL(/\/review$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Daily review');
  const items = page.getByTestId('queue-item');
  await expect(items.first()).toBeVisible();
  await expectNoAxeViolations(page, 'the review queue');

  const first = items.first();
  const reference = (await first.getAttribute('data-reference'))!;
  await activate(page, first.getByRole('link', { name: reference, exact: true }), 'the top incident');
  await expect(page).toHaveURL(/\/review\/incidents\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Review ${reference}`);
  await expectNoAxeViolations(page, 'the decision form');
  await activate(page, page.getByRole('button', { name: 'Record the decision' }), 'the submit button');
  await expect(page.getByRole('alert')).toContainText('Select a decision');
  await expectNoAxeViolations(page, 'the decision form with an error');

  await page.goto('/review');
  const top = page.getByTestId('queue-item').first();
  await expect(top).toHaveAttribute('data-reference', reference);
  await activate(page, top.getByRole('button', { name: `No further action on ${reference}` }), 'no further action');
  await expect(page).toHaveURL(/\/review$/);
  await expect(page.getByText('Decision recorded: no further action')).toBeVisible();
  await expect(page.locator(`[data-qa="queue-item"][data-reference="${reference}"]`)).toHaveCount(0);

  await activate(page, page.getByRole('link', { name: 'Today’s review log' }), 'the log link');
  await expect(page.getByTestId('log')).toContainText(reference);
  await expectNoAxeViolations(page, 'the daily review log');
  const csv = page.getByTestId('csv');
  await tabTo(page, csv, 'the CSV link');
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  expect(download.suggestedFilename()).toMatch(/^daily-review-\d{4}-\d{2}-\d{2}\.csv$/);
});
