import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { Kafka, logLevel } from 'kafkajs';
import mongoose, { type Connection } from 'mongoose';
import { createLogger } from '@tributary/telemetry';
import { startBroker } from '../../../compose/embedded/kafka/src/index.ts';
import { startMongo } from '../../../compose/embedded/mongo/src/index.ts';
import { createOrderApp, type OrderApp } from '../../../subgraphs/order/src/app.ts';
import { createGatewayApp, type GatewayApp } from '../../src/app.ts';
import { ensureDevSecret } from '../../src/auth/dev-secret.ts';
import { createTokenVerifier } from '../../src/auth/verify-token.ts';
import { composeSupergraph } from '../../src/supergraph/compose.ts';

const ORDER_SDL = new URL('../../../subgraphs/order/src/schema.graphql', import.meta.url);

export interface GraphQLResult<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; [key: string]: unknown } }[];
}

/**
 * The first vertical slice on the embedded stack, in one process: the Kafka broker and the
 * MongoDB server on free ports and a temp dir, the order subgraph wired to them with the real
 * kafkajs and mongoose clients, and the gateway in front with a fresh dev secret.
 */
export interface OrderStack {
  kafka: Kafka;
  kafkaAddress: string;
  /** A separate connection for assertions on what is stored. */
  db: Connection;
  graphqlUrl: string;
  token(customerId: string, role?: 'customer' | 'admin', secret?: string): Promise<string>;
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResult<T>>;
  stop(): Promise<void>;
}

export async function startOrderStack(): Promise<OrderStack> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tributary-e2e-'));
  const logger = createLogger('e2e', 'silent');
  const broker = await startBroker({ port: 0, dataDir: path.join(dir, 'kafka'), logger });
  const mongo = await startMongo({ port: 0, dataDir: path.join(dir, 'mongo'), logger });
  const kafka = new Kafka({ clientId: 'e2e', brokers: [broker.address], logLevel: logLevel.NOTHING });
  const orderConnection = await mongoose.createConnection(`${mongo.uri}/tributary_order`).asPromise();
  const db = await mongoose.createConnection(`${mongo.uri}/tributary_order`).asPromise();

  const order: OrderApp = createOrderApp({
    config: { host: '127.0.0.1', port: 0, kafkaPartitions: 3 },
    logger,
    connection: orderConnection,
    kafka: new Kafka({ clientId: 'order', brokers: [broker.address], logLevel: logLevel.NOTHING }),
  });
  const orderUrl = await order.start();

  const secret = await ensureDevSecret(path.join(dir, 'auth', 'jwt-secret'));
  const { supergraphSdl } = composeSupergraph([{ name: 'order', url: orderUrl, sdl: await readFile(ORDER_SDL, 'utf8') }]);
  const gateway: GatewayApp = createGatewayApp({
    config: { host: '127.0.0.1', port: 0, subgraphUrlOverrides: {}, readyTimeoutMs: 2000, shutdownGraceMs: 2000 },
    logger,
    supergraphSdl,
    verifyToken: createTokenVerifier({
      key: { kind: 'secret', secret: new TextEncoder().encode(secret) },
      issuer: 'tributary',
      audience: 'tributary',
    }),
  });
  const graphqlUrl = await gateway.start();

  return {
    kafka,
    kafkaAddress: broker.address,
    db,
    graphqlUrl,
    token: (customerId, role = 'customer', key = secret) =>
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
    async stop() {
      await gateway.stop().catch(() => undefined);
      await order.stop().catch(() => undefined);
      await Promise.all([orderConnection.close(), db.close()]).catch(() => undefined);
      await Promise.all([broker.close(), mongo.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | null>,
  timeoutMs = 15_000,
  what = 'condition',
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
