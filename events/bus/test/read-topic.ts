import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { headersToStrings } from '../kafka-message.ts';

export interface ReadMessage {
  partition: number;
  offset: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * Reads a whole topic with a raw kafkajs consumer (fresh group, from the beginning) up to the
 * high watermarks it has when called. Independent of the bus code under test.
 */
export async function readTopic(kafka: Kafka, topic: string, timeoutMs = 20_000): Promise<ReadMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  await admin.disconnect();
  const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([partition]) => partition));
  const messages: ReadMessage[] = [];
  if (pending.size === 0) return messages;

  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }: { partition: number; message: KafkaMessage }) => {
        const end = ends.get(partition)!;
        if (BigInt(message.offset) >= end) return;
        messages.push({
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          headers: headersToStrings(message.headers),
        });
        if (BigInt(message.offset) + 1n >= end) {
          pending.delete(partition);
          if (pending.size === 0) done();
        }
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      finished,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`readTopic(${topic}) timed out`)), timeoutMs))),
    ]);
    clearTimeout(timer);
  } finally {
    await consumer.disconnect();
  }
  return messages;
}
