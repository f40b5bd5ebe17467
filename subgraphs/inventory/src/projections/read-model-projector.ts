import { TOPICS } from '@tributary/contracts';
import { applyToReadModel, type ConsumerDefinition } from '@tributary/service';
import { productProjection } from './product-view.ts';
import type { ReadModels } from './read-models.ts';
import { reservationProjection } from './reservation-view.ts';

/**
 * Keeps `products` and `reservations` in step with the inventory topic. Each projection ignores
 * the other's events; applyToReadModel makes a redelivery a no-op and parks an event whose
 * predecessor is missing.
 */
export function readModelProjector(readModels: ReadModels): ConsumerDefinition {
  return {
    name: 'read-models',
    topics: [TOPICS.inventory],
    async handle(envelope) {
      await applyToReadModel(readModels.products, productProjection, envelope);
      await applyToReadModel(readModels.reservations, reservationProjection, envelope);
    },
  };
}
