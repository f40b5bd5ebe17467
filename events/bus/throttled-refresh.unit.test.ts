import { describe, expect, it } from 'vitest';
import { createThrottledRefresh } from './throttled-refresh.ts';

function counter(work: () => Promise<void> = async () => undefined) {
  let clock = 0;
  let calls = 0;
  const throttled = createThrottledRefresh({
    refresh: async () => {
      calls += 1;
      await work();
    },
    minIntervalMs: 1_000,
    maxWaitMs: 20,
    now: () => clock,
  });
  return { throttled, calls: () => calls, advance: (ms: number) => (clock += ms) };
}

describe('createThrottledRefresh', () => {
  it('refreshes at most once per interval, unless forced', async () => {
    const { throttled, calls, advance } = counter();
    await throttled.run();
    await throttled.run();
    expect(calls()).toBe(1);
    advance(999);
    await throttled.run();
    expect(calls()).toBe(1);
    await throttled.run(true);
    expect(calls()).toBe(2);
    advance(1_000);
    await throttled.run();
    expect(calls()).toBe(3);
  });

  it('joins a refresh in flight instead of starting another', async () => {
    let release!: () => void;
    const { throttled, calls } = counter(() => new Promise<void>((resolve) => (release = resolve)));
    const first = throttled.run();
    const second = throttled.run(true);
    release();
    await Promise.all([first, second]);
    expect(calls()).toBe(1);
  });

  it('never throws, and a bounded run gives up waiting on a slow refresh', async () => {
    const failing = createThrottledRefresh({ refresh: () => Promise.reject(new Error('down')), minIntervalMs: 0, maxWaitMs: 10 });
    await expect(failing.run()).resolves.toBeUndefined();
    // Would hang (and time out) if the scrape waited for a refresh that never ends.
    const slow = counter(() => new Promise<void>(() => undefined));
    await slow.throttled.runBounded();
    expect(slow.calls()).toBe(1);
  });
});
