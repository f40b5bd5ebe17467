import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../../contracts/index.ts';
import type { BrokerHandle } from '../../../compose/embedded/kafka/src/index.ts';
import { commitModel, COMMITS_COLLECTION } from '../commit-model.ts';
import { createEventStore, type EventStore } from '../event-store.ts';
import { EVENT_HEADERS } from '../kafka-message.ts';
import { createLease } from '../lease.ts';
import { createOutboxRelay, type OutboxRelay } from '../outbox-relay.ts';
import { ensureTopics } from '../topics.ts';
import { kafkaClient, orderEvents, startKafka, startMongoWithConnection, tempDir, waitFor } from './fixtures.ts';
import { readTopic, type ReadMessage } from './read-topic.ts';

const topic = TOPICS.order;
let mongoDir: Awaited<ReturnType<typeof tempDir>>;
let kafkaDir: Awaited<ReturnType<typeof tempDir>>;
let mongo: Awaited<ReturnType<typeof startMongoWithConnection>>;
let broker: BrokerHandle;
let kafka: Kafka;
let connection: Connection;
const relays: OutboxRelay[] = [];

function relay(options: { owner?: string; onPublished?: (events: number) => void } = {}): OutboxRelay {
  // A lease far longer than any stall a loaded CI machine can cause: handovers in these tests
  // come from stop() releasing the lease or from a ghost's own short lease, never from a
  // holder that merely renewed late.
  const created = createOutboxRelay({
    connection,
    kafka,
    owner: options.owner,
    pollIntervalMs: 50,
    leaseTtlMs: 15_000,
    retry: { initialDelayMs: 20, maxDelayMs: 300 },
    hooks: { onPublished: (info) => options.onPublished?.(info.events) },
  });
  relays.push(created);
  return created;
}

/** Appends `total` events to `streams` new streams, in commits of 1-3 events, interleaved. */
async function appendAcross(store: EventStore, streams: number, total: number): Promise<Map<string, number>> {
  const heads = new Map(Array.from({ length: streams }, () => [randomUUID(), 0] as [string, number]));
  const ids = [...heads.keys()];
  for (let written = 0, i = 0; written < total; i++) {
    const streamId = ids[i % ids.length]!;
    const head = heads.get(streamId)!;
    const size = Math.min(1 + (i % 3), total - written);
    await store.append(streamId, head, orderEvents(streamId, head, size));
    heads.set(streamId, head + size);
    written += size;
  }
  return heads;
}

/** Versions per stream in the order Kafka holds them (a stream lives on one partition). */
function versionsByStream(messages: ReadMessage[], streams: Map<string, number>): Map<string, number[]> {
  const out = new Map<string, number[]>([...streams.keys()].map((id) => [id, []]));
  const ordered = [...messages].sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  for (const message of ordered) {
    const envelope = JSON.parse(message.value) as { aggregateId: string; aggregateVersion: number };
    expect(message.key).toBe(envelope.aggregateId);
    out.get(envelope.aggregateId)?.push(envelope.aggregateVersion);
  }
  return out;
}

/** Every stream fully present, first deliveries in version order; returns the duplicate count. */
function expectCompleteAndOrdered(messages: ReadMessage[], streams: Map<string, number>): number {
  let duplicates = 0;
  for (const [streamId, versions] of versionsByStream(messages, streams)) {
    const firstSeen = versions.filter((v, i) => versions.indexOf(v) === i);
    expect(firstSeen, `stream ${streamId}`).toEqual(Array.from({ length: streams.get(streamId)! }, (_, i) => i + 1));
    duplicates += versions.length - firstSeen.length;
  }
  return duplicates;
}

async function unpublished(): Promise<number> {
  return commitModel(connection).countDocuments({ published: false }).exec();
}

beforeAll(async () => {
  mongoDir = await tempDir('outbox-mongo');
  kafkaDir = await tempDir('outbox-kafka');
  mongo = await startMongoWithConnection(mongoDir.path);
  connection = mongo.connection;
  broker = await startKafka(kafkaDir.path);
  kafka = kafkaClient(broker.address);
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [topic], 3);
  expect(await ensureTopics(admin, [topic], 3)).toEqual([]);
  await admin.disconnect();
});

afterAll(async () => {
  for (const r of relays) await r.stop().catch(() => undefined);
  await broker?.close();
  await mongo?.close();
  await kafkaDir?.remove();
  await mongoDir?.remove();
});

