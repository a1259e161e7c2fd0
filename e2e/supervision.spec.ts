// A first-line manager's supervision, by keyboard: from the main navigation to the officers she
// line-manages, the officer with an overdue task, reassigning one of the officer's cases with a
// reason (after a validation error), and recording a supervision note that shows on the case's
// timeline. Every page is checked with axe.
import { expect, test } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.ts';
import { activate, chooseOption, typeDate, typeInto } from './support/keyboard.ts';
import { signIn, USERS } from './support/session.ts';

const MANAGER = { email: 'manager@endeavour.demo', name: 'Sarah Whitfield' };

test('the manager supervises an officer: overdue task, reassign a case, a supervision note', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, MANAGER);
  await activate(page, page.getByRole('link', { name: 'Supervision', exact: true }), 'the Supervision link');
  await expect(page).toHaveURL(/\/supervision$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Supervision');
  await expectNoAxeViolations(page, 'the supervision page');

  // The demo's officer has an overdue task; the count leads to it.
  const officerRow = page.getByTestId('supervision').locator('tr', { hasText: USERS.officer.name });
  const overdue = officerRow.getByTestId('overdue-tasks').getByRole('link');
  await expect(overdue).toHaveText(/^[1-9]\d*/);
  await activate(page, overdue, 'the overdue tasks count');
  await expect(page).toHaveURL(/\/supervision\/officers\/[0-9a-f-]{36}\?show=overdue_tasks$/);
  await expect(page.getByTestId('officer-task').first()).toContainText('Overdue');
  await expectNoAxeViolations(page, 'the officer’s overdue tasks');

  // Her open cases, and reassigning the first.
  await activate(page, page.getByRole('link', { name: 'Open cases', exact: true }), 'the open cases tab');
  await expect(page.getByTestId('officer-cases')).toBeVisible();
  await expectNoAxeViolations(page, 'the officer’s open cases');
  const firstCase = page.getByTestId('officer-case').first();
  const reference = (await firstCase.getByRole('link').first().textContent())!.trim();
  await activate(page, firstCase.getByRole('link', { name: `Reassign ${reference}` }), 'the reassign link');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Reassign the case');
  await expectNoAxeViolations(page, 'the reassign form');
  await activate(page, page.getByRole('button', { name: 'Reassign case' }), 'the reassign button');
  await expect(page.getByRole('alert')).toContainText('Select the officer to take it on');
  await expectNoAxeViolations(page, 'the reassign form with errors');
  await chooseOption(page, page.getByLabel('Who should take it on?'), `${MANAGER.name} – Community safety manager`, 'who takes it on');
  await typeInto(page, page.getByLabel('Why are you reassigning it?'), 'Amira is on leave; I will hold it until she is back.', 'the reason');
  await activate(page, page.getByRole('button', { name: 'Reassign case' }), 'the reassign button');
  await expect(page.getByText('The case has been reassigned')).toBeVisible();
  await expect(page.getByTestId('timeline')).toContainText(`Case reassigned from ${USERS.officer.name} to ${MANAGER.name}`);

  // A supervision note with the next review date, from the case page.
  await activate(page, page.getByRole('link', { name: 'Supervision notes' }), 'the supervision notes link');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Supervision:');
  await expectNoAxeViolations(page, 'the supervision notes page');
  await typeInto(page, page.getByLabel('Supervision note'), 'Reviewed with the team: visit this week, then consider a warning letter.', 'the note');
  const next = new Date(Date.now() + 14 * 86_400_000);
  await typeDate(
    page,
    page.getByRole('group', { name: 'Next review date (optional)' }),
    { day: next.getUTCDate(), month: next.getUTCMonth() + 1, year: next.getUTCFullYear() },
    'the next review date',
  );
  await activate(page, page.getByRole('button', { name: 'Add supervision note' }), 'the add note button');
  await expect(page.getByText('The supervision note has been added and the review date set')).toBeVisible();
  await expect(page.getByTestId('supervision-note')).toHaveCount(1);
  await expectNoAxeViolations(page, 'the supervision notes page with a note');
  await activate(page, page.getByRole('link', { name: 'View the case' }), 'the case link');
  await expect(page.getByTestId('timeline')).toContainText('Reviewed with the team');
});
