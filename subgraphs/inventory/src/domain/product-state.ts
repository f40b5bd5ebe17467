import { assertNever, type DomainEvent, type Money } from '@tributary/contracts';

/** Events of a product stream (stream id = sku). */
export type ProductEventType = 'ProductAdded' | 'StockReplenished' | 'StockItemReserved' | 'StockItemReleased' | 'StockItemShipped';
export type ProductEvent = DomainEvent<ProductEventType>;

export const PRODUCT_EVENT_TYPES: readonly ProductEventType[] = [
  'ProductAdded',
  'StockReplenished',
  'StockItemReserved',
  'StockItemReleased',
  'StockItemShipped',
];

export interface ActiveProduct {
  status: 'ACTIVE';
  sku: string;
  name: string;
  price: Money;
  /** Units in the warehouse, held ones included. */
  onHand: number;
  /**
   * Units held per order id. Keeping the hold per order (not just a total) is what makes
   * reserving twice for one order recognisable, and lets release/ship move exactly what was held.
   */
  holds: ReadonlyMap<string, number>;
}

export type ProductState = { status: 'UNKNOWN' } | ActiveProduct;

export function initialProductState(): ProductState {
  return { status: 'UNKNOWN' };
}

export function reservedUnits(product: ActiveProduct): number {
  let total = 0;
  for (const quantity of product.holds.values()) total += quantity;
  return total;
}

export function availableUnits(product: ActiveProduct): number {
  return product.onHand - reservedUnits(product);
}

/**
 * Folds one product event into the state. Events are stored facts, so evolve never refuses
 * one: an event that does not fit (which decide never emits) leaves the state unchanged.
 */
export function evolveProduct(state: ProductState, event: ProductEvent): ProductState {
  if (event.type === 'ProductAdded') {
    if (state.status !== 'UNKNOWN') return state;
    const { sku, name, price, initialStock } = event.data;
    return { status: 'ACTIVE', sku, name, price: { ...price }, onHand: initialStock, holds: new Map() };
  }
  if (state.status !== 'ACTIVE') return state;
  switch (event.type) {
    case 'StockReplenished':
      return { ...state, onHand: state.onHand + event.data.quantity };
    case 'StockItemReserved':
      return { ...state, holds: new Map(state.holds).set(event.data.orderId, event.data.quantity) };
    case 'StockItemReleased':
      return { ...state, holds: withoutHold(state.holds, event.data.orderId) };
    case 'StockItemShipped':
      return { ...state, onHand: state.onHand - event.data.quantity, holds: withoutHold(state.holds, event.data.orderId) };
    default:
      return assertNever(event, 'product event');
  }
}

function withoutHold(holds: ReadonlyMap<string, number>, orderId: string): ReadonlyMap<string, number> {
  const next = new Map(holds);
  next.delete(orderId);
  return next;
}
