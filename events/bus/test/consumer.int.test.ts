import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerHandle } from '../../../compose/embedded/kafka/src/index.ts';
import { dlqTopic, type AnyEventEnvelope } from '../../contracts/index.ts';
import { applyOnce } from '../apply-once.ts';
import { createConsumerRunner, type ConsumerRunner, type ConsumerRunnerOptions } from '../consumer-runner.ts';
import { DLQ_HEADERS } from '../dlq.ts';
import { envelopeToMessage } from '../kafka-message.ts';
import { replayDlq } from '../replay-dlq.ts';
import { ensureTopics } from '../topics.ts';
import { kafkaClient, orderEvents, startKafka, startMongoWithConnection, tempDir, waitFor } from './fixtures.ts';
import { readTopic } from './read-topic.ts';

let mongoDir: Awaited<ReturnType<typeof tempDir>>;
let kafkaDir: Awaited<ReturnType<typeof tempDir>>;
let mongo: Awaited<ReturnType<typeof startMongoWithConnection>>;
let broker: BrokerHandle;
let kafka: Kafka;
let producer: Producer;
let connection: Connection;
const runners: ConsumerRunner[] = [];
const TOPICS = { dup: 'test.dup', poison: 'test.poison', malformed: 'test.malformed', resume: 'test.resume', abandon: 'test.abandon', early: 'test.early-stop' };

function runner(options: Pick<ConsumerRunnerOptions, 'topics' | 'handle'> & Partial<Pick<ConsumerRunnerOptions, 'groupId' | 'retry'>>): ConsumerRunner {
  const created = createConsumerRunner({
    kafka,
    groupId: options.groupId ?? `group-${randomUUID()}`,
    topics: options.topics,
    handle: options.handle,
    retry: options.retry ?? { maxAttempts: 3, initialDelayMs: 2, maxDelayMs: 10 },
    consumerConfig: { maxWaitTimeInMs: 100 },
  });
  runners.push(created);
  return created;
}

async function produce(topic: string, events: AnyEventEnvelope[]): Promise<void> {
  await producer.send({ topic, acks: -1, messages: events.map(envelopeToMessage) });
}

beforeAll(async () => {
  mongoDir = await tempDir('consumer-mongo');
  kafkaDir = await tempDir('consumer-kafka');
  mongo = await startMongoWithConnection(mongoDir.path);
  connection = mongo.connection;
  broker = await startKafka(kafkaDir.path);
  kafka = kafkaClient(broker.address);
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, Object.values(TOPICS), 2);
  await admin.disconnect();
  producer = kafka.producer();
  await producer.connect();
});

afterAll(async () => {
  for (const r of runners) await r.stop().catch(() => undefined);
  await producer?.disconnect();
  await broker?.close();
  await mongo?.close();
  await kafkaDir?.remove();
  await mongoDir?.remove();
});

