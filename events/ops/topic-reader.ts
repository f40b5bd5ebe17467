import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';

/** Offsets [from, to) of one partition. */
export interface PartitionRange {
  partition: number;
  from: bigint;
  to: bigint;
}

/** Each partition's log start and end (high watermark) right now. */
export async function partitionEnds(admin: Admin, topic: string): Promise<{ partition: number; low: bigint; high: bigint }[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.map(({ partition, low, high }) => ({ partition, low: BigInt(low), high: BigInt(high) })).sort((a, b) => a.partition - b.partition);
}

export interface ReadRangeOptions {
  /** Fails with a clear error when the ranges are not read by then. */
  timeoutMs?: number;
}

/**
 * Reads exactly the given offset ranges of `topic`, in offset order within each partition, and
 * hands each message to `onMessage` (awaited, one at a time). kafkajs can only fetch through a
 * consumer group, so this uses a throwaway group that never commits: it leaves no progress behind
 * and never disturbs the services' groups. Ranges are fixed up front (a snapshot), so messages
 * arriving meanwhile are not waited for.
 */
export async function readTopicRanges(
  kafka: Kafka,
  topic: string,
  ranges: readonly PartitionRange[],
  onMessage: (partition: number, message: KafkaMessage) => Promise<void> | void,
  options: ReadRangeOptions = {},
): Promise<void> {
  const wanted = new Map(ranges.filter((range) => range.from < range.to).map((range) => [range.partition, range]));
  if (wanted.size === 0) return;
  const consumer = kafka.consumer({ groupId: `tributary-ops-reader-${randomUUID()}`, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  const pending = new Set(wanted.keys());
  let finish!: () => void;
  let fail!: (error: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  await consumer.connect();
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        const range = wanted.get(batch.partition);
        if (!range || !pending.has(batch.partition)) return;
        try {
          for (const message of batch.messages) {
            const offset = BigInt(message.offset);
            // Before a seek takes effect the group starts at the log start: skip up to `from`.
            if (offset < range.from) continue;
            if (offset >= range.to) break;
            await onMessage(batch.partition, message);
            if (offset + 1n >= range.to) break;
          }
          const reached = batch.messages.length > 0 && BigInt(batch.lastOffset()) + 1n >= range.to;
          if (reached || BigInt(batch.highWatermark) <= range.from) pending.delete(batch.partition);
          if (pending.size === 0) finish();
          await heartbeat();
        } catch (error) {
          fail(error);
        }
      },
    });
    for (const range of wanted.values()) consumer.seek({ topic, partition: range.partition, offset: String(range.from) });
    const timeoutMs = options.timeoutMs ?? 120_000;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`reading ${topic} timed out after ${timeoutMs} ms (partitions left: ${[...pending].join(', ')})`)), timeoutMs);
    });
    await Promise.race([finished, timedOut]);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}
