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
    ['CANCELLED', [orderPlaced(), orderCancelled()]],
  ])('is a CONFLICT when the order is %s', (status, history) => {
    const error = given(history)
      .when(confirmOrder())
      .thenThrows(OrderStateConflictError, (e) => e.status === status && e.command === 'confirm');
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toBe(`cannot confirm order order-1: it is ${status}`);
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
