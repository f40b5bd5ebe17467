import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  attachSubscriptionServer,
  createAssertionSigner,
  createAssertionVerifier,
  createServiceServer,
  generateAssertionKeyPair,
  type AssertionVerifier,
} from '@tributary/http';
import { createLogger } from '@tributary/telemetry';
import { createGatewayApp, type GatewayApp } from '../src/app.ts';
import { ensureDevSecret } from '../src/auth/dev-secret.ts';
import { signDevToken } from '../src/auth/dev-token.ts';
import { createTokenVerifier } from '../src/auth/verify-token.ts';
import { composeSupergraph } from '../src/supergraph/compose.ts';
import { until } from './subscriptions/subscription-client.ts';
import { startTickSubgraph, type TinySubscriptionSubgraph } from './support/tiny-subscription-subgraph.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const logger = createLogger('watch-cli-test', (process.env['TEST_LOG_LEVEL'] as 'debug' | undefined) ?? 'silent');
const TICKS = 'subscription($room: String!) { ticks(room: $room) { n room } }';
/** Starting tsx and connecting takes a moment on a busy machine; every wait is still bounded. */
const SLOW = { timeoutMs: 20_000 };

let dataDir: string;
let secret: string;
let keys: { privateKeyPem: string; publicKeyPem: string };
let ticks: TinySubscriptionSubgraph;
let orders: { url: string; sdl: string; stop(): Promise<void> };
let supergraphSdl: string;
let gateway: { app: GatewayApp; url: string; wsUrl: string };

async function startGateway(port = 0): Promise<typeof gateway> {
  const app = createGatewayApp({
    config: { host: '127.0.0.1', port, subgraphUrlOverrides: {}, readyTimeoutMs: 1000, shutdownGraceMs: 1000 },
    logger,
    supergraphSdl,
    verifyToken: createTokenVerifier({ key: { kind: 'secret', secret: new TextEncoder().encode(secret) }, issuer: 'tributary', audience: 'tributary' }),
    signer: await createAssertionSigner({ privateKeyPem: keys.privateKeyPem }),
  });
  const url = await app.start();
  return { app, url, wsUrl: url.replace(/^http/, 'ws') };
}

interface Watch {
  child: ChildProcess;
  stdout: () => string[];
  stderr: () => string;
  exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** `npm run watch -- <args>` as a child process, with the dev secret of this test's DATA_DIR. */
function watch(args: string[]): Watch {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'gateway/scripts/watch.ts'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => running.delete(child));
  return { child, stdout: () => out.split('\n').filter(Boolean), stderr: () => err, exited };
}

/** The exit code, or a failure naming what the script said if it does not exit in time. */
async function exitOf(run: Watch, timeoutMs = 20_000): Promise<number | null> {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`watch did not exit; stderr:\n${run.stderr()}`)), timeoutMs).unref());
  return Promise.race([run.exited, timeout]);
}

const subscribedTo = (room: string) => [...ticks.active].find((entry) => entry.room === room);

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'tributary-watch-cli-'));
  secret = await ensureDevSecret(path.join(dataDir, 'auth', 'jwt-secret'));
  keys = await generateAssertionKeyPair();
  ticks = await startTickSubgraph({ verifier: await createAssertionVerifier({ publicKeyPem: keys.publicKeyPem, audience: 'ticks' }), logger });
  orders = await startOrderSnapshotSubgraph(await createAssertionVerifier({ publicKeyPem: keys.publicKeyPem, audience: 'orders' }));
  ({ supergraphSdl } = composeSupergraph([
    { name: 'ticks', url: ticks.url, sdl: ticks.sdl },
    { name: 'orders', url: orders.url, sdl: orders.sdl },
  ]));
  gateway = await startGateway();
});

afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
});

