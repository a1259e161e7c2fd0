// Keyboard-only interaction: forms are filled the way someone without a mouse fills them, moving with
// Tab (so every field must be reachable in a sensible order), typing, choosing with the arrow keys and
// submitting with Enter. Nothing here clicks.
import { expect, type Locator, type Page } from '@playwright/test';

const MAX_TABS = 80;

async function isFocused(target: Locator) {
  return target.evaluate((el) => el === document.activeElement).catch(() => false);
}

/** Presses Tab (forwards from wherever focus is) until `target` has focus; fails if it never gets it. */
export async function tabTo(page: Page, target: Locator, what = 'the element'): Promise<void> {
  await expect(target, `${what} is on the page`).toHaveCount(1);
  for (let i = 0; i < MAX_TABS; i++) {
    if (await isFocused(target)) return;
    await page.keyboard.press('Tab');
  }
  expect(await isFocused(target), `${what} can be reached with the Tab key`).toBe(true);
}

/** Tabs to a text field, replaces what is in it by typing, and checks the value arrived. */
export async function typeInto(page: Page, field: Locator, text: string, what = 'the field'): Promise<void> {
  await tabTo(page, field, what);
  await page.keyboard.press('ControlOrMeta+A');
  if (text === '') await page.keyboard.press('Delete');
  else await page.keyboard.type(text);
  await expect(field).toHaveValue(text);
}

/** Tabs to a control (a link or a button) and activates it with Enter. */
export async function activate(page: Page, control: Locator, what = 'the control'): Promise<void> {
  await tabTo(page, control, what);
  await page.keyboard.press('Enter');
}

/** Tabs into a radio group and moves with the arrow keys until `option` is checked. */
export async function chooseRadio(
  page: Page,
  group: Locator,
  option: Locator,
  what = 'the option',
): Promise<void> {
  const radios = group.locator('input[type="radio"]');
  const count = await radios.count();
  // Tab lands on the checked radio of a group, or the first when none is checked.
  let entered = false;
  for (let i = 0; i < MAX_TABS && !entered; i++) {
    entered = await radios.evaluateAll((els) => els.includes(document.activeElement as HTMLElement));
    if (!entered) await page.keyboard.press('Tab');
  }
  expect(entered, `the radio group for ${what} can be reached with the Tab key`).toBe(true);
  for (let i = 0; i <= count; i++) {
    if (await isFocused(option)) break;
    await page.keyboard.press('ArrowDown');
  }
  // Arrow keys select as they move; Space makes sure the focused one is checked.
  await page.keyboard.press('Space');
  await expect(option, `${what} is chosen`).toBeChecked();
}

/** Tabs to a <select> and moves through its options with the arrow keys until `label` is selected. */
export async function chooseOption(
  page: Page,
  select: Locator,
  label: string,
  what = 'the list',
): Promise<void> {
  await tabTo(page, select, what);
  const labels = (await select.locator('option').allTextContents()).map((t) => t.trim());
  const wanted = labels.indexOf(label);
  expect(wanted, `${what} offers "${label}" (it offers: ${labels.join(', ')})`).toBeGreaterThanOrEqual(0);
  await page.keyboard.press('Home');
  for (let i = 0; i < wanted; i++) await page.keyboard.press('ArrowDown');
  const selected = await select.evaluate((el) =>
    (el as HTMLSelectElement).selectedOptions[0]?.textContent?.trim(),
  );
  expect(selected, `${what} shows "${label}"`).toBe(label);
}

/** Tabs to a checkbox and sets it with Space (ticks it, or unticks it with `checked` false). */
export async function tick(
  page: Page,
  checkbox: Locator,
  what = 'the checkbox',
  checked = true,
): Promise<void> {
  await tabTo(page, checkbox, what);
  if ((await checkbox.isChecked()) !== checked) await page.keyboard.press('Space');
  if (checked) await expect(checkbox, `${what} is ticked`).toBeChecked();
  else await expect(checkbox, `${what} is not ticked`).not.toBeChecked();
}

/** Types a date into a GOV.UK date input (its Day, Month and Year fields), moving between them with Tab. */
export async function typeDate(
  page: Page,
  group: Locator,
  date: { day: number | string; month: number | string; year: number | string },
  what = 'the date',
): Promise<void> {
  await typeInto(page, group.getByLabel('Day'), String(date.day), `the day of ${what}`);
  await typeInto(page, group.getByLabel('Month'), String(date.month), `the month of ${what}`);
  await typeInto(page, group.getByLabel('Year'), String(date.year), `the year of ${what}`);
}
