import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { startRedis } from './index.ts';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError('expected a TCP port between 0 and 65535');
  }
  return port;
}

const program = new Command()
  .name('embedded-redis')
  .description('In-memory Redis-protocol (RESP2) server for local development and tests; nothing is persisted')
  .option('-p, --port <port>', 'TCP port (0 picks a free one)', parsePort, 6379)
  .option('-H, --host <host>', 'interface to bind', '127.0.0.1')
  .option('--log-level <level>', 'pino log level', 'info')
  .option('--partial-frame-timeout-ms <ms>', 'close a connection idle this long in the middle of a command', parseTimeout, 30_000)
  .parse();

function parseTimeout(value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 1) throw new InvalidArgumentError('expected a positive integer (milliseconds)');
  return ms;
}

const options = program.opts<{ port: number; host: string; logLevel: string; partialFrameTimeoutMs: number }>();
// Logs go to stderr so that stdout carries only the readiness line.
const logger = pino({ level: options.logLevel, name: 'embedded-redis' }, pino.destination({ dest: 2, sync: true }));

let running: Awaited<ReturnType<typeof startRedis>>;
try {
  running = await startRedis({
    port: options.port,
    host: options.host,
    logger,
    limits: { partialFrameTimeoutMs: options.partialFrameTimeoutMs },
  });
} catch (cause) {
  // Typically EADDRINUSE: say so plainly instead of an unhandled rejection trace.
  logger.fatal({ err: cause, host: options.host, port: options.port }, 'cannot start the redis server');
  process.exit(1);
}
process.stdout.write(`redis server listening on ${running.url}\n`);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  running.close().then(
    () => process.exit(0),
    (cause: unknown) => {
      logger.error({ err: cause }, 'failed to stop cleanly');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
