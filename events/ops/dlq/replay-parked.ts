import { BUS_PRODUCER_CONFIG } from '@tributary/bus';
import type { Admin, Kafka } from 'kafkajs';
import { silentProgress, type Progress } from '../progress.ts';
import { deadLetterTopics, findParked, listParked, type ListedMessage } from './dead-letters.ts';
import { ensureReplayLog, recordReplay } from './replay-log.ts';

export interface ReplaySelection {
  /** One message; else every message not replayed yet (of `topic`, or of every DLQ). */
  id?: string;
  topic?: string;
  /** Send messages again even when they were replayed already. */
  force?: boolean;
}

export interface ReplayOutcome {
  replayed: ListedMessage[];
  /** Selected but replayed before (and not forced): nothing was sent for them. */
  skipped: ListedMessage[];
}

/**
 * Puts parked messages back on the topic they failed on, with their original key, value and
 * headers (fromDeadLetter, via toParkedMessage), so they go through the normal consumer path as
 * if delivered for the first time; the key keeps each aggregate's events on one partition, and
 * messages are sent in DLQ order. Each replay is recorded in the replay log right after its send.
 * An unknown id throws before anything is sent.
 */
export async function replayParked(
  deps: { kafka: Kafka; admin: Admin; now?: () => Date },
  selection: ReplaySelection,
  progress: Progress = silentProgress,
): Promise<ReplayOutcome> {
  const selected = selection.id
    ? [await findParked(deps.kafka, deps.admin, selection.id)]
    : await listParked(deps.kafka, deps.admin, await deadLetterTopics(deps.admin, selection.topic));
  const skipped = selected.filter((message) => message.replayed && !selection.force);
  const pending = selected.filter((message) => !message.replayed || selection.force);
  if (pending.length === 0) return { replayed: [], skipped };

  await ensureReplayLog(deps.admin);
  const producer = deps.kafka.producer(BUS_PRODUCER_CONFIG);
  await producer.connect();
  const now = deps.now ?? (() => new Date());
  const replayed: ListedMessage[] = [];
  progress.setTotal(pending.length);
  try {
    for (const message of pending) {
      await producer.send({ topic: message.replayTopic, acks: -1, messages: [message.replayMessage] });
      const replayedAt = now().toISOString();
      await recordReplay(producer, { id: message.id, topic: message.replayTopic, replayedAt });
      replayed.push({ ...message, replayed: true, replayedAt });
      progress.advance();
    }
  } finally {
    progress.finish();
    await producer.disconnect();
  }
  return { replayed, skipped };
}
