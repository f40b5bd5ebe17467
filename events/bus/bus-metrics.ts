import { Counter, Histogram, type Registry } from 'prom-client';
import type { ConsumerRunnerHooks } from './consumer-runner.ts';
import type { OutboxRelayHooks } from './outbox-relay.ts';

export interface BusMetrics {
  relayHooks: OutboxRelayHooks;
  consumerHooks: ConsumerRunnerHooks;
}

/**
 * What happened to a consumed event (label `outcome` of events_consumed_total):
 *   processed      the handler succeeded
 *   skipped        the handler recognised a redelivery and changed nothing
 *   retried        one failed attempt, retried after a backoff (one message may count several)
 *   dead_lettered  parked on `<topic>.dlq` (unparseable, permanent error, or out of attempts)
 * Each message ends as exactly one of processed, skipped or dead_lettered.
 */
export type ConsumedOutcome = 'processed' | 'skipped' | 'retried' | 'dead_lettered';

/** The `type` label of a message that never became an event (bad JSON, unknown type, schema). */
export const UNPARSEABLE_EVENT_TYPE = 'unparseable';

/**
 * Prometheus metrics for the relay and the consumers, registered on the registry passed in
 * (one per process, from events/telemetry). Call once per registry: prom-client refuses to
 * register the same metric name twice. outbox_pending and kafka_consumer_lag are gauges read
 * from MongoDB and Kafka (outbox-pending.ts, consumer-lag.ts), not from these hooks.
 */
export function createBusMetrics(registry: Registry): BusMetrics {
  const registers = [registry];
  const consumed = new Counter({
    name: 'events_consumed_total',
    help: 'Events consumed, by consumer group, event type and outcome (processed, skipped, retried, dead_lettered).',
    labelNames: ['group', 'type', 'outcome'],
    registers,
  });
  const deadLettered = new Counter({
    name: 'events_dead_lettered_total',
    help: 'Messages parked on a dead-letter topic, by the topic they were consumed from.',
    labelNames: ['topic'],
    registers,
  });
  const handlerSeconds = new Histogram({
    name: 'events_handler_duration_seconds',
    help: 'Handler time of the successful attempt of each consumed event (processed or skipped).',
    labelNames: ['group', 'topic'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const publishLatency = new Histogram({
    name: 'outbox_publish_latency_seconds',
    help: 'Time from a commit being appended to the event store to its events being acknowledged by Kafka, one observation per commit.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  const published = new Counter({ name: 'outbox_published_events_total', help: 'Events the outbox relay published to Kafka.', registers });
  const relayErrors = new Counter({
    name: 'outbox_publish_errors_total',
    help: 'Relay batches that failed (Kafka or MongoDB unavailable) and were retried.',
    registers,
  });

  const count = (group: string, type: string | undefined, outcome: ConsumedOutcome) =>
    consumed.inc({ group, type: type ?? UNPARSEABLE_EVENT_TYPE, outcome });

  return {
    relayHooks: {
      onPublished: ({ events, latenciesMs }) => {
        published.inc(events);
        for (const ms of latenciesMs) publishLatency.observe(ms / 1000);
      },
      onError: () => relayErrors.inc(),
    },
    consumerHooks: {
      onProcessed: ({ group, topic, type, durationMs, skipped }) => {
        count(group, type, skipped ? 'skipped' : 'processed');
        handlerSeconds.observe({ group, topic }, durationMs / 1000);
      },
      onRetry: ({ group, type }) => count(group, type, 'retried'),
      onDeadLettered: ({ group, topic, type }) => {
        count(group, type, 'dead_lettered');
        deadLettered.inc({ topic });
      },
    },
  };
}
