import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { eventually, startStack, type Stack } from '../support/stack.ts';
import { findChromium, launchChromium, openWatchedPage, type PageWatch } from './chromium.ts';

// The playground and the live board in a real (headless) Chromium, against the whole stack in
// this process. The browser reaches nothing but 127.0.0.1: every other request is aborted, and
// the test asserts that none was even attempted (the pages are offline by construction).

const chromiumPath = findChromium();
const SKIP_REASON = 'no chromium found: install Debian chromium (.ci/run does) or set CHROMIUM_PATH';
if (!chromiumPath) console.warn(`gateway/test/browser: SKIPPED, ${SKIP_REASON}`);
const suite = chromiumPath ? describe : describe.skip;

const PLACE = `mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }`;
const ORDERS = `{ orders(first: 50) { edges { node { id } } } }`;
const WAIT_MS = 30_000;

let stack: Stack;
let browser: Browser;
let base: string;
let alice: string;
let admin: string;
const watches: PageWatch[] = [];

async function placeOrder(token: string, paymentMethod = 'pm_card_ok'): Promise<string> {
  const placed = await stack.graphql<{ placeOrder: { id: string } }>(PLACE, { input: { items: [{ sku: 'SKU-1', quantity: 1 }], paymentMethod } }, token);
  expect(placed.errors).toBeUndefined();
  return placed.data!.placeOrder.id;
}

async function watchedPage(): Promise<Page> {
  const watch = await openWatchedPage(browser);
  watches.push(watch);
  return watch.page;
}

/** Runs `check`; a failure also shows the page's last WebSocket frames and problems. */
async function explained<T>(check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    const watch = watches.at(-1)!;
    (error as Error).message += `\nWebSocket frames:\n${watch.frames.join('\n')}\nproblems: ${watch.problems.join('; ')}`;
    throw error;
  }
}

/** Nothing on the latest page tried to leave loopback, threw, logged an error or broke the CSP. */
function expectCleanPage(): void {
  const watch = watches.at(-1)!;
  expect(watch.offHost).toEqual([]);
  expect(watch.problems).toEqual([]);
}

/** The text GraphiQL shows in its result pane (CodeMirror keeps it in .CodeMirror-code lines). */
const resultText = (page: Page) => page.locator('.graphiql-response .CodeMirror-code').innerText();

