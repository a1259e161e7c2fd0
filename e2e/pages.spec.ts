// Every page there is, checked with axe (WCAG 2.2 A and AA: zero violations): as an anonymous visitor
// and as a signed-in case officer, both by a fixed list (with what each page must show) and by
// following every link from the home page, so a new page cannot be missed. Then the no-JavaScript
// path: signing in and adding a person work with JavaScript switched off.
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { expectNoAxeViolations, expectNoAxeViolationsWithoutJs, WCAG_TAGS } from './support/axe.ts';
import { crawl } from './support/crawl.ts';
import { activate, tabTo, typeInto } from './support/keyboard.ts';
import { demoPassword, signIn, submitSignIn, USERS } from './support/session.ts';

async function expectPage(page: Page, path: string, heading: string | RegExp, state: string, status = 200) {
  const response = await page.goto(path);
  expect(response?.status(), `GET ${path}`).toBe(status);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
  // Every page: a title naming it, one main landmark, a skip link to it, and the footer links.
  await expect(page).toHaveTitle(/ – Endeavour$/);
  await expect(page.getByRole('main')).toHaveCount(1);
  await expect(page.getByRole('link', { name: 'Skip to main content' })).toHaveAttribute(
    'href',
    '#main-content',
  );
  await expect(page.getByRole('link', { name: 'Accessibility statement' })).toBeVisible();
  await expectNoAxeViolations(page, state);
}

test('the accessibility check itself finds violations', async ({ page }) => {
  // A deliberately broken page: proves the checks in this suite are not passing vacuously, and that
  // the one accepted GOV.UK exception (see support/axe.ts) does not hide other ARIA misuse.
  await page.setContent(`<!doctype html><html><head><title>Broken</title></head><body><main>
    <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
    <input type="text" name="unlabelled">
    <input type="checkbox" aria-expanded="false" aria-pressed="true" id="c"><label for="c">Tick</label>
    </main></body></html>`);
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const ids = results.violations.map((v) => v.id);
  expect(ids).toEqual(expect.arrayContaining(['image-alt', 'label', 'html-has-lang', 'aria-allowed-attr']));
  await expect(expectNoAxeViolations(page, 'a deliberately broken page')).rejects.toThrow(/image-alt/);
});

test('every page an anonymous visitor can reach', async ({ page }) => {
  await expectPage(page, '/sign-in', 'Sign in to Endeavour', 'sign-in page');
  // Anything behind sign-in sends the visitor to sign in.
  await page.goto('/people');
  await expect(page).toHaveURL(/\/sign-in$/);
  await expectPage(page, '/sign-in?expired=1', 'Sign in to Endeavour', 'sign-in page after a session ended');
  await expect(page.locator('.govuk-inset-text')).toContainText(
    'You were signed out because your session ended',
  );
  await expectPage(page, '/forgot-password', 'Reset your password', 'forgot-password page');
  await expectPage(
    page,
    '/accessibility',
    'Accessibility statement for Endeavour',
    'accessibility statement, signed out',
  );
  await expectPage(page, '/no-such-page', 'Page not found', '404 page, signed out', 404);
  await expectPage(page, '/sign-out', 'You have signed out', 'signed-out page');
  await expectPage(
    page,
    '/reset-password/no-such-token',
    'This link has expired',
    'expired reset link page',
    410,
  );
});

