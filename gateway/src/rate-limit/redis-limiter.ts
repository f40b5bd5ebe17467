import type { Redis } from 'ioredis';
import { decide, positionAt, retryAfterSeconds, windowFor, type RateLimitRule, type WindowLimit } from './sliding-window.ts';

/** Who is counted: a customer (JWT subject) or, for an anonymous caller, its network address. */
export type RateLimitCaller = { kind: 'customer'; customerId: string } | { kind: 'anonymous'; ip: string };

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** The limiter the gateway consults; shared by HTTP operations and (later) subscription starts. */
export interface RateLimiter {
  /** Counts one operation for the caller and decides it. Rejects when Redis fails or is slow. */
  check(caller: RateLimitCaller): Promise<RateLimitDecision>;
  /** Closes the Redis connection the limiter was given. */
  close(): Promise<void>;
}

export interface RedisRateLimiterOptions {
  /** A connection used only for rate limiting (never a subscriber connection). */
  redis: Redis;
  customer: RateLimitRule;
  anonymous: RateLimitRule;
  /** Every key starts with it, so limits never collide with other data in a shared Redis. */
  keyPrefix?: string;
  /** Upper bound on one check; past it the check rejects and the caller fails open. */
  timeoutMs?: number;
  /** ms since the epoch; injectable so tests can step through windows. */
  now?: () => number;
}

export const DEFAULT_KEY_PREFIX = 'tributary:ratelimit:';
export const DEFAULT_CHECK_TIMEOUT_MS = 50;

export class RateLimitUnavailableError extends Error {
  override name = 'RateLimitUnavailableError';
}

/** Rejects after `ms` unless `work` settles first; the timer never keeps the process alive. */
async function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new RateLimitUnavailableError(`rate-limit check took longer than ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function subjectOf(caller: RateLimitCaller): string {
  return caller.kind === 'customer' ? `customer:${caller.customerId}` : `ip:${caller.ip}`;
}

/**
 * A sliding-window limiter over Redis, one round trip per check: MULTI { INCR current window,
 * PEXPIRE it, GET previous window } EXEC. Keys carry a hash tag ({...}) so both windows of a
 * caller land in one slot of a Redis Cluster.
 */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const { redis } = options;
  const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const windows: Record<RateLimitCaller['kind'], WindowLimit> = {
    customer: windowFor(options.customer),
    anonymous: windowFor(options.anonymous),
  };

  async function count(caller: RateLimitCaller): Promise<RateLimitDecision> {
    const window = windows[caller.kind];
    const position = positionAt(now(), window.windowMs);
    const base = `${prefix}{${subjectOf(caller)}}:`;
    const currentKey = base + String(position.index);
    // The current window is read again as "previous" during the next one, so it must outlive
    // both; the extra second absorbs clock skew between replicas.
    const ttlMs = 2 * window.windowMs + 1000;
    const replies = await redis.multi().incr(currentKey).pexpire(currentKey, ttlMs).get(base + String(position.index - 1)).exec();
    if (!replies) throw new RateLimitUnavailableError('rate-limit transaction was aborted');
    for (const [error] of replies) if (error) throw error;
    const current = Number(replies[0]?.[1]);
    const previous = Number(replies[2]?.[1] ?? 0);
    const verdict = decide({ previous, current }, position, window);
    if (verdict.allowed) return { allowed: true };
    // A refused operation gives its slot back, so the count (and Retry-After) reflects what was
    // served: a client that waits as told is served. Not awaited: the answer does not depend on it.
    redis.decr(currentKey).catch(() => undefined);
    return { allowed: false, retryAfterSeconds: retryAfterSeconds(verdict.retryAfterMs) };
  }

  return {
    check: (caller) => within(count(caller), timeoutMs),
    async close() {
      // QUIT lets pending replies arrive, but never answers from a dead server: bound it, then
      // disconnect, which also stops ioredis from reconnecting.
      await within(redis.quit(), 1000).catch(() => undefined);
      redis.disconnect();
    },
  };
}
