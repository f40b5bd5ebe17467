import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@tributary/telemetry';
import { eventually, redisImplementations, type TestRedis } from '@tributary/testing/stack';
import type { StreamView } from '../projection.ts';
import { channelPrefix, type ChangeFeed } from '../subscriptions/change-feed.ts';
import { createMemoryChangeFeed } from '../subscriptions/memory-change-feed.ts';
import { createRedisChangeFeed } from '../subscriptions/redis-change-feed.ts';

// One contract for every ChangeFeed: the in-process one, and Redis pub/sub against the embedded
// server and (when installed) a real redis-server. Real ioredis, real sockets, no doubles.

const logger = createLogger('change-feed-test', 'silent');

interface Doc extends StreamView {
  at: Date;
  note: string;
}

const doc = (version: number, note = 'x'): Doc => ({ _id: 'o-1', version, at: new Date(Date.UTC(2026, 0, 31, 12, 0, version)), note });

/** A listener that records what it receives. */
function recorder() {
  const seen: StreamView[] = [];
  return { seen, listener: (change: StreamView) => void seen.push(change) };
}

/** No message arrives for a while: enough for a publish on the same machine to have landed. */
const quietly = () => new Promise((resolve) => setTimeout(resolve, 150));

interface FeedFactory {
  name: string;
  skip: string | undefined;
  setup(): Promise<void>;
  make(service?: string): ChangeFeed;
  teardown(): Promise<void>;
}

const feeds: ChangeFeed[] = [];
afterEach(async () => {
  await Promise.all(feeds.splice(0).map((feed) => feed.close()));
});

const factories: FeedFactory[] = [
  { name: 'in-memory', skip: undefined, setup: async () => undefined, make: () => track(createMemoryChangeFeed({ logger })), teardown: async () => undefined },
  ...redisImplementations.map((implementation): FeedFactory => {
    let redis: TestRedis | undefined;
    return {
      name: `redis (${implementation.name})`,
      get skip() {
        return implementation.unavailable;
      },
      setup: async () => void (redis = await implementation.start()),
      make: (service = 'kit') => track(createRedisChangeFeed({ url: redis!.url, service, logger })),
      teardown: async () => redis?.close(),
    };
  }),
];

function track(feed: ChangeFeed): ChangeFeed {
  feeds.push(feed);
  return feed;
}

describe.each(factories)('ChangeFeed contract: $name', (factory) => {
  beforeAll(async () => {
    if (!factory.skip) await factory.setup();
  });
  afterAll(async () => {
    if (!factory.skip) await factory.teardown();
  });

  it.skipIf(factory.skip)('delivers a change published right after subscribe() resolved, Dates intact', async () => {
    const feed = factory.make();
    const { seen, listener } = recorder();
    await feed.subscribe('orders', listener);
    await feed.publish('orders', doc(1, 'first'));
    await eventually(async () => seen.length === 1, 5_000, 'the change');
    expect(seen).toEqual([doc(1, 'first')]);
    expect((seen[0] as Doc).at).toBeInstanceOf(Date);
  });

  it.skipIf(factory.skip)('fans one channel out to every listener, and keeps channels apart', async () => {
    const feed = factory.make();
    const [a, b, other] = [recorder(), recorder(), recorder()];
    await feed.subscribe('orders', a.listener);
    await feed.subscribe('orders', b.listener);
    await feed.subscribe('products', other.listener);
    await feed.publish('orders', doc(1));
    await eventually(async () => a.seen.length === 1 && b.seen.length === 1, 5_000, 'both listeners');
    await quietly();
    expect(other.seen).toEqual([]);
  });

  it.skipIf(factory.skip)('stops delivering to a listener that unsubscribed, and only to it', async () => {
    const feed = factory.make();
    const [stays, leaves] = [recorder(), recorder()];
    await feed.subscribe('orders', stays.listener);
    const unsubscribe = await feed.subscribe('orders', leaves.listener);
    await unsubscribe();
    await unsubscribe(); // idempotent
    await feed.publish('orders', doc(1));
    await eventually(async () => stays.seen.length === 1, 5_000, 'the remaining listener');
    await quietly();
    expect(leaves.seen).toEqual([]);
  });

  it.skipIf(factory.skip)('treats the same listener subscribed twice as two subscriptions', async () => {
    const feed = factory.make();
    const { seen, listener } = recorder();
    const first = await feed.subscribe('orders', listener);
    await feed.subscribe('orders', listener);
    await feed.publish('orders', doc(1));
    await eventually(async () => seen.length === 2, 5_000, 'two deliveries');
    await first();
    await feed.publish('orders', doc(2));
    await eventually(async () => seen.length === 3, 5_000, 'one more delivery');
    await quietly();
    expect(seen.map((change) => change.version)).toEqual([1, 1, 2]);
  });

  it.skipIf(factory.skip)('keeps delivering to the others when a listener throws', async () => {
    const feed = factory.make();
    const { seen, listener } = recorder();
    await feed.subscribe('orders', () => {
      throw new Error('listener bug');
    });
    await feed.subscribe('orders', listener);
    await feed.publish('orders', doc(1));
    await eventually(async () => seen.length === 1, 5_000, 'the healthy listener');
  });

  it.skipIf(factory.skip)('publishes to nobody without failing, and refuses everything once closed', async () => {
    const feed = factory.make();
    await expect(feed.publish('nobody-listens', doc(1))).resolves.toBeUndefined();
    await feed.close();
    await feed.close();
    await expect(feed.publish('orders', doc(1))).rejects.toThrow(/closed/);
    await expect(feed.subscribe('orders', () => undefined)).rejects.toThrow(/closed/);
  });
});

