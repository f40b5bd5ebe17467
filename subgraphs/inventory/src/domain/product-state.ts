import { assertNever, moneySchema, type DomainEvent, type Money } from '@tributary/contracts';

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

/** A product state as plain JSON (a snapshot): the holds as [orderId, quantity] pairs. */
export interface SerializedProductState {
  status: 'UNKNOWN' | 'ACTIVE';
  sku?: string;
  name?: string;
  price?: Money;
  onHand?: number;
  holds?: [string, number][];
}

export function serializeProductState(state: ProductState): SerializedProductState {
  if (state.status !== 'ACTIVE') return { status: 'UNKNOWN' };
  // Pairs, not an object keyed by order id: an id is arbitrary text, not a safe document key.
  return { status: 'ACTIVE', sku: state.sku, name: state.name, price: { ...state.price }, onHand: state.onHand, holds: [...state.holds] };
}

/** The inverse of serializeProductState; throws on anything it did not produce. */
export function deserializeProductState(json: unknown): ProductState {
  const doc = json as Partial<SerializedProductState> | null;
  if (typeof doc !== 'object' || doc === null) throw new TypeError('product snapshot: not an object');
  if (doc.status === 'UNKNOWN') return { status: 'UNKNOWN' };
  if (doc.status !== 'ACTIVE') throw new TypeError(`product snapshot: bad status ${String(doc.status)}`);
  const { sku, name, price, onHand, holds } = doc;
  if (typeof sku !== 'string' || typeof name !== 'string') throw new TypeError('product snapshot: bad sku or name');
  const parsedPrice = moneySchema.safeParse(price);
  if (!parsedPrice.success) throw new TypeError('product snapshot: bad price');
  if (!Number.isInteger(onHand)) throw new TypeError('product snapshot: bad onHand');
  if (!Array.isArray(holds)) throw new TypeError('product snapshot: bad holds');
  const map = new Map<string, number>();
  for (const pair of holds as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || !Number.isInteger(pair[1])) {
      throw new TypeError('product snapshot: bad hold');
    }
    map.set(pair[0], pair[1] as number);
  }
  return { status: 'ACTIVE', sku, name, price: parsedPrice.data, onHand: onHand as number, holds: map };
}
