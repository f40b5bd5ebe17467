import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { startSmtpSink } from './server.ts';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError('expected a TCP port between 0 and 65535');
  }
  return port;
}

const program = new Command()
  .name('embedded-smtp')
  .description('Local SMTP sink for development and tests: stores every message as <data-dir>/mail/<message-id>.eml')
  .option('-p, --port <port>', 'TCP port (0 picks a free one)', parsePort, 2525)
  .option('-H, --host <host>', 'interface to bind (no auth, no TLS: keep it on loopback)', '127.0.0.1')
  .option('-d, --data-dir <dir>', 'directory for the mail/ folder', '.data/smtp')
  .option('--log-level <level>', 'pino log level', 'info')
  .parse();

const options = program.opts<{ port: number; host: string; dataDir: string; logLevel: string }>();
// Logs go to stderr so that stdout carries only the readiness line.
const logger = pino({ level: options.logLevel, name: 'embedded-smtp' }, pino.destination({ dest: 2, sync: true }));

let running: Awaited<ReturnType<typeof startSmtpSink>>;
try {
  running = await startSmtpSink({ port: options.port, host: options.host, dataDir: path.resolve(options.dataDir), logger });
} catch (cause) {
  // Typically EADDRINUSE: say so plainly instead of an unhandled rejection trace.
  logger.fatal({ err: cause, host: options.host, port: options.port }, 'cannot start the smtp sink');
  process.exit(1);
}
process.stdout.write(`smtp sink listening on ${running.url} (mail in ${running.mailDir})\n`);

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
