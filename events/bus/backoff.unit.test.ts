import { describe, expect, it } from 'vitest';
import { backoffDelay, sleep } from './backoff.ts';

const policy = { initialDelayMs: 100, maxDelayMs: 1_000 };

describe('backoffDelay (exponential, full jitter)', () => {
  it('stays within [0, min(max, initial * 2^(n-1))) for every attempt', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let failures = 1; failures <= 12; failures++) {
      const ceiling = Math.min(1_000, 100 * 2 ** (failures - 1));
      for (let i = 0; i < 200; i++) {
        const delay = backoffDelay(failures, policy, random);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
  });

  it('grows exponentially until the cap (random at its top)', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, top))).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('is jittered: the same attempt gives different delays', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(4, policy)));
    expect(delays.size).toBeGreaterThan(10);
  });

  it('does not overflow for huge attempt counts', () => {
    expect(backoffDelay(10_000, policy, () => 0.5)).toBe(500);
  });
});

describe('sleep', () => {
  it('returns early when aborted', async () => {
    const controller = new AbortController();
    const startedAt = Date.now();
    setTimeout(() => controller.abort(), 10);
    await sleep(5_000, controller.signal);
    expect(Date.now() - startedAt).toBeLessThan(1_000);
  });
});