describe('consumer runner', () => {
  it('applies each effect once when every message is delivered twice', async () => {
    const counters = connection.collection<{ _id: string; count: number }>('counters');
    const streams = [randomUUID(), randomUUID(), randomUUID()];
    const events = streams.flatMap((id) => orderEvents(id, 0, 5));
    let calls = 0;
    const r = runner({
      topics: [TOPICS.dup],
      handle: async (envelope) => {
        await applyOnce(counters, envelope.aggregateId, envelope.id, { $inc: { count: 1 } });
        calls += 1;
      },
    });
    await produce(TOPICS.dup, events.flatMap((e) => [e, e]));
    await produce(TOPICS.dup, events);
    await r.start();
    await waitFor(() => calls === events.length * 3, 20_000, 'all deliveries handled');
    const docs = await counters.find({ _id: { $in: streams } }).toArray();
    expect(docs.map((d) => d.count)).toEqual([5, 5, 5]);
  });

  it('parks a poison message on the DLQ after its retries while the partition keeps flowing; replay re-delivers it', async () => {
    const orderId = randomUUID();
    const events = orderEvents(orderId, 0, 4);
    const poison = events[1]!;
    let healed = false;
    const attempts = new Map<string, number>();
    const handled: number[] = [];
    const r = runner({
      topics: [TOPICS.poison],
      handle: async (envelope, context) => {
        attempts.set(envelope.id, context.attempt);
        if (envelope.id === poison.id && !healed) throw new Error('boom: cannot handle this one');
        handled.push(envelope.aggregateVersion);
      },
    });
    await r.start();
    await produce(TOPICS.poison, events);
    await waitFor(() => handled.length === 3, 20_000, 'the healthy messages');
    expect(handled).toEqual([1, 3, 4]);
    expect(attempts.get(poison.id)).toBe(3);

    const parked = await readTopic(kafka, dlqTopic(TOPICS.poison));
    expect(parked).toHaveLength(1);
    const original = envelopeToMessage(poison);
    expect(parked[0]!.key).toBe(original.key);
    expect(parked[0]!.value).toBe(original.value);
    expect(parked[0]!.headers).toMatchObject({
      ...original.headers,
      [DLQ_HEADERS.error]: 'Error: boom: cannot handle this one',
      [DLQ_HEADERS.attempts]: '3',
      [DLQ_HEADERS.originalTopic]: TOPICS.poison,
    });
    expect(Number(parked[0]!.headers[DLQ_HEADERS.originalOffset])).toBeGreaterThanOrEqual(0);
    expect(Date.parse(parked[0]!.headers[DLQ_HEADERS.failedAt]!)).not.toBeNaN();

    healed = true;
    expect(await replayDlq({ kafka, topic: TOPICS.poison })).toEqual({ replayed: 1 });
    await waitFor(() => handled.length === 4, 20_000, 'the replayed message');
    expect(handled[3]).toBe(2);
    // Replay progress is committed: a second replay has nothing left to do.
    expect(await replayDlq({ kafka, topic: TOPICS.poison })).toEqual({ replayed: 0 });
  });

  it('sends malformed JSON and schema violations to the DLQ without calling the handler', async () => {
    const orderId = randomUUID();
    const [valid] = orderEvents(orderId, 0, 1);
    const invalid = { ...orderEvents(orderId, 1, 1)[0]!, data: { orderId } };
    const seen: string[] = [];
    const r = runner({ topics: [TOPICS.malformed], handle: async (envelope) => void seen.push(envelope.id) });
    await r.start();
    await producer.send({
      topic: TOPICS.malformed,
      acks: -1,
      messages: [
        { key: orderId, value: '{"not json', headers: { 'event-id': 'broken-1' } },
        { key: orderId, value: JSON.stringify(invalid) },
        envelopeToMessage(valid!),
      ],
    });
    await waitFor(() => seen.length === 1, 20_000, 'the valid message');
    expect(seen).toEqual([valid!.id]);
    const parked = await readTopic(kafka, dlqTopic(TOPICS.malformed));
    expect(parked.map((m) => m.headers[DLQ_HEADERS.attempts])).toEqual(['0', '0']);
    expect(parked[0]!.value).toBe('{"not json');
    expect(parked[0]!.headers['event-id']).toBe('broken-1');
    expect(parked[0]!.headers[DLQ_HEADERS.error]).toMatch(/JSON/);
    expect(parked[1]!.headers[DLQ_HEADERS.error]).toMatch(/InvalidEventError/);
  });

  it('commits on stop(): a restarted consumer resumes right after the last processed message', async () => {
    const groupId = `resume-${randomUUID()}`;
    const orderId = randomUUID();
    const events = orderEvents(orderId, 0, 10);
    const firstRun: number[] = [];
    const first = runner({ groupId, topics: [TOPICS.resume], handle: async (e) => void firstRun.push(e.aggregateVersion) });
    await first.start();
    await produce(TOPICS.resume, events.slice(0, 5));
    await waitFor(() => firstRun.length === 5, 20_000, 'first five');
    await first.stop();

    await produce(TOPICS.resume, events.slice(5));
    const secondRun: number[] = [];
    const second = runner({ groupId, topics: [TOPICS.resume], handle: async (e) => void secondRun.push(e.aggregateVersion) });
    await second.start();
    await waitFor(() => secondRun.length >= 5, 20_000, 'the last five');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(firstRun).toEqual([1, 2, 3, 4, 5]);
    expect(secondRun).toEqual([6, 7, 8, 9, 10]);
    await second.stop();
  });

  it('stop() during retries leaves the message uncommitted, so the next member gets it again', async () => {
    const groupId = `abandon-${randomUUID()}`;
    const orderId = randomUUID();
    const [event] = orderEvents(orderId, 0, 1);
    let attempts = 0;
    const failing = runner({
      groupId,
      topics: [TOPICS.abandon],
      retry: { maxAttempts: 1_000, initialDelayMs: 20, maxDelayMs: 20 },
      handle: async () => {
        attempts += 1;
        throw new Error('dependency down');
      },
    });
    await failing.start();
    await produce(TOPICS.abandon, [event!]);
    await waitFor(() => attempts >= 2, 20_000, 'a couple of attempts');
    const stoppingAt = Date.now();
    await failing.stop();
    expect(Date.now() - stoppingAt).toBeLessThan(5_000);

    const received: string[] = [];
    const healthy = runner({ groupId, topics: [TOPICS.abandon], handle: async (e) => void received.push(e.id) });
    await healthy.start();
    await waitFor(() => received.length === 1, 20_000, 'the redelivery');
    expect(received).toEqual([event!.id]);
    expect(await readTopic(kafka, dlqTopic(TOPICS.abandon))).toEqual([]);
  });

  it('stop() called while start() is still connecting leaves no member running', async () => {
    const groupId = `early-stop-${randomUUID()}`;
    const received: string[] = [];
    const early = runner({ groupId, topics: [TOPICS.early], handle: async (e) => void received.push(e.id) });
    const starting = early.start();
    const stopping = early.stop();
    await Promise.allSettled([starting, stopping]);
    // Whatever start() was doing when stop() came must not join the group afterwards.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await produce(TOPICS.early, orderEvents(randomUUID(), 0, 1));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(received).toEqual([]);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([groupId]);
      expect(groups[0]?.members ?? []).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });
});
