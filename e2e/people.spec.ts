// Journey: a Charnwood Borough Council officer records a person, changes them and shares them with
// Leicestershire Police; a police officer cannot see the person (404) until it is shared, then can.
// Forms are filled by keyboard only; every page and state is checked with axe.
import crypto from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.ts';
import { activate, chooseOption, chooseRadio, tabTo, typeInto } from './support/keyboard.ts';
import { signIn, USERS } from './support/session.ts';

test.describe.configure({ mode: 'serial' });

// A name no seeded person has, so the lists below can only be showing this run's person.
const tag = crypto
  .randomBytes(3)
  .toString('hex')
  .replace(/\d/g, (d) => 'abcdefghij'[Number(d)]!);
const firstName = 'Marisol';
const lastName = `Quenby${tag[0]!.toUpperCase()}${tag.slice(1)}`;
const changedLastName = `${lastName}-Hart`;
let personPath = '';

const dateOfBirth = (page: Page) => page.getByRole('group', { name: 'Date of birth (optional)' });

test('the officer adds a person by keyboard', async ({ page }) => {
  await signIn(page, USERS.officer);
  await expect(page.locator('.moj-identity-bar')).toContainText(USERS.officer.organisation);

  await activate(
    page,
    page.locator('.moj-primary-navigation').getByRole('link', { name: 'People' }),
    'the People link',
  );
  await expect(page.getByRole('heading', { level: 1, name: 'People' })).toBeVisible();
  await expect(page.getByTestId('people-table')).toBeVisible();
  await expectNoAxeViolations(page, 'people list');

  await activate(page, page.getByRole('button', { name: 'Add a person' }), 'the Add a person button');
  await expect(page).toHaveURL(/\/people\/new$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Add a person' })).toBeVisible();
  await expectNoAxeViolations(page, 'add a person form, empty');

  // Submitting the empty form: GOV.UK errors for the required fields.
  await activate(page, page.getByRole('button', { name: 'Save' }), 'the Save button');
  await expect(page).toHaveTitle(/^Error: Add a person/);
  const summary = page.locator('.govuk-error-summary');
  await expect(summary.getByRole('link', { name: 'Enter a first name' })).toHaveAttribute(
    'href',
    '#first_name',
  );
  await expect(summary.getByRole('link', { name: 'Enter a last name' })).toHaveAttribute(
    'href',
    '#last_name',
  );
  await expect(page.locator('#first_name-error')).toBeVisible();
  await expectNoAxeViolations(page, 'add a person form, submitted empty');

  // An impossible date of birth is its own error, and what was typed is kept.
  await typeInto(page, page.getByLabel('First name'), firstName, 'First name');
  await typeInto(page, page.getByLabel('Last name'), lastName, 'Last name');
  await typeInto(page, dateOfBirth(page).getByLabel('Day'), '31', 'the day of birth');
  await typeInto(page, dateOfBirth(page).getByLabel('Month'), '2', 'the month of birth');
  await typeInto(page, dateOfBirth(page).getByLabel('Year'), '1990', 'the year of birth');
  await page.keyboard.press('Enter');
  await expect(page.locator('#date_of_birth-error')).toBeVisible();
  await expect(page.getByLabel('First name')).toHaveValue(firstName);
  await expectNoAxeViolations(page, 'add a person form, impossible date of birth');

  await typeInto(page, dateOfBirth(page).getByLabel('Day'), '14', 'the day of birth');
  await typeInto(page, dateOfBirth(page).getByLabel('Month'), '6', 'the month of birth');
  await typeInto(page, dateOfBirth(page).getByLabel('Year'), '1987', 'the year of birth');
  await chooseOption(page, page.getByLabel('Gender (optional)'), 'Female', 'the gender list');
  await expectNoAxeViolations(page, 'add a person form, filled in');
  await activate(page, page.getByRole('button', { name: 'Save' }), 'the Save button');

  await expect(page).toHaveURL(/\/people\/[0-9a-f-]{36}$/);
  personPath = new URL(page.url()).pathname;
  await expect(page.locator('.govuk-notification-banner')).toContainText(
    `${firstName} ${lastName} has been added`,
  );
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(new RegExp(`${firstName}\\s+${lastName}`));
  await expect(page.getByText(`Held by ${USERS.officer.organisation}`)).toBeVisible();
  const details = page.locator('.govuk-summary-list');
  await expect(details.locator('.govuk-summary-list__row', { hasText: 'Date of birth' })).toContainText(
    '14 June 1987',
  );
  await expect(details.locator('.govuk-summary-list__row', { hasText: 'Gender' })).toContainText('Female');
  await expect(page.getByText('Not shared with anyone.')).toBeVisible();
  await expectNoAxeViolations(page, 'person page, just added');
});

test('before it is shared, the police officer cannot see the person', async ({ page }) => {
  expect(personPath, 'the person was added by the previous test').not.toBe('');
  await signIn(page, USERS.police);
  const response = await page.goto(personPath);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await expect(page.getByText(lastName)).toHaveCount(0);
  await expectNoAxeViolations(page, '404 page for a person not shared');

  await page.goto(`/people?q=${encodeURIComponent(lastName)}`);
  await expect(page.getByTestId('no-people')).toContainText(`No people you can see match “${lastName}”`);
  await expect(page.getByTestId('people-table')).toHaveCount(0);
  await expectNoAxeViolations(page, 'people search with no results');
});

test('the officer changes the person and shares them with Leicestershire Police', async ({ page }) => {
  await signIn(page, USERS.officer);
  await page.goto(`/people?q=${encodeURIComponent(lastName)}`);
  await expect(page.getByTestId('people-table')).toContainText(lastName.toUpperCase());
  await expectNoAxeViolations(page, 'people search with a result');
  await activate(
    page,
    page.getByRole('link', { name: `${lastName.toUpperCase()}, ${firstName}` }),
    'the person link',
  );
  await expect(page).toHaveURL(new RegExp(`${personPath}$`));

  // Change details.
  await activate(
    page,
    page.getByRole('link', { name: `Change details of ${firstName} ${lastName}` }),
    'the Change details link',
  );
  await expect(page.getByRole('heading', { level: 1, name: 'Change person details' })).toBeVisible();
  await expect(page.getByLabel('Last name')).toHaveValue(lastName);
  await expect(dateOfBirth(page).getByLabel('Year')).toHaveValue('1987');
  await expectNoAxeViolations(page, 'change person form, filled in');

  await typeInto(page, page.getByLabel('Last name'), '', 'Last name');
  await page.keyboard.press('Enter');
  await expect(
    page.locator('.govuk-error-summary').getByRole('link', { name: 'Enter a last name' }),
  ).toBeVisible();
  await expectNoAxeViolations(page, 'change person form, last name removed');

  await typeInto(page, page.getByLabel('Last name'), changedLastName, 'Last name');
  await typeInto(page, page.getByLabel('Phone number (optional)'), '07700 900 982', 'Phone number');
  await typeInto(
    page,
    page.getByLabel('Notes (optional)'),
    'Reported noise from the flat above, June.',
    'Notes',
  );
  await activate(page, page.getByRole('button', { name: 'Save' }), 'the Save button');
  await expect(page).toHaveURL(new RegExp(`${personPath}$`));
  await expect(page.locator('.govuk-notification-banner')).toContainText('The changes have been saved');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    new RegExp(`${firstName}\\s+${changedLastName}`),
  );
  await expect(page.locator('.govuk-summary-list__row', { hasText: 'Phone number' })).toContainText(
    '07700 900 982',
  );
  await expectNoAxeViolations(page, 'person page, changed');

  // Share with the police.
  await activate(
    page,
    page.getByRole('button', { name: 'Share this person' }),
    'the Share this person button',
  );
  await expect(page).toHaveURL(new RegExp(`${personPath}/share$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Share this person' })).toBeVisible();
  await expectNoAxeViolations(page, 'share form, empty');

  await activate(page, page.getByRole('button', { name: 'Share' }), 'the Share button');
  const summary = page.locator('.govuk-error-summary');
  await expect(summary.getByRole('link', { name: 'Select who to share with' })).toBeVisible();
  await expect(summary.getByRole('link', { name: /Enter the reason for sharing/ })).toBeVisible();
  await expectNoAxeViolations(page, 'share form, submitted empty');

  const who = page.getByRole('group', { name: 'Who do you want to share with?' });
  await chooseRadio(page, who, who.getByLabel('A whole organisation'), 'sharing with a whole organisation');
  const organisation = page.getByLabel('Organisation', { exact: true });
  await expect(organisation).toBeVisible();
  await chooseOption(page, organisation, USERS.police.organisation, 'the organisation list');
  const reason = 'ASB case review under the partnership information sharing agreement';
  await typeInto(page, page.getByLabel('Why are you sharing?'), reason, 'the reason');
  await expect(page.getByRole('group', { name: 'What can they do?' }).getByLabel('View only')).toBeChecked();
  await expectNoAxeViolations(page, 'share form, filled in');
  await activate(page, page.getByRole('button', { name: 'Share', exact: true }), 'the Share button');

  await expect(page).toHaveURL(new RegExp(`${personPath}$`));
  await expect(page.locator('.govuk-notification-banner')).toContainText('The person has been shared');
  const shares = page.getByTestId('shares-table');
  await expect(shares).toContainText(USERS.police.organisation);
  await expect(shares).toContainText(reason);
  await expectNoAxeViolations(page, 'person page, shared');
  await tabTo(
    page,
    shares.getByRole('button', { name: `Stop sharing with ${USERS.police.organisation}` }),
    'the Stop sharing button',
  );
});

test('once shared, the police officer can see the person', async ({ page }) => {
  await signIn(page, USERS.police);
  const response = await page.goto(personPath);
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    new RegExp(`${firstName}\\s+${changedLastName}`),
  );
  await expect(page.getByText(`Held by ${USERS.officer.organisation}`)).toBeVisible();
  await expect(page.locator('.govuk-summary-list__row', { hasText: 'Phone number' })).toContainText(
    '07700 900 982',
  );
  // View-only access: no way to change or re-share it.
  await expect(page.getByRole('link', { name: /Change details/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Share this person' })).toHaveCount(0);
  await expectNoAxeViolations(page, 'person page, seen by the organisation it is shared with');

  await page.goto(`/people?q=${encodeURIComponent(changedLastName)}`);
  const row = page
    .getByTestId('people-table')
    .locator('tbody tr', { hasText: changedLastName.toUpperCase() });
  await expect(row).toContainText(USERS.officer.organisation);
  await expect(row).toContainText('Shared with you');
  await expectNoAxeViolations(page, 'people list with a shared person');

  const edit = await page.goto(`${personPath}/edit`);
  expect(edit?.status(), 'view-only access cannot open the change form').toBe(403);
  await expectNoAxeViolations(page, '403 page');
});
