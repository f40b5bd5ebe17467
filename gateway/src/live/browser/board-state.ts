/**
 * What the live board knows: the latest state of each order it was told about, by id. Pure (no
 * DOM) so it is tested in Node; render.ts draws it.
 */

export interface BoardOrder {
  id: string;
  customerId: string;
  status: string;
  cancellationReason: string | null;
  /** ISO 8601 in UTC, so comparing the strings orders by time. */
  createdAt: string;
  items: { quantity: number; product: { name: string } | null }[];
  payment: { status: string; amountCents: number | null; currency: string | null } | null;
}

/** The board's subscription: the current orders first (includeCurrent), then every change. */
export const ORDER_CHANGED_SUBSCRIPTION = `subscription LiveOrders {
  orderChanged(includeCurrent: true) {
    id customerId status cancellationReason createdAt
    items { quantity product { name } }
    payment { status amountCents currency }
  }
}`;

/** Older orders fall off the board past this many (the page stays light after a long day). */
export const BOARD_LIMIT = 200;

export interface Upserted {
  /** The status before this event, or undefined for an order new to the board. */
  previousStatus: string | undefined;
}

export class BoardState {
  private readonly orders = new Map<string, BoardOrder>();

  /** Records an order's latest state (an event replaces what the board had for its id). */
  upsert(order: BoardOrder): Upserted {
    const previous = this.orders.get(order.id);
    this.orders.set(order.id, order);
    if (this.orders.size > BOARD_LIMIT) {
      const oldest = this.list().slice(BOARD_LIMIT);
      for (const dropped of oldest) this.orders.delete(dropped.id);
    }
    return { previousStatus: previous?.status };
  }

  /** Newest first; orders placed in the same millisecond by id, so the order is stable. */
  list(): BoardOrder[] {
    return [...this.orders.values()].sort((a, b) =>
      a.createdAt === b.createdAt ? a.id.localeCompare(b.id) : a.createdAt < b.createdAt ? 1 : -1,
    );
  }

  /** How many orders are in each status, for the board's header. */
  countsByStatus(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const order of this.orders.values()) counts[order.status] = (counts[order.status] ?? 0) + 1;
    return counts;
  }
}

/** "12.50 EUR" from minor units; an amount not known yet is a dash. */
export function formatAmount(amountCents: number | null, currency: string | null): string {
  if (amountCents === null || currency === null) return '–';
  return `${(amountCents / 100).toFixed(2)} ${currency}`;
}
