import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context as traceContext, propagation } from '@opentelemetry/api';
import type { ExecutionResult } from 'graphql';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { createMetricsRegistry, type Logger } from '@tributary/telemetry';
import { ASSERTION_HEADER, type AssertionSigner } from '@tributary/http';
import { createDedupCounter } from './metrics/subgraph-dedup-metrics.ts';
import type { GatewayContext } from './auth/gateway-context.ts';
import { createTributaryGateway } from './executor/gateway.ts';
import { createHttpTransport } from './executor/http-transport.ts';
import type { TokenVerifier } from './auth/verify-token.ts';
import type { GatewayConfig } from './config.ts';
import { checkReadiness } from './health/readiness.ts';
import { createGatewayMetrics } from './metrics/gateway-metrics.ts';
import { createRequestHandler, GRAPHQL_PATH } from './http/request-handler.ts';
import { createBrowserPages } from './playground/browser-pages.ts';
import { DEFAULT_OPERATION_LIMITS, operationLimitsPlugin } from './limits/operation-limits.ts';
import { createRateLimitGuard } from './rate-limit/guard.ts';
import type { RateLimiter } from './rate-limit/redis-limiter.ts';
import { createReplicaPool } from './supergraph/replica-pool.ts';
import { subgraphEndpoints } from './supergraph/subgraph-endpoints.ts';
import { createGatewaySubscriptions, DEFAULT_SUBSCRIPTION_SETTINGS } from './subscriptions/gateway-subscriptions.ts';
import { subscriptionsOverHttpRefusal } from './subscriptions/http-subscription-refusal.ts';

export interface GatewayDeps {
  config: Pick<GatewayConfig, 'host' | 'port' | 'subgraphUrlOverrides' | 'readyTimeoutMs' | 'shutdownGraceMs'> &
    // Optional so a test builds a gateway without them: the limits then default to the safe
    // ones, introspection and the playground to off.
    // subgraphRequestDedup: loadConfig turns it on (SUBGRAPH_REQUEST_DEDUP); omitted, it is off, so
    // a test that counts subgraph calls under concurrent identical queries keeps counting them all.
    Partial<Pick<GatewayConfig, 'limits' | 'introspection' | 'subscriptions' | 'subgraphRequestDedup'>>;
  logger: Logger;
  /** The composed supergraph SDL (see npm run compose:supergraph). */
  supergraphSdl: string;
  verifyToken: TokenVerifier;
  /** Signs the caller into every subgraph request (the subgraphs trust nothing else). */
  signer: AssertionSigner;
  /** Per-caller rate limits (Redis); without it nothing is limited. stop() closes it. */
  rateLimiter?: RateLimiter;
}

export interface GatewayApp {
  /** The HTTP server; graphql-ws shares it (same port, path /graphql). */
  httpServer: Server;
  /** Loads the supergraph, then listens; resolves with the GraphQL endpoint URL. */
  start(): Promise<string>;
  /**
   * Ends subscriptions (GATEWAY_SHUTTING_DOWN), stops accepting connections, lets in-flight
   * requests finish (up to the grace period), stops the gateway.
   */
  stop(): Promise<void>;
  /** Serves a new supergraph without a restart; open subscriptions end with SCHEMA_RELOADED. */
  reloadSupergraph(supergraphSdl: string): void;
}

