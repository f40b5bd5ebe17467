import { Schema, type Connection, type Model } from 'mongoose';
import type { OrderView } from './order-view.ts';

export const ORDERS_COLLECTION = 'orders';
/** The change-feed channel every new version of an order document is announced on. */
export const ORDER_CHANGES_CHANNEL = 'orders';

const orderViewSchema = new Schema<OrderView>(
  {
    _id: { type: String, required: true },
    customerId: { type: String, required: true },
    status: { type: String, required: true, enum: ['PENDING', 'CONFIRMED', 'CANCELLED', 'SHIPPED'] },
    items: [{ _id: false, sku: { type: String, required: true }, quantity: { type: Number, required: true } }],
    idempotencyKey: { type: String, default: null },
    paymentMethod: { type: String, required: true },
    cancellationReason: { type: String, default: null },
    cancellationDetail: { type: String, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    version: { type: Number, required: true },
    events: [
      {
        _id: false,
        type: { type: String, required: true },
        version: { type: Number, required: true },
        aggregateVersion: { type: Number, required: true },
        occurredAt: { type: Date, required: true },
        causationId: { type: String, required: true },
      },
    ],
  },
  // The projection owns every field, timestamps included: they are the events' times, not the
  // time the projector happened to write.
  { collection: ORDERS_COLLECTION, versionKey: false, timestamps: false, autoIndex: false },
);

// The `orders` query pages newest first, per customer (customers) or over all (admins), with an
// optional status filter; _id breaks ties between orders placed in the same millisecond.
orderViewSchema.index({ customerId: 1, createdAt: -1, _id: -1 });
orderViewSchema.index({ customerId: 1, status: 1, createdAt: -1, _id: -1 });
orderViewSchema.index({ status: 1, createdAt: -1, _id: -1 });
orderViewSchema.index({ createdAt: -1, _id: -1 });

export type OrderReadModel = Model<OrderView>;

export function orderReadModel(connection: Connection): OrderReadModel {
  return (connection.models.OrderView as OrderReadModel | undefined) ?? connection.model<OrderView>('OrderView', orderViewSchema);
}
