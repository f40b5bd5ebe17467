import type { Model, mongo } from 'mongoose';
import { isDuplicateKeyError } from './errors.ts';

export const APPLIED_EVENT_IDS_FIELD = 'appliedEventIds';

export interface ApplyOnceOptions {
  /** How many recent event ids each document remembers. */
  window?: number;
}

/**
 * Applies `effect` to the document `_id` unless event `eventId` was already applied to it,
 * recording the id IN THE SAME single-document update as the effect (invariant 3), so there is
 * no moment where one is stored without the other. Returns false for a redelivery.
 *
 * How: the filter excludes documents that already list the id. Then
 * - the document exists without the id: the update matches, applies, records;
 * - it exists with the id: no match, the upsert tries to insert `_id` again and the unique _id
 *   index refuses (11000): already applied;
 * - it does not exist: the upsert creates it with the effect and the id.
 *
 * Trade-offs: only the last `window` ids are kept (the $slice), so a duplicate arriving after
 * more than `window` newer events hit the same document would apply again. Kafka redeliveries
 * are recent (an uncommitted batch, a DLQ replay soon after), which a few hundred ids cover;
 * projections that hold whole-aggregate state can instead guard with `aggregateVersion`
 * ($lt on a stored version), which needs no window at all. The effect must not touch
 * `appliedEventIds` itself, and must not be a replacement document.
 */
export async function applyOnce<T extends mongo.Document>(
  target: mongo.Collection<T> | Model<T>,
  id: unknown,
  eventId: string,
  effect: mongo.UpdateFilter<T>,
  options: ApplyOnceOptions = {},
): Promise<boolean> {
  // A mongoose Model is a constructor function; a driver Collection is a plain object.
  const collection = (typeof target === 'function' ? target.collection : target) as unknown as mongo.Collection<mongo.Document>;
  const update = effect as Record<string, Record<string, unknown> | undefined>;
  const push = {
    ...update.$push,
    [APPLIED_EVENT_IDS_FIELD]: { $each: [eventId], $slice: -(options.window ?? 500) },
  };
  try {
    const result = await collection.updateOne(
      { _id: id, [APPLIED_EVENT_IDS_FIELD]: { $ne: eventId } } as mongo.Document,
      { ...update, $push: push } as unknown as mongo.UpdateFilter<mongo.Document>,
      { upsert: true },
    );
    return result.modifiedCount + result.upsertedCount > 0;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}
