import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createBusMetrics } from './bus-metrics.ts';

const group = 'order.read-model';
const topic = 'tributary.order';

describe('createBusMetrics', () => {
  it('turns relay and consumer hooks into Prometheus series on the given registry', async () => {
    const registry = new Registry();
    const { relayHooks, consumerHooks } = createBusMetrics(registry);
    relayHooks.onPublished?.({ commits: 2, events: 5, latenciesMs: [40, 3_000] });
    relayHooks.onError?.(new Error('kafka down'));
    consumerHooks.onProcessed?.({ group, topic, type: 'OrderPlaced', durationMs: 3, skipped: false });
    consumerHooks.onProcessed?.({ group, topic, type: 'OrderPlaced', durationMs: 1, skipped: true });
    consumerHooks.onRetry?.({ group, topic, type: 'OrderConfirmed', attempt: 1, error: new Error('x') });
    consumerHooks.onDeadLettered?.({ group, topic, type: 'OrderConfirmed', attempts: 3, error: new Error('x') });
    consumerHooks.onDeadLettered?.({ group, topic, type: undefined, attempts: 0, error: new Error('bad json') });

    const text = await registry.metrics();
    expect(text).toContain('outbox_published_events_total 5');
    expect(text).toContain('outbox_publish_errors_total 1');
    // One observation per commit, not per batch.
    expect(text).toContain('outbox_publish_latency_seconds_count 2');
    expect(text).toMatch(/outbox_publish_latency_seconds_bucket\{le="0.05"\} 1/);
    expect(text).toMatch(/outbox_publish_latency_seconds_bucket\{le="5"\} 2/);
    expect(text).toContain(`events_consumed_total{group="${group}",type="OrderPlaced",outcome="processed"} 1`);
    expect(text).toContain(`events_consumed_total{group="${group}",type="OrderPlaced",outcome="skipped"} 1`);
    expect(text).toContain(`events_consumed_total{group="${group}",type="OrderConfirmed",outcome="retried"} 1`);
    expect(text).toContain(`events_consumed_total{group="${group}",type="OrderConfirmed",outcome="dead_lettered"} 1`);
    expect(text).toContain(`events_consumed_total{group="${group}",type="unparseable",outcome="dead_lettered"} 1`);
    expect(text).toContain(`events_dead_lettered_total{topic="${topic}"} 2`);
    expect(text).toContain(`events_handler_duration_seconds_count{group="${group}",topic="${topic}"} 2`);
  });

  it('keeps registries apart (no global state)', async () => {
    createBusMetrics(new Registry());
    expect(() => createBusMetrics(new Registry())).not.toThrow();
  });
});
