import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, redisImplementations, type TestRedis } from '@tributary/testing/stack';
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
import { createRedisReplayStore, replayRedisOptions } from '../replay-store.ts';
import { attachSubscriptionServer, CLOSE_UNAUTHORIZED, type SubscriptionServer } from '../subscription-server.ts';
import { alice, AUDIENCE, resolverRuns, schema, type ProbeContext } from './probe-schema.ts';

// Two subscription servers sharing one (embedded) Redis stand for two replicas of a subgraph:
// the assertions of graphql-ws (connection_init and each subscribe) are single-use across both.

const logger = createLogger('subscription-replicas-test', 'silent');
const embedded = redisImplementations[0]!;

interface Replica {
  httpServer: Server;
  subscriptions: SubscriptionServer;
  redis: Redis;
  url: string;
}

let redisServer: TestRedis;
let signer: AssertionSigner;
let replicas: Replica[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  redisServer = await embedded.start();
  const keys = await generateAssertionKeyPair();
  signer = await createAssertionSigner({ privateKeyPem: keys.privateKeyPem });
  replicas = await Promise.all(
    [0, 1].map(async () => {
      const redis = new Redis(redisServer.url, replayRedisOptions(AUDIENCE));
      redis.on('error', () => undefined);
      const store = createRedisReplayStore({ redis, subgraph: AUDIENCE, logger });
      const httpServer = createServer((_req, res) => res.writeHead(404).end());
      const subscriptions = attachSubscriptionServer<ProbeContext>({
        httpServer,
        schema,
        verifier: await createAssertionVerifier({ publicKeyPem: keys.publicKeyPem, audience: AUDIENCE, replayStore: store }),
        context: (actor) => ({ actor }),
        logger,
      });
      await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
      await eventually(async () => redis.status === 'ready', 5_000, 'the replica connected to Redis');
      return { httpServer, subscriptions, redis, url: `ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}/graphql` };
    }),
  );
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  for (const replica of replicas) {
    await replica.subscriptions.close();
    await new Promise<void>((resolve) => replica.httpServer.close(() => resolve()));
    replica.redis.disconnect();
  }
  await redisServer?.close();
});

/** A client of one replica; connection_init carries `connectionAssertion`, or a fresh one. */
function connect(replica: Replica, connectionAssertion?: string): Client {
  const client = createClient({
    url: replica.url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: async () => ({ [SUBSCRIPTION_ASSERTION_KEY]: connectionAssertion ?? (await signer.sign(AUDIENCE, null, CONNECTION_ASSERTION_BODY)) }),
  });
  clients.push(client);
  return client;
}

/** Runs the one-shot `whoami` subscription; resolves with its results or what ended it (bounded). */
function whoami(client: Client, payload: Record<string, unknown>): Promise<{ results: unknown[]; error?: unknown }> {
  const outcome: { results: unknown[]; error?: unknown } = { results: [] };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out: ${JSON.stringify(outcome)}`)), 5_000);
    const finish = () => {
      clearTimeout(timer);
      resolve(outcome);
    };
    client.subscribe(payload as never, {
      next: (result) => void outcome.results.push(result),
      error: (error) => {
        outcome.error = error;
        finish();
      },
      complete: finish,
    });
  });
}

describe('subscriptions across replicas', () => {
  it('refuses at one replica a subscribe assertion another one accepted, and runs nothing', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const payload = { query: 'subscription { whoami }' };
    const signed = { ...payload, extensions: { [SUBSCRIPTION_ASSERTION_KEY]: await signer.sign(AUDIENCE, alice, subscriptionAssertionBody(payload)) } };
    expect((await whoami(connect(a), signed)).results).toEqual([{ data: { whoami: 'customer:alice' } }]);
    const before = resolverRuns.count;
    const replay = await whoami(connect(b), signed);
    expect(replay.results).toEqual([]);
    expect(replay.error).toEqual([{ message: expect.stringContaining('replay'), extensions: { code: 'UNAUTHENTICATED' } }]);
    expect(resolverRuns.count).toBe(before);
  });

  it('refuses a connection_init assertion at a second replica with 4401', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const connectionAssertion = await signer.sign(AUDIENCE, null, CONNECTION_ASSERTION_BODY);
    const payload = { query: 'subscription { whoami }' };
    const sign = async () => ({ ...payload, extensions: { [SUBSCRIPTION_ASSERTION_KEY]: await signer.sign(AUDIENCE, null, subscriptionAssertionBody(payload)) } });
    expect((await whoami(connect(a, connectionAssertion), await sign())).results).toEqual([{ data: { whoami: 'anonymous' } }]);
    const replay = await whoami(connect(b, connectionAssertion), await sign());
    expect(replay.error).toMatchObject({ code: CLOSE_UNAUTHORIZED, reason: expect.stringContaining('replay') });
  });
});
