import type { IHeaders, Kafka } from 'kafkajs';
import { createConsumer } from './kafka-client.ts';
import { waitFor } from './wait.ts';

export interface StoredMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

let readers = 0;

/**
 * Reads a topic from the beginning up to its current high watermarks with a throwaway group,
 * returning every message sorted by (partition, offset): the "what is in the log" view that
 * restart tests compare before and after.
 */
export async function readAll(kafka: Kafka, topic: string, { timeoutMs = 20_000 } = {}): Promise<StoredMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const expected = ends.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  const messages: StoredMessage[] = [];
  if (expected === 0) return messages;

  const consumer = createConsumer(kafka, { groupId: `read-all-${process.pid}-${Date.now()}-${readers++}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        messages.push({
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers: decodeHeaders(message.headers),
        });
      },
    });
    await waitFor(`${expected} messages from ${topic}`, () => messages.length >= expected, { timeoutMs });
  } finally {
    await consumer.disconnect();
  }
  return messages.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name] = String(value);
  return out;
}
