import { createServer, type Socket } from 'node:net';
import { pino, type Logger } from 'pino';
import { DEFAULT_PARSER_LIMITS } from './resp/parser.ts';
import { createCommandTable } from './commands/table.ts';
import type { ServerState } from './commands/types.ts';
import { PubSubHub } from './pubsub/hub.ts';
import { createDatabases, type Clock } from './store/keyspace.ts';
import { serveConnection, type ConnectionLimits } from './server/client-connection.ts';

export type { ConnectionLimits };

export interface RedisServerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; defaults to 127.0.0.1. */
  host?: string;
  logger?: Logger;
  /**
   * Bulk-size, query-buffer and subscriber-output limits (defaults follow redis-server), and how
   * long a connection may stay silent in the middle of a command (default 30 s).
   */
  limits?: Partial<ConnectionLimits>;
  /** Source of "now" in ms since the epoch, for key expiry. Defaults to Date.now. */
  now?: Clock;
}

export interface RunningRedis {
  host: string;
  port: number;
  /** `host:port` */
  address: string;
  /** `redis://host:port`, for ioredis or REDIS_URL */
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  ...DEFAULT_PARSER_LIMITS,
  maxSubscriberOutputBytes: 32 * 1024 * 1024,
  partialFrameTimeoutMs: 30_000,
};

/** Like redis-server: 16 databases, selected per connection with SELECT. */
const DATABASE_COUNT = 16;
const SWEEP_INTERVAL_MS = 100;
const SWEEP_BUDGET_PER_DB = 2_000;

/**
 * Starts an in-memory server speaking RESP2 with the Redis commands Tributary uses. Nothing is
 * persisted: the project keeps only ephemeral data in Redis (pub/sub fan-out, dedup fast path,
 * rate-limit counters), never records it must keep.
 */
export async function startRedis(options: RedisServerOptions = {}): Promise<RunningRedis> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? pino({ level: 'silent' });
  const now = options.now ?? Date.now;
  const limits: ConnectionLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const sockets = new Set<Socket>();
  const databases = createDatabases(DATABASE_COUNT, now);
  const table = createCommandTable();
  let boundPort = 0;
  let nextClientId = 1;

  const state: ServerState = {
    databases,
    hub: new PubSubHub(),
    now,
    startedAt: now(),
    port: () => boundPort,
    connectedClients: () => sockets.size,
  };

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serveConnection(socket, { id: nextClientId++, table, server: state, limits, logger });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (cause) => logger.error({ err: cause }, 'redis server error'));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('redis server has no TCP address');
  boundPort = address.port;

  // Active expiry, so keys nobody reads again still leave memory.
  const sweeper = setInterval(() => {
    for (const db of databases) db.sweep(SWEEP_BUDGET_PER_DB);
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      clearInterval(sweeper);
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closed;
  };

  logger.info({ host, port: boundPort }, 'redis server listening');
  return { host, port: boundPort, address: `${host}:${boundPort}`, url: `redis://${host}:${boundPort}`, close };
}