test('every page a signed-in case officer can reach', async ({ page }) => {
  await signIn(page, USERS.officer);
  await expectPage(page, '/', `Welcome, ${USERS.officer.name}`, 'home page');
  await expect(page.getByTestId('tasks-count')).toHaveText(/^\d+$/);
  await expectPage(page, '/people', 'People', 'people list');
  const owned = page.getByTestId('people-table').locator('tbody tr', { hasText: USERS.officer.organisation });
  const personLink = owned.first().getByRole('link').first();
  const personPath = (await personLink.getAttribute('href')) ?? '';
  expect(personPath).toMatch(/^\/people\/[0-9a-f-]{36}$/);
  await expectPage(
    page,
    `/people?q=${encodeURIComponent('zzzz no such name')}`,
    'People',
    'people search, no results',
  );
  await expectPage(page, personPath, /\S/, 'person page');
  await expect(page.getByText(`Held by ${USERS.officer.organisation}`)).toBeVisible();
  await expectPage(page, '/people/new', 'Add a person', 'add a person form');
  await expectPage(page, `${personPath}/edit`, 'Change person details', 'change person form');
  await expect(page.getByLabel('First name')).not.toHaveValue('');
  await expectPage(page, `${personPath}/share`, 'Share this person', 'share form');
  await expectPage(page, '/account', 'Your account', 'account page');
  await expect(page.locator('.govuk-summary-list')).toContainText(USERS.officer.email);
  await expectPage(
    page,
    '/accessibility',
    'Accessibility statement for Endeavour',
    'accessibility statement, signed in',
  );
  await expectPage(page, '/no-such-page', 'Page not found', '404 page, signed in', 404);
  await expectPage(
    page,
    '/people/00000000-0000-4000-8000-000000000000',
    'Page not found',
    '404 page for a person',
    404,
  );
  await expectPage(page, '/sign-out', 'You have signed out', 'signed-out page, just signed out');
  await page.goto('/people');
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('every page linked from the home page, followed link by link', async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page, USERS.officer);
  const visited = await crawl(page);
  test.info().annotations.push({ type: 'pages walked', description: visited.join(' ') });
  expect(visited).toEqual(
    expect.arrayContaining([
      '/',
      '/people',
      '/people/new',
      '/people/:id',
      '/people/:id/edit',
      '/people/:id/share',
      '/account',
      '/accessibility',
      '/forgot-password',
    ]),
  );
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the officer signs in and adds a person', async ({ page }) => {
    // A wrong password first: the error summary works without scripts too.
    await submitSignIn(page, USERS.officer.email, `${demoPassword()}-wrong`);
    await expect(page.locator('.govuk-error-summary')).toContainText(
      'Enter a correct email address and password',
    );
    await expect(page.locator('body')).not.toHaveClass(/js-enabled/);
    await expectNoAxeViolationsWithoutJs(page, 'sign-in page with an error');

    await submitSignIn(page, USERS.officer.email, demoPassword());
    await expect(page).toHaveURL(/\/$/);
    await expect(
      page.getByRole('heading', { level: 1, name: `Welcome, ${USERS.officer.name}` }),
    ).toBeVisible();
    await expectNoAxeViolationsWithoutJs(page, 'home page');

    await activate(page, page.getByRole('link', { name: 'Add a person' }).first(), 'the Add a person link');
    await expect(page).toHaveURL(/\/people\/new$/);
    await expectNoAxeViolationsWithoutJs(page, 'add a person form');
    await tabTo(page, page.getByRole('button', { name: 'Save' }), 'the Save button');
    await page.keyboard.press('Enter');
    await expect(page.locator('.govuk-error-summary')).toContainText('Enter a first name');
    await expectNoAxeViolationsWithoutJs(page, 'add a person form with errors');

    await typeInto(page, page.getByLabel('First name'), 'Nadia', 'First name');
    await typeInto(page, page.getByLabel('Last name'), 'Okonkwo-Brent', 'Last name');
    const dob = page.getByRole('group', { name: 'Date of birth (optional)' });
    await typeInto(page, dob.getByLabel('Day'), '2', 'the day of birth');
    await typeInto(page, dob.getByLabel('Month'), '11', 'the month of birth');
    await typeInto(page, dob.getByLabel('Year'), '2001', 'the year of birth');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/people\/[0-9a-f-]{36}$/);
    await expect(page.locator('.govuk-notification-banner')).toContainText(
      'Nadia Okonkwo-Brent has been added',
    );
    await expect(page.locator('.govuk-summary-list__row', { hasText: 'Date of birth' })).toContainText(
      '2 November 2001',
    );
    await expectNoAxeViolationsWithoutJs(page, 'person page');
  });
});
