// Public entry point: startBroker() opens the data directory, listens, and returns a handle
// whose close() stops everything (server, connections, timers, files).
import { mkdir } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import pino, { type Logger } from 'pino';
import type { BrokerContext } from './broker-context.ts';
import { GroupCoordinator } from './groups/group-coordinator.ts';
import { buildHandlers } from './handlers/index.ts';
import { Connection } from './server/connection.ts';
import { FetchWaiters } from './server/fetch-waiters.ts';
import { lockDataDir } from './storage/data-dir-lock.ts';
import { OffsetStore } from './storage/offset-store.ts';
import { TopicRegistry } from './storage/topic-registry.ts';

export interface BrokerOptions {
  /** 0 (default) picks a free port */
  port?: number;
  /** default '127.0.0.1'; also the host advertised in metadata */
  host?: string;
  dataDir: string;
  /** partitions of auto-created topics and of CreateTopics with -1; default 1 */
  defaultPartitions?: number;
  /** create unknown topics named in Metadata requests; default true */
  autoCreateTopics?: boolean;
  /** 'always' (default): fsync before acknowledging acks=-1 produces and offset commits */
  fsync?: 'always' | 'never';
  logger?: Logger;
  /** default 1 */
  nodeId?: number;
  /** frames above this size close the connection; default 100 MiB */
  maxFrameBytes?: number;
  /**
   * a connection that has sent part of a frame and then nothing for this long is closed (a
   * client that stalls mid-request holds its buffered bytes); default 30 s
   */
  partialFrameTimeoutMs?: number;
  /** verify each produced batch's CRC32C (as Kafka does; ~1 GB/s); default true */
  verifyCrcOnProduce?: boolean;
  /** recent batches kept in memory per partition; default 32 MiB */
  cacheBytesPerPartition?: number;
}

export interface BrokerHandle {
  host: string;
  port: number;
  /** 'host:port', ready for kafkajs `brokers: [address]` */
  address: string;
  close(): Promise<void>;
}

export async function startBroker(options: BrokerOptions): Promise<BrokerHandle> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? pino({ level: 'info' }, pino.destination(2));
  const fsyncAlways = (options.fsync ?? 'always') === 'always';
  const maxFrameBytes = options.maxFrameBytes ?? 100 * 1024 * 1024;
  const partialFrameTimeoutMs = options.partialFrameTimeoutMs ?? 30_000;
  await mkdir(options.dataDir, { recursive: true });
  // Before anything reads or repairs the files: a second broker on this directory must not touch them.
  const unlock = await lockDataDir(options.dataDir);
  try {
    return await openAndListen(options, { host, logger, fsyncAlways, maxFrameBytes, partialFrameTimeoutMs, unlock });
  } catch (err) {
    await unlock();
    throw err;
  }
}

interface Resolved {
  host: string;
  logger: Logger;
  fsyncAlways: boolean;
  maxFrameBytes: number;
  partialFrameTimeoutMs: number;
  unlock: () => Promise<void>;
}

async function openAndListen(options: BrokerOptions, resolved: Resolved): Promise<BrokerHandle> {
  const { host, logger, fsyncAlways, maxFrameBytes, partialFrameTimeoutMs, unlock } = resolved;
  const topics = await TopicRegistry.open({
    dataDir: options.dataDir,
    fsync: fsyncAlways,
    logger,
    cacheBytesPerPartition: options.cacheBytesPerPartition ?? 32 * 1024 * 1024,
  });
  const offsets = await OffsetStore.open(options.dataDir, fsyncAlways, logger);
  const fetchWaiters = new FetchWaiters();
  const ctx: BrokerContext = {
    config: {
      nodeId: options.nodeId ?? 1,
      // Advertise an address clients can dial, never a wildcard.
      host: host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host,
      port: 0,
      clusterId: 'tributary-embedded-kafka',
      defaultPartitions: options.defaultPartitions ?? 1,
      autoCreateTopics: options.autoCreateTopics ?? true,
      fsyncAlways,
      verifyCrcOnProduce: options.verifyCrcOnProduce ?? true,
      maxMessageBytes: maxFrameBytes,
    },
    topics,
    offsets,
    groups: new GroupCoordinator(logger, (topics) => fetchWaiters.hurry(topics)),
    fetchWaiters,
    logger,
  };
  topics.onAppend = (topic, partition) => ctx.fetchWaiters.notify(topic, partition);
  const handlers = buildHandlers(ctx);

  const connections = new Set<Connection>();
  const sockets = new Set<Socket>();
  let nextConnectionId = 1;
  const server = createServer((socket) => {
    const conn = new Connection(socket, { maxFrameBytes, partialFrameTimeoutMs, connectionId: nextConnectionId++, handlers, logger });
    connections.add(conn);
    sockets.add(socket);
    socket.on('close', () => {
      connections.delete(conn);
      sockets.delete(socket);
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    // e.g. EADDRINUSE: close the files so the caller can release the lock cleanly.
    ctx.groups.close();
    await topics.close();
    await offsets.close();
    throw err;
  }
  server.on('error', (err) => logger.error({ err }, 'server error'));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('unexpected server address');
  ctx.config.port = address.port;
  logger.debug({ host: ctx.config.host, port: address.port, dataDir: options.dataDir }, 'kafka broker started');

  let closing: Promise<void> | null = null;
  const close = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    ctx.fetchWaiters.cancelAll();
    ctx.groups.close();
    for (const conn of connections) conn.end();
    await closed;
    await topics.close();
    await offsets.close();
    await unlock();
  };
  return {
    host: ctx.config.host,
    port: address.port,
    address: `${ctx.config.host}:${address.port}`,
    close: () => (closing ??= close()),
  };
}
