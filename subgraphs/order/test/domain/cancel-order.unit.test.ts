import { DeciderSpecification } from '@tributary/testing';
import { describe, expect, it } from 'vitest';
import { orderDecider } from '../../src/domain/decider.ts';
import {
  OrderNotFoundError,
  OrderStateConflictError,
  OrderValidationError,
} from '../../src/domain/errors.ts';
import { CANCEL_REASON_MAX_LENGTH } from '../../src/domain/limits.ts';
import {
  admin,
  cancelOrder,
  customer,
  orderCancelled,
  orderConfirmed,
  orderPlaced,
  orderShipped,
  otherCustomer,
} from './fixtures.ts';

const given = DeciderSpecification.for(orderDecider);

describe('CancelOrder', () => {
  it('cancels a pending order, recording who and why', () => {
    given([orderPlaced()]).when(cancelOrder()).then([orderCancelled()]);
  });

  it('cancels a confirmed order at the customer’s request, recording that it was confirmed (payment will refund)', () => {
    given([orderPlaced(), orderConfirmed()]).when(cancelOrder()).then([orderCancelled({ previousStatus: 'CONFIRMED' })]);
  });

  describe('saga verdicts (cancelledBy system)', () => {
    const verdict = { cancelledBy: 'system' as const, reason: 'OUT_OF_STOCK' as const, detail: 'out of stock: SKU-1' };

    it('cancel a pending order with the saga’s reason', () => {
      given([orderPlaced()]).when(cancelOrder(verdict)).then([orderCancelled(verdict)]);
    });

    it.each(['TIMEOUT', 'PAYMENT_DECLINED', 'OUT_OF_STOCK'] as const)('leave a confirmed order alone (%s came too late)', (reason) => {
      given([orderPlaced(), orderConfirmed()]).when(cancelOrder({ ...verdict, reason })).thenNothingHappened();
    });

    it('are idempotent: a redelivered verdict changes nothing', () => {
      given([orderPlaced(), orderCancelled(verdict)]).when(cancelOrder(verdict)).thenNothingHappened();
    });

    it('leave a shipped order alone', () => {
      given([orderPlaced(), orderConfirmed(), orderShipped()]).when(cancelOrder({ ...verdict, reason: 'TIMEOUT' })).thenNothingHappened();
    });
  });

  it("lets an admin cancel anyone's order", () => {
    given([orderPlaced()]).when(cancelOrder({ cancelledBy: admin })).then([orderCancelled({ cancelledBy: admin })]);
  });

  it('trims the detail', () => {
    given([orderPlaced()]).when(cancelOrder({ detail: '  too slow ' })).then([orderCancelled({ detail: 'too slow' })]);
  });

  it("answers another customer's order exactly as an order never placed (NOT_FOUND), whatever its status", () => {
    const unseen = given([orderPlaced()]).when(cancelOrder({ cancelledBy: otherCustomer })).thenThrows(OrderNotFoundError);
    const missing = given([]).when(cancelOrder({ cancelledBy: otherCustomer })).thenThrows(OrderNotFoundError);
    expect({ code: unseen.code, message: unseen.message }).toEqual({ code: 'NOT_FOUND', message: 'order order-1 not found' });
    expect({ code: missing.code, message: missing.message }).toEqual({ code: unseen.code, message: unseen.message });
    // A cancelled or shipped order of someone else must not answer CONFLICT either.
    given([orderPlaced(), orderCancelled()]).when(cancelOrder({ cancelledBy: otherCustomer })).thenThrows(OrderNotFoundError);
    given([orderPlaced(), orderConfirmed(), orderShipped()]).when(cancelOrder({ cancelledBy: otherCustomer })).thenThrows(OrderNotFoundError);
  });

  it('is NOT_FOUND for an order never placed', () => {
    given([]).when(cancelOrder()).thenThrows(OrderNotFoundError, (e) => e.orderId === 'order-1');
  });

  it('is a CONFLICT to cancel twice', () => {
    const error = given([orderPlaced(), orderCancelled()])
      .when(cancelOrder())
      .thenThrows(OrderStateConflictError, (e) => e.status === 'CANCELLED' && e.command === 'cancel');
    expect(error.code).toBe('CONFLICT');
  });

  it('is a CONFLICT once shipped', () => {
    given([orderPlaced(), orderConfirmed(), orderShipped()])
      .when(cancelOrder({ cancelledBy: admin }))
      .thenThrows(OrderStateConflictError, (e) => e.status === 'SHIPPED');
  });

  describe('rejects bad input with BAD_USER_INPUT', () => {
    it.each([
      ['an unknown reason code', { reason: 'BORED' as never }, 'reason'],
      ['an empty detail', { detail: '   ' }, 'detail'],
      ['an overlong detail', { detail: 'x'.repeat(CANCEL_REASON_MAX_LENGTH + 1) }, 'detail'],
      ['an unknown canceller', { cancelledBy: 'somebody' as never }, 'cancelledBy'],
      ['a malformed actor', { cancelledBy: { customerId: '', role: 'customer' as const } }, 'cancelledBy'],
    ])('%s', (_name, data, path) => {
      given([orderPlaced()])
        .when(cancelOrder(data))
        .thenThrows(OrderValidationError, (e) => e.path.startsWith(path));
    });
  });

  it('checks ownership with the actor, not only the role', () => {
    given([orderPlaced()]).when(cancelOrder({ cancelledBy: customer })).then([orderCancelled({ cancelledBy: customer })]);
  });
});
