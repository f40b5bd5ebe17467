import { describe, expect, it } from 'vitest';
import { deserializeProductState, serializeProductState, type ProductState } from '../../src/domain/product-state.ts';

describe('product snapshot (de)serialization', () => {
  it('round-trips an active product, holds as [orderId, quantity] pairs', () => {
    const state: ProductState = {
      status: 'ACTIVE',
      sku: 'SKU-1',
      name: 'Widget',
      price: { amount: 500, currency: 'EUR' },
      onHand: 12,
      holds: new Map([['order.with.dots', 2], ['$order', 3]]),
    };
    const json = JSON.parse(JSON.stringify(serializeProductState(state))) as unknown;
    expect(json).toMatchObject({ holds: [['order.with.dots', 2], ['$order', 3]] });
    const back = deserializeProductState(json);
    expect(back).toEqual(state);
    expect(back.status === 'ACTIVE' && back.holds).toBeInstanceOf(Map);
    expect(deserializeProductState(serializeProductState({ status: 'UNKNOWN' }))).toEqual({ status: 'UNKNOWN' });
  });

  it.each([null, 'x', {}, { status: 'ACTIVE' }, { status: 'ACTIVE', sku: 'S', name: 'n', price: { amount: 1, currency: 'EUR' }, onHand: 1, holds: [['o', 'x']] }])(
    'rejects %j',
    (json) => expect(() => deserializeProductState(json)).toThrow(TypeError),
  );
});
