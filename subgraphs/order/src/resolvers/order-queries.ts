import type { Actor } from '@tributary/contracts';
import { canSee, findPage, type Page, type PageArgs } from '@tributary/service';
import type { OrderStatus } from '../domain/index.ts';
import type { OrderReadModel } from '../projections/order-read-model.ts';
import type { OrderView } from '../projections/order-view.ts';

/** Reads of the `orders` read model (eventually consistent with the event store). */
export function createOrderQueries(model: OrderReadModel) {
  return {
    /** The order, or null when it does not exist or is not the caller's (no existence leak). */
    async byId(actor: Actor, id: string): Promise<OrderView | null> {
      const view = await model.findById(id).lean<OrderView>().exec();
      return view && canSee(actor, view.customerId) ? view : null;
    },

    /** Newest first; a customer's own orders, every order for an admin. */
    async page(actor: Actor, args: PageArgs & { status?: OrderStatus | null }): Promise<Page<OrderView>> {
      const filter: Record<string, unknown> = {};
      if (actor.role === 'customer') filter.customerId = actor.customerId;
      if (args.status) filter.status = args.status;
      return findPage<OrderView>(model, filter, args, { field: 'createdAt', direction: -1 });
    },
  };
}

export type OrderQueries = ReturnType<typeof createOrderQueries>;
