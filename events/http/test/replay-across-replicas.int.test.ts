import { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@tributary/contracts';
import { eventually, redisImplementations, type TestRedis } from '@tributary/testing/stack';
import { createLogger, createMetricsRegistry } from '../../telemetry/index.ts';
import {
  createAssertionSigner,
  createAssertionVerifier,
  generateAssertionKeyPair,
  UntrustedRequestError,
  type AssertionSigner,
  type AssertionVerifier,
} from '../gateway-assertion.ts';
import { createRedisReplayStore, replayRedisOptions } from '../replay-store.ts';
import { startFreezableProxy } from './freezable-proxy.ts';

// Two verifiers sharing one Redis stand for two replicas of one subgraph: an assertion is
// single-use across both. Real ioredis against the embedded Redis and (when installed) a real
// redis-server, which the tests stop, restart and stall to see the fail-open policy.

const AUDIENCE = 'probe';
const alice: Actor = { customerId: 'alice', role: 'customer' };
const FAIL_OPEN_METRIC = 'subgraph_assertion_replay_fail_open_total';

let keys: Awaited<ReturnType<typeof generateAssertionKeyPair>>;
let signer: AssertionSigner;
beforeAll(async () => {
  keys = await generateAssertionKeyPair();
  signer = await createAssertionSigner({ privateKeyPem: keys.privateKeyPem });
});

interface Replica {
  verifier: AssertionVerifier;
  redis: Redis;
  registry: Registry;
  /** Warnings the replica logged (pino JSON lines). */
  warnings: string[];
}

const connections: Redis[] = [];
afterEach(() => {
  for (const redis of connections.splice(0)) redis.disconnect();
});

/** One "replica": its own Redis connection (as the service kit opens it), store, metrics and verifier. */
async function startReplica(url: string, options: { clockToleranceSeconds?: number } = {}): Promise<Replica> {
  const redis = new Redis(url, replayRedisOptions(AUDIENCE));
  redis.on('error', () => undefined);
  connections.push(redis);
  const warnings: string[] = [];
  const logger = createLogger('replay-test', 'warn', { write: (line: string) => void warnings.push(line) });
  const store = createRedisReplayStore({ redis, subgraph: AUDIENCE, logger });
  const registry = createMetricsRegistry({ service: AUDIENCE, defaultMetrics: false });
  store.registerMetrics(registry);
  const verifier = await createAssertionVerifier({ publicKeyPem: keys.publicKeyPem, audience: AUDIENCE, replayStore: store, ...options });
  await eventually(async () => redis.status === 'ready', 5_000, 'the replica connected to Redis');
  return { verifier, redis, registry, warnings };
}

/** A plain connection for looking at the keys. */
function inspector(url: string): Redis {
  const redis = new Redis(url);
  redis.on('error', () => undefined);
  connections.push(redis);
  return redis;
}

async function failOpens(replica: Replica): Promise<number> {
  const metric = await replica.registry.getSingleMetric(FAIL_OPEN_METRIC)?.get();
  return metric?.values[0]?.value ?? 0;
}

/** A fresh signed request: body and assertion. */
async function request(by: AssertionSigner = signer, note = String(Math.random())) {
  const body = JSON.stringify({ query: '{ whoami }', variables: { note } });
  return { body, token: await by.sign(AUDIENCE, alice, body) };
}

async function expectReplay(pending: Promise<unknown>): Promise<void> {
  const error = await pending.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(UntrustedRequestError);
  expect((error as Error).message).toContain('replay');
}

const jtiOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as { jti: string }).jti;

