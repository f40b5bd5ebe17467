import type { Actor } from '@tributary/contracts';
import { canSee, findPage, type Page, type PageArgs } from '@tributary/service';
import type { NotificationReadModel } from '../projections/notification-read-model.ts';
import type { NotificationView } from '../projections/notification-view.ts';

/** Reads of the `notifications` read model (eventually consistent with the event store). */
export function createNotificationQueries(model: NotificationReadModel) {
  return {
    /** The caller's notifications, newest first; admins (and the saga) see everyone's. */
    page(actor: Actor, args: PageArgs): Promise<Page<NotificationView>> {
      const filter = actor.role === 'customer' ? { customerId: actor.customerId } : {};
      return findPage(model, filter, args, { field: 'sentAt', direction: -1 });
    },

    /**
     * One order's notifications, oldest first. Each carries the order's customer, so checking
     * them against the caller hides another customer's order entirely (an empty list, which
     * says nothing about whether the order exists).
     */
    async forOrder(actor: Actor, orderId: string): Promise<NotificationView[]> {
      const rows = await model.find({ orderId }).sort({ sentAt: 1, _id: 1 }).lean<NotificationView[]>().exec();
      return rows.filter((row) => canSee(actor, row.customerId));
    },
  };
}

export type NotificationQueries = ReturnType<typeof createNotificationQueries>;
