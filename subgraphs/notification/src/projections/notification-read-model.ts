import { Schema, type Connection, type Model } from 'mongoose';
import type { NotificationView } from './notification-view.ts';

export const NOTIFICATIONS_COLLECTION = 'notifications';
/** The change-feed channel every notification document is announced on. */
export const NOTIFICATION_CHANGES_CHANNEL = 'notifications';

const notificationViewSchema = new Schema<NotificationView>(
  {
    _id: { type: String, required: true },
    customerId: { type: String, required: true },
    orderId: { type: String, default: null },
    type: { type: String, required: true },
    channel: { type: String, required: true },
    recipient: { type: String, required: true },
    subject: { type: String, required: true },
    sentAt: { type: Date, required: true },
    version: { type: Number, required: true },
  },
  // The projection writes whole documents (applyToReadModel); indexes are created at start.
  { collection: NOTIFICATIONS_COLLECTION, versionKey: false, timestamps: false, autoIndex: false },
);

// `notifications`: a customer's newest first, or everyone's for an admin; _id breaks ties.
notificationViewSchema.index({ customerId: 1, sentAt: -1, _id: -1 });
notificationViewSchema.index({ sentAt: -1, _id: -1 });
// `Order.notifications`: one order's, oldest first.
notificationViewSchema.index({ orderId: 1, sentAt: 1, _id: 1 });

export type NotificationReadModel = Model<NotificationView>;

export function notificationReadModel(connection: Connection): NotificationReadModel {
  return (
    (connection.models.NotificationView as NotificationReadModel | undefined) ??
    connection.model<NotificationView>('NotificationView', notificationViewSchema)
  );
}
