import { createEnvelope, foldEvents, parseEvent } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { orderDecider } from '../../src/domain/decider.ts';
import { isOrderEvent, ORDER_EVENT_TYPES, type OrderEvent } from '../../src/domain/events.ts';
import { evolve } from '../../src/domain/evolve.ts';
import { initialState } from '../../src/domain/state.ts';
import {
  admin,
  cancelOrder,
  confirmOrder,
  customer,
  items,
  markShipped,
  orderCancelled,
  orderConfirmed,
  orderPlaced,
  orderShipped,
  placeOrder,
} from './fixtures.ts';

const fold = (events: OrderEvent[]) => foldEvents(orderDecider, events);

describe('evolve', () => {
  it('starts not placed', () => {
    expect(initialState()).toEqual({ status: 'NOT_PLACED' });
    expect(initialState()).not.toBe(initialState());
  });

  it('walks the happy path PENDING -> CONFIRMED -> SHIPPED', () => {
    expect(fold([orderPlaced()])).toEqual({
      status: 'PENDING',
      orderId: 'order-1',
      customerId: 'customer-1',
      items,
      idempotencyKey: 'key-1',
      paymentMethod: 'pm_card_ok',
      placedAt: '2026-03-01T10:00:00.000Z',
    });
    expect(fold([orderPlaced(), orderConfirmed()])).toMatchObject({ status: 'CONFIRMED', paymentId: 'payment-1' });
    expect(fold([orderPlaced(), orderConfirmed(), orderShipped()])).toMatchObject({
      status: 'SHIPPED',
      paymentId: 'payment-1',
      shippedAt: '2026-03-01T11:00:00.000Z',
    });
  });

  it('remembers the payment of a cancelled confirmed order', () => {
    expect(fold([orderPlaced(), orderCancelled()])).toMatchObject({ status: 'CANCELLED', paymentId: null });
    expect(fold([orderPlaced(), orderConfirmed(), orderCancelled({ cancelledBy: admin })])).toMatchObject({
      status: 'CANCELLED',
      paymentId: 'payment-1',
      cancelledBy: admin,
    });
  });

  it('never throws on events that do not fit the status, leaving state unchanged', () => {
    const pending = fold([orderPlaced()]);
    expect(evolve(initialState(), orderConfirmed())).toEqual({ status: 'NOT_PLACED' });
    expect(evolve(pending, orderShipped())).toBe(pending);
    expect(evolve(pending, orderPlaced({ customerId: 'someone-else' }))).toBe(pending);
    const cancelled = fold([orderPlaced(), orderCancelled()]);
    expect(evolve(cancelled, orderCancelled())).toBe(cancelled);
  });

  it('does not share arrays with the event it came from', () => {
    const event = orderPlaced();
    const state = evolve(initialState(), event);
    if (state.status === 'NOT_PLACED') throw new Error('not placed');
    expect(state.items).toEqual(event.data.items);
    expect(state.items).not.toBe(event.data.items);
  });
});

describe('the order events', () => {
  it('are exactly the order events of the catalogue', () => {
    expect(ORDER_EVENT_TYPES).toEqual(['OrderPlaced', 'OrderConfirmed', 'OrderCancelled', 'OrderShipped']);
    expect(isOrderEvent({ type: 'OrderShipped' })).toBe(true);
    expect(isOrderEvent({ type: 'StockReserved' })).toBe(false);
    expect(isOrderEvent({ type: 'toString' })).toBe(false);
  });

  it('every event the decider emits passes the published schema and round-trips through an envelope', () => {
    const commands = [placeOrder(), confirmOrder(), markShipped()];
    let state = initialState();
    let aggregateVersion = 0;
    for (const command of commands) {
      for (const event of orderDecider.decide(command, state)) {
        aggregateVersion += 1;
        const envelope = createEnvelope(event, {
          id: `00000000-0000-4000-8000-00000000000${aggregateVersion}`,
          aggregateId: 'order-1',
          aggregateVersion,
          occurredAt: '2026-03-01T10:00:00.000Z',
          correlationId: 'order-1',
          causationId: `command-${aggregateVersion}`,
          actor: customer,
        });
        const read = parseEvent(JSON.parse(JSON.stringify(envelope)));
        expect(read).toEqual(envelope);
        if (!isOrderEvent(read)) throw new Error(`not an order event: ${read.type}`);
        state = evolve(state, read);
      }
    }
    expect(aggregateVersion).toBe(3);
    expect(state.status).toBe('SHIPPED');
    // The cancellation events (by an actor and by the saga) must be publishable too.
    for (const cancelledBy of [customer, 'system' as const]) {
      const [cancelled] = orderDecider.decide(cancelOrder({ cancelledBy }), fold([orderPlaced()]));
      const envelope = createEnvelope(cancelled!, {
        id: '00000000-0000-4000-8000-000000000009',
        aggregateId: 'order-1',
        aggregateVersion: 2,
        occurredAt: '2026-03-01T10:00:00.000Z',
        correlationId: 'order-1',
        causationId: 'command-9',
        actor: admin,
      });
      expect(parseEvent(envelope).data).toEqual(cancelled!.data);
    }
  });
});
