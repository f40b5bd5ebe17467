import { describe, expect, it } from 'vitest';
import { createInflightRequests, requestKey, startsAsQuery, toResponse, type BufferedResponse } from '../../src/auth/inflight-dedup.ts';
import { loadConfig } from '../../src/config.ts';

const answer = (text: string): BufferedResponse => ({ status: 200, statusText: 'OK', url: 'http://x/graphql', headers: [['content-type', 'application/json']], text });

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('startsAsQuery', () => {
  it('accepts queries and shorthand, after whitespace and comments', () => {
    for (const text of ['{ a }', 'query { a }', 'query Q__s__0($r:[_Any!]!){_entities(representations:$r){__typename}}', '  # note\n,\tquery{a}', '\uFEFF{a}']) {
      expect(startsAsQuery(text)).toBe(true);
    }
  });
  it('refuses mutations, subscriptions, fragments first and look-alike names', () => {
    for (const text of ['mutation { a }', 'subscription { a }', 'fragment F on Q { a } query { ...F }', 'queryX { a }', '', '# query\nmutation { a }']) {
      expect(startsAsQuery(text)).toBe(false);
    }
  });
});

describe('requestKey', () => {
  const actor = { customerId: 'c-1', role: 'customer' as const };
  const body = (variables: unknown) => JSON.stringify({ query: 'query($a:Int,$b:Int){x(a:$a,b:$b)}', variables });
  it('ignores the order of variables and headers', () => {
    expect(requestKey('s', actor, { a: '1', b: '2' }, body({ a: 1, b: { c: 1, d: 2 } }))).toBe(requestKey('s', actor, { b: '2', a: '1' }, body({ b: { d: 2, c: 1 }, a: 1 })));
  });
  it('differs by subgraph, caller, role, header and variables', () => {
    const base = requestKey('s', actor, {}, body({ a: 1 }));
    expect(requestKey('t', actor, {}, body({ a: 1 }))).not.toBe(base);
    expect(requestKey('s', null, {}, body({ a: 1 }))).not.toBe(base);
    expect(requestKey('s', { ...actor, role: 'admin' }, {}, body({ a: 1 }))).not.toBe(base);
    expect(requestKey('s', actor, { 'x-h': '1' }, body({ a: 1 }))).not.toBe(base);
    expect(requestKey('s', actor, {}, body({ a: '1' }))).not.toBe(base);
  });
  it('does not share a body that is not JSON', () => {
    expect(requestKey('s', actor, {}, 'not json')).toBeUndefined();
  });
});

describe('createInflightRequests', () => {
  it('shares one flight per key while it is in the air, then forgets it', async () => {
    let joined = 0;
    const flights = createInflightRequests(() => (joined += 1));
    const first = deferred<BufferedResponse>();
    let sent = 0;
    const send = () => ((sent += 1), first.promise);
    const waiters = [flights.share('k', send), flights.share('k', send), flights.share('other', () => Promise.resolve(answer('{}')))];
    first.resolve(answer('{"data":{}}'));
    expect((await Promise.all(waiters)).map((r) => r.text)).toEqual(['{"data":{}}', '{"data":{}}', '{}']);
    expect([sent, joined]).toEqual([1, 1]);
    await flights.share('k', () => Promise.resolve(answer('again')));
    expect(joined).toBe(1);
  });

  it('shares a failure with every waiter', async () => {
    const flights = createInflightRequests();
    const flight = deferred<BufferedResponse>();
    const waiters = [flights.share('k', () => flight.promise), flights.share('k', () => flight.promise)];
    flight.reject(new Error('connection reset'));
    for (const waiter of waiters) await expect(waiter).rejects.toThrow('connection reset');
  });

  it('lets one waiter give up without ending the flight for the others', async () => {
    const flights = createInflightRequests();
    const flight = deferred<BufferedResponse>();
    const abort = new AbortController();
    const quitter = flights.share('k', () => flight.promise, abort.signal);
    const stayer = flights.share('k', () => flight.promise);
    abort.abort(new Error('client went away'));
    await expect(quitter).rejects.toThrow('client went away');
    flight.resolve(answer('{"data":{"a":1}}'));
    expect((await stayer).text).toBe('{"data":{"a":1}}');
  });
});

describe('toResponse', () => {
  it('gives every waiter a body of its own to parse', async () => {
    const buffered = answer('{"data":{"a":{"b":1}}}');
    const [one, two] = [toResponse(buffered), toResponse(buffered)];
    const first = (await one.json()) as { data: { a: { b: number } } };
    first.data.a.b = 2;
    expect(await two.json()).toEqual({ data: { a: { b: 1 } } });
    expect(one.url).toBe('http://x/graphql');
  });
});

describe('SUBGRAPH_REQUEST_DEDUP', () => {
  const env = { JWT_SECRET: 'x'.repeat(32), GATEWAY_SIGNING_KEY: 'pem' };
  it('is on by default and can be turned off', () => {
    expect(loadConfig(env).subgraphRequestDedup).toBe(true);
    expect(loadConfig({ ...env, SUBGRAPH_REQUEST_DEDUP: 'false' }).subgraphRequestDedup).toBe(false);
    expect(() => loadConfig({ ...env, SUBGRAPH_REQUEST_DEDUP: 'maybe' })).toThrow(/SUBGRAPH_REQUEST_DEDUP/);
  });
});
