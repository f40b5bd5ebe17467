import { foldEvents } from '@tributary/contracts';
import { DeciderSpecification } from '@tributary/testing';
import { describe, expect, it } from 'vitest';
import { orderDecider } from '../../src/domain/decider.ts';
import { OrderNotFoundError, OrderStateConflictError, OrderValidationError } from '../../src/domain/errors.ts';
import {
  confirmOrder,
  markShipped,
  orderCancelled,
  orderConfirmed,
  orderPlaced,
  orderShipped,
} from './fixtures.ts';

const given = DeciderSpecification.for(orderDecider);

describe('ConfirmOrder', () => {
  it('confirms a pending order with the payment id', () => {
    given([orderPlaced()]).when(confirmOrder()).then([orderConfirmed()]);
  });

  it('is NOT_FOUND for an order never placed', () => {
    const error = given([]).when(confirmOrder()).thenThrows(OrderNotFoundError, (e) => e.orderId === 'order-1');
    expect(error.code).toBe('NOT_FOUND');
  });

  it.each([
    ['CONFIRMED', [orderPlaced(), orderConfirmed()]],
    ['SHIPPED', [orderPlaced(), orderConfirmed(), orderShipped()]],
  ])('is idempotent when the order is already %s with that payment', (_status, history) => {
    given(history).when(confirmOrder()).thenNothingHappened();
  });

  it('ignores a capture that lost the race against a cancellation (payment refunds it)', () => {
    given([orderPlaced(), orderCancelled()]).when(confirmOrder()).thenNothingHappened();
  });

  it('is a CONFLICT to confirm with another payment', () => {
    const error = given([orderPlaced(), orderConfirmed()])
      .when(confirmOrder({ paymentId: 'payment-2' }))
      .thenThrows(OrderStateConflictError, (e) => e.status === 'CONFIRMED' && e.command === 'confirm');
    expect(error.code).toBe('CONFLICT');
  });

  it('requires a payment id', () => {
    given([orderPlaced()]).when(confirmOrder({ paymentId: ' ' })).thenThrows(OrderValidationError, (e) => e.path === 'paymentId');
  });
});

describe('MarkOrderShipped', () => {
  it('ships a confirmed order', () => {
    given([orderPlaced(), orderConfirmed()]).when(markShipped()).then([orderShipped()]);
  });

  it('is NOT_FOUND for an order never placed', () => {
    given([]).when(markShipped()).thenThrows(OrderNotFoundError);
  });

  it.each([
    ['PENDING', [orderPlaced()]],
    ['SHIPPED', [orderPlaced(), orderConfirmed(), orderShipped()]],
    ['CANCELLED', [orderPlaced(), orderConfirmed(), orderCancelled({ previousStatus: 'CONFIRMED' })]],
  ])('is a CONFLICT when the order is %s', (status, history) => {
    given(history).when(markShipped()).thenThrows(OrderStateConflictError, (e) => e.status === status && e.command === 'ship');
  });
});

describe('commands against the wrong stream', () => {
  it('fail loudly as a wiring bug, not as user input', () => {
    const confirmed = foldEvents(orderDecider, [orderPlaced(), orderConfirmed()]);
    expect(() => orderDecider.decide(markShipped({ orderId: 'order-2' }), confirmed)).toThrow(
      /decided against order order-1/,
    );
  });
});
