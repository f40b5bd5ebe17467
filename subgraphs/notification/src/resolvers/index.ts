import { requireActor } from '@tributary/service';
import { DateTimeResolver } from 'graphql-scalars';
import { isNotificationTemplate, type NotificationTemplate } from '../domain/index.ts';
import type { NotificationType, Resolvers } from '../generated/resolvers-types.ts';
import type { NotificationView } from '../projections/notification-view.ts';
import type { NotificationQueries } from './notification-queries.ts';
import type { NotificationSubscriptions } from './notification-subscriptions.ts';

/** The read model stores the template name; the API shows it as an enum value. */
const TYPE_OF_TEMPLATE: Record<NotificationTemplate, NotificationType> = {
  'order-confirmed': 'ORDER_CONFIRMED',
  'order-cancelled': 'ORDER_CANCELLED',
  'payment-refunded': 'PAYMENT_REFUNDED',
  'order-shipped': 'ORDER_SHIPPED',
};

export function notificationTypeOf(template: string): NotificationType {
  // Every stored template is one this service sends; anything else is a bug worth an error.
  if (!isNotificationTemplate(template)) throw new Error(`notification template ${template} has no NotificationType`);
  return TYPE_OF_TEMPLATE[template];
}

/** GraphQL -> queries. No business rule lives here; errors are mapped once by the service kit. */
export function createResolvers(queries: NotificationQueries, subscriptions: NotificationSubscriptions): Resolvers {
  return {
    DateTime: DateTimeResolver,
    Query: {
      notifications: (_parent, args, context) => queries.page(requireActor(context), args),
    },
    Subscription: {
      notificationSent: {
        subscribe: (_parent, _args, context) => subscriptions.notificationSent(requireActor(context)),
        // The stream yields notification documents; each one is the field's value.
        resolve: (notification: NotificationView) => notification,
      },
    },
    Notification: {
      id: (notification) => notification._id,
      type: (notification) => notificationTypeOf(notification.type),
    },
    Order: {
      __resolveReference: (reference) => ({ id: reference.id }),
      notifications: (order, _args, context) => queries.forOrder(requireActor(context), order.id),
    },
  };
}
