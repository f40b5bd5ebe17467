import { randomUUID } from 'node:crypto';
import { createConsumerRunner, EVENT_HEADERS, PermanentMessageError, envelopeToMessage, ensureTopics, headersToStrings } from '@tributary/bus';
import { dlqTopic, type AnyEventEnvelope, type DomainEvent } from '@tributary/contracts';
import { makeEnvelope, sampleEvents } from '@tributary/testing';
import { eventually, type TestInfrastructure } from '@tributary/testing/stack';
import type { Kafka } from 'kafkajs';
import { partitionEnds, readTopicRanges } from '../topic-reader.ts';

/** An order's events as the order service would store and publish them. */
export function orderStream(orderId: string, customerId: string, ending: 'OrderConfirmed' | 'OrderCancelled' | null): AnyEventEnvelope[] {
  const placed: DomainEvent<'OrderPlaced'> = { ...sampleEvents.OrderPlaced, data: { ...sampleEvents.OrderPlaced.data, orderId, customerId, idempotencyKey: `k-${orderId}` } };
  const events: AnyEventEnvelope[] = [makeEnvelope(placed, { aggregateId: orderId, aggregateVersion: 1, occurredAt: '2026-01-01T00:00:00.000Z' })];
  if (ending === 'OrderConfirmed') {
    events.push(makeEnvelope({ ...sampleEvents.OrderConfirmed, data: { ...sampleEvents.OrderConfirmed.data, orderId } }, { aggregateId: orderId, aggregateVersion: 2, occurredAt: '2026-01-01T00:00:01.000Z' }));
  }
  if (ending === 'OrderCancelled') {
    events.push(makeEnvelope({ ...sampleEvents.OrderCancelled, data: { ...sampleEvents.OrderCancelled.data, orderId } }, { aggregateId: orderId, aggregateVersion: 2, occurredAt: '2026-01-01T00:00:02.000Z' }));
  }
  return events;
}

export interface TopicMessage {
  partition: number;
  offset: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** Everything on `topic` right now, read independently of the code under test's listing. */
export async function topicMessages(kafka: Kafka, topic: string): Promise<TopicMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await partitionEnds(admin, topic).finally(() => admin.disconnect());
  const messages: TopicMessage[] = [];
  await readTopicRanges(
    kafka,
    topic,
    ends.map(({ partition, low, high }) => ({ partition, from: low, to: high })),
    (partition, message) => {
      messages.push({ partition, offset: message.offset, key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', headers: headersToStrings(message.headers) });
    },
    { timeoutMs: 20_000 },
  );
  return messages;
}

/**
 * Parks `poison` on `<topic>.dlq` the way a service does: a real consumer runner whose handler
 * refuses that event as permanently unusable (and accepts the others).
 */
export async function parkThroughConsumer(infra: TestInfrastructure, topic: string, events: AnyEventEnvelope[], poisonId: string): Promise<void> {
  const kafka = infra.kafka('park');
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [topic], 2);
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: events.map(envelopeToMessage) });
  await producer.disconnect();
  const runner = createConsumerRunner({
    kafka,
    groupId: `poisoned-${randomUUID()}`,
    topics: [topic],
    fromBeginning: true,
    retry: { maxAttempts: 2, initialDelayMs: 2, maxDelayMs: 10 },
    consumerConfig: { maxWaitTimeInMs: 100 },
    handle: async (envelope) => {
      if (envelope.id === poisonId) throw new PermanentMessageError(`cannot handle ${envelope.type}: the handler refuses this one`);
    },
  });
  await runner.start();
  try {
    await eventually(async () => {
      const parked = await partitionEnds(admin, dlqTopic(topic));
      return parked.reduce((sum, p) => sum + Number(p.high), 0) >= 1;
    }, 20_000, 'the poison message on the DLQ');
  } finally {
    await runner.stop();
    await admin.disconnect();
  }
}

export function eventIdOf(message: TopicMessage): string | undefined {
  return message.headers[EVENT_HEADERS.eventId];
}
