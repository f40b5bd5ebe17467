import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import pino from 'pino';
import { startMongo } from './index.ts';

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be an integer between 0 and 65535');
  return n;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

const program = new Command()
  .name('embedded-mongo')
  .description('Standalone MongoDB-protocol server for the zero-install stack (not a production database)')
  .option('--port <port>', 'TCP port (0 = pick a free one)', parsePort, 27017)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--data-dir <dir>', 'directory for the snapshot and journal', '.data/mongo')
  .addOption(new Option('--fsync <mode>', 'fsync every acknowledged write').choices(['always', 'never']).default('always'))
  .option('--ttl-interval-ms <ms>', 'how often TTL indexes are enforced', parsePositive, 1000)
  .option('--compact-journal-bytes <n>', 'snapshot once the journal exceeds this size', parsePositive, 64 * 1024 * 1024)
  .option('--log-level <level>', 'pino log level', process.env.LOG_LEVEL ?? 'info')
  .parse();

const opts = program.opts<{
  port: number;
  host: string;
  dataDir: string;
  fsync: 'always' | 'never';
  ttlIntervalMs: number;
  compactJournalBytes: number;
  logLevel: string;
}>();
const logger = pino({ name: 'embedded-mongo', level: opts.logLevel }, pino.destination(2));
const dataDir = path.resolve(opts.dataDir);

try {
  const server = await startMongo({
    port: opts.port,
    host: opts.host,
    dataDir,
    logger,
    fsync: opts.fsync,
    ttlIntervalMs: opts.ttlIntervalMs,
    compactJournalBytes: opts.compactJournalBytes,
  });
  process.stdout.write(`mongo server listening on ${server.uri} (data: ${dataDir})\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    server.close().then(
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
  logger.fatal({ err }, 'failed to start');
  process.exit(1);
}
