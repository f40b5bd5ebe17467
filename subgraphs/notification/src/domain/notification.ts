import type { DomainEvent, notificationChannelSchema } from '@tributary/contracts';
import type { z } from 'zod';
import type { NotificationTemplate } from './triggers.ts';

/**
 * The Notification aggregate: one stream per notification (stream id = notification id, derived
 * from its cause), holding at most one event. Its only rule is "send once".
 */
export type NotificationChannel = z.infer<typeof notificationChannelSchema>;

/** Record that a notification was sent. Time and ids come in with the command (decide stays pure). */
export interface SendNotification {
  type: 'SendNotification';
  data: {
    notificationId: string;
    customerId: string;
    orderId: string | null;
    channel: NotificationChannel;
    template: NotificationTemplate;
    /** Id of the event the notification reacts to. */
    triggeredBy: string;
    now: Date;
  };
}

export type NotificationCommand = SendNotification;

export type NotificationSent = DomainEvent<'NotificationSent'>;
export type NotificationEvent = NotificationSent;

export type NotificationState =
  | { status: 'NOT_SENT' }
  | { status: 'SENT'; notificationId: string; template: string; sentAt: string };

export function initialState(): NotificationState {
  return { status: 'NOT_SENT' };
}
