import { isDuplicateKeyError } from '@tributary/bus';
import { Schema, type Connection, type Model } from 'mongoose';

/** Who placed an order: the only order fact later events (e.g. PaymentRefunded) do not carry. */
export interface OrderContact {
  _id: string;
  customerId: string;
}

const orderContactSchema = new Schema<OrderContact>(
  { _id: { type: String, required: true }, customerId: { type: String, required: true } },
  { collection: 'order_contacts', versionKey: false, autoIndex: false },
);

export interface OrderContacts {
  model: Model<OrderContact>;
  /** Idempotent: an order's customer never changes, so a redelivered OrderPlaced writes nothing. */
  record(orderId: string, customerId: string): Promise<void>;
  /** The order's customer, or null while its OrderPlaced has not been consumed yet. */
  customerOf(orderId: string): Promise<string | null>;
}

export function createOrderContacts(connection: Connection): OrderContacts {
  const model =
    (connection.models.OrderContact as Model<OrderContact> | undefined) ?? connection.model<OrderContact>('OrderContact', orderContactSchema);
  return {
    model,
    async record(orderId, customerId) {
      try {
        await model.updateOne({ _id: orderId }, { $setOnInsert: { customerId } }, { upsert: true }).exec();
      } catch (error) {
        // Two deliveries upserted at once and the other one inserted: the contact is there.
        if (!isDuplicateKeyError(error)) throw error;
      }
    },
    async customerOf(orderId) {
      const contact = await model.findById(orderId).lean<OrderContact>().exec();
      return contact?.customerId ?? null;
    },
  };
}
