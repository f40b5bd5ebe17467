import { TOPICS } from '@tributary/contracts';
import type { ConsumerDefinition } from '@tributary/service';
import { releaseStock } from './release-stock.ts';
import { reserveStock, type ReserveStockDeps } from './reserve-stock.ts';
import { sagaMetadata } from './saga-metadata.ts';
import { shipStock } from './ship-stock.ts';

/**
 * Inventory's part of the order saga: the order's events drive its reservation. Every step is
 * idempotent, so at-least-once delivery (and the consumer's retries) can run it again safely.
 */
export function reservationsConsumer(deps: ReserveStockDeps): ConsumerDefinition {
  return {
    name: 'reservations',
    topics: [TOPICS.order],
    async handle(envelope) {
      switch (envelope.type) {
        case 'OrderPlaced':
          return reserveStock(deps, envelope, sagaMetadata(envelope, envelope.data.orderId));
        case 'OrderCancelled':
          return releaseStock(deps, envelope, sagaMetadata(envelope, envelope.data.orderId));
        case 'OrderShipped':
          return shipStock(deps, envelope, sagaMetadata(envelope, envelope.data.orderId));
        default:
          // OrderConfirmed changes nothing in stock: the holds stay until shipping or cancelling.
          return;
      }
    },
  };
}
