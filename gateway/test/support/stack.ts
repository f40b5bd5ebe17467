import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SignJWT } from 'jose';
import type { Connection } from 'mongoose';
import { createRedisChangeFeed, type Service } from '@tributary/service';
import { createLogger } from '@tributary/telemetry';
import { startInfrastructure, type GraphQLResult, type TestInfrastructure } from '@tributary/testing/stack';
import { startPaymentProvider } from '../../../compose/embedded/payment-provider/src/index.ts';
import { startSmtpSink } from '../../../compose/embedded/smtp/src/index.ts';
import { createInventoryService } from '../../../subgraphs/inventory/src/app.ts';
import { createNotificationService } from '../../../subgraphs/notification/src/app.ts';
import { createOrderService } from '../../../subgraphs/order/src/app.ts';
import { createPaymentService } from '../../../subgraphs/payment/src/app.ts';
import { createGatewayApp, type GatewayApp } from '../../src/app.ts';
import { createAssertionSigner } from '@tributary/http';
import { createRateLimitRedis } from '../../src/rate-limit/redis-client.ts';
import { createRedisRateLimiter, type RateLimiter } from '../../src/rate-limit/redis-limiter.ts';
import { createTokenVerifier } from '../../src/auth/verify-token.ts';
import { composeSupergraph } from '../../src/supergraph/compose.ts';

export type { GraphQLResult };
export type SubgraphName = 'order' | 'inventory' | 'payment' | 'notification';
const ALL: SubgraphName[] = ['order', 'inventory', 'payment', 'notification'];
const repoRoot = new URL('../../../', import.meta.url);
const JWT_SECRET = randomUUID() + randomUUID();

export interface StackOptions {
  /** Which subgraphs run (default: all four). */
  services?: SubgraphName[];
  orderDeadlineMs?: number;
  paymentProviderTimeoutMs?: number;
  /** Add the demo catalogue on start (inventory). */
  seedDemoCatalogue?: boolean;
  /** Give the gateway its rate limiter (default limits) on the stack's Redis. */
  rateLimit?: boolean;
  /** Introspection and the GraphiQL playground on, as in development (default: off, as in production). */
  introspection?: boolean;
}

/**
 * Tributary in one process for end-to-end tests: the embedded Kafka, MongoDB and Redis servers,
 * the dev payment provider and SMTP sink, the chosen subgraphs (real kafkajs, mongoose, HTTP,
 * each with a Redis change feed for its subscriptions), and the gateway in front with a fresh
 * JWT secret and a fresh gateway signing key.
 */
