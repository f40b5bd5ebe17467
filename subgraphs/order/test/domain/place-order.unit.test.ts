import { DeciderSpecification } from '@tributary/testing';
import { describe, expect, it } from 'vitest';
import { orderDecider } from '../../src/domain/decider.ts';
import { OrderStateConflictError, OrderValidationError } from '../../src/domain/errors.ts';
import { PLACE_ORDER_LIMITS } from '../../src/domain/limits.ts';
import { items, orderCancelled, orderConfirmed, orderPlaced, placeOrder } from './fixtures.ts';

const given = DeciderSpecification.for(orderDecider);

/** Asserts a BAD_USER_INPUT naming `path`; the message is checked loosely so wording may improve. */
function rejects(command: ReturnType<typeof placeOrder>, path: string, message?: RegExp) {
  const error = given([]).when(command).thenThrows(OrderValidationError, (e) => e.path === path);
  expect(error.code).toBe('BAD_USER_INPUT');
  if (message) expect(error.message).toMatch(message);
  return error;
}

const line = (sku: string, quantity = 1) => ({ sku, quantity });

describe('PlaceOrder', () => {
  it('places a new order', () => {
    given([]).when(placeOrder()).then([orderPlaced()]);
  });

  it('records a missing or null idempotency key as null', () => {
    given([]).when(placeOrder({ idempotencyKey: undefined })).then([orderPlaced({ idempotencyKey: null })]);
    given([]).when(placeOrder({ idempotencyKey: null })).then([orderPlaced({ idempotencyKey: null })]);
  });

  it('trims surrounding whitespace from skus, ids and the key', () => {
    given([])
      .when(placeOrder({ orderId: ' order-1 ', items: [line('  KETTLE-1 ', 2)], idempotencyKey: ' key-1 ' }))
      .then([orderPlaced({ items: [line('KETTLE-1', 2)] })]);
  });

  it('accepts the limits themselves', () => {
    const many = Array.from({ length: PLACE_ORDER_LIMITS.maxItems }, (_, i) => line(`SKU-${i}`, PLACE_ORDER_LIMITS.maxQuantity));
    const longSku = 'A'.repeat(PLACE_ORDER_LIMITS.skuMaxLength);
    given([]).when(placeOrder({ items: many })).then([orderPlaced({ items: many })]);
    given([]).when(placeOrder({ items: [line(longSku)] })).then([orderPlaced({ items: [line(longSku)] })]);
  });

  describe('rejects bad input with BAD_USER_INPUT and a field path', () => {
    it('no items', () => rejects(placeOrder({ items: [] }), 'items', /at least 1/));
    it('more than 100 lines', () =>
      rejects(placeOrder({ items: Array.from({ length: 101 }, (_, i) => line(`S${i}`)) }), 'items', /at most 100/));
    it('quantity 0', () => rejects(placeOrder({ items: [line('A', 0)] }), 'items.0.quantity', /at least 1/));
    it('quantity above 1000', () => rejects(placeOrder({ items: [line('A', 1001)] }), 'items.0.quantity', /at most 1000/));
    it('fractional quantity', () => rejects(placeOrder({ items: [line('A', 1.5)] }), 'items.0.quantity', /integer/));
    it('empty sku', () => rejects(placeOrder({ items: [line('   ')] }), 'items.0.sku', /empty/));
    it('sku longer than 64', () => rejects(placeOrder({ items: [line('A'.repeat(65))] }), 'items.0.sku', /64/));
    it('sku with forbidden characters', () => rejects(placeOrder({ items: [line('A B')] }), 'items.0.sku', /letters, digits/));
    it('sku starting with a dash', () => rejects(placeOrder({ items: [line('-A')] }), 'items.0.sku'));
    it('duplicate sku, pointing at the later line', () =>
      rejects(placeOrder({ items: [line('A'), line('B'), line('A', 3)] }), 'items.2.sku', /already appears at items\.0/));
    it('empty order id', () => rejects(placeOrder({ orderId: '' }), 'orderId'));
    it('empty customer id', () => rejects(placeOrder({ customerId: ' ' }), 'customerId'));
    it('empty idempotency key', () => rejects(placeOrder({ idempotencyKey: '  ' }), 'idempotencyKey'));
    it('overlong idempotency key', () => rejects(placeOrder({ idempotencyKey: 'k'.repeat(129) }), 'idempotencyKey'));
    it.each(['\ud800x', 'x\udfff', '\udc00\ud800'])('idempotency key with a lone surrogate (%j)', (key) => {
      rejects(placeOrder({ idempotencyKey: key }), 'idempotencyKey', /well-formed Unicode/);
    });
    it('lone surrogate in the order id', () => rejects(placeOrder({ orderId: 'o-\ud800' }), 'orderId'));
    it('but accepts a key with a surrogate pair (an emoji is well-formed)', () => {
      given([]).when(placeOrder({ idempotencyKey: 'key-\ud83d\udd11' })).then([orderPlaced({ idempotencyKey: 'key-🔑' })]);
    });
  });

  it('lists every issue, not only the first', () => {
    const error = rejects(placeOrder({ items: [line('A', 0), line('bad sku', 1)] }), 'items.0.quantity');
    expect(error.issues.map((issue) => issue.path)).toEqual(['items.0.quantity', 'items.1.sku']);
  });

  it('validates input before looking at state', () => {
    given([orderPlaced()]).when(placeOrder({ items: [] })).thenThrows(OrderValidationError);
  });

  describe('on an order that already exists', () => {
    it('answers a retry with the same key, customer and items with no new events', () => {
      given([orderPlaced()]).when(placeOrder({ now: new Date('2026-03-02T00:00:00Z') })).thenNothingHappened();
      given([orderPlaced(), orderConfirmed()]).when(placeOrder()).thenNothingHappened();
    });

    it.each([
      ['without a key', { idempotencyKey: null }, { idempotencyKey: null }],
      ['with another key', {}, { idempotencyKey: 'key-2' }],
      ['by another customer', {}, { customerId: 'customer-2' }],
      ['with other items', {}, { items: [items[0]!] }],
      ['with other quantities', {}, { items: [items[0]!, { ...items[1]!, quantity: 5 }] }],
    ])('is a CONFLICT when placed again %s', (_name, placed, command) => {
      const error = given([orderPlaced(placed)])
        .when(placeOrder(command))
        .thenThrows(OrderStateConflictError, (e) => e.status === 'PENDING' && e.orderId === 'order-1');
      expect(error.code).toBe('CONFLICT');
      expect(error.message).toMatch(/already exists/);
    });

    it('is a CONFLICT after cancellation too', () => {
      given([orderPlaced({ idempotencyKey: null }), orderCancelled()])
        .when(placeOrder({ idempotencyKey: null }))
        .thenThrows(OrderStateConflictError, (e) => e.status === 'CANCELLED');
    });
  });

  it('takes its time from the command', () => {
    const at = new Date('2030-12-31T23:59:59.999Z');
    given([]).when(placeOrder({ now: at })).then([orderPlaced({ placedAt: '2030-12-31T23:59:59.999Z' })]);
    expect(() => orderDecider.decide(placeOrder({ now: new Date('nope') }), orderDecider.initialState())).toThrow(TypeError);
  });
});
