import { createAssertionVerifier, createRedisReplayStore, replayRedisOptions, type AssertionVerifier, type RedisReplayStore } from '@tributary/http';
import { createLogger, type Logger } from '@tributary/telemetry';
import { startTracing, type Tracing } from '@tributary/telemetry/tracing/start';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import mongoose, { type Connection } from 'mongoose';
import type { ServiceConfig } from './config.ts';
import type { Service } from './service.ts';
import type { ChangeFeed } from './subscriptions/change-feed.ts';
import { createMemoryChangeFeed } from './subscriptions/memory-change-feed.ts';
import { createRedisChangeFeed } from './subscriptions/redis-change-feed.ts';

/** What a service's main gets to wire its app with. */
export interface ProcessResources {
  logger: Logger;
  connection: Connection;
  kafka: Kafka;
  verifier: AssertionVerifier;
  /** Redis pub/sub with REDIS_URL, else in-process (a warning says so); the service closes it. */
  changeFeed: ChangeFeed;
}

/**
 * The main of every subgraph: starts tracing (spans of service `name`; the instrumentations come
 * from the preload the launcher and the Dockerfile give node), connects MongoDB, Kafka and the
 * change feed (and, with REDIS_URL, the replicas' shared memory of used gateway assertions),
 * builds the service, starts it, prints "<name> subgraph ready at URL" (the
 * launcher waits for that line), and stops it cleanly on SIGTERM / SIGINT (exit 0) or after a
 * failed stop (exit 1), exporting the last spans before it exits.
 */
export async function runService<C extends ServiceConfig>(
  name: string,
  loadConfig: () => C,
  createApp: (config: C, resources: ProcessResources) => Service,
): Promise<void> {
  let tracing: Tracing | undefined;
  try {
    const config = loadConfig();
    const logger = createLogger(name, config.logLevel);
    tracing = startTracing({ service: name, config: config.tracing, logger });
    const connection = await mongoose.createConnection(config.mongoUrl, { serverSelectionTimeoutMS: 10_000 }).asPromise();
    const kafka = new Kafka({ clientId: name, brokers: config.kafkaBrokers, logLevel: logLevel.WARN });
    const replay = config.redisUrl ? createSharedReplayStore(name, config.redisUrl, logger) : undefined;
    const verifier = await createAssertionVerifier({
      publicKeyPem: config.gatewayPublicKeyPem,
      audience: name,
      ...(replay ? { replayStore: replay.store } : {}),
    });
    const changeFeed = createChangeFeed(name, config, logger);
    const app = createApp(config, { logger, connection, kafka, verifier, changeFeed });
    replay?.store.registerMetrics(app.runtime.metrics);

    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping');
      try {
        await app.stop();
        // After the HTTP server stopped: no request is verified any more.
        replay?.redis.disconnect();
        await connection.close();
        await tracing?.shutdown();
        process.exit(0);
      } catch (error) {
        logger.error({ err: error }, 'unclean stop');
        await tracing?.shutdown();
        process.exit(1);
      }
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));

    const url = await app.start();
    console.log(`${name} subgraph ready at ${url}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    await tracing?.shutdown();
    process.exit(1);
  }
}

/** Redis when REDIS_URL is set: every replica then serves every subscriber. */
function createChangeFeed(name: string, config: ServiceConfig, logger: Logger): ChangeFeed {
  if (config.redisUrl) return createRedisChangeFeed({ url: config.redisUrl, service: name, logger });
  logger.warn('REDIS_URL is not set: subscriptions see only the changes this process projects (in-process change feed; run one replica)');
  return createMemoryChangeFeed({ logger });
}

/**
 * With REDIS_URL an assertion is single-use across every replica of the subgraph, not only per
 * process (see @tributary/http replay-store.ts, fail-open while Redis is away).
 */
function createSharedReplayStore(name: string, url: string, logger: Logger): { store: RedisReplayStore; redis: Redis } {
  const redis = new Redis(url, replayRedisOptions(name));
  // Without a listener ioredis prints every failed reconnect; an outage shows up instead as the
  // store's rate-limited fail-open warning and counter, and on the change feed's readiness.
  redis.on('error', () => undefined);
  return { store: createRedisReplayStore({ redis, subgraph: name, logger: logger.child({ component: 'assertion-replay' }) }), redis };
}
