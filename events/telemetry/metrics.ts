import { Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsRegistryOptions {
  /** Added as the `service` label to every metric, so one Prometheus can scrape a whole stack. */
  service: string;
  /** Process metrics (CPU, memory, event loop lag, GC...); on by default, tests may turn them off. */
  defaultMetrics?: boolean;
  /** Extra labels for every metric, e.g. `{ instance: 'order-2' }`. */
  labels?: Record<string, string>;
  /** Prefix for the default metrics' names only. */
  prefix?: string;
}

/**
 * A fresh prom-client Registry for one process. We never use prom-client's global `register`:
 * a registry passed around explicitly lets several services (or tests) share one Node process
 * without clashing metric names. Serve it with `registry.metrics()` / `registry.contentType`.
 */
export function createMetricsRegistry(options: MetricsRegistryOptions): Registry {
  if (!options.service) throw new Error('createMetricsRegistry: service must not be empty');
  const registry = new Registry();
  registry.setDefaultLabels({ ...options.labels, service: options.service });
  if (options.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry, ...(options.prefix ? { prefix: options.prefix } : {}) });
  }
  return registry;
}

export type { Registry };
