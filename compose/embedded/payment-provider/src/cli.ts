import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { startPaymentProvider } from './index.ts';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError('expected a TCP port between 0 and 65535');
  return port;
}

function parseMs(value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0) throw new InvalidArgumentError('expected a duration in milliseconds');
  return ms;
}

const program = new Command()
  .name('embedded-payment-provider')
  .description('Stripe-like payment provider for development and tests (in memory): pm_card_ok, pm_card_declined, pm_card_flaky, pm_card_timeout')
  .option('-p, --port <port>', 'TCP port (0 picks a free one)', parsePort, 4100)
  .option('-H, --host <host>', 'interface to bind', '127.0.0.1')
  .option('--timeout-hold <ms>', 'how long pm_card_timeout holds a request before dropping it', parseMs, 30_000)
  .option('--log-level <level>', 'pino log level', 'info')
  .parse();

const options = program.opts<{ port: number; host: string; timeoutHold: number; logLevel: string }>();
// Logs go to stderr so that stdout carries only the readiness line.
const logger = pino({ level: options.logLevel, name: 'payment-provider' }, pino.destination({ dest: 2, sync: true }));

let running: Awaited<ReturnType<typeof startPaymentProvider>>;
try {
  running = await startPaymentProvider({ port: options.port, host: options.host, logger, timeoutHoldMs: options.timeoutHold });
} catch (cause) {
  logger.fatal({ err: cause, host: options.host, port: options.port }, 'cannot start the payment provider');
  process.exit(1);
}
process.stdout.write(`payment provider listening on ${running.url}\n`);

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
