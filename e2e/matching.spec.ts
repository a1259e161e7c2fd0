// Journey: matching on entry. A Charnwood officer records a person; later, adding "someone new" on
// the incident form, they see that person suggested as they type (with why) and pick them. A police
// officer typing the same person sees only "a record exists, held by Charnwood Borough Council",
// asks for access, the Charnwood officer grants it, and the police officer then gets the person as a
// full suggestion. Without JavaScript, adding a person first asks "Is this one of these people?".
// Keyboard only; every page and state is checked with axe.
import crypto from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { expectNoAxeViolations, expectNoAxeViolationsWithoutJs } from './support/axe.ts';
import { activate, chooseOption, chooseRadio, tabTo, typeDate, typeInto } from './support/keyboard.ts';
import { signIn, USERS } from './support/session.ts';

// Several whole forms, each checked with axe in several states: more than the default time on a shared machine.
test.describe.configure({ mode: 'serial', timeout: 360_000 });

// A surname no seeded person has, so the suggestions can only be this run's person.
const tag = crypto
  .randomBytes(3)
  .toString('hex')
  .replace(/\d/g, (d) => 'abcdefghij'[Number(d)]!);
const firstName = 'Ottilie';
const lastName = `Farquharson${tag[0]!.toUpperCase()}${tag.slice(1)}`;
// How it is typed later: one letter dropped, as people do.
const misspelt = lastName.replace('harson', 'arson');
const born = { day: 3, month: 9, year: 1984 };
let personPath = '';

async function typeNewPerson(page: Page, surname: string) {
  const zone = page.locator('[data-match="person"]');
  await typeInto(page, zone.getByLabel('First name'), firstName, 'the new first name');
  await typeInto(page, zone.getByLabel('Last name'), surname, 'the new last name');
  await typeDate(page, zone.getByRole('group', { name: /Date of birth/ }), born, 'their date of birth');
  return zone;
}

test('the officer records the person', async ({ page }) => {
  await signIn(page, USERS.officer);
  await page.goto('/people/new');
  await typeInto(page, page.getByLabel('First name'), firstName, 'First name');
  await typeInto(page, page.getByLabel('Last name'), lastName, 'Last name');
  await typeDate(page, page.getByRole('group', { name: 'Date of birth (optional)' }), born, 'their date of birth');
  await expectNoAxeViolations(page, 'add a person, typed');
  await activate(page, page.getByRole('button', { name: 'Save' }), 'the Save button');
  await expect(page).toHaveURL(/\/people\/[0-9a-f-]{36}$/);
  personPath = new URL(page.url()).pathname;
});

test('adding someone new to an incident, the officer sees the person suggested as they type, with reasons, and picks them', async ({ page }) => {
  await signIn(page, USERS.officer);
  await page.goto('/incidents/new');
  const zone = await typeNewPerson(page, misspelt);
  const status = zone.locator('[data-match-status]');
  await expect(status).toHaveText(/1 person already recorded may be this one/);
  await expect(status).toHaveAttribute('role', 'status');
  const option = zone.getByRole('radio', { name: `${firstName} ${lastName}` });
  await expect(option).toBeVisible();
  const hint = zone.locator('.govuk-radios__hint').first();
  await expect(hint).toContainText('held by Charnwood Borough Council');
  await expect(hint).toContainText(/likely to be the same person/);
  await expect(hint).toContainText(/Date of birth/);
  await expectNoAxeViolations(page, 'incident form with suggestions');
  await chooseRadio(page, zone.locator('.govuk-radios'), option, 'the suggested person');
  await chooseOption(page, zone.getByLabel('Their role in the incident'), 'Victim', 'the role');
  await activate(page, zone.getByRole('button', { name: 'Add new person' }), 'the Add new person button');
  const added = page.getByTestId('incident-people');
  await expect(added).toContainText(`${firstName} ${lastName}`);
  await expect(added).toContainText('Held by Charnwood Borough Council');
  await expect(added).not.toContainText('New');
  await expectNoAxeViolations(page, 'incident form with the existing person added');
});

