import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE, retryDelayMs } from '../../src/charging/retry-schedule.ts';

describe('retryDelayMs', () => {
  it('doubles from 200 ms, with half of each delay random', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, DEFAULT_RETRY_SCHEDULE, () => 0))).toEqual([100, 200, 400, 800]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, DEFAULT_RETRY_SCHEDULE, () => 1))).toEqual([200, 400, 800, 1600]);
  });

  it('never exceeds 30 s, however many failures', () => {
    expect(retryDelayMs(50, DEFAULT_RETRY_SCHEDULE, () => 1)).toBe(30_000);
    expect(retryDelayMs(1_000, DEFAULT_RETRY_SCHEDULE, () => 0)).toBe(15_000);
  });
});
