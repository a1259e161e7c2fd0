// Journey: a Charnwood ASB officer opens the hotspot map. With no tile server configured (the
// default) nothing outside Endeavour is requested, and the map still draws the district boundaries,
// the incidents and the density hexagons. The map is used by keyboard (zoom, layers, the skip link to
// the tables); the tables of places and areas are the non-map alternative, and the page works with
// JavaScript switched off. Every state is checked with axe, and no Content Security Policy violation
// is allowed.
import { expect, test, type Page } from '@playwright/test';
import { expectNoAxeViolations, expectNoAxeViolationsWithoutJs } from './support/axe.ts';
import { activate, tabTo, tick } from './support/keyboard.ts';
import { signIn, USERS } from './support/session.ts';

test.describe.configure({ mode: 'serial' });

/** Every request the page makes, to check none leaves Endeavour, and any CSP violation reported. */
function watch(page: Page) {
  const requests: string[] = [];
  const cspViolations: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  return { requests, cspViolations };
}

const overlayPaths = (page: Page) => page.locator('#incident-map .leaflet-overlay-pane path');

test('the map draws boundaries, incidents and density with no tile server', async ({ page }) => {
  const seen = watch(page);
  await signIn(page, USERS.officer);
  await activate(page, page.locator('.moj-primary-navigation').getByRole('link', { name: 'Maps' }), 'the Maps link');
  await expect(page.getByRole('heading', { level: 1, name: 'Hotspot map' })).toBeVisible();
  const section = page.getByTestId('map-section');
  await expect(section).toBeVisible();
  await expect(page.getByTestId('map-status')).toContainText(/The map shows \d+ of the \d+ incidents you can see/);
  await expect(page.getByTestId('map-status')).toContainText('No background map is set up');
  // District boundaries, incident points and hexagons are all SVG paths in Leaflet's overlay pane.
  await expect(overlayPaths(page).first()).toBeVisible();
  expect(await overlayPaths(page).count()).toBeGreaterThan(9);
  await expect(page.locator('#incident-map .leaflet-tile')).toHaveCount(0);
  const origin = new URL(page.url()).origin;
  expect(seen.requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'))).toEqual([]);
  expect(seen.requests.some((u) => u.includes('/maps/boundaries/districts.geojson'))).toBe(true);
  expect(seen.requests.some((u) => u.includes('/api/maps/incidents'))).toBe(true);
  await expectNoAxeViolations(page, 'hotspot map with JavaScript');
  expect(seen.cspViolations).toEqual([]);
});

test('the map is used by keyboard: zoom, layers and the skip link to the tables', async ({ page }) => {
  const seen = watch(page);
  await signIn(page, USERS.officer);
  await page.goto('/maps');
  await expect(page.getByTestId('map-status')).toContainText('The map shows');
  const firstPath = overlayPaths(page).first();
  const before = await firstPath.getAttribute('d');
  await activate(page, page.getByRole('button', { name: 'Zoom in' }), 'the Zoom in button');
  await expect.poll(() => firstPath.getAttribute('d'), { message: 'zooming in redraws the boundaries larger' }).not.toBe(before);

  // The map itself takes focus and moves with the arrow keys.
  const map = page.getByRole('region', { name: /Map of the incidents/ });
  await tabTo(page, map, 'the map');
  const moved = await firstPath.getAttribute('d');
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => page.locator('#incident-map .leaflet-map-pane').getAttribute('style')).toContain('translate3d');
  expect(moved).not.toBeNull();

  // Ward boundaries are fetched when asked for.
  const paths = await overlayPaths(page).count();
  await tick(page, page.getByLabel('Wards (2013)'), 'the wards layer');
  await expect.poll(() => overlayPaths(page).count(), { message: 'ward boundaries are drawn' }).toBeGreaterThan(paths + 100);
  await tick(page, page.getByLabel('Incidents, one by one'), 'the incidents layer', false);
  await expect.poll(() => overlayPaths(page).count()).toBeLessThan(paths + 171 + 1);
  await expectNoAxeViolations(page, 'hotspot map with wards shown');

  await activate(page, page.getByTestId('skip-map'), 'the skip link');
  await expect(page.getByRole('heading', { level: 2, name: 'Places with the most incidents' })).toBeFocused();
  expect(seen.cspViolations).toEqual([]);
});

test('the tables of places and areas are the non-map alternative, and work without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await signIn(page, USERS.officer);
    await page.goto('/maps');
    await expect(page.getByRole('heading', { level: 1, name: 'Hotspot map' })).toBeVisible();
    // Without JavaScript there is no empty map: the section stays hidden and the tables carry the figures.
    await expect(page.getByTestId('map-section')).toBeHidden();
    const summary = (await page.getByTestId('map-summary').textContent()) ?? '';
    const total = Number(/^(\d+) incident/.exec(summary.trim())?.[1]);
    expect(total).toBeGreaterThan(0);
    const districts = page.getByTestId('districts-table');
    await expect(districts.getByRole('columnheader', { name: 'District' })).toBeVisible();
    const counts = await districts.locator('tbody td').allTextContents();
    expect(counts.reduce((s, c) => s + Number(c.replace(/,/g, '')), 0)).toBe(total);
    await expect(page.getByRole('heading', { level: 2, name: 'Places with the most incidents' })).toBeVisible();

    // The filters are a GET form: narrowing them works the same way.
    await page.getByText('Choose which incidents to show').click();
    await page.getByLabel('Category').selectOption({ label: 'Environmental' });
    await page.getByRole('button', { name: 'Show on the map' }).click();
    await expect(page).toHaveURL(/category=environmental/);
    await expect(page.getByTestId('map-summary')).toBeVisible();
    await expectNoAxeViolationsWithoutJs(page, 'hotspot map page without JavaScript');
  } finally {
    await context.close();
  }
});
