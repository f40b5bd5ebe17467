import type { Admin } from 'kafkajs';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsumerLagMonitor, partitionLag, type ConsumerLagMonitor } from './consumer-lag.ts';

type FakeAdmin = Pick<Admin, 'fetchOffsets' | 'fetchTopicOffsets'>;

/** Topic ends and committed offsets as the admin client reports them (strings, -1 = none). */
function fakeAdmin(ends: Record<string, [low: number, high: number][]>, committed: Record<string, Record<string, number[]>>, failing = new Set<string>()): FakeAdmin {
  return {
    fetchTopicOffsets: async (topic: string) => {
      if (failing.has(topic) || !ends[topic]) throw new Error(`no topic ${topic}`);
      return ends[topic].map(([low, high], partition) => ({ partition, offset: String(high), high: String(high), low: String(low) }));
    },
    fetchOffsets: (async ({ groupId, topics }: { groupId: string; topics: string[] }) => {
      if (failing.has(groupId)) throw new Error(`no group ${groupId}`);
      return topics.map((topic) => ({
        topic,
        partitions: ends[topic]!.map((_, partition) => ({ partition, offset: String(committed[groupId]?.[topic]?.[partition] ?? -1), metadata: null })),
      }));
    }) as FakeAdmin['fetchOffsets'],
  };
}

const monitors: ConsumerLagMonitor[] = [];
afterEach(async () => {
  for (const monitor of monitors.splice(0)) await monitor.stop();
});

async function lagSeries(registry: Registry): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric('kafka_consumer_lag')!.get();
  return Object.fromEntries(metric.values.map(({ labels, value }) => [`${labels.group}/${labels.topic}/${labels.partition}`, value]));
}

describe('partitionLag', () => {
  it('is the log end minus the committed offset, never negative', () => {
    expect(partitionLag('7', '0', '10')).toBe(3);
    expect(partitionLag('10', '0', '10')).toBe(0);
    expect(partitionLag('12', '0', '10')).toBe(0);
  });

  it('counts a partition the group never committed from the log start', () => {
    expect(partitionLag('-1', '4', '10')).toBe(6);
    expect(partitionLag('-1', '0', '0')).toBe(0);
  });
});

describe('createConsumerLagMonitor', () => {
  it('reports every partition of every group, uncommitted ones included, reading each topic once', async () => {
    const registry = new Registry();
    const admin = fakeAdmin({ orders: [[0, 5], [0, 3]], payments: [[2, 4]] }, { 'svc.a': { orders: [5, 1] } });
    let topicReads = 0;
    const counting: FakeAdmin = { ...admin, fetchTopicOffsets: (topic) => ((topicReads += 1), admin.fetchTopicOffsets(topic)) };
    const monitor = createConsumerLagMonitor({
      admin: counting,
      groups: [{ groupId: 'svc.a', topics: ['orders'] }, { groupId: 'svc.b', topics: ['orders', 'payments'] }],
      registry,
    });
    monitors.push(monitor);
    monitor.start();
    await monitor.refresh();
    expect(await lagSeries(registry)).toEqual({
      'svc.a/orders/0': 0,
      'svc.a/orders/1': 2,
      'svc.b/orders/0': 5,
      'svc.b/orders/1': 3,
      'svc.b/payments/0': 2,
    });
    expect(topicReads).toBe(2);
  });

  it('leaves out what cannot be read instead of serving a stale lag', async () => {
    const registry = new Registry();
    const failing = new Set<string>();
    const monitor = createConsumerLagMonitor({
      admin: fakeAdmin({ orders: [[0, 5]], payments: [[0, 1]] }, {}, failing),
      groups: [{ groupId: 'svc.a', topics: ['orders'] }, { groupId: 'svc.b', topics: ['payments'] }],
      registry,
    });
    monitors.push(monitor);
    monitor.start();
    await monitor.refresh();
    expect(Object.keys(await lagSeries(registry))).toEqual(['svc.a/orders/0', 'svc.b/payments/0']);
    failing.add('orders').add('svc.b');
    await monitor.refresh();
    expect(await lagSeries(registry)).toEqual({});
    failing.clear();
    await monitor.refresh();
    expect(Object.keys(await lagSeries(registry))).toHaveLength(2);
  });

  it('refreshes on scrape only while started (the admin client is connected only then)', async () => {
    const registry = new Registry();
    let reads = 0;
    const admin = fakeAdmin({ orders: [[0, 2]] }, {});
    const monitor = createConsumerLagMonitor({
      admin: { ...admin, fetchTopicOffsets: (topic) => ((reads += 1), admin.fetchTopicOffsets(topic)) },
      groups: [{ groupId: 'svc.a', topics: ['orders'] }],
      registry,
      refreshMs: 60_000,
    });
    await registry.metrics();
    expect(reads).toBe(0);
    monitor.start();
    await monitor.stop();
    const afterStart = reads;
    await registry.metrics();
    expect(reads).toBe(afterStart);
  });
});
