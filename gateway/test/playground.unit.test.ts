import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { prefersHtml } from '../src/playground/accepts-html.ts';
import { exampleTabs } from '../src/playground/browser/examples.ts';
import { applyAuthorizationToStoredTabs, withAuthorization } from '../src/playground/browser/stored-tabs.ts';
import { pageCsp, renderPageShell } from '../src/playground/page-shell.ts';

const request = (accept?: string) => ({ headers: accept === undefined ? {} : { accept } }) as IncomingMessage;

describe('prefersHtml: a browser navigating, not a GraphQL client', () => {
  it.each([
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
    ['text/html', true],
    ['application/json, text/html;q=0.5', false],
    ['text/html;q=0', false],
    ['*/*', false],
    ['application/json', false],
    ['application/graphql-response+json, application/json', false],
    [undefined, false],
  ])('Accept %s → %s', (accept, expected) => {
    expect(prefersHtml(request(accept))).toBe(expected);
  });
});

describe('the page shell', () => {
  it('loads only its own bundle, from this origin, and mounts into #root', () => {
    const html = renderPageShell({ title: 'T', assetBase: '/playground', hasCss: true });
    expect(html).toContain('<script type="module" src="/playground/app.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/playground/app.css">');
    expect(html).toContain('<div id="root"></div>');
    expect(html).not.toMatch(/https?:|\/\/[a-z]/);
    expect(renderPageShell({ title: 'T', assetBase: '/live', hasCss: false })).not.toContain('stylesheet');
  });

  it('has a policy that allows scripts from this origin only, inline styles only when asked', () => {
    const directives = (inlineStyles: boolean) =>
      Object.fromEntries(pageCsp({ inlineStyles }).split('; ').map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1)]));
    const strict = directives(false);
    expect(strict['default-src']).toEqual(["'none'"]);
    expect(strict['script-src']).toEqual(["'self'"]);
    expect(strict['style-src']).toEqual(["'self'"]);
    expect(strict['connect-src']).toEqual(["'self'", 'ws:', 'wss:']);
    expect(strict['frame-ancestors']).toEqual(["'none'"]);
    expect(directives(true)['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
    expect(directives(true)['script-src']).toEqual(["'self'"]);
  });
});

describe('the dev token in GraphiQL headers', () => {
  const bearer = 'Bearer new.jwt.token';

  it('sets Authorization once, keeping the other headers', () => {
    expect(JSON.parse(withAuthorization(undefined, bearer))).toEqual({ Authorization: bearer });
    expect(JSON.parse(withAuthorization('{"authorization":"Bearer old","x-trace":"1"}', bearer))).toEqual({ Authorization: bearer, 'x-trace': '1' });
    expect(JSON.parse(withAuthorization('not json', bearer))).toEqual({ Authorization: bearer });
    expect(JSON.parse(withAuthorization('[1]', bearer))).toEqual({ Authorization: bearer });
  });

  it('writes a new token into every tab GraphiQL stored, and leaves the rest of them alone', () => {
    const store = new Map<string, string>([
      ['graphiql:tabState', JSON.stringify({ activeTabIndex: 1, tabs: [{ query: '{ a }', headers: null }, { query: '{ b }', headers: '{"Authorization":"Bearer old"}' }] })],
      ['graphiql:headers', '{"Authorization":"Bearer old"}'],
    ]);
    const storage = { getItem: (key: string) => store.get(key) ?? null, setItem: (key: string, value: string) => void store.set(key, value) };
    applyAuthorizationToStoredTabs(storage, bearer);
    const state = JSON.parse(store.get('graphiql:tabState')!) as { activeTabIndex: number; tabs: { query: string; headers: string }[] };
    expect(state.activeTabIndex).toBe(1);
    expect(state.tabs.map((tab) => tab.query)).toEqual(['{ a }', '{ b }']);
    expect(state.tabs.map((tab) => JSON.parse(tab.headers))).toEqual([{ Authorization: bearer }, { Authorization: bearer }]);
    expect(JSON.parse(store.get('graphiql:headers')!)).toEqual({ Authorization: bearer });
    // Nothing stored yet: nothing written (GraphiQL starts from the example tabs).
    const empty = new Map<string, string>();
    applyAuthorizationToStoredTabs({ getItem: (key) => empty.get(key) ?? null, setItem: (key, value) => void empty.set(key, value) }, bearer);
    expect(empty.size).toBe(0);
  });

  it('opens with the three example operations, each carrying the headers', () => {
    const headers = withAuthorization(undefined, bearer);
    const tabs = exampleTabs(headers);
    expect(tabs.map((tab) => tab.query.match(/^(query|mutation|subscription) \w+/m)?.[0])).toEqual([
      'query Orders',
      'mutation PlaceOrder',
      'subscription OrderChanged',
    ]);
    expect(tabs.every((tab) => tab.headers === headers)).toBe(true);
    expect(tabs[0]!.query).toMatch(/product \{ name/);
    expect(tabs[0]!.query).toMatch(/payment \{ status/);
    expect(tabs[2]!.query).toMatch(/orderChanged\(includeCurrent: true\)/);
    expect(JSON.parse(tabs[1]!.variables!)).toMatchObject({ input: { items: [{ sku: 'SKU-1', quantity: 1 }, { sku: 'SKU-2', quantity: 2 }] } });
    expect(exampleTabs(undefined).every((tab) => tab.headers === undefined)).toBe(true);
  });
});
