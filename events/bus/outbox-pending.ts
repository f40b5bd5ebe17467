import type { Connection } from 'mongoose';
import { Gauge, type Registry } from 'prom-client';
import { commitModel, COMMITS_COLLECTION } from './commit-model.ts';
import { silentLogger, type Logger } from './logger.ts';
import { createThrottledRefresh } from './throttled-refresh.ts';

export interface OutboxPendingOptions {
  connection: Connection;
  /** The commits collection the relay drains (default: the event store's). */
  collection?: string;
  registry: Registry;
  /** A scrape counts again only when the last count is older than this (default 5 s). */
  refreshMs?: number;
  /** How long a scrape waits for the count before serving the previous one (default 2 s). */
  maxScrapeWaitMs?: number;
  logger?: Logger;
}

/**
 * outbox_pending: commits appended but not yet published to Kafka. Counted on scrape, at most
 * once per `refreshMs`, with the relay's own index ({published, position}), so it costs one
 * cheap count however often Prometheus scrapes. The collection is shared by the service's
 * replicas, so each reports the same figure (aggregate with max). When MongoDB cannot answer,
 * the previous count stays and the failure is logged once per outage.
 */
export function registerOutboxPendingGauge(options: OutboxPendingOptions): void {
  const model = commitModel(options.connection, options.collection ?? COMMITS_COLLECTION);
  const logger = options.logger ?? silentLogger();
  let failing = false;
  let pending = 0;

  const throttled = createThrottledRefresh({
    minIntervalMs: options.refreshMs ?? 5_000,
    maxWaitMs: options.maxScrapeWaitMs ?? 2_000,
    async refresh() {
      // Not connected (yet, or any more): keep the last count rather than queue a query.
      if (options.connection.readyState !== 1) return;
      try {
        pending = await model.countDocuments({ published: false }).exec();
        if (failing) logger.info('outbox_pending countable again');
        failing = false;
      } catch (err) {
        if (!failing) logger.warn({ err }, 'outbox_pending not countable; serving the last count');
        failing = true;
      }
    },
  });

  new Gauge({
    name: 'outbox_pending',
    help: 'Commits (one per command) stored in the outbox and not yet published to Kafka.',
    registers: [options.registry],
    async collect() {
      await throttled.runBounded();
      this.set(pending);
    },
  });
}
