import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAssertionSigner, generateAssertionKeyPair } from '@tributary/http';
import { createLogger } from '@tributary/telemetry';
import { createGatewayApp, type GatewayApp } from '../src/app.ts';
import { createTokenVerifier } from '../src/auth/verify-token.ts';
import { composeSupergraph } from '../src/supergraph/compose.ts';
import { startTinySubgraph, type TinySubgraph } from './support/tiny-subgraph.ts';

// The gateway's browser pages over real HTTP: GraphiQL on GET /graphql from a browser (only with
// introspection on), the live board on /live (always), their bundles, and the headers that keep
// every byte of them on this origin. The pages running in a browser: test/browser/.

const SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type Query { ping: String }`;

/**
 * Hosts that appear in the GraphiQL bundle as text only: React's error-decoder links, XML
 * namespace names, schema descriptions, links a user may click, license comments. Anything else
 * (a CDN, a font service) fails the test and deserves a look: the CSP would block it in a browser.
 */
const INERT_HOSTS = new Set(['react.dev', 'www.w3.org', 'yarnpkg.com', 'en.wikipedia.org', 'commonmark.org', 'codemirror.net', 'github.com']);

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

let subgraph: TinySubgraph;
const gateways: GatewayApp[] = [];
let devBase: string;
let prodBase: string;

async function startGateway(introspection: boolean): Promise<string> {
  const keys = await generateAssertionKeyPair();
  const { supergraphSdl } = composeSupergraph([{ name: 'tiny', url: subgraph.url, sdl: subgraph.sdl }]);
  const gateway = createGatewayApp({
    config: { host: '127.0.0.1', port: 0, subgraphUrlOverrides: {}, readyTimeoutMs: 1000, shutdownGraceMs: 1000, introspection },
    logger: createLogger('playground-test', 'silent'),
    supergraphSdl,
    verifyToken: createTokenVerifier({ key: { kind: 'secret', secret: new TextEncoder().encode('s'.repeat(32)) }, issuer: 'tributary', audience: 'tributary' }),
    signer: await createAssertionSigner({ privateKeyPem: keys.privateKeyPem }),
  });
  gateways.push(gateway);
  return (await gateway.start()).replace(/\/graphql$/, '');
}

beforeAll(async () => {
  subgraph = await startTinySubgraph(SDL, { Query: { ping: () => 'pong' } });
  devBase = await startGateway(true);
  prodBase = await startGateway(false);
});

afterAll(async () => {
  for (const gateway of gateways) await gateway.stop().catch(() => undefined);
  await subgraph?.stop().catch(() => undefined);
});

const page = (url: string) => fetch(url, { headers: { accept: BROWSER_ACCEPT } });

/** Every URL an HTML page makes the browser load (src, href). */
function referencedUrls(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((match) => match[1]!);
}

function expectSameOriginPage(response: Response, html: string, assetBase: string): void {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  const csp = response.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toMatch(/connect-src 'self' ws: wss:/);
  // No host, no scheme that could load code from elsewhere, in any directive.
  expect(csp).not.toMatch(/https?:|\*|'unsafe-eval'/);
  expect(csp.match(/script-src [^;]*/)?.[0]).toBe("script-src 'self'");
  // The token may sit in the address: the page must not be cached nor leak it as a Referer.
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  const urls = referencedUrls(html);
  expect(urls).toEqual(expect.arrayContaining([`${assetBase}/app.js`, `${assetBase}/app.css`]));
  for (const url of urls) expect(url).toMatch(/^(\/[a-z]|data:)/);
  expect(html).not.toMatch(/<script>|<script [^>]*>[^<]/);
}

describe('the playground (introspection on)', () => {
  it('answers a browser opening /graphql with the GraphiQL page, only same-origin URLs in it', async () => {
    const response = await page(`${devBase}/graphql`);
    const html = await response.text();
    expectSameOriginPage(response, html, '/playground');
    expect(html).toContain('<title>Tributary playground</title>');
  });

  it('keeps the page from a dev link (?token=) the same, and GraphQL clients get GraphQL', async () => {
    expect((await page(`${devBase}/graphql?token=abc.def.ghi`)).headers.get('content-type')).toMatch(/^text\/html/);
    const get = await fetch(`${devBase}/graphql?query=${encodeURIComponent('{ ping }')}`, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect(await get.json()).toEqual({ data: { ping: 'pong' } });
    // curl's Accept (*/*) is not a browser asking for a page.
    const curl = await fetch(`${devBase}/graphql?query=${encodeURIComponent('{ ping }')}`, { headers: { accept: '*/*', 'apollo-require-preflight': 'true' } });
    expect(await curl.json()).toEqual({ data: { ping: 'pong' } });
    const post = await fetch(`${devBase}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: BROWSER_ACCEPT }, body: '{"query":"{ ping }"}' });
    expect(await post.json()).toEqual({ data: { ping: 'pong' } });
  });

  it('serves GraphiQL itself, bundled, with the right content types and revalidation', async () => {
    const js = await fetch(`${devBase}/playground/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const code = await js.text();
    expect(code).toContain('graphiql-container');
    // The example operations travel in the bundle.
    expect(code).toContain('orderChanged(includeCurrent: true)');
    const css = await fetch(`${devBase}/playground/app.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('.graphiql-container');
    const etag = js.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await fetch(`${devBase}/playground/app.js`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('bundles nothing that would load from another host', async () => {
    const code = await (await fetch(`${devBase}/playground/app.js`)).text();
    const hosts = new Set([...code.matchAll(/https?:\/\/([a-z0-9.-]+)/gi)].map((match) => match[1]!.toLowerCase()));
    expect([...hosts].filter((host) => !INERT_HOSTS.has(host))).toEqual([]);
    // Nothing fetched at run time: no dynamic import of a URL, no worker script.
    expect(code).not.toMatch(/import\(\s*["'`]https?:|importScripts\(|new (Shared)?Worker\(/);
    const css = await (await fetch(`${devBase}/playground/app.css`)).text();
    expect(css).not.toMatch(/@import/);
    const urls = [...css.matchAll(/url\(\s*["']?([^"')]*)/g)].map((match) => match[1]!);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url).toMatch(/^(data:|#)/);
  });
});

describe('with introspection off (production)', () => {
  it('serves no playground: a browser gets Apollo’s plain answer, and the bundle is not there', async () => {
    const response = await page(`${prodBase}/graphql`);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers.get('content-type')).toMatch(/json/);
    expect(await response.text()).not.toMatch(/graphiql|<html/i);
    expect((await fetch(`${prodBase}/playground/app.js`)).status).toBe(404);
    expect((await fetch(`${prodBase}/playground/app.css`)).status).toBe(404);
  });

  it('still serves the live board, which shows only what a token may see', async () => {
    const response = await page(`${prodBase}/live`);
    const html = await response.text();
    expectSameOriginPage(response, html, '/live');
    // Unlike GraphiQL, the board writes no inline style.
    expect(response.headers.get('content-security-policy')).toContain("style-src 'self';");
    const js = await fetch(`${prodBase}/live/app.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const code = await js.text();
    expect(code).toContain('orderChanged(includeCurrent: true)');
    expect(code).toContain('npm run token -- --customer admin --role admin');
    expect((await fetch(`${prodBase}/live/app.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    // Only GET is a page; anything else falls through to the usual 404.
    expect((await fetch(`${prodBase}/live`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${prodBase}/live/other.js`)).status).toBe(404);
  });
});
