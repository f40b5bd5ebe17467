// The broker through the real kafkajs client: admin topics, produce/consume round trips with
// keys, headers and per-partition order, every acks mode, ListOffsets, refusal of idempotent
// producers, topic auto-creation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { Kafka as KafkaClient, logLevel, type Admin, type Kafka, type Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from './helpers/in-process-broker.ts';
import { createConsumer, createKafka, createProducer } from './helpers/kafka-client.ts';
import { readAll } from './helpers/read-all.ts';
import { sleep, waitFor } from './helpers/wait.ts';

let broker: TestBroker;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  broker = await startTestBroker({ defaultPartitions: 2 });
  kafka = createKafka(broker.address, 'broker-basics');
  admin = kafka.admin();
  await admin.connect();
  producer = createProducer(kafka);
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await admin?.disconnect();
  await broker?.close();
});

async function highWatermarks(topic: string): Promise<Record<number, string>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return Object.fromEntries(offsets.map((o) => [o.partition, o.high]));
}

describe('admin topics', () => {
  it('creates, lists and describes topics; a second create reports "already exists"', async () => {
    expect(await admin.createTopics({ topics: [{ topic: 'basics-admin', numPartitions: 3 }] })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: 'basics-admin', numPartitions: 3 }] })).toBe(false);
    expect(await admin.listTopics()).toContain('basics-admin');
    const { topics } = await admin.fetchTopicMetadata({ topics: ['basics-admin'] });
    expect(topics).toHaveLength(1);
    const partitions = [...topics[0]!.partitions].sort((a, b) => a.partitionId - b.partitionId);
    expect(partitions.map((p) => p.partitionId)).toEqual([0, 1, 2]);
    for (const p of partitions) {
      expect(p.partitionErrorCode).toBe(0);
      expect(p.replicas).toEqual([p.leader]);
      expect(p.isr).toEqual([p.leader]);
    }
  });

  it('refuses invalid names and a replication factor above 1', async () => {
    await expect(admin.createTopics({ topics: [{ topic: 'bad name!', numPartitions: 1 }] })).rejects.toThrow();
    const refused = await admin
      .createTopics({ topics: [{ topic: 'basics-replicated', numPartitions: 1, replicationFactor: 3 }] })
      .catch((error: { errors?: { type: string }[] }) => error);
    expect(refused).toMatchObject({ errors: [expect.objectContaining({ type: 'INVALID_REPLICATION_FACTOR' })] });
    expect(await admin.listTopics()).not.toContain('basics-replicated');
  });

  it('deletes topics together with the offsets groups committed on them', async () => {
    const topic = 'basics-doomed';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }] });
    const consumer = createConsumer(kafka, { groupId: 'basics-doomed-group', maxWaitTimeInMs: 200 });
    let seen = 0;
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async () => void seen++ });
      await waitFor('committed offset 2', async () => {
        const [t] = await admin.fetchOffsets({ groupId: 'basics-doomed-group', topics: [topic] });
        return seen === 2 && t!.partitions[0]!.offset === '2';
      });
    } finally {
      await consumer.disconnect();
    }

    await admin.deleteTopics({ topics: [topic] });
    expect(await admin.listTopics()).not.toContain(topic);
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    expect(await admin.fetchTopicOffsets(topic)).toEqual([expect.objectContaining({ high: '0' })]);
    const [t] = await admin.fetchOffsets({ groupId: 'basics-doomed-group', topics: [topic] });
    expect(t!.partitions).toEqual([expect.objectContaining({ partition: 0, offset: '-1' })]);
  });
});

