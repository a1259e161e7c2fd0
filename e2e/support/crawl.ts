// Walks every page a signed-in user can reach by following links from where they are, checking each
// with axe, so a page added later is checked without anyone listing it here. One page of each kind:
// /people/<id> is visited once, not once per person; a query string counts as one kind.
import { expect, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './axe.ts';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

export function pageKind(url: URL): string {
  return url.pathname.replace(UUID, ':id').replace(/\/\d+(?=\/|$)/g, '/:n') + (url.search ? '?' : '');
}

/** Links never followed: they would end the session, or are files rather than pages. */
const SKIP = [/^\/sign-out$/, /^\/(assets|stylesheets|javascripts)\//];

/**
 * `within`, when given, keeps the walk to paths it matches (the administrator's walk covers the
 * administration pages; the pages everyone shares are walked by the officer's).
 */
export async function crawl(page: Page, opts: { from?: string; limit?: number; within?: RegExp } = {}): Promise<string[]> {
  const origin = new URL(page.url()).origin;
  const start = opts.from ?? '/';
  const limit = opts.limit ?? 120;
  const queue = [start];
  const seen = new Set([pageKind(new URL(start, origin))]);
  // Paths already fetched, and how many of each kind could not be seen (see below).
  const fetched = new Set<string>();
  const unseen = new Map<string, number>();
  const visited: string[] = [];
  while (queue.length) {
    const path = queue.shift()!;
    fetched.add(path);
    const kind = pageKind(new URL(path, origin));
    // A link to a record (the audit log names records, say) may lead to one this user is not allowed
    // to see: record-level security answers 404 (or 403 for a change they may not make), and that
    // page is checked like any other. Anything else must be there.
    const allowed = kind.includes(':id') ? [200, 403, 404] : [200];
    const head = await page.request.get(path, { maxRedirects: 0 });
    expect(allowed, `GET ${path} answered ${head.status()}`).toContain(head.status());
    visited.push(kind);
    // Downloads (an export, say) are checked for their status only: axe is for pages.
    if (!(head.headers()['content-type'] ?? '').startsWith('text/html')) continue;
    // The page is shown from the response just fetched rather than asked for twice: half the
    // server's work, and the walk over every page is the longest of the browser tests.
    await page.route(new URL(path, origin).href, (route) => route.fulfill({ response: head }), { times: 1 });
    await page.goto(path);
    if (head.status() !== 200) {
      await expectNoAxeViolations(page, `${head.status()} page reached by following links: ${path}`);
      // Let a later link of the same kind be tried, which may be a record this user can see.
      unseen.set(kind, (unseen.get(kind) ?? 0) + 1);
      if (unseen.get(kind)! < 3) seen.delete(kind);
      continue;
    }
    await expect(page.getByRole('heading', { level: 1 }), `${path} has one main heading`).toHaveCount(1);
    await expectNoAxeViolations(page, `page reached by following links: ${path}`);
    const hrefs = await page
      .locator('a[href]:not([download])')
      .evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
    for (const href of hrefs) {
      const url = new URL(href);
      if (url.origin !== origin || SKIP.some((re) => re.test(url.pathname))) continue;
      if (opts.within && !opts.within.test(url.pathname)) continue;
      const linkKind = pageKind(url);
      if (seen.has(linkKind) || fetched.has(url.pathname + url.search)) continue;
      seen.add(linkKind);
      queue.push(url.pathname + url.search);
    }
    expect(
      visited.length,
      `the walk stays under ${limit} pages (is a link generating endless new kinds?)`,
    ).toBeLessThanOrEqual(limit);
  }
  return visited;
}