describe('outbox relay', () => {
  it('publishes 100 events across streams, in order per stream, with the envelope headers', async () => {
    const r = relay();
    const store = createEventStore({ connection, aggregateType: 'order', onAppended: r.notify });
    await store.init();
    await r.start();
    const streams = await appendAcross(store, 8, 100);
    await waitFor(async () => (await unpublished()) === 0, 20_000, 'outbox drained');
    await r.stop();

    const messages = (await readTopic(kafka, topic)).filter((m) => streams.has(m.key));
    expect(expectCompleteAndOrdered(messages, streams)).toBe(0);
    expect(messages).toHaveLength(100);
    const sample = messages[0]!;
    const envelope = JSON.parse(sample.value) as Record<string, unknown>;
    expect(sample.headers).toMatchObject({
      [EVENT_HEADERS.eventId]: envelope.id,
      [EVENT_HEADERS.eventType]: envelope.type,
      [EVENT_HEADERS.eventVersion]: String(envelope.version),
      [EVENT_HEADERS.correlationId]: envelope.correlationId,
      [EVENT_HEADERS.causationId]: envelope.causationId,
      [EVENT_HEADERS.traceparent]: envelope.traceparent,
      [EVENT_HEADERS.contentType]: 'application/json',
    });
  });

  it('survives a broker outage: appends keep succeeding, nothing is lost, order holds', async () => {
    let errors = 0;
    const r = createOutboxRelay({
      connection,
      kafka,
      pollIntervalMs: 50,
      retry: { initialDelayMs: 20, maxDelayMs: 300 },
      hooks: { onError: () => (errors += 1) },
    });
    relays.push(r);
    const store = createEventStore({ connection, aggregateType: 'order', onAppended: r.notify });
    const total = await unpublished();
    await r.start();
    const before = appendAcross(store, 5, 60);
    // Pull the plug mid-way: once the relay has published something, while appends go on.
    await waitFor(async () => (await commitModel(connection).countDocuments({ published: true }).exec()) > total, 20_000, 'a first batch');
    const port = broker.port;
    await broker.close();
    const beforeStreams = await before;
    // Mutations do not depend on Kafka (invariant 1).
    const during = await appendAcross(store, 5, 40);
    await waitFor(() => errors > 0, 10_000, 'the relay to notice the outage');
    expect(await unpublished()).toBeGreaterThan(0);

    broker = await startKafka(kafkaDir.path, port);
    await waitFor(async () => (await unpublished()) === 0, 30_000, 'outbox drained after restart');
    await r.stop();

    const streams = new Map([...beforeStreams, ...during]);
    const messages = (await readTopic(kafka, topic)).filter((m) => streams.has(m.key));
    const duplicates = expectCompleteAndOrdered(messages, streams);
    // At-least-once: a batch cut off by the outage may go out twice, never more.
    expect(duplicates).toBeLessThanOrEqual(100);
    expect(messages.length).toBe(100 + duplicates);
  });

  it('runs one publisher at a time among several instances, and a standby takes over', async () => {
    const published = { a: 0, b: 0 };
    const a = relay({ owner: 'relay-a', onPublished: (n) => (published.a += n) });
    const b = relay({ owner: 'relay-b', onPublished: (n) => (published.b += n) });
    const store = createEventStore({
      connection,
      aggregateType: 'order',
      onAppended: () => {
        a.notify();
        b.notify();
      },
    });
    await Promise.all([a.start(), b.start()]);
    const first = await appendAcross(store, 6, 60);
    await waitFor(async () => (await unpublished()) === 0, 20_000, 'drained by the pair');
    // The relay flips `published` before its onPublished hook runs, and on a loaded machine this
    // test's count can be answered in between: wait for the hooks too.
    await waitFor(() => published.a + published.b === 60, 5_000, 'the publish hooks');
    // Exactly one of them held the lease and published everything.
    expect([published.a, published.b].sort((x, y) => x - y)).toEqual([0, 60]);
    expect([a.status().leader, b.status().leader].filter(Boolean)).toHaveLength(1);

    const [leader, standby, standbyName] = published.a > 0 ? [a, b, 'b'] as const : [b, a, 'a'] as const;
    await leader.stop();
    const second = await appendAcross(store, 6, 30);
    await waitFor(async () => (await unpublished()) === 0, 20_000, 'drained by the standby');
    await waitFor(() => published.a + published.b === 90, 5_000, 'the publish hooks');
    expect(published[standbyName]).toBe(30);
    await standby.stop();

    const streams = new Map([...first, ...second]);
    const messages = (await readTopic(kafka, topic)).filter((m) => streams.has(m.key));
    expect(expectCompleteAndOrdered(messages, streams)).toBe(0);
    expect(messages).toHaveLength(90);
  });

  it('waits for a crashed holder\'s lease to expire, then takes over', async () => {
    // A holder that took the lease and died: it never renews nor releases.
    const ghost = createLease({ connection, name: `outbox-relay:${COMMITS_COLLECTION}`, owner: 'crashed-relay', ttlMs: 1_000 });
    expect(await ghost.acquire()).toBe(true);
    const expiresAt = Date.now() + 1_000;
    const r = relay({ owner: 'survivor' });
    const store = createEventStore({ connection, aggregateType: 'order', onAppended: r.notify });
    await r.start();
    const streams = await appendAcross(store, 2, 6);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await unpublished()).toBeGreaterThan(0);
    await waitFor(async () => (await unpublished()) === 0, 20_000, 'the takeover');
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt - 50);
    await r.stop();
    const messages = (await readTopic(kafka, topic)).filter((m) => streams.has(m.key));
    expect(expectCompleteAndOrdered(messages, streams)).toBe(0);
  });

  it('publishes a commit that lands with a lower position after the relay published later ones', async () => {
    const r = relay();
    const store = createEventStore({ connection, aggregateType: 'order', onAppended: r.notify });
    // A second instance whose clock is far behind (or an append that raced and lost the clock):
    // its commit sorts before everything the relay already published.
    const laggingStore = createEventStore({ connection, aggregateType: 'order', onAppended: r.notify, now: () => new Date(0) });
    await r.start();
    const ahead = await appendAcross(store, 2, 4);
    await waitFor(async () => (await unpublished()) === 0, 20_000, 'the first commits');
    const late = randomUUID();
    const { position } = await laggingStore.append(late, 0, orderEvents(late, 0, 1));
    expect(position).toBeLessThan(Date.now() - 60_000);
    await waitFor(async () => (await unpublished()) === 0, 20_000, 'the late commit');
    await r.stop();
    const streams = new Map([...ahead, [late, 1]]);
    const messages = (await readTopic(kafka, topic)).filter((m) => streams.has(m.key));
    expect(expectCompleteAndOrdered(messages, streams)).toBe(0);
  });
});