describe('produce and consume', () => {
  it('round-trips keys, values and headers with per-partition (per-key) order across 3 partitions', async () => {
    const topic = 'basics-roundtrip';
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    const keys = Array.from({ length: 9 }, (_, i) => `order-${i}`);
    const sent: { key: string; value: string }[] = [];
    for (let round = 0; round < 5; round++) {
      const messages = keys.map((key) => ({ key, value: `${key}#${round}`, headers: { trace: `t-${key}-${round}`, round: `${round}` } }));
      sent.push(...messages);
      await producer.send({ topic, messages });
    }

    const received: { partition: number; offset: string; key: string; value: string; headers: Record<string, string> }[] = [];
    const consumer = createConsumer(kafka, { groupId: 'basics-roundtrip-group' });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          received.push({
            partition,
            offset: message.offset,
            key: message.key!.toString(),
            value: message.value!.toString(),
            headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
          });
        },
      });
      await waitFor('all messages consumed', () => received.length >= sent.length, { timeoutMs: 20_000 });
    } finally {
      await consumer.disconnect();
    }

    expect(received).toHaveLength(sent.length);
    expect(new Set(received.map((m) => m.partition)).size).toBeGreaterThan(1);
    for (const m of received) {
      const round = m.value.split('#')[1]!;
      expect(m.value.startsWith(`${m.key}#`)).toBe(true);
      expect(m.headers).toEqual({ trace: `t-${m.key}-${round}`, round });
    }
    for (const key of keys) {
      const ofKey = received.filter((m) => m.key === key);
      expect(new Set(ofKey.map((m) => m.partition)).size).toBe(1); // one key, one partition
      expect(ofKey.map((m) => m.value)).toEqual([0, 1, 2, 3, 4].map((r) => `${key}#${r}`));
    }
    for (const p of [0, 1, 2]) {
      const offsets = received.filter((m) => m.partition === p).map((m) => Number(m.offset));
      expect(offsets).toEqual(offsets.map((_, i) => i)); // dense, from 0, in order
    }
  });

  it('stores messages sent with acks 0, 1 and -1 (acks=0 gets no reply and still lands)', async () => {
    const topic = 'basics-acks';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const none = await producer.send({ topic, acks: 0, messages: [{ value: 'a0' }] });
    expect(none).toEqual([]);
    const one = await producer.send({ topic, acks: 1, messages: [{ value: 'a1' }, { value: 'a1b' }] });
    expect(one[0]).toMatchObject({ topicName: topic, partition: 0, errorCode: 0 });
    const all = await producer.send({ topic, acks: -1, messages: [{ value: 'a-1' }] });
    expect(all[0]).toMatchObject({ errorCode: 0, baseOffset: '3' });
    await waitFor('acks=0 message stored', async () => (await highWatermarks(topic))[0] === '4');
    const stored = await readAll(kafka, topic);
    expect(stored.map((m) => m.value)).toEqual(['a0', 'a1', 'a1b', 'a-1']);
  });
});

describe('pipelining', () => {
  it('writes responses in request order while a long-poll fetch is held', async () => {
    const topic = 'basics-order';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const request = (apiKey: number, version: number, correlationId: number, body: Buffer): Buffer => {
      const head = Buffer.alloc(14);
      head.writeInt32BE(10 + body.length, 0);
      head.writeInt16BE(apiKey, 4);
      head.writeInt16BE(version, 6);
      head.writeInt32BE(correlationId, 8);
      head.writeInt16BE(-1, 12); // null client id
      return Buffer.concat([head, body]);
    };
    const name = Buffer.from(topic);
    const fetchBody = Buffer.alloc(4 * 4 + 1 + 4 + 2 + name.length + 4 + 4 + 8 + 4);
    let at = fetchBody.writeInt32BE(-1, 0); // replica id
    at = fetchBody.writeInt32BE(400, at); // max wait: nothing will arrive, so the reply is held this long
    at = fetchBody.writeInt32BE(1, at); // min bytes
    at = fetchBody.writeInt32BE(1 << 20, at);
    at = fetchBody.writeInt8(0, at);
    at = fetchBody.writeInt32BE(1, at);
    at = fetchBody.writeInt16BE(name.length, at);
    at += name.copy(fetchBody, at);
    at = fetchBody.writeInt32BE(1, at);
    at = fetchBody.writeInt32BE(0, at); // partition
    at = fetchBody.writeBigInt64BE(0n, at); // offset 0 == high watermark: wait
    fetchBody.writeInt32BE(1 << 20, at);

    const socket = connect({ host: '127.0.0.1', port: broker.port });
    const arrivals: { correlationId: number; at: number }[] = [];
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 8 && pending.length >= 4 + pending.readInt32BE(0)) {
        arrivals.push({ correlationId: pending.readInt32BE(4), at: Date.now() });
        pending = pending.subarray(4 + pending.readInt32BE(0));
      }
    });
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const sentAt = Date.now();
    socket.write(Buffer.concat([request(1, 4, 1, fetchBody), request(18, 0, 2, Buffer.alloc(0))]));
    try {
      await waitFor('both responses', () => arrivals.length === 2, { timeoutMs: 5_000 });
    } finally {
      socket.destroy();
    }
    expect(arrivals.map((a) => a.correlationId)).toEqual([1, 2]);
    expect(arrivals[1]!.at - sentAt).toBeGreaterThanOrEqual(350); // ApiVersions waited for the fetch
  });
});

