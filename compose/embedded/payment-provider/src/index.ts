import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { createLedger } from './ledger.ts';
import { createProviderServer } from './server.ts';

export { FLAKY_FAILURES_PER_KEY, TEST_METHODS, type Charge, type Refund, type Stats, type TestMethod } from './ledger.ts';

export interface PaymentProviderOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Interface to bind; defaults to 127.0.0.1. */
  host?: string;
  logger?: Logger;
  /** How long pm_card_timeout holds a request before dropping it (default 30 s). */
  timeoutHoldMs?: number;
}

export interface RunningPaymentProvider {
  /** `http://host:port`, for PAYMENT_PROVIDER_URL. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts a Stripe-like payment provider for development and tests: charges and refunds with
 * idempotency keys, test payment methods that succeed, decline, fail twice or hang, and counts
 * (GET /v1/stats) so tests can check that a customer was charged once. State lives in memory.
 */
export async function startPaymentProvider(options: PaymentProviderOptions): Promise<RunningPaymentProvider> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? pino({ level: 'silent' });
  const server = createProviderServer({ ledger: createLedger(), logger, timeoutHoldMs: options.timeoutHoldMs ?? 30_000 });
  await new Promise<void>((resolve, reject) => {
    server.httpServer.once('error', reject);
    server.httpServer.listen(options.port, host, () => {
      server.httpServer.off('error', reject);
      resolve();
    });
  });
  const { port } = server.httpServer.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url }, 'payment provider listening');
  return { url, port, close: () => server.close() };
}
