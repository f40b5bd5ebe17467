import type { AnyEventEnvelope } from '@tributary/contracts';
import type { Logger, Registry } from '@tributary/telemetry';
import type { Model, mongo } from 'mongoose';
import { Counter } from 'prom-client';
import { applyToReadModel, type ProjectionOutcome, type SingleStreamProjection, type StreamView } from '../projection.ts';
import type { ChangeFeed } from './change-feed.ts';

/** Where a read model's document lives: what applyToReadModel writes to. */
export type ReadModelTarget<V extends StreamView> = Model<V> | mongo.Collection<V>;

export interface ChangePublisher {
  /**
   * applyToReadModel, then the document announced on `channel` when the event changed it, or
   * when it is a redelivery of the event the document is at (the projector may have stopped
   * between the write and the announcement; subscribers drop what they already have by version).
   * An announcement that fails is logged and counted, never thrown: the read model is the truth,
   * the feed best effort.
   */
  apply<V extends StreamView, E extends AnyEventEnvelope>(
    target: ReadModelTarget<V>,
    projection: SingleStreamProjection<V, E>,
    envelope: AnyEventEnvelope,
    channel: string,
  ): Promise<ProjectionOutcome>;
}

/** The document to announce after this outcome, if any. */
export function changeToAnnounce(outcome: ProjectionOutcome, envelope: AnyEventEnvelope): StreamView | undefined {
  if (outcome.outcome === 'applied') return outcome.view;
  if (outcome.outcome === 'duplicate' && outcome.view.version === envelope.aggregateVersion) return outcome.view;
  return undefined;
}

/** Registers its failure counter on `metrics`: once per registry (prom-client refuses a second). */
export function createChangePublisher(options: { feed: ChangeFeed; logger: Logger; metrics: Registry }): ChangePublisher {
  const failures = new Counter({
    name: 'change_feed_publish_failures_total',
    help: 'Read-model changes that could not be published to subscriptions (the read model was written)',
    labelNames: ['channel'],
    registers: [options.metrics],
  });
  return {
    async apply(target, projection, envelope, channel) {
      const outcome = await applyToReadModel(target, projection, envelope);
      const change = changeToAnnounce(outcome, envelope);
      if (!change) return outcome;
      try {
        await options.feed.publish(channel, change);
      } catch (err) {
        failures.inc({ channel });
        options.logger.warn({ err, channel, id: change._id, version: change.version }, 'read-model change not published: live subscribers miss it');
      }
      return outcome;
    },
  };
}
