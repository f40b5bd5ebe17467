import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import { readDevSecret, signDevToken } from '../../../gateway/src/auth/dev-token.ts';
import { parseStackConfig } from '../../embedded/stack/src/config.ts';
import { alive, readPidFile } from '../../embedded/stack/src/data-dir.ts';
import { launchStack, type StackHandle } from '../../embedded/stack/src/launch.ts';
import { readDemoConfig } from './config.ts';

/**
 * A demo's view of a stack: where it listens, a dev token, a GraphQL call, the services'
 * databases. Either a fresh stack this process starts (startDemoStack) or the one already
 * running on DATA_DIR (findRunningStack).
 */

export type ServiceName = 'order' | 'inventory' | 'payment' | 'notification';

export interface GraphQLAnswer<T> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export interface DemoSession {
  /** The launcher's handle when this process started the stack (kill/restart/addReplica/running/stop...), else undefined. */
  stack?: StackHandle;
  gatewayUrl: string;
  kafkaBrokers: string[];
  /** The MongoDB server, without a database. */
  mongoUrl: string;
  dataDir: string;
  /** The dev payment provider (its ledger answers GET /v1/charges), when known. */
  paymentProviderUrl?: string;
  /** Where the SMTP sink stores mail (one .eml per Message-ID), when known. */
  mailDir?: string;
  /** Dev JWT signed with the stack's secret (DATA_DIR/auth/jwt-secret); see gateway/src/auth/dev-token.ts. */
  token(customerId: string, role?: 'customer' | 'admin'): Promise<string>;
  /** One POST to the gateway. Rejects when no HTTP answer came (gateway down, 15 s timeout). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the kit's agreed signature: callers name T when they care
  graphql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLAnswer<T>>;
  /** A separate MongoDB connection to a service's database (tributary_<service>). */
  db(service: ServiceName): Promise<Db>;
  /** Stops what this process started (nothing when it used a running stack); closes connections. Keeps a fresh stack's DATA_DIR (child logs in logs/) when asked. */
  close(options?: { keepDataDir?: boolean }): Promise<void>;
}

/** Where the stack is; createSession adds the calls. */
type SessionParts = Omit<DemoSession, 'token' | 'graphql' | 'db' | 'close'> & { onClose: (keepDataDir: boolean) => Promise<void> };

const REQUEST_TIMEOUT_MS = 15_000;

function createSession(parts: SessionParts): DemoSession {
  const { onClose, ...addresses } = parts;
  const tokens = new Map<string, Promise<string>>();
  let secret: Promise<string> | undefined;
  let client: MongoClient | undefined;

  return {
    ...addresses,
    token(customerId, role = 'customer') {
      secret ??= readDevSecret(path.join(parts.dataDir, 'auth', 'jwt-secret'));
      const key = `${role}:${customerId}`;
      let token = tokens.get(key);
      if (!token) {
        // Long enough for any demo or chaos run, so a cached token never expires mid-run.
        token = secret.then((value) => signDevToken(value, { customerId, role, ttl: '6h' }));
        tokens.set(key, token);
      }
      return token;
    },
    async graphql(query, variables = {}, token) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      const response = await fetch(parts.gatewayUrl, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      try {
        return { status: response.status, ...(JSON.parse(text) as object) };
      } catch {
        return { status: response.status, errors: [{ message: `not a GraphQL answer: ${text.slice(0, 200)}` }] };
      }
    },
    async db(service) {
      // One client for every database; it reconnects by itself after MongoDB restarts.
      client ??= new MongoClient(parts.mongoUrl, { serverSelectionTimeoutMS: 5_000, maxPoolSize: 10 });
      return client.db(`tributary_${service}`);
    },
    async close(options = {}) {
      await client?.close().catch(() => undefined);
      await onClose(options.keepDataDir ?? false);
    },
  };
}

