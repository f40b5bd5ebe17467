/**
 * The arithmetic of a sliding-window counter, kept pure so it can be checked with an injected
 * clock. Two fixed windows are counted in Redis (the current one and the one before it); the
 * rate over the last `windowMs` is estimated by weighting the previous window's count by the
 * part of it that still overlaps the sliding window. This needs only INCR/PEXPIRE/GET, so it
 * works on the embedded Redis (no Lua) as on a real one, and it is what several gateway
 * replicas can share without coordinating.
 */

/** A limit as operators state it: a steady rate and the burst a caller may spend at once. */
export interface RateLimitRule {
  perSecond: number;
  burst: number;
}

/** A rule turned into a window: at most `limit` operations in any `windowMs`. */
export interface WindowLimit {
  limit: number;
  windowMs: number;
}

/**
 * A burst of B at a steady rate R becomes B operations per B/R seconds: a caller may spend B
 * at once, then the weighted previous window frees room at R per second. With B = R this is
 * the plain "R per second".
 */
export function windowFor(rule: RateLimitRule): WindowLimit {
  const burst = Math.max(rule.burst, rule.perSecond);
  return { limit: burst, windowMs: Math.max(1, Math.round((burst / rule.perSecond) * 1000)) };
}

export interface WindowPosition {
  /** Index of the fixed window that contains `now` (part of the Redis key). */
  index: number;
  /** Milliseconds of the current window already elapsed, in [0, windowMs). */
  elapsedMs: number;
}

export function positionAt(nowMs: number, windowMs: number): WindowPosition {
  const index = Math.floor(nowMs / windowMs);
  return { index, elapsedMs: nowMs - index * windowMs };
}

export interface WindowCounts {
  /** Operations counted in the previous fixed window. */
  previous: number;
  /** Operations counted in the current fixed window, including the one being decided. */
  current: number;
}

/**
 * The estimated number of operations in the sliding window of windowMs milliseconds that ends
 * with the current one, scaled by windowMs: integers compare exactly where floating-point weights
 * would make a boundary case flaky. That window overlaps the previous fixed window by
 * windowMs - 1 - elapsedMs milliseconds (the current millisecond belongs to the current window).
 */
function scaledEstimate(counts: WindowCounts, elapsedMs: number, windowMs: number): number {
  return counts.previous * (windowMs - 1 - elapsedMs) + counts.current * windowMs;
}

export type WindowVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Decides the operation already counted in `counts.current`. The estimate is rounded down (an
 * estimate of 100.4 is 100): it is an interpolation, and a caller steadily at exactly the rate
 * would otherwise be refused now and then by the rounding alone.
 */
export function decide(counts: WindowCounts, position: WindowPosition, window: WindowLimit): WindowVerdict {
  if (fits(counts, position.elapsedMs, window)) return { allowed: true };
  // A refused operation is taken back by the caller, so the wait is computed for those that were
  // admitted: how long until one more fits. Concurrent refusals not yet taken back inflate the
  // count, but no more than `limit` can have been admitted in this window.
  const admitted = Math.min(counts.current - 1, window.limit);
  return { allowed: false, retryAfterMs: waitForRoom({ previous: counts.previous, current: admitted }, position, window) };
}

function fits(counts: WindowCounts, elapsedMs: number, window: WindowLimit): boolean {
  return scaledEstimate(counts, elapsedMs, window.windowMs) < (window.limit + 1) * window.windowMs;
}

/** Milliseconds until `admitted` plus one more operation fit under the limit. */
export function waitForRoom(admitted: WindowCounts, position: WindowPosition, window: WindowLimit): number {
  const { limit, windowMs } = window;
  const withOneMore = admitted.current + 1;
  if (withOneMore <= limit) {
    // Fits within this window once enough of the previous window has slid out of it:
    // previous * (windowMs - 1 - e) < (limit + 1 - withOneMore) * windowMs.
    if (admitted.previous <= 0) return 0;
    const elapsedNeededMs = windowMs - 1 - Math.floor(((limit + 1 - withOneMore) * windowMs - 1) / admitted.previous);
    return Math.max(0, elapsedNeededMs - position.elapsedMs);
  }
  // This window is full: the next one starts with this window's count as its "previous", and
  // one more fits once current * (windowMs - 1 - e) < limit * windowMs.
  const untilNextWindowMs = windowMs - position.elapsedMs;
  const elapsedNeededMs = Math.max(0, windowMs - 1 - Math.floor((limit * windowMs - 1) / admitted.current));
  return untilNextWindowMs + elapsedNeededMs;
}

/** Retry-After is whole seconds (RFC 9110); never 0, or a client would retry at once. */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}
