import { loadServiceConfig } from '@tributary/service';
import { z } from 'zod';

const ms = (fallback: number, min = 1) => z.coerce.number().int().min(min).max(3_600_000).default(fallback);

/**
 * The payment service's settings: the kit's shared ones plus the provider's. The only reader of
 * process.env in this service; a bad value stops the process at start with every problem listed.
 */
export const paymentEnv = {
  /** Where the payment provider listens, e.g. http://127.0.0.1:4100 (the embedded one in dev). */
  PAYMENT_PROVIDER_URL: z.url({ protocol: /^https?$/, error: 'PAYMENT_PROVIDER_URL is required (http(s) URL of the payment provider)' }),
  /** Deadline of one provider call: a hanging provider costs at most this per attempt. */
  PAYMENT_PROVIDER_TIMEOUT_MS: ms(2_000),
  /** First retry delay after a failed charge; it doubles per failure up to the maximum. */
  PAYMENT_RETRY_INITIAL_MS: ms(200),
  PAYMENT_RETRY_MAX_MS: ms(30_000),
  /** How often the retry worker looks for due payments. */
  PAYMENT_RETRY_POLL_MS: ms(500, 10),
  /** How long an open circuit refuses calls before one trial call. */
  PAYMENT_BREAKER_RESET_MS: ms(10_000),
};

export type PaymentConfig = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadServiceConfig('payment', env, { defaultPort: 4003, extra: paymentEnv });
}
