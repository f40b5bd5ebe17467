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
  /** `quick`: may look only at recent arrivals (fast, for the passes around the swap); else exact. */
  readNew(onEvent: EventHandler, options?: { quick?: boolean }): Promise<number>;
  /** Messages skipped because they are not events (the live consumers park those on the DLQ). */
  unreadable(): number;
}

/**
 * How far back (in commit positions, i.e. writer clock milliseconds) a quick catch-up looks
 * before the newest commit already read: covers a commit whose writer took its time between
 * stamping and inserting it, and clocks of service replicas that disagree by less than this.
 */
const RECENT_MARGIN_MS = 30_000;

type CommitHead = Pick<StoredCommit, 'streamId' | 'toVersion' | 'events' | 'position'>;

/**
 * A service's own streams, from its event store (one commit per command; versions 1..head
 * without holes). "What was read" is each stream's head as read. An exact catch-up asks the store
 * for every stream's head (one pass over all commits) and reads the streams that moved: exact
 * whatever the writers' clocks. A quick one only looks at commits positioned after the newest
 * one read minus RECENT_MARGIN_MS (two index lookups on the relay's {published, position}
 * index): milliseconds, which is what keeps the swap window short.
 */
export function eventStoreSource(connection: Connection): EventSource {
  const commits = connection.db!.collection<StoredCommit>(COMMITS_COLLECTION);
  const readHeads = new Map<string, number>();
  let newestPosition = 0;

  const emit = async (cursor: mongo.FindCursor<CommitHead>, onEvent: EventHandler) => {
    let events = 0;
    for await (const commit of cursor) {
      for (const raw of commit.events) {
        await onEvent(parseCatalogueEvent(raw));
        events += 1;
      }
      readHeads.set(commit.streamId, Math.max(readHeads.get(commit.streamId) ?? 0, commit.toVersion));
      newestPosition = Math.max(newestPosition, commit.position);
    }
    return events;
  };

  const allHeads = async () => {
    const rows = commits.aggregate<{ _id: string; head: number }>([{ $group: { _id: '$streamId', head: { $max: '$toVersion' } } }]);
    const result = new Map<string, number>();
    for await (const row of rows) result.set(row._id, row.head);
    return result;
  };

  const recentHeads = async () => {
    const result = new Map<string, number>();
    for (const published of [false, true]) {
      const recent = commits.find({ published, position: { $gte: newestPosition - RECENT_MARGIN_MS } }, { projection: { _id: 0, streamId: 1, toVersion: 1 } });
      for await (const { streamId, toVersion } of recent) result.set(streamId, Math.max(result.get(streamId) ?? 0, toVersion));
    }
    return result;
  };

  const projection = { _id: 0, streamId: 1, toVersion: 1, events: 1, position: 1 } as const;
  return {
    description: `event store ${connection.db!.databaseName}.${COMMITS_COLLECTION}`,
    async count() {
      let total = 0;
      for (const head of (await allHeads()).values()) total += head;
      return total;
    },
    readAll(onEvent) {
      return emit(commits.find({}, { projection, sort: { streamId: 1, fromVersion: 1 } }), onEvent);
    },
    async readNew(onEvent, options = {}) {
      let events = 0;
      for (const [streamId, head] of options.quick ? await recentHeads() : await allHeads()) {
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