suite(chromiumPath ? 'the playground and the live board in Chromium' : `the playground and the live board in Chromium (SKIPPED: ${SKIP_REASON})`, () => {
  beforeAll(async () => {
    stack = await startStack({ seedDemoCatalogue: true, introspection: true });
    base = stack.graphqlUrl.replace(/\/graphql$/, '');
    [alice, admin] = await Promise.all([stack.token('alice'), stack.token('admin', 'admin')]);
    browser = await launchChromium(chromiumPath!);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await stack?.stop();
    // Checked once every page is done: nothing tried to leave the machine, nothing broke.
    expect(watches.flatMap((watch) => watch.offHost)).toEqual([]);
  });

  it('logs in from ?token=, runs a query and shows the answer', async () => {
    const id = await placeOrder(alice);
    await eventually(async () => {
      const orders = await stack.graphql<{ orders: { edges: { node: { id: string } }[] } }>(ORDERS, {}, alice);
      return orders.data?.orders.edges.some((edge) => edge.node.id === id) || undefined;
    }, WAIT_MS, 'the order in the read model');

    const page = await watchedPage();
    await page.goto(`${base}/graphql?token=${alice}`);
    await page.locator('.graphiql-container').waitFor({ timeout: WAIT_MS });
    // The token left the address bar and went into storage and the headers editor.
    expect(new URL(page.url()).search).toBe('');
    expect(await page.evaluate(() => localStorage.getItem('tributary:authorization'))).toBe(`Bearer ${alice}`);
    await expect.poll(() => page.locator('.graphiql-editor-tool').innerText(), { timeout: WAIT_MS }).toContain(`"Authorization": "Bearer ${alice}"`);

    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => resultText(page), { timeout: WAIT_MS }).toContain(id);
    const answer = await resultText(page);
    expect(answer).toContain('"payment"');
    expect(answer).toContain('"name"');
    await page.screenshot({ path: '/tmp/playground.png' });
    // GraphiQL's dialogs write inline <style> elements: the page's CSP must let them (checked by
    // expectCleanPage, which fails on any CSP violation).
    await page.locator('[aria-label="Open settings dialog"]').click();
    await page.locator('[role="dialog"]').waitFor({ timeout: WAIT_MS });
    await page.keyboard.press('Escape');
    expectCleanPage();
  });

  it('runs the orderChanged subscription over graphql-ws and shows an event for an order placed meanwhile', async () => {
    const page = await watchedPage();
    await page.goto(`${base}/graphql?token=${alice}`);
    await page.locator('.graphiql-container').waitFor({ timeout: WAIT_MS });
    await page.locator('.graphiql-tab', { hasText: 'OrderChanged' }).click();
    await expect.poll(() => page.locator('.graphiql-query-editor').innerText(), { timeout: WAIT_MS }).toContain('subscription OrderChanged');
    // GraphiQL re-reads the operation's name 100 ms (debounced) after the editor changes; run
    // before that and it would send the previous tab's operation name.
    await page.waitForTimeout(300);
    await page.locator('.graphiql-execute-button').click();
    // Subscribed (includeCurrent sends the current orders first), then a new order's events arrive.
    await explained(() => expect.poll(() => resultText(page), { timeout: WAIT_MS }).toContain('"orderChanged"'));
    const id = await placeOrder(alice);
    await explained(() => expect.poll(() => resultText(page), { timeout: WAIT_MS }).toContain(id));
    await page.screenshot({ path: '/tmp/playground-subscription.png' });
    expectCleanPage();
  });

  it('shows an order moving PENDING → CONFIRMED on the live board', async () => {
    const page = await watchedPage();
    await page.goto(`${base}/live?token=${admin}`);
    expect(new URL(page.url()).search).toBe('');
    await expect.poll(() => page.locator('.connection').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('live');
    // Every status each card shows, as it shows it.
    await page.evaluate(() => {
      const seen: Record<string, string[]> = {};
      (window as unknown as { seenStatuses: typeof seen }).seenStatuses = seen;
      const note = (card: Element) => {
        const id = card.getAttribute('data-id');
        const status = card.getAttribute('data-status');
        if (!id || !status) return;
        const list = (seen[id] ??= []);
        if (list.at(-1) !== status) list.push(status);
      };
      new MutationObserver((records) => {
        for (const record of records) {
          if (record.type === 'attributes') note(record.target as Element);
          for (const node of Array.from(record.addedNodes)) if (node instanceof Element && node.matches('.order')) note(node);
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
    });
    // A flaky card fails twice before it is charged: the order stays PENDING long enough to be seen.
    const bob = await stack.token('bob');
    const id = await placeOrder(bob, 'pm_card_flaky');
    const card = page.locator(`.order[data-id="${id}"]`);
    await explained(() => expect.poll(() => card.getAttribute('data-status'), { timeout: WAIT_MS }).toBe('CONFIRMED'));
    const seen = await page.evaluate((orderId) => (window as unknown as { seenStatuses: Record<string, string[]> }).seenStatuses[orderId], id);
    expect(seen).toEqual(['PENDING', 'CONFIRMED']);
    // Newest first, with product names and the payment.
    expect(await page.locator('.order').first().getAttribute('data-id')).toBe(id);
    expect(await card.innerText()).toMatch(/payment CAPTURED/);
    expect(await card.innerText()).toMatch(/1 × \S/);
    await page.screenshot({ path: '/tmp/live.png', animations: 'disabled' });
    expectCleanPage();
  });

  it('tells how to get a token when /live is opened without one', async () => {
    const page = await watchedPage();
    await page.goto(`${base}/live`);
    await expect.poll(() => page.locator('.notice').innerText(), { timeout: WAIT_MS }).toContain('npm run token -- --customer admin --role admin');
    expect(await page.locator('.connection').getAttribute('data-state')).toBe('stopped');
    expect(await page.locator('.order').count()).toBe(0);
    expectCleanPage();
  });

  it('would notice a page reaching beyond loopback (the guard itself works)', async () => {
    // Not one of our pages (their CSP would refuse these before the network): a bare page.
    const watch = await openWatchedPage(browser);
    await watch.page.evaluate(() => void new WebSocket('ws://example.com/socket'));
    // Recorded before the page navigates away (a navigation would cancel the socket attempt).
    await expect.poll(() => watch.offHost, { timeout: WAIT_MS }).toEqual(['ws://example.com/socket']);
    await expect(watch.page.goto('http://example.com/probe')).rejects.toThrow();
    await expect.poll(() => watch.offHost, { timeout: WAIT_MS }).toEqual(['ws://example.com/socket', 'http://example.com/probe']);
    await watch.page.context().close();
  });
});
