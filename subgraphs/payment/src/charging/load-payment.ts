import type { CommandMetadata, EventStore } from '@tributary/bus';
import { foldEvents } from '@tributary/contracts';
import { isPaymentEvent, paymentDecider, type PaymentEvent, type PaymentState } from '../domain/index.ts';

/** The saga acts as the system; its commands belong to the order's saga (correlation = order id). */
export function systemMetadata(orderId: string, causationId: string, traceparent?: string): CommandMetadata {
  return { actor: { customerId: 'system', role: 'system' }, correlationId: orderId, causationId, ...(traceparent ? { traceparent } : {}) };
}

/** The payment's current state, and the id of its latest event (what a follow-up is caused by). */
export async function loadPayment(store: EventStore, orderId: string): Promise<{ state: PaymentState; lastEventId: string | null }> {
  const stream = await store.readStream(orderId);
  const events = stream.filter(isPaymentEvent).map((envelope) => ({ type: envelope.type, data: envelope.data }) as PaymentEvent);
  return { state: foldEvents(paymentDecider, events), lastEventId: stream.at(-1)?.id ?? null };
}
