import type { Server } from 'node:http';
import type { FederatedSchema } from '../executor/federated-schema.ts';
import type { SubgraphTransport } from '../executor/types.ts';
import type { ExecutionResult, GraphQLSchema } from 'graphql';
import type { Registry } from 'prom-client';
import type { AssertionSigner } from '@tributary/http';
import type { Logger } from '@tributary/telemetry';
import type { GatewayContext } from '../auth/gateway-context.ts';
import type { TokenVerifier } from '../auth/verify-token.ts';
import type { OperationLimits } from '../limits/operation-limits.ts';
import type { RateLimitGuard } from '../rate-limit/guard.ts';
import type { ReplicaPool } from '../supergraph/replica-pool.ts';
import { createEventExecutor, type EventExecutor } from './event-executor.ts';
import { createFederatedSubscriptions } from './federated-subscriptions.ts';
import { createSharedUpstreams } from './shared-upstreams.ts';
import { createSubscriptionMetrics } from './subscription-metrics.ts';
import { createSubscriptionSchema, type SubscriptionSchema } from './subscription-planner.ts';
import { createUpstreamClients } from './upstream-clients.ts';
import { attachSubscriptionServer } from './ws-server.ts';

/** The subscription settings (GatewayConfig.subscriptions). */
export interface SubscriptionSettings {
  /** Operations one socket may run at a time (MAX_SUBSCRIPTIONS_PER_CONNECTION). */
  maxPerConnection: number;
  /** Events held for a slow client before the oldest are dropped (SUBSCRIPTION_QUEUE_SIZE). */
  queueSize: number;
  /** Ping interval to clients and subgraphs (SUBSCRIPTION_KEEPALIVE_MS). */
  keepAliveMs: number;
  /** Retry delays when a subgraph's socket is lost. */
  reconnect: { minMs: number; maxMs: number };
}

export const DEFAULT_SUBSCRIPTION_SETTINGS: SubscriptionSettings = {
  maxPerConnection: 25,
  queueSize: 100,
  keepAliveMs: 12_000,
  reconnect: { minMs: 250, maxMs: 10_000 },
};

export interface GatewaySubscriptionsDeps {
  httpServer: Server;
  path: string;
  /** The replicas of each subgraph (graphql-ws listens on each one's HTTP URL, as ws:). */
  subgraphReplicas(subgraph: string): ReplicaPool | undefined;
  /** The gateway's subgraph transport: each event's entity fetches go through it. */
  transport: SubgraphTransport;
  signer: AssertionSigner;
  verifyToken: TokenVerifier;
  rateLimit?: RateLimitGuard;
  limits: OperationLimits;
  settings: SubscriptionSettings;
  executeOperation(request: { query: string; variables?: Record<string, unknown>; operationName?: string }, context: GatewayContext): Promise<ExecutionResult>;
  metrics: Registry;
  logger: Logger;
}

export interface GatewaySubscriptions {
  /** Called with every supergraph the gateway loads; a replaced one ends open subscriptions (SCHEMA_RELOADED). */
  schemaLoaded(schema: FederatedSchema): void;
  /** Ends every subscription with GATEWAY_SHUTTING_DOWN, closes client and subgraph sockets. */
  close(): Promise<void>;
}

/** Subscriptions through the federated gateway, wired from their parts (see docs/subscriptions.md). */
export function createGatewaySubscriptions(deps: GatewaySubscriptionsDeps): GatewaySubscriptions {
  const logger = deps.logger.child({ component: 'subscriptions' });
  const clients = createUpstreamClients({ replicasOf: deps.subgraphReplicas, signer: deps.signer, logger, keepAliveMs: deps.settings.keepAliveMs });
  let upstreamCount = () => 0;
  const metrics = createSubscriptionMetrics(deps.metrics, () => upstreamCount());
  const upstreams = createSharedUpstreams({
    clients,
    logger,
    backoff: deps.settings.reconnect,
    onReconnect: (subgraph) => metrics.upstreamReconnects.inc({ subgraph }),
  });
  upstreamCount = () => upstreams.size;

  let current: { schema: SubscriptionSchema; apiGraphQLSchema: GraphQLSchema; executor: EventExecutor } | undefined;
  const subscriptions = createFederatedSubscriptions({
    current: () => {
      if (!current) throw new Error('no supergraph loaded yet');
      return current;
    },
    upstreams,
    metrics,
    logger,
    maxQueue: deps.settings.queueSize,
  });
  const server = attachSubscriptionServer({
    httpServer: deps.httpServer,
    path: deps.path,
    apiSchema: () => current?.apiGraphQLSchema,
    verifyToken: deps.verifyToken,
    ...(deps.rateLimit ? { rateLimit: deps.rateLimit } : {}),
    limits: deps.limits,
    maxSubscriptionsPerConnection: deps.settings.maxPerConnection,
    keepAliveMs: deps.settings.keepAliveMs,
    subscriptions,
    executeOperation: deps.executeOperation,
    metrics,
    logger,
  });

  return {
    schemaLoaded(federated) {
      const replaced = current !== undefined;
      const schema = createSubscriptionSchema(federated);
      current = { schema, apiGraphQLSchema: federated.apiGraphQLSchema, executor: createEventExecutor({ schema, transport: deps.transport, logger }) };
      // Open subscriptions were planned against the old graph; clients resubscribe against the new one.
      if (replaced) subscriptions.endAll('SCHEMA_RELOADED', 'the gateway loaded a new schema; subscribe again');
    },
    async close() {
      await server.close('GATEWAY_SHUTTING_DOWN', 'the gateway is shutting down; reconnect and subscribe again');
      await clients.close();
    },
  };
}
