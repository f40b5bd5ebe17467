import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  createBusMetrics,
  createConsumerLagMonitor,
  createConsumerRunner,
  createEventStore,
  createOutboxRelay,
  ensureTopics,
  registerOutboxPendingGauge,
  type BusMetrics,
  type CommandHandlerDeps,
  type ConsumerRunner,
  type EventStore,
  type HandlerContext,
  type HandlerResult,
  type OutboxRelay,
  type RetryPolicy,
} from '@tributary/bus';
import type { AnyEventEnvelope } from '@tributary/contracts';
import { attachSubscriptionServer, createServiceServer, type AssertionVerifier } from '@tributary/http';
import { createHealth, createMetricsRegistry, type HealthCheck, type Logger, type Registry } from '@tributary/telemetry';
import { traceAppend } from '@tributary/telemetry/tracing';
import type { DocumentNode } from 'graphql';
import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import { buildContext, type ServiceContext } from './context.ts';
import { createErrorFormatter } from './errors.ts';
import { DEFAULT_SUBGRAPH_LIMITS, subgraphLimitsRule, type SubgraphLimits } from './limits.ts';
import type { ChangeFeed } from './subscriptions/change-feed.ts';
import { createMemoryChangeFeed } from './subscriptions/memory-change-feed.ts';
import { createChangePublisher, type ChangePublisher } from './subscriptions/publish-changes.ts';

/** What every service is built from; `app.ts` of each service passes these in. */
export interface ServiceDeps {
  /** The subgraph's name in supergraph.yaml: logs, metrics, consumer groups, assertion audience. */
  name: string;
  config: { host: string; port: number; kafkaPartitions: number; kafkaSessionTimeoutMs?: number };
  logger: Logger;
  connection: Connection;
  kafka: Kafka;
  /** Proves each request came from the gateway (see @tributary/http gateway-assertion). */
  verifier: AssertionVerifier;
  now?: () => Date;
  newId?: () => string;
  /** Appended to every consumer group id; tests give each run its own groups. */
  groupSuffix?: string;
  /** Depth and cost limits of one operation (default DEFAULT_SUBGRAPH_LIMITS, looser than the gateway's). */
  limits?: Partial<SubgraphLimits>;
  /**
   * Where read-model changes are announced to GraphQL subscriptions: a Redis feed shared by the
   * service's replicas (runService builds it from REDIS_URL). Default: an in-process feed, with
   * a warning (each replica's subscribers then see only its own changes). The service owns it:
   * stop() closes it.
   */
  changeFeed?: ChangeFeed;
}

/** What the kit hands a service while it is being built. */
export interface ServiceRuntime {
  name: string;
  logger: Logger;
  connection: Connection;
  kafka: Kafka;
  metrics: Registry;
  busMetrics: BusMetrics;
  /** The service's event store, which is also its outbox. */
  store: EventStore;
  relay: OutboxRelay;
  now: () => Date;
  newId: () => string;
  /** Everything `handleCommand` needs. */
  commands: CommandHandlerDeps;
  /** The change feed subscriptions read (see subscriptions/change-stream.ts). */
  changes: ChangeFeed;
  /** applyToReadModel that also announces the change on the feed (see readModelConsumer). */
  projections: ChangePublisher;
}

/** A Kafka consumer of the service: a projection or a saga reaction, in its own group. */
export interface ConsumerDefinition {
  /** Unique within the service; the consumer group is `<service>.<name>`. */
  name: string;
  topics: string[];
  /** May return 'skipped' for a redelivery it recognised (counted apart in events_consumed_total). */
  handle(envelope: AnyEventEnvelope, context: HandlerContext): Promise<HandlerResult>;
  /** Default: ~40 attempts over several minutes (infrastructure blips heal), then the DLQ. */
  retry?: RetryPolicy;
}

