import { COMMITS_COLLECTION, decodeMessageValue, parseCatalogueEvent, type StoredCommit } from '@tributary/bus';
import type { AnyEventEnvelope } from '@tributary/contracts';
import type { Kafka } from 'kafkajs';
import type { Connection, mongo } from 'mongoose';
import { partitionEnds, readTopicRanges } from '../topic-reader.ts';

export type EventHandler = (envelope: AnyEventEnvelope) => Promise<void> | void;

/**
 * Where a rebuild reads its events. `readAll` reads everything there is (each stream or partition
 * up to the moment it is read); every later `readNew` reads only what arrived after what was
 * read so far: the catch-ups. Events are parsed and upcast as the live consumers parse them.
 */
export interface EventSource {
  /** e.g. "event store tributary_order.event_commits", "topic tributary.order". */
  description: string;
  /** Events there are right now (for progress). */
  count(): Promise<number>;
  readAll(onEvent: EventHandler): Promise<number>;
  readNew(onEvent: EventHandler): Promise<number>;
  /** Messages skipped because they are not events (the live consumers park those on the DLQ). */
  unreadable(): number;
}

/**
 * A service's own streams, from its event store (one commit per command; versions 1..head
 * without holes). "What was read" is each stream's head as read, so a catch-up asks the store for
 * every stream's head and reads only the streams that moved: exact whatever the writers' clocks
 * (commit positions come from them, so they cannot mark a point in time across streams).
 */
export function eventStoreSource(connection: Connection): EventSource {
  const commits = connection.db!.collection<StoredCommit>(COMMITS_COLLECTION);
  const readHeads = new Map<string, number>();

  const heads = async () => {
    const rows = commits.aggregate<{ _id: string; head: number }>([{ $group: { _id: '$streamId', head: { $max: '$toVersion' } } }]);
    const result = new Map<string, number>();
    for await (const row of rows) result.set(row._id, row.head);
    return result;
  };

  const emit = async (cursor: mongo.FindCursor<Pick<StoredCommit, 'streamId' | 'toVersion' | 'events'>>, onEvent: EventHandler) => {
    let events = 0;
    for await (const commit of cursor) {
      for (const raw of commit.events) {
        await onEvent(parseCatalogueEvent(raw));
        events += 1;
      }
      readHeads.set(commit.streamId, Math.max(readHeads.get(commit.streamId) ?? 0, commit.toVersion));
    }
    return events;
  };

  const projection = { _id: 0, streamId: 1, toVersion: 1, events: 1 } as const;
  return {
    description: `event store ${connection.db!.databaseName}.${COMMITS_COLLECTION}`,
    async count() {
      let total = 0;
      for (const head of (await heads()).values()) total += head;
      return total;
    },
    readAll(onEvent) {
      return emit(commits.find({}, { projection, sort: { streamId: 1, fromVersion: 1 } }), onEvent);
    },
    async readNew(onEvent) {
      let events = 0;
      for (const [streamId, head] of await heads()) {
        const read = readHeads.get(streamId) ?? 0;
        if (head <= read) continue;
        events += await emit(commits.find({ streamId, fromVersion: { $gt: read } }, { projection, sort: { fromVersion: 1 } }), onEvent);
      }
      return events;
    },
    unreadable: () => 0,
  };
}

/**
 * Another service's events, from their topic's start. Only as complete as the topic's retention
 * (unlimited on the embedded broker; set retention.ms=-1 on a real one for topics rebuilt from).
 * "What was read" is each partition's end offset as read.
 */
export function topicSource(kafka: Kafka, topic: string): EventSource {
  const readUpTo = new Map<number, bigint>();
  let skipped = 0;

  const read = async (onEvent: EventHandler) => {
    const admin = kafka.admin();
    await admin.connect();
    const ends = await partitionEnds(admin, topic).finally(() => admin.disconnect());
    let events = 0;
    await readTopicRanges(
      kafka,
      topic,
      ends.map(({ partition, low, high }) => ({ partition, from: readUpTo.get(partition) ?? low, to: high })),
      async (_partition, message) => {
        let envelope: AnyEventEnvelope;
        try {
          envelope = parseCatalogueEvent(decodeMessageValue(message.value));
        } catch {
          skipped += 1;
          return;
        }
        await onEvent(envelope);
        events += 1;
      },
    );
    for (const { partition, high } of ends) readUpTo.set(partition, high);
    return events;
  };

  return {
    description: `topic ${topic}`,
    async count() {
      const admin = kafka.admin();
      await admin.connect();
      const ends = await partitionEnds(admin, topic).finally(() => admin.disconnect());
      return ends.reduce((sum, { partition, low, high }) => sum + Number(high - (readUpTo.get(partition) ?? low)), 0);
    },
    readAll: read,
    readNew: read,
    unreadable: () => skipped,
  };
}
