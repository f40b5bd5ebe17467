import { TOPICS, type AnyEventEnvelope } from '@tributary/contracts';
import type { ConsumerDefinition } from '@tributary/service';
import { SYSTEM_ACTOR, type OrderCommands, type RequestMetadata } from '../commands/order-commands.ts';

/**
 * The order's side of the choreographed saga: it owns the order's status, so it listens for the
 * other services' verdicts and turns them into commands. Every step is idempotent by the state
 * of the order stream (a redelivered verdict decides nothing new).
 *   StockRejected   -> cancelled OUT_OF_STOCK (nothing was reserved)
 *   PaymentCaptured -> CONFIRMED (payment is only taken once stock is reserved)
 *   PaymentDeclined -> cancelled PAYMENT_DECLINED (inventory releases the stock on OrderCancelled)
 */
export function sagaVerdicts(commands: OrderCommands): ConsumerDefinition[] {
  const meta = (envelope: AnyEventEnvelope): RequestMetadata => ({
    actor: SYSTEM_ACTOR,
    causationId: envelope.id,
    ...(envelope.traceparent ? { traceparent: envelope.traceparent } : {}),
  });
  return [
    {
      name: 'stock-verdicts',
      topics: [TOPICS.inventory],
      async handle(envelope) {
        if (envelope.type !== 'StockRejected') return;
        const skus = envelope.data.unavailable.map((line) => `${line.sku} (${line.available} of ${line.requested} available)`);
        await commands.cancelBySaga(envelope.data.orderId, 'OUT_OF_STOCK', `out of stock: ${skus.join(', ')}`.slice(0, 500), meta(envelope));
      },
    },
    {
      name: 'payment-verdicts',
      topics: [TOPICS.payment],
      async handle(envelope) {
        if (envelope.type === 'PaymentCaptured') {
          await commands.confirm(envelope.data.orderId, envelope.data.paymentId, meta(envelope));
        } else if (envelope.type === 'PaymentDeclined') {
          await commands.cancelBySaga(envelope.data.orderId, 'PAYMENT_DECLINED', `payment declined: ${envelope.data.reason}`.slice(0, 500), meta(envelope));
        }
      },
    },
  ];
}
