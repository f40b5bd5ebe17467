import { FINAL_STATUSES } from './order-status.ts';
import { placeOrderOnPath, type DemoCatalogue } from './orders.ts';
import type { DemoSession } from './session.ts';

/**
 * Saga throughput for a fixed batch: N orders that should all be confirmed, placed as fast as
 * `maxInFlight` placements at a time allow, then waited on until every acknowledged one is final.
 * The time is the system's own: from the first order's creation to the last order's final event
 * (the order read model's createdAt / updatedAt), so polling intervals do not blur it.
 */

export interface BatchResult {
  orders: number;
  acknowledged: string[];
  confirmed: number;
  cancelled: number;
  /** Acknowledged but still not final at the deadline. */
  notFinal: number;
  /** Placements the client gave up on (no acknowledgement before the deadline). */
  failed: number;
  seconds: number;
  confirmedPerSecond: number;
}

export interface BatchOptions {
  orders: number;
  deadline: number;
  /** placeOrder calls in flight at once (default 20). */
  maxInFlight?: number;
  log: (line: string) => void;
  /** Called once, when half the batch has been acknowledged (e.g. to kill a replica mid-batch). */
  atHalf?: () => Promise<void>;
}

interface OrderDoc {
  _id: string;
  status: string;
  createdAt: Date;
  updatedAt: Date;
}

export async function runBatch(session: DemoSession, catalogue: DemoCatalogue, options: BatchOptions): Promise<BatchResult> {
  const orders = (await session.db('order')).collection<OrderDoc>('orders');
  const acknowledged: string[] = [];
  let next = 0;
  let failed = 0;
  // maxInFlight workers, each placing one order after another: as fast as the gateway acknowledges.
  const worker = async () => {
    for (let index = next++; index < options.orders; index = next++) {
      await placeOrderOnPath(session, catalogue, 'confirmed', {
        // Spread over customers: each stays far below the gateway's per-customer rate limit.
        customerId: `demo-scale-${index % 25}`,
        deadline: options.deadline,
        onAcknowledged: (orderId) => acknowledged.push(orderId),
      }).catch((error: unknown) => {
        failed++;
        options.log(`  order ${index} given up: ${(error as Error).message}`);
      });
    }
  };
  let placing = true;
  const placed = Promise.all(Array.from({ length: Math.min(options.maxInFlight ?? 20, options.orders) }, worker)).finally(() => (placing = false));
  let atHalf: Promise<void> | undefined;
  let final = 0;
  let lastLog = 0;
  // One loop watches placement and completion: progress lines, the mid-batch hook, the end.
  for (;;) {
    if (!atHalf && options.atHalf && acknowledged.length >= options.orders / 2) atHalf = options.atHalf();
    const ids = [...acknowledged];
    final = await orders.countDocuments({ _id: { $in: ids }, status: { $in: [...FINAL_STATUSES] } }).catch(() => final);
    if (Date.now() - lastLog >= 5_000) {
      options.log(`  ${ids.length}/${options.orders} acknowledged, ${final} final${failed ? `, ${failed} given up` : ''}`);
      lastLog = Date.now();
    }
    if ((!placing && final >= ids.length) || Date.now() >= options.deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await Promise.all([placed, atHalf]);
  const docs = await orders.find({ _id: { $in: acknowledged } }, { projection: { status: 1, createdAt: 1, updatedAt: 1 } }).toArray();
  const finished = docs.filter((doc) => FINAL_STATUSES.includes(doc.status));
  const first = Math.min(...docs.map((doc) => doc.createdAt.getTime()));
  const last = Math.max(...finished.map((doc) => doc.updatedAt.getTime()));
  const seconds = finished.length > 0 ? Math.max(0.001, (last - first) / 1000) : Number.NaN;
  const confirmed = docs.filter((doc) => doc.status === 'CONFIRMED').length;
  return {
    orders: options.orders,
    acknowledged,
    confirmed,
    cancelled: docs.filter((doc) => doc.status === 'CANCELLED').length,
    notFinal: acknowledged.length - finished.length,
    failed,
    seconds,
    confirmedPerSecond: confirmed / seconds,
  };
}
