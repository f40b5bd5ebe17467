import { DomainError, type Actor } from '@tributary/contracts';
import { canSee, subscribeToChanges, type ChangeFeed } from '@tributary/service';
import { ORDER_CHANGES_CHANNEL, type OrderReadModel } from '../projections/order-read-model.ts';
import type { OrderView } from '../projections/order-view.ts';

/** How many orders `orderChanged(includeCurrent: true)` without an id sends first (stated in the schema). */
export const CURRENT_ORDERS_CAP = 100;

export interface OrderChangedArgs {
  id?: string | null;
  includeCurrent?: boolean | null;
}

/** `orderChanged`: the orders read model's changes, as the caller may see them. */
export function createOrderSubscriptions(deps: { feed: ChangeFeed; model: OrderReadModel }) {
  const { feed, model } = deps;

  /** The current state to send first; refuses an order that exists and is not the caller's. */
  async function current(actor: Actor, args: OrderChangedArgs): Promise<OrderView[]> {
    if (args.id != null) {
      const order = await model.findById(args.id).lean<OrderView>().exec();
      // The same answer as cancelOrder gives for another customer's order. An order not in the
      // read model yet (placed a moment ago) is followed: its changes are filtered like any.
      if (order && !canSee(actor, order.customerId)) throw new DomainError('NOT_FOUND', `order ${args.id} not found`);
      return args.includeCurrent && order ? [order] : [];
    }
    if (!args.includeCurrent) return [];
    const filter = actor.role === 'customer' ? { customerId: actor.customerId } : {};
    return model.find(filter).sort({ createdAt: -1, _id: -1 }).limit(CURRENT_ORDERS_CAP).lean<OrderView[]>().exec();
  }

  return {
    orderChanged(actor: Actor, args: OrderChangedArgs): Promise<AsyncIterableIterator<OrderView>> {
      return subscribeToChanges<OrderView>({
        feed,
        channel: ORDER_CHANGES_CHANNEL,
        // Every change is checked against the caller, whatever the arguments: nothing leaks.
        accept: (order) => canSee(actor, order.customerId) && (args.id == null || order._id === args.id),
        initial: () => current(actor, args),
      });
    },
  };
}

export type OrderSubscriptions = ReturnType<typeof createOrderSubscriptions>;