describe.each(factories.filter((factory) => factory.name.startsWith('redis')))('Redis change feed: $name', (factory) => {
  let redis: TestRedis;
  let probe: Redis;

  beforeAll(async () => {
    if (factory.skip) return;
    const implementation = redisImplementations.find((candidate) => factory.name.includes(candidate.name))!;
    redis = await implementation.start();
    probe = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    probe.on('error', () => undefined);
  });
  afterAll(async () => {
    probe?.disconnect();
    await redis?.close();
  });

  const make = (service: string) => track(createRedisChangeFeed({ url: redis.url, service, logger, subscribeTimeoutMs: 2_000 }));
  const subscribersOf = async (channel: string) => Number(((await probe.pubsub('NUMSUB', channel)) as [string, number])[1]);

  it.skipIf(factory.skip)('serves every replica of a service, and no other service', async () => {
    const [replicaA, replicaB, otherService] = [make('order'), make('order'), make('inventory')];
    const [a, b, other] = [recorder(), recorder(), recorder()];
    await replicaA.subscribe('orders', a.listener);
    await replicaB.subscribe('orders', b.listener);
    await otherService.subscribe('orders', other.listener);
    await replicaB.publish('orders', doc(1));
    await eventually(async () => a.seen.length === 1 && b.seen.length === 1, 5_000, 'both replicas');
    await quietly();
    expect(other.seen).toEqual([]);
  });

  it.skipIf(factory.skip)('holds one Redis subscription per channel, under the service prefix, released by the last listener', async () => {
    const feed = make('order');
    const channel = `${channelPrefix('order')}orders-${randomUUID()}`;
    const name = channel.slice(channelPrefix('order').length);
    const unsubscribes = await Promise.all([feed.subscribe(name, () => undefined), feed.subscribe(name, () => undefined)]);
    expect(await subscribersOf(channel)).toBe(1);
    await unsubscribes[0]!();
    expect(await subscribersOf(channel)).toBe(1);
    await unsubscribes[1]!();
    await eventually(async () => (await subscribersOf(channel)) === 0, 5_000, 'the UNSUBSCRIBE');
  });

  it.skipIf(factory.skip)('ignores messages on its channel that are not read-model documents', async () => {
    const feed = make('order');
    const { seen, listener } = recorder();
    await feed.subscribe('orders', listener);
    await probe.publish(`${channelPrefix('order')}orders`, 'not json');
    await probe.publish(`${channelPrefix('order')}orders`, JSON.stringify({ _id: 'o-1' }));
    await feed.publish('orders', doc(3));
    await eventually(async () => seen.length === 1, 5_000, 'the valid change');
    expect(seen[0]?.version).toBe(3);
  });

  it.skipIf(factory.skip)('fails a publish fast while Redis is down, reports not ready, and resubscribes when it is back', async () => {
    const feed = make('order');
    const { seen, listener } = recorder();
    await feed.subscribe('orders', listener);
    await feed.publish('orders', doc(1));
    await eventually(async () => seen.length === 1, 5_000, 'the first change');
    expect(await feed.readiness?.redis?.(new AbortController().signal)).toBeUndefined();

    await redis.stop();
    await eventually(async () => feed.readiness!.redis!(new AbortController().signal).then(() => false, () => true), 5_000, 'readiness to fail');
    const started = Date.now();
    await expect(feed.publish('orders', doc(2))).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_500);

    await redis.restart();
    // ioredis reconnects and re-subscribes on its own; a change published then arrives.
    await eventually(
      async () => {
        await feed.publish('orders', doc(3)).catch(() => undefined);
        return seen.some((change) => change.version === 3);
      },
      15_000,
      'a change after the restart',
      200,
    );
    await feed.readiness!.redis!(new AbortController().signal);
  });
});
