import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAssertionSigner, generateAssertionKeyPair } from '@tributary/http';
import { createLogger } from '@tributary/telemetry';
import { createGatewayApp, type GatewayApp } from '../src/app.ts';
import { createTokenVerifier } from '../src/auth/verify-token.ts';
import { createRateLimitRedis } from '../src/rate-limit/redis-client.ts';
import { createRedisRateLimiter } from '../src/rate-limit/redis-limiter.ts';
import { composeSupergraph } from '../src/supergraph/compose.ts';
import { freePort, redisImplementations, type TestRedis } from './support/redis-servers.ts';
import { startTinySubgraph, type TinySubgraph } from './support/tiny-subgraph.ts';

/**
 * Rate limits through the gateway's HTTP path, against the embedded Redis and a real
 * redis-server. The limiters share a frozen clock, so counts are exact however fast the machine.
 */
const FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';
const SECRET = 'rate-limit-test-secret-of-at-least-32-chars';
const T0 = 1_750_000_000_000;

let subgraph: TinySubgraph;
let supergraphSdl: string;
let signingKeyPem: string;
const verifyToken = createTokenVerifier({ key: { kind: 'secret', secret: new TextEncoder().encode(SECRET) }, issuer: 'tributary', audience: 'tributary' });

beforeAll(async () => {
  subgraph = await startTinySubgraph(`${FED}\ntype Query { ping: String }`, { Query: { ping: () => 'pong' } });
  supergraphSdl = composeSupergraph([{ name: 'tiny', url: subgraph.url, sdl: subgraph.sdl }]).supergraphSdl;
  signingKeyPem = (await generateAssertionKeyPair()).privateKeyPem;
});

afterAll(async () => {
  await subgraph?.stop();
});

function token(customerId: string): Promise<string> {
  return new SignJWT({ role: 'customer' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(customerId)
    .setIssuer('tributary')
    .setAudience('tributary')
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));
}

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/** A gateway whose limiter talks to `redisUrl` with the given key prefix and clock. */
async function startGateway(redisUrl: string, prefix: string, clock: { now: number }, timeoutMs = 2000) {
  const redis = createRateLimitRedis({ url: redisUrl });
  const rateLimiter = createRedisRateLimiter({
    redis,
    customer: { perSecond: 50, burst: 100 },
    anonymous: { perSecond: 20, burst: 20 },
    keyPrefix: prefix,
    timeoutMs,
    now: () => clock.now,
  });
  const app = createGatewayApp({
    config: { host: '127.0.0.1', port: 0, subgraphUrlOverrides: {}, readyTimeoutMs: 1000, shutdownGraceMs: 1000 },
    logger: createLogger('gateway-rate-limit-test', 'silent'),
    supergraphSdl,
    verifyToken,
    signer: await createAssertionSigner({ privateKeyPem: signingKeyPem }),
    rateLimiter,
  });
  const url = await app.start();
  // Bounded wait for the connection (no offline queue: a check before it would fail open).
  for (let i = 0; i < 100 && redis.status !== 'ready' && !redisUrl.endsWith(':0'); i += 1) await new Promise((r) => setTimeout(r, 20));
  return { app, url, metricsUrl: url.replace(/\/graphql$/, '/metrics') };
}

async function ask(url: string, customerId?: string): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (customerId) headers['authorization'] = `Bearer ${await token(customerId)}`;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query: '{ ping }' }) });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Answer['body'] };
}

/** `count` requests, 10 at a time (bounded concurrency, bounded total). */
async function flood(url: string, count: number, customerId?: string): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let sent = 0; sent < count; sent += 10) {
    answers.push(...(await Promise.all(Array.from({ length: Math.min(10, count - sent) }, () => ask(url, customerId)))));
  }
  return answers;
}

async function metric(metricsUrl: string, name: string): Promise<string[]> {
  const text = await (await fetch(metricsUrl)).text();
  return text.split('\n').filter((line) => line.startsWith(name));
}

const RATE_LIMITED = {
  errors: [{ message: expect.stringContaining('rate limit') as unknown, extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 2 } }],
};

