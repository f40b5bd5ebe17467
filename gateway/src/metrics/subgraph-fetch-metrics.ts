import { Histogram, type Registry } from 'prom-client';

/**
 * The `outcome` of one subgraph fetch: success (2xx; GraphQL errors inside the body included),
 * http_error (any other status, e.g. 401 for a refused assertion, 5xx) or network_error (no
 * response: refused connection, reset, timeout).
 */
export type SubgraphFetchOutcome = 'success' | 'http_error' | 'network_error';

export type ObserveSubgraphFetch = (outcome: SubgraphFetchOutcome, seconds: number) => void;

/** graphql_subgraph_fetch_duration_seconds{subgraph,outcome}: one observer per subgraph data source. */
export function createSubgraphFetchMetrics(registry: Registry): (subgraph: string) => ObserveSubgraphFetch {
  const duration = new Histogram({
    name: 'graphql_subgraph_fetch_duration_seconds',
    help: 'Time from sending a request to a subgraph to its response headers, by subgraph and outcome (success, http_error, network_error).',
    labelNames: ['subgraph', 'outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (subgraph) => (outcome, seconds) => duration.observe({ subgraph, outcome }, seconds);
}

/**
 * Wraps a fetch function so every call is timed and classified; what it returns or throws is
 * passed on untouched.
 */
export function timedFetch<A extends unknown[], R extends { ok: boolean }>(
  send: (...args: A) => Promise<R>,
  observe: ObserveSubgraphFetch,
  now: () => number = () => performance.now() / 1000,
): (...args: A) => Promise<R> {
  return async (...args) => {
    const startedAt = now();
    try {
      const response = await send(...args);
      observe(response.ok ? 'success' : 'http_error', now() - startedAt);
      return response;
    } catch (error) {
      observe('network_error', now() - startedAt);
      throw error;
    }
  };
}