afterAll(async () => {
  await gateway?.app.stop().catch(() => undefined);
  await ticks?.stop().catch(() => undefined);
  await orders?.stop().catch(() => undefined);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('npm run watch', () => {
  it('follows orderChanged by default, one readable line per order', async () => {
    const run = watch(['--url', gateway.wsUrl]);
    await until(() => expect(run.stdout()).toHaveLength(2), SLOW);
    expect(run.stdout()[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} {2}order o-1 {2}CONFIRMED {2}2× Widget, 1× \(unknown product\) {2}payment CAPTURED 12\.50 EUR$/);
    expect(run.stdout()[1]).toMatch(/order o-2 {2}CANCELLED \(OUT_OF_STOCK\) {2}1× Gadget {2}payment –$/);
    expect(run.stderr()).toMatch(/connected to .* as alice \(customer\)/);
    run.child.kill('SIGINT');
    expect(await exitOf(run)).toBe(0);
  });

  it('signs a dev token for --customer, prints each event as it arrives and exits 0 on Ctrl-C', async () => {
    const run = watch(['--customer', 'bob', '--url', gateway.wsUrl, '--variables', '{"room":"w1"}', TICKS]);
    await until(() => expect(subscribedTo('w1')?.actor).toEqual({ customerId: 'bob', role: 'customer' }), SLOW);
    ticks.emit({ id: 'w1-1', n: 1, room: 'w1' });
    await until(() => expect(run.stdout()).toHaveLength(1));
    ticks.emit({ id: 'w1-2', n: 2, room: 'w1' });
    await until(() => expect(run.stdout()).toHaveLength(2));
    expect(run.stdout()[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} {2}ticks \{"n":1,"room":"w1"\}$/);
    expect(run.stdout()[1]).toMatch(/ticks \{"n":2,"room":"w1"\}$/);
    run.child.kill('SIGINT');
    expect(await exitOf(run)).toBe(0);
    await until(() => expect(subscribedTo('w1')).toBeUndefined());
  });

  it('uses a given --token and prints raw results with --json; SIGTERM exits 0', async () => {
    const token = await signDevToken(secret, { customerId: 'carol' });
    const run = watch(['--token', token, '--url', gateway.wsUrl, '--json', 'subscription { ticks(room: "w2") { n } }']);
    await until(() => expect(subscribedTo('w2')?.actor?.customerId).toBe('carol'), SLOW);
    ticks.emit({ id: 'w2-1', n: 7, room: 'w2' });
    await until(() => expect(run.stdout()).toHaveLength(1));
    expect(JSON.parse(run.stdout()[0]!)).toEqual({ data: { ticks: { n: 7 } } });
    run.child.kill('SIGTERM');
    expect(await exitOf(run)).toBe(0);
  });

  it('exits 1 with the reason when the gateway refuses the token, without retrying', async () => {
    const forged = await signDevToken('not-the-stack-secret-but-long-enough-for-hs256', { customerId: 'mallory' });
    const run = watch(['--token', forged, '--url', gateway.wsUrl, TICKS, '--variables', '{"room":"w3"}']);
    expect(await exitOf(run)).toBe(1);
    expect(run.stderr()).toMatch(/the gateway refused the token \(4401: Unauthorized: token signature is invalid\)/);
    expect(run.stderr()).not.toMatch(/reconnecting/);
    expect(run.stdout()).toEqual([]);
  });

  it('exits 1 naming the errors when the subscription is refused', async () => {
    const run = watch(['--customer', 'dan', '--url', gateway.wsUrl, 'subscription { nope }']);
    expect(await exitOf(run)).toBe(1);
    expect(run.stderr()).toMatch(/subscription refused: .*nope.*\[GRAPHQL_VALIDATION_FAILED\]/);
  });

  it('says how to get a secret when there is none', async () => {
    const run = watch(['--customer', 'erin', '--url', gateway.wsUrl, '--secret-file', path.join(dataDir, 'missing')]);
    expect(await exitOf(run)).toBe(1);
    expect(run.stderr()).toMatch(/no JWT secret at .*missing: start the stack first/);
  });

  it('reconnects with backoff while the gateway is down and subscribes again once it is back', async () => {
    const own = await startGateway();
    const port = Number(new URL(own.url).port);
    const run = watch(['--customer', 'fay', '--url', own.wsUrl, '--variables', '{"room":"w4"}', TICKS]);
    await until(() => expect(subscribedTo('w4')).toBeDefined(), SLOW);
    ticks.emit({ id: 'w4-1', n: 1, room: 'w4' });
    await until(() => expect(run.stdout()).toHaveLength(1));

    await own.app.stop();
    await until(() => expect(run.stderr()).toMatch(/GATEWAY_SHUTTING_DOWN: subscribing again/), SLOW);
    await until(() => expect(run.stderr()).toMatch(/reconnecting… \(attempt 1 in/), SLOW);
    const again = await startGateway(port);
    try {
      await until(() => expect(subscribedTo('w4')).toBeDefined(), SLOW);
      ticks.emit({ id: 'w4-2', n: 2, room: 'w4' });
      await until(() => expect(run.stdout()).toHaveLength(2));
      expect(run.stdout()[1]).toMatch(/ticks \{"n":2,"room":"w4"\}$/);
      run.child.kill('SIGINT');
      expect(await exitOf(run)).toBe(0);
    } finally {
      await again.app.stop();
    }
  });
});

const ORDERS_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type Query { orderCount: Int }
type Subscription { orderChanged(includeCurrent: Boolean = false): Order! }
type Order @key(fields: "id") { id: ID! status: String! cancellationReason: String items: [Item!]! payment: Payment }
type Item { quantity: Int! product: Product }
type Product { name: String! }
type Payment { status: String! amountCents: Int currency: String }`;

const SNAPSHOT = [
  { id: 'o-1', status: 'CONFIRMED', cancellationReason: null, items: [{ quantity: 2, product: { name: 'Widget' } }, { quantity: 1, product: null }], payment: { status: 'CAPTURED', amountCents: 1250, currency: 'EUR' } },
  { id: 'o-2', status: 'CANCELLED', cancellationReason: 'OUT_OF_STOCK', items: [{ quantity: 1, product: { name: 'Gadget' } }], payment: null },
];

/**
 * A stand-in for the order subgraph (built elsewhere): orderChanged with includeCurrent sends
 * two orders, then nothing. Enough to see how the default subscription is printed.
 */
async function startOrderSnapshotSubgraph(verifier: AssertionVerifier): Promise<typeof orders> {
  const schema = buildSubgraphSchema({
    typeDefs: parse(ORDERS_SDL),
    resolvers: {
      Query: { orderCount: () => SNAPSHOT.length },
      Subscription: {
        orderChanged: {
          subscribe: (_: unknown, args: { includeCurrent: boolean }) => {
            const queue = args.includeCurrent ? SNAPSHOT.map((order) => ({ orderChanged: order })) : [];
            // Never ends by itself; return() ends it at once (a client leaving, the server closing).
            return {
              next: () => (queue.length ? Promise.resolve({ done: false, value: queue.shift() }) : new Promise(() => {})),
              return: () => Promise.resolve({ done: true, value: undefined }),
              [Symbol.asyncIterator]() {
                return this;
              },
            };
          },
        },
      },
    } as never,
  });
  const apollo = new ApolloServer({ schema, logger });
  await apollo.start();
  const server = createServiceServer({ apollo, verifier, context: async () => ({}), ready: async () => ({ status: 'ok', checks: {} }) as never, metrics: new Registry(), logger });
  const subscriptions = attachSubscriptionServer({ httpServer: server.httpServer, schema, verifier, context: () => ({}), logger });
  const url = await server.listen(0, '127.0.0.1');
  return {
    url,
    sdl: ORDERS_SDL,
    async stop() {
      await subscriptions.close();
      await apollo.stop();
      server.httpServer.closeAllConnections();
      await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    },
  };
}
