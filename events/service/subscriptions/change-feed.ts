import mongoose from 'mongoose';
import type { HealthCheck } from '@tributary/telemetry';
import type { StreamView } from '../projection.ts';

/** Receives each change published on a channel; must not throw or mutate the document (it is shared). */
export type ChangeListener = (change: StreamView) => void;

/** Ends one listener's subscription; never rejects. */
export type Unsubscribe = () => Promise<void>;

/**
 * Where a service announces read-model changes to its GraphQL subscriptions: after a projection
 * writes a document, the whole new document is published on the read model's channel, and every
 * replica of the service hands it to its own subscribers.
 *
 * Delivery is at most once and best effort (Redis pub/sub keeps nothing): a subscriber whose
 * connection drops may miss a change, and should resubscribe with includeCurrent to catch up.
 * Documents carry `_id` and `version`, so subscribers drop duplicates and stale deliveries.
 */
export interface ChangeFeed {
  /** Hands the document to every current subscriber of `channel`; rejects when it could not. */
  publish(channel: string, change: StreamView): Promise<void>;
  /** Resolves once the subscription is active (changes published from then on arrive). */
  subscribe(channel: string, listener: ChangeListener): Promise<Unsubscribe>;
  /** Readiness checks of what the feed depends on (the kit adds them to /ready). */
  readonly readiness?: Record<string, HealthCheck>;
  /** Ends every subscription and releases connections; idempotent. */
  close(): Promise<void>;
}

/** Every channel of a service lives under its own prefix, so services can share one Redis. */
export function channelPrefix(service: string): string {
  return `tributary:${service}:`;
}

const { EJSON } = mongoose.mongo.BSON;

/** Extended JSON, so that Dates (and any other BSON type a read model holds) survive the trip. */
export function encodeChange(change: StreamView): string {
  return EJSON.stringify(change);
}

/** The document, or undefined when the message is not one (another writer on the channel, a bug). */
export function decodeChange(text: string): StreamView | undefined {
  let value: unknown;
  try {
    value = EJSON.parse(text);
  } catch {
    return undefined;
  }
  return isStreamView(value) ? value : undefined;
}

function isStreamView(value: unknown): value is StreamView {
  if (typeof value !== 'object' || value === null) return false;
  const { _id, version } = value as Partial<StreamView>;
  return typeof _id === 'string' && typeof version === 'number' && Number.isInteger(version);
}
