import { TOPICS } from '@tributary/contracts';
import { applyToReadModel, type ConsumerDefinition } from '@tributary/service';
import type { PaymentReadModel } from './payment-read-model.ts';
import { paymentProjection } from './payment-view.ts';

/** Keeps the `payments` read model in step with the payment topic, exactly once per event. */
export function paymentProjector(readModel: PaymentReadModel): ConsumerDefinition {
  return {
    name: 'read-model',
    topics: [TOPICS.payment],
    async handle(envelope) {
      await applyToReadModel(readModel, paymentProjection, envelope);
    },
  };
}
