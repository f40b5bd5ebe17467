import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Actor } from '@tributary/contracts';
import {
  ASSERTION_HEADER,
  createAssertionSigner,
  createAssertionVerifier,
  generateAssertionKeyPair,
  type AssertionSigner,
  type AssertionVerifier,
} from '@tributary/http';
import { startBroker, type BrokerHandle } from '@tributary/embedded-kafka';
import { startMongo, type RunningMongoServer } from '@tributary/embedded-mongo';
import { startRedis, type RunningRedis } from '@tributary/embedded-redis';
import { Kafka, logLevel } from 'kafkajs';
import mongoose, { type Connection } from 'mongoose';

/**
 * The servers a service needs, for integration and end-to-end tests: the embedded Kafka broker
 * and MongoDB server on free ports in a temp dir (real kafkajs and mongoose talk to them), and
 * a fresh gateway key pair, so tests can sign requests the way the gateway does.
 */
export interface TestInfrastructure {
  dir: string;
  kafkaAddress: string;
  mongoUri: string;
  /** redis://… of the embedded Redis, when started with `redis: true`. */
  redisUrl?: string;
  keys: { privateKeyPem: string; publicKeyPem: string };
  /** Signs assertions as the gateway does. */
  signer: AssertionSigner;
  kafka(clientId: string): Kafka;
  /** A new mongoose connection to one database; closed by stop(). */
  connect(database: string): Promise<Connection>;
  /** A verifier for one subgraph, as its main would build it. */
  verifier(audience: string): Promise<AssertionVerifier>;
  stop(): Promise<void>;
}

export interface InfrastructureOptions {
  /** 'never' makes tests faster; durability tests keep 'always'. */
  fsync?: 'always' | 'never';
  /** Partitions of auto-created topics. */
  partitions?: number;
  /** Also start the embedded Redis (change feeds, rate limits). */
  redis?: boolean;
}

export async function startInfrastructure(options: InfrastructureOptions = {}): Promise<TestInfrastructure> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tributary-test-'));
  const quiet = { level: 'silent' } as const;
  const pinoSilent = (await import('pino')).default(quiet);
  const fsync = options.fsync ?? 'never';
  let broker: BrokerHandle | undefined;
  let mongo: RunningMongoServer | undefined;
  let redis: RunningRedis | undefined;
  const connections: Connection[] = [];
  try {
    broker = await startBroker({ port: 0, dataDir: path.join(dir, 'kafka'), logger: pinoSilent, fsync, defaultPartitions: options.partitions ?? 3 });
    mongo = await startMongo({ port: 0, dataDir: path.join(dir, 'mongo'), logger: pinoSilent, fsync });
    if (options.redis) redis = await startRedis({ port: 0, logger: pinoSilent });
  } catch (error) {
    await Promise.all([broker?.close(), mongo?.close()]);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const keys = await generateAssertionKeyPair();
  const signer = await createAssertionSigner({ privateKeyPem: keys.privateKeyPem });
  const { address } = broker;
  const { uri } = mongo;
  return {
    dir,
    kafkaAddress: address,
    mongoUri: uri,
    ...(redis ? { redisUrl: redis.url } : {}),
    keys,
    signer,
    kafka: (clientId) => new Kafka({ clientId, brokers: [address], logLevel: logLevel.NOTHING }),
    async connect(database) {
      const connection = await mongoose.createConnection(`${uri}/${database}`).asPromise();
      connections.push(connection);
      return connection;
    },
    verifier: (audience) => createAssertionVerifier({ publicKeyPem: keys.publicKeyPem, audience }),
    async stop() {
      await Promise.all(connections.map((connection) => connection.close().catch(() => undefined)));
      await Promise.all([broker?.close(), mongo?.close(), redis?.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface GraphQLResult<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; [key: string]: unknown } }[];
}

/**
 * Calls a subgraph directly as the gateway would: the body signed for `audience` with the
 * caller `actor` (null: anonymous). Pass `signer: null` to send no assertion at all.
 */
export async function callSubgraph<T = Record<string, unknown>>(
  url: string,
  request: { query: string; variables?: Record<string, unknown> },
  options: { audience: string; actor: Actor | null; signer: AssertionSigner | null; headers?: Record<string, string> },
): Promise<GraphQLResult<T>> {
  const body = JSON.stringify(request);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.signer) headers[ASSERTION_HEADER] = await options.signer.sign(options.audience, options.actor, body);
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as Omit<GraphQLResult<T>, 'status'>) : {};
  return { status: response.status, ...parsed };
}

/** Polls `probe` until it returns a value (not undefined/null/false), or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
  what = 'condition',
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
