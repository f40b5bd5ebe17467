import { canSee, type ServiceContext } from '@tributary/service';
import type { Model } from 'mongoose';
import type { OrderOwner } from '../projections/read-models.ts';
import { pendingReservation, type ReservationView } from '../projections/reservation-view.ts';

/** An Order entity as this subgraph knows it: only its key, the order subgraph owns the rest. */
export interface OrderReference {
  id: string;
}

export function createReservationQueries(models: { reservations: Model<ReservationView>; orderOwners: Model<OrderOwner> }) {
  return {
    /**
     * The order's reservation, or null when the caller may not see the order. An order inventory
     * has not heard of yet is null too: without its owner nobody can tell who may see it.
     */
    async forOrder(context: Pick<ServiceContext, 'actor'>, orderId: string): Promise<ReservationView | null> {
      if (!context.actor) return null;
      const owner = await models.orderOwners.findById(orderId).lean<OrderOwner>().exec();
      if (!owner || !canSee(context.actor, owner.customerId)) return null;
      const reservation = await models.reservations.findById(orderId).lean<ReservationView>().exec();
      return reservation ?? pendingReservation(orderId);
    },
  };
}

export type ReservationQueries = ReturnType<typeof createReservationQueries>;
