import type { AnyEventEnvelope } from '@tributary/contracts';
import type { SingleStreamProjection, StreamView } from '@tributary/service';
import { isNotificationTemplate, subjectOf } from '../domain/index.ts';
import { recipientFor } from '../email/email-sender.ts';

/** One sent notification, as the `notifications` queries answer it. */
export interface NotificationView extends StreamView {
  /** The notification id. */
  _id: string;
  customerId: string;
  orderId: string | null;
  /** The template, e.g. 'order-confirmed'. */
  type: string;
  channel: string;
  recipient: string;
  subject: string;
  sentAt: Date;
}

export type NotificationSentEnvelope = AnyEventEnvelope<'NotificationSent'>;

/**
 * NotificationSent -> its document. The event records the template, not the text, so recipient
 * and subject are rebuilt the way the sender built them (same functions, same settings).
 */
export function createNotificationProjection(options: { emailDomain: string }): SingleStreamProjection<NotificationView, NotificationSentEnvelope> {
  return {
    name: 'notifications',
    handles: (envelope): envelope is NotificationSentEnvelope => envelope.type === 'NotificationSent',
    evolve(_view, envelope) {
      const { notificationId, customerId, orderId, channel, template, sentAt } = envelope.data;
      return {
        _id: notificationId,
        customerId,
        orderId,
        type: template,
        channel,
        recipient: recipientFor(customerId, options.emailDomain),
        // Every template this service sends is about an order; the fallback keeps a stream
        // readable should a future template not be.
        subject: isNotificationTemplate(template) && orderId ? subjectOf(template, orderId) : template,
        sentAt: new Date(sentAt),
        version: envelope.aggregateVersion,
      };
    },
  };
}
