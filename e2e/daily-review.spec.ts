// Journey: a morning of the Endeavour model, by keyboard. Forty new incidents arrive from three sources
// — the police's overnight log (loaded by the police and shared with the Endeavour team), the council's
// own phone and email reports and the public's online reports (loaded by the coordinator). The
// coordinator triages the queue: the repeat, vulnerable victim's hate incident is at the top; a quick
// "no further action" on one; two tasked out to the fire and rescue service as high risk, under the
// National Decision Model. Fire acknowledges one and disputes the other; the managers of both agencies
// see the dispute and one resolves it. The day's log is exported. The fire user sees exactly the two
// incidents shared with them, nothing else. Every page and state is checked with axe.
import { expect, test, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.ts';
import { activate, chooseOption, chooseRadio, tabTo, tick, typeDate, typeInto } from './support/keyboard.ts';
import { signIn } from './support/session.ts';
import { writeMorningFiles } from './support/morning.ts';

test.describe.configure({ mode: 'serial', timeout: 420_000 });

const POLICE = { email: 'police@endeavour.demo', name: 'Daniel Frost' };
const COORDINATOR = { email: 'coordinator@endeavour.demo', name: 'Tom Hargreaves' };
const FIRE = { email: 'fire@endeavour.demo', name: 'Gemma Rowe' };
const FIRE_MANAGER = { email: 'fire-station-manager@endeavour.demo', name: 'Callum Lorimer' };
const HBBC_MANAGER = { email: 'endeavour-manager@endeavour.demo', name: 'Joanne Ridgeway' };
const FIRE_NAME = 'Leicestershire Fire and Rescue Service';
const HBBC_NAME = 'Hinckley and Bosworth Borough Council';

const files = writeMorningFiles();
/** Incident references by the source system's reference, read from each load's result page. */
const refs = new Map<string, { reference: string; href: string }>();
const tasked: string[] = [];
let unsharedHref = '';

async function loadFile(page: Page, file: string, shareWith: string | null, expected: number) {
  await activate(page, page.getByRole('link', { name: 'Incidents', exact: true }), 'the Incidents link');
  await expect(page).toHaveURL(/\/incidents$/);
  await activate(page, page.getByRole('link', { name: /Load incidents from another system/ }), 'the load link');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Load incidents from a file');
  await expectNoAxeViolations(page, 'the incident load form');
  // A file chooser is the operating system's own dialog: the file is given to the input directly.
  await page.getByLabel('CSV file').setInputFiles(file);
  if (shareWith) await chooseRadio(page, page.getByRole('group', { name: /Share the new incidents/ }), page.getByLabel(shareWith, { exact: true }), 'the organisation to share with');
  await activate(page, page.getByRole('button', { name: 'Load the incidents' }), 'the load button');
  await expect(page.getByTestId('created')).toHaveText(String(expected));
  await expect(page.getByTestId('rejected')).toHaveText('0');
  await expectNoAxeViolations(page, 'the result of a load');
  for (const row of await page.getByTestId('created-incidents').locator('tbody tr').all()) {
    const link = row.locator('td').nth(0).getByRole('link');
    refs.set((await row.locator('td').nth(1).innerText()).trim(), { reference: (await link.innerText()).trim(), href: (await link.getAttribute('href'))! });
  }
}

async function taskOutToFire(page: Page, reference: string, note: string) {
  await page.goto('/review');
  const item = page.locator(`[data-qa="queue-item"][data-reference="${reference}"]`);
  await activate(page, item.getByRole('link', { name: reference, exact: true }), `incident ${reference}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Review ${reference}`);
  await chooseRadio(page, page.getByRole('group', { name: 'Decision' }), page.getByLabel(/Task out as high risk/), 'task out');
  await chooseRadio(page, page.getByRole('group', { name: /Task for/ }), page.locator('#assignee_kind'), 'an organisation');
  await chooseOption(page, page.locator('#assignee_organisation'), FIRE_NAME, 'the receiving organisation');
  await chooseRadio(page, page.getByRole('group', { name: 'Priority when tasking out' }), page.getByLabel('Urgent'), 'urgent');
  const due = new Date(Date.now() + 86_400_000);
  await typeDate(page, page.getByRole('group', { name: 'Due by' }), { day: due.getUTCDate(), month: due.getUTCMonth() + 1, year: due.getUTCFullYear() }, 'the due date');
  await typeInto(page, page.getByLabel('Time'), '10:00', 'the due time');
  await tick(page, page.getByLabel('Share this incident with whoever receives the task'), 'sharing the incident');
  await typeInto(page, page.getByLabel(/1\. Information/), 'Third report in a week from an elderly resident living alone', 'information');
  await typeInto(page, page.getByLabel(/2\. Assessment of threat and risk/), 'Hate-motivated, escalating; risk of harm and of fire being set', 'threat and risk');
  await typeInto(page, page.getByLabel(/3\. Powers and policy/), 'Partnership information-sharing agreement; fire safety duty', 'powers and policy');
  await typeInto(page, page.getByLabel(/4\. Options/), 'Home fire safety visit; letterbox guard; police patrols', 'options');
  await typeInto(page, page.getByLabel(/5\. Action and review/), 'Home fire safety visit by 10am tomorrow; review at the next daily meeting', 'action and review');
  await typeInto(page, page.getByLabel('Note (optional)'), note, 'the note');
  await expectNoAxeViolations(page, 'the decision form, filled in');
  await activate(page, page.getByRole('button', { name: 'Record the decision' }), 'the submit button');
  await expect(page.getByText(/Decision recorded/)).toBeVisible();
  tasked.push(reference);
}

test('the police load their overnight log, shared with the Endeavour team', async ({ page }) => {
  await signIn(page, POLICE);
  await loadFile(page, files.police, HBBC_NAME, 20);
});

test('the coordinator loads the council’s reports and the public’s online reports', async ({ page }) => {
  await signIn(page, COORDINATOR);
  await loadFile(page, files.council, null, 12);
  await loadFile(page, files.publicReports, null, 8);
  expect(refs.size, 'forty incidents arrived').toBe(40);
});

test('the coordinator triages the queue: the repeat victim first, a quick decision, two tasked out', async ({ page }) => {
  await signIn(page, COORDINATOR);
  await activate(page, page.getByRole('link', { name: 'Daily review', exact: true }), 'the Daily review link');
  await expect(page).toHaveURL(/\/review$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Daily review');
  await expectNoAxeViolations(page, 'the review queue');
  const top = page.getByTestId('queue-item').first();
  const victimsThird = refs.get('HB-0003')!.reference;
  await expect(top, 'the repeat victim’s hate incident is first').toHaveAttribute('data-reference', victimsThird);
  await expect(top).toContainText('Repeat victim');
  await expect(top).toContainText('Hate');
  // Every source is in the queue: the police's shared log, the council's own and the public's reports.
  for (const source of ['LP-0001', 'HB-0005', 'WEB-0001'])
    await expect(page.locator(`[data-qa="queue-item"][data-reference="${refs.get(source)!.reference}"]`), `${source} is waiting`).toHaveCount(1);

  // Filtered to the police's log only.
  await chooseOption(page, page.locator('#source'), 'Imported from police systems', 'the source filter');
  await activate(page, page.getByRole('button', { name: 'Filter the queue' }), 'the filter button');
  await expect(page).toHaveURL(/source=police_import/);
  await expect(page.locator(`[data-qa="queue-item"][data-reference="${refs.get('LP-0001')!.reference}"]`)).toHaveCount(1);
  await expect(page.locator(`[data-qa="queue-item"][data-reference="${victimsThird}"]`)).toHaveCount(0);
  await expectNoAxeViolations(page, 'the queue, filtered');

  // A decision form submitted empty shows what is missing.
  await page.goto('/review');
  await activate(page, page.getByTestId('queue-item').first().getByRole('link', { name: victimsThird, exact: true }), 'the top incident');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Review ${victimsThird}`);
  await expectNoAxeViolations(page, 'the decision form');
  await activate(page, page.getByRole('button', { name: 'Record the decision' }), 'the submit button');
  await expect(page.getByRole('alert')).toContainText('Select a decision');
  await expectNoAxeViolations(page, 'the decision form with an error');

  // The common case: one keystroke from the queue.
  await page.goto('/review');
  const graffiti = refs.get('WEB-0002')!.reference;
  const item = page.locator(`[data-qa="queue-item"][data-reference="${graffiti}"]`);
  await activate(page, item.getByRole('button', { name: `No further action on ${graffiti}` }), 'no further action');
  await expect(page.getByText('Decision recorded: no further action')).toBeVisible();
  await expect(page.locator(`[data-qa="queue-item"][data-reference="${graffiti}"]`)).toHaveCount(0);

  await taskOutToFire(page, victimsThird, 'Victim consents to a fire safety visit');
  await taskOutToFire(page, refs.get('HB-0006')!.reference, 'Repeated fires set in the bins nearby');
  unsharedHref = refs.get('HB-0007')!.href;
});

test('fire acknowledges one task and disputes the other', async ({ page }) => {
  await signIn(page, FIRE);
  for (const [n, reference] of tasked.entries()) {
    await activate(page, page.getByRole('link', { name: 'Tasks', exact: true }), 'the Tasks link');
    await expect(page).toHaveURL(/\/tasks$/);
    await activate(page, page.getByRole('link', { name: 'My team’s tasks' }), 'the team’s tasks');
    await expect(page).toHaveURL(/\/tasks\/team$/);
    const row = page.getByTestId('tasks-table').locator('tbody tr').filter({ hasText: reference });
    await expect(row).toHaveCount(1);
    await activate(page, row.getByRole('link').first(), `the task about ${reference}`);
    await activate(page, page.getByRole('link', { name: 'Acknowledge or dispute this task' }), 'the review task link');
    await expect(page).toHaveURL(/\/review\/tasks\//);
    await expectNoAxeViolations(page, 'the task set out of a review');
    if (n === 0) {
      await activate(page, page.getByRole('button', { name: 'Acknowledge the task' }), 'acknowledge');
      await expect(page.getByText(/acknowledged/i).first()).toBeVisible();
    } else {
      await typeInto(page, page.getByLabel('Why your organisation disputes it'), 'Bin fires are a matter for the council’s street scene team', 'the reason');
      await activate(page, page.getByRole('button', { name: 'Dispute the task' }), 'dispute');
      await expect(page.getByRole('heading', { level: 1 })).toContainText(/[Dd]ispute/);
      await expectNoAxeViolations(page, 'the dispute, just raised');
    }
  }
});

test('the fire service sees only the two incidents shared with it', async ({ page }) => {
  await signIn(page, FIRE);
  for (const reference of tasked) {
    const href = [...refs.values()].find((r) => r.reference === reference)!.href;
    await page.goto(href);
    await expect(page.getByRole('heading', { level: 1 })).toContainText(reference);
  }
  const res = await page.goto(unsharedHref);
  expect(res?.status(), 'an incident not shared with fire').toBe(404);
  const police = await page.goto(refs.get('LP-0001')!.href);
  expect(police?.status(), 'the police log shared with the Endeavour team, not with fire').toBe(404);
});

test('the managers of both agencies see the dispute; one resolves it', async ({ page }) => {
  await signIn(page, FIRE_MANAGER);
  await activate(page, page.getByRole('link', { name: 'Daily review', exact: true }), 'the Daily review link');
  await activate(page, page.getByRole('link', { name: 'Disputed tasks' }), 'the disputes link');
  await expect(page).toHaveURL(/\/review\/disputes$/);
  await expect(page.locator('table')).toContainText('Open');
  await expectNoAxeViolations(page, 'the disputes, as the fire manager sees them');
  await page.goto('/sign-out');

  await signIn(page, HBBC_MANAGER);
  await activate(page, page.getByRole('link', { name: 'Daily review', exact: true }), 'the Daily review link');
  await activate(page, page.getByRole('link', { name: 'Disputed tasks' }), 'the disputes link');
  await activate(page, page.locator('table tbody tr').first().getByRole('link').first(), 'the dispute');
  await expect(page.getByText('Bin fires are a matter for the council’s street scene team')).toBeVisible();
  await chooseRadio(page, page.getByRole('group', { name: 'How the managers resolved it' }), page.getByLabel('Dispute upheld: withdraw the task'), 'upheld');
  await typeInto(page, page.getByLabel('What the managers agreed'), 'Agreed with the station manager: street scene to clear the bins', 'the resolution');
  await activate(page, page.getByRole('button', { name: 'Resolve the dispute' }), 'resolve');
  await expect(page.getByText(/[Uu]pheld/).first()).toBeVisible();
  await expectNoAxeViolations(page, 'the dispute, resolved');
});

test('the coordinator reads and exports the day’s log', async ({ page }) => {
  await signIn(page, COORDINATOR);
  await activate(page, page.getByRole('link', { name: 'Daily review', exact: true }), 'the Daily review link');
  await activate(page, page.getByRole('link', { name: 'Today’s review log' }), 'the log link');
  await expect(page).toHaveURL(/\/review\/log/);
  const log = page.getByTestId('log');
  for (const reference of tasked) await expect(log).toContainText(reference);
  await expect(page.getByTestId('log-summary')).toContainText('task out as high risk');
  await expectNoAxeViolations(page, 'the daily review log');
  const csv = page.getByTestId('csv');
  await tabTo(page, csv, 'the CSV link');
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  expect(download.suggestedFilename()).toMatch(/^daily-review-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString('utf8'));
  for (const reference of tasked) expect(text).toContain(reference);
  expect(text.split('\n').filter((l) => l.trim()).length, 'a header and at least the three decisions').toBeGreaterThanOrEqual(4);
});
