import type { AnyEventEnvelope, CancellationReason, Money } from '@tributary/contracts';

/**
 * What a notification needs from the event that causes it: which template, and the facts the
 * message shows. The template name is what NotificationSent records (the rendered text is not
 * an event), so a name is never reused for a different message.
 */
export type NotificationTrigger =
  | { template: 'order-confirmed'; orderId: string }
  | { template: 'order-cancelled'; orderId: string; reason: CancellationReason; detail: string }
  | { template: 'payment-refunded'; orderId: string; amount: Money }
  | { template: 'order-shipped'; orderId: string };

export type NotificationTemplate = NotificationTrigger['template'];

/**
 * Which events the customer hears about. Everything else (OrderPlaced, stock and payment
 * steps) is null: the customer learns the outcomes of the saga, not its steps.
 */
export function triggerOf(envelope: AnyEventEnvelope): NotificationTrigger | null {
  switch (envelope.type) {
    case 'OrderConfirmed':
      return { template: 'order-confirmed', orderId: envelope.data.orderId };
    case 'OrderCancelled': {
      const { orderId, reason, detail } = envelope.data;
      return { template: 'order-cancelled', orderId, reason, detail };
    }
    case 'PaymentRefunded':
      return { template: 'payment-refunded', orderId: envelope.data.orderId, amount: envelope.data.amount };
    case 'OrderShipped':
      return { template: 'order-shipped', orderId: envelope.data.orderId };
    default:
      return null;
  }
}
