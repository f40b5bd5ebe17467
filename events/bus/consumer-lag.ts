import type { Admin } from 'kafkajs';
import { Gauge, type Registry } from 'prom-client';
import { silentLogger, type Logger } from './logger.ts';
import { createThrottledRefresh } from './throttled-refresh.ts';

/** One consumer group of the process and the topics it reads. */
export interface ConsumerGroupTopics {
  groupId: string;
  topics: string[];
}

export interface ConsumerLagOptions {
  /** A connected admin client; the monitor never connects or disconnects it. */
  admin: Pick<Admin, 'fetchOffsets' | 'fetchTopicOffsets'>;
  groups: ConsumerGroupTopics[];
  registry: Registry;
  /** Lag is recomputed every this many ms, and on a scrape only when older (default 5 s). */
  refreshMs?: number;
  /** How long a scrape waits for a refresh before serving the previous figures (default 2 s). */
  maxScrapeWaitMs?: number;
  logger?: Logger;
}

export interface ConsumerLagMonitor {
  /** Starts the periodic refresh (the admin client must be connected by now). */
  start(): void;
  /** Stops refreshing and waits for a refresh in flight, so the admin client can be closed next. */
  stop(): Promise<void>;
  /** Recomputes now, or joins the refresh in flight. */
  refresh(): Promise<void>;
}

/**
 * Messages a group still has to read in one partition: log end minus committed offset. A
 * partition the group has not committed yet (-1) counts from the log start, since every group of
 * the service kit reads from the beginning (ConsumerRunner's fromBeginning).
 */
export function partitionLag(committed: string, low: string, high: string): number {
  const position = Number(committed) < 0 ? Number(low) : Number(committed);
  return Math.max(0, Number(high) - position);
}

type Series = { group: string; topic: string; partition: string; lag: number };
type PartitionEnds = Map<number, { low: string; high: string }>;

/**
 * kafka_consumer_lag{group,topic,partition}: how far each consumer group of this process is
 * behind the log end, from the admin client (committed offsets vs. topic end offsets), so it is
 * right even while a consumer is stuck or not running at all. A topic or group whose offsets
 * cannot be read has no series until it can (a stale lag would be a lie); the log says why.
 * Every replica of a service reports the same groups: aggregate with max, not sum.
 */
export function createConsumerLagMonitor(options: ConsumerLagOptions): ConsumerLagMonitor {
  const refreshMs = options.refreshMs ?? 5_000;
  const logger = options.logger ?? silentLogger();
  const failing = new Set<string>();
  const gauge = new Gauge({
    name: 'kafka_consumer_lag',
    help: 'Messages a consumer group has yet to read in a partition (log end offset minus committed offset).',
    labelNames: ['group', 'topic', 'partition'],
    registers: [options.registry],
    async collect() {
      // Only between start() and stop(): the admin client is connected exactly then.
      if (timer) await throttled.runBounded();
    },
  });

  /** Runs one read; a failure is logged when it starts and when it heals, not on every refresh. */
  async function attempt<T>(key: string, read: () => Promise<T>): Promise<T | undefined> {
    try {
      const value = await read();
      if (failing.delete(key)) logger.info({ source: key }, 'consumer lag readable again');
      return value;
    } catch (err) {
      if (!failing.has(key)) logger.warn({ err, source: key }, 'consumer lag not readable; its series are left out');
      failing.add(key);
      return undefined;
    }
  }

  async function readTopicEnds(topic: string): Promise<PartitionEnds | undefined> {
    const offsets = await attempt(`topic ${topic}`, () => options.admin.fetchTopicOffsets(topic));
    return offsets && new Map(offsets.map(({ partition, low, high }) => [partition, { low, high }]));
  }

  async function readGroup(group: ConsumerGroupTopics, ends: Map<string, PartitionEnds>): Promise<Series[]> {
    const topics = group.topics.filter((topic) => ends.has(topic));
    if (topics.length === 0) return [];
    const committed = await attempt(`group ${group.groupId}`, () => options.admin.fetchOffsets({ groupId: group.groupId, topics }));
    // fetchOffsets lists every partition of each topic, -1 where the group committed nothing.
    return (committed ?? []).flatMap(({ topic, partitions }) =>
      partitions.flatMap(({ partition, offset }) => {
        const end = ends.get(topic)?.get(partition);
        return end ? [{ group: group.groupId, topic, partition: String(partition), lag: partitionLag(offset, end.low, end.high) }] : [];
      }),
    );
  }

  async function refresh(): Promise<void> {
    const topics = [...new Set(options.groups.flatMap((group) => group.topics))];
    // Each topic's end offsets once per refresh, however many groups read it.
    const ends = new Map<string, PartitionEnds>();
    await Promise.all(topics.map(async (topic) => {
      const partitionEnds = await readTopicEnds(topic);
      if (partitionEnds) ends.set(topic, partitionEnds);
    }));
    const series = (await Promise.all(options.groups.map((group) => readGroup(group, ends)))).flat();
    // Swapped in one synchronous step: a scrape never sees half of a refresh.
    gauge.reset();
    for (const { lag, ...labels } of series) gauge.set(labels, lag);
  }

  const throttled = createThrottledRefresh({ refresh, minIntervalMs: refreshMs, maxWaitMs: options.maxScrapeWaitMs ?? 2_000 });
  let timer: NodeJS.Timeout | undefined;

  return {
    start() {
      if (timer || options.groups.length === 0) return;
      void throttled.run(true);
      // The timer keeps the figures current between scrapes; unref: a forgotten stop() must not
      // keep the process alive.
      timer = setInterval(() => void throttled.run(true), refreshMs).unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await throttled.idle();
    },
    refresh: () => throttled.run(true),
  };
}
