import { Redis } from 'ioredis';

export interface RateLimitRedisOptions {
  /** redis:// or rediss:// URL (REDIS_URL). */
  url: string;
  /** Called with connection errors; ioredis prints "Unhandled error event" without a listener. */
  onError?: (error: Error) => void;
  connectTimeoutMs?: number;
}

/**
 * A connection for rate-limit commands only. It is tuned to fail fast rather than wait: with no
 * offline queue a command sent while disconnected rejects at once, and no command is retried
 * across reconnects, so a Redis outage costs a request nothing but a skipped check (fail-open).
 * ioredis keeps reconnecting in the background; checks resume when Redis is back.
 */
export function createRateLimitRedis(options: RateLimitRedisOptions): Redis {
  const redis = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: options.connectTimeoutMs ?? 1000,
    // Capped backoff: a Redis that comes back is used again within a second.
    retryStrategy: (attempt) => Math.min(50 * attempt, 1000),
    // Never a subscriber; nothing to restore after a reconnect.
    autoResubscribe: false,
    connectionName: 'tributary-gateway-ratelimit',
  });
  redis.on('error', (error: Error) => options.onError?.(error));
  return redis;
}
