import { z } from 'zod';
import { idSchema, isoDateTimeSchema } from './common.ts';
import { defineEvent } from './definition.ts';

/** Events of the notification service (aggregate id = notification id), topic `tributary.notification`. */

export const notificationChannelSchema = z.enum(['email', 'sms', 'push', 'log']);

export const notificationSentV1 = defineEvent({
  type: 'NotificationSent',
  version: 1,
  aggregate: 'notification',
  schema: z.object({
    notificationId: idSchema,
    customerId: idSchema,
    /** Null for notifications that are not about an order. */
    orderId: idSchema.nullable(),
    channel: notificationChannelSchema,
    /** Which message was sent, e.g. 'order-confirmed'; the rendered text is not an event. */
    template: z.string().min(1).max(100),
    /** The event this notification reacts to, for tracing a message back to its cause. */
    triggeredBy: z.uuid(),
    sentAt: isoDateTimeSchema,
  }),
});

export const notificationEvents = {
  NotificationSent: notificationSentV1,
} as const;

export const supersededNotificationEvents = [] as const;
