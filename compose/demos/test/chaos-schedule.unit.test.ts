import { describe, expect, it } from 'vitest';
import { CHAOS_VICTIMS, planKills, runKills } from './chaos-schedule.ts';

describe('chaos schedule', () => {
  const bounds = { gapMs: [1_000, 4_000] as [number, number], downMs: [2_000, 5_000] as [number, number], extra: 3 };

  it('kills every victim at least once, within the bounds', () => {
    const plan = planKills(42, bounds);
    expect(new Set(plan.map((kill) => kill.victim))).toEqual(new Set(CHAOS_VICTIMS));
    expect(plan).toHaveLength(CHAOS_VICTIMS.length + 3);
    for (const kill of plan) {
      expect(kill.gapMs).toBeGreaterThanOrEqual(1_000);
      expect(kill.gapMs).toBeLessThanOrEqual(4_000);
      expect(kill.downMs).toBeGreaterThanOrEqual(2_000);
      expect(kill.downMs).toBeLessThanOrEqual(5_000);
    }
  });

  it('is the same plan for the same seed and another for another seed', () => {
    expect(planKills(7, bounds)).toEqual(planKills(7, bounds));
    expect(planKills(7, bounds)).not.toEqual(planKills(8, bounds));
  });

  it('restarts each victim after killing it, one at a time, and stops when asked', async () => {
    const calls: string[] = [];
    const stack = {
      kill: async (name: string) => {
        calls.push(`kill ${name}`);
        return { code: null, signal: 'SIGKILL' as const };
      },
      restart: async (name: string) => void calls.push(`restart ${name}`),
    };
    const plan = [
      { victim: 'kafka', gapMs: 0, downMs: 0 },
      { victim: 'mongo', gapMs: 0, downMs: 0 },
      { victim: 'order', gapMs: 0, downMs: 0 },
    ];
    const done = await runKills(stack as never, plan, { log: () => undefined, shouldStop: (done) => done.length >= 2 });
    expect(calls).toEqual(['kill kafka', 'restart kafka', 'kill mongo', 'restart mongo']);
    expect(done.map((kill) => kill.victim)).toEqual(['kafka', 'mongo']);
  });
});
