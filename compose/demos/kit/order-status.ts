import type { DemoSession } from './session.ts';

/**
 * Order statuses read straight from the order service's read model, for many orders at once:
 * one `$in` query per poll for every order someone waits on, instead of one request per order
 * through the gateway (which would compete with the load it measures and trip its rate limits).
 * While MongoDB is down a poll fails and the next one tries again.
 */

export interface OrderStatus {
  status: string;
  cancellationReason: string | null;
}

interface Waiter {
  orderId: string;
  done: (status: OrderStatus | undefined) => boolean;
  deadline: number;
  resolve: (status: OrderStatus | undefined) => void;
}

const POLL_MS = 300;
const CHUNK = 500;

class StatusPoller {
  private readonly waiters = new Set<Waiter>();
  private running = false;

  constructor(private readonly session: DemoSession) {}

  /** Resolves with the order's status once `done` says so, or with the last one seen (undefined: not in the read model) at `deadline`. */
  wait(orderId: string, done: Waiter['done'], deadline: number): Promise<OrderStatus | undefined> {
    return new Promise((resolve) => {
      this.waiters.add({ orderId, done, deadline, resolve });
      if (!this.running) void this.loop();
    });
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.waiters.size > 0) {
        const seen = await this.read([...new Set([...this.waiters].map((waiter) => waiter.orderId))]);
        const now = Date.now();
        for (const waiter of this.waiters) {
          const status = seen?.get(waiter.orderId);
          if ((seen && waiter.done(status)) || now >= waiter.deadline) {
            this.waiters.delete(waiter);
            waiter.resolve(status);
          }
        }
        if (this.waiters.size > 0) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    } finally {
      this.running = false;
    }
  }

  /** Every asked order's status, or undefined when MongoDB did not answer. */
  private async read(ids: string[]): Promise<Map<string, OrderStatus> | undefined> {
    try {
      const orders = (await this.session.db('order')).collection<{ _id: string; status: string; cancellationReason?: string | null }>('orders');
      const found = new Map<string, OrderStatus>();
      for (let start = 0; start < ids.length; start += CHUNK) {
        const page = await orders
          .find({ _id: { $in: ids.slice(start, start + CHUNK) } }, { projection: { status: 1, cancellationReason: 1 }, maxTimeMS: 5_000 })
          .toArray();
        for (const order of page) found.set(order._id, { status: order.status, cancellationReason: order.cancellationReason ?? null });
      }
      return found;
    } catch {
      return undefined;
    }
  }
}

const pollers = new WeakMap<DemoSession, StatusPoller>();

export function statusPoller(session: DemoSession): StatusPoller {
  let poller = pollers.get(session);
  if (!poller) pollers.set(session, (poller = new StatusPoller(session)));
  return poller;
}

export const FINAL_STATUSES: readonly string[] = ['CONFIRMED', 'CANCELLED', 'SHIPPED'];
