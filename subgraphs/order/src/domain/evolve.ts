import { assertNever } from '@tributary/contracts';
import type { OrderEvent } from './events.ts';
import { placedFields, type OrderState } from './state.ts';

/**
 * Folds one event into the state. Events are facts already stored, so evolve never throws: a
 * stream must stay readable. An event that does not fit the current status (which `decide` never
 * emits) leaves the state unchanged instead of inventing the fields it would need.
 */
export function evolve(state: OrderState, event: OrderEvent): OrderState {
  switch (event.type) {
    case 'OrderPlaced': {
      if (state.status !== 'NOT_PLACED') return state;
      const { orderId, customerId, items, idempotencyKey, paymentMethod, placedAt } = event.data;
      return {
        status: 'PENDING',
        orderId,
        customerId,
        items: items.map(({ sku, quantity }) => ({ sku, quantity })),
        idempotencyKey,
        paymentMethod,
        placedAt,
      };
    }
    case 'OrderConfirmed': {
      if (state.status !== 'PENDING') return state;
      const { paymentId, confirmedAt } = event.data;
      return { ...placedFields(state), status: 'CONFIRMED', paymentId, confirmedAt };
    }
    case 'OrderCancelled': {
      if (state.status !== 'PENDING' && state.status !== 'CONFIRMED') return state;
      const { reason, detail, cancelledBy, cancelledAt } = event.data;
      return {
        ...placedFields(state),
        status: 'CANCELLED',
        paymentId: state.status === 'CONFIRMED' ? state.paymentId : null,
        reason,
        detail,
        cancelledBy,
        cancelledAt,
      };
    }
    case 'OrderShipped': {
      if (state.status !== 'CONFIRMED') return state;
      const { paymentId, confirmedAt } = state;
      return { ...placedFields(state), status: 'SHIPPED', paymentId, confirmedAt, shippedAt: event.data.shippedAt };
    }
    default:
      return assertNever(event, 'order event');
  }
}
