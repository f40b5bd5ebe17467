import { handleCommand, PermanentMessageError, type CommandHandlerDeps } from '@tributary/bus';
import { TOPICS, type AnyEventEnvelope } from '@tributary/contracts';
import type { ConsumerDefinition } from '@tributary/service';
import { systemMetadata } from '../charging/load-payment.ts';
import type { Refunder } from '../charging/refunder.ts';
import { isChargeDue, paymentDecider } from '../domain/index.ts';
import { ProviderRejectedError } from '../provider/errors.ts';

export interface ReactionDeps {
  commands: CommandHandlerDeps;
  /** Starts the charge of a payment that just became due, without holding the partition. */
  kick(orderId: string): void;
}

export function metadataOf(envelope: AnyEventEnvelope) {
  return systemMetadata(envelope.correlationId, envelope.id, envelope.traceparent);
}

/**
 * The order saga's steps on the payment side. OrderPlaced asks for the payment (how to pay);
 * OrderCancelled voids what was not charged, or refunds what was. Every step is idempotent
 * through the decider (a redelivery decides nothing), so at-least-once delivery is safe.
 */
export function orderReactions(deps: ReactionDeps & { refunder: Refunder }): ConsumerDefinition {
  const { commands } = deps;
  return {
    name: 'order-reactions',
    topics: [TOPICS.order],
    async handle(envelope) {
      if (envelope.type === 'OrderPlaced') {
        const { orderId, customerId, paymentMethod } = envelope.data;
        const result = await handleCommand(commands, paymentDecider, orderId, { type: 'RequestPayment', data: { orderId, customerId, method: paymentMethod, now: commands.now() } }, metadataOf(envelope));
        if (isChargeDue(result.state, commands.now())) deps.kick(orderId);
        return;
      }
      if (envelope.type === 'OrderCancelled') {
        const { orderId, reason, detail } = envelope.data;
        const voided = await handleCommand(commands, paymentDecider, orderId, { type: 'Void', data: { orderId, reason: `order cancelled (${reason}): ${detail}`, now: commands.now() } }, metadataOf(envelope));
        if (voided.state.status !== 'CAPTURED') return;
        // Money moved before the cancellation: it goes back. A provider outage throws, and the
        // consumer retries with backoff; the refund's idempotency key makes the retries safe.
        try {
          await deps.refunder.refund(voided.state, metadataOf(envelope));
        } catch (error) {
          if (error instanceof ProviderRejectedError) throw new PermanentMessageError(error.message, { cause: error });
          throw error;
        }
      }
    },
  };
}
