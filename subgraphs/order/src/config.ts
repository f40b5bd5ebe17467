import { z } from 'zod';
import { loadServiceConfig } from '@tributary/service';

/**
 * The order service's settings: the kit's shared ones (port, Kafka, MongoDB, gateway key, log
 * level) plus its own. The only place that reads process.env; a bad value stops the process at
 * start with every problem listed.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadServiceConfig('order', env, {
    defaultPort: 4001,
    extra: {
      /** How long an order may wait for stock and payment before it is cancelled with TIMEOUT. */
      ORDER_DEADLINE_MS: z.coerce.number().int().min(100).max(86_400_000).default(120_000),
    },
  });
  return { ...config, orderDeadlineMs: config.env.ORDER_DEADLINE_MS };
}

export type OrderConfig = ReturnType<typeof loadConfig>;
