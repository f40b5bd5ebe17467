import { execFileSync } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Headless Chromium for the browser tests: the system's own (Debian `chromium`; `.ci/run`
 * installs it), driven by playwright-core, which downloads no browser of its own.
 */

/** CHROMIUM_PATH, else `chromium` / `chromium-browser` on the PATH; undefined when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  // A CHROMIUM_PATH that does not work fails the launch (a broken setting should not pass as a skip).
  if (env['CHROMIUM_PATH']) return env['CHROMIUM_PATH'];
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const found = execFileSync('which', [name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env }).trim();
      if (found) return found;
    } catch {
      // Not this name.
    }
  }
  return undefined;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  // Below the page-level blocking: no host but loopback even resolves, whoever asks (the browser itself included).
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** What a page did that a test should see: requests it tried beyond loopback, errors, CSP violations. */
export interface PageWatch {
  page: Page;
  /** Every URL (HTTP or WebSocket) the page tried to reach on a host other than loopback. */
  offHost: string[];
  /** Uncaught exceptions, console errors and Content-Security-Policy violations. */
  problems: string[];
  /** The latest WebSocket frames, both ways (shortened), to explain a failure. */
  frames: string[];
}

const isLoopback = (url: string): boolean => {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
  return LOOPBACK_HOSTS.has(hostname);
};

/**
 * A fresh page (own context: empty storage) on which every request to a host other than
 * 127.0.0.1/localhost is aborted and recorded, and every page error collected.
 */
export async function openWatchedPage(browser: Browser): Promise<PageWatch> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const watch: PageWatch = { page, offHost: [], problems: [], frames: [] };
  const frame = (direction: string, payload: string | Buffer) => {
    watch.frames.push(`${direction} ${String(payload).slice(0, 300)}`);
    if (watch.frames.length > 100) watch.frames.shift();
  };
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (isLoopback(url)) return route.continue();
    watch.offHost.push(url);
    return route.abort('blockedbyclient');
  });
  // A WebSocket to another host is refused before it leaves the browser (and recorded); loopback
  // sockets are not routed at all, so the pages talk to the gateway directly.
  await page.routeWebSocket((url) => !isLoopback(url.href), (socket) => {
    watch.offHost.push(socket.url());
    void socket.close({ code: 1008, reason: 'blocked by the test: not loopback' });
  });
  page.on('websocket', (socket) => {
    socket.on('framesent', (event) => frame('sent', event.payload));
    socket.on('framereceived', (event) => frame('received', event.payload));
    socket.on('close', () => frame('closed', socket.url()));
  });
  page.on('pageerror', (error) => watch.problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') watch.problems.push(`console error: ${message.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
    });
  });
  return watch;
}
