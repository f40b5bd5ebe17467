import { COMMITS_COLLECTION, topicOfEvent, type BusEnvelope, type StoredCommit } from '@tributary/bus';
import type { Db } from 'mongodb';
import type { ServiceName } from './session.ts';

/**
 * One order's story across services, read from where it is true: every service's event store
 * (database tributary_<service>, collection event_commits), filtered by the envelope's
 * correlationId, which is the order id on every event of the saga (architecture invariant 6).
 * Reading the stores rather than the topics shows events even before the outbox relay published
 * them, and says which service decided each one.
 */

export const SERVICES: readonly ServiceName[] = ['order', 'inventory', 'payment', 'notification'];

export interface TimelineEntry {
  /** The service whose event store holds the event: the one that decided it. */
  service: ServiceName;
  eventId: string;
  type: string;
  /** Where the outbox relay sends it (one topic per aggregate type). */
  topic: string;
  aggregateId: string;
  aggregateVersion: number;
  occurredAt: Date;
  /** When the relay had Kafka's acknowledgement; null while the event waits in the outbox. */
  publishedAt: Date | null;
  data: Record<string, unknown>;
}

/** Where a message landed in Kafka, when something watched the topics (see topic-positions.ts). */
export interface TopicPosition {
  partition: number;
  offset: string;
}

type CommitWithEvents = Pick<StoredCommit, 'events' | 'publishedAt'>;

/** Every event of every service whose correlationId is `orderId`, oldest first. */
export async function readOrderTimeline(db: (service: ServiceName) => Promise<Db>, orderId: string): Promise<TimelineEntry[]> {
  const perService = await Promise.all(
    SERVICES.map(async (service) => {
      // No index on events.correlationId: a collection scan, fine for a demo's few thousand commits.
      const commits = await (await db(service))
        .collection<CommitWithEvents>(COMMITS_COLLECTION)
        .find({ 'events.correlationId': orderId }, { projection: { events: 1, publishedAt: 1, _id: 0 } })
        .toArray();
      return commits.flatMap((commit) =>
        commit.events.filter((event) => event.correlationId === orderId).map((event) => toEntry(service, event, commit.publishedAt)),
      );
    }),
  );
  // Occurrence time first; within one stream, version order (two events of one commit share a time).
  return perService
    .flat()
    .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.aggregateVersion - b.aggregateVersion || a.service.localeCompare(b.service));
}

function toEntry(service: ServiceName, event: BusEnvelope, publishedAt: Date | null): TimelineEntry {
  return {
    service,
    eventId: event.id,
    type: event.type,
    topic: topicOfEvent(event),
    aggregateId: event.aggregateId,
    aggregateVersion: event.aggregateVersion,
    occurredAt: new Date(event.occurredAt),
    publishedAt: publishedAt ? new Date(publishedAt) : null,
    data: (event.data ?? {}) as Record<string, unknown>,
  };
}

export const TIMELINE_HEADERS = ['+ms', 'service', 'event', 'topic', 'partition/offset', 'aggregate', 'detail'];

/**
 * Table rows: time from the order's placement (its first event), who, what, where. The detail
 * column carries what tells the paths apart (a cancellation's reason, a notification's template).
 */
export function timelineRows(entries: readonly TimelineEntry[], positions: ReadonlyMap<string, TopicPosition> = new Map()): (string | number)[][] {
  const start = entries[0]?.occurredAt.getTime() ?? 0;
  return entries.map((entry) => {
    const position = positions.get(entry.eventId);
    return [
      entry.occurredAt.getTime() - start,
      entry.service,
      entry.type,
      entry.topic,
      position ? `${position.partition}/${position.offset}` : entry.publishedAt ? '?' : 'in outbox',
      `${shortId(entry.aggregateId)} v${entry.aggregateVersion}`,
      detailOf(entry),
    ];
  });
}

/** The one field of an event that says what happened in words. */
export function detailOf(entry: Pick<TimelineEntry, 'type' | 'data'>): string {
  const data = entry.data;
  const pick = (key: string) => (typeof data[key] === 'string' || typeof data[key] === 'number' ? String(data[key]) : undefined);
  const detail = pick('reason') ?? pick('template') ?? pick('sku') ?? pick('paymentMethod') ?? '';
  return detail.length > 40 ? `${detail.slice(0, 39)}…` : detail;
}

/** Ids are long uuids; 8 characters tell a demo's few aggregates apart and keep the table narrow. */
export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}