describe('ListOffsets', () => {
  it('answers earliest, latest and timestamp lookups', async () => {
    const topic = 'basics-offsets';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    expect(await admin.fetchTopicOffsets(topic)).toEqual([
      expect.objectContaining({ partition: 0, offset: '0', low: '0', high: '0' }),
    ]);
    const t0 = Date.now() - 10_000;
    await producer.send({ topic, messages: [{ value: 'old-1', timestamp: `${t0}` }, { value: 'old-2', timestamp: `${t0 + 1_000}` }] });
    await producer.send({ topic, messages: [{ value: 'new', timestamp: `${t0 + 5_000}` }] });

    expect(await admin.fetchTopicOffsets(topic)).toEqual([
      expect.objectContaining({ partition: 0, offset: '3', low: '0', high: '3' }),
    ]);
    // Inside a batch: the first record at or after the timestamp, not just the batch start.
    expect(await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 500)).toEqual([{ partition: 0, offset: '1' }]);
    expect(await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 2_000)).toEqual([{ partition: 0, offset: '2' }]);
    expect(await admin.fetchTopicOffsetsByTimestamp(topic, t0 - 1)).toEqual([{ partition: 0, offset: '0' }]);
    // Later than everything: kafkajs falls back to the high watermark when the broker says -1.
    expect(await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 60_000)).toEqual([{ partition: 0, offset: '3' }]);
  });
});

describe('unsupported and automatic behaviour', () => {
  it('refuses an idempotent producer with a clear error', async () => {
    const idempotent = createProducer(kafka, { idempotent: true, maxInFlightRequests: 1, retry: { retries: 1 } });
    try {
      // kafkajs asks for InitProducerId (not advertised) while connecting and gives up at once.
      await expect(idempotent.connect()).rejects.toMatchObject({
        name: 'KafkaJSServerDoesNotSupportApiKey',
        message: expect.stringMatching(/does not support/i),
      });
    } finally {
      await idempotent.disconnect();
    }
  });

  it('auto-creates a topic on first produce with the default partition count', async () => {
    const topic = `basics-auto-${Date.now()}`;
    expect(await admin.listTopics()).not.toContain(topic);
    const [result] = await producer.send({ topic, messages: [{ key: 'k', value: 'v' }] });
    expect(result).toMatchObject({ errorCode: 0, baseOffset: '0' });
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(topics[0]!.partitions).toHaveLength(2);
  });

  it('does not create topics when auto-creation is off', async () => {
    const strict = await startTestBroker({ autoCreateTopics: false });
    const client = new KafkaClient({
      clientId: 'no-auto-create',
      brokers: [strict.address],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const strictAdmin = client.admin();
    await strictAdmin.connect();
    try {
      await expect(strictAdmin.fetchTopicMetadata({ topics: ['never-created'] })).rejects.toMatchObject({
        type: 'UNKNOWN_TOPIC_OR_PARTITION',
      });
      expect(await strictAdmin.listTopics()).toEqual([]);
      expect(await strictAdmin.createTopics({ topics: [{ topic: 'explicit', numPartitions: 1 }] })).toBe(true);
      expect(await strictAdmin.listTopics()).toEqual(['explicit']);
    } finally {
      await strictAdmin.disconnect();
      await strict.close();
    }
  });

  it('long-polls: a waiting consumer gets a message produced later before max wait ends', async () => {
    const topic = 'basics-longpoll';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const got: number[] = [];
    // disconnect() waits for the poll in flight, so keep max wait moderate; the check is that
    // the message arrives well before it.
    const consumer = createConsumer(kafka, { groupId: 'basics-longpoll-group', maxWaitTimeInMs: 2_500 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      let joined = false;
      consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
      await consumer.run({ eachMessage: async () => void got.push(Date.now()) });
      await waitFor('consumer joined', () => joined);
      await sleep(300); // let it settle into a long poll
      const sentAt = Date.now();
      await producer.send({ topic, messages: [{ value: 'wake up' }] });
      await waitFor('message consumed', () => got.length === 1, { timeoutMs: 10_000 });
      expect(got[0]! - sentAt).toBeLessThan(1_500);
    } finally {
      await consumer.disconnect();
    }
  });
});
