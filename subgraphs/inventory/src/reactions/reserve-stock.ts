import { isDuplicateKeyError, type CommandMetadata } from '@tributary/bus';
import type { AnyEventEnvelope, StockLine } from '@tributary/contracts';
import type { Model } from 'mongoose';
import type { ProductCommands } from '../commands/product-commands.ts';
import type { ReservationCommands } from '../commands/reservation-commands.ts';
import { InsufficientStockError } from '../domain/errors.ts';
import { availableUnits } from '../domain/product-state.ts';
import type { LineOutcome } from '../domain/reservation.ts';
import type { OrderOwner } from '../projections/read-models.ts';
import { releaseHolds } from './release-holds.ts';

export interface ReserveStockDeps {
  products: ProductCommands;
  reservations: ReservationCommands;
  orderOwners: Model<OrderOwner>;
}

/**
 * OrderPlaced -> hold every line, then record the decision. There is no transaction across the
 * product streams and the reservation stream, so the steps are ordered to survive a crash
 * anywhere: Kafka redelivers OrderPlaced, holds already taken are recognised (ReserveItem is
 * idempotent per order), a decision already recorded is kept, and a rejection is recorded BEFORE
 * its holds are released, so a redelivery after the record re-runs the releases: no hold leaks.
 */
export async function reserveStock(deps: ReserveStockDeps, event: AnyEventEnvelope<'OrderPlaced'>, metadata: CommandMetadata): Promise<void> {
  const { orderId, customerId, items } = event.data;
  await recordOwner(deps.orderOwners, orderId, customerId);
  const skus = items.map((line) => line.sku);

  const current = await deps.reservations.stateOf(orderId);
  if (current.status === 'REJECTED' || current.status === 'RELEASED') return releaseHolds(deps.products, orderId, skus, metadata);
  // RESERVED: its holds were all taken before the decision was recorded; nothing to redo.
  if (current.status === 'RESERVED') return;

  const outcomes = await holdLines(deps.products, orderId, items, metadata);
  const decided = await deps.reservations.decide(orderId, outcomes, metadata);
  if (decided.status !== 'RESERVED') await releaseHolds(deps.products, orderId, skus, metadata);
}

/**
 * Holds the lines in sku order. After the first short line the rest are only looked at, not
 * held: the order will be rejected, and holding more would only starve concurrent orders.
 * Looking still finds every short line, so the rejection can name them all.
 */
async function holdLines(products: ProductCommands, orderId: string, items: readonly StockLine[], metadata: CommandMetadata): Promise<LineOutcome[]> {
  const outcomes: LineOutcome[] = [];
  let short = false;
  for (const { sku, quantity } of bySku(items)) {
    if (short) {
      outcomes.push(await lookAt(products, sku, quantity));
      continue;
    }
    try {
      const product = await products.reserveItem(sku, orderId, quantity, metadata);
      outcomes.push({ outcome: 'HELD', sku, quantity, unitPrice: product.price });
    } catch (error) {
      if (!(error instanceof InsufficientStockError)) throw error;
      short = true;
      outcomes.push({ outcome: 'SHORT', sku, quantity, available: error.available });
    }
  }
  return outcomes;
}

/**
 * One line per sku, in sku order. A product keeps one hold per order, so two lines of one sku
 * (the order service refuses them, the event schema does not) are held as their sum.
 */
function bySku(items: readonly StockLine[]): StockLine[] {
  const totals = new Map<string, number>();
  for (const { sku, quantity } of items) totals.set(sku, (totals.get(sku) ?? 0) + quantity);
  return [...totals.keys()].sort().map((sku) => ({ sku, quantity: totals.get(sku) ?? 0 }));
}

async function lookAt(products: ProductCommands, sku: string, quantity: number): Promise<LineOutcome> {
  const state = await products.stateOf(sku);
  const available = state.status === 'ACTIVE' ? availableUnits(state) : 0;
  return quantity > available ? { outcome: 'SHORT', sku, quantity, available } : { outcome: 'UNTRIED', sku, quantity };
}

/** Idempotent without an event-id list: the owner of an order never changes, so inserting it once is the whole effect. */
async function recordOwner(orderOwners: Model<OrderOwner>, orderId: string, customerId: string): Promise<void> {
  await orderOwners.collection.updateOne({ _id: orderId as never }, { $setOnInsert: { customerId } }, { upsert: true }).catch((error: unknown) => {
    // Two deliveries racing on the upsert: the loser's insert collides, the owner is recorded.
    if (!isDuplicateKeyError(error)) throw error;
  });
}
