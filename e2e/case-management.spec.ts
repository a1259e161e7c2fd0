// Journey: a Charnwood Borough Council officer, by keyboard only, records a known perpetrator, then an
// incident with a new victim (added on the form) and that perpetrator (found by name); opens a case
// from the incident; assesses the victim's risk; issues a warning letter to the perpetrator from the
// default Word template and checks the downloaded .docx; and sets a task on the case and completes it.
// Every page and every state it passes through (including validation errors) is checked with axe.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import PizZip from 'pizzip';
import { expectNoAxeViolations } from './support/axe.ts';
import { activate, chooseOption, chooseRadio, tick, typeDate, typeInto } from './support/keyboard.ts';
import { signIn, USERS } from './support/session.ts';

test.describe.configure({ mode: 'serial' });

// Names no seeded person has (letters only, so name search and phonetic matching treat them as
// names), so what the searches and tables show can only be this run's people.
const tag = crypto
  .randomBytes(3)
  .toString('hex')
  .replace(/\d/g, (d) => 'abcdefghij'[Number(d)]!);
const suffix = `${tag[0]!.toUpperCase()}${tag.slice(1)}`;
const perpetrator = { first: 'Declan', last: `Vossberg${suffix}` };
const victim = { first: 'Rosalind', last: `Ashcombe${suffix}` };
const fullName = (p: { first: string; last: string }) => `${p.first} ${p.last}`;

const caseTitle = `Noise and intimidation, Elm Road flats ${suffix}`;
const taskTitle = `Visit ${fullName(victim)} to offer support`;

// What the journey has made, for the steps after it.
let incidentPath = '';
let incidentReference = '';
let casePath = '';
let caseReference = '';

/** A day in England's calendar, `offset` days from today, as the parts a GOV.UK date input takes. */
function londonDay(offset: number) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    day: 'numeric',
    month: 'numeric',
    year: 'numeric',
  }).formatToParts(new Date(Date.now() + offset * 86_400_000));
  const part = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { day: part('day'), month: part('month'), year: part('year') };
}

const errorSummary = (page: Page) => page.locator('.govuk-error-summary');
const banner = (page: Page) => page.locator('.govuk-notification-banner');
const summaryRow = (page: Page, key: string) =>
  page.locator('.govuk-summary-list__row', {
    has: page.locator('.govuk-summary-list__key', { hasText: new RegExp(`^\\s*${key}\\s*$`) }),
  });
const tableRow = (table: Locator, text: string) => table.locator('tbody tr', { hasText: text });

