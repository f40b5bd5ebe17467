import { randomUUID } from 'node:crypto';
import { DLQ_HEADERS } from '@tributary/bus';
import { TOPICS, dlqTopic } from '@tributary/contracts';
import { startInfrastructure, type TestInfrastructure } from '@tributary/testing/stack';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterTopics, findParked, listParked, UnknownTopicError } from '../dlq/dead-letters.ts';
import { UnknownParkedMessageError } from '../dlq/parked-id.ts';
import { REPLAY_LOG_TOPIC } from '../dlq/replay-log.ts';
import { replayParked } from '../dlq/replay-parked.ts';
import { partitionEnds } from '../topic-reader.ts';
import { eventIdOf, orderStream, parkThroughConsumer, topicMessages } from './ops-fixtures.ts';

let infra: TestInfrastructure;
let kafka: Kafka;
let admin: Admin;
const orderId = randomUUID();
const events = [...orderStream(orderId, 'alice', 'OrderConfirmed'), ...orderStream(randomUUID(), 'bob', null)];
const poison = events[1]!;

beforeAll(async () => {
  infra = await startInfrastructure();
  kafka = infra.kafka('ops-dlq-test');
  admin = kafka.admin();
  await admin.connect();
  await parkThroughConsumer(infra, TOPICS.order, events, poison.id);
});

afterAll(async () => {
  await admin?.disconnect();
  await infra?.stop();
});

async function endOffsets(topic: string): Promise<string> {
  return JSON.stringify((await partitionEnds(admin, topic)).map(({ partition, high }) => [partition, String(high)]));
}

describe('dead-letter tools against the embedded Kafka', () => {
  it('lists the parked poison message with where it came from, why and that it was not replayed', async () => {
    const listed = await listParked(kafka, admin, await deadLetterTopics(admin));
    expect(listed).toHaveLength(1);
    const [parked] = listed;
    expect(parked).toMatchObject({
      dlqTopic: dlqTopic(TOPICS.order),
      eventType: 'OrderConfirmed',
      eventId: poison.id,
      aggregateId: orderId,
      originalTopic: TOPICS.order,
      attempts: 1,
      replayed: false,
      replayedAt: null,
    });
    expect(parked!.id).toBe(`${dlqTopic(TOPICS.order)}/${parked!.partition}/${parked!.offset}`);
    expect(parked!.error).toContain('the handler refuses this one');
    expect(new Date(parked!.failedAt!).getTime()).not.toBeNaN();
    // The same listing for one topic, named either way.
    expect((await listParked(kafka, admin, await deadLetterTopics(admin, TOPICS.order))).map((m) => m.id)).toEqual([parked!.id]);
  });

  it('shows one message in full: headers, the decoded envelope and the error', async () => {
    const [listed] = await listParked(kafka, admin, await deadLetterTopics(admin));
    const shown = await findParked(kafka, admin, listed!.id);
    expect(shown.envelope).toEqual(JSON.parse(JSON.stringify(poison)));
    expect(shown.headers[DLQ_HEADERS.originalTopic]).toBe(TOPICS.order);
    expect(shown.headers[DLQ_HEADERS.error]).toContain('refuses');
    expect(shown.key).toBe(orderId);
  });

  it('refuses unknown ids and topics, changing nothing', async () => {
    const orderEnd = await endOffsets(TOPICS.order);
    for (const id of [`${dlqTopic(TOPICS.order)}/0/999`, `${dlqTopic(TOPICS.order)}/42/0`, 'tributary.nothing.dlq/0/0', 'not-an-id']) {
      await expect(replayParked({ kafka, admin }, { id })).rejects.toBeInstanceOf(UnknownParkedMessageError);
    }
    await expect(deadLetterTopics(admin, 'tributary.nothing')).rejects.toBeInstanceOf(UnknownTopicError);
    expect(await endOffsets(TOPICS.order)).toBe(orderEnd);
    expect(await admin.listTopics()).not.toContain(REPLAY_LOG_TOPIC);
    expect(await admin.listTopics()).not.toContain('tributary.nothing.dlq');
  });

  it('replays one message by id onto the original topic once, with its original key, value and headers', async () => {
    const [parked] = await listParked(kafka, admin, await deadLetterTopics(admin));
    const before = await topicMessages(kafka, TOPICS.order);
    const original = before.find((message) => eventIdOf(message) === poison.id)!;

    const outcome = await replayParked({ kafka, admin }, { id: parked!.id });
    expect(outcome.replayed.map((m) => m.id)).toEqual([parked!.id]);

    const after = await topicMessages(kafka, TOPICS.order);
    const copies = after.filter((message) => eventIdOf(message) === poison.id);
    expect(copies).toHaveLength(2);
    const replayed = copies.find((message) => message.offset !== original.offset || message.partition !== original.partition)!;
    expect({ key: replayed.key, value: replayed.value, headers: replayed.headers, partition: replayed.partition }).toEqual({
      key: original.key,
      value: original.value,
      headers: original.headers,
      partition: original.partition,
    });
    expect(after).toHaveLength(before.length + 1);

    const [listed] = await listParked(kafka, admin, await deadLetterTopics(admin));
    expect(listed).toMatchObject({ id: parked!.id, replayed: true });
    expect(listed!.replayedAt).toBe(outcome.replayed[0]!.replayedAt);
    expect((await findParked(kafka, admin, parked!.id)).replayed).toBe(true);

    // A second replay, by id or of the whole DLQ, sends nothing.
    const again = await replayParked({ kafka, admin }, { id: parked!.id });
    const all = await replayParked({ kafka, admin }, {});
    expect([again.replayed.length, again.skipped.length, all.replayed.length, all.skipped.length]).toEqual([0, 1, 0, 1]);
    expect(await topicMessages(kafka, TOPICS.order)).toHaveLength(after.length);
  });
});
