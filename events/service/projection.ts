import type { Model, mongo } from 'mongoose';
import { isDuplicateKeyError, PermanentMessageError } from '@tributary/bus';
import type { AnyEventEnvelope } from '@tributary/contracts';

/** Every read-model document of a single-stream projection: the stream's id and position. */
export interface StreamView {
  _id: string;
  /** aggregateVersion of the last event folded in: what makes the projection ordered and idempotent. */
  version: number;
}

/**
 * A read model that folds ONE stream into ONE document (emmett's single-stream projection).
 * `evolve` is pure, so the same function serves the projector (events from Kafka), mutations
 * (the stream they just wrote) and given/when/then specs (see @tributary/testing).
 * A projection must fold every event of the streams it handles: versions have no holes.
 */
export interface SingleStreamProjection<V extends StreamView, E extends AnyEventEnvelope = AnyEventEnvelope> {
  name: string;
  /** Whether this event belongs to a stream this projection folds. */
  handles(envelope: AnyEventEnvelope): envelope is E;
  /** The next document; `view` is null before the stream's first event. Must set `version`. */
  evolve(view: V | null, envelope: E): V;
}

export type ProjectionOutcome =
  | { outcome: 'applied'; view: StreamView }
  /**
   * The document already reflects the event; `view` is the document as stored. When its version
   * IS the event's, this is a redelivery of the last event applied: the projector may have
   * stopped between writing and announcing it, so the change is announced again (see
   * subscriptions/publish-changes.ts).
   */
  | { outcome: 'duplicate'; view: StreamView }
  | { outcome: 'ignored' };

/**
 * Thrown when an event arrives before the one it follows. Kafka keeps a stream's events in
 * order, so a gap means its predecessor was parked on the DLQ: waiting cannot fill it, so this
 * one is parked too (at once), and replaying the DLQ in order repairs the view.
 */
export class ProjectionGapError extends PermanentMessageError {
  override readonly name = 'ProjectionGapError';
}

/** The view of a whole stream (e.g. the one a mutation just appended to), or null. */
export function viewOf<V extends StreamView, E extends AnyEventEnvelope>(
  projection: SingleStreamProjection<V, E>,
  stream: readonly AnyEventEnvelope[],
): V | null {
  return stream.filter((event): event is E => projection.handles(event)).reduce<V | null>((view, event) => projection.evolve(view, event), null);
}

/**
 * Applies one event to its document, exactly once, with single-document writes only: the
 * document stores the version it reflects; version 1 is an insert, later versions replace the
 * document only where `version` is still the one read. A redelivery matches nothing; an event
 * that skips ahead is refused until its predecessor lands.
 */
export async function applyToReadModel<V extends StreamView, E extends AnyEventEnvelope>(
  target: Model<V> | mongo.Collection<V>,
  projection: SingleStreamProjection<V, E>,
  envelope: AnyEventEnvelope,
): Promise<ProjectionOutcome> {
  if (!projection.handles(envelope)) return { outcome: 'ignored' };
  const collection = (typeof target === 'function' ? target.collection : target) as unknown as mongo.Collection<mongo.Document>;
  for (;;) {
    const current = (await collection.findOne({ _id: envelope.aggregateId } as unknown as mongo.Filter<mongo.Document>)) as V | null;
    const seen = current?.version ?? 0;
    if (current && envelope.aggregateVersion <= seen) return { outcome: 'duplicate', view: current };
    if (envelope.aggregateVersion !== seen + 1) {
      throw new ProjectionGapError(`${projection.name} ${envelope.aggregateId}: got version ${envelope.aggregateVersion}, read model is at ${seen}`);
    }
    const next = projection.evolve(current, envelope);
    if (!current) {
      try {
        await collection.insertOne(next as mongo.Document);
        return { outcome: 'applied', view: next };
      } catch (error) {
        // Another projector instance inserted it first: read again and decide again.
        if (isDuplicateKeyError(error)) continue;
        throw error;
      }
    }
    const result = await collection.replaceOne({ _id: envelope.aggregateId, version: seen } as unknown as mongo.Filter<mongo.Document>, next);
    if (result.matchedCount === 1) return { outcome: 'applied', view: next };
    // Another instance moved the document meanwhile: re-read (a redelivery or a gap).
  }
}