export interface Stack {
  infra: TestInfrastructure;
  graphqlUrl: string;
  subgraphUrls: Partial<Record<SubgraphName, string>>;
  /** The embedded Redis: the subgraphs' change feeds, and the rate limiter with `rateLimit`. */
  redisUrl: string;
  services: Partial<Record<SubgraphName, Service>>;
  /** A separate connection to a service's database, for assertions on what is stored. */
  db(service: SubgraphName): Promise<Connection>;
  providerUrl?: string;
  mailDir?: string;
  token(customerId: string, role?: 'customer' | 'admin', secret?: string): Promise<string>;
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResult<T>>;
  /** Stops a subgraph and starts a fresh instance of it on the same port (the gateway keeps its URL). */
  restart(service: SubgraphName): Promise<void>;
  /** Starts one more instance of a subgraph (same database and consumer groups); resolves with its URL. */
  startReplica(service: SubgraphName): Promise<string>;
  /** Starts another gateway over the same stack, routing the named subgraphs to other URLs (e.g. a replica). */
  gatewayWith(subgraphUrlOverrides: Partial<Record<SubgraphName, string>>): Promise<string>;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const names = options.services ?? ALL;
  const infra = await startInfrastructure({ partitions: 3, redis: true });
  const redisUrl = infra.redisUrl!;
  const logger = createLogger('e2e', 'silent');
  const stoppers: Stopper[] = [{ name: 'infrastructure', stop: () => infra.stop() }];
  const stopAll = async () => {
    for (const stopper of stoppers.reverse()) await stopWithin(stopper, STOPPER_BOUND_MS);
  };
  try {
    const provider = names.includes('payment') ? await startPaymentProvider({ port: 0 }) : undefined;
    if (provider) stoppers.push({ name: 'payment provider', stop: () => provider.close() });
    const smtp = names.includes('notification') ? await startSmtpSink({ port: 0, dataDir: path.join(infra.dir, 'smtp') }) : undefined;
    if (smtp) stoppers.push({ name: 'smtp sink', stop: () => smtp.close() });

    const services: Partial<Record<SubgraphName, Service>> = {};
    const groupSuffix = `.${randomUUID()}`;
    /** One instance of a service; another instance of the same name is a replica (same database, same consumer groups). */
    async function createInstance(name: SubgraphName, port = 0): Promise<Service> {
      // The service's stop() closes it; this stopper (idempotent) covers a service never started.
      const changeFeed = createRedisChangeFeed({ url: redisUrl, service: name, logger });
      stoppers.push({ name: `${name} change feed`, stop: () => changeFeed.close() });
      const base = {
        config: { host: '127.0.0.1', port, kafkaPartitions: 3 },
        logger,
        connection: await infra.connect(`tributary_${name}`),
        kafka: infra.kafka(name),
        verifier: await infra.verifier(name),
        groupSuffix,
        changeFeed,
      };
      return name === 'order' ? createOrderService({ ...base, orderDeadlineMs: options.orderDeadlineMs ?? 120_000 })
        : name === 'inventory' ? createInventoryService({ ...base, seedDemoCatalogue: options.seedDemoCatalogue ?? false })
        : name === 'payment' ? createPaymentService({ ...base, providerUrl: provider!.url, ...(options.paymentProviderTimeoutMs ? { providerTimeoutMs: options.paymentProviderTimeoutMs } : {}) })
        : createNotificationService({ ...base, smtpUrl: smtp!.url });
    }
    async function startInstance(name: SubgraphName, port = 0): Promise<{ service: Service; url: string }> {
      const service = await createInstance(name, port);
      const url = await service.start();
      stoppers.push({ name: `${name} service`, stop: () => service.stop() });
      return { service, url };
    }
    const subgraphUrls: Partial<Record<SubgraphName, string>> = {};
    for (const name of names) {
      const { service, url } = await startInstance(name);
      services[name] = service;
      subgraphUrls[name] = url;
    }

    let rateLimiter;
    if (options.rateLimit) {
      rateLimiter = createRedisRateLimiter({
        redis: createRateLimitRedis({ url: redisUrl }),
        customer: { perSecond: 50, burst: 100 },
        anonymous: { perSecond: 20, burst: 20 },
      });
    }

    const sdl = async (name: SubgraphName) => readFile(new URL(`subgraphs/${name}/src/schema.graphql`, repoRoot), 'utf8');
    const { supergraphSdl } = composeSupergraph(await Promise.all(names.map(async (name) => ({ name, url: subgraphUrls[name]!, sdl: await sdl(name) }))));
    const signer = await createAssertionSigner({ privateKeyPem: infra.keys.privateKeyPem });
    async function startGateway(subgraphUrlOverrides: Record<string, string>, limiter?: RateLimiter): Promise<string> {
      const gateway: GatewayApp = createGatewayApp({
        config: { host: '127.0.0.1', port: 0, subgraphUrlOverrides, readyTimeoutMs: 2000, shutdownGraceMs: 2000, introspection: options.introspection ?? false },
        logger,
        supergraphSdl,
        verifyToken: createTokenVerifier({ key: { kind: 'secret', secret: new TextEncoder().encode(JWT_SECRET) }, issuer: 'tributary', audience: 'tributary' }),
        signer,
        ...(limiter ? { rateLimiter: limiter } : {}),
      });
      const url = await gateway.start();
      stoppers.push({ name: 'gateway', stop: () => gateway.stop() });
      return url;
    }
    const graphqlUrl = await startGateway({}, rateLimiter);

    return {
      infra,
      graphqlUrl,
      subgraphUrls,
      redisUrl,
      services,
      db: (service) => infra.connect(`tributary_${service}`),
      ...(provider ? { providerUrl: provider.url } : {}),
      ...(smtp ? { mailDir: smtp.mailDir } : {}),
      token: (customerId, role = 'customer', key = JWT_SECRET) =>
        new SignJWT({ role })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(customerId)
          .setIssuer('tributary')
          .setAudience('tributary')
          .setExpirationTime('10m')
          .sign(new TextEncoder().encode(key)),
      async graphql(query, variables, token) {
        const response = await fetch(graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await response.json()) as Omit<GraphQLResult, 'status'>;
        return { status: response.status, ...body } as GraphQLResult<never>;
      },
      async restart(name) {
        const port = Number(new URL(subgraphUrls[name]!).port);
        await services[name]!.stop();
        services[name] = (await startInstance(name, port)).service;
      },
      startReplica: (name) => startInstance(name).then(({ url }) => url),
      gatewayWith: (overrides) => startGateway(overrides),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

interface Stopper {
  name: string;
  stop(): Promise<unknown>;
}

/**
 * Each part gets a bounded time to stop, then the teardown goes on with the next one (the
 * embedded broker and database stop last, which ends whatever a stuck client still waits for).
 * One stuck kafkajs disconnect must not fail a suite whose tests passed; it is printed by name
 * so that it is seen.
 */
const STOPPER_BOUND_MS = 20_000;
async function stopWithin(stopper: Stopper, boundMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const overran = new Promise<'overran'>((resolve) => {
    timer = setTimeout(() => resolve('overran'), boundMs);
  });
  const outcome = await Promise.race([stopper.stop().then(() => 'stopped' as const, () => 'failed' as const), overran]);
  clearTimeout(timer);
  if (outcome === 'overran') console.warn(`e2e stack: ${stopper.name} did not stop within ${boundMs} ms; stopping the rest`);
}

export { eventually } from '@tributary/testing/stack';
