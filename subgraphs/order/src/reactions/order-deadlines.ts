import type { Logger } from '@tributary/telemetry';
import type { BackgroundWorker } from '@tributary/service';
import { SYSTEM_ACTOR, type OrderCommands } from '../commands/order-commands.ts';
import type { OrderReadModel } from '../projections/order-read-model.ts';

export interface OrderDeadlinesOptions {
  model: OrderReadModel;
  commands: OrderCommands;
  logger: Logger;
  /** How long an order may stay PENDING. */
  deadlineMs: number;
  /** How often overdue orders are looked for. */
  scanIntervalMs?: number;
  now: () => Date;
}

/**
 * Cancels orders that got no verdict in time (TIMEOUT). Deadlines are not timers in memory: the
 * read model says when each order was placed, so a restart loses none. The command runs against
 * the event stream, which decides: an order that was confirmed meanwhile (the read model may lag)
 * is left alone, and several replicas scanning at once cancel an order once.
 */
export function orderDeadlines(options: OrderDeadlinesOptions): BackgroundWorker {
  const interval = options.scanIntervalMs ?? Math.min(1_000, Math.max(50, Math.floor(options.deadlineMs / 4)));
  let timer: NodeJS.Timeout | undefined;
  let scanning: Promise<void> | undefined;
  let stopped = false;

  async function scan(): Promise<void> {
    const overdueBefore = new Date(options.now().getTime() - options.deadlineMs);
    const overdue = await options.model
      .find({ status: 'PENDING', createdAt: { $lt: overdueBefore } }, { _id: 1 })
      .sort({ createdAt: 1 })
      .limit(100)
      .lean<{ _id: string }[]>()
      .exec();
    for (const { _id } of overdue) {
      if (stopped) return;
      const detail = `no confirmation within ${Math.round(options.deadlineMs / 1000)} s`;
      await options.commands.cancelBySaga(_id, 'TIMEOUT', detail, { actor: SYSTEM_ACTOR, causationId: `deadline:${_id}` });
      options.logger.info({ orderId: _id }, 'order cancelled: deadline passed');
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      scanning = scan()
        .catch((err: unknown) => options.logger.warn({ err }, 'deadline scan failed; retrying'))
        .finally(schedule);
    }, interval);
  }

  return {
    name: 'order-deadlines',
    async start() {
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await scanning;
    },
  };
}
