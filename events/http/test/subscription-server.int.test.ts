import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@tributary/contracts';
import { createLogger } from '../../telemetry/index.ts';
import {
  CONNECTION_ASSERTION_BODY,
  createAssertionSigner,
  createAssertionVerifier,
  generateAssertionKeyPair,
  SUBSCRIPTION_ASSERTION_KEY,
  subscriptionAssertionBody,
  type AssertionSigner,
} from '../gateway-assertion.ts';
import { attachSubscriptionServer, CLOSE_UNAUTHORIZED, type SubscriptionServer } from '../subscription-server.ts';
import { alice, AUDIENCE, bob, noForbidden, resolverRuns, schema, ticks, type ProbeContext } from './probe-schema.ts';

// graphql-ws over a real socket (the graphql-ws client on `ws`), trusted the way the gateway
// does it: an assertion in connection_init, and one per subscribe bound to its payload.

let httpServer: Server;
let subscriptions: SubscriptionServer;
let wsUrl: string;
let signer: AssertionSigner;
const clients: Client[] = [];

beforeAll(async () => {
  const keys = await generateAssertionKeyPair();
  signer = await createAssertionSigner({ privateKeyPem: keys.privateKeyPem });
  httpServer = createServer((_req, res) => res.writeHead(404).end());
  subscriptions = attachSubscriptionServer<ProbeContext>({
    httpServer,
    schema,
    verifier: await createAssertionVerifier({ publicKeyPem: keys.publicKeyPem, audience: AUDIENCE }),
    context: (actor) => ({ actor }),
    validationRules: [noForbidden],
    // Marks every error it formats, so the test sees that both paths use it.
    formatError: (formatted) => ({ ...formatted, extensions: { ...formatted.extensions, formatted: true } }),
    logger: createLogger('subscription-server-test', 'silent'),
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  wsUrl = `ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await subscriptions?.close();
  await new Promise<void>((resolve) => httpServer?.close(() => resolve()));
});

/** A graphql-ws client whose connection_init carries `params` (default: a valid connection assertion). */
function connect(params?: () => Promise<Record<string, unknown>>): Client {
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: params ?? (async () => ({ [SUBSCRIPTION_ASSERTION_KEY]: await signer.sign(AUDIENCE, null, CONNECTION_ASSERTION_BODY) })),
  });
  clients.push(client);
  return client;
}

interface Payload {
  query: string;
  variables?: Record<string, unknown>;
}

/** The payload with its subscribe assertion for `actor`, as the gateway signs it. */
async function signed(payload: Payload, actor: Actor | null, by: AssertionSigner = signer, audience = AUDIENCE) {
  const token = await by.sign(audience, actor, subscriptionAssertionBody(payload));
  return { ...payload, extensions: { [SUBSCRIPTION_ASSERTION_KEY]: token } };
}

interface Outcome {
  results: FormattedExecutionResult<Record<string, unknown>, unknown>[];
  /** What the sink's error received: GraphQL errors, or the socket's close event. */
  error?: unknown;
  completed: boolean;
}

/** Subscribes and collects until the subscription ends or `count` results arrived (bounded). */
function collect(client: Client, payload: Payload & { extensions?: Record<string, unknown> }, count = Infinity, timeoutMs = 5_000) {
  const outcome: Outcome = { results: [], completed: false };
  let stop!: () => void;
  const ended = new Promise<Outcome>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out: ${JSON.stringify(outcome)}`)), timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      resolve(outcome);
    };
    stop = client.subscribe(payload, {
      next: (result) => {
        outcome.results.push(result);
        if (outcome.results.length >= count) {
          stop();
          finish();
        }
      },
      error: (error) => {
        outcome.error = error;
        finish();
      },
      complete: () => {
        outcome.completed = true;
        finish();
      },
    });
  });
  return { ended, unsubscribe: () => stop() };
}

/** Waits (at most `timeoutMs`) for `condition`; the caller's expect says what was wrong. */
async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

const errorsOf = (outcome: Outcome) => outcome.error as { message: string; extensions?: Record<string, unknown> }[];

describe('the connection', () => {
  it('is refused with 4401 without a connection assertion, and nothing runs', async () => {
    const before = resolverRuns.count;
    const client = connect(async () => ({}));
    const outcome = await collect(client, await signed({ query: 'subscription { ticks }' }, alice)).ended;
    expect(outcome.error).toMatchObject({ code: CLOSE_UNAUTHORIZED, reason: expect.stringContaining('missing') });
    expect(resolverRuns.count).toBe(before);
  });

  it('is refused with 4401 when the assertion is for another subgraph or another body', async () => {
    const elsewhere = connect(async () => ({ [SUBSCRIPTION_ASSERTION_KEY]: await signer.sign('payment', null, CONNECTION_ASSERTION_BODY) }));
    expect((await collect(elsewhere, await signed({ query: 'subscription { ticks }' }, alice)).ended).error).toMatchObject({ code: CLOSE_UNAUTHORIZED });
    const otherBody = connect(async () => ({ [SUBSCRIPTION_ASSERTION_KEY]: await signer.sign(AUDIENCE, null, 'something else') }));
    expect((await collect(otherBody, await signed({ query: 'subscription { ticks }' }, alice)).ended).error).toMatchObject({
      code: CLOSE_UNAUTHORIZED,
      reason: expect.stringContaining('body'),
    });
  });
});

