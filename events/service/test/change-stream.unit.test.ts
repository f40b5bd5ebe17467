import { describe, expect, it } from 'vitest';
import { createLogger } from '@tributary/telemetry';
import type { StreamView } from '../projection.ts';
import type { ChangeFeed } from '../subscriptions/change-feed.ts';
import { subscribeToChanges } from '../subscriptions/change-stream.ts';
import { createMemoryChangeFeed } from '../subscriptions/memory-change-feed.ts';
import { SubscriptionOverflowError } from '../subscriptions/overflow-error.ts';
import { VersionTracker } from '../subscriptions/version-tracker.ts';

// The subscription side of the change feed, over the in-process feed (no I/O): current state
// then changes without gaps or repeats, filters, the bound, and cleanup.

interface Order extends StreamView {
  customerId: string;
}

const order = (id: string, version: number, customerId = 'alice'): Order => ({ _id: id, version, customerId });

/** The in-process feed, counting live subscriptions so that cleanup can be seen. */
function countingFeed() {
  const feed = createMemoryChangeFeed({ logger: createLogger('change-stream-test', 'silent') });
  let live = 0;
  const counted: ChangeFeed = {
    ...feed,
    async subscribe(channel, listener) {
      const unsubscribe = await feed.subscribe(channel, listener);
      live += 1;
      let done = false;
      return async () => {
        if (!done) live -= 1;
        done = true;
        await unsubscribe();
      };
    },
  };
  return { feed: counted, live: () => live };
}

/** Takes `count` values, failing instead of hanging if they do not come. */
async function take<T>(iterator: AsyncIterator<T>, count: number): Promise<T[]> {
  const values: T[] = [];
  for (let i = 0; i < count; i += 1) {
    const result = await Promise.race([iterator.next(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`only ${values.length} of ${count} values`)), 1_000))]);
    if (result.done) throw new Error(`ended after ${values.length} of ${count} values`);
    values.push(result.value);
  }
  return values;
}

/** Whether next() stays pending (nothing to deliver) for a moment. */
async function staysQuiet<T>(iterator: AsyncIterator<T>): Promise<{ quiet: boolean; pending: Promise<IteratorResult<T>> }> {
  const pending = iterator.next();
  const quiet = await Promise.race([pending.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 50))]);
  return { quiet, pending };
}

