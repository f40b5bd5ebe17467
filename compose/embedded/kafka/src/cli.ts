// `npm run kafka -- --port 9092 --data-dir .data/kafka`: runs the broker in the foreground,
// prints one readiness line on stdout, logs to stderr, stops cleanly on SIGTERM/SIGINT.
import { Command, InvalidArgumentError, Option } from 'commander';
import pino from 'pino';
import { startBroker } from './index.ts';

function integer(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return n;
  };
}

const program = new Command()
  .name('kafka')
  .description('Single-node Kafka-protocol broker (embedded Tributary stack)')
  .option('--port <port>', 'port to listen on (0 = any free port)', integer(0), 9092)
  .option('--host <host>', 'address to bind and advertise', '127.0.0.1')
  .option('--data-dir <dir>', 'where logs, topics and offsets are stored', '.data/kafka')
  .option('--partitions <n>', 'partitions of auto-created topics', integer(1), 1)
  .option('--no-auto-create', 'do not create unknown topics on metadata requests')
  .option('--no-verify-crc', 'skip checking the CRC32C of produced batches')
  .option('--max-frame-bytes <n>', 'requests above this size close the connection', integer(1024), 100 * 1024 * 1024)
  .option('--partial-frame-timeout-ms <ms>', 'close a connection idle this long in the middle of a request', integer(1), 30_000)
  .addOption(new Option('--fsync <policy>', 'fsync before acking acks=-1').choices(['always', 'never']).default('always'))
  .option('--log-level <level>', 'pino log level', 'info')
  .parse();

const opts = program.opts<{
  port: number;
  host: string;
  dataDir: string;
  partitions: number;
  autoCreate: boolean;
  verifyCrc: boolean;
  maxFrameBytes: number;
  partialFrameTimeoutMs: number;
  fsync: 'always' | 'never';
  logLevel: string;
}>();

const logger = pino({ level: opts.logLevel }, pino.destination(2));

try {
  const broker = await startBroker({
    port: opts.port,
    host: opts.host,
    dataDir: opts.dataDir,
    defaultPartitions: opts.partitions,
    autoCreateTopics: opts.autoCreate,
    verifyCrcOnProduce: opts.verifyCrc,
    maxFrameBytes: opts.maxFrameBytes,
    partialFrameTimeoutMs: opts.partialFrameTimeoutMs,
    fsync: opts.fsync,
    logger,
  });
  process.stdout.write(`kafka broker listening on ${broker.address} (data: ${opts.dataDir})\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping kafka broker');
    broker.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (err) {
  logger.fatal({ err }, 'kafka broker failed to start');
  // The plain reason too, for people (and the stack launcher's error report) reading stderr.
  process.stderr.write(`kafka broker failed to start: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
