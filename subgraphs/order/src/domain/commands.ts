import type { Actor, CancellationReason } from '@tributary/contracts';
import type { PlaceOrderInput } from './limits.ts';

/**
 * Commands carry everything a decision needs, including the time (`now`) and ids, so `decide`
 * stays pure. Every command names its order: the decider uses it in errors (a NOT_FOUND needs an
 * id) and checks it against the loaded state to catch wiring mistakes.
 */
export interface PlaceOrder {
  type: 'PlaceOrder';
  /** orderId, customerId, items, idempotencyKey?: validated with placeOrderInputSchema. */
  data: PlaceOrderInput & { now: Date };
}

export interface ConfirmOrder {
  type: 'ConfirmOrder';
  data: { orderId: string; paymentId: string; now: Date };
}

export interface CancelOrder {
  type: 'CancelOrder';
  /**
   * `'system'` when the saga cancels (stock rejected, payment declined, deadline passed). The
   * saga's cancellations are idempotent: an order that already left PENDING stays as it is.
   */
  data: { orderId: string; reason: CancellationReason; detail: string; cancelledBy: Actor | 'system'; now: Date };
}

export interface MarkOrderShipped {
  type: 'MarkOrderShipped';
  data: { orderId: string; now: Date };
}

export type OrderCommand = PlaceOrder | ConfirmOrder | CancelOrder | MarkOrderShipped;
export type OrderCommandType = OrderCommand['type'];
