import type { CommandMetadata } from '@tributary/bus';
import type { AnyEventEnvelope } from '@tributary/contracts';
import type { ProductCommands } from '../commands/product-commands.ts';
import type { ReservationCommands } from '../commands/reservation-commands.ts';

export interface ShipStockDeps {
  products: ProductCommands;
  reservations: ReservationCommands;
}

/**
 * OrderShipped -> each held line leaves the warehouse (reserved and on-hand both drop). ShipItem
 * without a hold does nothing, so a redelivery is harmless.
 */
export async function shipStock(deps: ShipStockDeps, event: AnyEventEnvelope<'OrderShipped'>, metadata: CommandMetadata): Promise<void> {
  const { orderId } = event.data;
  const state = await deps.reservations.stateOf(orderId);
  if (state.status !== 'RESERVED') return;
  for (const { sku } of state.items) await deps.products.shipItem(sku, orderId, metadata);
}
