import { Counter, type Registry } from 'prom-client';
import type { Logger } from '@tributary/telemetry';

/**
 * Where a subgraph remembers the gateway assertions it accepted (their `jti`), so that each is
 * used once (see gateway-assertion.ts). A process always checks its own memory first (free, and
 * enough for one replica); with several replicas of a subgraph the service kit adds a shared
 * store (Redis, REDIS_URL), so an assertion captured on its way to one replica cannot be
 * replayed once at another within its lifetime.
 */
export interface ReplayStore {
  /** True the first time `jti` is claimed; false while an earlier claim has not expired. */
  claimOnce(jti: string, expiresAtMs: number): Promise<boolean>;
}

/** The process's own memory of accepted ids: the default, and the first filter in front of a shared store. */
export function createMemoryReplayStore(options: { limit?: number; now?: () => number } = {}): ReplayStore {
  const cache = new ReplayCache(options.limit ?? 200_000);
  const now = options.now ?? Date.now;
  return { claimOnce: async (jti, expiresAtMs) => cache.add(jti, expiresAtMs, now()) };
}

/** Ids of accepted assertions until they expire; a Map keeps insertion (≈ expiry) order. */
class ReplayCache {
  private readonly expiries = new Map<string, number>();
  constructor(private readonly limit: number) {}

  /** False when the id was already accepted and has not expired. */
  add(id: string, expiresAtMs: number, nowMs: number): boolean {
    const known = this.expiries.get(id);
    if (known !== undefined && known > nowMs) return false;
    this.expiries.set(id, expiresAtMs);
    if (this.expiries.size > this.limit) {
      for (const [oldId, expiry] of this.expiries) {
        if (this.expiries.size <= this.limit && expiry > nowMs) break;
        this.expiries.delete(oldId);
      }
    }
    return true;
  }
}

/**
 * The one Redis command the shared store sends. ioredis' client fits it as is; the service kit
 * passes its connection in, so this package does not depend on ioredis.
 */
export interface ReplayRedis {
  set(key: string, value: string, px: 'PX', milliseconds: number, nx: 'NX'): Promise<'OK' | null>;
}

/**
 * ioredis options for the store's connection (the service kit passes them to `new Redis`): fail
 * fast rather than queue, so a claim during an outage costs nothing but the fail-open: no
 * offline queue, no command retried across reconnects, reconnects in the background.
 */
export function replayRedisOptions(subgraph: string) {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    // Capped backoff: a Redis that comes back is used again within a second.
    retryStrategy: (attempt: number) => Math.min(50 * attempt, 1_000),
    autoResubscribe: false,
    connectionName: `tributary-${subgraph}-assertions`,
  };
}

export interface RedisReplayStoreOptions {
  /** A connection that fails fast while Redis is away (no offline queue, no retried commands). */
  redis: ReplayRedis;
  /** The subgraph's name: keys are `tributary:<subgraph>:assertion:<jti>`. */
  subgraph: string;
  logger: Logger;
  /** A claim Redis has not answered within this counts as failed (default 200 ms). */
  timeoutMs?: number;
  /** At most one fail-open warning per this many ms (default 10 s). */
  warnIntervalMs?: number;
  now?: () => number;
}

export interface RedisReplayStore extends ReplayStore {
  /** Registers the fail-open counter on the service's registry (it exists only after the verifier). */
  registerMetrics(registry: Registry): void;
}

export const DEFAULT_CLAIM_TIMEOUT_MS = 200;
const DEFAULT_WARN_INTERVAL_MS = 10_000;

/**
 * Claims each id once across every replica: `SET tributary:<subgraph>:assertion:<jti> 1 PX <ttl> NX`.
 * The key expires with the assertion, so used ids never pile up. PX (relative, from this
 * process's clock, the one that judged the assertion valid) rather than PXAT: Redis' own clock
 * then does not matter.
 *
 * Failure policy: FAIL OPEN. When Redis errors or does not answer within `timeoutMs`, the claim
 * succeeds, with a counter (subgraph_assertion_replay_fail_open_total) and a rate-limited
 * warning. Failing closed would turn a Redis outage into the whole graph answering 401; failing
 * open only reopens cross-replica replay during the outage, for assertions that are still
 * signed, body-bound and at most ~30 s old, while the caller's memory check in front (see
 * gateway-assertion.ts) keeps refusing replays at the same replica. Same policy as the
 * gateway's rate limiter.
 */
export function createRedisReplayStore(options: RedisReplayStoreOptions): RedisReplayStore {
  const { redis } = options;
  const prefix = `tributary:${options.subgraph}:assertion:`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS;
  const warnIntervalMs = options.warnIntervalMs ?? DEFAULT_WARN_INTERVAL_MS;
  const now = options.now ?? Date.now;
  // Not registered anywhere yet: the service's registry is created after the verifier.
  const failOpen = new Counter({
    name: 'subgraph_assertion_replay_fail_open_total',
    help: 'Gateway assertions accepted without the cross-replica replay check because its Redis failed or was too slow.',
    registers: [],
  });
  let lastWarning = -Infinity;
  let unreported = 0;

  return {
    async claimOnce(jti, expiresAtMs) {
      // At least 1 ms: Redis refuses PX 0, and a valid assertion always gets its key.
      const ttlMs = Math.max(1, Math.ceil(expiresAtMs - now()));
      try {
        return (await within(redis.set(prefix + jti, '1', 'PX', ttlMs, 'NX'), timeoutMs)) === 'OK';
      } catch (error) {
        failOpen.inc();
        unreported += 1;
        if (now() - lastWarning >= warnIntervalMs) {
          lastWarning = now();
          options.logger.warn(
            { err: error, acceptedUnchecked: unreported },
            'assertion replay check skipped: its Redis failed; assertions are single-use per replica only until it is back',
          );
          unreported = 0;
        }
        return true;
      }
    },
    registerMetrics(registry) {
      registry.registerMetric(failOpen);
    },
  };
}

/** Rejects after `ms` unless `work` settles first; the timer never keeps the process alive. */
async function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
