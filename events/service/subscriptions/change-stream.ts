import type { StreamView } from '../projection.ts';
import type { ChangeFeed, Unsubscribe } from './change-feed.ts';
import { SubscriptionOverflowError } from './overflow-error.ts';
import { VersionTracker } from './version-tracker.ts';

export interface ChangeStreamOptions<V extends StreamView> {
  feed: ChangeFeed;
  channel: string;
  /**
   * Whether this subscriber receives this document: its filter (an id, skus) AND its right to
   * see it (canSee). Called for every change on the channel, current documents included.
   */
  accept(view: V): boolean;
  /**
   * Runs once the feed subscription is active and returns the documents to send first
   * (includeCurrent), or [] ; may throw to refuse the subscription (e.g. NOT_FOUND).
   */
  initial?: () => Promise<readonly V[]>;
  /**
   * Changes waiting for a slow subscriber, at most (default 1,000). Past it the subscription
   * ends with SUBSCRIPTION_OVERFLOW rather than holding an unbounded queue for one client; the
   * client resubscribes with includeCurrent to pick up where it stands.
   */
  maxBuffered?: number;
  /** Documents whose last version is remembered, at most (default 10,000; the oldest are forgotten). */
  maxTrackedIds?: number;
}

export const DEFAULT_MAX_BUFFERED = 1_000;

/**
 * A read model's changes as the AsyncIterator a GraphQL subscription resolver returns, with no
 * change lost or repeated around the current state: it subscribes to the feed FIRST and buffers,
 * then reads the current documents (`initial`), sends them, then the buffered and live changes.
 * Every document goes out only when its `version` is above the last one sent for its `_id`,
 * which drops what the current state already reflects, duplicates and out-of-order deliveries.
 * return() (the client left, or graphql-ws closed the socket) unsubscribes at once, even while
 * a next() is waiting, which an async generator could not do.
 */
export async function subscribeToChanges<V extends StreamView>(options: ChangeStreamOptions<V>): Promise<AsyncIterableIterator<V>> {
  const stream = new ChangeStream<V>(options);
  stream.attach(await options.feed.subscribe(options.channel, (change) => stream.push(change as V)));
  try {
    stream.start((await options.initial?.()) ?? []);
  } catch (error) {
    await stream.return();
    throw error;
  }
  return stream;
}

class ChangeStream<V extends StreamView> implements AsyncIterableIterator<V> {
  private queue: V[] = [];
  private live = false;
  private ended = false;
  private failure: Error | undefined;
  private waiting: { resolve: (result: IteratorResult<V>) => void; reject: (error: Error) => void } | undefined;
  private unsubscribe: Unsubscribe | undefined;
  private readonly sent: VersionTracker;
  private readonly maxBuffered: number;

  constructor(private readonly options: ChangeStreamOptions<V>) {
    this.sent = new VersionTracker(options.maxTrackedIds ?? 10_000);
    this.maxBuffered = options.maxBuffered ?? DEFAULT_MAX_BUFFERED;
  }

  attach(unsubscribe: Unsubscribe): void {
    this.unsubscribe = unsubscribe;
  }

  /** A change from the feed: kept if this subscriber may have it (versions are checked on the way out). */
  push(change: V): void {
    if (this.ended || !this.accepts(change)) return;
    this.queue.push(change);
    if (this.queue.length > this.maxBuffered) this.fail(new SubscriptionOverflowError(this.maxBuffered));
    else this.deliver();
  }

  /** The current documents go out before everything buffered while they were read. */
  start(current: readonly V[]): void {
    if (this.ended) return;
    this.queue = [...current.filter((view) => this.accepts(view)), ...this.queue];
    this.live = true;
    if (this.queue.length > this.maxBuffered) this.fail(new SubscriptionOverflowError(this.maxBuffered));
    else this.deliver();
  }

  next(): Promise<IteratorResult<V>> {
    if (this.failure) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    const value = this.take();
    if (value) return Promise.resolve({ value, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  async return(): Promise<IteratorResult<V>> {
    this.end();
    this.waiting?.resolve({ value: undefined, done: true });
    this.waiting = undefined;
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<V> {
    return this;
  }

  private accepts(view: V): boolean {
    try {
      return this.options.accept(view);
    } catch {
      // A filter that cannot decide sends nothing: never leak on doubt.
      return false;
    }
  }

  /** The next document newer than what was sent for its id, or undefined. */
  private take(): V | undefined {
    if (!this.live) return undefined;
    for (let view = this.queue.shift(); view; view = this.queue.shift()) {
      if (this.sent.advance(view._id, view.version)) return view;
    }
    return undefined;
  }

  private deliver(): void {
    if (!this.waiting) return;
    const value = this.take();
    if (!value) return;
    const { resolve } = this.waiting;
    this.waiting = undefined;
    resolve({ value, done: false });
  }

  private fail(error: Error): void {
    this.end();
    if (this.waiting) {
      this.waiting.reject(error);
      this.waiting = undefined;
    } else {
      this.failure = error;
    }
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.queue = [];
    void this.unsubscribe?.();
  }
}