test('another organisation sees only that a record exists, and asks for access', async ({ page }) => {
  await signIn(page, USERS.police);
  await page.goto('/incidents/new');
  const zone = await typeNewPerson(page, lastName);
  await expect(zone.locator('[data-match-status]')).toHaveText(/1 record held by another organisation may be this one/);
  const stub = zone.getByTestId('match-stub');
  await expect(stub).toContainText('Charnwood Borough Council holds a record that may be this');
  await expect(stub).toContainText(USERS.officer.name);
  await expect(zone.getByRole('radio', { name: new RegExp(lastName) })).toHaveCount(0);
  expect(await page.content()).not.toContain(personPath.split('/').pop()!);
  await expectNoAxeViolations(page, 'incident form with a stub');

  const link = stub.getByRole('link', { name: /Request access to the record held by Charnwood Borough Council/ });
  const [request] = await Promise.all([page.waitForEvent('popup'), activate(page, link, 'the request access link')]);
  await request.waitForLoadState('load');
  await expect(request.getByRole('heading', { level: 1 })).toHaveText('Ask Charnwood Borough Council for access');
  await expect(request.locator('main')).not.toContainText(lastName);
  await expectNoAxeViolations(request, 'request access form');
  await activate(request, request.getByRole('button', { name: 'Send request' }), 'the Send request button');
  await expect(request.locator('.govuk-error-summary')).toContainText('Enter why you need to see the record');
  await expectNoAxeViolations(request, 'request access form with an error');
  await typeInto(request, request.getByLabel('Why do you need to see it?'), 'Victim in a police incident on the same estate', 'the reason');
  await activate(request, request.getByRole('button', { name: 'Send request' }), 'the Send request button');
  await expect(request.locator('.govuk-notification-banner')).toContainText('Your request has been sent');
  await expect(request.locator('main')).toContainText('Waiting for a decision');
  await expectNoAxeViolations(request, 'access request, waiting');
  // The incident form in the first tab still has everything typed.
  await expect(zone.getByLabel('Last name')).toHaveValue(lastName);
});

test('the recording officer grants the request', async ({ page }) => {
  await signIn(page, USERS.officer);
  const nav = page.locator('.moj-primary-navigation').getByRole('link', { name: /Access requests/ });
  await expect(nav.locator('.moj-notification-badge')).toHaveText(/1/);
  await activate(page, nav, 'the Access requests link');
  await expect(page.getByRole('heading', { level: 1, name: 'Access requests' })).toBeVisible();
  await expectNoAxeViolations(page, 'access requests queue');
  await activate(page, page.getByTestId('waiting').getByRole('link').first(), 'the request');
  await expect(page.locator('main')).toContainText(`${firstName} ${lastName}`);
  await expect(page.locator('main')).toContainText('Victim in a police incident on the same estate');
  await expectNoAxeViolations(page, 'access request, to decide');
  await chooseRadio(page, page.getByRole('group', { name: 'Do you want to share this record?' }), page.getByLabel('Yes, share it'), 'share it');
  await expectNoAxeViolations(page, 'access request, sharing chosen');
  await activate(page, page.getByRole('button', { name: 'Save decision' }), 'the Save decision button');
  await expect(page.locator('.govuk-notification-banner')).toContainText('The record has been shared');
  await expect(page.locator('main')).toContainText('Shared');
  await expectNoAxeViolations(page, 'access request, granted');
});

test('the requester now sees the person in full', async ({ page }) => {
  await signIn(page, USERS.police);
  await page.goto('/incidents/new');
  const zone = await typeNewPerson(page, lastName);
  await expect(zone.locator('[data-match-status]')).toHaveText(/1 person already recorded may be this one/);
  await expect(zone.getByRole('radio', { name: `${firstName} ${lastName}` })).toBeVisible();
  await expect(zone.getByTestId('match-stub')).toHaveCount(0);
  await page.goto(personPath);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(new RegExp(`${firstName}\\s+${lastName}`));
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('adding a person first asks "Is this one of these people?", and choosing one opens their record', async ({ page }) => {
    await signIn(page, USERS.officer);
    await page.goto('/people/new');
    await typeInto(page, page.getByLabel('First name'), firstName, 'First name');
    await typeInto(page, page.getByLabel('Last name'), lastName, 'Last name');
    await typeDate(page, page.getByRole('group', { name: 'Date of birth (optional)' }), born, 'their date of birth');
    await typeInto(page, page.getByLabel('Email address (optional)'), 'ottilie@example.com', 'the email address');
    await activate(page, page.getByRole('button', { name: 'Save' }), 'the Save button');
    await expect(page.getByRole('heading', { level: 1, name: 'Is this one of these people?' })).toBeVisible();
    await expectNoAxeViolationsWithoutJs(page, 'is this one of these people');
    await activate(page, page.getByRole('button', { name: 'Continue' }), 'Continue');
    await expect(page.locator('.govuk-error-summary')).toContainText('Select the person if they are one of these');
    await expectNoAxeViolationsWithoutJs(page, 'is this one of these people, nothing chosen');
    const option = page.getByRole('radio', { name: `${firstName} ${lastName}`, exact: true });
    await chooseRadio(page, page.getByRole('group', { name: 'Is this one of these people?' }), option, 'the existing person');
    await tabTo(page, page.getByRole('button', { name: 'Continue' }), 'Continue');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`${personPath}$`));
    await expect(page.locator('.govuk-notification-banner')).toContainText('Nothing new was saved');
  });
});
