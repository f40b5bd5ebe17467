import type { ApolloServerPlugin } from '@apollo/server';
import type { Registry } from 'prom-client';
import { createLimitRefusalCounter } from './limit-refusal-metrics.ts';
import { operationMetricsPlugin } from './operation-metrics.ts';
import { createSubgraphFetchMetrics, type ObserveSubgraphFetch } from './subgraph-fetch-metrics.ts';

/**
 * The gateway's GraphQL metrics on its registry, in the shape app.ts wires them: a plugin for
 * Apollo, an observer per subgraph data source and a callback for the limits plugin. Rate-limit
 * and subscription metrics are registered by their own components (rate-limit/guard.ts,
 * subscriptions/subscription-metrics.ts). Call once per registry.
 */
export interface GatewayMetrics {
  operationsPlugin: ApolloServerPlugin;
  subgraphFetch(subgraph: string): ObserveSubgraphFetch;
  limitRefused(limit: string): void;
}

export function createGatewayMetrics(registry: Registry, options: { maxOperationNames?: number } = {}): GatewayMetrics {
  return {
    operationsPlugin: operationMetricsPlugin({ registry, ...options }),
    subgraphFetch: createSubgraphFetchMetrics(registry),
    limitRefused: createLimitRefusalCounter(registry),
  };
}
