import { dlqTopic, isDlqTopic } from '@tributary/contracts';
import type { Admin, Kafka } from 'kafkajs';
import { silentProgress, type Progress } from '../progress.ts';
import { partitionEnds, readTopicRanges } from '../topic-reader.ts';
import { parseParkedId, UnknownParkedMessageError } from './parked-id.ts';
import { toParkedMessage, type ParkedMessage } from './parked-message.ts';
import { readReplayLog, replayGroupOffsets, replayStatusOf, type ReplayStatus } from './replay-log.ts';

export type ListedMessage = ParkedMessage & ReplayStatus;

export class UnknownTopicError extends Error {
  override name = 'UnknownTopicError';
}

/**
 * The dead-letter topics to read: every `*.dlq` on the broker, or the one of `topic` (given as
 * the original topic or as its DLQ). A topic that does not exist is an error naming the ones that
 * do; reading it would otherwise auto-create it.
 */
export async function deadLetterTopics(admin: Admin, topic?: string): Promise<string[]> {
  const all = (await admin.listTopics()).filter(isDlqTopic).sort();
  if (topic === undefined) return all;
  const wanted = isDlqTopic(topic) ? topic : dlqTopic(topic);
  if (!all.includes(wanted)) {
    throw new UnknownTopicError(`no dead-letter topic ${wanted} on the broker; existing ones: ${all.join(', ') || '(none)'}`);
  }
  return [wanted];
}

/** Counts the messages on the given DLQs right now (for progress). */
async function sizes(admin: Admin, topics: readonly string[]) {
  const result = new Map<string, Awaited<ReturnType<typeof partitionEnds>>>();
  for (const topic of topics) result.set(topic, await partitionEnds(admin, topic));
  return result;
}

/**
 * Every message parked on `topics` up to their ends as of the call, with whether it was replayed
 * already (see replay-log.ts), in topic, partition, offset order.
 */
export async function listParked(kafka: Kafka, admin: Admin, topics: readonly string[], progress: Progress = silentProgress): Promise<ListedMessage[]> {
  const ends = await sizes(admin, topics);
  progress.setTotal([...ends.values()].flat().reduce((sum, { low, high }) => sum + Number(high - low), 0));
  const log = await readReplayLog(kafka, admin);
  const listed: ListedMessage[] = [];
  for (const topic of topics) {
    const groupOffsets = await replayGroupOffsets(admin, topic);
    const found: ListedMessage[] = [];
    await readTopicRanges(
      kafka,
      topic,
      ends.get(topic)!.map(({ partition, low, high }) => ({ partition, from: low, to: high })),
      (partition, message) => {
        const parked = toParkedMessage(topic, partition, message);
        found.push({ ...parked, ...replayStatusOf(parked, log, groupOffsets) });
        progress.advance();
      },
    );
    listed.push(...found.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset))));
  }
  progress.finish();
  return listed;
}

/** One parked message by id; an id that names no message on the broker is an UnknownParkedMessageError. */
export async function findParked(kafka: Kafka, admin: Admin, id: string): Promise<ListedMessage> {
  const wanted = parseParkedId(id);
  const unknown = (why: string) => new UnknownParkedMessageError(`no parked message ${id}: ${why} (see \`npm run dlq -- list\`)`);
  if (!(await admin.listTopics()).includes(wanted.topic)) throw unknown(`there is no topic ${wanted.topic}`);
  const partition = (await partitionEnds(admin, wanted.topic)).find((p) => p.partition === wanted.partition);
  if (!partition) throw unknown(`${wanted.topic} has no partition ${wanted.partition}`);
  if (wanted.offset < partition.low || wanted.offset >= partition.high) {
    throw unknown(`partition ${wanted.partition} holds offsets ${partition.low} to ${partition.high - 1n}`);
  }
  let parked: ReturnType<typeof toParkedMessage> | undefined;
  await readTopicRanges(kafka, wanted.topic, [{ partition: wanted.partition, from: wanted.offset, to: wanted.offset + 1n }], (p, message) => {
    parked = toParkedMessage(wanted.topic, p, message);
  });
  if (!parked) throw unknown('it could not be read');
  const status = replayStatusOf(parked, await readReplayLog(kafka, admin), await replayGroupOffsets(admin, wanted.topic));
  return { ...parked, ...status };
}
