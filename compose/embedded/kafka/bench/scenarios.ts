import type { Admin, Consumer, Kafka, Message } from 'kafkajs';
import { createConsumer, createProducer } from '../test/helpers/kafka-client.ts';
import { waitFor, withTimeout } from '../test/helpers/wait.ts';

/** What one scenario moved and how long it took; bytes count message values only. */
export interface Measurement {
  messages: number;
  bytes: number;
  ms: number;
}

export const PARTITIONS = 4; // the mock cluster auto-creates topics with 4 partitions; match it

/** Creates `topic` with PARTITIONS partitions, through CreateTopics or else metadata auto-creation. */
export async function ensureTopic(admin: Admin, topic: string, useCreateTopics: boolean): Promise<void> {
  if (useCreateTopics) {
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  }
  // On the mock this Metadata request (allowAutoTopicCreation) is what creates the topic.
  const metadata = await waitFor(`metadata for ${topic}`, async () => {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0]?.partitions.length ? topics[0] : undefined;
  });
  if (metadata.partitions.length !== PARTITIONS) {
    process.stderr.write(`  note: ${topic} has ${metadata.partitions.length} partitions, wanted ${PARTITIONS}\n`);
  }
}

function makeMessages(count: number, valueSize: number, from = 0): Message[] {
  const value = Buffer.alloc(valueSize, 'v');
  return Array.from({ length: count }, (_, i) => ({ key: `key-${from + i}`, value }));
}

/**
 * `total` messages in sends of `perSend` (acks=-1, kafkajs default), with up to `concurrency`
 * sends in flight at once.
 */
export async function produce(
  kafka: Kafka,
  topic: string,
  { total, perSend, valueSize, concurrency = 1 }: { total: number; perSend: number; valueSize: number; concurrency?: number },
): Promise<Measurement> {
  const producer = createProducer(kafka, { allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const sends = Math.ceil(total / perSend);
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      for (let i = next++; i < sends; i = next++) {
        const count = Math.min(perSend, total - i * perSend);
        await producer.send({ topic, acks: -1, messages: makeMessages(count, valueSize, i * perSend) });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { messages: total, bytes: total * valueSize, ms: performance.now() - started };
  } finally {
    await producer.disconnect();
  }
}

/**
 * Unmeasured traffic before any figure is taken: JIT-compiles kafkajs in this process (shared by
 * every target) and the broker's hot paths in its own process, so neither the first target nor
 * the first scenario pays for a cold start.
 */
export async function warmUp(kafka: Kafka, topic: string, singleSends: number): Promise<void> {
  await produce(kafka, topic, { total: singleSends, perSend: 1, valueSize: 200 });
  await produce(kafka, topic, { total: 50 * 100, perSend: 100, valueSize: 1024 });
}

/**
 * Consume throughput of a group of `members`: the members first join an empty topic and settle
 * (every partition owned by exactly one member). Then, in rounds of at most `chunk` messages:
 * pause, produce the round, resume, and clock from resume to the round's last message. Join and
 * produce time are excluded, so this is the fetch path of a stable group. (Rounds keep each
 * partition's unread data small enough for the mock's in-memory retention; see throughput.ts.)
 */
export async function consumeWithGroup(
  kafka: Kafka,
  topic: string,
  opts: { total: number; chunk: number; valueSize: number; members: number; groupId: string },
): Promise<Measurement> {
  const { total, chunk, valueSize, members, groupId } = opts;
  const consumers: Consumer[] = [];
  const assignments = new Map<number, number[]>();
  const seen = new Set<string>(); // partition:offset, so a redelivery after a rebalance counts once
  let bytes = 0;
  let target = 0;
  let reachedAt = 0; // when seen.size first reached the round's target
  try {
    for (let m = 0; m < members; m++) {
      // Short session: librdkafka's mock holds a rebalance for about a session timeout per
      // joining member (measured: ~14 s for 3 members at 6 s, ~8 s at 3 s); settling is untimed.
      // Short max wait: with every partition paused kafkajs sleeps maxWaitTime between fetch
      // rounds, and that sleep would otherwise land inside the timed window after resume.
      const consumer = createConsumer(kafka, {
        groupId,
        maxWaitTimeInMs: 20,
        sessionTimeout: 3_000,
        heartbeatInterval: 300,
        rebalanceTimeout: 3_000,
      });
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        assignments.set(m, payload.memberAssignment[topic] ?? []);
      });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            const id = `${batch.partition}:${message.offset}`;
            if (seen.has(id)) continue;
            seen.add(id);
            bytes += message.value?.length ?? 0;
          }
          if (seen.size >= target && reachedAt === 0) reachedAt = performance.now();
        },
      });
      consumers.push(consumer);
    }
    await waitFor(`group ${groupId} of ${members} to settle`, () => isSettled(assignments, members), { timeoutMs: 30_000 }).catch(
      (error: Error) => {
        throw new Error(`${error.message}; latest assignments: ${JSON.stringify(Object.fromEntries(assignments))}`);
      },
    );
    let ms = 0;
    for (let done = 0; done < total; done = target) {
      for (const consumer of consumers) consumer.pause([{ topic }]);
      const round = Math.min(chunk, total - done);
      await produce(kafka, topic, { total: round, perSend: 1000, valueSize });
      target = done + round;
      reachedAt = 0;
      const started = performance.now();
      for (const consumer of consumers) consumer.resume([{ topic }]);
      await waitFor(`${target} messages consumed by ${groupId}`, () => reachedAt > 0, { timeoutMs: 60_000, intervalMs: 5 });
      ms += reachedAt - started;
    }
    return { messages: seen.size, bytes, ms };
  } finally {
    await Promise.all(consumers.map((c) => withTimeout('consumer disconnect', c.disconnect(), 10_000).catch(() => undefined)));
  }
}

function isSettled(assignments: Map<number, number[]>, members: number): boolean {
  if (assignments.size < members) return false;
  const owned = [...assignments.values()].flat();
  const distinct = new Set(owned);
  const everyMemberHasWork = [...assignments.values()].every((p) => p.length > 0 || members > PARTITIONS);
  return owned.length === PARTITIONS && distinct.size === PARTITIONS && everyMemberHasWork;
}
