// The coordinator's look at repeats, by keyboard: the list from the main navigation, a repeat victim
// with the "vulnerable / repeat" marker, and the flag on their incident and their case. Every page
// and state is checked with axe; the list's filters work without JavaScript.
import { expect, test } from '@playwright/test';
import { expectNoAxeViolations, expectNoAxeViolationsWithoutJs } from './support/axe.ts';
import { activate } from './support/keyboard.ts';
import { signIn } from './support/session.ts';

const COORDINATOR = { email: 'coordinator@endeavour.demo', name: 'Tom Hargreaves' };

test('the coordinator finds a repeat victim and sees the flag on their person, incident and case pages', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signIn(page, COORDINATOR);
  await activate(page, page.getByRole('link', { name: 'Repeats', exact: true }), 'the Repeats link');
  await expect(page).toHaveURL(/\/repeats$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Repeats');
  // The demo's year of casework has a repeat victim and a repeat perpetrator for the council.
  await expect(page.getByTestId('repeat-row').first()).toBeVisible();
  await expectNoAxeViolations(page, 'repeats list');

  await page.goto('/repeats?kind=victim');
  // The demo casework's repeat victim (other journeys on the same server may add their own, such as
  // the daily review's vulnerable one, who has no case).
  const victim = page
    .getByTestId('repeat-row')
    .filter({ has: page.getByTestId('person-marker').filter({ hasText: /^\s*Repeat victim/ }) })
    .first();
  await expect(victim).toContainText('Repeat victim');
  await expect(victim.getByTestId('person-marker')).toContainText('Repeat victim');
  await expectNoAxeViolations(page, 'repeats list filtered to victims');

  await activate(page, victim.getByRole('link').first(), 'the repeat victim');
  await expect(page).toHaveURL(/\/people\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('person-marker').first()).toContainText('Repeat victim');
  await expect(page.getByTestId('marker-reasons')).toContainText('incidents in 12 months across the partnership');
  await expect(page.getByTestId('repeat-flag-victim')).toBeVisible();
  await expectNoAxeViolations(page, 'a repeat victim’s page');
  const personPath = new URL(page.url()).pathname;

  await activate(page, page.getByTestId('incidents-victim').getByRole('link').first(), 'their latest incident');
  await expect(page).toHaveURL(/\/incidents\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('repeat-flag-victim')).toBeVisible();
  await expect(page.getByTestId('incident-people').getByTestId('person-marker').first()).toContainText('Repeat victim');
  await expectNoAxeViolations(page, 'an incident counted towards a repeat');

  await page.goto(personPath);
  await page.goto((await page.getByTestId('cases-table').getByRole('link').first().getAttribute('href')) ?? '');
  await expect(page).toHaveURL(/\/cases\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('case-repeat-victim')).toBeVisible();
  await expect(page.getByTestId('case-people').getByTestId('person-marker').first()).toBeVisible();
  await expectNoAxeViolations(page, 'a case with a repeat victim');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the list filters by kind and status, and says when nothing matches', async ({ page }) => {
    await signIn(page, COORDINATOR);
    await page.goto('/repeats');
    await page.getByLabel('Kind').selectOption('perpetrator');
    await page.getByLabel('Status').selectOption('expired');
    await page.getByRole('button', { name: 'Apply filters' }).press('Enter');
    await expect(page).toHaveURL(/\/repeats\?kind=perpetrator&area=&status=expired$/);
    await expect(page.getByTestId('no-repeats')).toContainText('There are no ended repeats you can see matching the filters');
    await expectNoAxeViolationsWithoutJs(page, 'repeats list with nothing to show');
    await page.goto('/repeats?kind=nonsense');
    await expect(page.locator('.govuk-error-summary')).toContainText('Select a kind of repeat from the list');
    await expectNoAxeViolationsWithoutJs(page, 'repeats list with a bad filter');
  });
});
