import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '@tributary/telemetry';
import type { RateLimitCaller, RateLimitDecision, RateLimiter } from './redis-limiter.ts';

/** Decides whether one operation (an HTTP operation or a subscription start) may run. */
export type RateLimitGuard = (caller: RateLimitCaller) => Promise<RateLimitDecision>;

export interface RateLimitGuardDeps {
  limiter: RateLimiter;
  /** The gateway's registry; the counters are registered on it. */
  metrics: Registry;
  logger: Logger;
  /** At most one fail-open warning per this many ms (an outage must not flood the log). */
  warnEveryMs?: number;
  now?: () => number;
}

/**
 * Wraps the limiter with the gateway's policy: fail-open when Redis is down or slow (the stack
 * keeps serving; a counter and a throttled warning say limits are not enforced), and a counter
 * of refusals by caller kind.
 */
export function createRateLimitGuard(deps: RateLimitGuardDeps): RateLimitGuard {
  const now = deps.now ?? Date.now;
  const warnEveryMs = deps.warnEveryMs ?? 10_000;
  const limited = new Counter({
    name: 'gateway_rate_limited_total',
    help: 'Operations refused with RATE_LIMITED, by caller kind (customer or anonymous).',
    labelNames: ['caller_kind'],
    registers: [deps.metrics],
  });
  const failOpen = new Counter({
    name: 'gateway_rate_limit_fail_open_total',
    help: 'Operations let through unchecked because the rate-limit store failed or was too slow.',
    registers: [deps.metrics],
  });
  let lastWarnAt = -Infinity;
  let unreported = 0;

  return async (caller) => {
    try {
      const decision = await deps.limiter.check(caller);
      if (!decision.allowed) limited.inc({ caller_kind: caller.kind });
      return decision;
    } catch (error) {
      failOpen.inc();
      unreported += 1;
      if (now() - lastWarnAt >= warnEveryMs) {
        deps.logger.warn({ err: error, skippedChecks: unreported }, 'rate limits not enforced: the rate-limit store failed, operations are let through');
        lastWarnAt = now();
        unreported = 0;
      }
      return { allowed: true };
    }
  };
}

/**
 * The refusal as a GraphQL error: HTTP 429 with Retry-After when Apollo renders it, and the
 * same code and wait in `extensions` for transports without headers (graphql-ws).
 */
export function rateLimitedError(retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(`rate limit exceeded; retry after ${retryAfterSeconds} s`, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfterSeconds,
      http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
    },
  });
}
