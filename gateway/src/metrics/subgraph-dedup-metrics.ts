import { Counter, type Registry } from 'prom-client';

/** graphql_subgraph_fetches_deduplicated_total{subgraph}: requests that joined a flight instead of sending. */
export function createDedupCounter(registry: Registry): (subgraph: string) => () => void {
  const counter = new Counter({
    name: 'graphql_subgraph_fetches_deduplicated_total',
    help: 'Subgraph query requests not sent because an identical one (same subgraph, operation, variables and caller) was in flight; they got its response.',
    labelNames: ['subgraph'],
    registers: [registry],
  });
  return (subgraph) => () => counter.inc({ subgraph });
}
