import { Schema, type Connection, type Model } from 'mongoose';
import type { BusEnvelope } from './envelope.ts';

/**
 * One document per command: all the events one command produced, stored together so that a
 * multi-event append is a single-document atomic write (invariant 2). The same document is the
 * outbox record: `published` flips once the relay has handed its events to Kafka, so events
 * are durable exactly when the state change is, with no second write to keep in sync.
 */
export interface StoredCommit {
  streamId: string;
  aggregateType: string;
  /** aggregateVersion of the first and last event in `events`. */
  fromVersion: number;
  toVersion: number;
  events: BusEnvelope[];
  committedAt: Date;
  /**
   * Relay order. Strictly increasing within a stream (max(now, head position + 1)), roughly
   * time ordered across streams, which is all Kafka's per-key ordering needs.
   */
  position: number;
  published: boolean;
  publishedAt: Date | null;
}

export const COMMITS_COLLECTION = 'event_commits';

const commitSchema = new Schema<StoredCommit>(
  {
    streamId: { type: String, required: true },
    aggregateType: { type: String, required: true },
    fromVersion: { type: Number, required: true },
    toVersion: { type: Number, required: true },
    // Mixed: stored as written (plain JSON envelopes), never cast per event type.
    events: { type: Schema.Types.Mixed, required: true },
    committedAt: { type: Date, required: true },
    position: { type: Number, required: true },
    published: { type: Boolean, required: true },
    publishedAt: { type: Date, default: null },
  },
  // minimize:false keeps empty objects inside event data; indexes are created by init(), not
  // as a side effect of compiling the model.
  { versionKey: false, minimize: false, autoIndex: false, autoCreate: false },
);

// Optimistic concurrency: two commits can never start at the same version of a stream.
commitSchema.index({ streamId: 1, fromVersion: 1 }, { unique: true });
// The relay's scan: oldest unpublished commits first.
commitSchema.index({ published: 1, position: 1 });

/** Models are registered on the connection passed in, never on mongoose's global default. */
export function commitModel(connection: Connection, collection = COMMITS_COLLECTION): Model<StoredCommit> {
  const name = `EventCommit:${collection}`;
  return (connection.models[name] as Model<StoredCommit> | undefined) ?? connection.model<StoredCommit>(name, commitSchema, collection);
}
