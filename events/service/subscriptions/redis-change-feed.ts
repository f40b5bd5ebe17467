import { Redis } from 'ioredis';
import type { Logger } from '@tributary/telemetry';
import { channelPrefix, decodeChange, encodeChange, type ChangeFeed, type ChangeListener, type Unsubscribe } from './change-feed.ts';

export interface RedisChangeFeedOptions {
  /** redis:// or rediss:// URL (REDIS_URL). */
  url: string;
  /** The service's name: its channels are `tributary:<service>:<channel>`. */
  service: string;
  logger: Logger;
  /** How long a publish waits for the process's first connection (default 2 s); later it fails fast. */
  firstConnectWaitMs?: number;
  /** How long subscribe() waits for Redis to confirm (default 5 s). */
  subscribeTimeoutMs?: number;
  /** A publish Redis does not answer within this fails (default 1 s). */
  commandTimeoutMs?: number;
}

interface ChannelEntry {
  listeners: Set<ChangeListener>;
  /** Settles when Redis confirmed the SUBSCRIBE. */
  active: Promise<void>;
}

const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * The change feed over Redis pub/sub, shared by every replica of a service. One publisher and
 * one subscriber connection per process; the subscriber holds one Redis subscription per
 * channel, whatever the number of local listeners, and fans each message out in process.
 * Publishing fails fast while Redis is away (no offline queue: a projection must not wait for
 * Redis); ioredis reconnects in the background and re-subscribes every channel (autoResubscribe).
 * Changes published while a subscriber was disconnected are lost: pub/sub is at most once.
 */
export function createRedisChangeFeed(options: RedisChangeFeedOptions): ChangeFeed {
  const prefix = channelPrefix(options.service);
  const logger = options.logger.child({ component: 'change-feed' });
  const common = {
    connectTimeout: 2_000,
    // Capped backoff: a Redis that comes back is used again within a second.
    retryStrategy: (attempt: number) => Math.min(50 * attempt, 1_000),
  };
  const publisher = new Redis(options.url, {
    ...common,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 1_000,
    autoResubscribe: false,
    connectionName: `tributary-${options.service}-changes-pub`,
  });
  // Connected by the first subscribe: a service without subscriptions holds no subscriber socket.
  const subscriber = new Redis(options.url, { ...common, lazyConnect: true, autoResubscribe: true, connectionName: `tributary-${options.service}-changes-sub` });
  const channels = new Map<string, ChannelEntry>();
  let closed = false;

  // ioredis emits an error on every failed reconnect attempt: log the first, then at most one
  // per interval, so an outage is visible without flooding the log.
  let lastErrorLog = 0;
  const onError = (connection: string) => (err: Error) => {
    if (Date.now() - lastErrorLog < ERROR_LOG_INTERVAL_MS) return;
    lastErrorLog = Date.now();
    logger.warn({ err, connection }, 'redis change feed connection failed; retrying');
  };
  publisher.on('error', onError('publisher'));
  subscriber.on('error', onError('subscriber'));

  // Projections may start before the first connection is up; they wait for it once, not after.
  let timer: NodeJS.Timeout | undefined;
  const firstReady = new Promise<void>((resolve) => {
    publisher.once('ready', resolve);
    timer = setTimeout(resolve, options.firstConnectWaitMs ?? 2_000);
    timer.unref();
  }).finally(() => clearTimeout(timer));

  subscriber.on('message', (fullChannel: string, message: string) => {
    if (!fullChannel.startsWith(prefix)) return;
    const channel = fullChannel.slice(prefix.length);
    const entry = channels.get(channel);
    if (!entry) return;
    const change = decodeChange(message);
    if (!change) {
      logger.warn({ channel }, 'ignored a message that is not a read-model document');
      return;
    }
    for (const listener of [...entry.listeners]) {
      try {
        listener(change);
      } catch (err) {
        logger.error({ err, channel }, 'change listener failed');
      }
    }
  });

  /** Best effort: a failed UNSUBSCRIBE leaves a channel whose messages nobody reads. */
  function unsubscribeUnused(channel: string): Promise<void> {
    if (closed || channels.has(channel)) return Promise.resolve();
    return subscriber.unsubscribe(prefix + channel).then(
      () => undefined,
      (err: unknown) => logger.warn({ err, channel }, 'redis UNSUBSCRIBE failed'),
    );
  }

  function openChannel(channel: string): ChannelEntry {
    const entry: ChannelEntry = {
      listeners: new Set(),
      active: withTimeout(subscriber.subscribe(prefix + channel), options.subscribeTimeoutMs ?? 5_000, `redis SUBSCRIBE ${channel}`),
    };
    channels.set(channel, entry);
    // A failed entry is forgotten at once, so the next subscriber tries afresh.
    entry.active.catch(() => {
      if (channels.get(channel) === entry) channels.delete(channel);
      void unsubscribeUnused(channel);
    });
    return entry;
  }

  return {
    async publish(channel, change) {
      if (closed) throw new Error('change feed is closed');
      await firstReady;
      await publisher.publish(prefix + channel, encodeChange(change));
    },

    async subscribe(channel, listener): Promise<Unsubscribe> {
      if (closed) throw new Error('change feed is closed');
      const entry = channels.get(channel) ?? openChannel(channel);
      // Its own function, so the same listener subscribed twice is two subscriptions.
      const own: ChangeListener = (change) => listener(change);
      entry.listeners.add(own);
      let done = false;
      const unsubscribe = async () => {
        if (done) return;
        done = true;
        entry.listeners.delete(own);
        if (entry.listeners.size > 0 || channels.get(channel) !== entry) return;
        channels.delete(channel);
        await unsubscribeUnused(channel);
      };
      try {
        await entry.active;
      } catch (error) {
        await unsubscribe();
        throw error;
      }
      return unsubscribe;
    },

    readiness: {
      redis: async () => {
        await publisher.ping();
        // 'wait': never needed yet (no subscription so far).
        if (subscriber.status !== 'ready' && subscriber.status !== 'wait') throw new Error(`subscriber connection is ${subscriber.status}`);
      },
    },

    async close() {
      if (closed) return;
      closed = true;
      channels.clear();
      // Nothing to flush on either connection: pub/sub keeps no state worth a graceful QUIT.
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise.then(() => undefined), timeout]).finally(() => clearTimeout(timer));
}
