import path from 'node:path';
import { REPO_ROOT } from '../../embedded/stack/src/config.ts';

/**
 * The demos' one reader of process.env. Everything else in compose/demos gets these values
 * passed in, so a test can build its own.
 */
export interface DemoConfig {
  /** Where `findRunningStack` looks for a running stack's pid file (DATA_DIR, default <repo>/.data). */
  runningDataDir: string;
  /** The environment a fresh stack's children start from (PATH, HOME...), before the demo's own values. */
  baseEnv: Record<string, string | undefined>;
  /** CHAOS_SEED: the chaos schedule's seed, when given (else the test picks one and prints it). */
  chaosSeed?: number;
  /** CHAOS_ORDERS: how many orders the chaos test places (default 2000; fewer for a quick look). */
  chaosOrders: number;
}

export function readDemoConfig(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const seed = env.CHAOS_SEED?.trim();
  const chaosSeed = seed ? Number.parseInt(seed, 10) : undefined;
  if (seed && !Number.isSafeInteger(chaosSeed)) throw new Error(`CHAOS_SEED must be an integer, got ${JSON.stringify(seed)}`);
  const orders = Number.parseInt(env.CHAOS_ORDERS?.trim() || '2000', 10);
  if (!(orders > 0)) throw new Error(`CHAOS_ORDERS must be a positive integer, got ${JSON.stringify(env.CHAOS_ORDERS)}`);
  return {
    // The launcher's own rule (compose/embedded/stack/src/config.ts): relative to the repository.
    runningDataDir: path.resolve(REPO_ROOT, env.DATA_DIR?.trim() || '.data'),
    baseEnv: { ...env },
    chaosSeed,
    chaosOrders: orders,
  };
}