for (const implementation of redisImplementations) {
  describe.skipIf(implementation.unavailable !== undefined)(`gateway rate limits on ${implementation.name}`, () => {
    let redisServer: TestRedis;
    const clock = { now: T0 };
    const gateways: GatewayApp[] = [];
    let replicaA: Awaited<ReturnType<typeof startGateway>>;
    let replicaB: Awaited<ReturnType<typeof startGateway>>;

    beforeAll(async () => {
      redisServer = await implementation.start();
      const prefix = `test:${randomUUID()}:`;
      replicaA = await startGateway(redisServer.url, prefix, clock);
      replicaB = await startGateway(redisServer.url, prefix, clock);
      gateways.push(replicaA.app, replicaB.app);
    });

    afterAll(async () => {
      await Promise.all(gateways.map((g) => g.stop()));
      await redisServer?.close();
    });

    it('answers a flood past the limit with 429 RATE_LIMITED and Retry-After, while another customer is served', async () => {
      const before = subgraph.received.length;
      const answers = await flood(replicaA.url, 110, 'flooder');
      const served = answers.filter((a) => a.status === 200);
      const refused = answers.filter((a) => a.status === 429);
      expect(served).toHaveLength(100);
      expect(served[0]?.body).toEqual({ data: { ping: 'pong' } });
      expect(refused).toHaveLength(10);
      for (const answer of refused) {
        expect(answer.retryAfter).toBe('2');
        expect(answer.body).toEqual(RATE_LIMITED);
      }
      // Refused operations never reached a subgraph.
      expect(subgraph.received.length - before).toBe(100);
      expect(await ask(replicaA.url, 'bystander')).toMatchObject({ status: 200, body: { data: { ping: 'pong' } } });
      expect(await metric(replicaA.metricsUrl, 'gateway_rate_limited_total{caller_kind="customer"')).toEqual([
        expect.stringMatching(/ 10$/),
      ]);
    });

    it('shares the customer limit across two gateway replicas', async () => {
      const answers = await Promise.all([flood(replicaA.url, 60, 'roamer'), flood(replicaB.url, 60, 'roamer')]);
      expect(answers.flat().filter((a) => a.status === 200)).toHaveLength(100);
      expect(answers.flat().filter((a) => a.status === 429)).toHaveLength(20);
    });

    it('limits anonymous callers per IP, and never counts customers by IP', async () => {
      const answers = await flood(replicaB.url, 25);
      expect(answers.filter((a) => a.status === 200)).toHaveLength(20);
      const refused = answers.filter((a) => a.status === 429);
      expect(refused).toHaveLength(5);
      expect(refused[0]?.retryAfter).toBe('1');
      expect(refused[0]?.body.errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
      // Same address, but authenticated: the IP limit does not apply.
      expect((await flood(replicaB.url, 30, 'office-worker')).every((a) => a.status === 200)).toBe(true);
      expect(await metric(replicaB.metricsUrl, 'gateway_rate_limited_total{caller_kind="anonymous"')).toEqual([expect.stringMatching(/ 5$/)]);
    });

    it('keeps serving when Redis stops (fail-open), counting each unchecked operation', async () => {
      const own = await implementation.start();
      const gateway = await startGateway(own.url, `test:${randomUUID()}:`, { now: T0 });
      gateways.push(gateway.app);
      expect((await ask(gateway.url, 'alice')).status).toBe(200);
      expect(await metric(gateway.metricsUrl, 'gateway_rate_limit_fail_open_total')).toEqual([expect.stringMatching(/ 0$/)]);
      await own.close();
      const answers = await flood(gateway.url, 20, 'alice');
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
      expect(await metric(gateway.metricsUrl, 'gateway_rate_limit_fail_open_total')).toEqual([expect.stringMatching(/ 20$/)]);
    });
  });
}

describe('gateway rate limits with Redis unreachable from the start', () => {
  it('serves every request and counts them as fail-open', async () => {
    const gateway = await startGateway(`redis://127.0.0.1:${await freePort()}`, 'test:closed:', { now: T0 }, 50);
    try {
      const answers = await flood(gateway.url, 30, 'alice');
      expect(answers.map((a) => a.status)).toEqual(Array(30).fill(200));
      expect(await metric(gateway.metricsUrl, 'gateway_rate_limit_fail_open_total')).toEqual([expect.stringMatching(/ 30$/)]);
    } finally {
      await gateway.app.stop();
    }
  });
});
