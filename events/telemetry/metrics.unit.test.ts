import { Counter, register as globalRegister } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from './metrics.ts';

describe('createMetricsRegistry', () => {
  it('labels every metric with the service and collects default process metrics', async () => {
    const registry = createMetricsRegistry({ service: 'order', labels: { instance: 'a' } });
    const counter = new Counter({ name: 'orders_placed_total', help: 'orders placed', registers: [registry] });
    counter.inc();
    const text = await registry.metrics();
    expect(text).toMatch(/orders_placed_total\{service="order",instance="a"\} 1|orders_placed_total\{instance="a",service="order"\} 1/);
    expect(text).toMatch(/process_cpu_user_seconds_total\{[^}]*service="order"/);
    expect(registry.contentType).toMatch(/text\/plain/);
  });

  it('gives each call its own registry and leaves the global one alone', async () => {
    const before = (await globalRegister.getMetricsAsJSON()).length;
    const a = createMetricsRegistry({ service: 'a', defaultMetrics: false });
    const b = createMetricsRegistry({ service: 'b', defaultMetrics: false });
    // The same metric name in two registries would throw on a shared one.
    new Counter({ name: 'same_name_total', help: 'x', registers: [a] }).inc(2);
    new Counter({ name: 'same_name_total', help: 'x', registers: [b] }).inc(3);
    expect(await a.metrics()).toContain('same_name_total{service="a"} 2');
    expect(await b.metrics()).toContain('same_name_total{service="b"} 3');
    expect(await a.metrics()).not.toContain('process_cpu');
    expect((await globalRegister.getMetricsAsJSON()).length).toBe(before);
  });

  it('prefixes default metrics when asked', async () => {
    const registry = createMetricsRegistry({ service: 'gateway', prefix: 'tributary_' });
    expect(await registry.metrics()).toContain('tributary_process_cpu_user_seconds_total');
  });

  it('requires a service name', () => {
    expect(() => createMetricsRegistry({ service: '' })).toThrow();
  });
});
