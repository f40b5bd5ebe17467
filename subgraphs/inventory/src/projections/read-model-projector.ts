import { TOPICS } from '@tributary/contracts';
import { applyToReadModel, type ChangePublisher, type ConsumerDefinition } from '@tributary/service';
import { productProjection } from './product-view.ts';
import { PRODUCT_CHANGES_CHANNEL, type ReadModels } from './read-models.ts';
import { reservationProjection } from './reservation-view.ts';

/**
 * Keeps `products` and `reservations` in step with the inventory topic. Each projection ignores
 * the other's events; applyToReadModel makes a redelivery a no-op and parks an event whose
 * predecessor is missing. Product documents are announced to stockChanged subscribers too
 * (reservations have no subscription).
 */
export function readModelProjector(readModels: ReadModels, projections: ChangePublisher): ConsumerDefinition {
  return {
    name: 'read-models',
    topics: [TOPICS.inventory],
    async handle(envelope) {
      await projections.apply(readModels.products, productProjection, envelope, PRODUCT_CHANGES_CHANNEL);
      await applyToReadModel(readModels.reservations, reservationProjection, envelope);
    },
  };
}
