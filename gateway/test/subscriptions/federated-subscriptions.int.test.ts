import { EventEmitter } from 'node:events';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAssertionSigner, createAssertionVerifier, generateAssertionKeyPair } from '@tributary/http';
import { createLogger } from '@tributary/telemetry';
import { createGatewayApp, type GatewayApp } from '../../src/app.ts';
import { createTokenVerifier } from '../../src/auth/verify-token.ts';
import { composeSupergraph } from '../../src/supergraph/compose.ts';
import { startTickSubgraph, type TinySubscriptionSubgraph } from '../support/tiny-subscription-subgraph.ts';
import { startTinySubgraph, type TinySubgraph } from '../support/tiny-subgraph.ts';
import { collect, gatewayClient, metricValue, until } from './subscription-client.ts';

const FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';
const SECRET = 'a-test-secret-that-is-long-enough-for-hs256!';
const logger = createLogger('subscriptions-test', (process.env['TEST_LOG_LEVEL'] as 'debug' | undefined) ?? 'silent');

let keys: { privateKeyPem: string; publicKeyPem: string };
let ticks: TinySubscriptionSubgraph;
let tickEvents: EventEmitter;
let labels: TinySubgraph;
let labelFetches = 0;
let gateway: GatewayApp;
let graphqlUrl: string;
let supergraphSdl: string;

