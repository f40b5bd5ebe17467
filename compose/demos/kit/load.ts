import { placeOrderOnPath, SAGA_PATHS, type DemoCatalogue, type SagaPath } from './orders.ts';
import type { DemoSession } from './session.ts';

/**
 * A steady, bounded stream of orders across the saga paths: started at `rate` per second, at
 * most `maxInFlight` unfinished at once, stopped by a count, a duration or stop(). Each order is
 * retried with its idempotency key until acknowledged (see orders.ts); what was acknowledged is
 * recorded, because only those may be held against the stack afterwards.
 */

export interface LoadOptions {
  /** Orders started per second (the pace; fewer when maxInFlight is reached). */
  rate: number;
  /** Stop starting orders after this many. At least one of orders / durationMs. */
  orders?: number;
  /** Stop starting orders after this long. */
  durationMs?: number;
  /** Default 50. */
  maxInFlight?: number;
  /** Relative weights per path; default confirmed 7, out-of-stock 1, declined 1, cancelled-after-confirmation 1. */
  mix?: Partial<Record<SagaPath, number>>;
  /** Orders are spread over this many customers (default 25: each stays far below the gateway's per-customer rate limit). */
  customers?: number;
  /** Every order gives up retrying at this time (default: 3 minutes after the last order may start). */
  deadline?: number;
}

export interface LoadRecord {
  index: number;
  path: SagaPath;
  customerId: string;
  /** Set once placeOrder was acknowledged. */
  orderId?: string;
  /** The placement was acknowledged (a later cancelOrder step may still have failed: see error). */
  acknowledged: boolean;
  /** The order's whole client-side job finished (for cancelled-after-confirmation: cancelled too). */
  completed: boolean;
  /** Calls repeated until acknowledged (placeOrder and cancelOrder). */
  retries: number;
  error?: string;
}

export interface LoadProgress {
  started: number;
  acknowledged: number;
  completed: number;
  failed: number;
  inFlight: number;
}

export interface LoadRun {
  /** Starts no more orders; the ones in flight still finish. */
  stop(): void;
  progress(): LoadProgress;
  /** Every order started, once each has finished or given up. */
  done: Promise<LoadRecord[]>;
}

export const DEFAULT_MIX: Record<SagaPath, number> = { confirmed: 7, 'out-of-stock': 1, declined: 1, 'cancelled-after-confirmation': 1 };

/**
 * The path of each next order, in exact proportion to the weights (smooth weighted round robin:
 * after n orders each path's count is within one of n × its share), so short runs cover every path.
 */
export function pathSchedule(mix: Partial<Record<SagaPath, number>> = DEFAULT_MIX): () => SagaPath {
  const weights = SAGA_PATHS.map((path) => ({ path, weight: mix[path] ?? 0, current: 0 })).filter((entry) => entry.weight > 0);
  if (weights.length === 0) throw new Error('the mix gives no path a weight');
  const total = weights.reduce((sum, entry) => sum + entry.weight, 0);
  return () => {
    for (const entry of weights) entry.current += entry.weight;
    const chosen = weights.reduce((best, entry) => (entry.current > best.current ? entry : best));
    chosen.current -= total;
    return chosen.path;
  };
}

export function startLoad(session: DemoSession, catalogue: DemoCatalogue, options: LoadOptions): LoadRun {
  if (options.orders === undefined && options.durationMs === undefined) throw new Error('a load needs a bound: orders or durationMs');
  if (!(options.rate > 0)) throw new Error('rate must be positive');
  const maxInFlight = options.maxInFlight ?? 50;
  const customers = options.customers ?? 25;
  const began = Date.now();
  const lastStart = options.durationMs !== undefined ? began + options.durationMs : began + ((options.orders ?? 0) / options.rate) * 1000;
  const deadline = options.deadline ?? lastStart + 180_000;
  const nextPath = pathSchedule(options.mix);
  const records: LoadRecord[] = [];
  const running = new Set<Promise<void>>();
  let stopped = false;
  let wake: () => void = () => undefined;

  const runOne = async (record: LoadRecord) => {
    try {
      const result = await placeOrderOnPath(session, catalogue, record.path, {
        customerId: record.customerId,
        deadline,
        onAcknowledged: (orderId) => {
          record.orderId = orderId;
          record.acknowledged = true;
        },
      });
      record.retries = result.retries;
      record.completed = true;
    } catch (error) {
      record.error = (error as Error).message;
    }
  };

  const loop = async () => {
    const interval = 1000 / options.rate;
    let due = began;
    for (let index = 0; ; index++) {
      if (stopped || (options.orders !== undefined && index >= options.orders)) break;
      if (options.durationMs !== undefined && due >= lastStart) break;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      while (running.size >= maxInFlight && !stopped) await new Promise<void>((resolve) => (wake = resolve));
      if (stopped) break;
      // Paced from this start, not from the run's: time spent waiting for a free slot (an
      // outage) is not made up for with a burst afterwards.
      due = Math.max(due, Date.now()) + interval;
      const record: LoadRecord = { index, path: nextPath(), customerId: `demo-customer-${index % customers}`, acknowledged: false, completed: false, retries: 0 };
      records.push(record);
      const job: Promise<void> = runOne(record).finally(() => {
        running.delete(job);
        wake();
      });
      running.add(job);
    }
    while (running.size > 0) await Promise.race(running);
    return records;
  };

  return {
    stop() {
      stopped = true;
      wake();
    },
    progress() {
      const acknowledged = records.filter((record) => record.acknowledged).length;
      const completed = records.filter((record) => record.completed).length;
      const failed = records.filter((record) => record.error !== undefined).length;
      return { started: records.length, acknowledged, completed, failed, inFlight: running.size };
    },
    done: loop(),
  };
}
