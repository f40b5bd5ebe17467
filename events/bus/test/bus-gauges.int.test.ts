import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, Producer } from 'kafkajs';
import type { Connection } from 'mongoose';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerHandle } from '../../../compose/embedded/kafka/src/index.ts';
import { createConsumerLagMonitor } from '../consumer-lag.ts';
import { createConsumerRunner } from '../consumer-runner.ts';
import { createEventStore } from '../event-store.ts';
import { envelopeToMessage } from '../kafka-message.ts';
import { createOutboxRelay } from '../outbox-relay.ts';
import { registerOutboxPendingGauge } from '../outbox-pending.ts';
import { ensureTopics } from '../topics.ts';
import { kafkaClient, orderEvents, startKafka, startMongoWithConnection, tempDir, waitFor } from './fixtures.ts';

/** outbox_pending and kafka_consumer_lag against the embedded MongoDB and Kafka. */
const topic = 'test.lag';
let mongoDir: Awaited<ReturnType<typeof tempDir>>;
let kafkaDir: Awaited<ReturnType<typeof tempDir>>;
let mongo: Awaited<ReturnType<typeof startMongoWithConnection>>;
let broker: BrokerHandle;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let connection: Connection;

beforeAll(async () => {
  mongoDir = await tempDir('gauges-mongo');
  kafkaDir = await tempDir('gauges-kafka');
  mongo = await startMongoWithConnection(mongoDir.path);
  connection = mongo.connection;
  broker = await startKafka(kafkaDir.path);
  kafka = kafkaClient(broker.address);
  admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [topic, 'tributary.order'], 2);
  producer = kafka.producer();
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await admin?.disconnect();
  await broker?.close();
  await mongo?.close();
  await kafkaDir?.remove();
  await mongoDir?.remove();
});

async function gaugeValues(registry: Registry, name: string): Promise<{ labels: Record<string, string | number | undefined>; value: number }[]> {
  return (await registry.getSingleMetric(name)!.get()).values.map(({ labels, value }) => ({ labels: { ...labels }, value }));
}

async function produce(count: number): Promise<void> {
  const events = Array.from({ length: count }, () => orderEvents(randomUUID(), 0, 1)[0]!);
  await producer.send({ topic, acks: -1, messages: events.map(envelopeToMessage) });
}

describe('outbox_pending', () => {
  it('counts commits not yet published, and 0 once the relay drained them', async () => {
    const registry = new Registry();
    registerOutboxPendingGauge({ connection, registry, refreshMs: 0 });
    const store = createEventStore({ connection, aggregateType: 'order' });
    await store.init();
    for (let i = 0; i < 3; i++) {
      const streamId = randomUUID();
      await store.append(streamId, 0, orderEvents(streamId, 0, 2));
    }
    expect(await gaugeValues(registry, 'outbox_pending')).toEqual([{ labels: {}, value: 3 }]);

    const relay = createOutboxRelay({ connection, kafka, pollIntervalMs: 50 });
    await relay.start();
    try {
      await waitFor(async () => (await gaugeValues(registry, 'outbox_pending'))[0]?.value === 0, 20_000, 'outbox_pending 0');
    } finally {
      await relay.stop();
    }
  });
});

describe('kafka_consumer_lag', () => {
  it('counts a group that never committed from the log start, drops to 0 as it consumes, grows while it is away', async () => {
    const groupId = `lag-${randomUUID()}`;
    const registry = new Registry();
    const monitor = createConsumerLagMonitor({ admin, groups: [{ groupId, topics: [topic] }], registry, refreshMs: 60_000 });
    const lagTotal = async () => {
      await monitor.refresh();
      const values = await gaugeValues(registry, 'kafka_consumer_lag');
      return { partitions: values.map((v) => v.labels.partition).sort(), total: values.reduce((sum, v) => sum + v.value, 0) };
    };
    monitor.start();
    try {
      await produce(5);
      expect(await lagTotal()).toEqual({ partitions: ['0', '1'], total: 5 });

      const runner = createConsumerRunner({
        kafka,
        groupId,
        topics: [topic],
        handle: async () => undefined,
        retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
        consumerConfig: { maxWaitTimeInMs: 100 },
      });
      await runner.start();
      try {
        await waitFor(async () => (await lagTotal()).total === 0, 30_000, 'lag 0');
      } finally {
        await runner.stop();
      }
      await produce(2);
      expect((await lagTotal()).total).toBe(2);
    } finally {
      await monitor.stop();
    }
  });
});
