import type { CommandMetadata } from '@tributary/bus';
import type { AnyEventEnvelope } from '@tributary/contracts';
import type { ProductCommands } from '../commands/product-commands.ts';
import type { ReservationCommands } from '../commands/reservation-commands.ts';
import { releaseHolds } from './release-holds.ts';

export interface ReleaseStockDeps {
  products: ProductCommands;
  reservations: ReservationCommands;
}

/**
 * OrderCancelled -> a RESERVED order's stock goes back. StockReleased is recorded first, then the
 * holds are released, so a crash in between is repaired by the redelivery (RELEASED: release
 * again). A REJECTED order's holds were released when it was rejected; a PENDING one holds
 * nothing (OrderPlaced, on the same partition, was handled before this event).
 */
export async function releaseStock(deps: ReleaseStockDeps, event: AnyEventEnvelope<'OrderCancelled'>, metadata: CommandMetadata): Promise<void> {
  const { orderId } = event.data;
  let state = await deps.reservations.stateOf(orderId);
  if (state.status === 'RESERVED') state = await deps.reservations.release(orderId, metadata);
  if (state.status !== 'RELEASED') return;
  await releaseHolds(deps.products, orderId, state.items.map((line) => line.sku), metadata);
}