function token(customerId: string, expiresIn = '5m') {
  return new SignJWT({ role: 'customer' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(customerId)
    .setIssuer('tributary')
    .setAudience('tributary')
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(SECRET));
}

async function startGateway(settings: Partial<{ maxPerConnection: number; queueSize: number }> = {}): Promise<{ app: GatewayApp; url: string }> {
  const app = createGatewayApp({
    config: {
      host: '127.0.0.1',
      port: 0,
      subgraphUrlOverrides: {},
      readyTimeoutMs: 1000,
      shutdownGraceMs: 1000,
      subscriptions: { maxPerConnection: settings.maxPerConnection ?? 25, queueSize: settings.queueSize ?? 100, keepAliveMs: 12_000, reconnect: { minMs: 50, maxMs: 500 } },
    },
    logger,
    supergraphSdl,
    verifyToken: createTokenVerifier({ key: { kind: 'secret', secret: new TextEncoder().encode(SECRET) }, issuer: 'tributary', audience: 'tributary' }),
    signer: await createAssertionSigner({ privateKeyPem: keys.privateKeyPem }),
  });
  return { app, url: await app.start() };
}

const TICKS = 'subscription($room: String!) { ticks(room: $room) { n room label } }';

beforeAll(async () => {
  keys = await generateAssertionKeyPair();
  tickEvents = new EventEmitter();
  ticks = await startTickSubgraph({ verifier: await createAssertionVerifier({ publicKeyPem: keys.publicKeyPem, audience: 'ticks' }), logger, events: tickEvents });
  labels = await startTinySubgraph(
    `${FED}\ntype Query { labelsVersion: Int }\ntype Tick @key(fields: "id") { id: ID! label: String! }`,
    {
      Query: { labelsVersion: () => 1 },
      Tick: {
        __resolveReference: (ref) => {
          labelFetches += 1;
          return { id: (ref as { id: string }).id, label: `label of ${(ref as { id: string }).id}` };
        },
      },
    },
    await createAssertionVerifier({ publicKeyPem: keys.publicKeyPem, audience: 'labels' }),
  );
  ({ supergraphSdl } = composeSupergraph([
    { name: 'ticks', url: ticks.url, sdl: ticks.sdl },
    { name: 'labels', url: labels.url, sdl: labels.sdl },
  ]));
  ({ app: gateway, url: graphqlUrl } = await startGateway());
});

afterAll(async () => {
  await gateway?.stop().catch(() => undefined);
  await ticks?.stop().catch(() => undefined);
  await labels?.stop().catch(() => undefined);
});

describe('subscriptions through the gateway', () => {
  it('streams the owning subgraph events with fields from another subgraph resolved per event, in order', async () => {
    const client = gatewayClient(graphqlUrl, { authorization: `Bearer ${await token('alice')}` });
    const sub = collect(client, TICKS, { room: 'a' });
    await until(() => expect(ticks.active.size).toBe(1));
    for (let n = 1; n <= 3; n += 1) ticks.emit({ id: `a${n}`, n, room: 'a' });
    ticks.emit({ id: 'b1', n: 99, room: 'b' });
    await until(() => expect(sub.results).toHaveLength(3));
    expect(sub.results.map((r) => r.data)).toEqual([1, 2, 3].map((n) => ({ ticks: { n, room: 'a', label: `label of a${n}` } })));
    // The caller reached the subgraph through the gateway's signed assertion.
    expect([...ticks.active][0]?.actor).toEqual({ customerId: 'alice', role: 'customer' });
    sub.unsubscribe();
    await until(() => expect(ticks.active.size).toBe(0));
    await client.dispose();
  });

  it('shares one upstream subscription between identical subscriptions and closes it when the last client leaves', async () => {
    const bearer = `Bearer ${await token('bob')}`;
    const [one, two] = [gatewayClient(graphqlUrl, { authorization: bearer }), gatewayClient(graphqlUrl, { authorization: bearer })];
    const first = collect(one, TICKS, { room: 'shared' });
    const second = collect(two, TICKS, { room: 'shared' });
    await until(async () => expect(await metricValue(graphqlUrl, 'gateway_subscriptions_active')).toBe(2));
    // The gateway counts a client before its upstream subscribe reaches the subgraph.
    await until(() => expect(ticks.active.size).toBe(1));
    const before = labelFetches;
    ticks.emit({ id: 's1', n: 1, room: 'shared' });
    ticks.emit({ id: 's2', n: 2, room: 'shared' });
    await until(() => expect([first.results.length, second.results.length]).toEqual([2, 2]));
    expect(second.results).toEqual(first.results);
    // Resolved once per event, not once per client.
    expect(labelFetches - before).toBe(2);
    // Another caller gets its own upstream: what a subgraph shows depends on who asks.
    const carol = gatewayClient(graphqlUrl, { authorization: `Bearer ${await token('carol')}` });
    const third = collect(carol, TICKS, { room: 'shared' });
    await until(() => expect(ticks.active.size).toBe(2));
    first.unsubscribe();
    second.unsubscribe();
    third.unsubscribe();
    await until(() => expect(ticks.active.size).toBe(0));
    await until(async () => expect(await metricValue(graphqlUrl, 'gateway_subscription_upstreams_active')).toBe(0));
    await Promise.all([one.dispose(), two.dispose(), carol.dispose()]);
  });

  it('does not share a subscription that starts with the current state', async () => {
    const bearer = `Bearer ${await token('dave')}`;
    const query = 'subscription { ticks(room: "snap", includeCurrent: true) { n label } }';
    const one = gatewayClient(graphqlUrl, { authorization: bearer });
    const first = collect(one, query);
    await until(() => expect(first.results).toHaveLength(1));
    const two = gatewayClient(graphqlUrl, { authorization: bearer });
    const second = collect(two, query);
    await until(() => expect(second.results).toHaveLength(1));
    expect(second.results[0]?.data).toEqual({ ticks: { n: 0, label: 'label of snap-current' } });
    await until(() => expect(ticks.active.size).toBe(2));
    first.unsubscribe();
    second.unsubscribe();
    await Promise.all([one.dispose(), two.dispose()]);
  });

  it('refuses a bad token by closing the socket with 4401 and a reason', async () => {
    let closed: { code: number; reason: string } | undefined;
    const client = gatewayClient(graphqlUrl, { authorization: 'Bearer not-a-jwt' }, (event) => (closed = event));
    const sub = collect(client, TICKS, { room: 'a' });
    await expect(sub.done).rejects.toBeDefined();
    expect(closed?.code).toBe(4401);
    expect(closed?.reason).toMatch(/Unauthorized/);
    await client.dispose();
  });

  it('passes the subgraph refusal of an anonymous caller on, with its code', async () => {
    const client = gatewayClient(graphqlUrl);
    const sub = collect(client, TICKS, { room: 'private' });
    await sub.done.catch(() => undefined);
    const errors = sub.results.flatMap((r) => r.errors ?? []);
    expect(errors.map((e) => e.extensions?.['code'])).toContain('UNAUTHENTICATED');
    await client.dispose();
  });

  it('answers a subscription sent over HTTP with 400 pointing at WebSocket', async () => {
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'subscription { ticks(room: "a") { n } }' }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors[0]?.message).toMatch(/WebSocket/);
  });

  it('runs queries sent over the socket through the same pipeline', async () => {
    const client = gatewayClient(graphqlUrl);
    const sub = collect(client, '{ labelsVersion }');
    await sub.done;
    expect(sub.results).toEqual([{ data: { labelsVersion: 1 } }]);
    await client.dispose();
  });

  it('refuses operations past the per-connection limit and past the operation limits', async () => {
    const limited = await startGateway({ maxPerConnection: 2 });
    const client = gatewayClient(limited.url, { authorization: `Bearer ${await token('erin')}` });
    const subs = [collect(client, TICKS, { room: 'l1' }), collect(client, TICKS, { room: 'l2' })];
    await until(() => expect(ticks.active.size).toBe(2));
    const third = collect(client, TICKS, { room: 'l3' });
    await expect(third.done).rejects.toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'SUBSCRIPTION_LIMIT' }) })]);
    subs[0]?.unsubscribe();
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: n`).join(' ');
    const bomb = collect(client, `subscription { ticks(room: "x") { ${aliases} } }`);
    await expect(bomb.done).rejects.toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'OPERATION_LIMIT' }) })]);
    for (const sub of subs) sub.unsubscribe();
    await client.dispose();
    await limited.app.stop();
    await until(() => expect(ticks.active.size).toBe(0));
  });

  it('keeps a client subscribed across a restart of the owning subgraph', async () => {
    const client = gatewayClient(graphqlUrl, { authorization: `Bearer ${await token('frank')}` });
    const sub = collect(client, TICKS, { room: 'restart' });
    await until(() => expect(ticks.active.size).toBe(1));
    ticks.emit({ id: 'r1', n: 1, room: 'restart' });
    await until(() => expect(sub.results).toHaveLength(1));
    const port = Number(new URL(ticks.url).port);
    await ticks.stop();
    ticks = await startTickSubgraph({ verifier: await createAssertionVerifier({ publicKeyPem: keys.publicKeyPem, audience: 'ticks' }), logger, port, events: tickEvents });
    await until(() => expect(ticks.active.size).toBe(1), { timeoutMs: 10_000 });
    ticks.emit({ id: 'r2', n: 2, room: 'restart' });
    await until(() => expect(sub.results).toHaveLength(2));
    expect(sub.results[1]?.data).toEqual({ ticks: { n: 2, room: 'restart', label: 'label of r2' } });
    expect(await metricValue(graphqlUrl, 'gateway_subscription_upstream_reconnects_total')).toBeGreaterThanOrEqual(1);
    sub.unsubscribe();
    await client.dispose();
  });

  it('ends subscriptions with SCHEMA_RELOADED on a new supergraph and GATEWAY_SHUTTING_DOWN on stop', async () => {
    await until(() => expect(ticks.active.size).toBe(0));
    const own = await startGateway();
    const client = gatewayClient(own.url, { authorization: `Bearer ${await token('gina')}` });
    const reloaded = collect(client, TICKS, { room: 'reload' });
    await until(() => expect(ticks.active.size).toBe(1));
    own.app.reloadSupergraph(supergraphSdl.replace('type Query', '"reloaded"\ntype Query'));
    await reloaded.done;
    expect(reloaded.results.at(-1)?.errors?.[0]?.extensions?.['code']).toBe('SCHEMA_RELOADED');
    await until(() => expect(ticks.active.size).toBe(0));
    const stopping = collect(client, TICKS, { room: 'reload' });
    await until(() => expect(ticks.active.size).toBe(1));
    await own.app.stop();
    await stopping.done.catch(() => undefined);
    expect(stopping.results.at(-1)?.errors?.[0]?.extensions?.['code']).toBe('GATEWAY_SHUTTING_DOWN');
    await client.dispose();
    await until(() => expect(ticks.active.size).toBe(0));
  });
});
