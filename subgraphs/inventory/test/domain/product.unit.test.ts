import { foldEvents, ValidationError } from '@tributary/contracts';
import { DeciderSpecification } from '@tributary/testing';
import { describe, expect, it } from 'vitest';
import { InsufficientStockError, ProductAlreadyExistsError, ProductNotFoundError } from '../../src/domain/errors.ts';
import { productDecider } from '../../src/domain/product.ts';
import { availableUnits, reservedUnits, type ActiveProduct } from '../../src/domain/product-state.ts';
import {
  addProduct,
  eur,
  itemReleased,
  itemReserved,
  itemShipped,
  productAdded,
  releaseItem,
  reserveItem,
  restock,
  shipItem,
  stockReplenished,
} from './fixtures.ts';

const given = DeciderSpecification.for(productDecider);

describe('AddProduct', () => {
  it('adds a product with its price and initial stock', () => {
    given([]).when(addProduct()).then([productAdded(10)]);
  });

  it('trims the name', () => {
    given([])
      .when(addProduct({ name: '  Kettle  ' }))
      .then([productAdded(10)]);
  });

  it('is a CONFLICT for a sku that exists', () => {
    const error = given([productAdded()]).when(addProduct()).thenThrows(ProductAlreadyExistsError, (e) => e.sku === 'SKU-1');
    expect(error.code).toBe('CONFLICT');
  });

  describe('refuses bad input with BAD_USER_INPUT naming the field', () => {
    it.each([
      ['an empty sku', { sku: '' }, 'sku'],
      ['a sku with spaces', { sku: 'SKU 1' }, 'sku'],
      ['an empty name', { name: '   ' }, 'name'],
      ['a negative price', { priceCents: -1 }, 'priceCents'],
      ['a fractional price', { priceCents: 9.99 }, 'priceCents'],
      ['a lower-case currency', { currency: 'eur' }, 'currency'],
      ['a null currency', { currency: null }, 'currency'],
      ['a negative stock', { stock: -5 }, 'stock'],
    ])('%s', (_name, data, field) => {
      const error = given([]).when(addProduct(data)).thenThrows(ValidationError, (e) => e.path === field);
      expect(error.code).toBe('BAD_USER_INPUT');
    });
  });

  it('checks the input before the state: bad input on an existing sku is still BAD_USER_INPUT', () => {
    given([productAdded()]).when(addProduct({ stock: -1 })).thenThrows(ValidationError);
  });
});

describe('Restock', () => {
  it('adds units to the stock', () => {
    given([productAdded()]).when(restock(5)).then([stockReplenished(5)]);
  });

  it('is NOT_FOUND for an unknown product', () => {
    const error = given([]).when(restock(5)).thenThrows(ProductNotFoundError, (e) => e.sku === 'SKU-1');
    expect(error.code).toBe('NOT_FOUND');
  });

  it('refuses a malformed sku as BAD_USER_INPUT, not NOT_FOUND', () => {
    given([]).when(restock(5, 'not a sku')).thenThrows(ValidationError, (e) => e.path === 'sku');
  });

  it.each([0, -3, 1.5])('refuses quantity %s', (quantity) => {
    given([productAdded()]).when(restock(quantity)).thenThrows(ValidationError, (e) => e.path === 'quantity');
  });
});

describe('ReserveItem', () => {
  it('holds units for an order', () => {
    given([productAdded(10)]).when(reserveItem('o-1', 3)).then([itemReserved('o-1', 3)]);
  });

  it('may take exactly everything available', () => {
    given([productAdded(10), itemReserved('o-1', 4)]).when(reserveItem('o-2', 6)).then([itemReserved('o-2', 6)]);
  });

  it('changes nothing for an order that already holds units (a redelivered OrderPlaced)', () => {
    given([productAdded(10), itemReserved('o-1', 3)]).when(reserveItem('o-1', 3)).thenNothingHappened();
  });

  it('refuses more than available, naming what is available', () => {
    const error = given([productAdded(10), itemReserved('o-1', 8)])
      .when(reserveItem('o-2', 3))
      .thenThrows(InsufficientStockError, (e) => e.available === 2 && e.requested === 3 && e.productExists);
    expect(error.message).toBe('product SKU-1: 3 requested, only 2 available');
  });

  it('counts restocked units and forgets released and shipped holds', () => {
    const history = [productAdded(2), itemReserved('o-1', 2), stockReplenished(3), itemReleased('o-1', 2), itemReserved('o-2', 1), itemShipped('o-2', 1)];
    given(history).when(reserveItem('o-3', 4)).then([itemReserved('o-3', 4)]);
    given(history).when(reserveItem('o-4', 5)).thenThrows(InsufficientStockError, (e) => e.available === 4);
  });

  it('treats an unknown product as nothing available', () => {
    given([]).when(reserveItem('o-1', 1)).thenThrows(InsufficientStockError, (e) => e.available === 0 && !e.productExists);
  });
});

describe('ReleaseItem and ShipItem', () => {
  it('release the whole hold of the order', () => {
    given([productAdded(), itemReserved('o-1', 3), itemReserved('o-2', 1)]).when(releaseItem('o-1')).then([itemReleased('o-1', 3)]);
  });

  it('ship the whole hold of the order', () => {
    given([productAdded(), itemReserved('o-1', 3)]).when(shipItem('o-1')).then([itemShipped('o-1', 3)]);
  });

  it.each([
    ['never held', [productAdded()]],
    ['already released', [productAdded(), itemReserved('o-1', 3), itemReleased('o-1', 3)]],
    ['already shipped', [productAdded(), itemReserved('o-1', 3), itemShipped('o-1', 3)]],
    ['of an unknown product', []],
  ])('do nothing when the hold is %s', (_name, history) => {
    given(history).when(releaseItem('o-1')).thenNothingHappened();
    given(history).when(shipItem('o-1')).thenNothingHappened();
  });
});

describe('product state', () => {
  it('keeps on-hand, reserved and available consistent', () => {
    const state = foldEvents(productDecider, [
      productAdded(10, 'SKU-1', eur(500)),
      itemReserved('o-1', 3),
      itemReserved('o-2', 2),
      itemShipped('o-1', 3),
      stockReplenished(4),
    ]) as ActiveProduct;
    expect(state.onHand).toBe(11);
    expect(reservedUnits(state)).toBe(2);
    expect(availableUnits(state)).toBe(9);
    expect(state.price).toEqual(eur(500));
  });

  it('refuses a command decided against another product stream (a wiring bug)', () => {
    const state = foldEvents(productDecider, [productAdded()]);
    expect(() => productDecider.decide(restock(1, 'SKU-2'), state)).toThrow(/decided against product SKU-1/);
  });
});
