import CircuitBreaker from 'opossum';
import { ProviderRejectedError, ProviderUnavailableError } from './errors.ts';
import type { ProviderBody, ProviderHttpClient } from './http-client.ts';

export interface ChargeRequest {
  /** Also the provider's Idempotency-Key: a retry can never charge twice. */
  paymentId: string;
  amount: { amount: number; currency: string };
  method: string;
  description: string;
}

export type ChargeResult = { outcome: 'succeeded'; chargeId: string } | { outcome: 'declined'; reason: string };

export interface PaymentProvider {
  /** Succeeded or declined; throws ProviderUnavailableError when there is no answer to act on. */
  charge(request: ChargeRequest, signal?: AbortSignal): Promise<ChargeResult>;
  /** Refunds a charge in full (at most once per key); resolves when the money is back. */
  refund(request: { chargeId: string; idempotencyKey: string }, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export interface BreakerOptions {
  /** Failure percentage over the rolling window that opens the circuit. */
  errorThresholdPercentage: number;
  /** Calls in the window before the percentage counts: a couple of failures never open it. */
  volumeThreshold: number;
  /** How long the circuit stays open before one trial call. */
  resetTimeoutMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { errorThresholdPercentage: 50, volumeThreshold: 10, resetTimeoutMs: 10_000 };

/** A 4xx that says something about the card, not about us: the payment is declined. */
function declineReason(status: number, body: ProviderBody): string | undefined {
  const error = body.error;
  if (status === 402 || (status === 400 && (error?.type === 'card_error' || error?.code === 'payment_method_unknown'))) {
    return error?.message ?? error?.code ?? `declined (HTTP ${status})`;
  }
  return undefined;
}

function describe(status: number, body: ProviderBody): string {
  return `HTTP ${status}${body.error?.code ? ` ${body.error.code}` : ''}${body.error?.message ? `: ${body.error.message}` : ''}`;
}

/**
 * The provider adapter: the HTTP calls behind one circuit breaker. While the provider fails,
 * the open circuit answers at once (ProviderUnavailableError) instead of letting every payment
 * wait out a timeout; a trial call after `resetTimeoutMs` closes it again. Declines and
 * rejections are answers, not failures: they never open the circuit.
 */
export function createPaymentProvider(http: ProviderHttpClient, breakerOptions: BreakerOptions = DEFAULT_BREAKER): PaymentProvider {
  const breaker = new CircuitBreaker((call: () => Promise<unknown>) => call(), {
    timeout: false, // the HTTP client's deadline bounds every call
    errorThresholdPercentage: breakerOptions.errorThresholdPercentage,
    volumeThreshold: breakerOptions.volumeThreshold,
    resetTimeout: breakerOptions.resetTimeoutMs,
    errorFilter: (error: unknown) => error instanceof ProviderRejectedError,
  });

  async function guarded<T>(call: () => Promise<T>): Promise<T> {
    try {
      return (await breaker.fire(call)) as T;
    } catch (error) {
      if ((error as { code?: string }).code === 'EOPENBREAKER') throw new ProviderUnavailableError('payment provider circuit is open: not calling it for now');
      throw error;
    }
  }

  return {
    charge(request, signal) {
      return guarded(async () => {
        const { amount, method, description, paymentId } = request;
        const body = { amount: amount.amount, currency: amount.currency, method, description };
        const response = await http.post('/v1/charges', body, paymentId, signal);
        if (response.status === 200 && response.body.id) return { outcome: 'succeeded', chargeId: response.body.id } as const;
        const reason = declineReason(response.status, response.body);
        if (reason) return { outcome: 'declined', reason } as const;
        throw new ProviderUnavailableError(`charge failed: ${describe(response.status, response.body)}`);
      });
    },
    refund(request, signal) {
      return guarded(async () => {
        const response = await http.post('/v1/refunds', { charge: request.chargeId }, request.idempotencyKey, signal);
        // Already refunded (under another key, by an operator): the money is back all the same.
        if (response.status === 200 || response.body.error?.code === 'charge_already_refunded') return;
        if (response.status >= 500 || response.status === 409 || response.status === 429) {
          throw new ProviderUnavailableError(`refund failed: ${describe(response.status, response.body)}`);
        }
        throw new ProviderRejectedError(`refund refused: ${describe(response.status, response.body)}`, response.status, response.body.error?.code);
      });
    },
    async close() {
      breaker.shutdown();
      await http.close();
    },
  };
}
