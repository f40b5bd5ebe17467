import type { Connection } from 'mongoose';
import { ensureCollection } from './collections.ts';
import { commitModel, COMMITS_COLLECTION, type StoredCommit } from './commit-model.ts';
import type { AnyEventEnvelope } from '@tributary/contracts';
import { parseCatalogueEvent, type BusEnvelope, type EnvelopeParser } from './envelope.ts';
import { ConcurrencyError, isDuplicateKeyError } from './errors.ts';

export interface EventStoreOptions<E extends BusEnvelope = AnyEventEnvelope> {
  connection: Connection;
  /** Stored on each commit; the relay may route topics by it. */
  aggregateType: string;
  collection?: string;
  /**
   * Validates + upcasts events: on append (an event no reader could parse must never reach the
   * outbox, where it would block its stream) and on read. Default: the contracts' catalogue.
   */
  parse?: EnvelopeParser<E>;
  /** Called after every successful append, e.g. the relay's notify(), for low latency. */
  onAppended?: () => void;
  now?: () => Date;
}

export interface ReadStreamOptions {
  /** Read only the commits after this version (a commit boundary); 0 or absent reads everything. */
  afterVersion?: number;
}

export interface AppendResult {
  fromVersion: number;
  toVersion: number;
  position: number;
}

export interface EventStore<E extends BusEnvelope = AnyEventEnvelope> {
  /** Creates the collection's indexes; call once at startup before serving commands. */
  init(): Promise<void>;
  /**
   * Appends `events` (aggregateVersion expectedVersion+1, +2, ...) as one commit.
   * expectedVersion is the current head, 0 for a new stream. Throws ConcurrencyError when the
   * head moved, whether the head check or the unique index caught it.
   */
  append(streamId: string, expectedVersion: number, events: readonly BusEnvelope[]): Promise<AppendResult>;
  /**
   * The stream's events in version order. With `afterVersion`, only the commits with
   * fromVersion > afterVersion: pass a commit boundary (a commit's toVersion, e.g. a snapshot's
   * version), or the events of the commit spanning it are left out entirely.
   */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<E[]>;
  /** The stream head (0 when the stream does not exist). */
  streamVersion(streamId: string): Promise<number>;
}

export function createEventStore<E extends BusEnvelope = AnyEventEnvelope>(options: EventStoreOptions<E>): EventStore<E> {
  const model = commitModel(options.connection, options.collection ?? COMMITS_COLLECTION);
  const parse = (options.parse ?? parseCatalogueEvent) as EnvelopeParser<E>;
  const now = options.now ?? (() => new Date());

  async function head(streamId: string): Promise<{ toVersion: number; position: number } | null> {
    return model
      .findOne({ streamId }, { toVersion: 1, position: 1, _id: 0 })
      .sort({ fromVersion: -1 })
      .lean<{ toVersion: number; position: number }>()
      .exec();
  }

  function checkEvents(streamId: string, expectedVersion: number, events: readonly BusEnvelope[]): void {
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0) {
      throw new RangeError(`expectedVersion must be an integer >= 0, got ${expectedVersion}`);
    }
    if (events.length === 0) throw new RangeError('append needs at least one event');
    events.forEach((event, index) => {
      if (event.aggregateId !== streamId || event.aggregateVersion !== expectedVersion + index + 1) {
        throw new RangeError(
          `event ${index} (${event.type}) must have aggregateId ${streamId} and aggregateVersion ` +
            `${expectedVersion + index + 1}, got ${event.aggregateId} v${event.aggregateVersion}`,
        );
      }
      parse(event);
    });
  }

  return {
    async init() {
      await ensureCollection(options.connection, model.collection.collectionName);
      await model.createIndexes();
    },

    async append(streamId, expectedVersion, events) {
      checkEvents(streamId, expectedVersion, events);
      // Why read the head when the unique (streamId, fromVersion) index already rejects a second
      // commit at the same fromVersion? The index alone suffices only while every writer appends
      // at head+1: two racing writers then target the same fromVersion and exactly one insert
      // wins. Commits span version ranges, so a caller with a stale head (expected 1 while a
      // commit 2..4 exists) would target fromVersion 2... which collides, but expected 2 (inside
      // that range) would target 3, which no commit starts at; and a caller ahead of the head
      // (expected 7, head 4) would leave a gap. This read rejects both. The index covers the
      // window between the read and the insert: any commit inserted meanwhile was also checked
      // against the same head, so it starts at our fromVersion too and one of the two loses.
      const current = await head(streamId);
      const actual = current?.toVersion ?? 0;
      if (actual !== expectedVersion) throw new ConcurrencyError(streamId, expectedVersion, actual);

      const committedAt = now();
      const position = Math.max(committedAt.getTime(), (current?.position ?? 0) + 1);
      const commit: StoredCommit = {
        streamId,
        aggregateType: options.aggregateType,
        fromVersion: expectedVersion + 1,
        toVersion: expectedVersion + events.length,
        // A JSON round trip stores exactly what the relay will publish (no undefined -> null,
        // no class instances), so reading a stream and consuming Kafka see the same envelope.
        events: events.map((event) => JSON.parse(JSON.stringify(event)) as BusEnvelope),
        committedAt,
        position,
        published: false,
        publishedAt: null,
      };
      try {
        await model.collection.insertOne({ ...commit });
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new ConcurrencyError(streamId, expectedVersion, undefined);
        throw error;
      }
      options.onAppended?.();
      return { fromVersion: commit.fromVersion, toVersion: commit.toVersion, position };
    },

    async readStream(streamId, readOptions) {
      const afterVersion = readOptions?.afterVersion ?? 0;
      const filter = afterVersion > 0 ? { streamId, fromVersion: { $gt: afterVersion } } : { streamId };
      const commits = await model
        .find(filter, { events: 1, _id: 0 })
        .sort({ fromVersion: 1 })
        .lean<Pick<StoredCommit, 'events'>[]>()
        .exec();
      return commits.flatMap((commit) => commit.events.map((event) => parse(event)));
    },

    async streamVersion(streamId) {
      return (await head(streamId))?.toVersion ?? 0;
    },
  };
}
