import net from 'node:net';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { Logger } from 'pino';
import { CommandRunner } from './command-runner.ts';
import { serveConnection } from './connection.ts';
import { Persistence } from './store/persistence.ts';
import type { FsyncMode } from './store/journal.ts';

export interface MongoServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  dataDir: string;
  logger?: Logger;
  /** 'always' (default): every acknowledged write is fsync'd. 'never': leave it to the OS. */
  fsync?: FsyncMode;
  ttlIntervalMs?: number;
  /** Write a snapshot and empty the journal once it exceeds this many bytes (default 64 MiB). */
  compactJournalBytes?: number;
  /** Close a connection silent this long in the middle of a message (default 30 s). */
  partialFrameTimeoutMs?: number;
}

export interface RunningMongoServer {
  host: string;
  port: number;
  /** host:port */
  address: string;
  /** mongodb://host:port */
  uri: string;
  close(): Promise<void>;
}

const CURSOR_SWEEP_MS = 60_000;

/** Starts the embedded MongoDB-protocol server; resolves once it accepts connections. */
export async function startMongo(options: MongoServerOptions): Promise<RunningMongoServer> {
  const logger = options.logger ?? pino({ name: 'embedded-mongo' }, pino.destination(2));
  const host = options.host ?? '127.0.0.1';
  const { persistence, catalog } = await Persistence.open(options.dataDir, options.fsync ?? 'always', logger);
  const runner = new CommandRunner(catalog, persistence, logger, options.compactJournalBytes);
  const sockets = new Set<net.Socket>();
  let nextConnectionId = 1;

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, nextConnectionId++, runner, logger, options.partialFrameTimeoutMs);
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
    await persistence.close(); // releases the data directory lock
    throw err;
  }
  server.on('error', (err) => logger.error({ err }, 'server error'));

  let ttlRunning = false;
  const ttlTimer = setInterval(() => {
    if (ttlRunning) return;
    ttlRunning = true;
    runner
      .expireTtl()
      .catch((err: unknown) => logger.error({ err }, 'ttl pass failed'))
      .finally(() => {
        ttlRunning = false;
      });
  }, options.ttlIntervalMs ?? 1000);
  const sweepTimer = setInterval(() => runner.cursors.sweepIdle(), CURSOR_SWEEP_MS);
  ttlTimer.unref();
  sweepTimer.unref();

  const port = (server.address() as AddressInfo).port;
  const address = `${host}:${port}`;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(ttlTimer);
      clearInterval(sweepTimer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
      await runner.compact();
      await persistence.close();
      logger.info({ address }, 'mongo server stopped');
    })();
    return closing;
  };

  logger.info({ address, dataDir: options.dataDir }, 'mongo server started');
  return { host, port, address, uri: `mongodb://${address}`, close };
}