describe('subscribeToChanges', () => {
  it('subscribes before reading the current state, sends it first, then only newer changes: none lost, none repeated', async () => {
    const { feed } = countingFeed();
    const stream = await subscribeToChanges<Order>({
      feed,
      channel: 'orders',
      accept: () => true,
      initial: async () => {
        // Changes that land while the current state is read: one it already reflects, one newer,
        // and one of another order.
        await feed.publish('orders', order('o-1', 2));
        await feed.publish('orders', order('o-1', 3));
        await feed.publish('orders', order('o-2', 1));
        return [order('o-1', 2)];
      },
    });
    await feed.publish('orders', order('o-1', 3)); // a redelivery
    await feed.publish('orders', order('o-2', 2));
    expect(await take(stream, 4)).toEqual([order('o-1', 2), order('o-1', 3), order('o-2', 1), order('o-2', 2)]);
    expect((await staysQuiet(stream)).quiet).toBe(true);
    await stream.return?.();
  });

  it('drops duplicates and out-of-order deliveries per document, always', async () => {
    const { feed } = countingFeed();
    const stream = await subscribeToChanges<Order>({ feed, channel: 'orders', accept: () => true });
    for (const version of [1, 3, 2, 3, 1, 4]) await feed.publish('orders', order('o-1', version));
    expect((await take(stream, 3)).map((view) => view.version)).toEqual([1, 3, 4]);
    await stream.return?.();
  });

  it('sends only what the subscriber accepts, current documents included', async () => {
    const { feed } = countingFeed();
    const stream = await subscribeToChanges<Order>({
      feed,
      channel: 'orders',
      accept: (view) => view.customerId === 'alice',
      initial: async () => [order('o-b', 1, 'bob'), order('o-a', 1)],
    });
    await feed.publish('orders', order('o-b', 2, 'bob'));
    await feed.publish('orders', order('o-a', 2));
    expect(await take(stream, 2)).toEqual([order('o-a', 1), order('o-a', 2)]);
    await stream.return?.();
  });

  it('treats a filter that throws as a no', async () => {
    const { feed } = countingFeed();
    const stream = await subscribeToChanges<Order>({
      feed,
      channel: 'orders',
      accept: (view) => {
        if (view._id === 'o-bad') throw new Error('cannot tell');
        return true;
      },
    });
    await feed.publish('orders', order('o-bad', 1));
    await feed.publish('orders', order('o-ok', 1));
    expect(await take(stream, 1)).toEqual([order('o-ok', 1)]);
    await stream.return?.();
  });

  it('unsubscribes on return(), even while a next() waits, which then ends', async () => {
    const { feed, live } = countingFeed();
    const stream = await subscribeToChanges<Order>({ feed, channel: 'orders', accept: () => true });
    expect(live()).toBe(1);
    const { quiet, pending } = await staysQuiet(stream);
    expect(quiet).toBe(true);
    await stream.return?.();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(live()).toBe(0);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it('unsubscribes and refuses when initial() throws (e.g. NOT_FOUND)', async () => {
    const { feed, live } = countingFeed();
    const refusal = new Error('order o-1 not found');
    await expect(
      subscribeToChanges<Order>({ feed, channel: 'orders', accept: () => true, initial: () => Promise.reject(refusal) }),
    ).rejects.toBe(refusal);
    expect(live()).toBe(0);
  });

  it('ends with SUBSCRIPTION_OVERFLOW when more changes wait than the bound, and unsubscribes', async () => {
    const { feed, live } = countingFeed();
    const stream = await subscribeToChanges<Order>({ feed, channel: 'orders', accept: () => true, maxBuffered: 3 });
    for (let version = 1; version <= 4; version += 1) await feed.publish('orders', order('o-1', version));
    expect(live()).toBe(0);
    const failure = await stream.next().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SubscriptionOverflowError);
    expect(failure).toMatchObject({ code: 'SUBSCRIPTION_OVERFLOW', maxBuffered: 3 });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it('counts changes buffered while the current state is read against the bound', async () => {
    const { feed, live } = countingFeed();
    const stream = await subscribeToChanges<Order>({
      feed,
      channel: 'orders',
      accept: () => true,
      maxBuffered: 2,
      initial: async () => {
        for (let version = 1; version <= 3; version += 1) await feed.publish('orders', order(`o-${version}`, 1));
        return [];
      },
    });
    expect(live()).toBe(0);
    await expect(stream.next()).rejects.toBeInstanceOf(SubscriptionOverflowError);
  });

  it('keeps a subscriber that reads as fast as changes come, however many there are', async () => {
    const { feed } = countingFeed();
    const stream = await subscribeToChanges<Order>({ feed, channel: 'orders', accept: () => true, maxBuffered: 2 });
    for (let version = 1; version <= 20; version += 1) {
      await feed.publish('orders', order('o-1', version));
      expect((await take(stream, 1))[0]?.version).toBe(version);
    }
    await stream.return?.();
  });
});

describe('VersionTracker', () => {
  it('remembers the last version per id, forgetting the least recently advanced past its bound', () => {
    const tracker = new VersionTracker(2);
    expect(tracker.advance('a', 1)).toBe(true);
    expect(tracker.advance('a', 1)).toBe(false);
    expect(tracker.advance('b', 1)).toBe(true);
    expect(tracker.advance('a', 2)).toBe(true); // a is now the most recent
    expect(tracker.advance('c', 1)).toBe(true); // forgets b
    expect(tracker.advance('a', 2)).toBe(false);
    expect(tracker.advance('b', 1)).toBe(true);
  });
});