export function createGatewayApp(deps: GatewayDeps): GatewayApp {
  const { config, logger } = deps;
  const endpoints = subgraphEndpoints(deps.supergraphSdl, config.subgraphUrlOverrides);
  // One pool per subgraph, shared by its HTTP data source and its subscription socket.
  const replicasByName = new Map(endpoints.map((e) => [e.name, createReplicaPool(e.name, e.urls)]));

  // One registry for the process, served on /metrics; created first because the data sources
  // and Apollo's plugins report into it.
  const metrics = createMetricsRegistry({ service: 'gateway' });
  const gatewayMetrics = createGatewayMetrics(metrics);
  const deduplicated = config.subgraphRequestDedup ? createDedupCounter(metrics) : undefined;

  // One transport for every subgraph request, queries and subscription events alike: undici
  // keep-alive pools over each subgraph's replicas, the caller signed into each request (the
  // subgraphs trust nothing else), the trace continued, identical in-flight queries shared.
  const transport = createHttpTransport({
    urls: Object.fromEntries(replicasByName),
    async headers(subgraph, body, context) {
      const headers: Record<string, string> = { [ASSERTION_HEADER]: await deps.signer.sign(subgraph, context.actor ?? null, body) };
      propagation.inject(traceContext.active(), headers);
      return headers;
    },
    observe: (subgraph) => gatewayMetrics.subgraphFetch(subgraph),
    ...(deduplicated ? { dedup: { onJoined: (subgraph: string) => deduplicated(subgraph)() } } : {}),
  });
  let updateSupergraph: ((sdl: string) => void) | undefined;
  const gateway = createTributaryGateway({
    // The hook form (rather than a plain string) is what lets reloadSupergraph swap the graph live.
    supergraphSdl: async ({ update }) => {
      updateSupergraph = update;
      return { supergraphSdl: deps.supergraphSdl };
    },
    transport,
    logger,
  });

  const httpServer = createServer();
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    logger,
    // No stack traces with server file paths in answers, whatever NODE_ENV says (invariant 7);
    // main.ts owns the signals, so Apollo must not install its own SIGTERM handler.
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
    // One switch for the schema's discoverability: introspection, the GraphiQL playground and
    // "did you mean" hints go together (config.ts: on in development, off in production).
    introspection: config.introspection ?? false,
    hideSchemaDetailsFromClientErrors: !(config.introspection ?? false),
    // Apollo parses only after the limits plugin checked the tokens; this is a second stop.
    parseOptions: { maxTokens: (config.limits ?? DEFAULT_OPERATION_LIMITS).maxTokens },
    // Apollo's own document cache stays off: its lookup would replace the stand-in document the
    // limits plugin gives a refused operation. The plugin parses and validates each operation text
    // once instead and hands Apollo the document (limits/validated-documents.ts).
    documentStore: null,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownGraceMs }),
      gatewayMetrics.operationsPlugin,
      operationLimitsPlugin(config.limits ?? DEFAULT_OPERATION_LIMITS, { onRefused: gatewayMetrics.limitRefused, introspection: config.introspection ?? false }),
      subscriptionsOverHttpRefusal(GRAPHQL_PATH),
      // Apollo's own landing page (Sandbox, loaded from Apollo's CDN) is always off: browsers get the
      // gateway's bundled GraphiQL instead (playground/), or Apollo's plain answer when that is off.
      ApolloServerPluginLandingPageDisabled(),
    ],
  });

  // Not ready before the supergraph is loaded, nor once shutdown began (load balancers stop routing here).
  let accepting = false;
  const rateLimit = deps.rateLimiter ? createRateLimitGuard({ limiter: deps.rateLimiter, metrics, logger }) : undefined;
  httpServer.on(
    'request',
    createRequestHandler({
      apollo,
      verifyToken: deps.verifyToken,
      logger,
      readiness: () => checkReadiness({ supergraphLoaded: accepting, endpoints, timeoutMs: config.readyTimeoutMs }),
      metrics,
      rateLimit,
      pages: createBrowserPages({ graphqlPath: GRAPHQL_PATH, playground: config.introspection ?? false, logger }),
    }),
  );

  const subscriptions = createGatewaySubscriptions({
    httpServer,
    path: GRAPHQL_PATH,
    subgraphReplicas: (name) => replicasByName.get(name),
    transport,
    signer: deps.signer,
    verifyToken: deps.verifyToken,
    ...(rateLimit ? { rateLimit } : {}),
    limits: config.limits ?? DEFAULT_OPERATION_LIMITS,
    settings: config.subscriptions ?? DEFAULT_SUBSCRIPTION_SETTINGS,
    // Queries and mutations sent over the socket take the HTTP path's Apollo pipeline (limits, errors).
    async executeOperation(request, contextValue) {
      const response = await apollo.executeOperation(request, { contextValue });
      if (response.body.kind !== 'single') throw new Error('incremental delivery is not supported over graphql-ws');
      return response.body.singleResult as ExecutionResult;
    },
    metrics,
    logger,
  });
  gateway.onFederatedSchema((schema) => subscriptions.schemaLoaded(schema));

  async function startAll(): Promise<string> {
    await apollo.start();
    apolloStarted = true;
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
    accepting = true;
    const { port } = httpServer.address() as AddressInfo;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    logger.info({ subgraphs: endpoints }, 'gateway started');
    return `http://${host}:${port}${GRAPHQL_PATH}`;
  }

  // A SIGTERM can arrive during start(): stop() then waits for it to settle (Apollo refuses to
  // stop a server that is still starting) and stops whatever did start.
  let starting: Promise<string> | undefined;
  let apolloStarted = false;

  return {
    httpServer,
    start() {
      starting ??= startAll();
      return starting;
    },
    async stop() {
      await starting?.catch(() => undefined);
      accepting = false;
      // Upgraded sockets are not the HTTP server's any more: its drain would wait for them.
      await subscriptions.close();
      // ApolloServer.stop runs the drain plugin (closes the HTTP server gracefully), then stops the gateway.
      if (apolloStarted) await apollo.stop();
      // After the drain: in-flight requests may still consult the limiter and reach subgraphs until then.
      await deps.rateLimiter?.close();
      await transport.close();
    },
    reloadSupergraph(supergraphSdl) {
      if (!updateSupergraph) throw new Error('the gateway has not loaded its first supergraph yet');
      updateSupergraph(supergraphSdl);
    },
  };
}
