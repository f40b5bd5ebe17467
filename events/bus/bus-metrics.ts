import { Counter, Histogram, type Registry } from 'prom-client';
import type { ConsumerRunnerHooks } from './consumer-runner.ts';
import type { OutboxRelayHooks } from './outbox-relay.ts';

export interface BusMetrics {
  relayHooks: OutboxRelayHooks;
  consumerHooks: ConsumerRunnerHooks;
}

/**
 * Prometheus metrics for the relay and the consumers, registered on the registry passed in
 * (one per process, from events/telemetry). Call once per registry: prom-client refuses to
 * register the same metric name twice.
 */
export function createBusMetrics(registry: Registry): BusMetrics {
  const registers = [registry];
  const published = new Counter({ name: 'tributary_outbox_published_events_total', help: 'Events the outbox relay handed to Kafka', registers });
  const outboxLag = new Histogram({
    name: 'tributary_outbox_lag_seconds',
    help: 'Time from commit to Kafka acknowledgement, oldest commit of each batch',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  const relayErrors = new Counter({ name: 'tributary_outbox_errors_total', help: 'Failed relay batches (Kafka or MongoDB unavailable)', registers });
  const processed = new Counter({ name: 'tributary_consumer_processed_total', help: 'Events handled successfully', labelNames: ['topic', 'type'], registers });
  const handleSeconds = new Histogram({
    name: 'tributary_consumer_handle_seconds',
    help: 'Handler duration of successful attempts',
    labelNames: ['topic'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const retries = new Counter({ name: 'tributary_consumer_retries_total', help: 'Handler attempts that failed and were retried', labelNames: ['topic'], registers });
  const deadLettered = new Counter({ name: 'tributary_consumer_dead_lettered_total', help: 'Messages parked on the DLQ', labelNames: ['topic'], registers });

  return {
    relayHooks: {
      onPublished: ({ events, lagMs }) => {
        published.inc(events);
        outboxLag.observe(lagMs / 1000);
      },
      onError: () => relayErrors.inc(),
    },
    consumerHooks: {
      onProcessed: ({ topic, type, durationMs }) => {
        processed.inc({ topic, type });
        handleSeconds.observe({ topic }, durationMs / 1000);
      },
      onRetry: ({ topic }) => retries.inc({ topic }),
      onDeadLettered: ({ topic }) => deadLettered.inc({ topic }),
    },
  };
}