test('the officer records the known perpetrator as a person', async ({ page }) => {
  await signIn(page, USERS.officer);
  await expectNoAxeViolations(page, 'home page, signed in as the officer');
  await activate(
    page,
    page.locator('.moj-primary-navigation').getByRole('link', { name: 'People' }),
    'the People link',
  );
  await expect(page.getByRole('heading', { level: 1, name: 'People' })).toBeVisible();
  await expectNoAxeViolations(page, 'people list');
  await activate(page, page.getByRole('button', { name: 'Add a person' }), 'the Add a person button');
  await expect(page).toHaveURL(/\/people\/new$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Add a person' })).toBeVisible();
  await expectNoAxeViolations(page, 'add a person form, empty');

  await typeInto(page, page.getByLabel('First name'), perpetrator.first, 'First name');
  await typeInto(page, page.getByLabel('Last name'), perpetrator.last, 'Last name');
  await typeDate(
    page,
    page.getByRole('group', { name: 'Date of birth (optional)' }),
    { day: 3, month: 11, year: 1994 },
    'birth',
  );
  await expectNoAxeViolations(page, 'add a person form, the perpetrator filled in');
  await activate(page, page.getByRole('button', { name: 'Save' }), 'the Save button');

  await expect(page).toHaveURL(/\/people\/[0-9a-f-]{36}$/);
  await expect(banner(page)).toContainText(`${fullName(perpetrator)} has been added`);
  await expectNoAxeViolations(page, 'person page, the perpetrator just added');
});

test('the officer records an incident with a new victim and the known perpetrator', async ({ page }) => {
  // The longest step: a long form re-rendered four times, tabbed through and checked with axe each
  // time. Given room so a busy machine (two journeys on two cores) does not fail it on time alone.
  test.slow();
  await signIn(page, USERS.officer);
  await activate(
    page,
    page.locator('.moj-primary-navigation').getByRole('link', { name: 'Incidents' }),
    'the Incidents link',
  );
  await expect(page.getByRole('heading', { level: 1, name: 'Incidents' })).toBeVisible();
  await expectNoAxeViolations(page, 'incidents list');
  await activate(
    page,
    page.getByRole('button', { name: 'Record an incident' }),
    'the Record an incident button',
  );
  await expect(page).toHaveURL(/\/incidents\/new$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Record an incident' })).toBeVisible();
  // The usual answers are already there: today, reported now, to the officer's own organisation.
  await expect(page.getByLabel('Reported to')).toHaveValue(/.+/);
  await expectNoAxeViolations(page, 'record an incident form, empty');

  // Saved with nothing entered: GOV.UK errors for what is missing, each linked to its field.
  await activate(page, page.getByRole('button', { name: 'Save incident' }), 'the Save incident button');
  await expect(page).toHaveTitle(/^Error: Record an incident/);
  await expect(errorSummary(page).getByRole('link', { name: 'Describe what happened' })).toHaveAttribute(
    'href',
    '#description',
  );
  await expect(
    errorSummary(page).getByRole('link', { name: 'Select the type of anti-social behaviour' }),
  ).toHaveAttribute('href', '#asb_type_id');
  await expect(
    errorSummary(page).getByRole('link', {
      name: 'Find the address where it happened, or describe the place',
    }),
  ).toBeVisible();
  await expect(page.locator('#description-error')).toBeVisible();
  await expectNoAxeViolations(page, 'record an incident form, saved empty');

  // When: three days ago at half past nine in the evening; reported today (the default).
  const occurred = londonDay(-3);
  await typeDate(
    page,
    page.getByRole('group', { name: 'Date it happened', exact: true }),
    occurred,
    'the incident',
  );
  await typeInto(
    page,
    page.getByRole('textbox', { name: /^Time it happened/ }),
    '21:30',
    'the time it happened',
  );
  await chooseOption(
    page,
    page.getByLabel('How it was reported'),
    'Council online form',
    'how it was reported',
  );
  await chooseOption(
    page,
    page.getByLabel('Type of anti-social behaviour'),
    'Rowdy or nuisance neighbours (usually personal)',
    'the type of anti-social behaviour',
  );
  const category = page.getByRole('group', { name: 'Category', exact: true });
  await chooseRadio(page, category, category.getByLabel('Personal'), 'the personal category');
  const description =
    'Loud music and shouting from the flat below until 3am. The neighbour banged on the door and made threats when asked to stop.';
  await typeInto(page, page.getByLabel('What happened', { exact: true }), description, 'the description');

  // Where: a place described in words, with its postcode.
  await typeInto(
    page,
    page.getByLabel('Description of the place'),
    'Stairwell of the Elm Road flats, outside number 14',
    'the description of the place',
  );
  await typeInto(page, page.getByRole('textbox', { name: /^Postcode/ }), 'LE11 3AB', 'the postcode');
  const flags = page.getByRole('group', { name: 'Select all that apply' });
  await tick(page, flags.getByLabel('Alcohol-related'), 'the alcohol-related flag');

  // The known perpetrator, found by name.
  const find = page.getByRole('group', { name: 'Find someone already recorded' });
  await typeInto(page, find.getByLabel('Name', { exact: true }), perpetrator.last, 'the name to find');
  await activate(page, find.getByRole('button', { name: 'Find person' }), 'the Find person button');
  const pick = page.getByRole('group', { name: 'Select the person' });
  const perpetratorOption = pick.getByLabel(`${perpetrator.last.toUpperCase()}, ${perpetrator.first}`);
  await expect(perpetratorOption).toBeVisible();
  // Nothing typed so far was lost in the round trip.
  await expect(page.getByLabel('What happened', { exact: true })).toHaveValue(description);
  await expect(page.getByRole('textbox', { name: /^Postcode/ })).toHaveValue('LE11 3AB');
  await expectNoAxeViolations(page, 'record an incident form, people search results');
  await chooseRadio(page, pick, perpetratorOption, 'the perpetrator in the search results');
  await chooseOption(
    page,
    page
      .getByRole('group', { name: 'Find someone already recorded' })
      .getByLabel('Their role in the incident'),
    'Perpetrator or suspect',
    'the perpetrator’s role',
  );
  await activate(page, page.getByRole('button', { name: 'Add this person' }), 'the Add this person button');
  const added = page.getByTestId('incident-people');
  await expect(tableRow(added, fullName(perpetrator))).toContainText('Perpetrator or suspect');
  await expectNoAxeViolations(page, 'record an incident form, the perpetrator added');

  // The victim, who is not yet recorded, added on the form. First without a role: an error.
  const addNew = page.getByRole('group', { name: 'Or add someone new' });
  await typeInto(page, addNew.getByLabel('First name'), victim.first, 'the new person’s first name');
  await typeInto(page, addNew.getByLabel('Last name'), victim.last, 'the new person’s last name');
  await activate(page, addNew.getByRole('button', { name: 'Add new person' }), 'the Add new person button');
  await expect(errorSummary(page)).toBeVisible();
  await expect(page.locator('#new_role-error')).toBeVisible();
  await expect(addNew.getByLabel('Last name')).toHaveValue(victim.last);
  await expectNoAxeViolations(page, 'record an incident form, a new person without a role');
  await chooseOption(page, addNew.getByLabel('Their role in the incident'), 'Victim', 'the victim’s role');
  await activate(page, addNew.getByRole('button', { name: 'Add new person' }), 'the Add new person button');
  await expect(tableRow(added, fullName(victim))).toContainText('Victim');
  await expect(tableRow(added, fullName(victim))).toContainText('New');
  await expect(tableRow(added, fullName(perpetrator))).toContainText('Perpetrator or suspect');
  await expect(errorSummary(page)).toHaveCount(0);
  await expectNoAxeViolations(page, 'record an incident form, filled in with both people');

  await activate(page, page.getByRole('button', { name: 'Save incident' }), 'the Save incident button');
  await expect(page).toHaveURL(/\/incidents\/[0-9a-f-]{36}$/);
  incidentPath = new URL(page.url()).pathname;
  await expect(banner(page)).toContainText(/Incident INC-\d+ has been recorded/);
  const heading = (await page.getByRole('heading', { level: 1 }).textContent()) ?? '';
  incidentReference = /INC-\d+/.exec(heading)?.[0] ?? '';
  expect(incidentReference, 'the incident page is headed with its reference').not.toBe('');
  await expect(summaryRow(page, 'Type')).toContainText('Rowdy or nuisance neighbours');
  await expect(summaryRow(page, 'Category')).toContainText('Personal');
  await expect(summaryRow(page, 'Description')).toContainText('Loud music and shouting');
  await expect(summaryRow(page, 'Place')).toContainText('Stairwell of the Elm Road flats');
  await expect(summaryRow(page, 'Postcode')).toContainText('LE11 3AB');
  await expect(summaryRow(page, 'Reported')).toContainText('Council online form');
  await expect(page.locator('.moj-badge', { hasText: 'Alcohol-related' })).toBeVisible();
  const people = page.getByTestId('incident-people');
  await expect(people.locator('tbody tr')).toHaveCount(2);
  await expect(tableRow(people, fullName(victim)).locator('td').nth(1)).toHaveText('Victim');
  await expect(tableRow(people, fullName(perpetrator)).locator('td').nth(1)).toHaveText(
    'Perpetrator or suspect',
  );
  await expectNoAxeViolations(page, 'incident page, just recorded');
});

test('the officer opens a case from the incident', async ({ page }) => {
  expect(incidentPath, 'the incident was recorded by the previous test').not.toBe('');
  await signIn(page, USERS.officer);
  await page.goto(incidentPath);
  await activate(
    page,
    page.getByRole('link', { name: `Open a case from this incident (${incidentReference})` }),
    'the Open a case link',
  );
  await expect(page).toHaveURL(/\/cases\/new\?incident=/);
  await expect(page.getByRole('heading', { level: 1, name: 'Open a case' })).toBeVisible();
  const incidents = page.getByRole('group', { name: 'Incidents this case is about' });
  await expect(
    incidents.getByRole('checkbox', {
      name: `${incidentReference} – Personal – Rowdy or nuisance neighbours`,
    }),
  ).toBeChecked();
  await expectNoAxeViolations(page, 'open a case form, from an incident');

  // Opened with no type or title: errors, and the incident stays chosen.
  await activate(page, page.getByRole('button', { name: 'Open case' }), 'the Open case button');
  await expect(page).toHaveTitle(/^Error: Open a case/);
  await expect(errorSummary(page).getByRole('link')).not.toHaveCount(0);
  await expect(page.locator('#case_type_id-error')).toBeVisible();
  await expect(page.locator('#title-error')).toBeVisible();
  await expect(incidents.getByRole('checkbox', { name: new RegExp(`^${incidentReference}`) })).toBeChecked();
  await expectNoAxeViolations(page, 'open a case form, submitted without type or title');

  await chooseOption(page, page.getByLabel('Type of case'), 'Anti-social behaviour', 'the type of case');
  await typeInto(page, page.getByLabel('Title', { exact: true }), caseTitle, 'the case title');
  // The officer leads it unless someone else is chosen.
  await expect(page.getByLabel('Lead officer').locator('option:checked')).toHaveText(USERS.officer.name);
  await expectNoAxeViolations(page, 'open a case form, filled in');
  // Enter in the title opens the case (not the "Add incident" button that comes first on the page).
  await page.keyboard.press('Enter');

  await expect(page).toHaveURL(/\/cases\/[0-9a-f-]{36}$/);
  casePath = new URL(page.url()).pathname;
  await expect(banner(page)).toContainText(/Case CASE-\d+ has been opened/);
  caseReference = /CASE-\d+/.exec((await banner(page).textContent()) ?? '')?.[0] ?? '';
  expect(caseReference, 'the case has a reference').not.toBe('');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(caseTitle);
  await expect(summaryRow(page, 'Reference')).toContainText(caseReference);
  await expect(summaryRow(page, 'Type')).toContainText('Anti-social behaviour');
  await expect(summaryRow(page, 'Lead officer')).toContainText(USERS.officer.name);
  const people = page.getByTestId('case-people');
  await expect(tableRow(people, fullName(victim))).toContainText('Victim');
  await expect(tableRow(people, fullName(perpetrator))).toContainText('Perpetrator');
  const timeline = page.getByTestId('timeline');
  await expect(timeline.locator('[data-kind="incident"]')).toContainText(
    `Incident ${incidentReference} reported`,
  );
  await expect(timeline.getByRole('link', { name: `View incident ${incidentReference}` })).toBeVisible();
  await expect(timeline.locator('[data-kind="opened"]')).toContainText(`Case ${caseReference} opened`);
  await expectNoAxeViolations(page, 'case page, just opened');

  // The case's incidents section lists it too.
  await activate(
    page,
    page.locator('.moj-sub-navigation').getByRole('link', { name: 'Incidents' }),
    'the Incidents section link',
  );
  await expect(page).toHaveURL(new RegExp(`${casePath}/incidents$`));
  await expect(page.getByRole('main')).toContainText(incidentReference);
  await expectNoAxeViolations(page, 'case incidents section');
});

test('the officer assesses the victim’s risk on the case', async ({ page }) => {
  expect(casePath, 'the case was opened by the previous test').not.toBe('');
  await signIn(page, USERS.officer);
  await page.goto(casePath);
  await activate(
    page,
    page.getByRole('link', { name: `Assess risk for ${fullName(victim)}` }),
    'the Assess risk link for the victim',
  );
  await expect(page).toHaveURL(/\/risk\/new\?/);
  const choose = page.getByRole('group', { name: /Choose a risk assessment/ });
  await expect(choose).toBeVisible();
  await expectNoAxeViolations(page, 'choose a risk assessment');
  await chooseRadio(
    page,
    choose,
    choose.getByLabel('ASB victim risk assessment'),
    'the ASB victim risk assessment',
  );
  await activate(page, page.getByRole('button', { name: 'Continue' }), 'the Continue button');
  await expect(page.getByRole('heading', { level: 1, name: 'ASB victim risk assessment' })).toBeVisible();
  await expect(page.locator('.govuk-caption-l')).toContainText(`${fullName(victim)} – ${caseReference}`);
  await expectNoAxeViolations(page, 'ASB victim risk assessment form, empty');

  // Saved unanswered: the screening questions must be answered.
  await activate(page, page.getByRole('button', { name: 'Save and score' }), 'the Save and score button');
  await expect(page).toHaveTitle(/^Error: ASB victim risk assessment/);
  await expect(errorSummary(page).getByRole('link', { name: /for the screening question/ })).toHaveCount(4);
  await expectNoAxeViolations(page, 'ASB victim risk assessment form, saved unanswered');

  // Screening: vulnerable, a repeat victim and targeted personally, so the full assessment follows.
  // Full assessment: yes to disability, targeted before and health (3 each: 9, medium), else no.
  const answers: [RegExp, 'Yes' | 'No'][] = [
    [/^1\. Is the victim, or anyone in their household, vulnerable/, 'Yes'],
    [/^2\. Has the victim reported anti-social behaviour/, 'Yes'],
    [/^3\. Is the behaviour aimed at the victim personally/, 'Yes'],
    [/^4\. Does the victim feel unsafe/, 'No'],
    [/^5\. Does the victim, or anyone in their household, have a disability/, 'Yes'],
    [/^6\. Has the victim been targeted before/, 'Yes'],
    [/^7\. Is the behaviour affecting the victim's physical or mental health/, 'Yes'],
    [/^8\. /, 'No'],
    [/^9\. /, 'No'],
    [/^10\. /, 'No'],
    [/^11\. /, 'No'],
    [/^12\. /, 'No'],
    [/^13\. /, 'No'],
    [/^14\. /, 'No'],
    [/^15\. /, 'No'],
    [/^16\. /, 'No'],
    [/^17\. /, 'No'],
  ];
  for (const [question, answer] of answers) {
    const group = page.getByRole('group', { name: question });
    await chooseRadio(
      page,
      group,
      group.getByLabel(answer, { exact: true }),
      `${answer} to ${question.source}`,
    );
  }
  const judgement = page.getByRole('group', { name: /professional judgement put the risk/ });
  await expect(judgement.getByLabel('No – use the calculated risk')).toBeChecked();
  await expectNoAxeViolations(page, 'ASB victim risk assessment form, answered');
  await activate(page, page.getByRole('button', { name: 'Save and score' }), 'the Save and score button');

  await expect(page).toHaveURL(/\/risk\/[0-9a-f-]{36}$/);
  await expect(banner(page)).toContainText('The risk assessment has been saved');
  await expect(page.getByTestId('final-band')).toHaveText('Medium risk');
  await expect(summaryRow(page, 'Score').locator('.govuk-summary-list__value')).toHaveText('9');
  await expect(summaryRow(page, 'Final risk')).toContainText('Medium risk');
  await expect(summaryRow(page, 'Made on')).toContainText(`Case ${caseReference}`);
  await expectNoAxeViolations(page, 'risk assessment page, medium risk');

  await activate(page, page.getByRole('link', { name: `Case ${caseReference}` }), 'the link to the case');
  await expect(page).toHaveURL(new RegExp(`${casePath}$`));
  const timeline = page.getByTestId('timeline');
  await expect(timeline.locator('[data-kind="risk"]')).toContainText('ASB victim risk assessment');
  await expect(timeline.locator('[data-kind="risk"]')).toContainText('Medium risk');
  await expect(timeline.locator('[data-kind="risk"]')).toContainText(fullName(victim));
  // The case takes its priority from the assessment.
  await expect(page.getByTestId('case-tags')).toContainText('Medium priority');
  await expectNoAxeViolations(page, 'case page, after the risk assessment');
});

test('the officer issues a warning letter to the perpetrator and downloads it', async ({ page }) => {
  expect(casePath, 'the case was opened by an earlier test').not.toBe('');
  await signIn(page, USERS.officer);
  await page.goto(casePath);
  await activate(page, page.getByRole('link', { name: 'Create a letter' }), 'the Create a letter link');
  await expect(page).toHaveURL(new RegExp(`${casePath}/letters/new$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Create a letter' })).toBeVisible();
  await expectNoAxeViolations(page, 'create a letter form, empty');

  await activate(page, page.getByRole('button', { name: 'Create letter' }), 'the Create letter button');
  await expect(page).toHaveTitle(/^Error: Create a letter/);
  await expect(errorSummary(page).getByRole('link', { name: 'Select a letter template' })).toBeVisible();
  await expect(errorSummary(page).getByRole('link', { name: 'Select who the letter is to' })).toBeVisible();
  await expectNoAxeViolations(page, 'create a letter form, submitted empty');

  const which = page.getByRole('group', { name: 'Which letter?' });
  await chooseRadio(page, which, which.getByLabel('Warning letter'), 'the warning letter template');
  const to = page.getByRole('group', { name: 'Who is it to?' });
  await chooseRadio(page, to, to.getByLabel(fullName(perpetrator)), 'the perpetrator as recipient');
  await expectNoAxeViolations(page, 'create a letter form, filled in');
  await activate(page, page.getByRole('button', { name: 'Create letter' }), 'the Create letter button');

  await expect(page).toHaveURL(/\/documents\/[0-9a-f-]{36}$/);
  await expect(banner(page)).toContainText('The letter has been created');
  await expect(summaryRow(page, 'File')).toContainText(/\.docx\s*$/);
  await expect(summaryRow(page, 'Kept with')).toContainText(`Case ${caseReference}`);
  await expect(summaryRow(page, 'Kept with')).toContainText(fullName(perpetrator));
  await expectNoAxeViolations(page, 'letter page');

  const downloading = page.waitForEvent('download');
  await activate(page, page.getByTestId('download'), 'the Download button');
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.docx$/);
  const file = await download.path();
  const zip = new PizZip(fs.readFileSync(file));
  const xml = zip.file('word/document.xml')?.asText() ?? '';
  expect(xml, 'the download is a Word document').not.toBe('');
  // The words as Word shows them: merged values may sit in runs of their own.
  const text = xml.replace(/<w:tab\/>/g, ' ').replace(/<[^>]+>/g, '');
  expect(text).toContain(perpetrator.first);
  expect(text).toContain(perpetrator.last);
  expect(text).toContain(`Dear ${perpetrator.first} ${perpetrator.last}`);
  expect(text).toContain(caseReference);
  expect(text, 'every merge field was filled in').not.toMatch(/\{[a-z_.]+\}/);

  await activate(page, page.getByRole('link', { name: `Case ${caseReference}` }), 'the link to the case');
  await expect(page).toHaveURL(new RegExp(`${casePath}$`));
  await expect(page.getByTestId('timeline').locator('[data-kind="document"]')).toContainText('Letter:');
  await expectNoAxeViolations(page, 'case page, after the letter');
});

test('the officer sets themself a task on the case and completes it', async ({ page }) => {
  expect(casePath, 'the case was opened by an earlier test').not.toBe('');
  await signIn(page, USERS.officer);
  await page.goto(casePath);
  await activate(page, page.getByRole('link', { name: 'Add a task' }), 'the Add a task link');
  await expect(page).toHaveURL(/\/tasks\/new\?case=/);
  await expect(page.getByRole('heading', { level: 1, name: 'Set a task' })).toBeVisible();
  await expect(page.locator('.govuk-caption-l')).toContainText(`Case ${caseReference}: ${caseTitle}`);
  // For the officer themself unless they choose otherwise.
  const who = page.getByRole('group', { name: 'Who is it for?' });
  await expect(who.getByLabel('One person')).toBeChecked();
  await expect(page.getByLabel('Person', { exact: true }).locator('option:checked')).toHaveText(
    `${USERS.officer.name} – ${USERS.officer.organisation}`,
  );
  await expectNoAxeViolations(page, 'set a task form, empty');

  await activate(page, page.getByRole('button', { name: 'Set task' }), 'the Set task button');
  await expect(page).toHaveTitle(/^Error: Set a task/);
  await expect(errorSummary(page).getByRole('link', { name: 'Enter what needs doing' })).toBeVisible();
  await expect(page.locator('#due_date-error')).toBeVisible();
  await expectNoAxeViolations(page, 'set a task form, submitted empty');

  await typeInto(page, page.getByLabel('What needs doing'), taskTitle, 'what needs doing');
  await typeInto(
    page,
    page.getByLabel('Details (optional)'),
    'Offer a referral to victim support and explain the case plan.',
    'the details',
  );
  await chooseRadio(page, who, who.getByLabel('One person'), 'one person');
  await chooseOption(
    page,
    page.getByLabel('Person', { exact: true }),
    `${USERS.officer.name} – ${USERS.officer.organisation}`,
    'the person',
  );
  const due = londonDay(7);
  await typeDate(page, page.getByRole('group', { name: 'Due date' }), due, 'the due date');
  const priority = page.getByRole('group', { name: 'Priority' });
  await chooseRadio(page, priority, priority.getByLabel('High'), 'high priority');
  await expectNoAxeViolations(page, 'set a task form, filled in');
  await activate(page, page.getByRole('button', { name: 'Set task' }), 'the Set task button');

  await expect(page).toHaveURL(/\/tasks\/[0-9a-f-]{36}$/);
  const taskPath = new URL(page.url()).pathname;
  await expect(banner(page)).toContainText('The task has been set');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(taskTitle);
  await expect(summaryRow(page, 'Assigned to')).toContainText(USERS.officer.name);
  const dueText = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric' }).format(
    new Date(Date.UTC(due.year, due.month - 1, due.day)),
  );
  await expect(summaryRow(page, 'Due')).toContainText(dueText);
  await expect(summaryRow(page, 'On')).toContainText(caseReference);
  await expectNoAxeViolations(page, 'task page, just set');

  await activate(page, page.getByRole('button', { name: 'Mark as done' }), 'the Mark as done button');
  await expect(page).toHaveURL(new RegExp(`${taskPath}/status\\?to=done$`));
  const status = page.getByRole('group', { name: 'New status' });
  await expect(status.getByLabel('Done')).toBeChecked();
  await expectNoAxeViolations(page, 'update task status form, done chosen');

  // Done needs completion notes.
  await activate(page, page.getByRole('button', { name: 'Save status' }), 'the Save status button');
  await expect(page).toHaveTitle(/^Error: Update task status/);
  await expect(page.locator('#completion_notes-error')).toContainText('Enter what was done');
  await expectNoAxeViolations(page, 'update task status form, done without notes');

  const notes = 'Visited on Tuesday; referred to victim support, who will call this week.';
  await chooseRadio(page, status, status.getByLabel('Done'), 'done');
  await typeInto(page, page.getByLabel('Completion notes'), notes, 'the completion notes');
  await activate(page, page.getByRole('button', { name: 'Save status' }), 'the Save status button');

  await expect(page).toHaveURL(new RegExp(`${taskPath}$`));
  await expect(banner(page)).toContainText('The task is done');
  await expect(page.locator('.govuk-tag', { hasText: /^\s*Done\s*$/ })).toBeVisible();
  await expect(summaryRow(page, 'Completion notes')).toContainText(notes);
  await expectNoAxeViolations(page, 'task page, done');

  await activate(
    page,
    page.getByRole('link', { name: `${caseReference}: ${caseTitle}` }),
    'the link to the case',
  );
  await expect(page).toHaveURL(new RegExp(`${casePath}$`));
  const timeline = page.getByTestId('timeline');
  await expect(timeline.locator('[data-kind="task_done"]')).toContainText(`Task done: ${taskTitle}`);
  await expect(timeline.locator('[data-kind="task"]')).toContainText(`Task set: ${taskTitle}`);
  await expectNoAxeViolations(page, 'case page, after the task is done');

  await activate(
    page,
    page.locator('.moj-sub-navigation').getByRole('link', { name: 'Tasks' }),
    'the Tasks section link',
  );
  await expect(page).toHaveURL(new RegExp(`${casePath}/tasks$`));
  const row = tableRow(page.getByTestId('case-tasks'), taskTitle);
  await expect(row.locator('td').nth(1)).toHaveText(USERS.officer.name);
  await expect(row.locator('td').nth(3)).toHaveText('Done');
  await expectNoAxeViolations(page, 'case tasks section, the task done');
});
