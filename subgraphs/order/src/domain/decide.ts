import { assertNever, type Actor } from '@tributary/contracts';
import type { z } from 'zod';
import type { CancelOrder, ConfirmOrder, MarkOrderShipped, OrderCommand, PlaceOrder } from './commands.ts';
import { OrderNotFoundError, OrderStateConflictError, OrderValidationError } from './errors.ts';
import type { OrderCancelled, OrderConfirmed, OrderEvent, OrderPlaced, OrderShipped } from './events.ts';
import {
  cancelReasonCodeSchema,
  cancelReasonInputSchema,
  cancelledByInputSchema,
  paymentIdInputSchema,
  placeOrderInputSchema,
  type ValidPlaceOrder,
} from './limits.ts';
import type { OrderState, PlacedOrder } from './state.ts';

/**
 * The order's business rules. Pure: returns the events to append, or throws a typed error
 * (validation first, so bad input is always BAD_USER_INPUT whatever the state).
 */
export function decide(command: OrderCommand, state: OrderState): OrderEvent[] {
  switch (command.type) {
    case 'PlaceOrder':
      return placeOrder(command, state);
    case 'ConfirmOrder':
      return confirmOrder(command, state);
    case 'CancelOrder':
      return cancelOrder(command, state);
    case 'MarkOrderShipped':
      return markShipped(command, state);
    default:
      return assertNever(command, 'order command');
  }
}

function placeOrder(command: PlaceOrder, state: OrderState): OrderPlaced[] {
  const input = validate(placeOrderInputSchema, command.data);
  if (state.status !== 'NOT_PLACED') {
    assertSameOrder(state, input.orderId);
    // A retry of the same request (same key, customer and items) gets the same answer: the
    // order exists, nothing new happens. Anything else that reuses the id is a conflict.
    if (isRetryOf(state, input)) return [];
    throw new OrderStateConflictError(state.orderId, state.status, 'place', `order ${state.orderId} already exists`);
  }
  return [
    {
      type: 'OrderPlaced',
      data: {
        orderId: input.orderId,
        customerId: input.customerId,
        items: input.items,
        idempotencyKey: input.idempotencyKey,
        paymentMethod: input.paymentMethod,
        placedAt: timestamp(command.data.now),
      },
    },
  ];
}

function confirmOrder(command: ConfirmOrder, state: OrderState): OrderConfirmed[] {
  const paymentId = validate(paymentIdInputSchema, command.data.paymentId, ['paymentId']);
  const order = requirePlaced(state, command.data.orderId);
  // The saga confirms; a redelivered capture or one that lost the race against a cancellation
  // (payment then refunds, reacting to OrderCancelled) changes nothing.
  if (order.status === 'CANCELLED') return [];
  if (order.status === 'CONFIRMED' || order.status === 'SHIPPED') {
    if (order.paymentId === paymentId) return [];
    throw new OrderStateConflictError(order.orderId, order.status, 'confirm', `order ${order.orderId} was confirmed with another payment`);
  }
  return [
    {
      type: 'OrderConfirmed',
      data: { orderId: order.orderId, paymentId, confirmedAt: timestamp(command.data.now) },
    },
  ];
}

function cancelOrder(command: CancelOrder, state: OrderState): OrderCancelled[] {
  const reason = validate(cancelReasonCodeSchema, command.data.reason, ['reason']);
  const detail = validate(cancelReasonInputSchema, command.data.detail, ['detail']);
  const cancelledBy = validate(cancelledByInputSchema, command.data.cancelledBy, ['cancelledBy']);
  const order = requirePlaced(state, command.data.orderId);
  // Another customer's order answers exactly as one never placed: `order(id)` answers null for
  // it, and a different answer here (FORBIDDEN) would tell whether the id exists.
  if (!mayCancel(cancelledBy, order)) throw new OrderNotFoundError(command.data.orderId);
  if (cancelledBy === 'system') {
    // The saga's verdicts concern a PENDING order only: stock or payment failing, or no answer
    // in time. An order that already moved on (or a redelivered verdict) stays as it is.
    if (order.status !== 'PENDING') return [];
  } else if (order.status !== 'PENDING' && order.status !== 'CONFIRMED') {
    throw new OrderStateConflictError(order.orderId, order.status, 'cancel');
  }
  return [
    {
      type: 'OrderCancelled',
      data: {
        orderId: order.orderId,
        reason,
        detail,
        cancelledBy,
        previousStatus: order.status,
        cancelledAt: timestamp(command.data.now),
      },
    },
  ];
}

function markShipped(command: MarkOrderShipped, state: OrderState): OrderShipped[] {
  const order = requirePlaced(state, command.data.orderId);
  if (order.status !== 'CONFIRMED') throw new OrderStateConflictError(order.orderId, order.status, 'ship');
  return [{ type: 'OrderShipped', data: { orderId: order.orderId, shippedAt: timestamp(command.data.now) } }];
}

/** Customers may cancel only their own orders; admins and the saga ('system') any order. */
function mayCancel(cancelledBy: Actor | 'system', order: PlacedOrder): boolean {
  if (cancelledBy === 'system' || cancelledBy.role !== 'customer') return true;
  return cancelledBy.customerId === order.customerId;
}

function isRetryOf(order: PlacedOrder, input: ValidPlaceOrder): boolean {
  return (
    input.idempotencyKey !== null &&
    input.idempotencyKey === order.idempotencyKey &&
    input.customerId === order.customerId &&
    input.paymentMethod === order.paymentMethod &&
    input.items.length === order.items.length &&
    input.items.every((item, i) => item.sku === order.items[i]?.sku && item.quantity === order.items[i]?.quantity)
  );
}

function requirePlaced(state: OrderState, orderId: string): PlacedOrder {
  if (state.status === 'NOT_PLACED') throw new OrderNotFoundError(orderId);
  assertSameOrder(state, orderId);
  return state;
}

/** A command loaded against another order's stream is a wiring bug, not a user error. */
function assertSameOrder(order: PlacedOrder, orderId: string): void {
  if (order.orderId !== orderId.trim()) {
    throw new Error(`command for order ${orderId} was decided against order ${order.orderId}`);
  }
}

function validate<S extends z.ZodType>(schema: S, value: unknown, path: PropertyKey[] = []): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw OrderValidationError.fromZod(result.error, path);
  return result.data;
}

/** Time comes in with the command; an invalid Date is a caller bug, not user input. */
function timestamp(now: Date): string {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('command.now must be a valid Date');
  return now.toISOString();
}
