import type { Actor, CancellationReason, StockLine } from '@tributary/contracts';

/**
 * The Order aggregate's state: only what decisions need, one shape per status so that, e.g., a
 * confirmed order always has a paymentId. Read models live in projections, not here.
 *
 *   NOT_PLACED --place--> PENDING --confirm--> CONFIRMED --ship--> SHIPPED
 *                            \                    |
 *                             `----cancel----> CANCELLED
 */
export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'SHIPPED' | 'CANCELLED';

export interface NotPlacedOrder {
  status: 'NOT_PLACED';
}

export interface PlacedOrderFields {
  orderId: string;
  customerId: string;
  items: StockLine[];
  idempotencyKey: string | null;
  paymentMethod: string;
  placedAt: string;
}

export interface PendingOrder extends PlacedOrderFields {
  status: 'PENDING';
}

export interface ConfirmedOrder extends PlacedOrderFields {
  status: 'CONFIRMED';
  paymentId: string;
  confirmedAt: string;
}

export interface ShippedOrder extends PlacedOrderFields {
  status: 'SHIPPED';
  paymentId: string;
  confirmedAt: string;
  shippedAt: string;
}

export interface CancelledOrder extends PlacedOrderFields {
  status: 'CANCELLED';
  /** Set when the order was confirmed (paid) before it was cancelled. */
  paymentId: string | null;
  reason: CancellationReason;
  detail: string;
  cancelledBy: Actor | 'system';
  cancelledAt: string;
}

export type PlacedOrder = PendingOrder | ConfirmedOrder | ShippedOrder | CancelledOrder;
export type OrderState = NotPlacedOrder | PlacedOrder;

export function initialState(): OrderState {
  return { status: 'NOT_PLACED' };
}

export function isPlaced(state: OrderState): state is PlacedOrder {
  return state.status !== 'NOT_PLACED';
}

/** The fields every placed order has, without the status-specific ones. */
export function placedFields(state: PlacedOrder): PlacedOrderFields {
  const { orderId, customerId, items, idempotencyKey, paymentMethod, placedAt } = state;
  return { orderId, customerId, items, idempotencyKey, paymentMethod, placedAt };
}
