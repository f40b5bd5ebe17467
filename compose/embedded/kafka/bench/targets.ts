import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { spawnChildBroker } from '../test/helpers/child-broker.ts';
import { makeTempDir } from '../test/helpers/temp-dir.ts';
import { withTimeout } from '../test/helpers/wait.ts';

/** A broker the benchmark can point kafkajs at, and stop afterwards. */
export interface BenchTarget {
  name: string;
  address: string;
  /** this broker's fsync policy; null for the mock (in memory, nothing to fsync) */
  fsync: 'always' | 'never' | null;
  /** CreateTopics works here; the mock's fails in kafkajs (no usable controller), it auto-creates */
  useCreateTopics: boolean;
  stop(): Promise<void>;
}

/**
 * This project's broker in a child process (tsx CLI), with a throwaway data dir: the broker gets
 * its own event loop, like the mock cluster which runs on librdkafka threads in the kcat process.
 */
export async function startProjectBroker(fsync: 'always' | 'never'): Promise<BenchTarget> {
  const dir = await makeTempDir('tributary-kafka-bench-');
  const broker = await spawnChildBroker({ dataDir: dir.path, fsync, logLevel: 'warn' });
  return {
    name: `this broker (fsync ${fsync})`,
    address: broker.address,
    fsync,
    useCreateTopics: true,
    async stop() {
      await broker.stop();
      await dir.remove();
    },
  };
}

// librdkafka prints this (log level 5, to stderr) when test.mock.num.brokers is set:
// "Mock cluster enabled: original bootstrap.servers and security.protocol ignored and replaced with 127.0.0.1:PORT"
const mockBootstrap = /Mock cluster enabled:.*replaced with (\S+)/;

/**
 * librdkafka's in-process mock cluster, hosted by a kcat consumer that idles on a keep-alive topic
 * (kcat -C runs until killed, so the mock stays up while kafkajs benchmarks against it).
 */
export async function startMockCluster(): Promise<BenchTarget> {
  const child = spawn(
    'kcat',
    ['-X', 'test.mock.num.brokers=1', '-b', '127.0.0.1:9', '-C', '-t', 'bench-keepalive', '-q', '-o', 'end'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const bootstrap = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const match = mockBootstrap.exec(line);
      if (match) resolve(match[1]!.split(',')[0]!);
    });
    child.once('error', reject);
    void exited.then(() => reject(new Error('kcat mock cluster exited before printing its address')));
  });
  let address: string;
  try {
    address = await withTimeout('kcat mock cluster bootstrap line', bootstrap, 10_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    name: 'librdkafka mock',
    address,
    fsync: null,
    useCreateTopics: false,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
