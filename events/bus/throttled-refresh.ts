export interface ThrottledRefreshOptions {
  /** The work: reads the current figures and stores them (e.g. into a gauge). */
  refresh: () => Promise<void>;
  /** A refresh that finished less than this long ago counts as fresh: no new one starts. */
  minIntervalMs: number;
  /** How long a scrape waits for a refresh before it serves the figures it has. */
  maxWaitMs: number;
  now?: () => number;
}

export interface ThrottledRefresh {
  /**
   * Refreshes unless the last refresh is fresh (or `force`); joins one that is already running.
   * Never throws.
   */
  run(force?: boolean): Promise<void>;
  /** run(), but resolves after `maxWaitMs` at the latest (the refresh itself goes on). */
  runBounded(): Promise<void>;
  /** Resolves when no refresh is running (stop() waits for it before closing the client it uses). */
  idle(): Promise<void>;
}

/**
 * Gauges that ask MongoDB or Kafka for their value (outbox_pending, kafka_consumer_lag) must not
 * turn every scrape, or every scraper, into queries: one refresh at a time, at most one per
 * interval, and a scrape never waits long on a slow or unreachable server. The refresh reports
 * its own failures; a failed refresh also counts as done (no retry storm).
 */
export function createThrottledRefresh(options: ThrottledRefreshOptions): ThrottledRefresh {
  const now = options.now ?? Date.now;
  let lastDoneAt = -Infinity;
  let running: Promise<void> | undefined;

  function run(force = false): Promise<void> {
    if (running) return running;
    if (!force && now() - lastDoneAt < options.minIntervalMs) return Promise.resolve();
    running = options
      .refresh()
      .catch(() => undefined)
      .finally(() => {
        lastDoneAt = now();
        running = undefined;
      });
    return running;
  }

  return {
    run,
    runBounded() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, options.maxWaitMs);
      });
      return Promise.race([run(), timeout]).finally(() => clearTimeout(timer));
    },
    idle: () => running ?? Promise.resolve(),
  };
}
