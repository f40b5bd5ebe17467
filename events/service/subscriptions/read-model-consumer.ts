import type { AnyEventEnvelope } from '@tributary/contracts';
import type { RetryPolicy } from '@tributary/bus';
import type { SingleStreamProjection, StreamView } from '../projection.ts';
import type { ConsumerDefinition, ServiceRuntime } from '../service.ts';
import type { ReadModelTarget } from './publish-changes.ts';

export interface ReadModelConsumerOptions<V extends StreamView, E extends AnyEventEnvelope> {
  /** Unique within the service; the consumer group is `<service>.<name>`. */
  name: string;
  topics: string[];
  model: ReadModelTarget<V>;
  projection: SingleStreamProjection<V, E>;
  /** The change-feed channel the read model's documents are announced on (subscriptions read it). */
  channel: string;
  retry?: RetryPolicy;
  /**
   * Called once the event has changed the document (`view` is the new document), never for a
   * redelivery: the read model's version check makes this once per event across all replicas,
   * which is what a business counter needs (e.g. orders_total in the order service). Must not
   * throw: the event is already applied.
   */
  onApplied?(envelope: E, view: V): void;
}

/** A consumer that keeps one read model in step with its topics and announces every change. */
export function readModelConsumer<V extends StreamView, E extends AnyEventEnvelope>(
  runtime: Pick<ServiceRuntime, 'projections'>,
  options: ReadModelConsumerOptions<V, E>,
): ConsumerDefinition {
  const { name, topics, model, projection, channel } = options;
  return {
    name,
    topics,
    ...(options.retry ? { retry: options.retry } : {}),
    async handle(envelope) {
      const result = await runtime.projections.apply(model, projection, envelope, channel);
      if (result.outcome === 'duplicate') return 'skipped';
      if (result.outcome === 'applied') options.onApplied?.(envelope as E, result.view as V);
      return undefined;
    },
  };
}
