import type { Invariant } from './invariants.ts';
import type { LoadRecord } from './load.ts';
import { foldOrder, type StoreFacts } from './store-facts.ts';
import { renderTable } from './table.ts';

/** The tables a demo or the chaos test ends with: invariants, and what happened to the orders. */

export function invariantTable(invariants: Invariant[]): string {
  return renderTable(['invariant', 'holds', 'detail'], invariants.map((invariant) => [invariant.name, invariant.holds ? 'yes' : 'NO', invariant.detail]));
}

/** Final statuses of the acknowledged orders, from the event store: CONFIRMED, SHIPPED, `CANCELLED <reason>`, PENDING or MISSING. */
export function outcomes(facts: StoreFacts, acknowledged: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const orderId of new Set(acknowledged)) {
    const { status, reason } = foldOrder(facts.orderStreams.get(orderId) ?? []);
    const key = status === 'CANCELLED' ? `cancelled ${reason ?? '?'}` : status.toLowerCase();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map([...counts].sort(([a], [b]) => a.localeCompare(b)));
}

/** The client's side of a load: orders started, acknowledged, given up, retries. */
export function clientFigures(records: LoadRecord[]) {
  const acknowledged = records.filter((record) => record.acknowledged);
  const failed = records.filter((record) => record.error !== undefined);
  const retries = records.reduce((sum, record) => sum + record.retries, 0);
  const byPath = new Map<string, number>();
  for (const record of records) byPath.set(record.path, (byPath.get(record.path) ?? 0) + 1);
  return { placed: records.length, acknowledged: acknowledged.length, failed, retries, byPath };
}

/**
 * The client's own check, listed with the invariants: every order it started was acknowledged
 * (and, for cancelled-after-confirmation, cancelled) before its deadline.
 */
export function everyOrderAcknowledged(records: LoadRecord[]): Invariant {
  const failed = records.filter((record) => record.error !== undefined);
  return {
    name: 'every order acknowledged (client)',
    holds: failed.length === 0,
    detail:
      failed.length === 0
        ? `${records.length} placed, ${records.length} acknowledged`
        : `${failed.length} of ${records.length} failed: ${failed.slice(0, 2).map((record) => `${record.path} #${record.index}: ${record.error}`).join('; ')}`,
  };
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
