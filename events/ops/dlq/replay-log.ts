import type { Admin, Kafka, Producer } from 'kafkajs';
import { partitionEnds, readTopicRanges } from '../topic-reader.ts';

/**
 * How "replayed already" is known, across runs and operators: every replay this tool makes is
 * recorded as one message on REPLAY_LOG_TOPIC (key = the parked message's id), written right
 * after the message went back on its topic. A message also counts as replayed when it lies below
 * the committed offset of `<dlq>.replay`, the group `replayDlq` (@tributary/bus) keeps its
 * progress in, so replays made from code show too.
 *
 * Why a log topic and not only that group's offsets: offsets can only say "everything before N",
 * while an operator replays one message out of the middle. A crash between the replay and its
 * record leaves the message unmarked, so it may be replayed once more: harmless, consumers are
 * idempotent (architecture invariant 3).
 */
export const REPLAY_LOG_TOPIC = 'tributary.ops.dlq-replays';

export interface ReplayRecord {
  id: string;
  topic: string;
  replayedAt: string;
}

export interface ReplayStatus {
  replayed: boolean;
  /** When the tool replayed it; null when only the replay group's offset says so. */
  replayedAt: string | null;
}

export function replayGroupOf(dlqTopic: string): string {
  return `${dlqTopic}.replay`;
}

/** Every replay recorded so far, by parked id (the last record wins). */
export async function readReplayLog(kafka: Kafka, admin: Admin): Promise<Map<string, ReplayRecord>> {
  const records = new Map<string, ReplayRecord>();
  if (!(await admin.listTopics()).includes(REPLAY_LOG_TOPIC)) return records;
  const ends = await partitionEnds(admin, REPLAY_LOG_TOPIC);
  await readTopicRanges(
    kafka,
    REPLAY_LOG_TOPIC,
    ends.map(({ partition, low, high }) => ({ partition, from: low, to: high })),
    (_partition, message) => {
      const record = JSON.parse(message.value?.toString('utf8') ?? 'null') as ReplayRecord | null;
      if (record?.id) records.set(record.id, record);
    },
  );
  return records;
}

/** The replay group's committed offset per partition of `dlqTopic` (absent: nothing committed). */
export async function replayGroupOffsets(admin: Admin, dlqTopic: string): Promise<Map<number, bigint>> {
  const [committed] = await admin.fetchOffsets({ groupId: replayGroupOf(dlqTopic), topics: [dlqTopic] });
  const offsets = new Map<number, bigint>();
  for (const { partition, offset } of committed?.partitions ?? []) if (BigInt(offset) >= 0n) offsets.set(partition, BigInt(offset));
  return offsets;
}

export function replayStatusOf(
  message: { id: string; partition: number; offset: string },
  log: ReadonlyMap<string, ReplayRecord>,
  groupOffsets: ReadonlyMap<number, bigint>,
): ReplayStatus {
  const record = log.get(message.id);
  if (record) return { replayed: true, replayedAt: record.replayedAt };
  const committed = groupOffsets.get(message.partition);
  return { replayed: committed !== undefined && BigInt(message.offset) < committed, replayedAt: null };
}

/** Creates the log topic unless present: one partition keeps the records in the order made. */
export async function ensureReplayLog(admin: Admin): Promise<void> {
  if ((await admin.listTopics()).includes(REPLAY_LOG_TOPIC)) return;
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: REPLAY_LOG_TOPIC, numPartitions: 1, replicationFactor: -1 }] });
}

export async function recordReplay(producer: Producer, record: ReplayRecord): Promise<void> {
  await producer.send({ topic: REPLAY_LOG_TOPIC, acks: -1, messages: [{ key: record.id, value: JSON.stringify(record) }] });
}