/** Something that runs beside the consumers, e.g. a deadline scheduler or a retry loop. */
export interface BackgroundWorker {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The parts a service is made of. */
export interface ServiceModule {
  typeDefs: DocumentNode;
  /** The service's resolvers, typed by its generated `Resolvers<ServiceContext>` (graphql-codegen). */
  resolvers: object;
  /** Topics the service publishes to (created at start with their DLQs). */
  topics: string[];
  /** Creates the service's own collections and indexes (the event store's are handled). */
  init?(): Promise<void>;
  consumers?: ConsumerDefinition[];
  workers?: BackgroundWorker[];
  /** Extra readiness checks besides MongoDB and Kafka. */
  readiness?: Record<string, HealthCheck>;
}

export interface Service {
  /** Indexes, topics, relay, consumers, workers, then HTTP; resolves with the GraphQL URL. */
  start(): Promise<string>;
  /** Stops taking requests, then lets consumers, workers and the relay finish what they hold. */
  stop(): Promise<void>;
  runtime: ServiceRuntime;
}

/** A dead replica's partitions move after this long (the service config's default, for tests building deps by hand). */
const DEFAULT_SESSION_TIMEOUT_MS = 10_000;
const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 40, initialDelayMs: 100, maxDelayMs: 10_000 };

/** Builds a subgraph service: lifecycle, HTTP, trust, errors, metrics and the event runtime, once. */
export function createService(deps: ServiceDeps, build: (runtime: ServiceRuntime) => ServiceModule): Service {
  const { name, config, logger, connection, kafka } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  const metrics = createMetricsRegistry({ service: name });
  const busMetrics = createBusMetrics(metrics);
  const relay = createOutboxRelay({ connection, kafka, logger: logger.child({ component: 'outbox-relay' }), hooks: busMetrics.relayHooks });
  const store = tracedEventStore(createEventStore({ connection, aggregateType: name, onAppended: () => relay.notify() }));
  const changes = deps.changeFeed ?? defaultChangeFeed(logger);
  const projections = createChangePublisher({ feed: changes, logger: logger.child({ component: 'change-feed' }), metrics });
  const runtime: ServiceRuntime = {
    name, logger, connection, kafka, metrics, busMetrics, store, relay, now, newId,
    commands: { store, now, newId }, changes, projections,
  };
  const module = build(runtime);

  const groups = (module.consumers ?? []).map((consumer) => ({ consumer, groupId: `${name}.${consumer.name}${deps.groupSuffix ?? ''}` }));
  const runners: ConsumerRunner[] = groups.map(({ consumer, groupId }) =>
    createConsumerRunner({
      kafka,
      groupId,
      topics: consumer.topics,
      fromBeginning: true,
      // The broker answers a fetch as soon as data arrives, so a shorter long-poll costs no
      // latency; it bounds how long stop() waits for the fetch in flight.
      consumerConfig: {
        maxWaitTimeInMs: 1_000,
        // See KAFKA_SESSION_TIMEOUT_MS (config.ts); heartbeats at a tenth of it, as kafkajs' defaults do.
        sessionTimeout: config.kafkaSessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
        heartbeatInterval: Math.round((config.kafkaSessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS) / 10),
      },
      // Partitions of one consumer run side by side; one partition's messages stay in order.
      partitionsConsumedConcurrently: 4,
      retry: consumer.retry ?? DEFAULT_RETRY,
      logger: logger.child({ component: consumer.name }),
      hooks: busMetrics.consumerHooks,
      handle: consumer.handle,
    }),
  );
  const workers = module.workers ?? [];

  // One admin client for the service's life: topics at start, then readiness probes and lag.
  const admin = kafka.admin();
  // Gauges read from MongoDB and Kafka (on scrape, throttled); the counters come from busMetrics.
  registerOutboxPendingGauge({ connection, registry: metrics, logger: logger.child({ component: 'outbox-pending' }) });
  const consumerLag = createConsumerLagMonitor({
    admin,
    groups: groups.map(({ consumer, groupId }) => ({ groupId, topics: consumer.topics })),
    registry: metrics,
    logger: logger.child({ component: 'consumer-lag' }),
  });
  const ready = createHealth({
    mongodb: async () => {
      if (!connection.db) throw new Error('not connected');
      return connection.db.admin().ping();
    },
    kafka: async () => admin.describeCluster(),
    ...changes.readiness,
    ...module.readiness,
  });

  // Generated resolver types are stricter than Apollo's loose resolver map; the one cast is here.
  const schema = buildSubgraphSchema({ typeDefs: module.typeDefs, resolvers: module.resolvers as never });
  const formatError = createErrorFormatter(logger);
  const limitsRule = subgraphLimitsRule({ ...DEFAULT_SUBGRAPH_LIMITS, ...deps.limits });
  const apollo = new ApolloServer<ServiceContext>({
    schema,
    logger,
    formatError,
    includeStacktraceInErrorResponses: false,
    // Only the gateway can call a subgraph (invariant 8), and Apollo would otherwise turn
    // introspection off under NODE_ENV=production; whether the public API answers it is the
    // gateway's decision (INTROSPECTION).
    introspection: true,
    validationRules: [limitsRule],
    // runService owns the signals: Apollo's own handler would re-raise SIGTERM and kill the
    // process before consumers and the relay finished stopping.
    stopOnTerminationSignals: false,
  });
  const server = createServiceServer({
    apollo,
    verifier: deps.verifier,
    context: async (req, actor) => buildContext(req.headers, actor),
    ready,
    metrics,
    logger,
  });
  apollo.addPlugin(ApolloServerPluginDrainHttpServer({ httpServer: server.httpServer }));
  // Subscriptions (graphql-ws) on the same port and path, with the same schema, trust, limits
  // and error mapping; each subscription's caller comes from its own gateway assertion.
  const subscriptions = attachSubscriptionServer<ServiceContext>({
    httpServer: server.httpServer,
    schema,
    verifier: deps.verifier,
    context: (actor) => buildContext({}, actor),
    validationRules: [limitsRule],
    formatError,
    logger: logger.child({ component: 'subscriptions' }),
  });

  let starting: Promise<string> | undefined;
  let apolloStarted = false;
  const startedWorkers: BackgroundWorker[] = [];

  async function startAll(): Promise<string> {
    await store.init();
    await module.init?.();
    await admin.connect();
    // The topics it consumes too, not only those it publishes: a consumer subscribing before the
    // owning service started would otherwise have the broker auto-create the topic with the
    // broker's default partition count (1 on the embedded broker), capping every group at one member.
    await ensureTopics(admin, [...module.topics, ...groups.flatMap(({ consumer }) => consumer.topics)], config.kafkaPartitions);
    await relay.start();
    await Promise.all(runners.map((runner) => runner.start()));
    consumerLag.start();
    for (const worker of workers) {
      await worker.start();
      startedWorkers.push(worker);
    }
    await apollo.start();
    apolloStarted = true;
    const url = await server.listen(config.port, config.host);
    logger.info({ url }, `${name} subgraph started`);
    return url;
  }

  return {
    runtime,
    // stop() may come while start() is still running (a SIGTERM during startup) or after it
    // failed: it waits for start() to settle, then stops exactly what did start.
    start() {
      starting ??= startAll();
      return starting;
    },
    async stop() {
      await starting?.catch(() => undefined);
      // WebSocket sockets first: an open one would hold the HTTP server's drain until its grace ends.
      await subscriptions.close();
      if (apolloStarted) await apollo.stop();
      await Promise.all(startedWorkers.map((worker) => worker.stop().catch((err: unknown) => logger.error({ err, worker: worker.name }, 'worker stop failed'))));
      await Promise.all([...runners.map((runner) => runner.stop()), relay.stop(), consumerLag.stop()]);
      await admin.disconnect();
      // Last: consumers publish to it until they stop.
      await changes.close();
    },
  };
}

/**
 * Every append in a span whose traceparent the stored events carry, so the relay, Kafka and
 * every consumer continue the trace of what appended them (see traceAppend). A step outside any
 * trace (a deadline scan, a payment retry) links its new trace to the stream's latest event's.
 */
function tracedEventStore(store: EventStore): EventStore {
  const lastTraceparent = async (streamId: string) => (await store.readStream(streamId)).findLast((event) => event.traceparent)?.traceparent;
  return { ...store, append: traceAppend(store.append, { tracer: trace.getTracer('@tributary/service'), lastTraceparent }) };
}

function defaultChangeFeed(logger: Logger): ChangeFeed {
  logger.warn('no change feed given: subscriptions see only the changes this process projects (in-process feed)');
  return createMemoryChangeFeed({ logger });
}
