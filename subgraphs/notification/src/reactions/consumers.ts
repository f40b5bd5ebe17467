import type { ConsumerDefinition } from '@tributary/service';
import { TOPICS, type AnyEventEnvelope } from '@tributary/contracts';
import { triggerOf } from '../domain/index.ts';
import type { Notifier } from './notify.ts';
import type { OrderContacts } from './order-contacts.ts';

/** Thrown while an order's customer is unknown: a normal Error, so the consumer retries with backoff. */
export class CustomerNotKnownYetError extends Error {
  override readonly name = 'CustomerNotKnownYetError';
  constructor(readonly orderId: string) {
    super(`no customer known for order ${orderId} yet (its OrderPlaced has not been consumed)`);
  }
}

export interface ReactionDeps {
  contacts: OrderContacts;
  notify: Notifier;
}

/**
 * The saga steps of the notification service, as two consumers in their own groups. Order
 * events keep their order on one partition (key = order id), so OrderPlaced is always handled
 * before the same order's later events. Payment events travel on another topic that may run
 * ahead of the order topic; their consumer waits (retries) for the customer, and being a
 * separate group it never holds the order consumer up while it waits.
 */
export function createReactions(deps: ReactionDeps): ConsumerDefinition[] {
  async function notifyCustomer(envelope: AnyEventEnvelope): Promise<void> {
    const trigger = triggerOf(envelope);
    if (!trigger) return;
    const customerId = await deps.contacts.customerOf(trigger.orderId);
    if (!customerId) throw new CustomerNotKnownYetError(trigger.orderId);
    await deps.notify(envelope, trigger, customerId);
  }

  return [
    {
      name: 'order-reactions',
      topics: [TOPICS.order],
      async handle(envelope) {
        if (envelope.type === 'OrderPlaced') return deps.contacts.record(envelope.data.orderId, envelope.data.customerId);
        await notifyCustomer(envelope);
      },
    },
    {
      name: 'payment-reactions',
      topics: [TOPICS.payment],
      handle: notifyCustomer,
    },
  ];
}
