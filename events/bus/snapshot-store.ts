import type { Connection } from 'mongoose';
import { ensureCollection } from './collections.ts';
import { isDuplicateKeyError } from './errors.ts';

/**
 * Opt-in stream snapshots: the folded state of a stream at one of its commit boundaries, so that a
 * command reads only the commits after it instead of the whole stream. A snapshot is a cache, never
 * the truth: the events are. A missing, stale or unreadable snapshot only costs a longer read.
 */
export const SNAPSHOTS_COLLECTION = 'stream_snapshots';

export interface StoredSnapshot {
  /** The stream id. */
  _id: string;
  /** The stream version the state was folded up to (a commit's toVersion). */
  version: number;
  /** The serialized state (plain JSON, whatever the aggregate's serialize returned). */
  state: unknown;
}

export interface Snapshot {
  version: number;
  state: unknown;
}

export interface SnapshotStore {
  /** Creates the collection (no index beyond _id); call once at startup. */
  init(): Promise<void>;
  /** The stream's newest snapshot, or null. */
  load(streamId: string): Promise<Snapshot | null>;
  /**
   * Stores the snapshot unless one at the same or a newer version exists: an older snapshot never
   * replaces a newer one, whichever writer finishes last. Resolves false when it was not stored.
   */
  save(streamId: string, version: number, state: unknown): Promise<boolean>;
}

export interface SnapshotStoreOptions {
  connection: Connection;
  collection?: string;
}

export function createSnapshotStore(options: SnapshotStoreOptions): SnapshotStore {
  const name = options.collection ?? SNAPSHOTS_COLLECTION;
  const collection = () => options.connection.collection<StoredSnapshot>(name);

  return {
    async init() {
      await ensureCollection(options.connection, name);
    },

    async load(streamId) {
      const document = await collection().findOne({ _id: streamId });
      if (!document) return null;
      return { version: document.version, state: document.state };
    },

    async save(streamId, version, state) {
      if (!Number.isInteger(version) || version < 1) throw new RangeError(`snapshot version must be an integer >= 1, got ${version}`);
      try {
        // Matches only an older snapshot (or none, then the upsert inserts). When a snapshot at
        // this or a newer version exists the filter misses and the upsert's insert collides on _id.
        const result = await collection().updateOne({ _id: streamId, version: { $lt: version } }, { $set: { version, state } }, { upsert: true });
        return result.modifiedCount + result.upsertedCount > 0;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false; // a newer (or the same) snapshot exists
        throw error;
      }
    },
  };
}
