import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  createBusMetrics,
  createConsumerRunner,
  createEventStore,
  createKeyClaims,
  createOutboxRelay,
  ensureTopics,
  type OutboxRelay,
} from '@tributary/bus';
import { TOPICS } from '@tributary/contracts';
import { createServiceServer } from '@tributary/http';
import { createHealth, createMetricsRegistry, type Logger } from '@tributary/telemetry';
import { parse } from 'graphql';
import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import { createOrderCommands } from './commands/order-commands.ts';
import type { OrderConfig } from './config.ts';
import { projectOrderEvent } from './projections/order-projector.ts';
import { orderReadModel } from './projections/order-read-model.ts';
import { contextFromHeaders, type OrderContext } from './resolvers/context.ts';
import { createResolvers } from './resolvers/index.ts';
import { createOrderQueries } from './resolvers/order-queries.ts';

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

export interface OrderAppDeps {
  config: Pick<OrderConfig, 'port' | 'host' | 'kafkaPartitions'>;
  logger: Logger;
  connection: Connection;
  kafka: Kafka;
  now?: () => Date;
  newId?: () => string;
  /** Consumer group of the read-model projector; tests give each run its own. */
  projectorGroupId?: string;
}

export interface OrderApp {
  /** Creates indexes and topics, starts the relay and the projector, then serves; resolves with the URL. */
  start(): Promise<string>;
  stop(): Promise<void>;
  relay: OutboxRelay;
}

/** The order service, wired from its dependencies (the only wiring point). */
export function createOrderApp(deps: OrderAppDeps): OrderApp {
  const { config, logger, connection, kafka } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;

  const metrics = createMetricsRegistry({ service: 'order' });
  const busMetrics = createBusMetrics(metrics);
  const relay = createOutboxRelay({
    connection,
    kafka,
    logger: logger.child({ component: 'outbox-relay' }),
    hooks: busMetrics.relayHooks,
  });
  const store = createEventStore({ connection, aggregateType: 'order', onAppended: () => relay.notify() });
  const keyClaims = createKeyClaims(connection);
  const readModel = orderReadModel(connection);
  const commands = createOrderCommands({ store, keyClaims, now, newId });
  const queries = createOrderQueries(readModel);

  const projector = createConsumerRunner({
    kafka,
    groupId: deps.projectorGroupId ?? 'order.read-model',
    topics: [TOPICS.order],
    fromBeginning: true,
    // The broker answers a fetch as soon as data arrives, so a shorter long-poll costs no
    // latency; it bounds how long stop() waits for the fetch in flight.
    consumerConfig: { maxWaitTimeInMs: 1_000 },
    // Failures left after gaps are parked are infrastructure ones (MongoDB away): keep the
    // partition waiting for several minutes rather than parking events a restart would heal.
    retry: { maxAttempts: 40, initialDelayMs: 100, maxDelayMs: 10_000 },
    logger: logger.child({ component: 'order-projector' }),
    hooks: busMetrics.consumerHooks,
    handle: async (envelope) => {
      await projectOrderEvent(readModel, envelope);
    },
  });

  // One admin client for the service's life: it creates the topics at start, then answers
  // readiness probes without opening a connection per probe.
  const admin = kafka.admin();
  const ready = createHealth({
    mongodb: async () => connection.db?.admin().ping(),
    kafka: async () => admin.describeCluster(),
  });

  const apollo = new ApolloServer<OrderContext>({
    schema: buildSubgraphSchema({ typeDefs, resolvers: createResolvers({ commands, queries }) as never }),
    logger,
  });
  const server = createServiceServer({
    apollo,
    context: async (req) => contextFromHeaders(req.headers),
    ready,
    metrics,
    logger,
  });
  apollo.addPlugin(ApolloServerPluginDrainHttpServer({ httpServer: server.httpServer }));

  async function startAll(): Promise<string> {
    // Model.init creates the collection (autoCreate); indexes are created explicitly because
    // autoIndex is off for the read model (see order-read-model.ts).
    await Promise.all([store.init(), keyClaims.init(), readModel.init()]);
    await readModel.createIndexes();
    await admin.connect();
    await ensureTopics(admin, [TOPICS.order], config.kafkaPartitions);
    await relay.start();
    await projector.start();
    await apollo.start();
    apolloStarted = true;
    const url = await server.listen(config.port, config.host);
    logger.info({ url }, 'order subgraph started');
    return url;
  }

  // stop() may come while start() is still running (a SIGTERM during startup) or after it failed:
  // it waits for start() to settle, then stops exactly what did start.
  let starting: Promise<string> | undefined;
  let apolloStarted = false;

  return {
    relay,
    start() {
      starting ??= startAll();
      return starting;
    },
    async stop() {
      await starting?.catch(() => undefined);
      // Stop taking requests first, then let the relay and the projector finish what they hold.
      if (apolloStarted) await apollo.stop();
      await Promise.all([projector.stop(), relay.stop()]);
      await admin.disconnect();
    },
  };
}
