import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimitRedis } from '../src/rate-limit/redis-client.ts';
import { createRedisRateLimiter, RateLimitUnavailableError, type RateLimitCaller, type RateLimiter } from '../src/rate-limit/redis-limiter.ts';
import { freePort, redisImplementations, startSilentServer, type TestRedis } from './support/redis-servers.ts';

/**
 * The limiter's contract, run against the embedded Redis and a real redis-server: real ioredis,
 * real servers on 127.0.0.1, an injected clock so windows are stepped exactly.
 */
const CUSTOMER_RULE = { perSecond: 50, burst: 100 };
const ANONYMOUS_RULE = { perSecond: 20, burst: 20 };
const T0 = 1_750_000_000_000; // aligned to both windows (2 s and 1 s)
const alice: RateLimitCaller = { kind: 'customer', customerId: 'alice' };
const bob: RateLimitCaller = { kind: 'customer', customerId: 'bob' };

/** Resolves once the client is ready (no offline queue: commands before that would fail). */
async function ready(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis not ready within 5 s (status ${redis.status})`)), 5000);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const opened: RateLimiter[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((limiter) => limiter.close()));
});

async function limiterOn(url: string, options: { prefix: string; clock?: { now: number }; timeoutMs?: number; waitReady?: boolean }) {
  const redis = createRateLimitRedis({ url });
  const limiter = createRedisRateLimiter({
    redis,
    customer: CUSTOMER_RULE,
    anonymous: ANONYMOUS_RULE,
    keyPrefix: options.prefix,
    // Generous, so a busy test machine does not turn a check into a (fail-open) timeout.
    timeoutMs: options.timeoutMs ?? 2000,
    now: options.clock ? () => (options.clock as { now: number }).now : Date.now,
  });
  opened.push(limiter);
  if (options.waitReady !== false) await ready(redis);
  return limiter;
}

async function countAllowed(limiter: RateLimiter, caller: RateLimitCaller, times: number): Promise<number> {
  let allowed = 0;
  for (let i = 0; i < times; i += 1) if ((await limiter.check(caller)).allowed) allowed += 1;
  return allowed;
}

for (const implementation of redisImplementations) {
  describe.skipIf(implementation.unavailable !== undefined)(`rate limiter on ${implementation.name}`, () => {
    let server: TestRedis;
    let inspector: Redis;

    beforeAll(async () => {
      server = await implementation.start();
      inspector = new Redis(server.url, { maxRetriesPerRequest: 1 });
    });

    afterAll(async () => {
      inspector?.disconnect();
      await server?.close();
    });

    it('serves a burst, refuses past it with a Retry-After, and serves another customer meanwhile', async () => {
      const prefix = `test:${randomUUID()}:`;
      const clock = { now: T0 };
      const limiter = await limiterOn(server.url, { prefix, clock });
      expect(await countAllowed(limiter, alice, 100)).toBe(100);
      expect(await limiter.check(alice)).toEqual({ allowed: false, retryAfterSeconds: 2 });
      expect(await limiter.check(bob)).toEqual({ allowed: true });
      // Counters live under the prefix, both windows of a caller in one hash slot, with a TTL.
      const keys = (await inspector.keys(`${prefix}*`)).sort();
      expect(keys).toEqual([`${prefix}{customer:alice}:${T0 / 2000}`, `${prefix}{customer:bob}:${T0 / 2000}`]);
      expect(await inspector.get(keys[0] as string)).toBe('100'); // the refusal was taken back
      const ttl = await inspector.pttl(keys[0] as string);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(5000);
    });

    it('after the burst, sustains the steady rate: waiting as told gets served', async () => {
      const clock = { now: T0 };
      const limiter = await limiterOn(server.url, { prefix: `test:${randomUUID()}:`, clock });
      expect(await countAllowed(limiter, alice, 100)).toBe(100);
      const refused = await limiter.check(alice);
      expect(refused.allowed).toBe(false);
      if (refused.allowed) return;
      clock.now += refused.retryAfterSeconds * 1000;
      // 50/s for 4 s, evenly spaced: every one served.
      let served = 0;
      for (let i = 0; i < 200; i += 1, clock.now += 20) if ((await limiter.check(alice)).allowed) served += 1;
      expect(served).toBe(200);
      // 100/s for 2 s: about half refused.
      served = 0;
      for (let i = 0; i < 200; i += 1, clock.now += 10) if ((await limiter.check(alice)).allowed) served += 1;
      expect(served).toBeGreaterThanOrEqual(95);
      expect(served).toBeLessThanOrEqual(105);
    });

    it('remembers the previous window: a burst late in one window leaves no room early in the next', async () => {
      const clock = { now: T0 + 1990 };
      const limiter = await limiterOn(server.url, { prefix: `test:${randomUUID()}:`, clock });
      expect(await countAllowed(limiter, alice, 100)).toBe(100);
      // The fixed window changed 20 ms ago; the sliding one still holds the burst (one more fits).
      clock.now = T0 + 2010;
      expect(await countAllowed(limiter, alice, 5)).toBe(1);
      clock.now = T0 + 3000;
      expect(await countAllowed(limiter, alice, 60)).toBe(50);
    });

    it('limits anonymous callers per IP, and apart from customers', async () => {
      const clock = { now: T0 + 10 };
      const limiter = await limiterOn(server.url, { prefix: `test:${randomUUID()}:`, clock });
      const ip = (address: string): RateLimitCaller => ({ kind: 'anonymous', ip: address });
      expect(await countAllowed(limiter, ip('10.0.0.1'), 25)).toBe(20);
      expect(await limiter.check(ip('10.0.0.1'))).toEqual({ allowed: false, retryAfterSeconds: 1 });
      expect(await limiter.check(ip('10.0.0.2'))).toEqual({ allowed: true });
      // A customer whose id happens to equal the address is another counter.
      expect(await limiter.check({ kind: 'customer', customerId: '10.0.0.1' })).toEqual({ allowed: true });
      clock.now += 1000;
      expect(await limiter.check(ip('10.0.0.1'))).toEqual({ allowed: true });
    });

    it('shares the limit between two replicas on the same Redis, also when checks race', async () => {
      const prefix = `test:${randomUUID()}:`;
      const clock = { now: T0 };
      const [replicaA, replicaB] = await Promise.all([limiterOn(server.url, { prefix, clock }), limiterOn(server.url, { prefix, clock })]);
      const checks = Array.from({ length: 150 }, (_, i) => (i % 2 === 0 ? replicaA : replicaB).check(alice));
      const decisions = await Promise.all(checks);
      expect(decisions.filter((d) => d.allowed)).toHaveLength(100);
      expect(await replicaA.check(alice)).toMatchObject({ allowed: false });
      expect(await replicaB.check(alice)).toMatchObject({ allowed: false });
    });

    it('rejects promptly once Redis is gone, and checks again once it is back', async () => {
      const own = await implementation.start();
      const limiter = await limiterOn(own.url, { prefix: `test:${randomUUID()}:` });
      expect(await limiter.check(alice)).toEqual({ allowed: true });
      await own.close();
      const started = Date.now();
      await expect(limiter.check(alice)).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(2500);
    });
  });
}

for (const implementation of redisImplementations) {
  if (implementation.unavailable !== undefined) console.warn(`[rate limiter] ${implementation.name} skipped: ${implementation.unavailable}`);
}

describe('rate limiter without a usable Redis', () => {
  it('rejects at once when nothing listens on the port', async () => {
    const limiter = await limiterOn(`redis://127.0.0.1:${await freePort()}`, { prefix: 'test:closed:', waitReady: false });
    const started = Date.now();
    await expect(limiter.check(alice)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('gives up after its timeout when Redis accepts but does not answer', async () => {
    const silent = await startSilentServer();
    try {
      // Without the ready check ioredis sends commands as soon as the socket connects: the
      // transaction is written and never answered, which only the limiter's timeout bounds.
      const redis = new Redis(silent.url, { enableOfflineQueue: true, enableReadyCheck: false, maxRetriesPerRequest: 0 });
      const limiter = createRedisRateLimiter({ redis, customer: CUSTOMER_RULE, anonymous: ANONYMOUS_RULE, timeoutMs: 50 });
      opened.push(limiter);
      const started = Date.now();
      await expect(limiter.check(alice)).rejects.toBeInstanceOf(RateLimitUnavailableError);
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(45);
      expect(took).toBeLessThan(1000);
    } finally {
      await Promise.all(opened.splice(0).map((limiter) => limiter.close()));
      await silent.close();
    }
  });
});
