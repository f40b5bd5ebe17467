import type { AnyEventEnvelope } from '@tributary/contracts';
import type { SingleStreamProjection, StreamView } from '@tributary/service';

export class RebuildGapError extends Error {
  override name = 'RebuildGapError';
}

/**
 * Folds one event into in-memory views with applyToReadModel's rules, so a rebuilt document is
 * the one the live projector would have written: events of other projections are ignored, an
 * event at or below the view's version is a redelivery (Kafka is at least once) and changes
 * nothing, and one that skips a version means the source lost an event: that fails the rebuild
 * rather than writing a view the projector never could.
 */
export function foldEvent(
  views: Map<string, StreamView>,
  projection: SingleStreamProjection<StreamView, AnyEventEnvelope>,
  envelope: AnyEventEnvelope,
): 'applied' | 'duplicate' | 'ignored' {
  if (!projection.handles(envelope)) return 'ignored';
  const current = views.get(envelope.aggregateId) ?? null;
  const seen = current?.version ?? 0;
  if (current && envelope.aggregateVersion <= seen) return 'duplicate';
  if (envelope.aggregateVersion !== seen + 1) {
    throw new RebuildGapError(`${projection.name} ${envelope.aggregateId}: got version ${envelope.aggregateVersion} after ${seen}; the source misses an event`);
  }
  views.set(envelope.aggregateId, projection.evolve(current, envelope));
  return 'applied';
}