/** The launcher's SCALE syntax: inventory=3,order=2. */
function scaleVariable(scale: Record<string, number> | undefined): Record<string, string> {
  if (!scale || Object.keys(scale).length === 0) return {};
  return { SCALE: Object.entries(scale).map(([name, count]) => `${name}=${count}`).join(',') };
}

/**
 * A fresh stack in a temporary DATA_DIR, every port free (like gateway/bench/saga-throughput.ts;
 * with GATEWAY_PORT=0 the launcher gives the subgraphs free ports too); `scale` as the launcher's.
 * Each child's output goes to DATA_DIR/logs/<name>.log (the terminal stays readable while
 * processes are killed on purpose); the launcher's own lines go to `log`.
 */
export async function startDemoStack(
  options: { scale?: Record<string, number>; env?: Record<string, string>; log?: (line: string) => void } = {},
): Promise<DemoSession> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tributary-demo-'));
  const logDir = path.join(dataDir, 'logs');
  await mkdir(logDir, { recursive: true });
  const files = new Map<string, WriteStream>();
  const sink = (name: string, _stream: 'stdout' | 'stderr', line: string) => {
    if (name === 'stack') return log(`stack: ${line}`);
    let file = files.get(name);
    if (!file) files.set(name, (file = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' })));
    file.write(`${line}\n`);
  };
  const closeFiles = () => Promise.all([...files.values()].map((file) => new Promise((resolve) => file.end(resolve))));

  const ports = { GATEWAY_PORT: '0', KAFKA_PORT: '0', MONGO_PORT: '0', REDIS_PORT: '0', PAYMENT_PROVIDER_PORT: '0', SMTP_PORT: '0' };
  const config = parseStackConfig({
    ...readDemoConfig().baseEnv,
    ...ports,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    // A demo's own products only: the demo catalogue would be noise in its stock figures.
    SEED_DEMO_CATALOGUE: 'false',
    ...scaleVariable(options.scale),
    ...options.env,
  });
  log(`starting a fresh stack in ${dataDir} (child logs in ${logDir})...`);
  let stack: StackHandle;
  try {
    stack = await launchStack({ config, sink });
  } catch (error) {
    await closeFiles();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  if (!stack.gatewayUrl) {
    await stack.stop();
    throw new Error('the stack started without a gateway');
  }
  log(`stack up: gateway ${stack.gatewayUrl}, kafka ${stack.kafkaBrokers.join(',')}, mongo ${stack.mongoUrl}`);
  return createSession({
    stack,
    gatewayUrl: stack.gatewayUrl,
    kafkaBrokers: stack.kafkaBrokers,
    mongoUrl: stack.mongoUrl,
    dataDir,
    paymentProviderUrl: stack.paymentProviderUrl,
    mailDir: stack.mailDir,
    async onClose(keepDataDir) {
      await stack.stop();
      await closeFiles();
      if (keepDataDir) log(`kept ${dataDir} (child logs in ${logDir})`);
      else await rm(dataDir, { recursive: true, force: true });
    },
  });
}

/** The stack already running on DATA_DIR (default <repo>/.data; the pid file's `addresses`), or undefined. */
export async function findRunningStack(options: { log?: (line: string) => void; dataDir?: string } = {}): Promise<DemoSession | undefined> {
  const dataDir = options.dataDir ?? readDemoConfig().runningDataDir;
  const file = await readPidFile(dataDir);
  const addresses = file?.addresses;
  if (!file || !alive(file.pid) || !addresses?.gatewayUrl) return undefined;
  options.log?.(`using the stack running on ${dataDir} (launcher pid ${file.pid}, gateway ${addresses.gatewayUrl})`);
  return createSession({
    gatewayUrl: addresses.gatewayUrl,
    kafkaBrokers: addresses.kafkaBrokers,
    mongoUrl: addresses.mongoUrl,
    dataDir,
    // The launcher's default mail directory (compose/README.md); the provider's address is not recorded.
    mailDir: path.join(dataDir, 'smtp', 'mail'),
    onClose: async () => undefined,
  });
}
