import { assertNever, validateInput, type Decider } from '@tributary/contracts';
import { InsufficientStockError, ProductAlreadyExistsError, ProductNotFoundError } from './errors.ts';
import { addProductInputSchema, holdQuantitySchema, restockQuantityInputSchema, skuInputSchema, type AddProductInput } from './limits.ts';
import {
  availableUnits,
  evolveProduct,
  initialProductState,
  type ActiveProduct,
  type ProductEvent,
  type ProductState,
} from './product-state.ts';
import { timestamp } from './time.ts';

/**
 * Commands of a product (stream id = sku). Time comes in with the command so decide stays pure.
 * The hold commands are the saga's: they name the order the units are held for.
 */
export type AddProduct = { type: 'AddProduct'; data: AddProductInput & { now: Date } };
export type Restock = { type: 'Restock'; data: { sku: string; quantity: number; now: Date } };
export type ReserveItem = { type: 'ReserveItem'; data: { sku: string; orderId: string; quantity: number; now: Date } };
export type ReleaseItem = { type: 'ReleaseItem'; data: { sku: string; orderId: string; now: Date } };
export type ShipItem = { type: 'ShipItem'; data: { sku: string; orderId: string; now: Date } };

export type ProductCommand = AddProduct | Restock | ReserveItem | ReleaseItem | ShipItem;

/** The product's business rules: validation first, so bad input is BAD_USER_INPUT whatever the state. */
export function decideProduct(command: ProductCommand, state: ProductState): ProductEvent[] {
  switch (command.type) {
    case 'AddProduct':
      return addProduct(command, state);
    case 'Restock':
      return restock(command, state);
    case 'ReserveItem':
      return reserveItem(command, state);
    case 'ReleaseItem':
      return releaseItem(command, state);
    case 'ShipItem':
      return shipItem(command, state);
    default:
      return assertNever(command, 'product command');
  }
}

function addProduct(command: AddProduct, state: ProductState): ProductEvent[] {
  const input = validateInput(addProductInputSchema, command.data);
  if (state.status !== 'UNKNOWN') throw new ProductAlreadyExistsError(input.sku);
  return [
    {
      type: 'ProductAdded',
      data: {
        sku: input.sku,
        name: input.name,
        price: { amount: input.priceCents, currency: input.currency },
        initialStock: input.stock,
        addedAt: timestamp(command.data.now),
      },
    },
  ];
}

function restock(command: Restock, state: ProductState): ProductEvent[] {
  const sku = validateInput(skuInputSchema, command.data.sku, ['sku']);
  const quantity = validateInput(restockQuantityInputSchema, command.data.quantity, ['quantity']);
  const product = requireProduct(state, sku);
  return [{ type: 'StockReplenished', data: { sku: product.sku, quantity, replenishedAt: timestamp(command.data.now) } }];
}

/**
 * Holds units for an order. A second hold for the same order changes nothing, whatever its
 * quantity: an order's lines never change, so it can only be a redelivered OrderPlaced.
 */
function reserveItem(command: ReserveItem, state: ProductState): ProductEvent[] {
  const { sku, orderId, now } = command.data;
  const quantity = validateInput(holdQuantitySchema, command.data.quantity, ['quantity']);
  if (state.status === 'UNKNOWN') throw new InsufficientStockError(sku, quantity, 0, false);
  assertSameProduct(state, sku);
  if (state.holds.has(orderId)) return [];
  const available = availableUnits(state);
  if (quantity > available) throw new InsufficientStockError(sku, quantity, available, true);
  return [{ type: 'StockItemReserved', data: { sku, orderId, quantity, reservedAt: timestamp(now) } }];
}

/** Gives an order's hold back; without a hold (never taken, or already gone) nothing happens. */
function releaseItem(command: ReleaseItem, state: ProductState): ProductEvent[] {
  const { sku, orderId, now } = command.data;
  const quantity = holdOf(state, sku, orderId);
  if (quantity === undefined) return [];
  return [{ type: 'StockItemReleased', data: { sku, orderId, quantity, releasedAt: timestamp(now) } }];
}

/** The hold leaves the warehouse with the order; without a hold nothing happens. */
function shipItem(command: ShipItem, state: ProductState): ProductEvent[] {
  const { sku, orderId, now } = command.data;
  const quantity = holdOf(state, sku, orderId);
  if (quantity === undefined) return [];
  return [{ type: 'StockItemShipped', data: { sku, orderId, quantity, shippedAt: timestamp(now) } }];
}

function holdOf(state: ProductState, sku: string, orderId: string): number | undefined {
  if (state.status === 'UNKNOWN') return undefined;
  assertSameProduct(state, sku);
  return state.holds.get(orderId);
}

function requireProduct(state: ProductState, sku: string): ActiveProduct {
  if (state.status === 'UNKNOWN') throw new ProductNotFoundError(sku);
  assertSameProduct(state, sku);
  return state;
}

/** A command decided against another product's stream is a wiring bug, not a user error. */
function assertSameProduct(product: ActiveProduct, sku: string): void {
  if (product.sku !== sku) throw new Error(`command for product ${sku} was decided against product ${product.sku}`);
}

export type ProductDecider = Decider<ProductCommand, ProductState, ProductEvent>;

export const productDecider: ProductDecider = {
  decide: decideProduct,
  evolve: evolveProduct,
  initialState: initialProductState,
};
