import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createBusMetrics } from './bus-metrics.ts';

describe('createBusMetrics', () => {
  it('turns relay and consumer hooks into Prometheus series on the given registry', async () => {
    const registry = new Registry();
    const { relayHooks, consumerHooks } = createBusMetrics(registry);
    relayHooks.onPublished?.({ commits: 2, events: 5, lagMs: 40 });
    relayHooks.onError?.(new Error('kafka down'));
    consumerHooks.onProcessed?.({ topic: 'tributary.order', type: 'OrderPlaced', durationMs: 3 });
    consumerHooks.onRetry?.({ topic: 'tributary.order', attempt: 1, error: new Error('x') });
    consumerHooks.onDeadLettered?.({ topic: 'tributary.order', attempts: 3, error: new Error('x') });

    const text = await registry.metrics();
    expect(text).toContain('tributary_outbox_published_events_total 5');
    expect(text).toContain('tributary_outbox_errors_total 1');
    expect(text).toMatch(/tributary_outbox_lag_seconds_bucket\{le="0.05"\} 1/);
    expect(text).toContain('tributary_consumer_processed_total{topic="tributary.order",type="OrderPlaced"} 1');
    expect(text).toContain('tributary_consumer_retries_total{topic="tributary.order"} 1');
    expect(text).toContain('tributary_consumer_dead_lettered_total{topic="tributary.order"} 1');
  });

  it('keeps registries apart (no global state)', async () => {
    createBusMetrics(new Registry());
    expect(() => createBusMetrics(new Registry())).not.toThrow();
  });
});
