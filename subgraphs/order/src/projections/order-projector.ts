import { isDuplicateKeyError, PermanentMessageError } from '@tributary/bus';
import type { AnyEventEnvelope } from '@tributary/contracts';
import type { OrderReadModel } from './order-read-model.ts';
import { applyToView, isOrderEnvelope, type OrderView } from './order-view.ts';

export type ProjectionOutcome = 'applied' | 'duplicate' | 'ignored';

/**
 * Thrown when an event arrives before the one it follows. Kafka keeps an aggregate's events in
 * order, so a gap means its predecessor was parked on the DLQ: waiting cannot fill it, so this
 * one is parked too (at once), and replaying the DLQ in order repairs the view.
 */
export class ProjectionGapError extends PermanentMessageError {
  override readonly name = 'ProjectionGapError';
}

/**
 * Projects one order event into the `orders` read model. Exactly-once effect without an
 * applied-ids list: the view stores the aggregate version it reflects, every write is guarded by
 * it (insert for version 1, replace where `version` is still the one read), so a redelivered
 * event matches nothing and an event that skips ahead is refused until its predecessor lands.
 */
export async function projectOrderEvent(model: OrderReadModel, envelope: AnyEventEnvelope): Promise<ProjectionOutcome> {
  if (!isOrderEnvelope(envelope)) return 'ignored';
  const current = await model.findById(envelope.aggregateId).lean<OrderView>().exec();
  const seen = current?.version ?? 0;
  if (envelope.aggregateVersion <= seen) return 'duplicate';
  if (envelope.aggregateVersion !== seen + 1) {
    throw new ProjectionGapError(
      `order ${envelope.aggregateId}: got version ${envelope.aggregateVersion}, read model is at ${seen}`,
    );
  }
  const next = applyToView(current ?? undefined, envelope);
  if (!current) {
    try {
      await model.collection.insertOne(next as never);
      return 'applied';
    } catch (error) {
      // A second projector instance inserted it first: the same event, already applied.
      if (isDuplicateKeyError(error)) return 'duplicate';
      throw error;
    }
  }
  const result = await model.collection.replaceOne({ _id: envelope.aggregateId, version: seen } as never, next as never);
  if (result.matchedCount === 1) return 'applied';
  // Another instance moved the view meanwhile; re-read and decide again (redelivery or gap).
  return projectOrderEvent(model, envelope);
}