describe('a subscribe', () => {
  const query = 'subscription { whoami }';

  it.each([
    ['has no assertion', async () => ({ query })],
    ['is signed by another key (forged)', async () => signed({ query }, alice, await createAssertionSigner({ privateKeyPem: (await generateAssertionKeyPair()).privateKeyPem }))],
    ['is signed for another subgraph', async () => signed({ query }, alice, signer, 'payment')],
    ['carries an assertion bound to another payload', async () => ({ query, extensions: (await signed({ query, variables: { note: 'x' } }, alice)).extensions })],
  ])('is refused with UNAUTHENTICATED when it %s, and runs nothing', async (_case, build) => {
    const before = resolverRuns.count;
    const outcome = await collect(connect(), await build()).ended;
    expect(errorsOf(outcome)).toEqual([{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED', formatted: true } }]);
    expect(outcome.results).toEqual([]);
    expect(resolverRuns.count).toBe(before);
  });

  it('is refused when its assertion is replayed, even on the same socket', async () => {
    const client = connect();
    const payload = await signed({ query }, alice);
    expect((await collect(client, payload).ended).results).toEqual([{ data: { whoami: 'customer:alice' } }]);
    const replay = await collect(client, payload).ended;
    expect(errorsOf(replay)[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(errorsOf(replay)[0]?.message).toContain('replay');
  });

  it('runs as the caller its own assertion names: one socket, several callers', async () => {
    const client = connect();
    const [asAlice, asBob, anonymous] = await Promise.all([
      collect(client, await signed({ query }, alice)).ended,
      collect(client, await signed({ query }, bob)).ended,
      collect(client, await signed({ query }, null)).ended,
    ]);
    expect(asAlice.results).toEqual([{ data: { whoami: 'customer:alice' } }]);
    expect(asBob.results).toEqual([{ data: { whoami: 'customer:bob' } }]);
    expect(anonymous.results).toEqual([{ data: { whoami: 'anonymous' } }]);
  });

  it('receives events until the client completes it, which ends the resolver stream', async () => {
    const client = connect();
    const listenersBefore = ticks.listeners.size;
    const subscription = collect(client, await signed({ query: 'subscription { ticks }' }, alice), 3);
    // Emit until the three arrive: the subscription becomes active asynchronously.
    let value = 0;
    const emitter = setInterval(() => ticks.emit(++value), 20);
    const outcome = await subscription.ended.finally(() => clearInterval(emitter));
    expect(outcome.results).toHaveLength(3);
    const seen = outcome.results.map((result) => (result.data as { ticks: number }).ticks);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    await until(() => ticks.listeners.size === listenersBefore);
    expect(ticks.listeners.size).toBe(listenersBefore);
  });

  it('refuses queries and mutations with BAD_REQUEST (they have HTTP)', async () => {
    const outcome = await collect(connect(), await signed({ query: '{ ok }' }, alice)).ended;
    expect(errorsOf(outcome)).toEqual([{ message: expect.stringContaining('HTTP'), extensions: { code: 'BAD_REQUEST', formatted: true } }]);
  });

  it('runs graphql validation and the extra rules, failing only that subscription', async () => {
    const client = connect();
    const unknown = await collect(client, await signed({ query: 'subscription { nope }' }, alice)).ended;
    expect(errorsOf(unknown)[0]?.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', formatted: true });
    const forbidden = await collect(client, await signed({ query: 'subscription { forbidden: whoami }' }, alice)).ended;
    expect(errorsOf(forbidden)).toEqual([
      { message: 'forbidden field', locations: [{ line: 1, column: 16 }], extensions: { limit: 'test', code: 'GRAPHQL_VALIDATION_FAILED', formatted: true } },
    ]);
    const unparsable = await collect(client, await signed({ query: 'subscription {' }, alice)).ended;
    expect(errorsOf(unparsable)[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    // The socket is still fine for the next caller.
    expect((await collect(client, await signed({ query }, bob)).ended).results).toEqual([{ data: { whoami: 'customer:bob' } }]);
  });

  it('formats resolver errors with the formatter, and codes bad variables BAD_USER_INPUT', async () => {
    const client = connect();
    const refused = await collect(client, await signed({ query: 'subscription { refused }' }, alice)).ended;
    expect(refused.results[0]?.errors).toEqual([expect.objectContaining({ message: 'nothing here', path: ['refused'], extensions: expect.objectContaining({ formatted: true }) })]);
    const badVariables = await collect(client, await signed({ query: 'subscription($note: String) { whoami(note: $note) }', variables: { note: 5 } }, alice)).ended;
    expect(badVariables.results[0]?.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', formatted: true });
  });
});

describe('close()', () => {
  it('ends live subscriptions and drops the sockets', async () => {
    const keys = await generateAssertionKeyPair();
    const ownSigner = await createAssertionSigner({ privateKeyPem: keys.privateKeyPem });
    const server = createServer();
    const own = attachSubscriptionServer<ProbeContext>({
      httpServer: server,
      schema,
      verifier: await createAssertionVerifier({ publicKeyPem: keys.publicKeyPem, audience: AUDIENCE }),
      context: (actor) => ({ actor }),
      logger: createLogger('subscription-server-test', 'silent'),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = createClient({
      url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: async () => ({ [SUBSCRIPTION_ASSERTION_KEY]: await ownSigner.sign(AUDIENCE, null, CONNECTION_ASSERTION_BODY) }),
    });
    clients.push(client);
    const listenersBefore = ticks.listeners.size;
    const payload = { query: 'subscription { ticks }' };
    const live = collect(client, { ...payload, extensions: { [SUBSCRIPTION_ASSERTION_KEY]: await ownSigner.sign(AUDIENCE, alice, subscriptionAssertionBody(payload)) } });
    await until(() => ticks.listeners.size > listenersBefore);
    expect(ticks.listeners.size).toBe(listenersBefore + 1);
    await own.close();
    const outcome = await live.ended;
    expect(outcome.error).toMatchObject({ code: 1001 });
    await until(() => ticks.listeners.size === listenersBefore);
    expect(ticks.listeners.size).toBe(listenersBefore);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
