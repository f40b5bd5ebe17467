import { sleep } from '@tributary/bus';
import type { BackgroundWorker } from '@tributary/service';
import type { Logger } from '@tributary/telemetry';
import type { PaymentReadModel } from '../projections/payment-read-model.ts';
import type { Charger } from './charger.ts';

export interface ChargeWorker extends BackgroundWorker {
  /** Works one payment now, without waiting for the next poll; the caller does not wait. */
  kick(orderId: string): void;
}

export interface ChargeWorkerOptions {
  charger: Charger;
  readModel: PaymentReadModel;
  logger: Logger;
  now: () => Date;
  pollIntervalMs: number;
  /** Payments worked side by side per poll: one hanging provider call does not stall the rest. */
  batchSize?: number;
  /** Runs after everything in flight has finished (e.g. closing the provider's connections). */
  onStopped?: () => Promise<void>;
}

/**
 * Runs the charges: the ones the reactions kick (low latency, off the Kafka partition, so a slow
 * provider never holds a partition up) and, on every poll, those the read model says are due
 * (retries after failures, and anything a crash left behind). stop() aborts the provider calls
 * in flight, so it returns promptly.
 */
export function createChargeWorker(options: ChargeWorkerOptions): ChargeWorker {
  const { charger, readModel, logger } = options;
  const batchSize = options.batchSize ?? 20;
  const abort = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  let loop: Promise<void> | undefined;

  function track(orderId: string): Promise<unknown> {
    const run = charger.work(orderId, abort.signal).catch((err: unknown) => {
      // Left due in the read model: the next poll tries again.
      logger.error({ err, orderId }, 'payment work failed');
    });
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
    return run;
  }

  async function dueOrderIds(): Promise<string[]> {
    const now = options.now();
    const [charges, refunds] = await Promise.all([
      readModel.find({ status: 'PENDING', nextAttemptAt: { $lte: now } }, { _id: 1 }).sort({ nextAttemptAt: 1 }).limit(batchSize).lean().exec(),
      readModel.find({ refundOwed: true, status: 'CAPTURED' }, { _id: 1 }).limit(batchSize).lean().exec(),
    ]);
    return [...new Set([...charges, ...refunds].map((view) => view._id))];
  }

  async function poll(): Promise<void> {
    while (!abort.signal.aborted) {
      try {
        await Promise.all((await dueOrderIds()).map(track));
      } catch (err) {
        logger.error({ err }, 'payment retry poll failed');
      }
      await sleep(options.pollIntervalMs, abort.signal);
    }
  }

  return {
    name: 'payment-charges',
    async start() {
      loop ??= poll();
    },
    kick(orderId) {
      if (!abort.signal.aborted) void track(orderId);
    },
    async stop() {
      abort.abort();
      await loop;
      await Promise.all(inFlight);
      await options.onStopped?.();
    },
  };
}
