import type { Actor } from '@tributary/contracts';
import type { OrderStatus } from '../domain/index.ts';
import type { OrderReadModel } from '../projections/order-read-model.ts';
import type { OrderView } from '../projections/order-view.ts';
import { afterCursorFilter, checkPageSize, decodeCursor, encodeCursor } from './pagination.ts';

export interface OrdersPage {
  edges: { cursor: string; node: OrderView }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** A customer sees only their own orders; admins see every order. */
export function visibleTo(actor: Actor, view: Pick<OrderView, 'customerId'>): boolean {
  return actor.role === 'admin' || actor.role === 'system' || view.customerId === actor.customerId;
}

/** Reads of the `orders` read model (eventually consistent with the event store). */
export function createOrderQueries(model: OrderReadModel) {
  return {
    /** The order, or null when it does not exist or is not the caller's (no existence leak). */
    async byId(actor: Actor, id: string): Promise<OrderView | null> {
      const view = await model.findById(id).lean<OrderView>().exec();
      return view && visibleTo(actor, view) ? view : null;
    },

    async page(actor: Actor, args: { status?: OrderStatus | null; first: number; after?: string | null }): Promise<OrdersPage> {
      const first = checkPageSize(args.first);
      const filter: Record<string, unknown> = {};
      if (actor.role === 'customer') filter.customerId = actor.customerId;
      if (args.status) filter.status = args.status;
      if (args.after) Object.assign(filter, afterCursorFilter(decodeCursor(args.after)));
      // One extra row tells whether another page follows without a count.
      const rows = await model
        .find(filter)
        .sort({ createdAt: -1, _id: -1 })
        .limit(first + 1)
        .lean<OrderView[]>()
        .exec();
      const nodes = rows.slice(0, first);
      const edges = nodes.map((node) => ({ cursor: encodeCursor({ createdAt: node.createdAt, id: node._id }), node }));
      return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
    },
  };
}

export type OrderQueries = ReturnType<typeof createOrderQueries>;
