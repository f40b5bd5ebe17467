import type { DomainEvent, EventType } from '@tributary/contracts';
import type { EnvelopeMetadata } from '@tributary/contracts';

/**
 * One valid example of every event type, for tests of anything that consumes events. Typed, so it
 * stops compiling when a schema changes; the catalogue tests check each one parses.
 */
const at = '2026-03-01T10:00:00.000Z';
const eur = (amount: number) => ({ amount, currency: 'EUR' });
const orderId = 'o-1';

export const sampleEvents: { [T in EventType]: DomainEvent<T> } = {
  OrderPlaced: {
    type: 'OrderPlaced',
    data: {
      orderId,
      customerId: 'c-1',
      items: [{ sku: 'SKU-1', quantity: 2 }],
      idempotencyKey: 'k-1',
      paymentMethod: 'pm_card_ok',
      placedAt: at,
    },
  },
  OrderConfirmed: { type: 'OrderConfirmed', data: { orderId, paymentId: 'p-1', confirmedAt: at } },
  OrderCancelled: {
    type: 'OrderCancelled',
    data: {
      orderId,
      reason: 'OUT_OF_STOCK',
      detail: 'SKU-1 is out of stock',
      cancelledBy: 'system',
      previousStatus: 'PENDING',
      cancelledAt: at,
    },
  },
  OrderShipped: { type: 'OrderShipped', data: { orderId, shippedAt: at } },
  ProductAdded: {
    type: 'ProductAdded',
    data: { sku: 'SKU-1', name: 'Kettle', price: eur(2999), initialStock: 10, addedAt: at },
  },
  StockReplenished: { type: 'StockReplenished', data: { sku: 'SKU-1', quantity: 5, replenishedAt: at } },
  StockReserved: {
    type: 'StockReserved',
    data: {
      orderId,
      items: [{ sku: 'SKU-1', quantity: 2, unitPrice: eur(2999) }],
      total: eur(5998),
      reservedAt: at,
    },
  },
  StockRejected: {
    type: 'StockRejected',
    data: {
      orderId,
      reason: 'insufficient stock',
      unavailable: [{ sku: 'SKU-1', requested: 2, available: 1 }],
      rejectedAt: at,
    },
  },
  StockReleased: {
    type: 'StockReleased',
    data: { orderId, items: [{ sku: 'SKU-1', quantity: 2 }], releasedAt: at },
  },
  StockItemReserved: { type: 'StockItemReserved', data: { sku: 'SKU-1', orderId, quantity: 2, reservedAt: at } },
  StockItemReleased: { type: 'StockItemReleased', data: { sku: 'SKU-1', orderId, quantity: 2, releasedAt: at } },
  StockItemShipped: { type: 'StockItemShipped', data: { sku: 'SKU-1', orderId, quantity: 2, shippedAt: at } },
  PaymentRequested: {
    type: 'PaymentRequested',
    data: { paymentId: 'p-1', orderId, customerId: 'c-1', method: 'pm_card_ok', requestedAt: at },
  },
  PaymentAmountDue: { type: 'PaymentAmountDue', data: { paymentId: 'p-1', orderId, amount: eur(5998), dueAt: at } },
  PaymentAttemptFailed: {
    type: 'PaymentAttemptFailed',
    data: { paymentId: 'p-1', orderId, attempt: 1, error: 'provider answered 503', nextAttemptAt: at, failedAt: at },
  },
  PaymentVoided: { type: 'PaymentVoided', data: { paymentId: 'p-1', orderId, reason: 'order cancelled', voidedAt: at } },
  PaymentCaptured: {
    type: 'PaymentCaptured',
    data: { paymentId: 'p-1', orderId, amount: eur(5998), capturedAt: at },
  },
  PaymentDeclined: {
    type: 'PaymentDeclined',
    data: { paymentId: 'p-1', orderId, amount: eur(5998), reason: 'card declined', declinedAt: at },
  },
  PaymentRefunded: {
    type: 'PaymentRefunded',
    data: { paymentId: 'p-1', orderId, amount: eur(5998), refundedAt: at },
  },
  NotificationSent: {
    type: 'NotificationSent',
    data: {
      notificationId: 'n-1',
      customerId: 'c-1',
      orderId,
      channel: 'email',
      template: 'order-placed',
      triggeredBy: '0f8e6a52-3c1d-4b7e-9a2f-5d6c7b8a9e0f',
      sentAt: at,
    },
  },
};

/** Valid metadata for `createEnvelope(sampleEvents.X, sampleMetadata)`. */
export const sampleMetadata: EnvelopeMetadata = {
  id: '6f1c2d4e-8a3b-4c5d-9e6f-1a2b3c4d5e6f',
  aggregateId: orderId,
  aggregateVersion: 1,
  occurredAt: at,
  correlationId: orderId,
  causationId: 'cmd-1',
  actor: { customerId: 'c-1', role: 'customer' },
};
