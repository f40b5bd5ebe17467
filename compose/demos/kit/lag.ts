import { partitionLag } from '@tributary/bus';
import { ALL_TOPICS } from '@tributary/contracts';
import { Kafka, logLevel } from 'kafkajs';

/**
 * Consumer lag per consumer group, read from the broker itself (kafkajs admin: committed offsets
 * vs. log end offsets), so it is right while a service is down: nobody else would report it
 * then. The services' groups are `<service>.<consumer>` (events/service/service.ts); replicas
 * share them.
 */

export interface LagSample {
  at: number;
  /** The broker did not answer (killed, restarting): no figures. */
  brokerDown: boolean;
  /** Messages each group has yet to read, summed over its topics and partitions; sorted by group. */
  groups: { group: string; lag: number }[];
  total: number;
}

export interface LagProbe {
  sample(): Promise<LagSample>;
}

const SERVICE_GROUP = /^(order|inventory|payment|notification)\./;

export function createLagProbe(brokers: string[]): LagProbe {
  // No retries and short timeouts: a broker that is down should cost one sample, not stall the demo.
  const kafka = new Kafka({
    clientId: 'demo-lag',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 3_000,
    retry: { retries: 0 },
  });

  async function read(): Promise<Omit<LagSample, 'at' | 'brokerDown'>> {
    // A fresh admin per sample: after the broker restarts there is no stale connection to heal.
    const admin = kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const topics = ALL_TOPICS.filter((topic) => existing.has(topic));
      const ends = new Map<string, { partition: number; low: string; high: string }[]>(
        await Promise.all(topics.map(async (topic) => [topic, await admin.fetchTopicOffsets(topic)] as const)),
      );
      const groupIds = (await admin.listGroups()).groups.map((group) => group.groupId).filter((id) => SERVICE_GROUP.test(id)).sort();
      const groups = await Promise.all(
        groupIds.map(async (group) => {
          const committed = await admin.fetchOffsets({ groupId: group, topics });
          let lag = 0;
          for (const { topic, partitions } of committed) {
            // A topic on which the group never committed anything is one it does not read.
            if (partitions.every(({ offset }) => Number(offset) < 0)) continue;
            for (const { partition, offset } of partitions) {
              const end = ends.get(topic)?.find((entry) => entry.partition === partition);
              if (end) lag += partitionLag(offset, end.low, end.high);
            }
          }
          return { group, lag };
        }),
      );
      return { groups, total: groups.reduce((sum, group) => sum + group.lag, 0) };
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  return {
    async sample() {
      const at = Date.now();
      try {
        return { at, brokerDown: false, ...(await read()) };
      } catch {
        return { at, brokerDown: true, groups: [], total: 0 };
      }
    },
  };
}

/** One progress line: `lag 12 (inventory.reservations=9 payment.saga=3)`, groups at 0 left out; or `broker down`. */
export function formatLag(sample: LagSample): string {
  if (sample.brokerDown) return 'broker down';
  const behind = sample.groups.filter((group) => group.lag > 0).map((group) => `${group.group}=${group.lag}`);
  return `lag ${sample.total}${behind.length > 0 ? ` (${behind.join(' ')})` : ''}`;
}

export interface LagWatch {
  /** Stops sampling (waits for a sample in flight). */
  stop(): Promise<void>;
  /** Highest total lag seen, and per group. */
  max(): { total: number; groups: Map<string, number> };
  latest(): LagSample | undefined;
}

/** Samples every `everyMs` and hands each line to `log` with `prefix()` in front (the demo's phase, elapsed time...). */
export function watchLag(probe: LagProbe, options: { everyMs: number; log: (line: string) => void; prefix?: () => string }): LagWatch {
  const groups = new Map<string, number>();
  let total = 0;
  let latest: LagSample | undefined;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const started = Date.now();
      latest = await probe.sample();
      total = Math.max(total, latest.total);
      for (const group of latest.groups) groups.set(group.group, Math.max(groups.get(group.group) ?? 0, group.lag));
      options.log(`${options.prefix?.() ?? ''}${formatLag(latest)}`);
      const wait = options.everyMs - (Date.now() - started);
      if (wait > 0 && !stopped) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
    max: () => ({ total, groups: new Map(groups) }),
    latest: () => latest,
  };
}
