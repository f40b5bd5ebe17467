import { loadServiceConfig } from '@tributary/service';
import { z } from 'zod';

/**
 * The inventory service's settings: the kit's shared ones plus its own. The only place that
 * reads process.env; a bad value stops the process at start with every problem listed.
 */
const inventoryEnv = {
  /** Adds the demo catalogue at start (products that exist are left alone). For demos and dev. */
  SEED_DEMO_CATALOGUE: z.stringbool({ error: 'SEED_DEMO_CATALOGUE must be true or false' }).default(false),
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadServiceConfig('inventory', env, { defaultPort: 4002, extra: inventoryEnv });
}

export type InventoryConfig = ReturnType<typeof loadConfig>;
