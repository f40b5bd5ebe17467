import type { Actor } from '@tributary/contracts';
import type { CancelOrder, ConfirmOrder, MarkOrderShipped, PlaceOrder } from '../../src/domain/commands.ts';
import type { OrderCancelled, OrderConfirmed, OrderPlaced, OrderShipped } from '../../src/domain/events.ts';

/** Builders for the order specs: one valid command/event each, overridable per test. */
export const orderId = 'order-1';
export const customerId = 'customer-1';
export const now = new Date('2026-03-01T10:00:00.000Z');
export const later = new Date('2026-03-01T11:00:00.000Z');
export const customer: Actor = { customerId, role: 'customer' };
export const otherCustomer: Actor = { customerId: 'customer-2', role: 'customer' };
export const admin: Actor = { customerId: 'admin-1', role: 'admin' };

export const items = [
  { sku: 'KETTLE-1', quantity: 2 },
  { sku: 'mug_blue.L', quantity: 1 },
];

export function placeOrder(data: Partial<PlaceOrder['data']> = {}): PlaceOrder {
  return { type: 'PlaceOrder', data: { orderId, customerId, items, idempotencyKey: 'key-1', paymentMethod: 'pm_card_ok', now, ...data } };
}

export function confirmOrder(data: Partial<ConfirmOrder['data']> = {}): ConfirmOrder {
  return { type: 'ConfirmOrder', data: { orderId, paymentId: 'payment-1', now: later, ...data } };
}

export function cancelOrder(data: Partial<CancelOrder['data']> = {}): CancelOrder {
  return { type: 'CancelOrder', data: { orderId, reason: 'CUSTOMER_REQUEST', detail: 'changed my mind', cancelledBy: customer, now: later, ...data } };
}

export function markShipped(data: Partial<MarkOrderShipped['data']> = {}): MarkOrderShipped {
  return { type: 'MarkOrderShipped', data: { orderId, now: later, ...data } };
}

export function orderPlaced(data: Partial<OrderPlaced['data']> = {}): OrderPlaced {
  return {
    type: 'OrderPlaced',
    data: { orderId, customerId, items, idempotencyKey: 'key-1', paymentMethod: 'pm_card_ok', placedAt: now.toISOString(), ...data },
  };
}

export function orderConfirmed(data: Partial<OrderConfirmed['data']> = {}): OrderConfirmed {
  return { type: 'OrderConfirmed', data: { orderId, paymentId: 'payment-1', confirmedAt: later.toISOString(), ...data } };
}

export function orderCancelled(data: Partial<OrderCancelled['data']> = {}): OrderCancelled {
  return {
    type: 'OrderCancelled',
    data: {
      orderId,
      reason: 'CUSTOMER_REQUEST',
      detail: 'changed my mind',
      cancelledBy: customer,
      previousStatus: 'PENDING',
      cancelledAt: later.toISOString(),
      ...data,
    },
  };
}

export function orderShipped(data: Partial<OrderShipped['data']> = {}): OrderShipped {
  return { type: 'OrderShipped', data: { orderId, shippedAt: later.toISOString(), ...data } };
}