describe.each(redisImplementations)('gateway assertions across replicas: $name', (implementation) => {
  let server: TestRedis;
  beforeAll(async () => {
    if (!implementation.unavailable) server = await implementation.start();
  });
  afterAll(async () => {
    await server?.close();
  });

  it.skipIf(implementation.unavailable)('refuses at one replica an assertion another one accepted', async () => {
    const [a, b] = await Promise.all([startReplica(server.url), startReplica(server.url)]);
    const { body, token } = await request();
    await expect(a.verifier.verify(token, body)).resolves.toEqual(alice);
    await expectReplay(b.verifier.verify(token, body));
    await expectReplay(a.verifier.verify(token, body));
    expect(await failOpens(a)).toBe(0);
    expect(await failOpens(b)).toBe(0);
  });

  it.skipIf(implementation.unavailable)('accepts different assertions at either replica, even for the same body', async () => {
    const [a, b] = await Promise.all([startReplica(server.url), startReplica(server.url)]);
    const first = await request(signer, 'same');
    const second = await request(signer, 'same');
    expect(second.body).toBe(first.body);
    expect(jtiOf(second.token)).not.toBe(jtiOf(first.token));
    await expect(a.verifier.verify(first.token, first.body)).resolves.toEqual(alice);
    await expect(b.verifier.verify(second.token, second.body)).resolves.toEqual(alice);
    const third = await request();
    await expect(a.verifier.verify(third.token, third.body)).resolves.toEqual(alice);
  });

  it.skipIf(implementation.unavailable)('lets each used id expire with its assertion, so keys do not pile up', async () => {
    const a = await startReplica(server.url, { clockToleranceSeconds: 0 });
    const redis = inspector(server.url);
    const { body, token } = await request();
    await a.verifier.verify(token, body);
    const key = `tributary:${AUDIENCE}:assertion:${jtiOf(token)}`;
    const ttl = await redis.pttl(key);
    // The signer's default lifetime is 30 s; the key lives no longer than the assertion.
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30_000);

    const shortLived = await request(await createAssertionSigner({ privateKeyPem: keys.privateKeyPem, ttlSeconds: 2 }));
    await a.verifier.verify(shortLived.token, shortLived.body);
    const shortKey = `tributary:${AUDIENCE}:assertion:${jtiOf(shortLived.token)}`;
    expect(await redis.exists(shortKey)).toBe(1);
    await eventually(async () => (await redis.exists(shortKey)) === 0, 10_000, 'the used id to expire');
  });

  it.skipIf(implementation.unavailable)('fails open while Redis is down, still refusing a replay at the same replica, and recovers', async () => {
    const [a, b] = await Promise.all([startReplica(server.url), startReplica(server.url)]);
    await server.stop();
    try {
      await eventually(async () => a.redis.status !== 'ready' && b.redis.status !== 'ready', 5_000, 'the replicas to see Redis gone');
      const { body, token } = await request();
      await expect(a.verifier.verify(token, body)).resolves.toEqual(alice);
      await expectReplay(a.verifier.verify(token, body));
      // The documented cost of failing open: another replica cannot tell during the outage.
      await expect(b.verifier.verify(token, body)).resolves.toEqual(alice);
      const next = await request();
      await expect(a.verifier.verify(next.token, next.body)).resolves.toEqual(alice);
      // Two unchecked acceptances at A (its local replay never asked Redis), one warning (rate-limited).
      expect(await failOpens(a)).toBe(2);
      expect(a.warnings).toHaveLength(1);
      expect(a.warnings[0]).toContain('assertion replay check skipped');
    } finally {
      await server.restart();
    }
    await eventually(async () => a.redis.status === 'ready' && b.redis.status === 'ready', 10_000, 'the replicas to reconnect');
    const { body, token } = await request();
    await expect(a.verifier.verify(token, body)).resolves.toEqual(alice);
    await expectReplay(b.verifier.verify(token, body));
  });

  it.skipIf(implementation.unavailable)('does not hold a request while Redis hangs: the claim times out and fails open', async () => {
    const proxy = await startFreezableProxy(server.port);
    try {
      const a = await startReplica(proxy.url);
      const b = await startReplica(server.url);
      proxy.freeze();
      const { body, token } = await request();
      await expect(a.verifier.verify(token, body)).resolves.toEqual(alice);
      expect(await failOpens(a)).toBe(1);
      await expectReplay(a.verifier.verify(token, body));
      proxy.thaw();
      // The stalled SET arrives late and still marks the id used for the other replicas.
      const redis = inspector(server.url);
      await eventually(async () => (await redis.exists(`tributary:${AUDIENCE}:assertion:${jtiOf(token)}`)) === 1, 5_000, 'the late claim to land');
      await expectReplay(b.verifier.verify(token, body));
    } finally {
      await proxy.close();
    }
  });
});
