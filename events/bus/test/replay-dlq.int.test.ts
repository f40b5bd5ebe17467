import { randomUUID } from 'node:crypto';
import type { Kafka, Message, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerHandle } from '../../../compose/embedded/kafka/src/index.ts';
import { dlqTopic } from '../../contracts/index.ts';
import { toDeadLetter } from '../dlq.ts';
import { envelopeToMessage } from '../kafka-message.ts';
import { replayDlq } from '../replay-dlq.ts';
import { ensureTopics } from '../topics.ts';
import { kafkaClient, orderEvents, startKafka, tempDir } from './fixtures.ts';
import { readTopic } from './read-topic.ts';

const topic = 'test.replay-late';
const dlq = dlqTopic(topic);
let kafkaDir: Awaited<ReturnType<typeof tempDir>>;
let broker: BrokerHandle;
let kafka: Kafka;
let producer: Producer;

function parked(offset: number): Message {
  const { key, value, headers } = envelopeToMessage(orderEvents(randomUUID(), 0, 1)[0]!);
  const original = { key: Buffer.from(key), value: Buffer.from(value), headers, offset: String(offset) };
  return toDeadLetter({ topic, partition: 0, message: original }, new Error('handler failed'), 3, new Date());
}

beforeAll(async () => {
  kafkaDir = await tempDir('replay-kafka');
  broker = await startKafka(kafkaDir.path);
  kafka = kafkaClient(broker.address);
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [topic], 2);
  await admin.disconnect();
  producer = kafka.producer();
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await broker?.close();
  await kafkaDir?.remove();
});

describe('replayDlq', () => {
  it('leaves messages parked after its snapshot to the next replay instead of committing past them', async () => {
    // One parked message per partition, then (below) one more per partition after the snapshot.
    // Whichever partition the replay finishes first, its late message arrives while the replay
    // still waits for the other partition.
    await producer.send({ topic: dlq, acks: -1, messages: [0, 1].map((partition) => ({ ...parked(0), partition })) });
    const late = [0, 1].map((partition) => ({ ...parked(1), partition }));
    // A second Kafka client whose replay consumer connects only once `late` is on the DLQ: the
    // message a failing consumer re-parks while a replay runs, i.e. after the replay's snapshot.
    const replayKafka = kafkaClient(broker.address, 'replay');
    const consumer = replayKafka.consumer.bind(replayKafka);
    replayKafka.consumer = (config) => {
      const created = consumer(config);
      const connect = created.connect.bind(created);
      created.connect = async () => {
        await producer.send({ topic: dlq, acks: -1, messages: late });
        await connect();
      };
      return created;
    };

    expect(await replayDlq({ kafka: replayKafka, topic, timeoutMs: 10_000 })).toEqual({ replayed: 2 });
    expect(await replayDlq({ kafka, topic, timeoutMs: 10_000 })).toEqual({ replayed: 2 });
    const replayedKeys = (await readTopic(kafka, topic)).map((message) => message.key);
    expect(replayedKeys).toEqual(expect.arrayContaining(late.map((message) => String(message.key))));
  });
});
