import { handleCommand, type CommandHandlerDeps } from '@tributary/bus';
import type { Logger } from '@tributary/telemetry';
import { isChargeDue, paymentDecider, type ChargeablePayment, type PaymentCommand } from '../domain/index.ts';
import { ProviderUnavailableError } from '../provider/errors.ts';
import type { ChargeResult, PaymentProvider } from '../provider/payment-provider.ts';
import type { ChargeReferences } from './charge-references.ts';
import type { ChargeClaims } from './claims.ts';
import { loadPayment, systemMetadata } from './load-payment.ts';
import type { Refunder } from './refunder.ts';
import { retryDelayMs, type RetrySchedule } from './retry-schedule.ts';

export interface ChargerDeps {
  commands: CommandHandlerDeps;
  provider: PaymentProvider;
  claims: ChargeClaims;
  references: ChargeReferences;
  refunder: Refunder;
  retry: RetrySchedule;
  /** This replica's name on claims. */
  owner: string;
  /** Longer than one charge plus its bookkeeping; a crashed owner's claim expires after it. */
  claimTtlMs: number;
  logger: Logger;
  random?: () => number;
}

export type WorkOutcome = 'busy' | 'idle' | 'captured' | 'declined' | 'failed' | 'refunded' | 'stopped';

export interface Charger {
  /** Does what the order's payment needs now: charge it if due, or refund money owed. */
  work(orderId: string, signal?: AbortSignal): Promise<WorkOutcome>;
}

/**
 * One attempt at settling a payment, shared by the reactions (at once, for low latency) and
 * the retry worker (later, after failures). The state is read from the event store after the
 * claim, so an attempt never acts on a stale read model.
 */
export function createCharger(deps: ChargerDeps): Charger {
  const { commands, provider, logger } = deps;
  const now = commands.now;

  async function decide(orderId: string, causationId: string, command: PaymentCommand) {
    return handleCommand(commands, paymentDecider, orderId, command, systemMetadata(orderId, causationId));
  }

  async function charge(payment: ChargeablePayment, causationId: string, signal?: AbortSignal): Promise<WorkOutcome> {
    const { orderId } = payment;
    let result: ChargeResult;
    try {
      // The provider refuses zero amounts; nothing to take means nothing to ask for.
      result = payment.amount.amount === 0
        ? { outcome: 'succeeded', chargeId: '' }
        : await provider.charge({ paymentId: payment.paymentId, amount: payment.amount, method: payment.method, description: `order ${orderId}` }, signal);
    } catch (error) {
      // Shutting down is not a failed attempt: the next start tries again.
      if (signal?.aborted) return 'stopped';
      if (!(error instanceof ProviderUnavailableError)) throw error;
      const attempt = payment.failedAttempts + 1;
      const nextAttemptAt = new Date(now().getTime() + retryDelayMs(attempt, deps.retry, deps.random));
      logger.warn({ orderId, attempt, nextAttemptAt, err: error.message }, 'charge attempt failed; will retry');
      await decide(orderId, causationId, { type: 'RecordAttemptFailed', data: { orderId, attempt, error: error.message, nextAttemptAt, now: now() } });
      return 'failed';
    }
    if (result.outcome === 'declined') {
      await decide(orderId, causationId, { type: 'Decline', data: { orderId, reason: result.reason, now: now() } });
      return 'declined';
    }
    if (result.chargeId) await deps.references.save(orderId, result.chargeId, now());
    const captured = await decide(orderId, causationId, { type: 'Capture', data: { orderId, now: now() } });
    // The order was cancelled while the charge was in flight: the money goes straight back.
    if (captured.state.status === 'CAPTURED' && captured.state.refundOwed) {
      await deps.refunder.refund(captured.state, systemMetadata(orderId, captured.appended.at(-1)?.id ?? causationId), signal);
      return 'refunded';
    }
    return 'captured';
  }

  return {
    async work(orderId, signal) {
      if (!(await deps.claims.claim(orderId, deps.owner, deps.claimTtlMs, now()))) return 'busy';
      try {
        const { state, lastEventId } = await loadPayment(commands.store, orderId);
        if (!lastEventId) return 'idle';
        if (state.status === 'CAPTURED' && state.refundOwed) {
          await deps.refunder.refund(state, systemMetadata(orderId, lastEventId), signal);
          return 'refunded';
        }
        if (!isChargeDue(state, now())) return 'idle';
        return await charge(state, lastEventId, signal);
      } finally {
        await deps.claims.release(orderId, deps.owner).catch((err: unknown) => logger.warn({ err, orderId }, 'could not release a charge claim; it expires'));
      }
    },
  };
}
