import { pino } from 'pino';
import { startBroker } from '../../src/index.ts';
import { makeTempDir } from './temp-dir.ts';

export interface TestBroker {
  address: string;
  port: number;
  dataDir: string;
  /** Stops the broker; with `removeData` (default true) also deletes a temp dir this helper made. */
  close(options?: { removeData?: boolean }): Promise<void>;
}

export interface TestBrokerOptions {
  /** Reuse a data dir (restart tests); otherwise a temp dir is made and owned by the broker. */
  dataDir?: string;
  defaultPartitions?: number;
  autoCreateTopics?: boolean;
  fsync?: 'always' | 'never';
  maxFrameBytes?: number;
  partialFrameTimeoutMs?: number;
  /** Collect the broker's pino lines here (level info and up) instead of the default silence. */
  logLines?: string[];
}

/**
 * Starts the broker in this process on a free port. Logs are silent unless KAFKA_BROKER_LOG names
 * a pino level, so failing tests can be rerun with the broker's view of events.
 */
export async function startTestBroker(options: TestBrokerOptions = {}): Promise<TestBroker> {
  const ownDir = options.dataDir === undefined ? await makeTempDir() : undefined;
  const dataDir = options.dataDir ?? ownDir!.path;
  const lines = options.logLines;
  const logger = lines
    ? pino({ level: 'info' }, { write: (line: string) => void lines.push(line) })
    : pino({ level: process.env.KAFKA_BROKER_LOG ?? 'silent' }, pino.destination(2));
  const broker = await startBroker({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    defaultPartitions: options.defaultPartitions,
    autoCreateTopics: options.autoCreateTopics,
    fsync: options.fsync,
    maxFrameBytes: options.maxFrameBytes,
    partialFrameTimeoutMs: options.partialFrameTimeoutMs,
    logger,
  });
  let closed = false;
  return {
    address: broker.address,
    port: broker.port,
    dataDir,
    async close({ removeData = true } = {}) {
      if (!closed) {
        closed = true;
        await broker.close();
      }
      if (removeData && ownDir) await ownDir.remove();
    },
  };
}
