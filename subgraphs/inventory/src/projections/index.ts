import type { Connection } from 'mongoose';
import { productProjection } from './product-view.ts';
import { createReadModels } from './read-models.ts';
import { reservationProjection } from './reservation-view.ts';

/**
 * The read models this service folds from events, for `npm run rebuild` (events/ops): each
 * projection with the model it writes and where its events come from ('event-store': the
 * service's own streams; { topic }: another service's events, read from the topic's start).
 * `order_owners` is not one: the reservation reaction writes it, it folds no stream.
 */
export function inventoryProjections(connection: Connection) {
  const readModels = createReadModels(connection);
  return [
    { projection: productProjection, model: readModels.products, source: 'event-store' as const },
    { projection: reservationProjection, model: readModels.reservations, source: 'event-store' as const },
  ];
}
