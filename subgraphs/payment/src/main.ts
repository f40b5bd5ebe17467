import { runService } from '@tributary/service';
import { createPaymentService } from './app.ts';
import { loadConfig } from './config.ts';

/** Starts the payment subgraph; prints "payment subgraph ready at URL" and stops on SIGTERM / SIGINT. */
await runService('payment', () => loadConfig(), (config, resources) =>
  createPaymentService({
    config,
    ...resources,
    providerUrl: config.env.PAYMENT_PROVIDER_URL,
    providerTimeoutMs: config.env.PAYMENT_PROVIDER_TIMEOUT_MS,
    retry: { initialDelayMs: config.env.PAYMENT_RETRY_INITIAL_MS, maxDelayMs: config.env.PAYMENT_RETRY_MAX_MS },
    retryPollMs: config.env.PAYMENT_RETRY_POLL_MS,
    breaker: { resetTimeoutMs: config.env.PAYMENT_BREAKER_RESET_MS },
  }),
);
