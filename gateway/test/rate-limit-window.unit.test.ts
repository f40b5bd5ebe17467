import { describe, expect, it } from 'vitest';
import { addressKey, rateLimitCallerOf } from '../src/rate-limit/caller.ts';
import { decide, positionAt, retryAfterSeconds, windowFor, type RateLimitRule } from '../src/rate-limit/sliding-window.ts';

/**
 * The window arithmetic against an injected clock: an in-memory stand-in for the two Redis
 * counters (INCR current, GET previous, DECR on refusal), stepped through time exactly.
 */
function simulatedLimiter(rule: RateLimitRule) {
  const window = windowFor(rule);
  const counts = new Map<number, number>();
  return (nowMs: number) => {
    const position = positionAt(nowMs, window.windowMs);
    const current = (counts.get(position.index) ?? 0) + 1;
    counts.set(position.index, current);
    const verdict = decide({ previous: counts.get(position.index - 1) ?? 0, current }, position, window);
    if (!verdict.allowed) counts.set(position.index, current - 1);
    return verdict;
  };
}

/** Sends at `perSecond` (evenly spaced) from `fromMs` for `seconds`; counts what was served. */
function steady(check: ReturnType<typeof simulatedLimiter>, fromMs: number, perSecond: number, seconds: number) {
  let served = 0;
  const total = Math.round(perSecond * seconds);
  for (let i = 0; i < total; i += 1) if (check(fromMs + Math.floor((i * 1000) / perSecond)).allowed) served += 1;
  return { served, total };
}

const CUSTOMER = { perSecond: 50, burst: 100 };
// An arbitrary epoch, aligned to the 2 s customer window so "start of a window" is exact.
const T0 = 1_750_000_000_000;

describe('sliding window arithmetic', () => {
  it('turns rate and burst into one window: burst operations per burst/rate seconds', () => {
    expect(windowFor(CUSTOMER)).toEqual({ limit: 100, windowMs: 2000 });
    expect(windowFor({ perSecond: 20, burst: 20 })).toEqual({ limit: 20, windowMs: 1000 });
    // A burst below the rate would make the rate unreachable; the rate wins.
    expect(windowFor({ perSecond: 20, burst: 5 })).toEqual({ limit: 20, windowMs: 1000 });
    expect(positionAt(T0 + 2500, 2000)).toEqual({ index: T0 / 2000 + 1, elapsedMs: 500 });
  });

  it('serves a burst of 100 at once, refuses the 101st, and tells how long to wait', () => {
    const check = simulatedLimiter(CUSTOMER);
    const burst = Array.from({ length: 100 }, () => check(T0).allowed);
    expect(burst.every(Boolean)).toBe(true);
    const refused = check(T0);
    // At most 100 in any 2000 ms: the next one fits when the burst's millisecond has slid out.
    expect(refused).toEqual({ allowed: false, retryAfterMs: 2000 });
    if (refused.allowed) return;
    expect(retryAfterSeconds(refused.retryAfterMs)).toBe(2);
    // Refusals do not stay counted, so the wait told is the wait needed: not a ms less.
    for (let i = 0; i < 50; i += 1) expect(check(T0 + 1000).allowed).toBe(false);
    expect(check(T0 + 1999).allowed).toBe(false);
    expect(check(T0 + 2000).allowed).toBe(true);
  });

  it('does not let a burst at the end of one fixed window buy another at the start of the next', () => {
    const check = simulatedLimiter(CUSTOMER);
    for (let i = 0; i < 100; i += 1) expect(check(T0 + 1990).allowed).toBe(true);
    // 20 ms later the fixed window changed, but the sliding window still holds the burst (as if
    // spread over the previous window: 99.45 of it, so one more fits, not five).
    expect(Array.from({ length: 5 }, () => check(T0 + 2010).allowed).filter(Boolean)).toHaveLength(1);
    // Half a window later, half the burst has slid out.
    expect(Array.from({ length: 60 }, () => check(T0 + 3000).allowed).filter(Boolean)).toHaveLength(50);
  });

  it('does not let concurrent refusals (not yet taken back) inflate the wait', () => {
    const window = windowFor(CUSTOMER);
    const position = positionAt(T0 + 500, window.windowMs);
    const alone = decide({ previous: 0, current: 101 }, position, window);
    expect(alone).toEqual({ allowed: false, retryAfterMs: 1500 });
    expect(decide({ previous: 0, current: 140 }, position, window)).toEqual(alone);
  });

  it('after the burst, sustains exactly the steady rate and no more', () => {
    const check = simulatedLimiter(CUSTOMER);
    for (let i = 0; i < 100; i += 1) check(T0);
    // At the rate, from the moment the Retry-After ends: every operation served for 10 s.
    expect(steady(check, T0 + 2020, 50, 10)).toEqual({ served: 500, total: 500 });
    // At twice the rate: about the rate is served (the sliding estimate may be off by one or two).
    const flood = steady(check, T0 + 12_100, 100, 10);
    expect(flood.served).toBeGreaterThanOrEqual(490);
    expect(flood.served).toBeLessThanOrEqual(510);
  });

  it('never serves more than the burst within any one window length', () => {
    const check = simulatedLimiter(CUSTOMER);
    const servedAt: number[] = [];
    // A bursty client: 30 operations at once every 250 ms for 20 s, the window's phase varying.
    for (let t = T0 + 137; t < T0 + 20_137; t += 250) for (let i = 0; i < 30; i += 1) if (check(t).allowed) servedAt.push(t);
    let maxInWindow = 0;
    for (let i = 0, j = 0; i < servedAt.length; i += 1) {
      while ((servedAt[i] as number) - (servedAt[j] as number) >= 2000) j += 1;
      maxInWindow = Math.max(maxInWindow, i - j + 1);
    }
    // The two-window estimate allows a small overshoot at most (it assumes an even spread).
    expect(maxInWindow).toBeLessThanOrEqual(110);
    expect(servedAt.length).toBeGreaterThan(50 * 20 * 0.9);
    expect(servedAt.length).toBeLessThanOrEqual(50 * 20 + 100);
  });

  it('limits anonymous callers to their per-second rate', () => {
    const check = simulatedLimiter({ perSecond: 20, burst: 20 });
    const served = Array.from({ length: 30 }, () => check(T0 + 10)).filter((v) => v.allowed).length;
    expect(served).toBe(20);
    // The previous window counts as if spread evenly over it: from the next window on, room
    // frees at the rate (a burst late in a window is thus forgiven a little early).
    expect(check(T0 + 500)).toEqual({ allowed: false, retryAfterMs: 500 });
    expect(check(T0 + 999).allowed).toBe(false);
    expect(check(T0 + 1000).allowed).toBe(true);
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(0)).toBe(1);
  });
});

describe('rate-limit caller', () => {
  it('counts a customer by subject and an anonymous caller by address', () => {
    expect(rateLimitCallerOf({ customerId: 'c-1', role: 'customer' }, '10.0.0.1')).toEqual({ kind: 'customer', customerId: 'c-1' });
    expect(rateLimitCallerOf(undefined, '10.0.0.1')).toEqual({ kind: 'anonymous', ip: '10.0.0.1' });
  });

  it('normalises addresses: IPv4-mapped as IPv4, IPv6 by its /64', () => {
    expect(addressKey('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(addressKey('2001:db8:0:1:aaaa::1')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:DB8:0000:0001:bbbb:cccc:dddd:eeee')).toBe('2001:db8:0:1::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey(undefined)).toBe('unknown');
  });
});
