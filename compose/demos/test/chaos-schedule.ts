import type { StackHandle } from '../../embedded/stack/src/launch.ts';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/**
 * The chaos test's kill schedule: which process dies when and for how long, drawn from a seed so
 * a failing run can be replayed (CHAOS_SEED). One victim down at a time: each is killed with
 * SIGKILL, stays down, is restarted and ready again before the next gap starts.
 */

export const CHAOS_VICTIMS = ['order', 'inventory', 'payment', 'notification', 'gateway', 'kafka', 'mongo'] as const;

export interface PlannedKill {
  victim: string;
  /** Pause before the kill (after the previous victim is back). */
  gapMs: number;
  downMs: number;
}

export interface KillRecord extends PlannedKill {
  /** Since the schedule started. */
  killedAtMs: number;
  /** How long restart() took until the victim was ready again. */
  restartMs: number;
}

/** A seeded source of floats in [0, 1) (pure-rand's xoroshiro128+): the same sequence for the same seed everywhere. */
export function seededRandom(seed: number): () => number {
  const generator = xoroshiro128plus(seed);
  return () => uniformFloat64(generator);
}

/** Every victim once, in a seeded order, plus `extra` more kills of seeded victims; gaps and downtimes within the given bounds. */
export function planKills(
  seed: number,
  options: { extra?: number; gapMs: [number, number]; downMs: [number, number] },
): PlannedKill[] {
  const random = seededRandom(seed);
  const between = ([low, high]: [number, number]) => Math.round(low + random() * (high - low));
  const victims: string[] = [...CHAOS_VICTIMS];
  for (let i = victims.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [victims[i], victims[j]] = [victims[j]!, victims[i]!];
  }
  for (let i = 0; i < (options.extra ?? 0); i++) victims.push(CHAOS_VICTIMS[Math.floor(random() * CHAOS_VICTIMS.length)]!);
  return victims.map((victim) => ({ victim, gapMs: between(options.gapMs), downMs: between(options.downMs) }));
}

/** Runs the plan against the stack; stops early (before the next kill) once `shouldStop` says so, given the kills done so far. */
export async function runKills(
  stack: Pick<StackHandle, 'kill' | 'restart'>,
  plan: PlannedKill[],
  options: { log: (line: string) => void; shouldStop?: (done: KillRecord[]) => boolean },
): Promise<KillRecord[]> {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const began = Date.now();
  const done: KillRecord[] = [];
  for (const kill of plan) {
    await sleep(kill.gapMs);
    if (options.shouldStop?.(done)) break;
    const killedAtMs = Date.now() - began;
    await stack.kill(kill.victim, 'SIGKILL');
    options.log(`chaos: killed ${kill.victim} at ${(killedAtMs / 1000).toFixed(1)} s, down for ${kill.downMs} ms`);
    await sleep(kill.downMs);
    const restarting = Date.now();
    await stack.restart(kill.victim);
    const restartMs = Date.now() - restarting;
    options.log(`chaos: ${kill.victim} back after ${restartMs} ms`);
    done.push({ ...kill, killedAtMs, restartMs });
  }
  return done;
}
