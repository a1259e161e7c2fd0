// Referrals between agencies, by keyboard: a council officer refers a person to the fire service for
// a home fire safety check, with consent, sharing the person only; the fire service finds it in their
// queue, accepts and completes it without JavaScript. Every page is checked with axe.
// The rest (declining, withdrawing, what each organisation can see) is in
// src/modules/referrals/referrals.test.ts at the HTTP and database level.
import { expect, test, type Page } from '@playwright/test';
import { expectNoAxeViolations, expectNoAxeViolationsWithoutJs } from './support/axe.ts';
import { activate, chooseRadio, tick, typeInto } from './support/keyboard.ts';
import { signIn, USERS } from './support/session.ts';

const FIRE = { email: 'fire@endeavour.demo', name: 'Gemma Rowe' };

/** Long pages: focus the link directly (as a skip link or heading navigation would) and press Enter. */
async function follow(page: Page, name: string) {
  const link = page.getByRole('link', { name, exact: true });
  await link.focus();
  await page.keyboard.press('Enter');
}

test('an officer refers a person to the fire service, who accept and complete it', async ({ browser }) => {
  test.setTimeout(110_000);
  const officerContext = await browser.newContext();
  const page = await officerContext.newPage();
  await signIn(page, USERS.officer);

  // The first person on the officer's list is one Charnwood holds.
  await page.goto('/people');
  const personLink = page.getByTestId('people-table').getByRole('link').first();
  const personHref = (await personLink.getAttribute('href'))!;
  await page.goto(personHref);
  await follow(page, 'Refer to another agency');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Refer to another agency');
  await expectNoAxeViolations(page, 'choosing the kind of referral');
  const kinds = page.getByRole('group', { name: 'What kind of referral is it?' });
  await chooseRadio(page, kinds, kinds.getByLabel('Home fire safety check'), 'the kind of referral');
  await activate(page, page.getByRole('button', { name: 'Continue' }), 'Continue');

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Home fire safety check');
  await expect(page.getByTestId('destination')).toContainText('Leicestershire Fire and Rescue Service');
  await expectNoAxeViolations(page, 'the referral form');
  await activate(page, page.getByRole('button', { name: 'Continue' }), 'Continue');
  await expect(page.getByRole('alert')).toContainText('Select whether the person consented to this referral');
  await expectNoAxeViolations(page, 'the referral form with errors');

  const alarm = page.getByRole('group', { name: 'Is there a working smoke alarm?' });
  await chooseRadio(page, alarm, alarm.getByLabel('No', { exact: true }), 'the smoke alarm answer');
  const arson = page.getByRole('group', { name: /threat of arson/ });
  await chooseRadio(page, arson, arson.getByLabel('Yes', { exact: true }), 'the arson answer');
  await typeInto(page, page.getByLabel(/Does anyone at the address smoke/), 'Lives alone; uses a walking frame', 'the household answer');
  const consent = page.getByRole('group', { name: 'Did the person consent to this referral?' });
  await chooseRadio(page, consent, consent.getByLabel('Yes, they consented'), 'consent');
  const records = page.getByRole('group', { name: /Which records will/ });
  // The person the referral starts from comes ticked; nothing else does.
  await tick(page, records.getByRole('checkbox').first(), 'the person');
  await expect(records.getByRole('checkbox', { checked: true })).toHaveCount(1);
  await activate(page, page.getByRole('button', { name: 'Continue' }), 'Continue');

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your referral before sending it');
  await expect(page.getByTestId('check-shared').getByRole('listitem')).toHaveCount(1);
  await expect(page.getByTestId('check-shared')).toContainText('Person:');
  await expectNoAxeViolations(page, 'checking the referral');
  await activate(page, page.getByRole('button', { name: 'Send referral' }), 'Send referral');
  await expect(page.getByTestId('referral-status')).toHaveText('Waiting for a decision');
  const reference = (await page.locator('.govuk-caption-l').textContent())!.split(' · ')[0]!.trim();
  await expectNoAxeViolations(page, 'the sent referral');
  await officerContext.close();

  // The fire service works without JavaScript: the queue, the decision and completing all still work.
  const fireContext = await browser.newContext({ javaScriptEnabled: false });
  const fire = await fireContext.newPage();
  await signIn(fire, FIRE);
  await activate(fire, fire.getByRole('link', { name: /^Referrals/ }), 'the Referrals link');
  await expect(fire.getByRole('heading', { level: 1 })).toHaveText('Referrals');
  await expect(fire.getByTestId('received')).toContainText(reference);
  await expectNoAxeViolationsWithoutJs(fire, 'the fire service’s queue');
  await activate(fire, fire.getByRole('link', { name: reference }), 'the referral');
  await expect(fire.getByTestId('referral-answers')).toContainText('Lives alone; uses a walking frame');
  await expect(fire.getByTestId('referral-records').getByRole('link')).toHaveCount(1);
  const decision = fire.getByRole('group', { name: /Will Leicestershire Fire and Rescue Service take this referral/ });
  await chooseRadio(fire, decision, decision.getByLabel('Yes, accept it'), 'accept');
  await activate(fire, fire.getByRole('button', { name: 'Save decision' }), 'Save decision');
  await expect(fire.getByTestId('referral-status')).toHaveText('Accepted');
  await typeInto(fire, fire.getByLabel('Outcome'), 'Visited; two smoke alarms fitted and a letterbox guard', 'the outcome');
  await activate(fire, fire.getByRole('button', { name: 'Complete referral' }), 'Complete referral');
  await expect(fire.getByTestId('referral-status')).toHaveText('Completed');
  await expect(fire.getByTestId('referral-history')).toContainText('Outcome: Visited; two smoke alarms fitted');
  await expectNoAxeViolationsWithoutJs(fire, 'the completed referral');
  await fire.goto('/referrals/timings');
  await expect(fire.getByTestId('total')).toHaveText('1');
  await expectNoAxeViolationsWithoutJs(fire, 'referral timings');
  await fireContext.close();
});
