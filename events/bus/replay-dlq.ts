import type { Kafka, Producer } from 'kafkajs';
import { dlqTopic } from '@tributary/contracts';
import { fromDeadLetter } from './dlq.ts';
import { silentLogger, type Logger } from './logger.ts';
import { BUS_PRODUCER_CONFIG } from './kafka-message.ts';

export interface ReplayDlqOptions {
  kafka: Kafka;
  /** The original topic; its `<topic>.dlq` is read. */
  topic: string;
  /** Committed progress lives in this group, so each parked message is replayed once. */
  groupId?: string;
  producer?: Producer;
  logger?: Logger;
  timeoutMs?: number;
}

/**
 * Republishes every message parked on `<topic>.dlq` up to the DLQ's end as of the call, with its
 * original key, value and headers, to the topic it failed on. Consumers must be idempotent
 * (they are: invariant 3), since a replayed message may have partially run before. Messages
 * parked after the call (a replayed one failing again) stay uncommitted for the next replay.
 */
export async function replayDlq(options: ReplayDlqOptions): Promise<{ replayed: number }> {
  const dlq = dlqTopic(options.topic);
  const groupId = options.groupId ?? `${dlq}.replay`;
  const logger = options.logger ?? silentLogger();
  const admin = options.kafka.admin();
  await admin.connect();
  const remaining = new Map<number, bigint>();
  try {
    const ends = await admin.fetchTopicOffsets(dlq);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [dlq] });
    for (const { partition, high, low } of ends) {
      const done = committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
      const start = BigInt(done) >= 0n ? BigInt(done) : BigInt(low);
      if (start < BigInt(high)) remaining.set(partition, BigInt(high));
    }
  } finally {
    await admin.disconnect();
  }
  if (remaining.size === 0) return { replayed: 0 };

  const producer = options.producer ?? options.kafka.producer(BUS_PRODUCER_CONFIG);
  const consumer = options.kafka.consumer({ groupId });
  let replayed = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  if (!options.producer) await producer.connect();
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [dlq], fromBeginning: true });
    await consumer.run({
      // Offsets are resolved by hand: only replayed messages may move the group's progress.
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, pause, isRunning, isStale }) => {
        const end = remaining.get(batch.partition);
        for (const message of batch.messages) {
          if (!isRunning() || isStale()) return;
          // Parked after the snapshot (e.g. a replayed message that failed again): left
          // unresolved, so the next replay still finds it; the partition stops fetching.
          if (end === undefined || BigInt(message.offset) >= end) {
            pause();
            return;
          }
          const { topic, message: original } = fromDeadLetter(message);
          await producer.send({ topic: topic ?? options.topic, acks: -1, messages: [original] });
          replayed += 1;
          resolveOffset(message.offset);
          await commitOffsetsIfNecessary();
          await heartbeat();
          if (BigInt(message.offset) + 1n >= end) {
            pause();
            remaining.delete(batch.partition);
            if (remaining.size === 0) finish();
            return;
          }
        }
      },
    });
    const timeoutMs = options.timeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([finished, timedOut]);
    clearTimeout(timer);
    if (remaining.size > 0) logger.warn({ dlq, replayed }, 'DLQ replay timed out before reaching the end');
  } finally {
    await consumer.disconnect();
    if (!options.producer) await producer.disconnect();
  }
  return { replayed };
}
