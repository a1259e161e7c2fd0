// Every page and every state of it (empty, filled, with errors) is checked with axe-core against the
// WCAG 2.0, 2.1 and 2.2 A and AA rules, and must have ZERO violations. On failure the message lists
// each violation with the elements it was found on, so it can be fixed without re-running.
import { AxeBuilder } from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import type { NodeResult, Result } from 'axe-core';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export function describeViolations(violations: Result[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map(
          (n) =>
            `    - ${n.target.join(' ')}\n      ${n.html.replace(/\s+/g, ' ').slice(0, 300)}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`,
        )
        .join('\n');
      return `  [${v.impact ?? 'unknown'}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join('\n\n');
}

/*
 * The one accepted exception, kept as narrow as it can be rather than turning the rule off:
 * GOV.UK Frontend's conditionally revealing radios and checkboxes (the share form's "Who do you want
 * to share with?") put aria-expanded on the <input>, which ARIA does not allow on role radio/checkbox,
 * so axe's aria-allowed-attr flags it. The GOV.UK Design System team keep it on purpose: their
 * research found screen readers announce it and it helps their users (alphagov/govuk-frontend#979,
 * and the reply on #2823). It comes from GOV.UK Frontend's own JavaScript, not from our templates.
 * Only a node whose sole problem is aria-expanded on such an input is let through; aria-allowed-attr
 * still applies to every other element and attribute.
 */
function isGovukConditionalReveal(node: NodeResult): boolean {
  const data = [...node.all, ...node.any, ...node.none].flatMap((check) =>
    Array.isArray(check.data) ? (check.data as unknown[]) : [],
  );
  return (
    /^<input class="govuk-(radios|checkboxes)__input"/.test(node.html) &&
    /aria-controls="conditional-[^"]+"/.test(node.html) &&
    data.length > 0 &&
    data.every((d) => typeof d === 'string' && /^aria-expanded="(true|false)"$/.test(d))
  );
}

function withoutAcceptedExceptions(violations: Result[]): Result[] {
  return violations
    .map((v) =>
      v.id === 'aria-allowed-attr' ? { ...v, nodes: v.nodes.filter((n) => !isGovukConditionalReveal(n)) } : v,
    )
    .filter((v) => v.nodes.length > 0);
}

/** Runs axe on the page as it is now; `state` names what is being checked, for the failure message. */
export async function expectNoAxeViolations(page: Page, state: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const violations = withoutAcceptedExceptions(results.violations);
  const where = `${state} (${new URL(page.url()).pathname})`;
  expect(
    violations.map((v) => v.id),
    `axe found ${violations.length} WCAG 2.2 A/AA violation(s) on ${where}:\n${describeViolations(violations)}\n`,
  ).toEqual([]);
  // A page axe could not analyse at all would pass vacuously: make sure it really looked.
  expect(results.passes.length, `axe ran no passing checks on ${where}`).toBeGreaterThan(0);
}

/**
 * The same check for a page open with JavaScript switched off. axe is itself a script and cannot run
 * there, so the page's HTML exactly as that browser has it is opened, with every <script> removed (so
 * it stays the no-JavaScript page), at the same address in a fresh JavaScript-enabled page, where the
 * same stylesheets load (for the colour contrast checks), and axe runs on that.
 */
export async function expectNoAxeViolationsWithoutJs(page: Page, state: string): Promise<void> {
  const url = page.url();
  const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, '');
  const browser = page.context().browser();
  if (!browser) throw new Error('no browser to open the copy of the page in');
  const context = await browser.newContext({ javaScriptEnabled: true });
  try {
    const copy = await context.newPage();
    await copy.route(url, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
    );
    await copy.goto(url);
    await expect(copy.locator('body'), 'the copy is the no-JavaScript page').not.toHaveClass(/js-enabled/);
    await expectNoAxeViolations(copy, `${state}, without JavaScript`);
  } finally {
    await context.close();
  }
}
